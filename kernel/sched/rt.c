/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rt.c - the real-time scheduling class: SCHED_FIFO and SCHED_RR at fixed
 * priorities 1..99 (99 runs first). Each run queue keeps one FIFO list per
 * priority and a bitmap of the non-empty lists, so picking the next thread is
 * a find-highest-bit plus a list head: O(1) whatever the number of threads.
 *
 * FIFO threads run until they block, yield or a higher priority becomes
 * runnable. SCHED_RR threads additionally have a quantum,
 * sched_rr_timeslice_ns (100 ms, "sched_rr_ms=N" on the command line); when
 * it runs out the thread goes to the tail of its list with a fresh quantum.
 * Queue position follows POSIX: a thread that wakes up, is created, changes
 * priority or migrates joins the tail of its list; a preempted thread goes
 * back to the head (it has not had its turn yet, and an RR thread keeps the
 * rest of its quantum); a thread that yields or used up its quantum goes to
 * the tail.
 *
 * Locking: every callback runs with rq->lock held and interrupts off (see
 * struct sched_class). sched_rr_timeslice_ns is set at boot (the command
 * line) or by tests; a new value applies from each thread's next refill.
 */
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"

#define RT_NR_PRIO (RT_PRIO_MAX - RT_PRIO_MIN + 1)
#define RT_BITMAP_WORDS ((RT_NR_PRIO + 63) / 64)
#define RT_RR_MS_MAX 10000 /* longest quantum "sched_rr_ms=" accepts */

u64 sched_rr_timeslice_ns = 100ULL * 1000 * 1000;

/*
 * Per-thread entity, kept in t->sched_data; protected by the lock of the run
 * queue that owns the thread.
 *  - queued: link is on rt_rq.queue[prio - RT_PRIO_MIN]. False while the
 *    thread runs or is blocked.
 *  - prio: the priority it was queued at (so a later change of t->rt_prio
 *    cannot make dequeue look in the wrong list).
 *  - slice_left_ns: SCHED_RR quantum left, never 0 once the thread has been
 *    queued (it is refilled as it runs out). Unused for FIFO.
 *  - to_tail: the next put_prev queues at the tail (quantum used up, or
 *    yield) instead of the head.
 */
struct rt_entity {
	struct list_head link;
	u64 slice_left_ns;
	u32 prio;
	bool queued;
	bool to_tail;
};
STATIC_ASSERT(sizeof(struct rt_entity) <= sizeof(((struct thread *)0)->sched_data),
	      "rt entity does not fit in struct thread");

/*
 * Per-CPU state, the class block of a run queue; protected by rq->lock.
 * Invariants: bit i of bitmap is set iff queue[i] is non-empty; nr_queued
 * counts the entities on all lists; the running thread is on none of them.
 */
struct rt_rq {
	struct list_head queue[RT_NR_PRIO];
	u64 bitmap[RT_BITMAP_WORDS];
	u32 nr_queued;
};

static struct sched_class rt_sched_class;

static struct rt_entity *rt_entity_of(struct thread *t)
{
	return (struct rt_entity *)t->sched_data;
}

static struct thread *rt_thread_of(struct rt_entity *se)
{
	return container_of((u64 *)se, struct thread, sched_data[0]);
}

static struct rt_rq *rt_rq_of(struct runqueue *rq)
{
	return rq_class_data(rq, &rt_sched_class);
}

/* t->rt_prio, clamped to the valid range (the core validates; this is a backstop). */
static u32 rt_prio_of(const struct thread *t)
{
	if (t->rt_prio < RT_PRIO_MIN)
		return RT_PRIO_MIN;
	if (t->rt_prio > RT_PRIO_MAX)
		return RT_PRIO_MAX;
	return t->rt_prio;
}

/* Queue t (not queued) at its current priority. */
static void rt_queue(struct rt_rq *rrq, struct thread *t, bool at_head)
{
	struct rt_entity *se = rt_entity_of(t);
	u32 i;

	se->prio = rt_prio_of(t);
	i = se->prio - RT_PRIO_MIN;

	if (at_head)
		list_add(&se->link, &rrq->queue[i]);
	else
		list_add_tail(&se->link, &rrq->queue[i]);
	rrq->bitmap[i / 64] |= 1ULL << (i % 64);
	rrq->nr_queued++;
	se->queued = true;
}

static void rt_unqueue(struct rt_rq *rrq, struct rt_entity *se)
{
	u32 i = se->prio - RT_PRIO_MIN;

	list_del(&se->link);
	if (list_empty(&rrq->queue[i]))
		rrq->bitmap[i / 64] &= ~(1ULL << (i % 64));
	rrq->nr_queued--;
	se->queued = false;
}

/* Index (prio - RT_PRIO_MIN) of the highest non-empty list, or -1. */
static int rt_highest_index(const struct rt_rq *rrq)
{
	for (int w = RT_BITMAP_WORDS - 1; w >= 0; w--)
		if (rrq->bitmap[w])
			return w * 64 + 63 - __builtin_clzll(rrq->bitmap[w]);
	return -1;
}

/* Charge curr for the time since it last started or was charged. */
static void rt_update_curr(struct runqueue *rq, struct thread *curr)
{
	struct rt_entity *se = rt_entity_of(curr);
	u64 delta;

	if (rq->clock_ns <= curr->exec_start_ns)
		return;
	delta = rq->clock_ns - curr->exec_start_ns;
	curr->exec_start_ns = rq->clock_ns;
	curr->runtime_ns += delta;
	if (curr->policy == SCHED_RR)
		se->slice_left_ns -= MIN(delta, se->slice_left_ns);
}

static bool rt_owns_policy(u32 policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static void rt_init_rq(struct runqueue *rq, void *data)
{
	struct rt_rq *rrq = data;

	for (u32 i = 0; i < RT_NR_PRIO; i++)
		list_init(&rrq->queue[i]);
}

static void rt_init_thread(struct runqueue *rq, struct thread *t)
{
	struct rt_entity *se = rt_entity_of(t);

	*se = (struct rt_entity){.slice_left_ns = sched_rr_timeslice_ns, .prio = rt_prio_of(t)};
	list_init(&se->link);
}

static void rt_enqueue(struct runqueue *rq, struct thread *t, int flags)
{
	struct rt_entity *se = rt_entity_of(t);

	if (se->queued)
		return;
	if (!se->slice_left_ns)
		se->slice_left_ns = sched_rr_timeslice_ns;
	rt_queue(rt_rq_of(rq), t, false);
}

/* Leaves the queue, or stops running (t blocks while it is curr). */
static void rt_dequeue(struct runqueue *rq, struct thread *t, int flags)
{
	struct rt_entity *se = rt_entity_of(t);

	if (se->queued)
		rt_unqueue(rt_rq_of(rq), se);
	else
		rt_update_curr(rq, t);
	se->to_tail = false;
}

static struct thread *rt_pick_next(struct runqueue *rq)
{
	struct rt_rq *rrq = rt_rq_of(rq);
	int i = rt_highest_index(rrq);
	struct rt_entity *se;

	if (i < 0)
		return NULL;
	se = list_entry(rrq->queue[i].next, struct rt_entity, link);
	rt_unqueue(rrq, se);
	return rt_thread_of(se);
}

static void rt_put_prev(struct runqueue *rq, struct thread *curr)
{
	struct rt_entity *se = rt_entity_of(curr);

	rt_update_curr(rq, curr);
	if (se->queued)
		return;
	if (curr->policy == SCHED_RR && !se->slice_left_ns) {
		se->slice_left_ns = sched_rr_timeslice_ns;
		se->to_tail = true;
	}
	rt_queue(rt_rq_of(rq), curr, !se->to_tail);
	se->to_tail = false;
}

static void rt_set_curr(struct runqueue *rq, struct thread *curr)
{
	struct rt_entity *se = rt_entity_of(curr);

	if (se->queued)
		rt_unqueue(rt_rq_of(rq), se);
	se->to_tail = false;
	curr->exec_start_ns = rq->clock_ns;
}

/*
 * FIFO never expires. An RR thread whose quantum is used up gets a new one
 * and is preempted if a thread of its priority (or higher) is waiting; it
 * then goes to the tail of its list.
 */
static bool rt_tick(struct runqueue *rq, struct thread *curr)
{
	struct rt_entity *se = rt_entity_of(curr);

	rt_update_curr(rq, curr);
	if (curr->policy != SCHED_RR || se->slice_left_ns)
		return false;
	se->slice_left_ns = sched_rr_timeslice_ns;
	if (rt_highest_index(rt_rq_of(rq)) < (int)(rt_prio_of(curr) - RT_PRIO_MIN))
		return false;
	se->to_tail = true;
	return true;
}

static bool rt_check_preempt(struct runqueue *rq, struct thread *curr, struct thread *t)
{
	return rt_prio_of(t) > rt_prio_of(curr);
}

static u64 rt_slice_ns(struct runqueue *rq, struct thread *curr)
{
	struct rt_entity *se = rt_entity_of(curr);
	u64 ran = 0;

	if (curr->policy != SCHED_RR)
		return 0;
	if (rq->clock_ns > curr->exec_start_ns)
		ran = rq->clock_ns - curr->exec_start_ns;
	/* Already used up but not yet ticked: look again at once. */
	return se->slice_left_ns > ran ? se->slice_left_ns - ran : 1;
}

/* To the tail of its list on the coming put_prev; an RR quantum is not refilled. */
static void rt_yield(struct runqueue *rq, struct thread *curr)
{
	rt_entity_of(curr)->to_tail = true;
}

static u32 rt_nr_queued(struct runqueue *rq)
{
	return rt_rq_of(rq)->nr_queued;
}

static struct sched_class rt_sched_class = {
	.name = "rt",
	.priority = 300,
	.owns_policy = rt_owns_policy,
	.rq_size = sizeof(struct rt_rq),
	.init_rq = rt_init_rq,
	.init_thread = rt_init_thread,
	.enqueue = rt_enqueue,
	.dequeue = rt_dequeue,
	.pick_next = rt_pick_next,
	.put_prev = rt_put_prev,
	.set_curr = rt_set_curr,
	.tick = rt_tick,
	.check_preempt = rt_check_preempt,
	.slice_ns = rt_slice_ns,
	.yield = rt_yield,
	.nr_queued = rt_nr_queued,
};
SCHED_CLASS(rt_sched_class);

/* "sched_rr_ms=N": the SCHED_RR quantum in milliseconds, 1..RT_RR_MS_MAX. */
static int rt_set_rr_ms(const char *val)
{
	u64 ms;

	if (kstrtou64(val, 10, &ms) || ms == 0 || ms > RT_RR_MS_MAX)
		return -EINVAL;
	sched_rr_timeslice_ns = ms * 1000 * 1000;
	return 0;
}
CMDLINE_PARAM("sched_rr_ms", rt_set_rr_ms, CMDLINE_VALUE);
