/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_null.c - the native null system call round trip from user mode,
 * timed with the cycle counter (guest instructions under -icount shift=0);
 * prints a kbench line like the in-kernel benchmarks.
 */
#include "ulib.h"

#define N 20000

int main(void)
{
	u64 t0, t1, loop0, loop1;

	for (int i = 0; i < 100; i++)
		sys6(MSYS_NULL, 0, 0, 0);
	loop0 = urdtsc();
	for (volatile int i = 0; i < N; i++)
		;
	loop1 = urdtsc();
	t0 = urdtsc();
	for (volatile int i = 0; i < N; i++)
		sys6(MSYS_NULL, 0, 0, 0);
	t1 = urdtsc();
	uputs("kbench native_null_syscall ");
	uputu(((t1 - t0) - (loop1 - loop0)) / N);
	uputs(" insns\n");
	return 0;
}
