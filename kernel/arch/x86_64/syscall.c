/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscall.c - SYSCALL/SYSRET set-up and the C side of the syscall entry
 * (entry.S), plus entering user mode and handling faults from user mode.
 */
#include "syscall.h"
#include "arch.h"
#include "cpu.h"
#include "klog.h"
#include "proc.h"
#include "sched.h"
#include "vm.h"
#include "x86.h"

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define EFER_SCE (1ull << 0)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)

STATIC_ASSERT(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "entry.S offset");
STATIC_ASSERT(offsetof(struct cpu, user_rsp_scratch) == CPU_USER_RSP, "entry.S offset");

void x86_syscall_entry(void);
__noreturn void x86_enter_user(u64 rip, u64 rsp);

/* Per CPU: SYSCALL lands in x86_syscall_entry with IF, TF, DF and AC cleared. */
void x86_syscall_init_cpu(void)
{
	/* SYSRET: CS = 0x18 + 16, SS = 0x18 + 8 (RPL 3); SYSCALL: CS = 0x08, SS = 0x10. */
	wrmsr(MSR_STAR, ((u64)GDT_UCODE32 << 48) | ((u64)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)(uintptr_t)x86_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void x86_syscall(struct trap_frame *f);
void x86_syscall(struct trap_frame *f)
{
	f->rax = (u64)syscall_dispatch(f->rax, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	/* Return to user mode is a preemption point (checked inline: the common case is no). */
	if (unlikely(this_cpu()->need_resched))
		sched_preempt_irq(true);
}

void arch_enter_user(vaddr_t entry, vaddr_t stack_top)
{
	x86_enter_user(entry, stack_top);
}

static const char *const user_fault_names[32] = {
	[0] = "divide error",	   [1] = "debug trap",
	[3] = "breakpoint",	   [4] = "overflow",
	[5] = "bound range",	   [6] = "invalid opcode",
	[7] = "FPU not available", [13] = "general protection fault",
	[14] = "page fault",	   [16] = "x87 FPU error",
	[17] = "alignment check",  [19] = "SIMD floating-point exception",
};

/* A fault in user mode: resolve it (demand paging, COW) or kill the process. */
void x86_user_fault(struct trap_frame *f, u64 cr2)
{
	struct process *p = current_proc();
	const char *what = f->vector < 32 && user_fault_names[f->vector]
				   ? user_fault_names[f->vector]
				   : "exception";
	u32 access;

	if (f->vector == 14 && p) {
		access = (f->error & 2)	   ? VM_FAULT_WRITE
			 : (f->error & 16) ? VM_FAULT_EXEC
					   : VM_FAULT_READ;
		if (f->error & 1)
			access |= VM_FAULT_PRESENT;
		if (vm_handle_fault(p->vm, cr2, access) == 0)
			return;
	}
	arch_irq_enable();
	if (f->vector == 14)
		pr_warn("[user] %s (pid %llu, tid %llu) killed: %s at address %#llx, rip %#llx",
			p ? p->name : "?", p ? (unsigned long long)p->pid : 0ull,
			(unsigned long long)current_thread()->tid, what, (unsigned long long)cr2,
			(unsigned long long)f->rip);
	else
		pr_warn("[user] %s (pid %llu, tid %llu) killed: %s (vector %llu) at rip %#llx",
			p ? p->name : "?", p ? (unsigned long long)p->pid : 0ull,
			(unsigned long long)current_thread()->tid, what,
			(unsigned long long)f->vector, (unsigned long long)f->rip);
	/* Shell convention: 128 + signal (SIGSEGV 11, SIGILL 4, SIGFPE 8, SIGBUS 7, SIGTRAP 5). */
	proc_exit(f->vector == 14 || f->vector == 13			 ? 128 + 11
		  : f->vector == 6					 ? 128 + 4
		  : f->vector == 0 || f->vector == 16 || f->vector == 19 ? 128 + 8
		  : f->vector == 17					 ? 128 + 7
									 : 128 + 5);
}
