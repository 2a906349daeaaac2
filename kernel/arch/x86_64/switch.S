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
