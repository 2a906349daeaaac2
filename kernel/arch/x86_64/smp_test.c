/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp_test.c - ktests for the interrupt controllers, the LAPIC timer and
 * the other CPUs: as many CPUs online as the MADT lists (up to MAX_CPUS),
 * each with its own struct cpu behind its GS base and its own APIC id;
 * cross-CPU calls reach exactly the CPUs asked for; the timer interrupt
 * comes no earlier than its deadline on every CPU, a stopped timer stays
 * quiet and a past deadline fires at once; a reschedule IPI arrives; a TLB
 * shootdown really removes stale translations on every other CPU; and an
 * ISA interrupt (the PIT) routed through the I/O APIC with the MADT's
 * override arrives. They pass with one CPU too (the cross-CPU parts then
 * have nothing to check beyond the calling CPU).
 */
#include "acpi.h"
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "kstack.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "smp.h"
#include "timer.h"
#include "x86.h"

#define MS 1000000ull

static u64 all_cpus(void)
{
	return nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
}

/* arch_irq_restore() only ever turns interrupts on: turn them off first. */
static void irq_back(unsigned long flags)
{
	arch_irq_disable();
	arch_irq_restore(flags);
}

static bool wait_until_ns(volatile u64 *v, u64 old, u64 timeout_ns)
{
	u64 t0 = arch_clock_ns();

	while (*v == old) {
		if (arch_clock_ns() - t0 > timeout_ns)
			return false;
		arch_cpu_relax();
	}
	return true;
}

KTEST(smp, cpu_count_matches_acpi)
{
	const struct acpi_madt_info *m = x86_smp_madt();

	KT_EXPECT(t, nr_cpus >= 1 && nr_cpus <= MAX_CPUS);
	KT_EXPECT_EQ(t, nr_cpus, x86_smp_expected_cpus());
	if (m)
		KT_EXPECT_EQ(t, nr_cpus, MIN(m->nr_cpus_enabled, (u32)MAX_CPUS));
	KT_EXPECT_EQ(t, x86_online_mask(), all_cpus());
	for (u32 i = 0; i < nr_cpus; i++) {
		KT_EXPECT(t, cpus[i].online);
		KT_EXPECT_EQ(t, cpus[i].id, i);
	}
}

struct identity {
	struct cpu *self;
	u32 apic_id;
	u64 gs_base;
	u32 runs;
};

static void record_identity(void *arg)
{
	struct identity *id = &((struct identity *)arg)[this_cpu()->id];

	id->self = this_cpu();
	id->apic_id = lapic_id();
	id->gs_base = rdmsr(0xc0000101);
	__atomic_fetch_add(&id->runs, 1, __ATOMIC_RELAXED);
}

KTEST(smp, every_cpu_has_its_own_identity)
{
	static struct identity ids[MAX_CPUS];

	memset(ids, 0, sizeof(ids));
	x86_smp_call(all_cpus(), record_identity, ids);
	for (u32 i = 0; i < nr_cpus; i++) {
		KT_EXPECT_EQ(t, ids[i].runs, 1);
		KT_EXPECT(t, ids[i].self == &cpus[i]);
		KT_EXPECT_EQ(t, ids[i].gs_base, (uintptr_t)&cpus[i]);
		KT_EXPECT_EQ(t, ids[i].apic_id, cpus[i].apic_id);
		for (u32 j = 0; j < i; j++)
			KT_EXPECT(t, ids[i].apic_id != ids[j].apic_id);
	}
}

static void count_call(void *arg)
{
	u32 *hits = arg;

	__atomic_fetch_add(&hits[this_cpu()->id], 1, __ATOMIC_RELAXED);
}

KTEST(smp, call_reaches_exactly_the_cpus_asked)
{
	static u32 hits[MAX_CPUS];
	u64 odd = all_cpus() & 0xaaaaaaaaaaaaaaaaull;
	u32 self = this_cpu()->id;

	memset(hits, 0, sizeof(hits));
	x86_smp_call(odd, count_call, hits);
	for (u32 i = 0; i < nr_cpus; i++)
		KT_EXPECT_EQ(t, hits[i], (odd >> i) & 1);
	/* Offline CPUs are left out; the caller alone runs it directly. */
	memset(hits, 0, sizeof(hits));
	x86_smp_call(~all_cpus() | (1ull << self), count_call, hits);
	for (u32 i = 0; i < MAX_CPUS; i++)
		KT_EXPECT_EQ(t, hits[i], i == self);
	/* Many calls in a row: no request lost or run twice. */
	memset(hits, 0, sizeof(hits));
	for (int n = 0; n < 200; n++)
		x86_smp_call(all_cpus(), count_call, hits);
	for (u32 i = 0; i < nr_cpus; i++)
		KT_EXPECT_EQ(t, hits[i], 200);
}

/* ---- the LAPIC timer, checked through the IRR with interrupts off ---- */

enum { DL_RETRY, DL_OK, DL_FAIL };

struct deadline_check {
	int future, stop, past;
	u64 late_ns; /* how long after its deadline the 2 ms one was seen */
};

static bool timer_requested(void)
{
	return lapic_irr_test(VEC_LAPIC_TIMER);
}

/* Poll the IRR until deadline; returns when the timer interrupt was requested or not. */
static bool poll_timer(u64 until_ns, u64 *seen_ns)
{
	while (arch_clock_ns() < until_ns) {
		if (timer_requested()) {
			*seen_ns = arch_clock_ns();
			return true;
		}
		arch_cpu_relax();
	}
	return timer_requested();
}

/*
 * One of three checks on the calling CPU, interrupts off. Each leaves the
 * timer interrupt requested, so when interrupts come back timer_interrupt()
 * runs and reprograms the CPU's timer heap. DL_RETRY: the heap's own timer
 * fired just before we took over, try again.
 */
static int deadline_step(int which, u64 *late)
{
	u64 now, seen = 0;

	arch_timer_set_deadline(0);
	if (timer_requested())
		return DL_RETRY;
	now = arch_clock_ns();
	switch (which) {
	case 0: /* a deadline 2 ms ahead: requested, but not before it */
		arch_timer_set_deadline(now + 2 * MS);
		if (!poll_timer(now + 500 * MS, &seen))
			return DL_FAIL;
		*late = seen - (now + 2 * MS);
		return seen >= now + 2 * MS ? DL_OK : DL_FAIL;
	case 1: { /* armed 20 ms ahead, then stopped: nothing until 40 ms */
		bool fired;

		arch_timer_set_deadline(now + 20 * MS);
		arch_timer_set_deadline(0);
		/* The host may stall a virtual CPU for a while: then the check says nothing. */
		if (arch_clock_ns() > now + 10 * MS) {
			arch_timer_set_deadline(1);
			return DL_RETRY;
		}
		fired = poll_timer(now + 40 * MS, &seen);
		arch_timer_set_deadline(1); /* long past: fires now, the heap gets reprogrammed */
		return fired ? DL_FAIL : DL_OK;
	}
	default: /* already past: at once */
		arch_timer_set_deadline(now > MS ? now - MS : 1);
		return poll_timer(now + 50 * MS, &seen) ? DL_OK : DL_FAIL;
	}
}

static struct deadline_check dl_results[MAX_CPUS];

static void deadline_checks(void *arg)
{
	struct deadline_check *r = &dl_results[this_cpu()->id];
	int which = (int)(uintptr_t)arg;
	int *slot = which == 0 ? &r->future : which == 1 ? &r->stop : &r->past;

	if (*slot == DL_RETRY)
		*slot = deadline_step(which, &r->late_ns);
}

KTEST(smp, lapic_timer_deadlines_on_every_cpu)
{
	memset(dl_results, 0, sizeof(dl_results));
	for (int which = 0; which < 3; which++) {
		for (int attempt = 0; attempt < 20; attempt++) {
			unsigned long flags;

			x86_smp_call(all_cpus(), deadline_checks, (void *)(uintptr_t)which);
			/* Take the interrupt the check left requested here (the others do on
			 * return). */
			flags = arch_irq_save();
			__asm__ volatile("sti; nop; cli" : : : "memory");
			arch_irq_restore(flags);
		}
	}
	for (u32 i = 0; i < nr_cpus; i++) {
		const struct deadline_check *r = &dl_results[i];

		if (r->future != DL_OK || r->stop != DL_OK || r->past != DL_OK)
			ktest_fail(t, __FILE__, __LINE__,
				   "CPU %u: future deadline %d, stopped timer %d, past deadline %d "
				   "(1 = ok, 0 = never got the timer to itself, 2 = wrong)",
				   i, r->future, r->stop, r->past);
		kprintf("# CPU %u: LAPIC timer (%s) seen %llu us after its 2 ms deadline\n", i,
			lapic_timer_tsc_deadline() ? "TSC-deadline" : "one-shot",
			(unsigned long long)r->late_ns / 1000);
	}
	KT_EXPECT(t, nr_cpus >= 1);
}

/* ---- the same through timer.h, with interrupts on ---- */

static volatile u64 fired_ns;

static void timer_fired(struct timer *tm)
{
	(void)tm;
	fired_ns = clock_ns();
}

KTEST(smp, timer_interrupt_runs_timers)
{
	static struct timer tm;
	unsigned long flags = arch_irq_save();
	u64 deadline;

	fired_ns = 0;
	timer_init(&tm, timer_fired, NULL);
	deadline = clock_ns() + 3 * MS;
	timer_arm(&tm, deadline);
	arch_irq_enable();
	KT_EXPECT(t, wait_until_ns(&fired_ns, 0, 1000 * MS));
	irq_back(flags);
	KT_EXPECT(t, fired_ns >= deadline);
	KT_EXPECT(t, !timer_pending(&tm));
}

/* ---- IPIs ---- */

KTEST(smp, reschedule_ipi_arrives)
{
	for (u32 cpu = 0; cpu < nr_cpus; cpu++) {
		struct x86_percpu *pc = cpus[cpu].arch;
		u64 before = pc->resched_ipis;

		arch_send_reschedule(cpu);
		if (cpu == this_cpu()->id) /* to oneself: nothing is sent */
			KT_EXPECT_EQ(t, pc->resched_ipis, before);
		else
			KT_EXPECT(t, wait_until_ns(&pc->resched_ipis, before, 1000 * MS));
	}
}

struct tlb_probe {
	volatile u64 *va;
	u64 seen[MAX_CPUS];
};

static void tlb_read(void *arg)
{
	struct tlb_probe *p = arg;

	p->seen[this_cpu()->id] = *p->va;
}

KTEST(smp, tlb_shootdown_reaches_every_cpu)
{
	struct kstack *ks = kstack_alloc("tlb-test");
	struct tlb_probe p;
	u64 others = all_cpus() & ~(1ull << this_cpu()->id), flushes[MAX_CPUS];
	void *b = page_alloc_addr(0, PAF_ZERO);
	paddr_t pa_a;
	u32 stale = 0;

	KT_EXPECT(t, ks && b);
	if (!ks || !b)
		goto out;
	/* The stack's lowest page A is where the test remaps things. */
	p.va = (volatile u64 *)ks->bottom;
	pa_a = arch_kunmap(ks->bottom);
	KT_EXPECT(t, pa_a && arch_kmap(ks->bottom, pa_a, PTE_PROT_READ | PTE_PROT_WRITE) == 0);
	*p.va = 0xaaaa;
	*(u64 *)b = 0xbbbb;
	/* Every CPU reads A: the translation is now in their TLBs. */
	x86_smp_call(all_cpus(), tlb_read, &p);
	for (u32 i = 0; i < nr_cpus; i++)
		KT_EXPECT_EQ(t, p.seen[i], 0xaaaa);
	/* Point the page at B, invalidating only here: the others may still see A. */
	KT_EXPECT(t, arch_kmap(ks->bottom, virt_to_phys(b), PTE_PROT_READ | PTE_PROT_WRITE) == 0);
	arch_tlb_flush_page(ks->bottom);
	x86_smp_call(all_cpus(), tlb_read, &p);
	for (u32 i = 0; i < nr_cpus; i++)
		stale += p.seen[i] == 0xaaaa;
	for (u32 i = 0; i < nr_cpus; i++)
		flushes[i] = ((struct x86_percpu *)cpus[i].arch)->tlb_flushes;
	x86_tlb_shootdown(others, ks->bottom, PAGE_SIZE);
	x86_smp_call(all_cpus(), tlb_read, &p);
	for (u32 i = 0; i < nr_cpus; i++) {
		u64 now = ((struct x86_percpu *)cpus[i].arch)->tlb_flushes;

		KT_EXPECT_EQ(t, p.seen[i], 0xbbbb);
		KT_EXPECT_EQ(t, now - flushes[i], (others >> i) & 1);
	}
	kprintf("# %u of %u CPUs still saw the old page before the shootdown\n", stale, nr_cpus);
	/* Put A back everywhere before the stack goes. */
	KT_EXPECT(t, arch_kmap(ks->bottom, pa_a, PTE_PROT_READ | PTE_PROT_WRITE) == 0);
	x86_tlb_shootdown(all_cpus(), ks->bottom, PAGE_SIZE);
	/* A large range flushes everything, global pages included. */
	x86_tlb_shootdown(all_cpus(), 0, 1ull << 30);
	x86_smp_call(all_cpus(), tlb_read, &p);
	for (u32 i = 0; i < nr_cpus; i++)
		KT_EXPECT_EQ(t, p.seen[i], 0xaaaa);
out:
	if (b)
		page_free_addr(b);
	if (ks)
		kstack_free(ks);
}

/* ---- I/O APIC ---- */

#define PIT_CH0 0x40
#define PIT_CMD 0x43

static volatile u64 pit_irqs;

static void pit_irq(struct trap_frame *f)
{
	(void)f;
	pit_irqs++;
	lapic_eoi();
}

KTEST(smp, ioapic_routes_the_pit_through_the_override)
{
	u16 flags;
	int gsi = x86_isa_irq_to_gsi(0, &flags);
	unsigned long irq;
	u8 vec;

	KT_EXPECT(t, gsi >= 0 && gsi < 24);
	if (!x86_smp_madt() || x86_smp_madt()->nr_ioapics == 0 || gsi < 0 || gsi >= 24) {
		kprintf("# no I/O APIC: nothing to route\n");
		return;
	}
	/* QEMU's MADT sends ISA IRQ 0 to GSI 2. */
	if (x86_smp_madt()->nr_overrides)
		KT_EXPECT_EQ(t, gsi, 2);
	vec = (u8)(VEC_IOAPIC_BASE + gsi);
	pit_irqs = 0;
	x86_irq_register(vec, pit_irq);
	KT_EXPECT_EQ(t, x86_ioapic_route_isa(0, vec, this_cpu()->id), gsi);
	irq = arch_irq_save();
	/* Channel 0, mode 0 (one interrupt at terminal count), 1 ms. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 1193 & 0xff);
	outb(PIT_CH0, 1193 >> 8);
	arch_irq_enable();
	KT_EXPECT(t, wait_until_ns(&pit_irqs, 0, 1000 * MS));
	irq_back(irq);
	KT_EXPECT_EQ(t, x86_ioapic_mask((u32)gsi, true), 0);
	x86_irq_register(vec, NULL);
	KT_EXPECT_EQ(t, x86_ioapic_route_isa(16, vec, 0), -EINVAL);
	KT_EXPECT_EQ(t, x86_ioapic_route_gsi(1000, vec, 0, 0), -ENODEV);
}
