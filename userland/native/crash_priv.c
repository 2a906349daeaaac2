/* SPDX-License-Identifier: BSD-2-Clause */
/* crash_priv.c - a user program that faults on purpose; the kernel must kill it and go on. */
#include "ulib.h"

int main(void)
{
	__asm__ volatile("hlt");
	return 0;
}
