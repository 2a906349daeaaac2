/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch.h - the hooks generic kernel code uses to reach the hardware.
 *
 * This is the whole interface between kernel/{core,lib,genarch,...} and
 * kernel/arch/<arch>/. Each architecture implements every function below;
 * kernel/arch/host/ implements them on top of the C library so generic code
 * compiles unchanged into host unit tests. Nothing outside kernel/arch/ may
 * include an arch-private header.
 *
 * Contexts: unless said otherwise a hook may be called with interrupts on or
 * off, from any thread, and does not sleep.
 */
#ifndef MATRIOSKA_ARCH_H
#define MATRIOSKA_ARCH_H

#include "arch_cpu.h"
#include "types.h"

/* ---- debug console (x86_64: 16550 UART on COM1) ---- */
/* Write n bytes to the early/debug console, polling; "\n" becomes "\r\n". Safe in panic. */
void arch_console_write(const char *s, size_t n);
/* The same, byte for byte (no "\n" translation): for the console tty, which does its own. */
void arch_console_write_raw(const char *s, size_t n);
/*
 * Console input: the receive interrupt passes every byte it reads to this
 * hook (interrupt context, interrupts off: must not sleep); while it is NULL
 * the bytes are dropped. Set with __atomic_store_n; the console tty installs it.
 */
extern void (*serial_rx_hook)(const char *buf, size_t n);

/* ---- time ---- */
/*
 * Monotonic nanoseconds since kernel entry (x86_64: TSC calibrated against
 * the PIT). Static inline in the arch's arch_cpu.h (every switch reads it):
 *   u64 arch_clock_ns(void);
 */
/* Raw cycle counter and its rate, for benchmarks; khz is 0 until calibrated. */
u64 arch_cycles(void);
u64 arch_cycles_khz(void);

/* ---- CPU control ---- */
/* Stop this CPU for good with interrupts disabled. */
__noreturn void arch_halt(void);
/* Ask every other CPU to stop (panic, reboot). No-op on a single CPU. */
void arch_stop_other_cpus(void);
/*
 * Disable interrupts, returning the previous state for arch_irq_restore():
 * static inline in the arch's arch_cpu.h (they sit on every fast path).
 *   unsigned long arch_irq_save(void);
 *   void arch_irq_restore(unsigned long flags);
 */
/* Hint for busy-wait loops (x86: pause). */
void arch_cpu_relax(void);
/*
 * A random 64-bit value from the CPU's own generator (x86_64: RDSEED, else
 * RDRAND, each retried a bounded number of times). False if the CPU has none
 * or it kept failing. Any context; does not block for long.
 */
bool arch_random_u64(u64 *out);

/* ---- power (reboot(2)): interrupts off, the other CPUs already stopped ---- */
/*
 * Turn the machine off (x86_64: ACPI S5, from the FADT and the DSDT's \_S5
 * read at boot). Returns only when it could not, having logged why: -ENODEV
 * (no usable ACPI description) or -EIO (still on after the attempt). The
 * caller then halts.
 */
int arch_power_off(void);
/*
 * Reset the machine (x86_64: the reset control register at 0xCF9, then the
 * 8042 keyboard controller, then a triple fault, which cannot fail).
 */
__noreturn void arch_restart(void);

/* ---- emulator / test support ---- */
/* End the emulator with a status through isa-debug-exit; returns if there is none. */
void arch_emulator_exit(u32 code);

/* ---- debugging ---- */
/* A frame pointer from which arch_stack_walk() starts at the caller. */
uintptr_t arch_frame_pointer(void);
/*
 * Walk the frame-pointer chain from fp, storing return addresses in pcs.
 * Only frames inside a known kernel stack are followed, so a corrupt chain
 * ends the walk instead of faulting. Returns the number of entries stored.
 */
int arch_stack_walk(uintptr_t fp, uintptr_t *pcs, int max);
/* Print the current CPU's registers (control registers included) via kprintf. */
void arch_print_cpu_state(void);

/* ---- MMU ----
 * Page tables are generic (kernel/mm/vm.c walks them): ARCH_PT_LEVELS levels
 * of ARCH_PT_ENTRIES entries, level ARCH_PT_LEVELS - 1 being the root and
 * level 0 holding 4 KiB leaves. Only the entry format is the arch's.
 */
typedef u64 pte_t;
#define ARCH_PT_LEVELS 4
#define ARCH_PT_ENTRIES 512

/* Protection bits understood by arch_pte_leaf() (VM_* in vm.h use the same values). */
#define PTE_PROT_READ 0x1
#define PTE_PROT_WRITE 0x2
#define PTE_PROT_EXEC 0x4
#define PTE_PROT_USER 0x8
#define PTE_PROT_COW 0x10 /* software bit: read-only now, copy on write */

/* Index of va in a table at the given level. */
unsigned int arch_pt_index(vaddr_t va, int level);
/* A leaf mapping 4 KiB at pa with PTE_PROT_* bits. */
pte_t arch_pte_leaf(paddr_t pa, u32 prot);
/* A non-leaf entry pointing at the next-level table at pa (user, writable: leaves restrict). */
pte_t arch_pte_table(paddr_t pa);
bool arch_pte_present(pte_t e);
/* Is this non-root entry a large leaf (2 MiB / 1 GiB)? Generic code never makes these. */
bool arch_pte_huge(pte_t e);
paddr_t arch_pte_addr(pte_t e);
u32 arch_pte_prot(pte_t e);
/* Copy the kernel half of the kernel's root table into a new root. */
void arch_pt_share_kernel(pte_t *root);
/* Lowest and one-past-highest user virtual addresses. */
vaddr_t arch_user_base(void);
vaddr_t arch_user_top(void);
/*
 * Make root (physical) the active page table on this CPU. Static inline in
 * the arch's arch_cpu.h (the IPC switch loads it):
 *   void arch_mmu_load(paddr_t root);
 */
/* Physical address of the active root and of the kernel's own root. */
paddr_t arch_mmu_current(void);
paddr_t arch_mmu_kernel_root(void);
/* Invalidate this CPU's TLB for one page / everything (not global pages). */
void arch_tlb_flush_page(vaddr_t va);
void arch_tlb_flush_all(void);
/* Invalidate [start, start + len) on every other online CPU and wait for it (SMP shootdown). */
void arch_tlb_flush_others(vaddr_t start, size_t len);
/* The same on the CPUs of cpu_mask only (the caller's own bit is ignored). */
void arch_tlb_flush_cpus(u64 cpu_mask, vaddr_t start, size_t len);

/*
 * Kernel-half mappings outside the image and the direct map: one 4 KiB page
 * at va inside the area returned by arch_kstack_area() (kernel thread stacks).
 * arch_kunmap returns the physical page that was mapped there (0 if none)
 * and invalidates the TLB through vm_tlb_flush().
 */
int arch_kmap(vaddr_t va, paddr_t pa, u32 prot);
paddr_t arch_kunmap(vaddr_t va);
vaddr_t arch_kstack_area(size_t *size);

/* ---- threads ---- */
struct thread;
/*
 * Prepare t (kernel stack already allocated: t->kstack) so that the first
 * arch_context_switch() to it calls entry() on its own stack with
 * interrupts enabled. Allocates its FPU area. Returns 0 or -ENOMEM.
 */
int arch_thread_init(struct thread *t, void (*entry)(void));
/* Free what arch_thread_init allocated. */
void arch_thread_free(struct thread *t);
/*
 * Save prev's registers and FPU state, load next's, switch stacks. Returns
 * (in prev's context) when something switches back to prev. Interrupts off.
 */
void arch_context_switch(struct thread *prev, struct thread *next);
/*
 * The same for prev, a user thread in a system call, that will not come back
 * to its kernel stack (a continuation, as in Mach): nothing of it is saved
 * but its user registers (already in its frame). When something switches
 * back to prev, cont() runs on prev's empty kernel stack - interrupts off,
 * the run-queue lock held as after any switch (the scheduler's
 * sched_switch_finish() releases it) - and its value is the system call's
 * result, returned to user mode through the usual exit path (pending
 * signals and rescheduling included). Never returns. Interrupts off.
 */
__noreturn void arch_context_switch_cont(struct thread *prev, struct thread *next,
					 long (*cont)(void));
/* Record the calling (boot or AP) context as thread t, which is already running. */
void arch_thread_adopt(struct thread *t);
/* Leave for user mode at entry with stack pointer stack_top; never returns. */
__noreturn void arch_enter_user(vaddr_t entry, vaddr_t stack_top);

/*
 * User register frames. Every entry from user mode (system call, interrupt,
 * fault) saves the user registers in one struct trap_frame at the top of
 * the thread's kernel stack; changing it changes what user mode resumes
 * with. Generic code treats the frame as opaque and uses these accessors.
 */
struct trap_frame;
struct k_sigaction;
struct trap_frame *arch_user_frame(struct thread *t);
size_t arch_user_frame_size(void);
/* A fresh frame: all registers zero, at ip with stack pointer sp (execve). */
void arch_user_frame_init(struct trap_frame *f, vaddr_t ip, vaddr_t sp);
void arch_user_frame_set_retval(struct trap_frame *f, u64 v);
void arch_user_frame_set_sp(struct trap_frame *f, vaddr_t sp);
/* Return to user mode through the current thread's frame (after fork, sigreturn). */
__noreturn void arch_return_to_user(void);
/* The user thread pointer (x86_64: the FS base; arch_prctl(ARCH_SET_FS)). */
void arch_set_tls(struct thread *t, u64 base);
u64 arch_get_tls(struct thread *t);
/* The user stack pointer saved in f. */
vaddr_t arch_user_frame_sp(struct trap_frame *f);
/*
 * f was saved by a system call: its number (what the caller asked for,
 * even after the result replaced it) and result. False for interrupts,
 * faults and frames restored by rt_sigreturn.
 */
bool arch_syscall_frame(struct trap_frame *f, u64 *nr, long *ret);
/* Make f execute system call nr on return: rewind past the instruction, nr in place. */
void arch_syscall_restart(struct trap_frame *f, u64 nr);
/*
 * Signal frames of the Linux ABI: push a frame for handler ka of sig on the
 * user stack (below the interrupted stack pointer, or from stack_top when
 * it is set: the alternate stack), saving f, the old mask, the siginfo and
 * the sigaltstack state (ss_*), and point f at the handler. 0, or -EFAULT
 * if the stack is unusable (the caller then kills with SIGSEGV).
 */
struct ksiginfo;
struct signal_frame_req {
	int sig;
	const struct ksiginfo *info;
	const struct k_sigaction *ka;
	u64 old_mask;
	u64 stack_top; /* 0: the interrupted stack */
	u64 ss_sp, ss_size;
	int ss_flags;
};
int arch_signal_frame_setup(struct trap_frame *f, const struct signal_frame_req *req);
/* rt_sigreturn: restore f and *mask from the frame at the user stack pointer. */
int arch_signal_frame_restore(struct trap_frame *f, u64 *mask);

/* ---- interrupts and timers ---- */
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_enabled(void);
/* Wait for an interrupt with interrupts enabled (atomically: no lost wake-up). */
void arch_idle(void);
/*
 * Program this CPU's one-shot timer to interrupt at monotonic time
 * deadline_ns (arch_clock_ns scale); 0 stops it. The interrupt calls
 * timer_interrupt() (timer.h).
 */
void arch_timer_set_deadline(u64 deadline_ns);
/* Ask CPU cpu to reschedule (IPI); no-op for the calling CPU. */
void arch_send_reschedule(u32 cpu);
/*
 * Deferred work (the kernel's irq_work): interrupt the calling CPU as soon
 * as it has interrupts on (x86: a self-IPI); that interrupt runs
 * klog_irq_work() with no lock held. Any context, even with interrupts off
 * or in an NMI. Returns false when it cannot (no interrupt controller yet).
 */
bool arch_irq_work_raise(void);

/* ---- boot (called once, in this order, by kmain on the boot CPU) ---- */
struct boot_info;
/*
 * Make printing and fault reports possible: debug console, exception
 * vectors, and the clock (calibrated here, so later stage times are real).
 */
void arch_early_init(void);
/*
 * Parse the bootloader's hand-off into bi. Returns 0, or a negative errno
 * with *why set to a one-line explanation (not a Multiboot loader,
 * malformed information, ...).
 */
int arch_boot_info(struct boot_info *bi, const char **why);
/* Physical [start, end) of the loaded kernel image, .bss included. */
void arch_kernel_range(paddr_t *start, paddr_t *end);
/*
 * Take [start, end) of the image's read-only data (page aligned: the
 * built-in initramfs, kernel/include/initramfs.h) out of the kernel's
 * mapping on every CPU, so that a late reader faults instead of reading
 * whatever the frames hold next, and return its physical start for the
 * caller to give the frames to the page allocator. 0 (nothing changed)
 * for a range that is empty, unaligned or not inside the read-only data.
 */
paddr_t arch_kernel_image_release(const void *start, const void *end);
/*
 * Stage 2: CPU feature set-up and the final kernel page tables (W^X image,
 * guard pages under every kernel stack, direct map of RAM). Returns 0 or a
 * negative errno with *why set.
 */
int arch_hw_init(const struct boot_info *bi, const char **why);
/*
 * Stage 3, after sched_init(): interrupt controllers, the timer, and the
 * other CPUs (each joins the scheduler through sched_init_cpu()). Returns
 * the number of CPUs online.
 */
u32 arch_smp_init(const struct boot_info *bi);
/* Short human description of the CPU, e.g. "AuthenticAMD QEMU Virtual CPU (family 15)". */
const char *arch_cpu_name(void);

/* What /proc/cpuinfo shows of a CPU (fields an arch does not have stay 0 / ""). */
struct arch_cpuinfo {
	char vendor[16];     /* x86: "GenuineIntel", "AuthenticAMD" */
	char model_name[64]; /* brand string */
	u32 family, model, stepping, cpuid_level;
	u32 khz;      /* clock rate (x86: the calibrated TSC), 0 if unknown */
	u32 cache_kb; /* last-level cache per CPU, 0 if unknown */
	u32 clflush_size, cache_alignment;
	u32 phys_bits, virt_bits;
	bool fpu, wp;
	char flags[640]; /* feature names as Linux spells them, space-separated */
};
/* Describe the boot CPU (all CPUs are alike so far); any context after stage 2. */
void arch_cpuinfo(struct arch_cpuinfo *out);

#endif
