/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crash-segv.c - test program: writes through a NULL pointer, so the kernel
 * must deliver SIGSEGV (the shell then reports "Segmentation fault").
 * Exits 1 if the write somehow survives.
 */
#include <stdio.h>

int main(void)
{
	volatile int *volatile p = NULL;

	*p = 42;
	puts("crash-segv: the write through NULL did not fault");
	return 1;
}
