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
 * Tickless: the slice timer is armed only while another thread waits for the
 * CPU and the running thread's class has a slice (slice_ns() > 0).
 */
#include "arch.h"
#include "cpu.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "sched.h"
#include "sched_internal.h"
#include "timer.h"

extern const struct sched_class *const __start_sched_classes[];
extern const struct sched_class *const __stop_sched_classes[];

static const struct sched_class *classes[SCHED_MAX_CLASSES];
static u32 nr_classes;
static struct runqueue runqueues[MAX_CPUS];
static struct timer slice_timers[MAX_CPUS];

const struct sched_class *const *sched_classes(u32 *count)
{
	*count = nr_classes;
	return classes;
}

struct runqueue *cpu_rq(u32 cpu)
{
	return &runqueues[cpu];
}

struct runqueue *this_rq(void)
{
	return &runqueues[this_cpu()->id];
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
}

static void slice_timer_fn(struct timer *tm)
{
	(void)tm;
	sched_timer_tick();
}

/* Set up this CPU's run queue with idle as its idle thread. */
void rq_init(u32 cpu, struct thread *idle)
{
	struct runqueue *rq = &runqueues[cpu];

	spin_init(&rq->lock, "runqueue", LOCK_RANK_RQ);
	list_init(&rq->queued);
	rq->cpu = cpu;
	rq->idle = idle;
	rq->curr = idle;
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

/* Arm or stop the slice timer for rq->curr. Caller holds rq->lock. */
static void update_slice_timer_locked(struct runqueue *rq)
{
	struct thread *curr = rq->curr;
	u64 slice = 0;

	if (rq->nr_running > 1 && curr != rq->idle && curr->class->slice_ns)
		slice = curr->class->slice_ns(rq, curr);
	if (rq->cpu != this_cpu()->id) {
		/* Timers fire where they are armed: let that CPU arm its own. */
		if (slice)
			arch_send_reschedule(rq->cpu);
		return;
	}
	if (slice)
		timer_arm(&slice_timers[rq->cpu], rq->clock_ns + slice);
	else
		timer_cancel(&slice_timers[rq->cpu]);
}

static inline bool class_above(const struct sched_class *a, const struct sched_class *b)
{
	return a->priority > b->priority;
}

/* t became runnable on rq: should it preempt rq->curr? Caller holds rq->lock. */
static void check_preempt_locked(struct runqueue *rq, struct thread *t)
{
	struct thread *curr = rq->curr;
	bool preempt;

	if (curr == rq->idle)
		preempt = true;
	else if (class_above(t->class, curr->class))
		preempt = true;
	else if (t->class == curr->class && t->class->check_preempt)
		preempt = t->class->check_preempt(rq, curr, t);
	else
		preempt = false;
	if (!preempt)
		return;
	if (rq->cpu == this_cpu()->id)
		this_cpu()->need_resched = true;
	else
		arch_send_reschedule(rq->cpu);
}

/*
 * rq has work waiting: wake one idle CPU (reschedule IPI) so that its idle
 * loop can pull a thread over (sched_idle_pull). Caller holds rq->lock.
 */
void kick_idle_cpu(struct runqueue *rq)
{
	for (u32 c = 0; c < nr_cpus; c++) {
		struct runqueue *other = &runqueues[c];

		if (other != rq && other->nr_running == 0 && other->curr == other->idle &&
		    c != this_cpu()->id) {
			arch_send_reschedule(c);
			return;
		}
	}
}

/*
 * Called by an idle CPU: take one queued thread that may run here from the
 * busiest other run queue. Returns true if one was moved. Interrupts off.
 */
bool sched_idle_pull(void)
{
	struct runqueue *me = this_rq(), *busiest = NULL;
	struct thread *found = NULL;
	struct list_head *pos;
	u32 most = 1;

	for (u32 c = 0; c < nr_cpus; c++) {
		if (runqueues[c].nr_running > most && &runqueues[c] != me) {
			most = runqueues[c].nr_running;
			busiest = &runqueues[c];
		}
	}
	if (!busiest)
		return false;
	/* Two run queues: lower address first. */
	if (busiest < me) {
		spin_lock(&busiest->lock);
		spin_lock(&me->lock);
	} else {
		spin_lock(&me->lock);
		spin_lock(&busiest->lock);
	}
	list_for_each(pos, &busiest->queued)
	{
		struct thread *t = list_entry(pos, struct thread, rq_link);

		if (t->affinity & (1ull << me->cpu)) {
			found = t;
			break;
		}
	}
	if (found) {
		busiest->clock_ns = clock_ns();
		dequeue_locked(busiest, found, DEQ_MIGRATE);
		enqueue_locked(me, found, ENQ_MIGRATE);
		me->nr_pulled++;
	}
	spin_unlock(&busiest->lock);
	spin_unlock(&me->lock);
	return found != NULL;
}

/* Put runnable t in rq's queue (it is not running). Caller holds rq->lock. */
void enqueue_locked(struct runqueue *rq, struct thread *t, int flags)
{
	rq->clock_ns = clock_ns(); /* classes place the thread against the current time */
	t->cpu = rq->cpu;
	t->class->enqueue(rq, t, flags);
	t->on_rq = true;
	list_add_tail(&t->rq_link, &rq->queued);
	rq->nr_running++;
	if (rq->nr_running >= 2)
		kick_idle_cpu(rq);
	check_preempt_locked(rq, t);
	update_slice_timer_locked(rq);
}

void dequeue_locked(struct runqueue *rq, struct thread *t, int flags)
{
	t->class->dequeue(rq, t, flags);
	t->on_rq = false;
	list_del(&t->rq_link);
	rq->nr_running--;
}

/* Lock the run queue t currently belongs to (it may move while we wait). */
struct runqueue *lock_thread_rq(struct thread *t)
{
	for (;;) {
		struct runqueue *rq = &runqueues[t->cpu];

		spin_lock(&rq->lock);
		if (rq->cpu == t->cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

void sched_wake(struct thread *t)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = lock_thread_rq(t);

	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		/* Still on its CPU, not yet switched away: schedule() will keep it. */
		if (rq->curr != t) {
			rq = select_rq_locked(rq, t);
			enqueue_locked(rq, t, ENQ_WAKEUP);
		}
	}
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
}

/* Second half of every switch, run by the thread that now owns the CPU. */
static void finish_switch(struct runqueue *rq)
{
	struct thread *dead = rq->dead, *push = rq->push;

	rq->dead = NULL;
	rq->push = NULL;
	spin_unlock(&rq->lock);
	if (dead && dead->detached)
		thread_free(dead);
	else if (dead)
		complete_all(&dead->exited);
	if (push)
		sched_wake(push); /* its context is saved now: another CPU may take it */
}

void schedule(void)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = this_rq();
	struct thread *prev, *next = NULL;

	spin_lock(&rq->lock);
	prev = rq->curr;
	rq->clock_ns = clock_ns();
	this_cpu()->need_resched = false;
	if (prev != rq->idle) {
		bool stays = prev->state == THREAD_RUNNABLE && (prev->affinity & (1ull << rq->cpu));

		prev->class->put_prev(rq, prev);
		if (stays) {
			prev->on_rq = true;
			list_add_tail(&prev->rq_link, &rq->queued);
		} else {
			/* blocking, exiting, or no longer allowed on this CPU: it leaves */
			prev->class->dequeue(rq, prev, DEQ_SLEEP);
			rq->nr_running--;
			if (prev->state == THREAD_DEAD) {
				rq->dead = prev;
			} else if (prev->state == THREAD_RUNNABLE) {
				prev->state = THREAD_BLOCKED;
				rq->push = prev; /* re-woken elsewhere once off this CPU */
			}
		}
	}
	for (u32 i = 0; i < nr_classes && !next; i++)
		next = classes[i]->pick_next(rq);
	if (!next)
		next = rq->idle;
	if (next->on_rq)
		list_del(&next->rq_link);
	next->on_rq = false;
	next->exec_start_ns = rq->clock_ns;
	if (next->class->set_curr)
		next->class->set_curr(rq, next);
	rq->curr = next;
	this_cpu()->current = next;
	update_slice_timer_locked(rq);
	if (next != prev) {
		rq->nr_switches++;
		next->nr_switches++;
		sched_switch_mm(prev, next);
		arch_context_switch(prev, next);
		/* prev runs again here, maybe on another CPU */
		rq = this_rq();
	}
	finish_switch(rq);
	arch_irq_restore(irq);
}

/* The first thing a new thread does (its rq lock was held by schedule()). */
void sched_thread_first_run(void)
{
	finish_switch(this_rq());
	arch_irq_enable();
}

void sched_block(void)
{
	schedule();
}

void sched_yield(void)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = this_rq();
	struct thread *curr = rq->curr;

	spin_lock(&rq->lock);
	if (curr != rq->idle && curr->class->yield) {
		rq->clock_ns = clock_ns();
		curr->class->yield(rq, curr);
	}
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
	schedule();
}

void sched_timer_tick(void)
{
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = this_rq();
	struct thread *curr;

	spin_lock(&rq->lock);
	curr = rq->curr;
	rq->clock_ns = clock_ns();
	if (curr != rq->idle && curr->class->tick && curr->class->tick(rq, curr))
		this_cpu()->need_resched = true;
	update_slice_timer_locked(rq);
	spin_unlock(&rq->lock);
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
