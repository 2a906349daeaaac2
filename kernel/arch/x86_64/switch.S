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
 * Continuations (arch_context_switch_cont): a thread that left its stack
 * saves nothing and has no stack pointer to load; its arch.cont runs on
 * its empty stack (just below its user frame) when it runs again and its
 * value goes to user mode through the system-call exit path
 * (x86_cont_run). So there is one entry for each pair:
 *   x86_switch_stacks(&prev_rsp, next_rsp)      saved prev, saved next
 *   x86_switch_stacks_cont(&prev_rsp, frame, cont) saved prev, next's cont
 *   x86_switch_from_cont(0, next_rsp)           prev left, saved next (the
 *                                               second half of x86_switch_stacks)
 *   x86_cont_run(frame, cont)                   prev left, next's cont
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
	.global x86_switch_from_cont
x86_switch_from_cont: /* (unused, next_rsp): the second half, for a prev that left its stack */
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

	.global x86_switch_stacks_cont
x86_switch_stacks_cont:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rdi
	movq %rdx, %rsi
	jmp x86_cont_run

	.global x86_cont_run
x86_cont_run:
	movq %rdi, %rsp /* the user frame: the stack is empty above it */
	xorl %ebp, %ebp /* backtraces end here */
	callq *%rsi
	jmp x86_syscall_exit /* %rsp is the user frame, as after the system call */
