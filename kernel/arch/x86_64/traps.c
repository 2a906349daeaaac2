/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * traps.c - the interrupt descriptor table and the exception handler.
 *
 * All 32 exception vectors go to x86_trap(). A fault at an instruction listed
 * in the exception table is resumed at its fixup (recorded in
 * x86_last_fixup for tests). Anything else in kernel mode is fatal: the
 * report names the exception, its error code (decoded for page faults), the
 * symbolized RIP, CR2 for page faults, all registers and a backtrace. A
 * fault whose address lies in a stack guard page is reported as a stack
 * overflow of that stack. Double fault, NMI and machine check run on their
 * own IST stacks so they can be reported even when the kernel stack is gone.
 */
#include "arch.h"
#include "errno.h"
#include "extable.h"
#include "klog.h"
#include "ksyms.h"
#include "lib.h"
#include "panic.h"
#include "sched.h"
#include "signal.h"
#include "vm.h"
#include "x86.h"

struct idt_gate {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off_mid;
	u32 off_hi;
	u32 zero;
} __packed;

struct idt_ptr {
	u16 limit;
	u64 base;
} __packed;

static struct idt_gate idt[256] __aligned(16);
extern const u64 isr_stub_table[32];
extern const char irq_stubs[];
static x86_irq_handler_t irq_handlers[256];
static u64 spurious_irqs;

void x86_irq_register(u8 vector, x86_irq_handler_t handler)
{
	irq_handlers[vector] = handler;
}

/* Vectors 32-255: call the registered handler; then maybe preempt. */
static void irq_dispatch(struct trap_frame *f)
{
	x86_irq_handler_t h = irq_handlers[f->vector];

	if (h)
		h(f);
	else if (spurious_irqs++ < 5)
		pr_warn("irq: unexpected interrupt vector %llu", (unsigned long long)f->vector);
	x86_irq_exit(f);
}
struct x86_fixup_record x86_last_fixup;

static const char *const exc_names[32] = {
	"divide error (#DE)",
	"debug (#DB)",
	"non-maskable interrupt (NMI)",
	"breakpoint (#BP)",
	"overflow (#OF)",
	"bound range exceeded (#BR)",
	"invalid opcode (#UD)",
	"device not available (#NM)",
	"double fault (#DF)",
	"coprocessor segment overrun",
	"invalid TSS (#TS)",
	"segment not present (#NP)",
	"stack-segment fault (#SS)",
	"general protection fault (#GP)",
	"page fault (#PF)",
	"reserved vector 15",
	"x87 floating-point error (#MF)",
	"alignment check (#AC)",
	"machine check (#MC)",
	"SIMD floating-point exception (#XM)",
	"virtualization exception (#VE)",
	"control protection exception (#CP)",
	"reserved vector 22",
	"reserved vector 23",
	"reserved vector 24",
	"reserved vector 25",
	"reserved vector 26",
	"reserved vector 27",
	"hypervisor injection exception (#HV)",
	"VMM communication exception (#VC)",
	"security exception (#SX)",
	"reserved vector 31",
};

static void idt_set(int vec, u64 handler, int ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = GDT_KCODE,
		.ist = (u8)ist,
		.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = (u32)(handler >> 32),
	};
}

void idt_init(void)
{
	struct idt_ptr ptr;

	for (int v = 0; v < 32; v++)
		idt_set(v, isr_stub_table[v], 0);
	for (int v = 32; v < 256; v++)
		idt_set(v, (u64)(uintptr_t)irq_stubs + (u64)(v - 32) * 16, 0);
	idt_set(2, isr_stub_table[2], IST_NMI);
	idt_set(8, isr_stub_table[8], IST_DF);
	idt_set(18, isr_stub_table[18], IST_MC);
	ptr.limit = sizeof(idt) - 1;
	ptr.base = (u64)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

static void print_pf_error(u64 err)
{
	kprintf("  error 0x%llx: %s, %s, %s mode%s%s\n", (unsigned long long)err,
		(err & 1) ? "protection violation" : "page not present",
		(err & 16)  ? "instruction fetch"
		: (err & 2) ? "write"
			    : "read",
		(err & 4) ? "user" : "kernel", (err & 8) ? ", reserved bit set" : "",
		(err & 32) ? ", protection key" : "");
}

static void print_frame(const struct trap_frame *f)
{
	char sym[128];

	ksym_format(f->rip, sym, sizeof(sym));
	kprintf("  RIP %04llx:%016llx <%s>  RFLAGS %016llx\n", (unsigned long long)f->cs,
		(unsigned long long)f->rip, sym, (unsigned long long)f->rflags);
	kprintf("  RSP %04llx:%016llx  RBP %016llx\n", (unsigned long long)f->ss,
		(unsigned long long)f->rsp, (unsigned long long)f->rbp);
	kprintf("  RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
		(unsigned long long)f->rdx);
	kprintf("  RSI %016llx  RDI %016llx  R8  %016llx  R9  %016llx\n",
		(unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->r8,
		(unsigned long long)f->r9);
	kprintf("  R10 %016llx  R11 %016llx  R12 %016llx  R13 %016llx\n",
		(unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12,
		(unsigned long long)f->r13);
	kprintf("  R14 %016llx  R15 %016llx\n", (unsigned long long)f->r14,
		(unsigned long long)f->r15);
	kprintf("  CR0 %016llx  CR3 %016llx  CR4 %016llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static __noreturn void report_fatal(const struct trap_frame *f, u64 cr2)
{
	const char *name = f->vector < 32 ? exc_names[f->vector] : "interrupt";
	const struct kstack_info *guard = NULL;
	char sym[128];

	panic_begin();
	if (f->vector == 14 || f->vector == 8)
		guard = x86_guard_of(cr2);
	if (!guard && f->vector == 8)
		guard = x86_guard_of(f->rsp);
	kprintf("\n*** KERNEL FAULT: %s, vector %llu, in %s mode\n", name,
		(unsigned long long)f->vector, (f->cs & 3) ? "user" : "kernel");
	if (guard)
		kprintf("  kernel stack overflow: the %s ran into its guard page at %016llx\n",
			guard->name, (unsigned long long)guard->guard);
	if (f->vector == 14) {
		print_pf_error(f->error);
		kprintf("  faulting address (CR2) %016llx\n", (unsigned long long)cr2);
	} else if (f->vector == 8) {
		kprintf("  (a fault happened while delivering another; CR2 %016llx)\n",
			(unsigned long long)cr2);
	} else {
		kprintf("  error code 0x%llx\n", (unsigned long long)f->error);
	}
	ksym_format(f->rip, sym, sizeof(sym));
	kprintf("  at %s\n", sym);
	print_frame(f);
	kprintf("  backtrace:\n    [<%016llx>] %s\n", (unsigned long long)f->rip, sym);
	backtrace_print(f->rbp);
	panic_end();
}

void x86_irq_exit(struct trap_frame *f)
{
	sched_preempt_irq((f->rflags & (1ull << 9)) != 0);
	if ((f->cs & 3) && unlikely(thread_sig_work(current_thread()))) {
		/* The interrupt is acknowledged; act on signals like a system call would. */
		arch_irq_enable();
		signal_deliver(f); /* the frame then leaves with IRETQ as usual */
		arch_irq_disable();
	}
}

/* Page-fault error code -> VM_FAULT_* access bits. */
static u32 pf_access(u64 err)
{
	u32 access = (err & 2) ? VM_FAULT_WRITE : (err & 16) ? VM_FAULT_EXEC : VM_FAULT_READ;

	return access | ((err & 1) ? VM_FAULT_PRESENT : 0);
}

/*
 * A uaccess copy faulted on user memory: resolve it like a user fault. The
 * process's other threads may be faulting or mapping in the same space, so
 * take its lock when this context may sleep (interrupts were on, no
 * spinlock held); a copy done while holding a spinlock resolves unlocked.
 */
static int uaccess_fault(struct trap_frame *f, u64 cr2)
{
	struct vm_space *vs = vm_current();
	bool taken = false;
	int err;

	if ((f->rflags & (1ull << 9)) && preemptible()) {
		arch_irq_enable();
		taken = vm_lock(vs);
	}
	err = vm_handle_fault(vs, cr2, pf_access(f->error));
	vm_unlock(vs, taken);
	arch_irq_disable();
	return err;
}

void x86_trap(struct trap_frame *f)
{
	u64 cr2;
	u64 fixup;

	if (f->vector >= 32) {
		irq_dispatch(f);
		return;
	}
	if (f->vector == 7 && x86_fpu_trap())
		return; /* a thread's first FPU instruction: retried with its state loaded */
	cr2 = read_cr2();

	/* Faults the code expected (extable) are never fatal: resume at the fixup. */
	if (f->vector != 8 && f->vector != 18 && f->vector != 2 && !(f->cs & 3)) {
		fixup = extable_fixup(f->rip);
		/* A uaccess copy touching user memory: demand paging and COW first. */
		if (fixup && f->vector == 14 && cr2 < arch_user_top() && vm_current()) {
			int err = uaccess_fault(f, cr2);

			if (err == 0)
				return;
			if (err == -ENOMEM)
				oom_kill_nowait(); /* the copy fails; the victim frees memory */
		}
		if (fixup) {
			x86_last_fixup.vector = f->vector;
			x86_last_fixup.error = f->error;
			x86_last_fixup.cr2 = cr2;
			x86_last_fixup.rip = f->rip;
			x86_last_fixup.count++;
			f->rip = fixup;
			return;
		}
	}
	if ((f->cs & 3) && f->vector != 8 && f->vector != 18 && f->vector != 2) {
		x86_user_fault(f, cr2);
		return;
	}
	/* Anything else in kernel mode is a kernel bug, reported in full. */
	report_fatal(f, cr2);
}
