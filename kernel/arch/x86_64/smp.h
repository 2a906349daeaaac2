/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp.h - private declarations of the x86_64 interrupt controllers and
 * multiprocessor code: per-CPU arch data (GDT, TSS, IST stacks), the local
 * APIC and its timer and the I/O APICs (apic.c), inter-processor interrupts
 * (ipi.c), and AP start-up (smp.c, trampoline.S). docs/design/smp.md
 * describes how the pieces fit together.
 *
 * The first part is shared with trampoline.S: where the real-mode trampoline
 * is copied and the layout of the parameter block it reads.
 */
#ifndef MATRIOSKA_X86_SMP_H
#define MATRIOSKA_X86_SMP_H

/*
 * Physical pages [TRAMPOLINE_PHYS, +4 pages): the trampoline code and its
 * parameters, then a temporary PML4, PDPT and page directory that map the
 * first 2 MiB 1:1 (and the kernel half like the kernel's own PML4) while an
 * AP switches paging on. The SIPI vector is the page number.
 */
#define TRAMPOLINE_PHYS 0x8000
#define TRAMPOLINE_PAGES 4
#define TRAMPOLINE_PML4 (TRAMPOLINE_PHYS + 0x1000)
#define TRAMPOLINE_PDPT (TRAMPOLINE_PHYS + 0x2000)
#define TRAMPOLINE_PD (TRAMPOLINE_PHYS + 0x3000)

/* struct trampoline_params, for the assembly */
#define TP_CR3 0	 /* u32: the temporary PML4 */
#define TP_CR4 4	 /* u32 */
#define TP_EFER 8	 /* u32: low half of EFER */
#define TP_CR0 12	 /* u32 */
#define TP_KERNEL_CR3 16 /* u64: the kernel's PML4 */
#define TP_STACK 24	 /* u64: top of the AP's first stack */
#define TP_CPU 32	 /* u64: struct cpu *, x86_ap_main's argument */
#define TP_SIZE 40

#ifndef __ASSEMBLY__

#include "cpu.h"
#include "types.h"

struct boot_info;
struct kstack;
struct acpi_madt_info;
struct trap_frame;

struct trampoline_params {
	u32 cr3;
	u32 cr4;
	u32 efer;
	u32 cr0;
	u64 kernel_cr3;
	u64 stack_top;
	u64 cpu;
};

/* ---- per-CPU arch data (struct cpu.arch points here) ---- */

struct x86_tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

/* AP start-up handshake (x86_percpu.boot_stage), written by the AP. */
#define AP_STAGE_NONE 0
#define AP_STAGE_CALLED_IN 1 /* running C code on its own stack */
#define AP_STAGE_ONLINE 2    /* LAPIC and timer up, about to enter the scheduler */

struct x86_percpu {
	/* null, kcode, kdata, ucode32, udata, ucode64, tss (two slots) */
	u64 gdt[8] __aligned(16);
	struct x86_tss tss __aligned(16);
	u32 acpi_uid;		      /* ACPI processor UID (matches MADT NMI entries) */
	volatile u32 boot_stage;      /* AP_STAGE_* */
	struct kstack *idle_stack;    /* APs: the stack x86_ap_main runs on */
	struct kstack *ist_stacks[3]; /* APs: double fault, NMI, machine check */
	u64 timer_irqs;		      /* LAPIC timer interrupts on this CPU */
	u64 timer_last_ns;	      /* arch_clock_ns() at the last one */
	u64 tlb_flushes;	      /* shootdown requests served */
	u64 resched_ipis;
	bool ipi_serving; /* running a cross-CPU call or flush right now */
};

/* The boot CPU's (cpu.c): its GDT, TSS and the IST stacks in .bss. */
extern struct x86_percpu x86_boot_percpu;

static inline struct x86_percpu *this_percpu(void)
{
	return this_cpu()->arch;
}

/*
 * Fill pc's GDT and TSS (IST slots ist_top[0..2]: double fault, NMI, machine
 * check; ring-0 stack rsp0), load them and reload the segment registers.
 * The boot CPU calls it through gdt_init(), every AP from x86_ap_main().
 */
void x86_gdt_load(struct x86_percpu *pc, const uintptr_t ist_top[3], uintptr_t rsp0);

/* ---- smp.c ---- */

/* Point the GS base at cpus[0] (this_cpu() works from here on). Very first in arch_early_init. */
void x86_percpu_init_boot(void);
/* Keep the trampoline pages out of the page allocator (before bootinfo_finalize). */
void x86_smp_reserve_trampoline(struct boot_info *bi);
/* C entry of an AP, on its idle stack with the kernel's page table (trampoline.S). */
__noreturn void x86_ap_main(struct cpu *c);
/* The MADT read at boot, or NULL if there was none. */
const struct acpi_madt_info *x86_smp_madt(void);
/* CPUs x86_smp_init tried to bring online (the MADT's enabled ones, at most MAX_CPUS). */
u32 x86_smp_expected_cpus(void);
/* Bit n set: CPU n is online. */
u64 x86_online_mask(void);
void x86_mark_online(struct cpu *c);

/* ---- apic.c ---- */

/* Remap the legacy 8259 PICs to vectors 32-47 and mask every input. */
void pic_disable(void);
/*
 * Find the local APIC (MADT address, else the APIC_BASE MSR), choose the
 * timer mode and calibrate it. Boot CPU, once. 0 or -ENODEV.
 */
int lapic_init(paddr_t madt_phys);
/* Enable this CPU's local APIC: spurious vector, LVTs masked, NMI inputs per the MADT. */
void lapic_init_cpu(const struct acpi_madt_info *madt);
/* Program this CPU's timer LVT (TSC-deadline or one-shot), due at once (see apic.c). */
void lapic_timer_init_cpu(void);
bool lapic_present(void);
u32 lapic_id(void);
void lapic_eoi(void);
/* Is vector requested but not yet delivered on this CPU (IRR bit; tests)? */
bool lapic_irr_test(u8 vector);
/* True if the LAPIC timer uses TSC-deadline mode (else one-shot with a divider). */
bool lapic_timer_tsc_deadline(void);

#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_ASSERT 0x4000
#define ICR_LEVEL 0x8000
/* Send an IPI (ICR low bits: vector | delivery mode | ...) to the APIC with id dest. */
void lapic_send_ipi(u32 dest, u32 icr);
/* Wait until the previous IPI has been accepted; false on timeout. */
bool lapic_ipi_idle(void);
/* Interrupt this CPU with vector (destination shorthand "self"; ICR_HI untouched, so NMI-safe). */
void lapic_send_self_ipi(u8 vector);

/* Register every IOAPIC of the MADT, all inputs masked. */
void ioapic_init(const struct acpi_madt_info *madt);
/*
 * Route ISA IRQ irq (0-15) to vector on CPU cpu, unmasked, following the
 * MADT's interrupt source overrides (GSI, polarity, trigger). Returns the
 * GSI used, or -ENODEV (no IOAPIC has it) / -EINVAL.
 */
int x86_ioapic_route_isa(u8 irq, u8 vector, u32 cpu);
/* The GSI an ISA IRQ arrives on and its ACPI_INTI_* flags (MADT overrides); or -EINVAL. */
int x86_isa_irq_to_gsi(u8 irq, u16 *flags);
/* Route gsi with ACPI_INTI_* flags; 0 or -ENODEV / -EINVAL. */
int x86_ioapic_route_gsi(u32 gsi, u8 vector, u32 cpu, u16 flags);
/* Mask or unmask gsi; 0 or -ENODEV. */
int x86_ioapic_mask(u32 gsi, bool masked);

/* ---- ipi.c ---- */

/* Register the IPI handlers (reschedule, TLB, stop, call). */
void x86_ipi_init(void);
/* Send vector to CPU cpu (logical id); ignored for offline CPUs and for the caller. */
void x86_send_ipi(u32 cpu, u8 vector);
/*
 * Run fn(arg) on every online CPU in cpu_mask (the caller's own bit: run
 * here, directly) and return when all have finished. fn runs in interrupt
 * context with interrupts off; it must not sleep, take locks, or call
 * x86_smp_call / x86_tlb_shootdown itself. Callable with interrupts on or
 * off (also from exception handlers). While it waits it serves the other
 * CPUs' requests, so two CPUs calling each other do not deadlock; CPUs that
 * spin with interrupts off through arch_cpu_relax() answer too. The caller
 * must not hold a lock that another CPU might wait for without
 * arch_cpu_relax().
 */
void x86_smp_call(u64 cpu_mask, void (*fn)(void *arg), void *arg);
/*
 * Invalidate [start, start + len) in the TLB of every online CPU in
 * cpu_mask (the caller's own included if its bit is set) and wait until all
 * have done it. More than 32 pages flush everything, global pages included.
 * Same context rules as x86_smp_call.
 */
void x86_tlb_shootdown(u64 cpu_mask, vaddr_t start, size_t len);
/* Stop every other online CPU (panic): fire-and-forget, no locks. */
void x86_stop_other_cpus(void);
/*
 * Called by arch_cpu_relax(): with interrupts off, run any call or flush
 * other CPUs are waiting for from this one (and halt if another CPU is
 * stopping everyone). Two loads when there is nothing to do.
 */
void x86_ipi_poll(void);

#endif /* !__ASSEMBLY__ */

#endif
