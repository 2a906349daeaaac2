/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fpu_check.c - does the kernel keep this program's FPU/SSE state across
 * switches? It puts values derived from its thread id in %xmm0-%xmm7, the
 * SSE rounding mode and the x87 control word, then yields many times
 * (other threads and programs run in between) and checks them after every
 * yield. Exit code 0: all intact; 1: an %xmm register changed; 2: MXCSR
 * changed; 3: the x87 control word changed. The kernel ktest
 * (sched.fpu_state_kept_for_user_and_kernel_threads) runs two at once.
 */
#include "ulib.h"

#define ROUNDS 3000

#define XMM_PUT(n, v) __asm__ volatile("movq %0, %%xmm" #n : : "r"(v))
#define XMM_GET(n, v) __asm__ volatile("movq %%xmm" #n ", %0" : "=r"(v))

static int check_xmm(u64 base)
{
	u64 v;

	XMM_GET(0, v);
	if (v != base)
		return 1;
	XMM_GET(1, v);
	if (v != base + 1)
		return 1;
	XMM_GET(2, v);
	if (v != base + 2)
		return 1;
	XMM_GET(3, v);
	if (v != base + 3)
		return 1;
	XMM_GET(4, v);
	if (v != base + 4)
		return 1;
	XMM_GET(5, v);
	if (v != base + 5)
		return 1;
	XMM_GET(6, v);
	if (v != base + 6)
		return 1;
	XMM_GET(7, v);
	return v != base + 7;
}

int main(void)
{
	u64 tid = (u64)sys6(MSYS_GETTID, 0, 0, 0);
	u64 base = 0x5a5a000000000000ul ^ (tid << 20);
	unsigned int mxcsr = 0x1f80 | (unsigned int)(1 + tid % 3) << 13, got32 = 0;
	unsigned short fcw = (unsigned short)(0x037f & ~(3u << 10)) | (unsigned short)(tid % 4)
									      << 10;
	unsigned short got16 = 0;

	XMM_PUT(0, base);
	XMM_PUT(1, base + 1);
	XMM_PUT(2, base + 2);
	XMM_PUT(3, base + 3);
	XMM_PUT(4, base + 4);
	XMM_PUT(5, base + 5);
	XMM_PUT(6, base + 6);
	XMM_PUT(7, base + 7);
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("fldcw %0" : : "m"(fcw));
	for (int i = 0; i < ROUNDS; i++) {
		sys6(MSYS_YIELD, 0, 0, 0);
		if (check_xmm(base))
			return 1;
		__asm__ volatile("stmxcsr %0" : "=m"(got32));
		if (got32 != mxcsr)
			return 2;
		__asm__ volatile("fnstcw %0" : "=m"(got16));
		if (got16 != fcw)
			return 3;
	}
	return 0;
}
