/* SPDX-License-Identifier: BSD-2-Clause */
/* crash_null.c - a user program that faults on purpose; the kernel must kill it and go on. */
#include "ulib.h"

int main(void)
{
	*(volatile int *)0 = 1;
	return 0;
}
