/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_thread.h (x86_64) - the per-thread CPU context embedded in struct
 * thread: the saved kernel stack pointer (the callee-saved registers sit on
 * that stack, pushed by arch_context_switch) and the FPU/SSE/AVX state -
 * or, for a thread that left its stack (arch_context_switch_cont), the
 * continuation to run when it runs again.
 */
#ifndef MATRIOSKA_ARCH_THREAD_H
#define MATRIOSKA_ARCH_THREAD_H

#include "types.h"

struct arch_thread {
	u64 rsp;	    /* kernel stack pointer while switched out */
	void *fpu;	    /* XSAVE (or FXSAVE) area, 64-byte aligned */
	bool fpu_active;    /* its state is in the FPU registers now (thread.c); own CPU only */
	u8 fpu_eager;	    /* switch-ins left that load its state without waiting for #NM */
	u64 fs_base;	    /* user thread pointer (TLS) */
	u64 kstack_top;	    /* loaded into TSS.rsp0 and the syscall stack when it runs */
	long (*cont)(void); /* switched out by arch_context_switch_cont: runs on its empty stack */
};

#endif
