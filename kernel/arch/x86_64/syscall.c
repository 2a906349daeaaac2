/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscall.c - SYSCALL/SYSRET set-up and the C side of the syscall entry
 * (entry.S): the work done on the way back to user mode when there is any
 * (syscall_exit_work), plus entering user mode and handling faults from
 * user mode.
 */
#include "syscall.h"
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
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
STATIC_ASSERT(offsetof(struct cpu, exit_work) == CPU_EXIT_WORK, "entry.S offset");
STATIC_ASSERT(sizeof(((struct cpu *)0)->exit_work) == 4, "entry.S tests 32 bits");
STATIC_ASSERT(offsetof(struct trap_frame, r15) == TF_R15 &&
		      offsetof(struct trap_frame, r14) == TF_R14 &&
		      offsetof(struct trap_frame, r13) == TF_R13 &&
		      offsetof(struct trap_frame, r12) == TF_R12 &&
		      offsetof(struct trap_frame, r10) == TF_R10 &&
		      offsetof(struct trap_frame, r9) == TF_R9 &&
		      offsetof(struct trap_frame, r8) == TF_R8 &&
		      offsetof(struct trap_frame, rbp) == TF_RBP &&
		      offsetof(struct trap_frame, rdi) == TF_RDI &&
		      offsetof(struct trap_frame, rsi) == TF_RSI &&
		      offsetof(struct trap_frame, rdx) == TF_RDX &&
		      offsetof(struct trap_frame, rbx) == TF_RBX &&
		      offsetof(struct trap_frame, rax) == TF_RAX &&
		      offsetof(struct trap_frame, rip) == TF_RIP &&
		      offsetof(struct trap_frame, rflags) == TF_RFLAGS &&
		      offsetof(struct trap_frame, rsp) == TF_RSP,
	      "entry.S frame offsets");
/* entry.S calls syscall_dispatch() directly with the user's registers. */
STATIC_ASSERT(__builtin_types_compatible_p(__typeof__(&syscall_dispatch),
					   long (*)(u64, u64, u64, u64, u64, u64, u64)),
	      "entry.S passes nr and six arguments");

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

/*
 * The way back to user mode found this_cpu()->exit_work set (entry.S tests
 * the whole word, so any kind of work added to it lands here): reschedule
 * while need_resched is set; look at signals once if sig_work says one may
 * be pending. f is the complete syscall frame; whatever changes it changes
 * what user mode resumes with. Called and returns with interrupts off.
 */
void syscall_exit_work(struct trap_frame *f);
void syscall_exit_work(struct trap_frame *f)
{
	bool signals_done = false;

	this_cpu()->exit_work_calls++;
	for (;;) {
		struct cpu *c = this_cpu();

		if (c->need_resched) {
			schedule(); /* clears it; the switch back sets sig_work from sig_pending */
			continue;
		}
		if (!c->sig_work || signals_done)
			return;
		signals_done = true;
		/* sig_work stays set while thread_sig_work(current_thread()) */
		if (thread_sig_work(current_thread())) {
			arch_irq_enable();
			x86_user_return_work(f); /* may leave through IRETQ itself */
			arch_irq_disable();
		}
	}
}

/*
 * Pending signals on the way back to user mode. A frame that is no longer
 * a plain syscall frame (a signal handler was set up, or rt_sigreturn
 * restored one) must leave with IRETQ: SYSRET would clobber rcx and r11.
 */
void x86_user_return_work(struct trap_frame *f)
{
	signal_deliver(f);
	if (f->vector != VECTOR_SYSCALL || f->rcx != f->rip || f->r11 != f->rflags)
		arch_return_to_user();
}

void arch_enter_user(vaddr_t entry, vaddr_t stack_top)
{
	x86_enter_user(entry, stack_top);
}

/*
 * A synchronous fault's signal, with the faulting address in its siginfo:
 * run the program's handler if it has one and the signal is not blocked;
 * otherwise the default action kills it (a blocked or ignored fault signal
 * cannot be postponed: the instruction would fault again).
 */
static void x86_user_fault_signal(struct trap_frame *f, int sig, int code, u64 addr,
				  const char *what)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	u64 h = p ? p->sigactions[sig - 1].handler : SIG_DFL;
	struct ksiginfo ki = {.signo = sig, .code = code, .addr = addr};

	if (!p || h <= SIG_IGN || (t->sig_blocked & SIGMASK(sig))) {
		if (f->vector == 14)
			pr_warn("[user] %s (pid %d, tid %llu) killed: %s at address %#llx, rip "
				"%#llx",
				p ? p->name : "?", p ? p->pid : 0, (unsigned long long)t->tid, what,
				(unsigned long long)addr, (unsigned long long)f->rip);
		else
			pr_warn("[user] %s (pid %d, tid %llu) killed: %s (vector %llu) at rip "
				"%#llx",
				p ? p->name : "?", p ? p->pid : 0, (unsigned long long)t->tid, what,
				(unsigned long long)f->vector, (unsigned long long)f->rip);
		proc_exit_signal(sig, true);
	}
	(void)signal_send_thread_info(t, sig, &ki, false);
	x86_user_return_work(f);
}

static const char *const user_fault_names[32] = {
	[0] = "divide error",	   [1] = "debug trap",
	[3] = "breakpoint",	   [4] = "overflow",
	[5] = "bound range",	   [6] = "invalid opcode",
	[7] = "FPU not available", [13] = "general protection fault",
	[14] = "page fault",	   [16] = "x87 FPU error",
	[17] = "alignment check",  [19] = "SIMD floating-point exception",
};

/* A fault in user mode: resolve it (demand paging, COW) or signal the process. */
void x86_user_fault(struct trap_frame *f, u64 cr2)
{
	struct process *p = current_proc();
	const char *what = f->vector < 32 && user_fault_names[f->vector]
				   ? user_fault_names[f->vector]
				   : "exception";
	u32 access;
	int err = 0;

	if (f->vector == 14 && p) {
		access = (f->error & 2)	   ? VM_FAULT_WRITE
			 : (f->error & 16) ? VM_FAULT_EXEC
					   : VM_FAULT_READ;
		if (f->error & 1)
			access |= VM_FAULT_PRESENT;
		arch_irq_enable(); /* the out-of-memory policy may sleep */
		err = vm_user_fault(p->vm, cr2, access);
		if (err == 0 || err == -EINTR) {
			if (thread_sig_work(current_thread()))
				x86_user_return_work(f); /* a SIGKILL from the OOM policy */
			arch_irq_disable();
			return;
		}
	}
	arch_irq_enable();
	if (err == -ENXIO) { /* past the end of a mapped file (BUS_ADRERR) */
		x86_user_fault_signal(f, SIGBUS, 2, cr2, "access past the end of a mapped file");
		return;
	}
	switch (f->vector) {
	case 14: /* present page: the access was not allowed */
		x86_user_fault_signal(f, SIGSEGV, (f->error & 1) ? SEGV_ACCERR : SEGV_MAPERR, cr2,
				      what);
		break;
	case 13:
		x86_user_fault_signal(f, SIGSEGV, SI_KERNEL, 0, what);
		break;
	case 6:
		x86_user_fault_signal(f, SIGILL, ILL_ILLOPN, f->rip, what);
		break;
	case 0:
	case 16:
	case 19:
		x86_user_fault_signal(f, SIGFPE, FPE_INTDIV, f->rip, what);
		break;
	case 17:
		x86_user_fault_signal(f, SIGBUS, BUS_ADRALN, f->rip, what);
		break;
	default:
		x86_user_fault_signal(f, SIGTRAP, f->vector == 3 ? TRAP_BRKPT : SI_KERNEL, f->rip,
				      what);
		break;
	}
}
