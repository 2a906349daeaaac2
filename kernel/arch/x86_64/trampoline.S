/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trampoline.S - where an application processor (AP) starts.
 *
 * A STARTUP IPI with vector TRAMPOLINE_PHYS >> 12 starts the AP in 16-bit
 * real mode at CS = TRAMPOLINE_PHYS >> 4, IP = 0, with interrupts off and
 * paging off. smp.c copies [trampoline_start, trampoline_end) there, fills
 * trampoline_params (smp.h: TP_*) and builds a temporary PML4 in the
 * following pages (identity map of the first 2 MiB + the kernel half).
 *
 * The code is assembled into .rodata (it only runs from the copy), so every
 * absolute address in it is computed as TRAMPOLINE_PHYS + offset within the
 * trampoline (LOW()). Steps:
 *   16-bit: load a small GDT, set CR0.PE, far jump to 32-bit code;
 *   32-bit: flat data segments, CR4 (PAE, and PGE/SMEP/SMAP as on the boot
 *           CPU), CR3 = temporary PML4, EFER (LME, NXE, SCE as on the boot
 *           CPU), CR0 as on the boot CPU (PG on: long mode), far jump to
 *           64-bit code;
 *   64-bit: still at the low address: load the AP's stack, its struct cpu
 *           and the kernel's CR3 from the parameters, jump to
 *           x86_ap_entry64 in the kernel's text, which switches to the
 *           kernel's page table and calls x86_ap_main(cpu).
 */
#include "layout.h"
#include "smp.h"

#define LOW(sym) (TRAMPOLINE_PHYS + ((sym) - trampoline_start))
#define PARAM(off) (LOW(trampoline_params) + (off))
#define TR_CODE32 0x08
#define TR_DATA 0x10
#define TR_CODE64 0x18
#define MSR_EFER 0xc0000080

	.section .rodata
	.balign 16
	.global trampoline_start, trampoline_end, trampoline_params
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl (tr_gdt_ptr - trampoline_start)
	movl %cr0, %eax
	orl $1, %eax /* PE */
	movl %eax, %cr0
	ljmpl $TR_CODE32, $LOW(tr_protected)

	.code32
tr_protected:
	movw $TR_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl PARAM(TP_CR4), %eax
	movl %eax, %cr4
	movl PARAM(TP_CR3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl PARAM(TP_EFER), %eax
	xorl %edx, %edx
	wrmsr
	movl PARAM(TP_CR0), %eax
	movl %eax, %cr0
	ljmpl $TR_CODE64, $LOW(tr_long)

	.code64
tr_long:
	movq PARAM(TP_STACK), %rsp
	movq PARAM(TP_CPU), %rdi
	movq PARAM(TP_KERNEL_CR3), %rbx
	movabsq $x86_ap_entry64, %rax
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
	.short tr_gdt_end - tr_gdt - 1
	.long LOW(tr_gdt)

	.balign 8
trampoline_params:
	.skip TP_SIZE
trampoline_end:

/* In the kernel's text: on the temporary page table, %rbx = kernel CR3, %rdi = cpu. */
	.text
	.code64
	.global x86_ap_entry64
x86_ap_entry64:
	movq %rbx, %cr3
	xorl %ebp, %ebp
	pushq $0 /* end of the frame-pointer chain, as on the boot stack */
	pushq $0
	movq %rsp, %rbp
	call x86_ap_main
1:	cli
	hlt
	jmp 1b
