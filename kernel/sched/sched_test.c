/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_test.c - ktests for the scheduling classes (rt.c, fair.c, idle.c)
 * built with the kernel's flags. They drive the registered classes on a
 * private run queue of their own (static memory, never seen by the core), so
 * they touch class logic only: no thread here ever runs. tests/unit/
 * test_sched.c covers the same classes in depth with a simulated core;
 * thread_test.c has the tests with real threads.
 */
#include "ktest.h"
#include "lib.h"
#include "sched.h"

#define KT_RQ_WORDS 512 /* per-class block; the rt class needs about 1.6 KiB */

static u64 kt_rq_data[SCHED_MAX_CLASSES][KT_RQ_WORDS];
static struct runqueue kt_rq;
static struct thread kt_threads[8];
static struct thread kt_idle;

static const struct sched_class *kt_class(const char *name)
{
	u32 n;
	const struct sched_class *const *c = sched_classes(&n);

	for (u32 i = 0; i < n; i++)
		if (strcmp(c[i]->name, name) == 0)
			return c[i];
	return NULL;
}

/* A fresh private run queue with every class's block set up. */
static bool kt_rq_setup(struct ktest *t)
{
	u32 n;
	const struct sched_class *const *c = sched_classes(&n);

	memset(&kt_rq, 0, sizeof(kt_rq));
	memset(kt_rq_data, 0, sizeof(kt_rq_data));
	memset(kt_threads, 0, sizeof(kt_threads));
	kt_rq.idle = kt_rq.curr = &kt_idle;
	kt_rq.clock_ns = 1000000000;
	for (u32 i = 0; i < n; i++) {
		KT_EXPECT(t, c[i]->rq_size <= sizeof(kt_rq_data[0]));
		if (c[i]->rq_size > sizeof(kt_rq_data[0]))
			return false;
		kt_rq.class_data[c[i]->id] = kt_rq_data[c[i]->id];
		c[i]->init_rq(&kt_rq, kt_rq_data[c[i]->id]);
	}
	return true;
}

/* Thread i joins class c with the given policy and nice / rt priority, and is queued. */
static struct thread *kt_add(const struct sched_class *c, u32 i, u32 policy, int level)
{
	struct thread *th = &kt_threads[i];

	th->tid = i;
	th->policy = policy;
	if (policy == SCHED_NORMAL)
		th->nice = level;
	else
		th->rt_prio = (u32)level;
	th->class = c;
	th->state = THREAD_RUNNABLE;
	c->init_thread(&kt_rq, th);
	c->enqueue(&kt_rq, th, ENQ_NEW);
	return th;
}

KTEST(sched, nice_to_weight)
{
	KT_EXPECT_EQ(t, sched_nice_to_weight(0), 1024);
	KT_EXPECT_EQ(t, sched_nice_to_weight(-20), 88761);
	KT_EXPECT_EQ(t, sched_nice_to_weight(5), 335);
	KT_EXPECT_EQ(t, sched_nice_to_weight(19), 15);
	KT_EXPECT_EQ(t, sched_nice_to_weight(-100), 88761);
	KT_EXPECT_EQ(t, sched_nice_to_weight(100), 15);
	for (int n = NICE_MIN; n < NICE_MAX; n++)
		KT_EXPECT(t, sched_nice_to_weight(n) > sched_nice_to_weight(n + 1));
}

KTEST(sched, classes_in_priority_order)
{
	u32 n;
	const struct sched_class *const *c = sched_classes(&n);

	KT_EXPECT(t, n >= 3);
	for (u32 i = 0; i + 1 < n; i++)
		KT_EXPECT(t, c[i]->priority > c[i + 1]->priority);
	KT_EXPECT(t, kt_class("rt") && kt_class("rt")->owns_policy(SCHED_FIFO));
	KT_EXPECT(t, kt_class("rt") && kt_class("rt")->owns_policy(SCHED_RR));
	KT_EXPECT(t, kt_class("fair") && kt_class("fair")->owns_policy(SCHED_NORMAL));
	KT_EXPECT(t, kt_class("idle") && !kt_class("idle")->owns_policy(SCHED_IDLE));
}

KTEST(sched, rt_picks_highest_priority_first_in_first_out)
{
	const struct sched_class *rt = kt_class("rt");
	static const int prio[] = {1, 64, 50, 99, 65, 50, 63};
	static const u32 order[] = {3, 4, 1, 6, 2, 5, 0};

	if (!rt || !kt_rq_setup(t))
		return;
	for (u32 i = 0; i < ARRAY_SIZE(prio); i++)
		kt_add(rt, i, SCHED_FIFO, prio[i]);
	KT_EXPECT_EQ(t, rt->nr_queued(&kt_rq), ARRAY_SIZE(prio));
	for (u32 i = 0; i < ARRAY_SIZE(order); i++) {
		struct thread *th = rt->pick_next(&kt_rq);

		KT_EXPECT(t, th == &kt_threads[order[i]]);
	}
	KT_EXPECT(t, rt->pick_next(&kt_rq) == NULL);
	KT_EXPECT(t, rt->check_preempt(&kt_rq, &kt_threads[2], &kt_threads[4]));
	KT_EXPECT(t, !rt->check_preempt(&kt_rq, &kt_threads[2], &kt_threads[5]));
	KT_EXPECT(t, !rt->check_preempt(&kt_rq, &kt_threads[4], &kt_threads[2]));
}

KTEST(sched, fair_runs_the_thread_furthest_behind)
{
	const struct sched_class *fair = kt_class("fair");
	struct thread *a, *b;

	if (!fair || !kt_rq_setup(t))
		return;
	kt_add(fair, 0, SCHED_NORMAL, 0);
	kt_add(fair, 1, SCHED_NORMAL, 0);
	/* Whichever runs first runs 10 ms, well past its slice: then the other comes first. */
	a = fair->pick_next(&kt_rq);
	KT_EXPECT(t, a != NULL);
	if (!a)
		return;
	b = a == &kt_threads[0] ? &kt_threads[1] : &kt_threads[0];
	fair->set_curr(&kt_rq, a);
	kt_rq.clock_ns += 10000000;
	KT_EXPECT(t, fair->tick(&kt_rq, a));
	fair->put_prev(&kt_rq, a);
	KT_EXPECT_EQ(t, a->runtime_ns, 10000000);
	KT_EXPECT(t, fair->pick_next(&kt_rq) == b);
	KT_EXPECT(t, fair->pick_next(&kt_rq) == a);
	KT_EXPECT(t, fair->pick_next(&kt_rq) == NULL);
}

KTEST(sched, idle_class_returns_the_idle_thread)
{
	const struct sched_class *idle = kt_class("idle");

	if (!idle || !kt_rq_setup(t))
		return;
	KT_EXPECT(t, idle->pick_next(&kt_rq) == &kt_idle);
	KT_EXPECT_EQ(t, idle->slice_ns(&kt_rq, &kt_idle), 0);
	KT_EXPECT_EQ(t, idle->nr_queued(&kt_rq), 0);
}
