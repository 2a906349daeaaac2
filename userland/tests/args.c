/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * args.c - test program for execve: prints what the kernel put on the
 * initial stack, one fact per line so a test can match lines exactly:
 *
 *     argc=N
 *     argv[i]=...            (one line per argument)
 *     AT_PAGESZ=4096
 *     AT_ENTRY nonzero=1
 *     AT_PHNUM=N
 *     AT_RANDOM present=1
 */
#include <stdio.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
	printf("AT_ENTRY nonzero=%d\n", getauxval(AT_ENTRY) != 0);
	printf("AT_PHNUM=%lu\n", getauxval(AT_PHNUM));
	printf("AT_RANDOM present=%d\n", getauxval(AT_RANDOM) != 0);
	return 0;
}
