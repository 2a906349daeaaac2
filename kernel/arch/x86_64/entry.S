/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * entry.S - the ways between user mode and the kernel on x86_64.
 *
 * x86_syscall_entry: the SYSCALL target (LSTAR). Interrupts are off on
 * entry (FMASK clears IF). It swaps to the kernel GS base, moves to the
 * thread's kernel stack (this_cpu()->kernel_rsp), builds a struct trap_frame
 * exactly like an interrupt would (vector VECTOR_SYSCALL), calls
 * x86_syscall(frame) with interrupts on, and returns with SYSRET - unless the
 * return address is not a canonical user address, in which case it returns
 * with IRETQ (SYSRET would fault in kernel mode with the user's stack).
 *
 * x86_enter_user(rip, rsp): the first return of a new user thread to ring 3.
 */
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
	pushq $0 /* error */
	pushq $VECTOR_SYSCALL
	PUSH_GPRS
	xorl %ebp, %ebp
	movq %rsp, %rdi
	sti
	call x86_syscall
	cli
	POP_GPRS
	addq $16, %rsp /* vector, error */
	/* [rip, cs, rflags, rsp, ss] */
	movq (%rsp), %rcx
	movq %rcx, %r11
	sarq $47, %r11
	jnz 1f /* not a user address: IRETQ raises the fault in user mode */
	movq 16(%rsp), %r11
	movq 24(%rsp), %rsp
	swapgs
	sysretq
1:	swapgs
	iretq

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
