/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * entry.S - the ways between user mode and the kernel on x86_64.
 *
 * x86_syscall_entry: the SYSCALL target (LSTAR). Interrupts are off on
 * entry (FMASK clears IF). It swaps to the kernel GS base, moves to the
 * thread's kernel stack (this_cpu()->kernel_rsp) and builds a struct
 * trap_frame exactly like an interrupt would (vector VECTOR_SYSCALL, the
 * system call number as the error code, so a restart can find it), then,
 * with interrupts on, calls syscall_dispatch(nr, a0..a5) straight from the
 * user's registers (%rax, %rdi %rsi %rdx %r10 %r8 %r9; syscall.c checks
 * the prototype). On the way out, with interrupts off, one test of
 * this_cpu()->exit_work covers every kind of pending work (need_resched,
 * signals): if any is set the result is stored in the frame and
 * syscall_exit_work(frame) runs, which may change the frame. Then every
 * register but %rax (the result) comes from the frame, and SYSRET returns -
 * unless the return address is not a canonical user address, in which case
 * IRETQ does (SYSRET would fault in kernel mode with the user's stack).
 *
 * IPC fast path: call and reply_recv (the two halves of every native RPC)
 * skip the table and go straight to msys_ipc_call / msys_ipc_reply_recv
 * (kernel/ipc, same prototype as the table's entries), which try the
 * direct hand-off to a waiting partner first (docs/design/ipc.md).
 *
 * x86_enter_user(rip, rsp): the first return of a new user thread to ring 3.
 */
#include "../../../abi/matrioska/syscall.h"
#include "frame.inc"
#include "layout.h"

	.text
	.global x86_syscall_entry
x86_syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KERNEL_RSP, %rsp
	pushq $(GDT_UDATA | 3) /* ss */
	pushq %gs:CPU_USER_RSP /* rsp */
	pushq %r11 /* rflags */
	pushq $(GDT_UCODE | 3) /* cs */
	pushq %rcx /* rip */
	pushq %rax /* error: the system call number, kept for restarts (Linux's orig_rax) */
	pushq $VECTOR_SYSCALL
	PUSH_GPRS
	xorl %ebp, %ebp /* backtraces end here */
	sti
	cmpq $MSYS_IPC_CALL, %rax
	je 5f
	cmpq $MSYS_IPC_REPLY_RECV, %rax
	je 6f
	subq $8, %rsp /* the call below sees a 16-byte aligned stack */
	pushq %r9 /* a5 */
	movq %r8, %r9 /* a4 */
	movq %r10, %r8 /* a3 */
	movq %rdx, %rcx /* a2 */
	movq %rsi, %rdx /* a1 */
	movq %rdi, %rsi /* a0 */
	movq %rax, %rdi /* nr */
	call syscall_dispatch
	addq $16, %rsp
	.global x86_syscall_exit
x86_syscall_exit: /* %rax: the result; %rsp: the frame (also x86_cont_start's way out) */
1:	cli
	cmpl $0, %gs:CPU_EXIT_WORK
	jnz 3f
2:	movq TF_R15(%rsp), %r15
	movq TF_R14(%rsp), %r14
	movq TF_R13(%rsp), %r13
	movq TF_R12(%rsp), %r12
	movq TF_R10(%rsp), %r10
	movq TF_R9(%rsp), %r9
	movq TF_R8(%rsp), %r8
	movq TF_RBP(%rsp), %rbp
	movq TF_RDI(%rsp), %rdi
	movq TF_RSI(%rsp), %rsi
	movq TF_RDX(%rsp), %rdx
	movq TF_RBX(%rsp), %rbx
	movq TF_RIP(%rsp), %rcx
	movq TF_RFLAGS(%rsp), %r11
	testq %rcx, x86_user_rip_mask(%rip)
	jnz 4f /* not a user address: IRETQ raises the fault in user mode */
	movq TF_RSP(%rsp), %rsp
	swapgs
	sysretq
3:	movq %rax, TF_RAX(%rsp) /* the frame is complete for whoever looks at it */
	movq %rsp, %rdi
	call syscall_exit_work /* returns with interrupts off and nothing left to do */
	movq TF_RAX(%rsp), %rax
	jmp 2b
4:	addq $TF_RIP, %rsp
	swapgs
	iretq
5:	movq %r10, %rcx /* a3; the stack is 16-byte aligned here */
	call msys_ipc_call
	jmp 1b
6:	movq %r10, %rcx
	call msys_ipc_reply_recv
	jmp 1b

	.section .rodata
	.balign 8
x86_user_rip_mask:
	.quad 0xffff800000000000 /* bits that are zero in every canonical user address */

	.text
	.global x86_enter_user
x86_enter_user:
	cli
	pushq $(GDT_UDATA | 3)
	pushq %rsi
	pushq $0x202 /* IF */
	pushq $(GDT_UCODE | 3)
	pushq %rdi
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	swapgs
	iretq
