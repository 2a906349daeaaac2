/* SPDX-License-Identifier: BSD-2-Clause */
/* hello.c - the first user program: print, yield, sleep, print, exit 42. */
#include "ulib.h"

int main(void)
{
	uputs("hello from user space, thread ");
	uputu((u64)sys6(MSYS_GETTID, 0, 0, 0));
	uputs("\n");
	sys6(MSYS_YIELD, 0, 0, 0);
	sys6(MSYS_SLEEP_NS, 1000000, 0, 0);
	uputs("user: slept 1 ms, exiting with 42\n");
	return 42;
}
