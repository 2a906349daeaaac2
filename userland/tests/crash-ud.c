/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crash-ud.c - test program: executes ud2, so the kernel must deliver
 * SIGILL. Exits 1 if the instruction somehow does not trap.
 */
#include <stdio.h>

int main(void)
{
	__asm__ volatile("ud2");
	puts("crash-ud: ud2 did not trap");
	return 1;
}
