/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * switch.S - the stack switch at the heart of a context switch.
 *
 * x86_switch_stacks(&prev->arch.rsp, next->arch.rsp) pushes the callee-saved
 * registers on the current stack, stores %rsp in *prev_rsp, loads next's
 * %rsp and pops next's registers; the final "ret" returns wherever next
 * switched away (inside arch_context_switch), or, for a thread that never
 * ran, into x86_thread_start with its entry function in %rbx (the frame
 * arch_thread_init builds).
 *
 * x86_switch_cont(&prev->arch.rsp, next->arch.rsp, frame, cont): the same
 * for a thread that does not come back to its stack (arch_context_switch_cont):
 * nothing of prev is pushed; below its user frame (frame, the top of
 * what it keeps) a frame like a new thread's is written, with cont where
 * %rbx is popped and x86_cont_start as the return address, so any later
 * switch to prev "returns" into x86_cont_start: cont() runs on the empty
 * stack and its value goes to user mode through the system-call exit path.
 * The other slots are whatever the stack held: x86_cont_start ignores them
 * and the exit path loads every user register from the frame. Everything
 * is in registers before the writes, which may land on the caller's own
 * (abandoned) frames.
 */
	.text
	.global x86_switch_stacks
x86_switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.global x86_thread_start
x86_thread_start:
	xorl %ebp, %ebp /* backtraces end here */
	callq *%rbx
	ud2 /* the entry function never returns */

	.global x86_switch_cont
x86_switch_cont:
	leaq -56(%rdx), %rax /* r15 r14 r13 r12 rbx rbp, return address */
	movq %rcx, 32(%rax) /* rbx: cont */
	leaq x86_cont_start(%rip), %rdx
	movq %rdx, 48(%rax)
	movq %rax, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.global x86_cont_start
x86_cont_start:
	xorl %ebp, %ebp /* backtraces end here */
	callq *%rbx
	jmp x86_syscall_exit /* %rsp is the user frame, as after the system call */
