/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fakeloader.S - a test-only "bootloader" for the integration tests.
 *
 * QEMU boots this small 32-bit Multiboot 1 kernel with -kernel, and the real
 * kernel image as a module (-initrd build/matrioska.bin). It loads the
 * module the way its Multiboot 1 address fields ask (copy to load_addr,
 * zero up to bss_end_addr) and jumps to its entry point, but lies about
 * the hand-off, to check how the kernel copes with a loader that is not
 * what it expects:
 *
 *   module string without "badinfo": EAX = 0xdeadbeef, as if a
 *       non-Multiboot loader had started the kernel;
 *   module string with "badinfo": EAX = the Multiboot 1 magic but EBX
 *       points at an information block whose memory map wraps around the
 *       address space (malformed).
 *
 * Anything unexpected here prints "fakeloader: ..." on COM1 and halts.
 */
#define COM1 0x3f8

	.code32
	.section .text
	.balign 4
mb_header:
	.long 0x1BADB002
	.long 0
	.long -(0x1BADB002)

	.global _start
_start:
	cli
	cld
	movl $stack_top, %esp
	cmpl $0x2BADB002, %eax
	jne fail
	movl %ebx, %ebp
	testl $8, (%ebp) /* modules present? */
	jz fail
	cmpl $0, 20(%ebp)
	je fail
	movl 24(%ebp), %esi
	movl 0(%esi), %ebx /* module start */
	movl 8(%esi), %eax /* module string */
	movl %eax, mod_string

	/* Find the Multiboot 1 header in the first 8 KiB of the module. */
	xorl %edx, %edx
1:	cmpl $0x1BADB002, (%ebx, %edx)
	je 2f
	addl $4, %edx
	cmpl $8192, %edx
	jb 1b
	jmp fail
2:	leal (%ebx, %edx), %ebp /* header */
	/* source = header - (header_addr - load_addr) */
	movl %ebp, %esi
	subl 12(%ebp), %esi
	addl 16(%ebp), %esi
	movl 16(%ebp), %edi /* load_addr */
	movl 20(%ebp), %ecx /* load_end_addr */
	subl %edi, %ecx
	rep movsb
	movl 24(%ebp), %ecx /* bss_end_addr */
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl 28(%ebp), %ebp /* entry */

	/* "badinfo" anywhere in the module string? */
	movl mod_string, %esi
3:	movb (%esi), %al
	testb %al, %al
	jz wrong_magic
	cmpl $0x69646162, (%esi) /* "badi" */
	jne 4f
	cmpw $0x666e, 4(%esi) /* "nf" */
	jne 4f
	cmpb $'o', 6(%esi)
	je bad_info
4:	incl %esi
	jmp 3b

wrong_magic:
	movl $0xdeadbeef, %eax
	xorl %ebx, %ebx
	jmp *%ebp

bad_info:
	movl $0x2BADB002, %eax
	movl $bad_mbi, %ebx
	jmp *%ebp

fail:
	movl $msg_fail, %esi
5:	lodsb
	testb %al, %al
	jz 7f
	movw $(COM1 + 5), %dx
	movb %al, %ah
6:	inb %dx, %al
	testb $0x20, %al
	jz 6b
	movb %ah, %al
	movw $COM1, %dx
	outb %al, %dx
	jmp 5b
7:	cli
	hlt
	jmp 7b

	.section .data
	.balign 4
mod_string:
	.long 0
/* Multiboot 1 info: flags = memory map only; the map wraps past 4 GiB. */
bad_mbi:
	.long 0x40 /* flags: mmap_* valid */
	.fill 10, 4, 0 /* mem_lower .. syms (unused) */
	.long 0xffffff00 /* mmap_length */
	.long 0xfffffff0 /* mmap_addr */
	.fill 16, 4, 0
msg_fail:
	.asciz "fakeloader: unexpected boot state\r\n"

	.section .bss
	.balign 16
	.skip 4096
stack_top:
