/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fair.c - the fair scheduling class (SCHED_NORMAL), in the manner of CFS.
 * Every thread has a virtual runtime that grows with the CPU time it gets,
 * scaled by 1024 / weight, where the weight comes from its nice level
 * (sched_nice_to_weight). The run queue keeps its waiting threads in a
 * red-black tree ordered by vruntime and always runs the leftmost one, so
 * over time each thread gets CPU in proportion to its weight.
 *
 * Slices: within FAIR_LATENCY_NS every runnable thread should get a turn, so
 * a thread's slice is latency * weight / total weight (the running thread
 * included), but never less than FAIR_MIN_GRAN_NS. At the end of its slice
 * the running thread is preempted if a waiting thread has a smaller vruntime.
 *
 * Placement: min_vruntime follows the smallest vruntime on the queue and
 * never decreases. A thread that wakes up gets at least min_vruntime -
 * latency/2 (a sleeper is favoured a little, never by more); a new thread
 * starts one slice's worth of vruntime after min_vruntime (forking cannot
 * be used to starve the others). A waking thread preempts the running one
 * when it is behind by more than the wake-up granularity. On migration the
 * vruntime travels as an offset from the old queue's min_vruntime.
 *
 * Locking: every callback runs with rq->lock held and interrupts off (see
 * struct sched_class); the entities and the per-CPU fair_rq are protected by
 * that lock. Time comes from rq->clock_ns, which the core updates before
 * calling in.
 */
#include "fair_switch.h"
#include "rbtree.h"
#include "sched.h"

/* Nice -20..19 -> weight: each step is about 1.25x, nice 0 is 1024 (Linux's values). */
/* clang-format off */
#define FAIR_WEIGHTS(X)								\
	X(88761) X(71755) X(56483) X(46273) X(36291) X(29154) X(23254) X(18705)	\
	X(14949) X(11916) X(9548)  X(7620)  X(6100)  X(4904)  X(3906)  X(3121)	\
	X(2501)  X(1991)  X(1586)  X(1277)  X(1024)  X(820)   X(655)   X(526)	\
	X(423)   X(335)   X(272)   X(215)   X(172)   X(137)   X(110)   X(87)	\
	X(70)    X(56)    X(45)    X(36)    X(29)    X(23)    X(18)    X(15)
/* clang-format on */
#define FAIR_WEIGHT(w) w,
/* 2^32 * 1024 / w: vruntime delta = delta_exec * inv >> 32, with no division. */
#define FAIR_INV_WEIGHT(w) (((u64)FAIR_NICE0_WEIGHT << 32) / (w)),

static const u32 fair_weights[NICE_MAX - NICE_MIN + 1] = {FAIR_WEIGHTS(FAIR_WEIGHT)};
static const u64 fair_inv_weights[NICE_MAX - NICE_MIN + 1] = {FAIR_WEIGHTS(FAIR_INV_WEIGHT)};

/* Index into the weight tables; nice outside -20..19 is clamped. */
static u32 fair_nice_index(int nice)
{
	if (nice < NICE_MIN)
		nice = NICE_MIN;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	return (u32)(nice - NICE_MIN);
}

/* Declared in sched.h; any context (the table is constant). */
u32 sched_nice_to_weight(int nice)
{
	return fair_weights[fair_nice_index(nice)];
}

static void fair_set_weight(struct fair_entity *se, int nice)
{
	se->weight = fair_weights[fair_nice_index(nice)];
	se->inv_weight = fair_inv_weights[fair_nice_index(nice)];
	se->nice = nice;
}

static void fair_tree_insert(struct fair_rq *frq, struct fair_entity *se)
{
	struct rb_node **link = &frq->tree.node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (fair_before(se->vruntime, fair_node_entity(parent)->vruntime)) {
			link = &parent->left;
		} else {
			link = &parent->right;
			leftmost = false;
		}
	}
	rb_link_node(&se->node, parent, link);
	rb_insert_color(&se->node, &frq->tree);
	if (leftmost)
		frq->leftmost = &se->node;
	frq->nr_queued++;
	se->queued = true;
}

static void fair_tree_remove(struct fair_rq *frq, struct fair_entity *se)
{
	if (frq->leftmost == &se->node)
		frq->leftmost = rb_next(&se->node);
	rb_erase(&se->node, &frq->tree);
	frq->nr_queued--;
	se->queued = false;
}

/* Charge the running thread for the time since it last started or was charged. */
static inline void fair_update_curr(struct runqueue *rq, struct fair_rq *frq)
{
	struct thread *curr = frq->curr;

	if (curr && rq->clock_ns > curr->exec_start_ns)
		fair_charge(rq, frq, curr);
}

/* latency * weight / total weight (se counted even if not runnable yet), >= min granularity. */
static u64 fair_slice(const struct fair_rq *frq, const struct fair_entity *se)
{
	u64 total = frq->load + (se->runnable ? 0 : se->weight);
	u64 slice = FAIR_LATENCY_NS * se->weight / total;

	return MAX(slice, FAIR_MIN_GRAN_NS);
}

/* Give a thread that becomes runnable on rq its starting vruntime. */
static void fair_place(struct runqueue *rq, struct fair_rq *frq, struct fair_entity *se, int flags)
{
	if (se->relative) {
		se->vruntime += frq->min_vruntime;
		se->relative = false;
	} else if (se->left_rq && se->left_rq != rq) {
		/* Slept on another CPU: keep its distance from that queue's minimum. */
		se->vruntime = se->vruntime - se->left_min + frq->min_vruntime;
	}
	se->left_rq = NULL;

	if (se->fresh || (flags & ENQ_NEW)) {
		se->vruntime = frq->min_vruntime + fair_vdelta(fair_slice(frq, se), se);
		se->fresh = false;
	} else if (flags & ENQ_WAKEUP) {
		u64 floor = frq->min_vruntime - FAIR_LATENCY_NS / 2;

		if (fair_before(se->vruntime, floor))
			se->vruntime = floor;
	}
}

/* se becomes runnable on rq: refresh its weight, place it, count it in the load. */
static void fair_make_runnable(struct runqueue *rq, struct fair_rq *frq, struct thread *t,
			       int flags)
{
	struct fair_entity *se = fair_entity_of(t);

	fair_set_weight(se, t->nice);
	fair_place(rq, frq, se, flags);
	frq->load += se->weight;
	se->runnable = true;
}

static bool fair_owns_policy(u32 policy)
{
	return policy == SCHED_NORMAL;
}

static void fair_init_rq(struct runqueue *rq, void *data)
{
	struct fair_rq *frq = data;

	frq->tree = (struct rb_root)RB_ROOT_INIT;
}

static void fair_init_thread(struct runqueue *rq, struct thread *t)
{
	struct fair_entity *se = fair_entity_of(t);

	*se = (struct fair_entity){.fresh = true};
	fair_set_weight(se, t->nice);
}

/*
 * Flags: ENQ_WAKEUP applies the sleeper placement, ENQ_NEW the new-thread
 * placement (also applied to a thread never placed since init_thread);
 * ENQ_MIGRATE needs nothing more than the relative vruntime DEQ_MIGRATE left.
 * Enqueueing the running thread (a class change while it runs) only counts
 * it; it is never put in the tree.
 */
static void fair_enqueue(struct runqueue *rq, struct thread *t, int flags)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(t);

	if (se->queued)
		return;
	fair_update_curr(rq, frq);
	if (!se->runnable)
		fair_make_runnable(rq, frq, t, flags);
	if (t != frq->curr)
		fair_tree_insert(frq, se);
}

/*
 * t leaves this queue: it blocks (DEQ_SLEEP; t may be the running thread),
 * moves to another CPU (DEQ_MIGRATE: its vruntime becomes relative) or
 * changes class or nice level (the core enqueues it again).
 */
static void fair_dequeue(struct runqueue *rq, struct thread *t, int flags)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(t);

	fair_update_curr(rq, frq);
	if (se->queued)
		fair_tree_remove(frq, se);
	if (frq->curr == t)
		frq->curr = NULL;
	if (se->runnable) {
		frq->load -= se->weight;
		se->runnable = false;
	}
	fair_update_min(frq);
	if (flags & DEQ_MIGRATE) {
		se->vruntime -= frq->min_vruntime;
		se->relative = true;
	} else {
		se->left_rq = rq;
		se->left_min = frq->min_vruntime;
	}
}

static struct thread *fair_pick_next(struct runqueue *rq)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se;

	if (!frq->leftmost)
		return NULL;
	se = fair_node_entity(frq->leftmost);
	fair_tree_remove(frq, se);
	return fair_thread_of(se);
}

static void fair_put_prev(struct runqueue *rq, struct thread *curr)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(curr);

	if (frq->curr == curr) {
		fair_update_curr(rq, frq);
		frq->curr = NULL;
	}
	if (se->runnable && !se->queued)
		fair_tree_insert(frq, se);
}

/* The node after the leftmost one: its right subtree's first node, or its parent. */
static inline struct rb_node *fair_leftmost_next(const struct fair_rq *frq)
{
	struct rb_node *n = frq->leftmost->right;

	if (!n)
		return rb_parent(frq->leftmost);
	while (n->left)
		n = n->left;
	return n;
}

/* The two calls fair_pick_next_after() stands for, when no shortcut applies. */
static __attribute__((noinline)) struct thread *fair_put_prev_pick_next(struct runqueue *rq,
									struct thread *prev)
{
	fair_put_prev(rq, prev);
	return fair_pick_next(rq);
}

/*
 * put_prev(prev) then pick_next() in one step (the core's fast path: prev
 * stays runnable, no higher class has a thread). The usual cases touch no
 * tree link: prev is still ahead of the leftmost thread, so it would be
 * queued and picked straight back; or prev would be queued right after the
 * leftmost thread, which is picked, so prev just takes over its node.
 */
static struct thread *fair_pick_next_after(struct runqueue *rq, struct thread *prev)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(prev), *first;
	struct rb_node *second;

	if (unlikely(frq->curr != prev || !se->runnable || se->queued))
		return fair_put_prev_pick_next(rq, prev); /* not the plain case */
	fair_update_curr(rq, frq);
	frq->curr = NULL;
	if (!frq->leftmost)
		return prev;
	first = fair_node_entity(frq->leftmost);
	if (fair_before(se->vruntime, first->vruntime))
		return prev; /* it would go in leftmost (ties go right) */
	second = fair_leftmost_next(frq);
	if (unlikely(second && !fair_before(se->vruntime, fair_node_entity(second)->vruntime)))
		return fair_put_prev_pick_next(rq, prev); /* it belongs further right */
	rb_replace_node(&first->node, &se->node, &frq->tree);
	frq->leftmost = &se->node;
	se->queued = true;
	first->queued = false;
	return fair_thread_of(first);
}

/* set_curr of a thread still in the tree or not yet counted (policy changes, boot). */
static __attribute__((noinline)) void
fair_set_curr_prepare(struct runqueue *rq, struct fair_rq *frq, struct thread *curr)
{
	struct fair_entity *se = fair_entity_of(curr);

	if (se->queued)
		fair_tree_remove(frq, se);
	if (!se->runnable)
		fair_make_runnable(rq, frq, curr, 0);
}

static void fair_set_curr(struct runqueue *rq, struct thread *curr)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(curr);

	if (unlikely(se->queued || !se->runnable))
		fair_set_curr_prepare(rq, frq, curr);
	frq->curr = curr;
	curr->exec_start_ns = rq->clock_ns;
	se->slice_start_ns = curr->runtime_ns;
	fair_raise_min(frq, se->vruntime);
}

/* Preempt once curr has had its slice and a waiting thread is behind it. */
static bool fair_tick(struct runqueue *rq, struct thread *curr)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(curr);

	fair_update_curr(rq, frq);
	if (frq->curr != curr || !frq->leftmost)
		return false;
	if (curr->runtime_ns - se->slice_start_ns < fair_slice(frq, se))
		return false;
	return fair_before(fair_node_entity(frq->leftmost)->vruntime, se->vruntime);
}

/* t woke up: preempt curr if curr is ahead of it by more than the granularity (in t's units). */
static bool fair_check_preempt(struct runqueue *rq, struct thread *curr, struct thread *t)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *cse = fair_entity_of(curr), *tse = fair_entity_of(t);

	fair_update_curr(rq, frq);
	return (s64)(cse->vruntime - tse->vruntime) > (s64)fair_vdelta(FAIR_WAKEUP_GRAN_NS, tse);
}

/*
 * Time left of curr's slice; once it is used up (curr stayed because it was
 * still the furthest behind), look again after the minimum granularity.
 * Never 0: the fair class always wants the timer.
 */
static u64 fair_slice_ns(struct runqueue *rq, struct thread *curr)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(curr);
	u64 ran = curr->runtime_ns - se->slice_start_ns;
	u64 slice = fair_slice(frq, se);

	if (rq->clock_ns > curr->exec_start_ns)
		ran += rq->clock_ns - curr->exec_start_ns;
	return ran < slice ? slice - ran : FAIR_MIN_GRAN_NS;
}

/* Let the leftmost waiting thread run next: curr goes just behind it. */
static void fair_yield(struct runqueue *rq, struct thread *curr)
{
	struct fair_rq *frq = fair_rq_of(rq);
	struct fair_entity *se = fair_entity_of(curr);
	u64 lv;

	fair_update_curr(rq, frq);
	if (!frq->leftmost)
		return;
	lv = fair_node_entity(frq->leftmost)->vruntime;
	if (fair_before(se->vruntime, lv))
		se->vruntime = lv;
}

static u32 fair_nr_queued(struct runqueue *rq)
{
	return fair_rq_of(rq)->nr_queued;
}

struct sched_class fair_sched_class = {
	.name = "fair",
	.priority = 200,
	.owns_policy = fair_owns_policy,
	.rq_size = sizeof(struct fair_rq),
	.init_rq = fair_init_rq,
	.init_thread = fair_init_thread,
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.pick_next_after = fair_pick_next_after,
	.put_prev = fair_put_prev,
	.set_curr = fair_set_curr,
	.tick = fair_tick,
	.check_preempt = fair_check_preempt,
	.slice_ns = fair_slice_ns,
	.yield = fair_yield,
	.nr_queued = fair_nr_queued,
	.switch_direct = fair_switch_direct,
};
SCHED_CLASS(fair_sched_class);
