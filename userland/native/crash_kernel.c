/* SPDX-License-Identifier: BSD-2-Clause */
/* crash_kernel.c - a user program that faults on purpose; the kernel must kill it and go on. */
#include "ulib.h"

int main(void)
{
	return *(volatile int *)0xffffffff80100000ul;
	return 0;
}
