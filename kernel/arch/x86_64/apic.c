/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apic.c - the interrupt controllers and the per-CPU timer:
 *
 *  - the legacy 8259 PICs are remapped to vectors 32-47 (so a stray
 *    interrupt cannot look like an exception) and then masked for good;
 *  - each CPU's local APIC, in xAPIC mode, reached through the direct map:
 *    enabled with the spurious vector VEC_SPURIOUS, TPR 0, the LINT inputs
 *    masked except the NMI lines the MADT names, EOI, IPIs (ICR);
 *  - the LAPIC timer behind arch_timer_set_deadline(): TSC-deadline mode
 *    when CPUID.1:ECX[24] says the CPU has it (the deadline is a TSC value:
 *    no calibration, no drift), otherwise one-shot mode with divider 16,
 *    calibrated once against the TSC clock. Its interrupt acknowledges the
 *    APIC, then calls timer_interrupt() (timer.h);
 *  - the I/O APICs of the MADT, every input masked until a driver routes
 *    one (x86_ioapic_route_isa follows the MADT's interrupt overrides);
 *  - the interrupt-flag hooks of arch.h and arch_idle (sti; hlt).
 *
 * Locking: the LAPIC is per CPU and only touched by its own CPU with
 * interrupts off (the ICR is two registers). The I/O APIC's index/data
 * register pair is shared: ioapic_lock.
 */
#include "acpi.h"
#include "arch.h"
#include "cmdline.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "smp.h"
#include "sync.h"
#include "timer.h"
#include "x86.h"

/* 8259 PIC ports */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR 0x000ffffffffff000ull
#define MSR_TSC_DEADLINE 0x6e0

/* Local APIC registers (byte offsets) */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define LVT_NMI (4u << 8)
#define LVT_ACTIVE_LOW (1u << 13)
#define LVT_LEVEL (1u << 15)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define ICR_PENDING (1u << 12)
#define ICR_SHORTHAND_SELF (1u << 18)
#define TIMER_DIV_16 0x3

#define CALIBRATE_NS 10000000ull /* 10 ms */
#define IPI_IDLE_TIMEOUT_NS 100000000ull

static volatile u32 *lapic;
static bool tsc_deadline;
static bool force_oneshot;
static u64 lapic_timer_khz;  /* one-shot mode: timer ticks (after the divider) per ms */
static u64 lapic_ticks_mult; /* timer ticks per ns, 32.32 fixed point */
static u64 tsc_cycles_mult;  /* TSC cycles per ns, 32.32 fixed point */

static int set_lapic_timer(const char *val)
{
	if (strcmp(val, "oneshot") == 0)
		force_oneshot = true;
	else if (strcmp(val, "auto") == 0)
		force_oneshot = false;
	else
		return -EINVAL;
	return 0;
}
/* lapic_timer=oneshot: never use TSC-deadline mode (tests both paths on one CPU model). */
CMDLINE_PARAM("lapic_timer", set_lapic_timer, CMDLINE_VALUE);

/* ---- 8259 PIC ---- */

void pic_disable(void)
{
	/* ICW1: init + ICW4; ICW2: vector base; ICW3: cascade on IRQ 2; ICW4: 8086 mode. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 32);
	outb(PIC2_DATA, 40);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* ---- local APIC ---- */

static inline u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

static inline void lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
}

bool lapic_present(void)
{
	return lapic != NULL;
}

u32 lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

bool lapic_irr_test(u8 vector)
{
	return lapic_read(LAPIC_IRR + (vector / 32u) * 0x10) & (1u << (vector % 32));
}

bool lapic_timer_tsc_deadline(void)
{
	return tsc_deadline;
}

bool lapic_ipi_idle(void)
{
	u64 t0 = arch_clock_ns();

	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING) {
		if (arch_clock_ns() - t0 > IPI_IDLE_TIMEOUT_NS)
			return false;
		arch_cpu_relax();
	}
	return true;
}

void lapic_send_ipi(u32 dest, u32 icr)
{
	unsigned long flags = arch_irq_save();

	/* An interrupt handler sending an IPI between the two writes would corrupt ICR_HI. */
	lapic_ipi_idle();
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	arch_irq_restore(flags);
}

void lapic_send_self_ipi(u8 vector)
{
	unsigned long flags = arch_irq_save();

	lapic_ipi_idle();
	lapic_write(LAPIC_ICR_LO, ICR_SHORTHAND_SELF | ICR_FIXED | vector);
	arch_irq_restore(flags);
}

/* Program LINT0/LINT1 as NMI inputs where the MADT says so, masked otherwise. */
static void lapic_setup_lints(const struct acpi_madt_info *madt)
{
	u32 lvt[2] = {LVT_MASKED, LVT_MASKED};
	u32 uid = this_percpu()->acpi_uid;

	for (u32 i = 0; madt && i < madt->nr_nmis; i++) {
		const struct acpi_lapic_nmi *n = &madt->nmis[i];

		if (n->lint > 1 || (n->uid != ACPI_NMI_ALL_CPUS && n->uid != uid))
			continue;
		lvt[n->lint] = LVT_NMI; /* NMIs are always edge triggered */
		if ((n->flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_POLARITY_LOW)
			lvt[n->lint] |= LVT_ACTIVE_LOW;
	}
	lapic_write(LAPIC_LVT_LINT0, lvt[0]);
	lapic_write(LAPIC_LVT_LINT1, lvt[1]);
}

void lapic_init_cpu(const struct acpi_madt_info *madt)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	u32 max_lvt;

	/* Firmware may have left x2APIC mode on: the way back to xAPIC is through disabled. */
	if (base & APIC_BASE_EXTD)
		wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EXTD | APIC_BASE_EN));
	wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_EXTD) | APIC_BASE_EN);
	max_lvt = (lapic_read(LAPIC_VER) >> 16) & 0xff;
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (max_lvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_setup_lints(madt);
	/* The error status register is cleared by writing it (twice: write, then read back). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_eoi();
}

/* ---- LAPIC timer ---- */

static void lapic_timer_irq(struct trap_frame *f)
{
	struct x86_percpu *pc = this_percpu();

	(void)f;
	pc->timer_irqs++;
	pc->timer_last_ns = arch_clock_ns();
	lapic_eoi();
	timer_interrupt();
}

static void spurious_irq(struct trap_frame *f)
{
	(void)f; /* no EOI for the spurious vector */
}

/* Timer ticks per ms in one-shot mode with divider 16, measured against the TSC clock. */
static u64 lapic_timer_calibrate(void)
{
	u64 t0, t1;
	u32 c0, c1;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	t0 = arch_clock_ns();
	c0 = lapic_read(LAPIC_TIMER_CUR);
	do {
		arch_cpu_relax();
		t1 = arch_clock_ns();
	} while (t1 - t0 < CALIBRATE_NS);
	c1 = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (c1 >= c0 || t1 == t0)
		return 0;
	return (u64)(c0 - c1) * 1000000ull / (t1 - t0);
}

int lapic_init(paddr_t madt_phys)
{
	u64 msr = rdmsr(MSR_APIC_BASE);
	paddr_t phys = msr & APIC_BASE_ADDR;
	u32 a, b, c, d;

	if (!x86_cpu.apic)
		return -ENODEV;
	/* The MSR says where this CPU's APIC answers; the MADT should agree. */
	if (madt_phys && madt_phys != phys)
		pr_warn("apic: the MADT puts the local APIC at %#llx, the CPU at %#llx; using the "
			"CPU's",
			(unsigned long long)madt_phys, (unsigned long long)phys);
	if (phys + PAGE_SIZE > direct_map_limit)
		return -ENODEV;
	lapic = phys_to_virt(phys);
	x86_irq_register(VEC_SPURIOUS, spurious_irq);
	x86_irq_register(VEC_LAPIC_TIMER, lapic_timer_irq);
	tsc_cycles_mult = (arch_cycles_khz() << 32) / 1000000;
	cpuid(1, 0, &a, &b, &c, &d);
	tsc_deadline = (c & (1u << 24)) && !force_oneshot && tsc_cycles_mult;
	pr_info("apic: local APIC at %#llx, id %u, version %#x", (unsigned long long)phys,
		lapic_id(), lapic_read(LAPIC_VER) & 0xff);
	if (tsc_deadline) {
		pr_info("apic: timer in TSC-deadline mode");
		return 0;
	}
	lapic_timer_khz = lapic_timer_calibrate();
	if (!lapic_timer_khz) {
		pr_warn("apic: the LAPIC timer does not count; no timer interrupts");
		return 0;
	}
	lapic_ticks_mult = (lapic_timer_khz << 32) / 1000000;
	pr_info("apic: timer in one-shot mode, %llu.%03llu MHz after divide-by-16%s",
		(unsigned long long)lapic_timer_khz / 1000,
		(unsigned long long)lapic_timer_khz % 1000,
		force_oneshot ? " (lapic_timer=oneshot)" : "");
	return 0;
}

void lapic_timer_init_cpu(void)
{
	if (tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_TSC_DEADLINE);
		/* The LVT write must be done before the MSR write arms the timer (SDM). */
		__asm__ volatile("mfence" : : : "memory");
		wrmsr(MSR_TSC_DEADLINE, 0);
	} else {
		lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
		lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER);
		lapic_write(LAPIC_TIMER_INIT, 0);
	}
	/*
	 * Timers armed before the APIC was up were never programmed: one interrupt
	 * as soon as interrupts are on lets timer_interrupt() program the earliest.
	 */
	arch_timer_set_deadline(1);
}

/*
 * (ns * mult) >> 32, rounded up by about one part in a million plus one unit,
 * so the interrupt never comes before the deadline it was computed for (the
 * 32.32 factors here and in tsc.c are not exact inverses).
 */
static u64 ns_to_units(u64 ns, u64 mult)
{
	return (u64)(((unsigned __int128)ns * mult) >> 32) + (ns >> 20) + 1;
}

void arch_timer_set_deadline(u64 deadline_ns)
{
	unsigned long flags;
	u64 now, delta, count;

	if (!lapic)
		return;
	flags = arch_irq_save();
	if (tsc_deadline) {
		/* Now first, then the TSC: the deadline is measured from a TSC value no earlier. */
		now = arch_clock_ns();
		count = rdtsc();
		if (deadline_ns == 0)
			count = 0;
		else if (deadline_ns > now)
			count += ns_to_units(deadline_ns - now, tsc_cycles_mult);
		/* A deadline already passed fires at once. */
		wrmsr(MSR_TSC_DEADLINE, count);
	} else if (lapic_ticks_mult) {
		now = arch_clock_ns();
		delta = deadline_ns > now ? deadline_ns - now : 0;
		count = deadline_ns ? ns_to_units(delta, lapic_ticks_mult) : 0;
		/* Too far away for the counter: fire early; timer_interrupt() re-arms. */
		lapic_write(LAPIC_TIMER_INIT, (u32)MIN(count, 0xffffffffull));
	}
	arch_irq_restore(flags);
}

/* ---- I/O APIC ---- */

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)

static struct ioapic {
	volatile u32 *regs;
	u32 id, gsi_base, nr_pins;
} ioapics[ACPI_MAX_IOAPICS];
static u32 nr_ioapics;
static const struct acpi_madt_info *ioapic_madt;
static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic", LOCK_RANK_NONE);

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WIN / 4];
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WIN / 4] = v;
}

void ioapic_init(const struct acpi_madt_info *madt)
{
	ioapic_madt = madt;
	for (u32 i = 0; madt && i < madt->nr_ioapics; i++) {
		const struct acpi_ioapic *a = &madt->ioapics[i];
		struct ioapic *io = &ioapics[nr_ioapics];

		if (a->phys + PAGE_SIZE > direct_map_limit || a->phys & 0xf) {
			pr_warn("apic: IOAPIC %u at %#llx is not reachable; ignored", a->id,
				(unsigned long long)a->phys);
			continue;
		}
		io->regs = phys_to_virt(a->phys);
		io->id = a->id;
		io->gsi_base = a->gsi_base;
		io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		for (u32 pin = 0; pin < io->nr_pins; pin++) {
			ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
			ioapic_write(io, IOAPIC_REDIR(pin) + 1, 0);
		}
		pr_info("apic: IOAPIC %u at %#llx, GSIs %u-%u, all masked", io->id,
			(unsigned long long)a->phys, io->gsi_base, io->gsi_base + io->nr_pins - 1);
		nr_ioapics++;
	}
}

static struct ioapic *ioapic_of(u32 gsi, u32 *pin)
{
	for (u32 i = 0; i < nr_ioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].nr_pins) {
			*pin = gsi - ioapics[i].gsi_base;
			return &ioapics[i];
		}
	}
	return NULL;
}

int x86_ioapic_route_gsi(u32 gsi, u8 vector, u32 cpu, u16 flags)
{
	struct ioapic *io;
	unsigned long irq;
	u32 pin, low = vector;

	if (vector < 32 || cpu >= MAX_CPUS || !cpus[cpu].online)
		return -EINVAL;
	io = ioapic_of(gsi, &pin);
	if (!io)
		return -ENODEV;
	if ((flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_POLARITY_LOW)
		low |= REDIR_ACTIVE_LOW;
	if ((flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_TRIGGER_LEVEL)
		low |= REDIR_LEVEL;
	irq = spin_lock_irqsave(&ioapic_lock);
	/* Destination first, then the low half, which unmasks. */
	ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
	ioapic_write(io, IOAPIC_REDIR(pin) + 1, cpus[cpu].apic_id << 24);
	ioapic_write(io, IOAPIC_REDIR(pin), low);
	spin_unlock_irqrestore(&ioapic_lock, irq);
	return 0;
}

int x86_isa_irq_to_gsi(u8 irq, u16 *flags)
{
	*flags = 0; /* ISA: edge triggered, active high */
	if (irq >= 16)
		return -EINVAL;
	for (u32 i = 0; ioapic_madt && i < ioapic_madt->nr_overrides; i++) {
		const struct acpi_override *o = &ioapic_madt->overrides[i];

		if (o->bus_irq != irq)
			continue;
		*flags = o->flags;
		if (o->gsi > 0xffff) /* no IOAPIC has that many inputs */
			return -EINVAL;
		return (int)o->gsi;
	}
	return irq;
}

int x86_ioapic_route_isa(u8 irq, u8 vector, u32 cpu)
{
	u16 flags;
	int gsi = x86_isa_irq_to_gsi(irq, &flags), err;

	if (gsi < 0)
		return gsi;
	err = x86_ioapic_route_gsi((u32)gsi, vector, cpu, flags);
	return err ? err : gsi;
}

int x86_ioapic_mask(u32 gsi, bool masked)
{
	struct ioapic *io;
	unsigned long irq;
	u32 pin, low;

	io = ioapic_of(gsi, &pin);
	if (!io)
		return -ENODEV;
	irq = spin_lock_irqsave(&ioapic_lock);
	low = ioapic_read(io, IOAPIC_REDIR(pin));
	ioapic_write(io, IOAPIC_REDIR(pin), masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, irq);
	return 0;
}

/* ---- interrupt flag ---- */

void arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

bool arch_irqs_enabled(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

/*
 * sti takes effect after the next instruction, so no interrupt can slip in
 * between it and hlt: one that is already pending wakes the hlt at once.
 * Returns with interrupts enabled, after the interrupt has been handled.
 */
void arch_idle(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}
