/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * idle.c - the idle scheduling class, asked last: it holds nothing but each
 * CPU's idle thread (rq->idle), which runs when no other class has a thread
 * to offer. The idle thread is never in any queue; pick_next simply returns
 * it. No policy maps to this class (owns_policy is always false): the core
 * assigns it to the idle threads directly.
 *
 * Locking: every callback runs with rq->lock held and interrupts off (see
 * struct sched_class). The class has no per-CPU state of its own.
 */
#include "sched.h"

static void idle_account(struct runqueue *rq, struct thread *curr)
{
	if (rq->clock_ns <= curr->exec_start_ns)
		return;
	curr->runtime_ns += rq->clock_ns - curr->exec_start_ns;
	curr->exec_start_ns = rq->clock_ns;
}

static bool idle_owns_policy(u32 policy)
{
	return false;
}

static void idle_init_rq(struct runqueue *rq, void *data)
{
}

static void idle_init_thread(struct runqueue *rq, struct thread *t)
{
}

/* The idle thread is never queued: nothing to do. */
static void idle_enqueue(struct runqueue *rq, struct thread *t, int flags)
{
}

static void idle_dequeue(struct runqueue *rq, struct thread *t, int flags)
{
}

static struct thread *idle_pick_next(struct runqueue *rq)
{
	return rq->idle;
}

static void idle_put_prev(struct runqueue *rq, struct thread *curr)
{
	idle_account(rq, curr);
}

static void idle_set_curr(struct runqueue *rq, struct thread *curr)
{
	curr->exec_start_ns = rq->clock_ns;
}

/* A backstop: if anything is runnable, idle should not be running. */
static bool idle_tick(struct runqueue *rq, struct thread *curr)
{
	idle_account(rq, curr);
	return rq->nr_running > 0;
}

static bool idle_check_preempt(struct runqueue *rq, struct thread *curr, struct thread *t)
{
	return false;
}

static u64 idle_slice_ns(struct runqueue *rq, struct thread *curr)
{
	return 0;
}

static void idle_yield(struct runqueue *rq, struct thread *curr)
{
}

static u32 idle_nr_queued(struct runqueue *rq)
{
	return 0;
}

static struct sched_class idle_sched_class = {
	.name = "idle",
	.priority = 0,
	.owns_policy = idle_owns_policy,
	.rq_size = 0,
	.init_rq = idle_init_rq,
	.init_thread = idle_init_thread,
	.enqueue = idle_enqueue,
	.dequeue = idle_dequeue,
	.pick_next = idle_pick_next,
	.put_prev = idle_put_prev,
	.set_curr = idle_set_curr,
	.tick = idle_tick,
	.check_preempt = idle_check_preempt,
	.slice_ns = idle_slice_ns,
	.yield = idle_yield,
	.nr_queued = idle_nr_queued,
};
SCHED_CLASS(idle_sched_class);
