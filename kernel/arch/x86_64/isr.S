/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * isr.S - entry stubs for the 32 CPU exception vectors. Each stub makes the
 * stack look the same (error code or a 0 in its place, then the vector),
 * isr_common saves the general registers into a struct trap_frame (x86.h)
 * and calls x86_trap(frame); if that returns, the registers are restored and
 * iretq resumes (possibly at a fixed-up RIP).
 */
#include "frame.inc"
#include "layout.h"

	.text
	.code64

.macro ISR_NOERR n
isr_\n:
	pushq $0
	pushq $\n
	jmp isr_common
.endm

.macro ISR_ERR n
isr_\n:
	pushq $\n
	jmp isr_common
.endm

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR 8
ISR_NOERR 9
ISR_ERR 10
ISR_ERR 11
ISR_ERR 12
ISR_ERR 13
ISR_ERR 14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR 17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR 21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR 29
ISR_ERR 30
ISR_NOERR 31

/* Vectors 32-255: interrupts (no error code), one 16-byte stub each. */
	.balign 16
	.global irq_stubs
irq_stubs:
	.set vec, 32
	.rept 224
	.balign 16
	pushq $0
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	/* From user mode (CS.RPL = 3): switch to the kernel's GS base. */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	PUSH_GPRS
	cld
	movq %rsp, %rdi
	xorl %ebp, %ebp /* backtraces of the handler stop here */
	call x86_trap
	POP_GPRS
	addq $16, %rsp /* vector and error code */
	testb $3, 8(%rsp)
	jz 2f
	swapgs
2:	iretq

	.section .rodata
	.balign 8
	.global isr_stub_table
isr_stub_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\n
	.endr

/*
 * x86_call_on_stack(top, fn, arg): run fn(arg) with %rsp = top (a stack from
 * kstack_alloc), then come back to the caller's stack. Threads will be
 * started the same way.
 */
	.text
	.global x86_call_on_stack
x86_call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdi, %rsp
	movq %rdx, %rdi
	callq *%rsi
	movq %rbp, %rsp
	popq %rbp
	ret
