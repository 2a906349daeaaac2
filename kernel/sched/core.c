/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core.c - the scheduler core: per-CPU run queues, the class list, the
 * schedule() decision, wake-ups, blocking, preemption and the slice timer.
 *
 * The core knows no class by name. Classes register with SCHED_CLASS();
 * sched_init() sorts them by priority, and every decision asks them in that
 * order: the first class with a runnable thread supplies the next thread.
 * The lowest class is the idle class, which always returns the CPU's idle
 * thread.
 *
 * Locking: rq->lock (rank LOCK_RANK_RQ) protects a run queue and the
 * scheduling state of the threads on it (state, on_rq, class data). It is
 * always taken with interrupts off. schedule() holds it across the stack
 * switch; the thread that runs next releases it (finish_switch), so a
 * thread's first instructions (thread_start) release it too. Two run queues
 * are locked in address order (migration).
 *
 * Lost wake-ups: a thread that wants to sleep sets its own state to
 * THREAD_BLOCKED, then calls sched_block(). sched_wake() takes the thread's
 * run-queue lock: if the thread is still the running thread of its CPU
 * (it has not switched away yet) it only resets the state to RUNNABLE and
 * schedule() puts it straight back; otherwise it queues it. Both decisions
 * are made under the same lock, so no wake-up is lost.
 *
 * Tickless: an idle CPU has no scheduler timer. A busy CPU arms its one
 * timer (slice_timers[]) for the end of the running thread's slice while
 * another thread waits and the class has a slice (slice_ns() > 0), and, with
 * more than one CPU online, for its next periodic balance (every
 * BALANCE_INTERVAL_NS). The timer is re-armed only when it would fire too
 * late: an early expiry just finds nothing due and arms the rest, which costs
 * far less than reprogramming the timer at every switch.
 *
 * Load balancing: an idle CPU pulls one waiting thread from the busiest run
 * queue (sched_idle_pull, from its idle loop, after a kick_idle_cpu IPI); a
 * busy CPU, on its balance tick, pulls half the difference from the busiest
 * run queue when that has at least two runnable threads more than it
 * (balance_tick). Only queued threads move (never a running one), only to a
 * CPU their affinity allows, with dequeue(DEQ_MIGRATE)/enqueue(ENQ_MIGRATE).
 */
#include "arch.h"
#include "config.h"
#include "cpu.h"
#include "fair_switch.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "sched_internal.h"
#include "timer.h"
#include "vm.h"

extern const struct sched_class *const __start_sched_classes[];
extern const struct sched_class *const __stop_sched_classes[];

#define BALANCE_INTERVAL_NS 4000000ULL /* periodic balancing on a busy CPU */

static const struct sched_class *classes[SCHED_MAX_CLASSES];
static u32 nr_classes;
/* rq->class_queued bits of the classes above fair (the IPC switch's test); set at boot. */
static u32 above_fair_mask;
struct runqueue sched_runqueues[MAX_CPUS];
static struct timer slice_timers[MAX_CPUS];

const struct sched_class *const *sched_classes(u32 *count)
{
	*count = nr_classes;
	return classes;
}

struct runqueue *this_rq(void)
{
	return this_cpu()->rq;
}

const struct sched_class *sched_class_for(u32 policy)
{
	for (u32 i = 0; i < nr_classes; i++)
		if (classes[i]->owns_policy && classes[i]->owns_policy(policy))
			return classes[i];
	return NULL;
}

const struct sched_class *sched_idle_class(void)
{
	return classes[nr_classes - 1];
}

/*
 * The run-queue lock on the scheduler's hot paths (switch, yield, wake-up),
 * always taken with interrupts off: sync.h's inline ticket lock.
 */
static inline void rq_lock(struct cpu *c, struct runqueue *rq)
{
	spin_lock_irqoff(c, &rq->lock);
}

/* Release rq->lock; interrupts are off (the caller checks for preemption later). */
static inline void rq_unlock(struct cpu *c, struct runqueue *rq)
{
	spin_unlock_irqoff(c, &rq->lock);
}

/* Register the classes found in the image, highest priority first. */
static void register_classes(void)
{
	for (const struct sched_class *const *p = __start_sched_classes; p < __stop_sched_classes;
	     p++) {
		u32 i = nr_classes++;

		BUG_ON(nr_classes > SCHED_MAX_CLASSES);
		while (i > 0 && classes[i - 1]->priority < (*p)->priority) {
			classes[i] = classes[i - 1];
			i--;
		}
		classes[i] = *p;
	}
	BUG_ON(nr_classes == 0);
	for (u32 i = 0; i < nr_classes; i++)
		((struct sched_class *)classes[i])->id = i;
	above_fair_mask = (1u << fair_sched_class.id) - 1;
}

static void slice_timer_fn(struct timer *tm)
{
	(void)tm;
	sched_timer_tick();
}

/* Set up this CPU's run queue with idle as its idle thread. */
void rq_init(u32 cpu, struct thread *idle)
{
	struct runqueue *rq = &sched_runqueues[cpu];

	spin_init(&rq->lock, "runqueue", LOCK_RANK_RQ);
	list_init(&rq->threads);
	rq->cpu = cpu;
	rq->idle = idle;
	rq->curr = idle;
	cpus[cpu].rq = rq;
	for (u32 i = 0; i < nr_classes; i++) {
		void *data = NULL;

		if (classes[i]->rq_size) {
			data = kzalloc(classes[i]->rq_size);
			BUG_ON(!data);
		}
		rq->class_data[i] = data;
		if (classes[i]->init_rq)
			classes[i]->init_rq(rq, data);
	}
	timer_init(&slice_timers[cpu], slice_timer_fn, rq);
	timer_init_cpu(cpu);
}

void sched_core_init(void)
{
	register_classes();
}

/*
 * Make this CPU's timer fire by the time rq needs it: the end of curr's slice
 * if another thread waits, and on a busy CPU of an SMP system the next
 * periodic balance. A timer already due earlier is left alone (it will find
 * nothing to do and arm the rest), and one no longer needed is only stopped
 * when the CPU goes idle, so that idle CPUs sleep. Returns the deadline
 * wanted (0 = none). Caller holds rq->lock; rq->clock_ns is fresh; with
 * arm false (rq of another CPU) nothing is armed.
 */
static inline u64 slice_timer_busy_locked(struct runqueue *rq, struct thread *curr, bool arm);

static inline u64 update_slice_timer_locked(struct runqueue *rq, bool arm)
{
	struct thread *curr = rq->curr;

	if (curr == rq->idle) {
		struct timer *tm = &slice_timers[rq->cpu];

		if (arm && tm->heap_index != TIMER_IDLE)
			timer_cancel(tm);
		return 0;
	}
	return slice_timer_busy_locked(rq, curr, arm);
}

/* update_slice_timer_locked() when curr, rq's running thread, is not the idle thread. */
static inline u64 slice_timer_busy_locked(struct runqueue *rq, struct thread *curr, bool arm)
{
	u64 when = 0;

	if (rq->nr_running > 1 && curr->class->slice_ns) {
		u64 slice = curr->class->slice_ns(rq, curr);

		if (slice)
			when = rq->clock_ns + slice;
	}
	if (nr_cpus > 1) {
		u64 balance = MAX(rq->next_balance_ns, 1); /* overdue: at once */

		if (!when || balance < when)
			when = balance;
	}
	/* timer_pending() and the deadline, read inline: only this CPU arms it */
	if (arm && when) {
		struct timer *tm = &slice_timers[rq->cpu];

		if (tm->heap_index == TIMER_IDLE || tm->deadline_ns > when)
			timer_arm(tm, when);
	}
	return when;
}

static inline bool class_above(const struct sched_class *a, const struct sched_class *b)
{
	return a->priority > b->priority;
}

/* t became runnable on rq: should it preempt rq->curr? Caller holds rq->lock. */
static bool should_preempt_locked(struct runqueue *rq, struct thread *t)
{
	struct thread *curr = rq->curr;

	if (curr == rq->idle || class_above(t->class, curr->class))
		return true;
	if (t->class == curr->class && t->class->check_preempt)
		return t->class->check_preempt(rq, curr, t);
	return false;
}

/*
 * rq has work waiting: wake one idle CPU (reschedule IPI) so that its idle
 * loop can pull a thread over (sched_idle_pull). Caller holds rq->lock.
 */
void kick_idle_cpu(struct runqueue *rq)
{
	for (u32 c = 0; c < nr_cpus; c++) {
		struct runqueue *other = &sched_runqueues[c];

		if (other != rq && other->nr_running == 0 && other->curr == other->idle &&
		    c != this_cpu()->id) {
			arch_send_reschedule(c);
			return;
		}
	}
}

/* Lock two run queues: lower address first (the rule for every pair). */
static void lock_two_rqs(struct runqueue *a, struct runqueue *b)
{
	if (a > b) {
		struct runqueue *x = a;

		a = b;
		b = x;
	}
	spin_lock(&a->lock);
	spin_lock(&b->lock);
}

static void unlock_two_rqs(struct runqueue *a, struct runqueue *b)
{
	spin_unlock(&a->lock);
	spin_unlock(&b->lock);
}

/*
 * Move up to count queued threads that may run on dst's CPU from src to dst,
 * oldest first; returns how many moved. The running thread (not on_rq) is
 * never moved. Both run queues locked.
 */
static u32 move_queued_locked(struct runqueue *src, struct runqueue *dst, u32 count)
{
	u64 bit = 1ull << dst->cpu;
	struct list_head *pos, *tmp;
	u32 moved = 0;

	src->clock_ns = clock_ns();
	list_for_each_safe (pos, tmp, &src->threads) {
		struct thread *t = list_entry(pos, struct thread, rq_link);

		if (moved == count)
			break;
		if (!t->on_rq || !(t->affinity & bit))
			continue;
		dequeue_locked(src, t, DEQ_MIGRATE);
		enqueue_locked(dst, t, ENQ_MIGRATE);
		moved++;
	}
	return moved;
}

/*
 * The run queue other than me with the most runnable threads, if it has more
 * than `than`. Unlocked reads: the caller re-checks under the locks.
 */
static struct runqueue *find_busiest(struct runqueue *me, u32 than)
{
	struct runqueue *busiest = NULL;
	u32 most = than;

	for (u32 c = 0; c < nr_cpus; c++) {
		u32 n = __atomic_load_n(&sched_runqueues[c].nr_running, __ATOMIC_RELAXED);

		if (n > most && &sched_runqueues[c] != me) {
			most = n;
			busiest = &sched_runqueues[c];
		}
	}
	return busiest;
}

/*
 * Called by an idle CPU: take one queued thread that may run here from the
 * busiest other run queue. Returns true if one was moved. Interrupts off.
 */
bool sched_idle_pull(void)
{
	struct runqueue *me = this_rq(), *busiest = find_busiest(me, 1);
	u32 moved;

	if (!busiest)
		return false;
	lock_two_rqs(me, busiest);
	moved = move_queued_locked(busiest, me, 1);
	me->nr_pulled += moved;
	unlock_two_rqs(me, busiest);
	return moved != 0;
}

/*
 * Periodic balancing, from the balance tick of a busy CPU (interrupts off, no
 * run-queue lock held): if the busiest other run queue has at least two
 * runnable threads more than this one, take half the difference, so that
 * neither ends up with more than the other had. Threads pinned elsewhere stay.
 */
static void balance_tick(void)
{
	struct runqueue *me = this_rq(), *busiest;
	u32 mine = __atomic_load_n(&me->nr_running, __ATOMIC_RELAXED);

	busiest = find_busiest(me, mine + 1);
	if (!busiest)
		return;
	lock_two_rqs(me, busiest);
	if (busiest->nr_running >= me->nr_running + 2)
		me->nr_balanced +=
			move_queued_locked(busiest, me, (busiest->nr_running - me->nr_running) / 2);
	unlock_two_rqs(me, busiest);
}

/* Put runnable t in rq's queue (it is not running). Caller holds rq->lock. */
void enqueue_locked(struct runqueue *rq, struct thread *t, int flags)
{
	bool preempt;

	rq->clock_ns = clock_ns(); /* classes place the thread against the current time */
	t->cpu = rq->cpu;
	t->class->enqueue(rq, t, flags);
	t->on_rq = true;
	rq->class_queued |= 1u << t->class->id;
	list_add_tail(&t->rq_link, &rq->threads);
	rq->nr_running++;
	if (rq->nr_running >= 2 && nr_cpus > 1)
		kick_idle_cpu(rq);
	preempt = should_preempt_locked(rq, t);
	if (rq->cpu != this_cpu()->id) {
		/* Timers fire where they are armed: that CPU arms its own. */
		if (preempt || update_slice_timer_locked(rq, false))
			arch_send_reschedule(rq->cpu);
	} else if (preempt) {
		/* schedule() follows at the next preemption point and sets the timer up */
		this_cpu()->need_resched = true;
	} else {
		update_slice_timer_locked(rq, true);
	}
}

void dequeue_locked(struct runqueue *rq, struct thread *t, int flags)
{
	t->class->dequeue(rq, t, flags);
	t->on_rq = false;
	list_del(&t->rq_link);
	rq->nr_running--;
}

/* Lock the run queue t currently belongs to (it may move while we wait). */
static inline struct runqueue *lock_thread_rq_inline(struct cpu *c, struct thread *t)
{
	for (;;) {
		u32 cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
		struct runqueue *rq = &sched_runqueues[cpu];

		rq_lock(c, rq);
		if (t->cpu == cpu)
			return rq;
		rq_unlock(c, rq);
	}
}

struct runqueue *lock_thread_rq(struct thread *t)
{
	return lock_thread_rq_inline(this_cpu(), t);
}

/* A reschedule was asked for while it could not happen: do it now if it may. */
static inline void preempt_check_resched(void)
{
	struct cpu *c = this_cpu();

	if (unlikely(c->need_resched) && c->preempt_count == 0 && arch_irqs_enabled() && c->current)
		schedule();
}

/*
 * t runs on rq's CPU and a signal is pending for it: make that CPU's way back
 * to user mode look (sig_work), interrupting it if it is another CPU. Under
 * t's rq lock, so either this sees t running or its switch-in (which copies
 * sig_work from sig_pending) sees the signal.
 */
static void notify_signal_locked(struct runqueue *rq, struct thread *t)
{
	if (rq->curr != t || !thread_sig_work(t))
		return;
	__atomic_store_n(&cpus[rq->cpu].sig_work, true, __ATOMIC_RELAXED);
	if (rq->cpu != this_cpu()->id)
		arch_send_reschedule(rq->cpu); /* out of user mode, through the exit path */
}

void sched_wake(struct thread *t)
{
	unsigned long irq = arch_irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = lock_thread_rq_inline(c, t);

	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		/* Still on its CPU, not yet switched away: schedule() will keep it. */
		if (rq->curr != t) {
			rq = select_rq_locked(rq, t);
			enqueue_locked(rq, t, ENQ_WAKEUP);
		}
	} else {
		notify_signal_locked(rq, t); /* waking a running thread: a signal, maybe */
	}
	rq_unlock(c, rq);
	arch_irq_restore(irq);
	/* The woken thread may preempt the waker: from thread context, at once. */
	preempt_check_resched();
}

void sched_preempt_check(void)
{
	preempt_check_resched();
}

void sched_notify_signal(struct thread *t)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = lock_thread_rq(t);

	notify_signal_locked(rq, t);
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
}

/* What finish_switch() found to do once the previous thread is off its stack. */
static void finish_switch_slow(struct thread *dead, struct thread *push)
{
	if (dead && dead->detached)
		thread_free(dead);
	else if (dead)
		complete_all(&dead->exited);
	if (push)
		sched_wake(push); /* its context is saved now: another CPU may take it */
}

/* Second half of every switch, run by the thread that now owns the CPU. */
static inline void finish_switch(struct cpu *c, struct runqueue *rq)
{
	struct thread *dead = rq->dead, *push = rq->push;

	if (unlikely(dead || push)) {
		rq->dead = NULL;
		rq->push = NULL;
		rq_unlock(c, rq);
		finish_switch_slow(dead, push);
		return;
	}
	rq_unlock(c, rq);
}

/* prev stops running and leaves this CPU: it blocks, exits or may not stay. */
static void put_prev_leaving(struct runqueue *rq, struct thread *prev)
{
	prev->class->put_prev(rq, prev);
	prev->class->dequeue(rq, prev, DEQ_SLEEP);
	list_del(&prev->rq_link);
	rq->nr_running--;
	if (prev->state == THREAD_DEAD) {
		rq->dead = prev;
	} else if (prev->state == THREAD_RUNNABLE) {
		prev->state = THREAD_BLOCKED;
		rq->push = prev; /* re-woken elsewhere once off this CPU */
	}
}

/*
 * Does a class above c have threads queued on rq? rq->class_queued has the
 * bit of every class that may have some (set at each enqueue); a class found
 * empty here loses its bit, so this is one test while no higher class is used.
 */
static inline bool higher_class_queued(struct runqueue *rq, const struct sched_class *c)
{
	u32 above = rq->class_queued & ((1u << c->id) - 1);

	while (unlikely(above)) {
		u32 i = (u32)__builtin_ctz(above);

		if (!classes[i]->nr_queued || classes[i]->nr_queued(rq))
			return true;
		rq->class_queued &= ~(1u << i);
		above &= above - 1;
	}
	return false;
}

/*
 * The scheduling decision and the switch: rq is c's, locked, with interrupts
 * off and rq->clock_ns fresh. Returns (in the caller's thread, maybe on
 * another CPU, maybe much later) with the lock released. Inlined into its
 * two callers: this is the path every switch takes.
 */
static inline __attribute__((always_inline)) void schedule_locked(struct cpu *c,
								  struct runqueue *rq)
{
	struct thread *prev = rq->curr, *next = NULL;

	c->need_resched = false;
	if (prev != rq->idle) {
		if (likely(prev->state == THREAD_RUNNABLE &&
			   (prev->affinity & (1ull << rq->cpu)))) {
			/* stays: back into its class (rq->threads lists it either way) */
			prev->on_rq = true;
			rq->class_queued |= 1u << prev->class->id;
			if (prev->class->pick_next_after && !higher_class_queued(rq, prev->class))
				next = prev->class->pick_next_after(rq, prev);
			else
				prev->class->put_prev(rq, prev);
		} else {
			put_prev_leaving(rq, prev);
		}
	}
	for (const struct sched_class *const *cl = classes; !next; cl++)
		next = (*cl)->pick_next(rq); /* the idle class, last, always has one */
	next->on_rq = false;
	next->exec_start_ns = rq->clock_ns;
	if (next->class->set_curr)
		next->class->set_curr(rq, next);
	rq->curr = next;
	c->current = next;
	c->sig_work = thread_sig_work(next);
	if (unlikely(prev == rq->idle) && next != prev)
		rq->next_balance_ns = rq->clock_ns + BALANCE_INTERVAL_NS; /* busy again */
	update_slice_timer_locked(rq, true);
	if (likely(next != prev)) {
		rq->nr_switches++;
		next->nr_switches++;
		if (next->proc || prev->proc || next->kvm || prev->kvm)
			sched_switch_mm(prev,
					next); /* kernel threads in the kernel's table: none */
		arch_context_switch(prev, next);
		/* prev runs again here, maybe on another CPU */
		c = this_cpu();
		rq = c->rq;
	}
	finish_switch(c, rq);
}

void schedule(void)
{
	unsigned long irq = arch_irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;

	rq_lock(c, rq);
	rq->clock_ns = arch_clock_ns();
	schedule_locked(c, rq);
	arch_irq_restore(irq);
}

/* The first thing a new thread does (its rq lock was held by schedule()). */
void sched_thread_first_run(void)
{
	struct cpu *c = this_cpu();

	finish_switch(c, c->rq);
	arch_irq_enable();
}

void sched_block(void)
{
	schedule();
}

/* The class moves curr behind its peers, then one decision under the same lock. */
void sched_yield(void)
{
	unsigned long irq = arch_irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct thread *curr;

	rq_lock(c, rq);
	rq->clock_ns = arch_clock_ns();
	curr = rq->curr;
	if (curr != rq->idle && curr->class->yield)
		curr->class->yield(rq, curr);
	schedule_locked(c, rq);
	arch_irq_restore(irq);
}

/* The slice timer of this CPU fired (interrupt context): slice end, balance tick. */
void sched_timer_tick(void)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = this_rq();
	struct thread *curr;
	bool balance = false;

	spin_lock(&rq->lock);
	curr = rq->curr;
	rq->clock_ns = clock_ns();
	if (curr != rq->idle) {
		if (curr->class->tick && curr->class->tick(rq, curr))
			this_cpu()->need_resched = true;
		if (nr_cpus > 1 && rq->clock_ns >= rq->next_balance_ns) {
			balance = true;
			rq->next_balance_ns = rq->clock_ns + BALANCE_INTERVAL_NS;
		}
	}
	update_slice_timer_locked(rq, true);
	spin_unlock(&rq->lock);
	if (balance)
		balance_tick();
	arch_irq_restore(irq);
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	__asm__ volatile("" : : : "memory");
}

void preempt_enable(void)
{
	struct cpu *c = this_cpu();

	__asm__ volatile("" : : : "memory");
	if (--c->preempt_count == 0 && c->need_resched && arch_irqs_enabled() && c->current != NULL)
		schedule();
}

/* Interrupt return: switch away if a wake-up or the slice timer asked for it. */
void sched_preempt_irq(bool interrupted_irqs_on)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->preempt_count == 0 && interrupted_irqs_on && c->current)
		schedule();
}

/*
 * The rare half of sched_ipc_switch's end: a timer to arm, or a switch
 * other than between two processes' spaces. Out of line so that the common
 * path calls nothing but the context switch.
 */
static __attribute__((noinline, cold, noreturn)) void
ipc_switch_slow(struct runqueue *rq, struct thread *prev, struct thread *next, long (*cont)(void))
{
	slice_timer_busy_locked(rq, next, true);
	sched_switch_mm(prev, next);
	arch_context_switch_cont(prev, next, cont);
}

/*
 * Would slice_timer_busy_locked(rq, curr, true) arm nothing? Only next
 * runs (no slice to end), and on SMP the timer is already due by the next
 * balance.
 */
static inline bool ipc_timer_set(struct runqueue *rq)
{
	const struct timer *tm;

	if (rq->nr_running > 1)
		return false;
	if (nr_cpus == 1)
		return true;
	tm = &slice_timers[rq->cpu];
	return tm->heap_index != TIMER_IDLE && tm->deadline_ns <= MAX(rq->next_balance_ns, 1);
}

/*
 * sched_ipc_switch() once rq->lock is held. Refuses (rather than look
 * further) when a class above fair may have work queued: the caller then
 * takes the ordinary way, which looks. The common path calls nothing but
 * the context switch, which does not return.
 */
static inline __attribute__((always_inline)) bool ipc_switch_locked(struct cpu *c,
								    struct runqueue *rq,
								    struct thread *next, u32 *pin,
								    long (*cont)(void))
{
	struct thread *prev = rq->curr;
	struct vm_space *pvm, *nvm;

	if (unlikely(next->state != THREAD_BLOCKED || next->cpu != rq->cpu ||
		     !(next->affinity & (1ull << rq->cpu)) || prev->state != THREAD_BLOCKED ||
		     prev->class != &fair_sched_class || next->class != &fair_sched_class ||
		     (rq->class_queued & above_fair_mask)))
		goto refuse;
	rq->clock_ns = arch_clock_ns();
	if (unlikely(!fair_switch_direct(rq, prev, next)))
		goto refuse;
	__atomic_store_n(pin, 0, __ATOMIC_RELEASE);
	/* next takes prev's place in rq->threads */
	next->rq_link.next = prev->rq_link.next;
	next->rq_link.prev = prev->rq_link.prev;
	next->rq_link.next->prev = &next->rq_link;
	next->rq_link.prev->next = &next->rq_link;
	list_init(&prev->rq_link);
	next->state = THREAD_RUNNABLE;
	next->on_rq = false;
	rq->curr = next;
	c->current = next;
	c->sig_work = thread_sig_work(next);
	rq->nr_switches++;
	next->nr_switches++;
	/*
	 * The usual case: no timer to arm, two processes' spaces
	 * (sched_switch_mm). prev, the calling user thread, has a process;
	 * next may be a kernel thread.
	 */
	pvm = prev->proc->vm;
	if (unlikely(!next->proc))
		ipc_switch_slow(rq, prev, next, cont);
	nvm = next->proc->vm;
	if (unlikely(!nvm || pvm == nvm || !ipc_timer_set(rq)))
		ipc_switch_slow(rq, prev, next, cont);
	vm_space_activate_user(nvm, rq->cpu);
	arch_context_switch_cont(prev, next, cont);
refuse:
	rq_unlock(c, rq);
	return false;
}

/* sched_ipc_switch() when rq->lock was held by another CPU: wait for our ticket. */
static __attribute__((noinline, cold)) bool ipc_switch_contended(struct cpu *c, struct runqueue *rq,
								 struct thread *next, u32 *pin,
								 long (*cont)(void), u16 ticket)
{
	spin_wait_ticket(&rq->lock, ticket);
	return ipc_switch_locked(c, rq, next, pin, cont);
}

/*
 * sched_switch_to() for the IPC fast path (kernel/ipc/endpoint.c), which
 * has checked under ep->lock that next last ran on this CPU and calls with
 * interrupts off (they stay off). The caller is a user thread in a system
 * call, so it is rq->curr and never the idle thread, and neither thread can
 * be taken over from another CPU here: a partner elsewhere fails the
 * next->cpu test and the caller wakes it the ordinary way. next takes
 * prev's place in rq->threads (the order there means nothing). Only fair
 * threads switch here, with the fair class's one-step swap inline
 * (fair_switch.h), the clock and the page-table load inline too. The
 * caller leaves its kernel stack (arch_context_switch_cont): when it runs
 * again, cont() does, which calls sched_switch_finish() first. So on
 * success this does not return; false: refused, nothing changed.
 */
bool sched_ipc_switch(struct thread *next, u32 *pin, long (*cont)(void))
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	u16 ticket;

	/* rq_lock(), with the wait for a held lock a tail call */
	if (unlikely(!spin_take_ticket(c, &rq->lock, &ticket)))
		return ipc_switch_contended(c, rq, next, pin, cont, ticket);
	return ipc_switch_locked(c, rq, next, pin, cont);
}

void sched_switch_finish(void)
{
	struct cpu *c = this_cpu();

	finish_switch(c, c->rq);
}

/*
 * Direct hand-off for synchronous IPC (kernel/ipc/endpoint.c): the calling
 * thread has marked itself THREAD_BLOCKED and made itself findable by its
 * waker; next, blocked, gets this CPU at once without going through the
 * class's pick. Same bookkeeping as a block followed by a wake-up and a
 * pick that chose next: prev leaves the class (dequeue of the running
 * thread, DEQ_SLEEP), next is counted runnable here and set_curr places it.
 * A next that last ran on another CPU is taken over while blocked (both
 * run queues locked; its class rebases it as for a wake-up elsewhere), so
 * IPC partners end up sharing a CPU. Refused (false, nothing changed)
 * unless next is blocked, may run here, belongs to the same class as prev,
 * prev is still blocked (not woken meanwhile) and no higher class has work
 * queued; the caller then wakes next and blocks the ordinary way. The caller keeps next
 * allocated until the run-queue lock is held; *pin (if not NULL) is
 * cleared there, under that lock, to say the caller's hold on next ends
 * (a thread seen blocked under its run queue's lock cannot go away).
 */
bool sched_switch_to(struct thread *next, u32 *pin)
{
	unsigned long irq = arch_irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct thread *prev;
	u32 ocpu;

	rq_lock(c, rq);
	ocpu = __atomic_load_n(&next->cpu, __ATOMIC_RELAXED);
	if (ocpu != rq->cpu && ocpu < nr_cpus && (next->affinity & (1ull << rq->cpu))) {
		struct runqueue *orq = &sched_runqueues[ocpu];

		rq_unlock(c, rq);
		lock_two_rqs(rq, orq);
		if (next->cpu == ocpu && next->state == THREAD_BLOCKED && orq->curr != next)
			next->cpu = rq->cpu; /* off its old CPU for good: ours now */
		spin_unlock(&orq->lock);
	}
	prev = rq->curr;
	if (next->state != THREAD_BLOCKED || next->cpu != rq->cpu ||
	    !(next->affinity & (1ull << rq->cpu)) || prev->state != THREAD_BLOCKED ||
	    prev == rq->idle || next->class != prev->class ||
	    higher_class_queued(rq, prev->class)) {
		rq_unlock(c, rq);
		arch_irq_restore(irq);
		return false;
	}
	if (pin)
		__atomic_store_n(pin, 0, __ATOMIC_RELEASE);
	rq->clock_ns = arch_clock_ns();
	list_del(&prev->rq_link);
	next->state = THREAD_RUNNABLE;
	next->on_rq = false;
	list_add_tail(&next->rq_link, &rq->threads);
	if (!prev->class->switch_direct || !prev->class->switch_direct(rq, prev, next)) {
		prev->class->dequeue(rq, prev, DEQ_SLEEP);
		next->exec_start_ns = rq->clock_ns;
		if (next->class->set_curr)
			next->class->set_curr(rq, next);
	}
	rq->curr = next;
	c->current = next;
	c->sig_work = thread_sig_work(next);
	update_slice_timer_locked(rq, true);
	rq->nr_switches++;
	next->nr_switches++;
	sched_switch_mm(prev, next);
	arch_context_switch(prev, next);
	/* prev runs again here, maybe on another CPU */
	c = this_cpu();
	finish_switch(c, c->rq);
	arch_irq_restore(irq);
	return true;
}
