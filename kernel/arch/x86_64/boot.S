/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * boot.S - first instructions of the kernel.
 *
 * The image is a flat binary with two headers: Multiboot 1 (QEMU -kernel,
 * GRUB "multiboot") and Multiboot 2 (GRUB "multiboot2"). Both use the
 * "address" form, so the loader copies the file to 1 MiB, zeroes .bss and
 * jumps to _start32 in 32-bit protected mode with paging off, EAX = loader
 * magic and EBX = physical address of the boot information.
 *
 * _start32 records the entry TSC and the loader's registers, clears .bss,
 * checks that a Multiboot loader started us and that the CPU has long mode
 * (printing a message on COM1 and halting otherwise), builds early page
 * tables (identity and direct map of 0-4 GiB, and the kernel at
 * KERNEL_VMA, all with 2 MiB pages), enables PAE, long mode, NX (when present)
 * and paging, and jumps to 64-bit code in the higher half, which switches to
 * the guarded boot stack and calls x86_64_start() in C.
 *
 * Everything in this file runs before the C code; it only uses the registers
 * and the symbols defined here and in the linker script.
 */
#include "layout.h"

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory info, address fields */
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36d76289

#define COM1 0x3f8
#define PHYS(sym) ((sym) - KERNEL_VMA)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header /* header_addr */
	.long _image_start_phys /* load_addr */
	.long _load_end_phys /* load_end_addr */
	.long _bss_end_phys /* bss_end_addr */
	.long _start32 /* entry_addr */

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0 /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	/* address tag */
	.balign 8
	.short 2, 0
	.long 24
	.long mb2_header
	.long _image_start_phys
	.long _load_end_phys
	.long _bss_end_phys
	/* entry address tag */
	.balign 8
	.short 3, 0
	.long 12
	.long _start32
	/* module alignment tag */
	.balign 8
	.short 6, 0
	.long 8
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	movl %eax, PHYS(boot_magic)
	movl %ebx, PHYS(boot_info_phys)
	rdtsc
	movl %eax, PHYS(boot_tsc)
	movl %edx, PHYS(boot_tsc) + 4

	/* Clear .bss ourselves: a non-Multiboot loader would not have. */
	movl $_bss_start_phys, %edi
	movl $_bss_end_phys, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	movl $PHYS(boot_stack_top), %esp
	call early_serial_init

	movl PHYS(boot_magic), %eax
	cmpl $MB1_BOOT_MAGIC, %eax
	je 1f
	cmpl $MB2_BOOT_MAGIC, %eax
	je 1f
	movl $msg_not_multiboot, %esi
	call early_puts
	movl PHYS(boot_magic), %eax
	call early_puthex
	movl $msg_halt, %esi
	call early_puts
	jmp early_halt

1:	/* Is CPUID there (EFLAGS.ID can be toggled)? */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $(1 << 21), %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx
	popfl
	xorl %ecx, %eax
	testl $(1 << 21), %eax
	jz no_long_mode
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	movl %edx, PHYS(boot_cpuid_ext_edx)

	/* early_pd: 2048 entries of 2 MiB mapping physical 0-4 GiB. */
	movl $PHYS(early_pd), %edi
	movl $0x83, %eax /* present, writable, 2 MiB page */
	xorl %edx, %edx
	movl $2048, %ecx
2:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 2b

	/* early_pdpt_low: 4 GiB through the four page directories. */
	movl $PHYS(early_pdpt_low), %edi
	movl $(PHYS(early_pd) + 3), %eax
	movl %eax, 0(%edi)
	addl $4096, %eax
	movl %eax, 8(%edi)
	addl $4096, %eax
	movl %eax, 16(%edi)
	addl $4096, %eax
	movl %eax, 24(%edi)

	/* early_pdpt_high: -2 GiB maps physical 0-2 GiB (the kernel image). */
	movl $PHYS(early_pdpt_high), %edi
	movl $(PHYS(early_pd) + 3), %eax
	movl %eax, 510 * 8(%edi)
	addl $4096, %eax
	movl %eax, 511 * 8(%edi)

	/* PML4: identity (slot 0), direct map (slot 256), kernel (slot 511). */
	movl $PHYS(early_pml4), %edi
	movl $(PHYS(early_pdpt_low) + 3), %eax
	movl %eax, 0(%edi)
	movl %eax, 256 * 8(%edi)
	movl $(PHYS(early_pdpt_high) + 3), %eax
	movl %eax, 511 * 8(%edi)

	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	orl $(1 << 8), %eax /* LME */
	testl $(1 << 20), PHYS(boot_cpuid_ext_edx)
	jz 3f
	orl $(1 << 11), %eax /* NXE */
3:	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax /* PG, WP, PE */
	movl %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $GDT_KCODE, $long_mode_low

no_long_mode:
	movl $msg_no_long_mode, %esi
	call early_puts
early_halt:
	cli
	hlt
	jmp early_halt

/* 16550 on COM1: 115200 baud, 8N1, FIFO on, interrupts off. */
early_serial_init:
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx
	movb $0x80, %al
	outb %al, %dx
	movw $(COM1 + 0), %dx
	movb $1, %al
	outb %al, %dx
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx
	movb $3, %al
	outb %al, %dx
	movw $(COM1 + 2), %dx
	movb $0xc7, %al
	outb %al, %dx
	movw $(COM1 + 4), %dx
	movb $3, %al
	outb %al, %dx
	ret

/* Write the character in %al (clobbers %edx). */
early_putc:
	pushl %eax
	movw $(COM1 + 5), %dx
1:	inb %dx, %al
	testb $0x20, %al
	jz 1b
	popl %eax
	movw $COM1, %dx
	outb %al, %dx
	ret

/* Write the NUL-terminated string at %esi, "\n" as "\r\n". */
early_puts:
	lodsb
	testb %al, %al
	jz 2f
	cmpb $'\n', %al
	jne 1f
	pushl %eax
	movb $'\r', %al
	call early_putc
	popl %eax
1:	call early_putc
	jmp early_puts
2:	ret

/* Write %eax as 0x + 8 hex digits. */
early_puthex:
	movl %eax, %ebx
	movb $'0', %al
	call early_putc
	movb $'x', %al
	call early_putc
	movl $8, %ecx
1:	roll $4, %ebx
	movl %ebx, %eax
	andl $0xf, %eax
	movb hex_digits(%eax), %al
	call early_putc
	loop 1b
	ret

	.code64
long_mode_low:
	movabsq $long_mode_high, %rax
	jmp *%rax

	.section .boot.data, "a"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: kernel code, 64-bit */
	.quad 0x00cf92000000ffff /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
hex_digits:
	.ascii "0123456789abcdef"
msg_not_multiboot:
	.asciz "\nMatrioska OS: not started by a Multiboot loader (EAX="
msg_halt:
	.asciz ", expected 0x2badb002 or 0x36d76289).\nBoot with: qemu-system-x86_64 -kernel matrioska.bin, or GRUB multiboot/multiboot2. Halting.\n"
msg_no_long_mode:
	.asciz "\nMatrioska OS: this CPU has no 64-bit long mode (x86_64); Matrioska OS needs one. Halting.\n"

	.text
	.code64
long_mode_high:
	movw $GDT_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	pushq $0 /* end of the frame-pointer chain */
	pushq $0
	movq %rsp, %rbp
	call x86_64_start
1:	cli
	hlt
	jmp 1b

	.data
	.balign 8
	.global boot_magic, boot_info_phys, boot_tsc, boot_cpuid_ext_edx
boot_tsc:
	.quad 0
boot_magic:
	.long 0
boot_info_phys:
	.long 0
boot_cpuid_ext_edx:
	.long 0

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
	.global early_pml4
early_pml4:
	.skip 4096
early_pdpt_low:
	.skip 4096
early_pdpt_high:
	.skip 4096
early_pd:
	.skip 4 * 4096

/*
 * Stacks, each with an unmapped guard page below it (the final page tables
 * leave *_guard unmapped), so an overflow faults instead of corrupting.
 */
	.section .bss.stacks, "aw", @nobits
	.balign 4096
	.global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
	.global ist_stacks
ist_stacks:
	.skip 3 * (4096 + IST_STACK_SIZE)
	.global ist_stacks_end
ist_stacks_end:
