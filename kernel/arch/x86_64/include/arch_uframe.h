/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_uframe.h (x86_64) - the register frame saved at every entry to the
 * kernel (struct trap_frame, lowest address first, as isr.S and entry.S
 * push it) and the IPC fast path's inline register hooks. Generic code
 * sees the layout only through the arch_fast_* functions, which the IPC
 * fast path (kernel/ipc/endpoint.c) calls inline on every call and reply;
 * the out-of-line hooks arch_user_frame (uframe.c), arch_ipc_mr3 and
 * arch_ipc_set_regs (ipc_regs.c) are these same functions.
 *
 * Message registers (ipc_regs.c): info in %rsi, words 0..3 in %r10 %r8 %r9
 * %r12, the badge in %rdi.
 */
#ifndef MATRIOSKA_ARCH_UFRAME_H
#define MATRIOSKA_ARCH_UFRAME_H

#include "arch_thread.h"
#include "types.h"

/* Registers saved by isr.S on every exception/interrupt, lowest address first. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};

/* A user thread's saved user registers: the top of its kernel stack. */
static inline struct trap_frame *arch_fast_user_frame(const struct arch_thread *a)
{
	return (struct trap_frame *)(uintptr_t)(a->kstack_top - sizeof(struct trap_frame));
}

/* The message word that is not a system-call argument. */
static inline u64 arch_fast_ipc_mr3(const struct trap_frame *f)
{
	return f->r12;
}

/* The registers an IPC call returns besides the result (the exit path reloads them). */
static inline void arch_fast_ipc_set_words(struct trap_frame *f, u64 badge, u64 info, u64 mr0,
					   u64 mr1, u64 mr2, u64 mr3)
{
	f->rdi = badge;
	f->rsi = info;
	f->r10 = mr0;
	f->r8 = mr1;
	f->r9 = mr2;
	f->r12 = mr3;
}

/* The same with the words from a message (mr[0..3]). */
static inline void arch_fast_ipc_set_regs(struct trap_frame *f, u64 badge, u64 info, const u64 *mr)
{
	arch_fast_ipc_set_words(f, badge, info, mr[0], mr[1], mr[2], mr[3]);
}

#endif
