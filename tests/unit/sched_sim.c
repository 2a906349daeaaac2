/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_sim.c - the simulated scheduler core of sched_sim.h. The class files
 * are #included (not linked) so that sim_check() can look at their private
 * state: the fair tree passes rb_check(), is ordered and holds exactly the
 * waiting threads; the load is the sum of the runnable weights;
 * min_vruntime never goes back; the rt bitmap matches the lists.
 */
#include <stdlib.h>

#include "sched_sim.h"
#include "unit.h"

#include "../../kernel/sched/fair.c"
#include "../../kernel/sched/idle.c"
#include "../../kernel/sched/rt.c"

extern const struct sched_class *const __start_sched_classes[];
extern const struct sched_class *const __stop_sched_classes[];

const struct sched_class *const sim_rt = &rt_sched_class;
const struct sched_class *const sim_fair = &fair_sched_class;
const struct sched_class *const sim_idle = &idle_sched_class;
const u64 sim_fair_latency_ns = FAIR_LATENCY_NS;
const u64 sim_fair_min_gran_ns = FAIR_MIN_GRAN_NS;

static const struct sched_class *classes[SCHED_MAX_CLASSES];
static u32 nr_classes;

/* Like core.c: collect the section, sort by priority (highest first), number them. */
static void sim_register(void)
{
	if (nr_classes)
		return;
	for (const struct sched_class *const *p = __start_sched_classes; p < __stop_sched_classes;
	     p++) {
		u32 i = nr_classes++;

		while (i > 0 && classes[i - 1]->priority < (*p)->priority) {
			classes[i] = classes[i - 1];
			i--;
		}
		classes[i] = *p;
	}
	for (u32 i = 0; i < nr_classes; i++)
		((struct sched_class *)classes[i])->id = i;
}

const struct sched_class *const *sim_classes(u32 *count)
{
	sim_register();
	*count = nr_classes;
	return classes;
}

const struct sched_class *sim_class_for(u32 policy)
{
	for (u32 i = 0; i < nr_classes; i++)
		if (classes[i]->owns_policy(policy))
			return classes[i];
	return NULL;
}

struct sim_thread *sim_thread_of(struct thread *t)
{
	return container_of(t, struct sim_thread, t);
}

void sim_init(struct sim *s, u64 clock_ns)
{
	sim_register();
	memset(s, 0, sizeof(*s));
	s->rq.clock_ns = clock_ns;
	for (u32 i = 0; i < nr_classes; i++) {
		void *data = classes[i]->rq_size ? calloc(1, classes[i]->rq_size) : NULL;

		s->rq.class_data[i] = data;
		classes[i]->init_rq(&s->rq, data);
	}
	s->idle.class = &idle_sched_class;
	s->rq.idle = s->rq.curr = &s->idle;
	s->idle.exec_start_ns = clock_ns;
}

void sim_free(struct sim *s)
{
	for (u32 i = 0; i < nr_classes; i++)
		free(s->rq.class_data[i]);
}

static void sim_log(struct sim *s, struct thread *next)
{
	if (s->nlog == SIM_LOG)
		return;
	s->log_name[s->nlog] = next == &s->idle ? '.' : sim_thread_of(next)->name;
	s->log_ns[s->nlog] = s->rq.clock_ns;
	s->nlog++;
}

/* core.c schedule(). */
void sim_schedule(struct sim *s)
{
	struct runqueue *rq = &s->rq;
	struct thread *prev = rq->curr, *next = NULL;

	s->need_resched = false;
	if (prev != rq->idle) {
		prev->class->put_prev(rq, prev);
		if (prev->state != THREAD_RUNNABLE) {
			prev->class->dequeue(rq, prev, DEQ_SLEEP);
			rq->nr_running--;
		}
	}
	for (u32 i = 0; i < nr_classes && !next; i++)
		next = classes[i]->pick_next(rq);
	next->exec_start_ns = rq->clock_ns;
	next->class->set_curr(rq, next);
	rq->curr = next;
	if (next == prev)
		return;
	sim_log(s, next);
	if (prev != rq->idle) {
		struct sim_thread *p = sim_thread_of(prev);

		p->max_stint = MAX(p->max_stint, rq->clock_ns - p->stint_start);
	}
	if (next != rq->idle) {
		struct sim_thread *n = sim_thread_of(next);

		n->stint_start = rq->clock_ns;
		if (n->wait_first_run) {
			n->max_wake_delay = MAX(n->max_wake_delay, rq->clock_ns - n->woke_at);
			n->wait_first_run = false;
		}
	}
}

/* core.c check_preempt_locked(). */
void sim_check_preempt(struct sim *s, struct thread *t)
{
	struct thread *curr = s->rq.curr;

	if (curr == s->rq.idle || t->class->priority > curr->class->priority ||
	    (t->class == curr->class && t->class->check_preempt(&s->rq, curr, t)))
		s->need_resched = true;
}

void sim_enqueue(struct sim *s, struct sim_thread *st, int flags)
{
	st->sim = s;
	st->t.cpu = s->rq.cpu;
	st->t.class->enqueue(&s->rq, &st->t, flags);
	s->rq.nr_running++;
	sim_check_preempt(s, &st->t);
}

void sim_attach(struct sim *s, struct sim_thread *st)
{
	s->th[s->n++] = st;
	st->sim = s;
}

void sim_detach(struct sim *s, struct sim_thread *st)
{
	for (int i = 0; i < s->n; i++)
		if (s->th[i] == st) {
			s->th[i] = s->th[--s->n];
			return;
		}
}

/* Create a thread; it is queued with ENQ_NEW, or starts blocked until wake_at. */
struct sim_thread *sim_add(struct sim *s, char name, u32 policy, int level, u64 burst_ns,
			   u64 sleep_ns, u64 wake_at)
{
	struct sim_thread *st = calloc(1, sizeof(*st));

	st->name = name;
	st->t.policy = policy;
	if (policy == SCHED_NORMAL)
		st->t.nice = level;
	else
		st->t.rt_prio = (u32)level;
	st->t.class = sim_class_for(policy);
	st->burst_ns = st->burst_left = burst_ns;
	st->sleep_ns = sleep_ns;
	sim_attach(s, st);
	st->t.class->init_thread(&s->rq, &st->t);
	if (wake_at) {
		st->t.state = THREAD_BLOCKED;
		st->blocked = true;
		st->wake_at = wake_at;
	} else {
		st->t.state = THREAD_RUNNABLE;
		sim_enqueue(s, st, ENQ_NEW);
	}
	return st;
}

void sim_free_threads(struct sim *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->th[i]);
	s->n = 0;
}

/* The running thread blocks (schedule() dequeues it). */
void sim_block(struct sim *s, u64 sleep_ns)
{
	struct sim_thread *st = sim_thread_of(s->rq.curr);

	st->t.state = THREAD_BLOCKED;
	st->blocked = true;
	st->burst_left = st->burst_ns;
	st->wake_at = sleep_ns == NEVER ? NEVER : s->rq.clock_ns + sleep_ns;
	sim_schedule(s);
}

/* core.c sched_wake(): enqueue on s (maybe not the CPU it slept on). */
void sim_wake(struct sim *s, struct sim_thread *st)
{
	if (st->sim != s) {
		sim_detach(st->sim, st);
		sim_attach(s, st);
	}
	st->t.state = THREAD_RUNNABLE;
	st->blocked = false;
	st->woke_at = s->rq.clock_ns;
	st->wait_first_run = true;
	sim_enqueue(s, st, ENQ_WAKEUP);
}

/* The clock moves on by dt with rq->curr running. */
void sim_advance(struct sim *s, u64 dt)
{
	struct thread *curr = s->rq.curr;

	s->rq.clock_ns += dt;
	if (curr == s->rq.idle) {
		s->idle_ns += dt;
	} else {
		sim_thread_of(curr)->cpu_ns += dt;
		if (sim_thread_of(curr)->burst_ns)
			sim_thread_of(curr)->burst_left -= dt;
	}
}

/* Run the CPU for dur ns of simulated time, event by event. */
void sim_run(struct sim *s, u64 dur)
{
	u64 end = s->rq.clock_ns + dur;

	if (s->need_resched)
		sim_schedule(s);
	while (s->rq.clock_ns < end) {
		struct thread *curr = s->rq.curr;
		struct sim_thread *cst = curr == s->rq.idle ? NULL : sim_thread_of(curr);
		u64 now = s->rq.clock_ns, next = end, slice_end = 0, slice = 0;

		/* core.c update_slice_timer_locked(): tickless unless another thread waits */
		if (s->rq.nr_running > 1 && cst)
			slice = curr->class->slice_ns(&s->rq, curr);
		if (slice) {
			slice_end = now + slice;
			next = MIN(next, slice_end);
		}
		if (cst && cst->burst_ns)
			next = MIN(next, now + cst->burst_left);
		for (int i = 0; i < s->n; i++)
			if (s->th[i]->blocked && s->th[i]->wake_at != NEVER)
				next = MIN(next, MAX(s->th[i]->wake_at, now));
		sim_advance(s, next - now);

		if (cst && cst->burst_ns && !cst->burst_left)
			sim_block(s, cst->sleep_ns);
		for (int i = 0; i < s->n; i++)
			if (s->th[i]->blocked && s->th[i]->wake_at <= s->rq.clock_ns)
				sim_wake(s, s->th[i]);
		if (slice_end == s->rq.clock_ns && s->rq.curr == curr && !s->need_resched &&
		    curr->class->tick(&s->rq, curr))
			s->need_resched = true;
		if (s->need_resched)
			sim_schedule(s);
		sim_check(s);
	}
}

/* ---- invariants ---- */

/* runtime_ns of t, including the part of the current run not yet charged. */
static u64 runtime_now(struct sim *s, struct thread *t)
{
	u64 r = t->runtime_ns;

	if (s->rq.curr == t && s->rq.clock_ns > t->exec_start_ns)
		r += s->rq.clock_ns - t->exec_start_ns;
	return r;
}

static void check_fair(struct sim *s)
{
	struct fair_rq *frq = fair_rq_of(&s->rq);
	struct thread *curr = s->rq.curr;
	u64 load = 0, prev = 0;
	u32 n = 0;

	CHECK(rb_check(&frq->tree) >= 0);
	CHECK(frq->leftmost == rb_first(&frq->tree));
	for (struct rb_node *nd = rb_first(&frq->tree); nd; nd = rb_next(nd)) {
		struct fair_entity *se = fair_node_entity(nd);

		CHECK(se->queued && se->runnable);
		CHECK(fair_thread_of(se) != curr);
		if (n)
			CHECK(!fair_before(se->vruntime, prev));
		prev = se->vruntime;
		n++;
	}
	CHECK_EQ(n, frq->nr_queued);
	for (int i = 0; i < s->n; i++) {
		struct thread *t = &s->th[i]->t;
		struct fair_entity *se = fair_entity_of(t);

		if (t->class != &fair_sched_class)
			continue;
		if (t->state == THREAD_RUNNABLE) {
			load += se->weight;
			CHECK(se->runnable);
			CHECK_EQ(se->queued, t != curr);
		} else {
			CHECK(!se->runnable && !se->queued);
		}
	}
	CHECK_EQ(load, frq->load);
	CHECK(frq->curr == (curr->class == &fair_sched_class ? curr : NULL));
	CHECK(!fair_before(frq->min_vruntime, s->last_min));
	s->last_min = frq->min_vruntime;
}

static void check_rt(struct sim *s)
{
	struct rt_rq *rrq = rt_rq_of(&s->rq);
	u32 n = 0;

	for (u32 i = 0; i < RT_NR_PRIO; i++) {
		struct list_head *pos;
		bool bit = rrq->bitmap[i / 64] & (1ULL << (i % 64));

		CHECK_EQ(bit, !list_empty(&rrq->queue[i]));
		list_for_each (pos, &rrq->queue[i]) {
			struct rt_entity *se = list_entry(pos, struct rt_entity, link);

			CHECK(se->queued);
			CHECK_EQ(se->prio, i + RT_PRIO_MIN);
			n++;
		}
	}
	CHECK_EQ(n, rrq->nr_queued);
	for (int i = 0; i < s->n; i++) {
		struct thread *t = &s->th[i]->t;

		if (t->class == &rt_sched_class)
			CHECK_EQ(rt_entity_of(t)->queued,
				 t->state == THREAD_RUNNABLE && t != s->rq.curr);
	}
}

void sim_check(struct sim *s)
{
	u32 runnable = 0;

	check_fair(s);
	check_rt(s);
	for (int i = 0; i < s->n; i++) {
		struct sim_thread *st = s->th[i];

		runnable += st->t.state == THREAD_RUNNABLE;
		CHECK_EQ(runtime_now(s, &st->t), st->cpu_ns);
	}
	CHECK_EQ(runnable, s->rq.nr_running);
	CHECK(s->rq.curr != s->rq.idle || s->rq.nr_running == 0 || s->need_resched);
}

/* The way core.c's sched_set_policy() changes the class (or nice) of t. */
void sim_set_policy(struct sim *s, struct sim_thread *st, u32 policy, int level)
{
	struct runqueue *rq = &s->rq;
	struct thread *t = &st->t;
	bool running = rq->curr == t, queued = !running && t->state == THREAD_RUNNABLE;

	if (queued) {
		t->class->dequeue(rq, t, 0);
		rq->nr_running--;
	} else if (running) {
		t->class->put_prev(rq, t);
		t->class->dequeue(rq, t, 0);
	}
	t->policy = policy;
	if (policy == SCHED_NORMAL)
		t->nice = level;
	else
		t->rt_prio = (u32)level;
	t->class = sim_class_for(policy);
	t->class->init_thread(rq, t);
	if (queued) {
		sim_enqueue(s, st, 0);
	} else if (running) {
		t->class->enqueue(rq, t, 0);
		t->class->dequeue(rq, t, 0);
		t->class->set_curr(rq, t);
		s->need_resched = true;
	}
}

/* ---- white-box views ---- */

u64 sim_vruntime(struct thread *t)
{
	return fair_entity_of(t)->vruntime;
}

void sim_set_vruntime(struct thread *t, u64 v)
{
	fair_entity_of(t)->vruntime = v;
}

u64 sim_min_vruntime(struct sim *s)
{
	return fair_rq_of(&s->rq)->min_vruntime;
}

u64 sim_fair_inv_weight(int nice)
{
	struct fair_entity se;

	fair_set_weight(&se, nice);
	return se.inv_weight;
}

u64 sim_fair_vdelta(u64 ns, int nice)
{
	struct fair_entity se;

	fair_set_weight(&se, nice);
	return fair_vdelta(ns, &se);
}

u64 sim_rt_bitmap(struct sim *s, int word)
{
	return rt_rq_of(&s->rq)->bitmap[word];
}
