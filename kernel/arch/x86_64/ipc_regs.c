/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_regs.c - the registers of native IPC messages on x86_64 (ipc.h):
 * info in %rsi, words 0..3 in %r10 %r8 %r9 %r12, the badge in %rdi. The
 * first three words arrive as system-call arguments; the fourth is read
 * from the saved frame, and on the way out the syscall exit path reloads
 * every register but %rax from the frame, so writing it is enough.
 */
#include "ipc.h"
#include "x86.h"

STATIC_ASSERT(M_MSG_REGS == 4, "x86_64 carries four message words");

/* The fast path calls the same code inline (include/arch_uframe.h). */
u64 arch_ipc_mr3(const struct trap_frame *f)
{
	return arch_fast_ipc_mr3(f);
}

void arch_ipc_set_regs(struct trap_frame *f, u64 badge, u64 info, const u64 *mr)
{
	arch_fast_ipc_set_regs(f, badge, info, mr);
}
