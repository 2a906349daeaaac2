/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sysret_regs.c - does a system call keep every register the ABI says it
 * keeps? Before each of ROUNDS system calls (null and yield in turn: the
 * yield runs enough kernel code to clobber every caller-saved register) it
 * loads known values in %rbx %rbp %r12-%r15 and the argument registers %rdi
 * %rsi %rdx %r8 %r9 %r10, and checks all of them (and the result 0 in %rax)
 * afterwards. Only %rcx and %r11 may change (SYSCALL/SYSRET use them). The kernel ktest
 * (sched.syscall_exit_work_keeps_registers) runs two copies on one CPU so
 * that many of those returns go through the slow path (syscall_exit_work,
 * a reschedule) as well as the fast one. Exit code 0: all kept; otherwise
 * 1 + the bit number of the first register found changed.
 */
#include "ulib.h"

#define ROUNDS 20000

/* System call nr (returning 0); returns a bitmask of the registers that changed. */
long syscall_check_regs(long nr);
__asm__(".text\n"
	".global syscall_check_regs\n"
	"syscall_check_regs:\n"
	"	movq %rdi, %rax\n"
	"	pushq %rbx\n"
	"	pushq %rbp\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movabsq $0x1111111111111111, %rbx\n"
	"	movabsq $0x2222222222222222, %rbp\n"
	"	movabsq $0x3333333333333333, %r12\n"
	"	movabsq $0x4444444444444444, %r13\n"
	"	movabsq $0x5555555555555555, %r14\n"
	"	movabsq $0x6666666666666666, %r15\n"
	"	movabsq $0x7777777777777777, %rdi\n"
	"	movabsq $0x0888888888888888, %rsi\n"
	"	movabsq $0x0999999999999999, %rdx\n"
	"	movabsq $0x0aaaaaaaaaaaaaaa, %r8\n"
	"	movabsq $0x0bbbbbbbbbbbbbbb, %r9\n"
	"	movabsq $0x0ccccccccccccccc, %r10\n"
	"	syscall\n"
	"	xorl %ecx, %ecx\n"
	"	testq %rax, %rax\n"
	"	jz 1f\n"
	"	orl $1, %ecx\n"
	"1:	movabsq $0x1111111111111111, %r11\n"
	"	cmpq %r11, %rbx\n"
	"	je 1f\n"
	"	orl $2, %ecx\n"
	"1:	movabsq $0x2222222222222222, %r11\n"
	"	cmpq %r11, %rbp\n"
	"	je 1f\n"
	"	orl $4, %ecx\n"
	"1:	movabsq $0x3333333333333333, %r11\n"
	"	cmpq %r11, %r12\n"
	"	je 1f\n"
	"	orl $8, %ecx\n"
	"1:	movabsq $0x4444444444444444, %r11\n"
	"	cmpq %r11, %r13\n"
	"	je 1f\n"
	"	orl $16, %ecx\n"
	"1:	movabsq $0x5555555555555555, %r11\n"
	"	cmpq %r11, %r14\n"
	"	je 1f\n"
	"	orl $32, %ecx\n"
	"1:	movabsq $0x6666666666666666, %r11\n"
	"	cmpq %r11, %r15\n"
	"	je 1f\n"
	"	orl $64, %ecx\n"
	"1:	movabsq $0x7777777777777777, %r11\n"
	"	cmpq %r11, %rdi\n"
	"	je 1f\n"
	"	orl $128, %ecx\n"
	"1:	movabsq $0x0888888888888888, %r11\n"
	"	cmpq %r11, %rsi\n"
	"	je 1f\n"
	"	orl $256, %ecx\n"
	"1:	movabsq $0x0999999999999999, %r11\n"
	"	cmpq %r11, %rdx\n"
	"	je 1f\n"
	"	orl $512, %ecx\n"
	"1:	movabsq $0x0aaaaaaaaaaaaaaa, %r11\n"
	"	cmpq %r11, %r8\n"
	"	je 1f\n"
	"	orl $1024, %ecx\n"
	"1:	movabsq $0x0bbbbbbbbbbbbbbb, %r11\n"
	"	cmpq %r11, %r9\n"
	"	je 1f\n"
	"	orl $2048, %ecx\n"
	"1:	movabsq $0x0ccccccccccccccc, %r11\n"
	"	cmpq %r11, %r10\n"
	"	je 1f\n"
	"	orl $4096, %ecx\n"
	"1:	movl %ecx, %eax\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbp\n"
	"	popq %rbx\n"
	"	ret\n");

int main(void)
{
	for (int i = 0; i < ROUNDS; i++) {
		long bad = syscall_check_regs(i % 2 ? MSYS_YIELD : MSYS_NULL);

		if (bad)
			return 1 + __builtin_ctzl((unsigned long)bad);
	}
	return 0;
}
