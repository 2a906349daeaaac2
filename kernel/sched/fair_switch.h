/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fair_switch.h - the fair class's data structures and its one-step
 * direct switch (fair_switch_direct), inline. fair.c is the class; this
 * header lets the core's IPC switch (core.c, sched_ipc_switch) do the
 * class's bookkeeping in line instead of through the class's function
 * pointer: on the IPC fast path every call and return costs, so the switch
 * is one function with no calls but the context switch itself. Scheduler
 * files only (fair.c, core.c).
 */
#ifndef MATRIOSKA_FAIR_SWITCH_H
#define MATRIOSKA_FAIR_SWITCH_H

#include "config.h"
#include "lib.h"
#include "panic.h"
#include "rbtree.h"
#include "sched.h"

#define FAIR_LATENCY_NS 6000000ULL     /* every runnable thread runs within this */
#define FAIR_MIN_GRAN_NS 750000ULL     /* shortest slice */
#define FAIR_WAKEUP_GRAN_NS 1000000ULL /* wake-up preemption threshold (nice 0) */
#define FAIR_NICE0_WEIGHT 1024

/*
 * Per-thread entity, kept in t->sched_data; protected by the lock of the run
 * queue that owns the thread.
 *  - queued: node is in fair_rq.tree (waiting). Never true for the running
 *    thread.
 *  - runnable: counted in fair_rq.load (queued, or running, or picked and
 *    about to run).
 *  - relative: vruntime is an offset from the min_vruntime of the queue it
 *    left with DEQ_MIGRATE; enqueue adds the new queue's min_vruntime.
 *  - fresh: joined the class (init_thread) and was never placed yet.
 *  - left_rq/left_min: the queue it last left to sleep and that queue's
 *    min_vruntime then, so a wake-up on another CPU can be re-based.
 *  - weight/inv_weight: from t->nice, refreshed when it becomes runnable;
 *    nice: the t->nice they came from (a nice change since shows as a
 *    difference, checked by the one-step switch).
 *  - slice_start_ns: t->runtime_ns when it last started running.
 */
struct fair_entity {
	struct rb_node node;
	u64 vruntime;
	u64 inv_weight;
	u64 slice_start_ns;
	u64 left_min;
	struct runqueue *left_rq;
	u32 weight;
	int nice;
	bool queued;
	bool runnable;
	bool relative;
	bool fresh;
};
STATIC_ASSERT(sizeof(struct fair_entity) <= sizeof(((struct thread *)0)->sched_data),
	      "fair entity does not fit in struct thread");

/*
 * Per-CPU state, the class block of a run queue; protected by rq->lock.
 * Invariants: tree holds exactly the queued entities (nr_queued of them),
 * ordered by vruntime, equal keys in insertion order; leftmost is
 * rb_first(&tree); curr, if set, is the running fair thread and is not in
 * the tree; load is the sum of the weights of the runnable entities;
 * min_vruntime never decreases: it is raised to min(curr, leftmost)
 * whenever that is larger (a woken thread may be placed below it).
 */
struct fair_rq {
	struct rb_root tree;
	struct rb_node *leftmost;
	struct thread *curr;
	u64 min_vruntime;
	u64 load;
	u32 nr_queued;
};

extern struct sched_class fair_sched_class; /* fair.c */

static inline struct fair_entity *fair_entity_of(struct thread *t)
{
	return (struct fair_entity *)t->sched_data;
}

static inline struct thread *fair_thread_of(struct fair_entity *se)
{
	return container_of((u64 *)se, struct thread, sched_data[0]);
}

static inline struct fair_entity *fair_node_entity(struct rb_node *n)
{
	return rb_entry(n, struct fair_entity, node);
}

static inline struct fair_rq *fair_rq_of(struct runqueue *rq)
{
	return rq_class_data(rq, &fair_sched_class);
}

/* a < b on the vruntime clock (wrap-safe: values are within 2^63 of each other). */
static inline bool fair_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* ns of CPU time -> vruntime for se: ns * 1024 / weight. */
static inline u64 fair_vdelta(u64 ns, const struct fair_entity *se)
{
	if (se->weight == FAIR_NICE0_WEIGHT)
		return ns;
	return (u64)(((unsigned __int128)ns * se->inv_weight) >> 32);
}

/* Move min_vruntime up to min(curr, leftmost), never down. */
static inline void fair_update_min(struct fair_rq *frq)
{
	u64 v = frq->min_vruntime;
	bool any = false;

	if (frq->curr) {
		v = fair_entity_of(frq->curr)->vruntime;
		any = true;
	}
	if (frq->leftmost) {
		u64 lv = fair_node_entity(frq->leftmost)->vruntime;

		if (!any || fair_before(lv, v))
			v = lv;
		any = true;
	}
	if (any && fair_before(frq->min_vruntime, v))
		frq->min_vruntime = v;
}

/* fair_update_min() when curr is set and v is its vruntime. */
static inline void fair_raise_min(struct fair_rq *frq, u64 v)
{
	if (frq->leftmost && fair_before(fair_node_entity(frq->leftmost)->vruntime, v))
		v = fair_node_entity(frq->leftmost)->vruntime;
	if (fair_before(frq->min_vruntime, v))
		frq->min_vruntime = v;
}

/* fair_update_curr() with time to charge; curr is frq->curr. */
static inline void fair_charge(struct runqueue *rq, struct fair_rq *frq, struct thread *curr)
{
	struct fair_entity *se = fair_entity_of(curr);
	u64 delta = rq->clock_ns - curr->exec_start_ns;

	curr->exec_start_ns = rq->clock_ns;
	curr->runtime_ns += delta;
	se->vruntime += fair_vdelta(delta, se);
	fair_raise_min(frq, se->vruntime);
}

/*
 * The direct switch of synchronous IPC (sched_switch_to): prev, running,
 * blocks and next - blocked, last queued here, not counted - runs in its
 * place. Exactly dequeue(prev, DEQ_SLEEP) then set_curr(next) with a
 * wake-up's placement, for the plain case (same weight, so the load does
 * not change, and nothing to re-base) and with no tree work. False,
 * nothing done, otherwise: the core then makes the two calls.
 */
static inline __attribute__((always_inline)) bool
fair_switch_direct(struct runqueue *rq, struct thread *prev, struct thread *next)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *ps = fair_entity_of(prev), *ns = fair_entity_of(next);
	u64 floor;

	/*
	 * prev is rq->curr and fair (the callers check), so the class's curr:
	 * running, hence runnable and not queued (struct fair_rq's invariants,
	 * checked in debug builds).
	 */
	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		BUG_ON(frq->curr != prev || ps->queued || !ps->runnable);
	if (unlikely(ns->queued || ns->runnable || ns->fresh || ns->relative || ns->left_rq != rq ||
		     ns->weight != ps->weight || ns->nice != next->nice))
		return false;
	if (likely(rq->clock_ns > prev->exec_start_ns)) /* fair_update_curr(): charge prev (curr) */
		fair_charge(rq, frq, prev);
	ps->runnable = false;
	ps->left_rq = rq;
	ps->left_min = frq->min_vruntime;
	ns->left_rq = NULL;
	floor = frq->min_vruntime - FAIR_LATENCY_NS / 2;
	if (fair_before(ns->vruntime, floor))
		ns->vruntime = floor;
	ns->runnable = true;
	frq->curr = next;
	next->exec_start_ns = rq->clock_ns;
	ns->slice_start_ns = next->runtime_ns;
	fair_raise_min(frq, ns->vruntime);
	return true;
}

#endif
