/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spinlock.c - ticket spinlocks and, in debug builds, lock-order checking.
 *
 * A ticket lock is two 16-bit counters: `next` hands out tickets (an atomic
 * fetch-and-add), `owner` says which ticket is being served. A CPU spins
 * until owner equals its ticket, so waiters get the lock in the order they
 * arrived (FIFO: no starvation under contention). Only the holder writes
 * owner, so unlocking is a plain release store of owner + 1. Holding a
 * spinlock disables preemption; the _irqsave variants also disable
 * interrupts, for data that interrupt handlers touch too.
 *
 * Memory ordering: the acquire load that sees owner == ticket pairs with the
 * release store of the previous holder's unlock, so everything the previous
 * holder wrote in its critical section is visible to the next. The ticket
 * fetch-add itself needs no ordering.
 *
 * Lock-order checking (CONFIG_LOCK_DEBUG): each CPU keeps a small stack of
 * the ranked locks (rank != LOCK_RANK_NONE) it holds. Taking a lock whose
 * rank is not above every held rank is a violation, with one exception: the
 * scheduler core locks two run queues at once to migrate a thread, so
 * several LOCK_RANK_RQ locks may be held if each is taken at a higher
 * address than every run-queue lock already held (run queues sit in one
 * array, so this is also increasing CPU id). A violation is counted every
 * time (lock_order_violations()), reported once per pair of locks with both
 * names and the caller, and otherwise ignored: the lock is still taken.
 * Interrupt handlers use the same per-CPU stack, since an interrupt taking
 * a lower-ranked lock on top of a thread's lock is a real inversion. Trylock
 * never waits, so it is not checked, but what it takes is recorded. Debug
 * builds also remember which CPU holds each lock, to catch a CPU taking a
 * lock it already holds (a certain deadlock: reported, then panic) and
 * unlocking one it does not hold (reported and ignored).
 */
#include "arch.h"
#include "config.h"
#include "cpu.h"
#include "klog.h"
#include "ksyms.h"
#include "panic.h"
#include "sync.h"

#define SPIN_NO_CPU 0xffff
#define LOCKDEP_DEPTH 8
#define LOCKDEP_PAIRS 64

/*
 * Per-CPU lock-order state. Only its own CPU touches it, with interrupts
 * off, so an interrupt handler's push and pop never interleave with the
 * thread's.
 */
struct lockdep_cpu {
	struct spinlock *held[LOCKDEP_DEPTH]; /* ranked locks held, in order taken */
	u32 depth;			      /* entries used in held[] */
	u32 overflow;	/* ranked locks held beyond LOCKDEP_DEPTH (not checked) */
	bool reporting; /* printing a report: locks taken by klog are not checked */
};

static struct lockdep_cpu lockdep_cpus[MAX_CPUS];
static u64 violations;

/* Pairs (held, taken) already reported; protected by pairs_lock, a bare flag. */
static struct {
	const struct spinlock *held, *taken;
} reported[LOCKDEP_PAIRS];
static u32 nr_reported;
static u32 pairs_lock;

static const char *lock_name(const struct spinlock *l)
{
	return l->name ? l->name : "(unnamed)";
}

u64 lock_order_violations(void)
{
	return __atomic_load_n(&violations, __ATOMIC_RELAXED);
}

/* Record the pair; true if it had not been reported before (or the table is full). */
static bool first_report(const struct spinlock *held, const struct spinlock *taken)
{
	unsigned long flags = arch_irq_save();
	bool first = true;

	while (__atomic_exchange_n(&pairs_lock, 1, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	for (u32 i = 0; i < nr_reported && first; i++)
		if (reported[i].held == held && reported[i].taken == taken)
			first = false;
	if (first && nr_reported < LOCKDEP_PAIRS) {
		reported[nr_reported].held = held;
		reported[nr_reported].taken = taken;
		nr_reported++;
	}
	__atomic_store_n(&pairs_lock, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
	return first;
}

/* Is taking l, while holding h, in order? */
static bool rank_ok(const struct spinlock *h, const struct spinlock *l)
{
	if (l->rank > h->rank)
		return true;
	return l->rank == LOCK_RANK_RQ && h->rank == LOCK_RANK_RQ && l > h;
}

static void report_violation(struct lockdep_cpu *ld, struct spinlock *h, struct spinlock *l,
			     uintptr_t ip)
{
	char where[96];

	__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
	if (!first_report(h, l))
		return;
	ksym_format(ip, where, sizeof(where));
	ld->reporting = true;
	pr_err("lock order: taking \"%s\" (rank %u) while holding \"%s\" (rank %u) at %s",
	       lock_name(l), l->rank, lock_name(h), h->rank, where);
	ld->reporting = false;
}

/* Before waiting for l: is it in order with every ranked lock this CPU holds? */
static void lockdep_check(struct spinlock *l, uintptr_t ip)
{
	unsigned long flags = arch_irq_save();
	struct lockdep_cpu *ld = &lockdep_cpus[this_cpu()->id];
	struct spinlock *worst = NULL;

	if (l->rank == LOCK_RANK_NONE || ld->reporting)
		goto out;
	for (u32 i = 0; i < ld->depth; i++) {
		struct spinlock *h = ld->held[i];

		if (!rank_ok(h, l) && (!worst || h->rank >= worst->rank))
			worst = h;
	}
	if (worst)
		report_violation(ld, worst, l, ip);
out:
	arch_irq_restore(flags);
}

static void lockdep_push(struct spinlock *l)
{
	unsigned long flags;
	struct lockdep_cpu *ld;

	if (l->rank == LOCK_RANK_NONE)
		return;
	flags = arch_irq_save();
	ld = &lockdep_cpus[this_cpu()->id];
	if (ld->depth < LOCKDEP_DEPTH)
		ld->held[ld->depth++] = l;
	else
		ld->overflow++;
	arch_irq_restore(flags);
}

/* Forget l; locks may be released in any order, so search from the top. */
static void lockdep_pop(struct spinlock *l)
{
	unsigned long flags;
	struct lockdep_cpu *ld;
	u32 i;

	if (l->rank == LOCK_RANK_NONE)
		return;
	flags = arch_irq_save();
	ld = &lockdep_cpus[this_cpu()->id];
	for (i = ld->depth; i > 0 && ld->held[i - 1] != l; i--)
		;
	if (i > 0) {
		for (; i < ld->depth; i++)
			ld->held[i - 1] = ld->held[i];
		ld->depth--;
	} else if (ld->overflow) {
		ld->overflow--;
	}
	arch_irq_restore(flags);
}

/*
 * holder_cpu is 1 + the holding CPU's id, so that both a zeroed lock and
 * SPINLOCK_INIT's SPIN_NO_CPU mean "nobody". Only the holder stores its own
 * id, so a CPU that reads its own id back holds the lock.
 */
static bool held_by(const struct spinlock *l, u32 cpu)
{
	return __atomic_load_n(&l->holder_cpu, __ATOMIC_RELAXED) == cpu + 1;
}

static void set_holder(struct spinlock *l, u16 value)
{
	__atomic_store_n(&l->holder_cpu, value, __ATOMIC_RELAXED);
}

/* Debug checks before waiting for l (preemption already off). */
static void debug_before_lock(struct spinlock *l, uintptr_t ip)
{
	u32 me = this_cpu()->id;
	char where[96];

	if (held_by(l, me)) {
		ksym_format(ip, where, sizeof(where));
		pr_err("spinlock \"%s\" taken again by CPU %u, which holds it, at %s", lock_name(l),
		       me, where);
		panic("recursive spin_lock of \"%s\" would deadlock", lock_name(l));
	}
	lockdep_check(l, ip);
}

static void debug_after_lock(struct spinlock *l)
{
	set_holder(l, (u16)(this_cpu()->id + 1));
	lockdep_push(l);
}

/* Debug check before releasing l: false (after a report) if this CPU does not hold it. */
static bool debug_before_unlock(struct spinlock *l, uintptr_t ip)
{
	char where[96];

	if (!held_by(l, this_cpu()->id)) {
		ksym_format(ip, where, sizeof(where));
		pr_err("spinlock \"%s\" released by CPU %u, which does not hold it, at %s; ignored",
		       lock_name(l), this_cpu()->id, where);
		return false;
	}
	lockdep_pop(l);
	set_holder(l, SPIN_NO_CPU);
	return true;
}

void spin_init(struct spinlock *l, const char *name, u16 rank)
{
	l->owner = 0;
	l->next = 0;
	l->rank = rank;
	l->holder_cpu = SPIN_NO_CPU;
	l->name = name;
}

/* Take l; preemption is already off. */
static void acquire(struct spinlock *l, uintptr_t ip)
{
	u16 ticket;

	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		debug_before_lock(l, ip);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		debug_after_lock(l);
}

/* Release l (held by the caller); false if a debug check refused. */
static bool release(struct spinlock *l, uintptr_t ip)
{
	u16 owner;

	if (IS_ENABLED(CONFIG_LOCK_DEBUG) && !debug_before_unlock(l, ip))
		return false;
	owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, (u16)(owner + 1), __ATOMIC_RELEASE);
	return true;
}

void spin_lock(struct spinlock *l)
{
	preempt_disable();
	acquire(l, (uintptr_t)__builtin_return_address(0));
}

void spin_unlock(struct spinlock *l)
{
	if (release(l, (uintptr_t)__builtin_return_address(0)))
		preempt_enable();
}

/* sync.h's inline lock: the wait for a ticket not served at once (cold, out of line). */
__attribute__((noinline, cold)) void spin_wait_ticket(struct spinlock *l, u16 ticket)
{
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
}

/*
 * Take a ticket only if it would be served at once: when owner == next, move
 * next from that value to the one after. owner never passes next, so if next
 * still holds the value read from owner, owner does too and the ticket is ours.
 * The acquire load of owner pairs with the last unlock, as in acquire().
 */
bool spin_trylock(struct spinlock *l)
{
	u16 cur;

	preempt_disable();
	cur = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&l->next, __ATOMIC_RELAXED) == cur &&
	    __atomic_compare_exchange_n(&l->next, &cur, (u16)(cur + 1), false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		if (IS_ENABLED(CONFIG_LOCK_DEBUG))
			debug_after_lock(l);
		return true;
	}
	preempt_enable();
	return false;
}

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	preempt_disable();
	acquire(l, (uintptr_t)__builtin_return_address(0));
	return flags;
}

/* Interrupts come back before preemption, so a pending reschedule can happen here. */
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	bool released = release(l, (uintptr_t)__builtin_return_address(0));

	arch_irq_restore(flags);
	if (released)
		preempt_enable();
}

bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}
