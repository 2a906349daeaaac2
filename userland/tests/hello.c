/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hello.c - test program: the smallest check that a static musl program
 * starts, writes to stdout and exits 0.
 */
#include <stdio.h>

int main(void)
{
	puts("hello from musl");
	return 0;
}
