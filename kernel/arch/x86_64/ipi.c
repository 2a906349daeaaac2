/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipi.c - inter-processor interrupts:
 *
 *   VEC_IPI_RESCHED  arch_send_reschedule(): the target sets need_resched;
 *                    x86_irq_exit() then preempts whatever it was running.
 *   VEC_IPI_CALL     x86_smp_call(): run a function on other CPUs and wait.
 *   VEC_IPI_TLB      x86_tlb_shootdown(): invalidate a range on other CPUs
 *                    and wait until every one has.
 *   VEC_IPI_STOP     arch_stop_other_cpus() (panic): the target halts.
 *   VEC_IPI_WORK     arch_irq_work_raise(): a CPU interrupts itself to run
 *                    deferred work (klog_irq_work: wake the kernel log's
 *                    readers) where no lock is held.
 *
 * A call or a shootdown is a request: one shared struct ipi_request per
 * vector holds the function, its argument and a mask of the CPUs that still
 * have to run it. The sender takes the request (busy), publishes fn/arg and
 * then the mask (release), sends the IPIs and waits until the mask is empty;
 * each target runs fn and clears its bit (release). A target reads fn/arg
 * only while its bit is set, and the request cannot change until every bit
 * is clear, so a stale IPI that arrives later finds its bit clear and does
 * nothing. Senders wait with interrupts off, but keep serving every request
 * addressed to them while they wait (for the request or for the answers):
 * two CPUs that call each other at the same time both make progress. So
 * does every busy-wait with interrupts off that uses arch_cpu_relax() (the
 * spinlocks do): a CPU spinning on a lock whose holder waits for a
 * shootdown answers it from the spin loop.
 */
#include "arch.h"
#include "klog.h"
#include "panic.h"
#include "smp.h"
#include "x86.h"

#define IPI_WARN_NS 1000000000ull   /* 1 s */
#define IPI_PANIC_NS 10000000000ull /* 10 s */
#define TLB_FLUSH_MAX_PAGES 32

struct ipi_request {
	volatile u32 busy; /* a sender owns the request */
	u8 vector;
	const char *name;
	void (*fn)(void *arg);
	void *arg;
	u64 pending; /* CPUs that have not run fn yet (atomic) */
};

static struct ipi_request call_req = {.vector = VEC_IPI_CALL, .name = "call"};
static struct ipi_request tlb_req = {.vector = VEC_IPI_TLB, .name = "TLB shootdown"};
static struct ipi_request *const requests[] = {&call_req, &tlb_req};
static volatile u32 stopper; /* 1 + id of the CPU that stops the others (panic), or 0 */

static __noreturn void stop_this_cpu(void)
{
	this_cpu()->online = false;
	arch_halt();
}

/*
 * Run r's function here if this CPU is still to do it. Interrupts off. Not
 * while this CPU is already running one (its functions may busy-wait, and
 * arch_cpu_relax() would otherwise re-enter it).
 */
static void ipi_serve(struct ipi_request *r)
{
	struct x86_percpu *pc = this_percpu();
	u64 bit = 1ull << this_cpu()->id;

	if (pc->ipi_serving || !(__atomic_load_n(&r->pending, __ATOMIC_ACQUIRE) & bit))
		return;
	pc->ipi_serving = true;
	r->fn(r->arg);
	pc->ipi_serving = false;
	__atomic_fetch_and(&r->pending, ~bit, __ATOMIC_RELEASE);
}

/* Serve everything addressed to this CPU (a sender's wait loop). */
static void ipi_serve_all(void)
{
	u32 s = stopper;

	if (s && s != this_cpu()->id + 1)
		stop_this_cpu();
	for (u32 i = 0; i < ARRAY_SIZE(requests); i++)
		ipi_serve(requests[i]);
}

void x86_ipi_poll(void)
{
	/* Cheap when nothing is asked of anybody: two loads. */
	if (!stopper && !__atomic_load_n(&call_req.pending, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&tlb_req.pending, __ATOMIC_RELAXED))
		return;
	if (!arch_irqs_enabled()) /* with interrupts on, the IPI itself comes */
		ipi_serve_all();
}

static void ipi_wait_answers(struct ipi_request *r)
{
	u64 t0 = arch_clock_ns(), left;
	bool warned = false;

	while ((left = __atomic_load_n(&r->pending, __ATOMIC_ACQUIRE)) != 0) {
		u64 waited = arch_clock_ns() - t0;

		ipi_serve_all();
		arch_cpu_relax();
		if (waited > IPI_WARN_NS && !warned) {
			pr_warn("smp: CPU %u: CPUs %#llx have not answered a %s IPI for 1 s",
				this_cpu()->id, (unsigned long long)left, r->name);
			warned = true;
		}
		if (waited > IPI_PANIC_NS)
			panic("smp: CPUs %#llx never answered a %s IPI", (unsigned long long)left,
			      r->name);
	}
}

/* The sender's own share of a request. */
static void run_here(void (*fn)(void *), void *arg)
{
	struct x86_percpu *pc = this_percpu();

	pc->ipi_serving = true;
	fn(arg);
	pc->ipi_serving = false;
}

static void ipi_request_run(struct ipi_request *r, u64 mask, void (*fn)(void *), void *arg)
{
	unsigned long flags = arch_irq_save();
	u64 self = 1ull << this_cpu()->id;

	mask &= x86_online_mask();
	if (!(mask & ~self)) {
		if (mask & self)
			run_here(fn, arg);
		arch_irq_restore(flags);
		return;
	}
	while (__atomic_exchange_n(&r->busy, 1, __ATOMIC_ACQUIRE)) {
		ipi_serve_all();
		arch_cpu_relax();
	}
	r->fn = fn;
	r->arg = arg;
	__atomic_store_n(&r->pending, mask & ~self, __ATOMIC_RELEASE);
	for (u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		if ((mask & ~self) & (1ull << cpu))
			lapic_send_ipi(cpus[cpu].apic_id, ICR_FIXED | r->vector);
	}
	if (mask & self)
		run_here(fn, arg); /* meanwhile the others run it too */
	ipi_wait_answers(r);
	__atomic_store_n(&r->busy, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

static void ipi_request_irq(struct ipi_request *r)
{
	this_cpu()->ipi_count++;
	lapic_eoi();
	ipi_serve(r);
}

/* ---- calls ---- */

void x86_smp_call(u64 cpu_mask, void (*fn)(void *arg), void *arg)
{
	ipi_request_run(&call_req, cpu_mask, fn, arg);
}

static void call_irq(struct trap_frame *f)
{
	(void)f;
	ipi_request_irq(&call_req);
}

/* ---- TLB shootdown ---- */

struct tlb_range {
	vaddr_t start;
	size_t len;
};

/* Everything, global pages included: toggling CR4.PGE flushes them (SDM 4.10.4.1). */
static void tlb_flush_everything(void)
{
	u64 cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static void tlb_flush_local(void *arg)
{
	const struct tlb_range *r = arg;
	vaddr_t va = ALIGN_DOWN(r->start, PAGE_SIZE);
	vaddr_t end = r->start + r->len;

	this_percpu()->tlb_flushes++;
	if (r->len / PAGE_SIZE > TLB_FLUSH_MAX_PAGES || end < r->start) {
		tlb_flush_everything();
		return;
	}
	for (; va < end; va += PAGE_SIZE)
		arch_tlb_flush_page(va); /* invlpg also drops global entries */
}

void x86_tlb_shootdown(u64 cpu_mask, vaddr_t start, size_t len)
{
	struct tlb_range r = {start, len}; /* on this stack until every CPU has answered */

	if (len)
		ipi_request_run(&tlb_req, cpu_mask, tlb_flush_local, &r);
}

static void tlb_irq(struct trap_frame *f)
{
	(void)f;
	ipi_request_irq(&tlb_req);
}

/* ---- reschedule, stop ---- */

void x86_send_ipi(u32 cpu, u8 vector)
{
	if (cpu >= MAX_CPUS || !cpus[cpu].online || cpu == this_cpu()->id || !lapic_present())
		return;
	lapic_send_ipi(cpus[cpu].apic_id, ICR_FIXED | vector);
}

void arch_send_reschedule(u32 cpu)
{
	x86_send_ipi(cpu, VEC_IPI_RESCHED);
}

static void resched_irq(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	(void)f;
	c->ipi_count++;
	this_percpu()->resched_ipis++;
	lapic_eoi();
	c->need_resched = true; /* x86_irq_exit() acts on it */
}

void x86_stop_other_cpus(void)
{
	u32 self;

	if (!lapic_present())
		return;
	self = this_cpu()->id;
	/* CPUs spinning with interrupts off (IPI waits, spinlocks) see this instead. */
	stopper = self + 1;
	for (u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpu != self && cpus[cpu].online)
			lapic_send_ipi(cpus[cpu].apic_id, ICR_FIXED | VEC_IPI_STOP);
	}
}

/* ---- deferred work ---- */

static bool work_ready; /* the handler is registered */

bool arch_irq_work_raise(void)
{
	if (!__atomic_load_n(&work_ready, __ATOMIC_ACQUIRE) || !lapic_present())
		return false;
	lapic_send_self_ipi(VEC_IPI_WORK);
	return true;
}

/* Interrupts were on where this CPU was, so it holds no interrupt-safe lock. */
static void work_irq(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	klog_irq_work();
}

static void stop_irq(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	stop_this_cpu();
}

void x86_ipi_init(void)
{
	x86_irq_register(VEC_IPI_RESCHED, resched_irq);
	x86_irq_register(VEC_IPI_CALL, call_irq);
	x86_irq_register(VEC_IPI_TLB, tlb_irq);
	x86_irq_register(VEC_IPI_STOP, stop_irq);
	x86_irq_register(VEC_IPI_WORK, work_irq);
	__atomic_store_n(&work_ready, true, __ATOMIC_RELEASE);
}
