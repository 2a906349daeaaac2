/* SPDX-License-Identifier: BSD-2-Clause */
/* crash_div.c - a user program that faults on purpose; the kernel must kill it and go on. */
#include "ulib.h"

int main(void)
{
	/* in assembly: a compiler may turn 1 / z into a comparison */
	__asm__ volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\tcltd\n\tidivl %%ecx"
			 :
			 :
			 : "eax", "ecx", "edx");
	return 0;
}
