/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sched.c - host tests for the scheduling classes (kernel/sched/rt.c,
 * fair.c, idle.c), driven by the simulated core of sched_sim.h, which
 * checks every class invariant after each event. Here: registration and
 * tables; FIFO and RR order, preemption and quanta; fair shares by nice
 * level; sleeper and new-thread placement; wake-up preemption; migration;
 * and a long random run on two CPUs.
 */
#include <stdlib.h>

#include "cmdline.h"
#include "errno.h"
#include "sched_sim.h"
#include "unit.h"

extern const struct cmdline_param __start_cmdline_params[];
extern const struct cmdline_param __stop_cmdline_params[];

static u64 vruntime_of(struct sim_thread *st)
{
	return sim_vruntime(&st->t);
}

/* |a - b| <= pct% of b */
static bool within_pct(double a, double b, double pct)
{
	double d = a > b ? a - b : b - a;

	return d <= b * pct / 100.0;
}

/* ---- registration, tables, parameters ---- */

UNIT_TEST(classes_register_in_priority_order)
{
	u32 n;
	const struct sched_class *const *c = sim_classes(&n);

	CHECK_EQ(n, 3);
	CHECK(c[0] == sim_rt);
	CHECK(c[1] == sim_fair);
	CHECK(c[2] == sim_idle);
	CHECK_EQ(sim_rt->priority, 300);
	CHECK_EQ(sim_fair->priority, 200);
	CHECK_EQ(sim_idle->priority, 0);
	CHECK(sim_class_for(SCHED_FIFO) == sim_rt);
	CHECK(sim_class_for(SCHED_RR) == sim_rt);
	CHECK(sim_class_for(SCHED_NORMAL) == sim_fair);
	CHECK(sim_class_for(SCHED_IDLE) == NULL);
	for (u32 i = 0; i < n; i++) {
		CHECK(c[i]->owns_policy && c[i]->init_rq && c[i]->init_thread && c[i]->enqueue);
		CHECK(c[i]->dequeue && c[i]->pick_next && c[i]->put_prev && c[i]->set_curr);
		CHECK(c[i]->tick && c[i]->check_preempt && c[i]->slice_ns && c[i]->yield);
		CHECK(c[i]->nr_queued);
	}
}

UNIT_TEST(nice_to_weight_table)
{
	static const u32 want[40] = {88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705,
				     14949, 11916, 9548,  7620,	 6100,	4904,  3906,  3121,
				     2501,  1991,  1586,  1277,	 1024,	820,   655,   526,
				     423,   335,   272,	  215,	 172,	137,   110,   87,
				     70,    56,	   45,	  36,	 29,	23,    18,    15};

	for (int n = NICE_MIN; n <= NICE_MAX; n++) {
		u32 w = sched_nice_to_weight(n);
		u64 inv = sim_fair_inv_weight(n);

		CHECK_EQ(w, want[n - NICE_MIN]);
		/* Each step is about 10% of CPU: weights fall by ~1.25x. */
		if (n < NICE_MAX) {
			double r = (double)w / sched_nice_to_weight(n + 1);

			CHECK(r >= 1.19 && r <= 1.3);
		}
		/* inv = 2^42 / w, so delta * inv >> 32 = delta * 1024 / w. */
		CHECK(inv * w <= (1ULL << 42) && (inv + 1) * w > (1ULL << 42));
	}
	CHECK_EQ(sched_nice_to_weight(0), 1024);
	CHECK_EQ(sched_nice_to_weight(-21), 88761);
	CHECK_EQ(sched_nice_to_weight(-1000), 88761);
	CHECK_EQ(sched_nice_to_weight(20), 15);
	CHECK_EQ(sched_nice_to_weight(1 << 30), 15);
}

UNIT_TEST(vruntime_scaling_needs_no_division)
{
	u64 deltas[] = {1, 999, 1000000, 123456789, 10ULL * 1000 * MS};

	for (int n = NICE_MIN; n <= NICE_MAX; n++) {
		u32 w = sched_nice_to_weight(n);

		for (size_t i = 0; i < ARRAY_SIZE(deltas); i++) {
			u64 exact = (u64)((unsigned __int128)deltas[i] * 1024 / w);
			u64 got = sim_fair_vdelta(deltas[i], n);

			/* the truncated inverse loses at most 1 part in 2^22 */
			CHECK(got <= exact && exact - got <= 1 + exact / (1ULL << 22));
		}
	}
}

static const struct cmdline_param *find_param(const char *name)
{
	for (const struct cmdline_param *p = __start_cmdline_params; p < __stop_cmdline_params; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

UNIT_TEST(sched_rr_ms_parameter)
{
	const struct cmdline_param *p = find_param("sched_rr_ms");
	u64 saved = sched_rr_timeslice_ns;

	CHECK_EQ(sched_rr_timeslice_ns, 100 * MS);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ(p->kind, CMDLINE_VALUE);
	CHECK_EQ(p->set("25"), 0);
	CHECK_EQ(sched_rr_timeslice_ns, 25 * MS);
	CHECK_EQ(p->set("0"), -EINVAL);
	CHECK_EQ(p->set(""), -EINVAL);
	CHECK_EQ(p->set("12ms"), -EINVAL);
	CHECK_EQ(p->set("-5"), -EINVAL);
	CHECK_EQ(p->set("10001"), -EINVAL);
	CHECK_EQ(p->set("99999999999999999999999"), -EINVAL);
	CHECK_EQ(sched_rr_timeslice_ns, 25 * MS);
	CHECK_EQ(p->set("10000"), 0);
	CHECK_EQ(sched_rr_timeslice_ns, 10000 * MS);
	sched_rr_timeslice_ns = saved;
}

/* ---- the rt class ---- */

UNIT_TEST(rt_picks_highest_priority_across_bitmap_words)
{
	static const int prio[] = {1, 64, 50, 99, 65, 50, 63, 2};
	static const char order[] = "DEBGCFHA";
	struct sim s;
	char got[sizeof(order)] = {0};

	sim_init(&s, 0);
	for (int i = 0; i < (int)ARRAY_SIZE(prio); i++)
		sim_add(&s, (char)('A' + i), SCHED_FIFO, prio[i], 0, 0, 0);
	sim_check(&s);
	CHECK_EQ(sim_rt->nr_queued(&s.rq), ARRAY_SIZE(prio));
	for (int i = 0; i < (int)ARRAY_SIZE(prio); i++) {
		struct thread *t = sim_rt->pick_next(&s.rq);

		got[i] = t ? sim_thread_of(t)->name : '?';
	}
	CHECK_STREQ(got, order);
	CHECK(sim_rt->pick_next(&s.rq) == NULL);
	CHECK_EQ(sim_rt_bitmap(&s, 0) | sim_rt_bitmap(&s, 1), 0);
	sim_free_threads(&s);
	sim_free(&s);
}

UNIT_TEST(rt_check_preempt_only_for_higher_priority)
{
	struct sim s;
	struct sim_thread *a, *b, *c, *d;

	sim_init(&s, 0);
	a = sim_add(&s, 'a', SCHED_FIFO, 50, 0, 0, 0);
	b = sim_add(&s, 'b', SCHED_FIFO, 51, 0, 0, 0);
	c = sim_add(&s, 'c', SCHED_RR, 50, 0, 0, 0);
	d = sim_add(&s, 'd', SCHED_RR, 49, 0, 0, 0);
	CHECK(sim_rt->check_preempt(&s.rq, &a->t, &b->t));
	CHECK(!sim_rt->check_preempt(&s.rq, &a->t, &c->t));
	CHECK(!sim_rt->check_preempt(&s.rq, &a->t, &d->t));
	CHECK(!sim_rt->check_preempt(&s.rq, &b->t, &a->t));
	CHECK(sim_rt->check_preempt(&s.rq, &d->t, &c->t));
	CHECK_EQ(sim_rt->slice_ns(&s.rq, &a->t), 0);
	sim_free_threads(&s);
	sim_free(&s);
}

/* Three FIFO threads at one priority, 10 ms of work each: one after another. */
UNIT_TEST(fifo_runs_to_completion_among_equals)
{
	struct sim s;

	sim_init(&s, 0);
	sim_add(&s, 'A', SCHED_FIFO, 50, 10 * MS, NEVER, 0);
	sim_add(&s, 'B', SCHED_FIFO, 50, 10 * MS, NEVER, 0);
	sim_add(&s, 'C', SCHED_FIFO, 50, 10 * MS, NEVER, 0);
	sim_run(&s, 100 * MS);
	CHECK_EQ(s.nlog, 4);
	s.log_name[s.nlog] = 0;
	CHECK_STREQ(s.log_name, "ABC.");
	CHECK_EQ(s.log_ns[1], 10 * MS);
	CHECK_EQ(s.log_ns[2], 20 * MS);
	CHECK_EQ(s.log_ns[3], 30 * MS);
	CHECK_EQ(s.idle_ns, 70 * MS);
	sim_free_threads(&s);
	sim_free(&s);
}

/* A CPU-bound FIFO thread is never made to share with its equals. */
UNIT_TEST(fifo_cpu_hog_keeps_the_cpu)
{
	struct sim s;
	struct sim_thread *a, *b;

	sim_init(&s, 0);
	a = sim_add(&s, 'A', SCHED_FIFO, 10, 0, 0, 0);
	b = sim_add(&s, 'B', SCHED_FIFO, 10, 0, 0, 0);
	sim_run(&s, 1000 * MS);
	CHECK_EQ(a->cpu_ns, 1000 * MS);
	CHECK_EQ(b->cpu_ns, 0);
	CHECK_EQ(s.nlog, 1);
	sim_free_threads(&s);
	sim_free(&s);
}

/* Three CPU-bound RR threads rotate every sched_rr_ms. */
UNIT_TEST(rr_rotates_equal_priorities)
{
	struct sim s;
	struct sim_thread *t[3];
	u64 saved = sched_rr_timeslice_ns;

	CHECK_EQ(find_param("sched_rr_ms")->set("20"), 0);
	sim_init(&s, 0);
	for (int i = 0; i < 3; i++)
		t[i] = sim_add(&s, (char)('A' + i), SCHED_RR, 10, 0, 0, 0);
	sim_run(&s, 300 * MS);
	CHECK(s.nlog >= 15);
	for (int i = 0; i < 15; i++) {
		CHECK_EQ(s.log_name[i], 'A' + i % 3);
		CHECK_EQ(s.log_ns[i], (u64)i * 20 * MS);
	}
	for (int i = 0; i < 3; i++)
		CHECK_EQ(t[i]->cpu_ns, 100 * MS);
	sched_rr_timeslice_ns = saved;
	sim_free_threads(&s);
	sim_free(&s);
}

/* Alone at its priority, an RR thread's quantum is renewed without a switch. */
UNIT_TEST(rr_alone_is_not_preempted)
{
	struct sim s;
	struct sim_thread *a, *low;

	sim_init(&s, 0);
	a = sim_add(&s, 'A', SCHED_RR, 20, 0, 0, 0);
	low = sim_add(&s, 'L', SCHED_RR, 10, 0, 0, 0);
	sim_run(&s, 1000 * MS);
	CHECK_EQ(a->cpu_ns, 1000 * MS);
	CHECK_EQ(low->cpu_ns, 0);
	CHECK_EQ(s.nlog, 1);
	sim_free_threads(&s);
	sim_free(&s);
}

/*
 * A preempted FIFO thread resumes before its equals; a preempted RR thread
 * resumes first and finishes only the rest of its quantum.
 */
UNIT_TEST(rt_preempted_thread_goes_back_to_the_head)
{
	struct sim s;
	u64 saved = sched_rr_timeslice_ns;

	sim_init(&s, 0);
	sim_add(&s, 'A', SCHED_FIFO, 10, 0, 0, 0);
	sim_add(&s, 'B', SCHED_FIFO, 10, 0, 0, 0);
	sim_add(&s, 'H', SCHED_FIFO, 20, 5 * MS, NEVER, 30 * MS);
	sim_run(&s, 100 * MS);
	s.log_name[s.nlog] = 0;
	CHECK_STREQ(s.log_name, "AHA");
	CHECK_EQ(s.log_ns[1], 30 * MS);
	CHECK_EQ(s.log_ns[2], 35 * MS);
	sim_free_threads(&s);
	sim_free(&s);

	sched_rr_timeslice_ns = 20 * MS;
	sim_init(&s, 0);
	sim_add(&s, 'A', SCHED_RR, 10, 0, 0, 0);
	sim_add(&s, 'B', SCHED_RR, 10, 0, 0, 0);
	sim_add(&s, 'H', SCHED_FIFO, 20, 5 * MS, NEVER, 10 * MS);
	sim_run(&s, 64 * MS);
	s.log_name[s.nlog] = 0;
	/* A 0-10, H 10-15, A 15-25 (rest of its quantum), B 25-45, A 45-65 */
	CHECK_STREQ(s.log_name, "AHABA");
	CHECK_EQ(s.log_ns[2], 15 * MS);
	CHECK_EQ(s.log_ns[3], 25 * MS);
	CHECK_EQ(s.log_ns[4], 45 * MS);
	sched_rr_timeslice_ns = saved;
	sim_free_threads(&s);
	sim_free(&s);
}

/* Yield sends the caller to the tail of its list (or straight back, if alone). */
UNIT_TEST(rt_yield_goes_to_the_tail)
{
	struct sim s;
	struct sim_thread *a, *b;

	sim_init(&s, 0);
	a = sim_add(&s, 'A', SCHED_FIFO, 10, 0, 0, 0);
	sim_run(&s, MS);
	CHECK(s.rq.curr == &a->t);
	sim_rt->yield(&s.rq, &a->t);
	sim_schedule(&s);
	CHECK(s.rq.curr == &a->t);
	b = sim_add(&s, 'B', SCHED_FIFO, 10, 0, 0, 0);
	sim_run(&s, MS);
	CHECK(s.rq.curr == &a->t);
	sim_rt->yield(&s.rq, &a->t);
	sim_schedule(&s);
	CHECK(s.rq.curr == &b->t);
	sim_check(&s);
	sim_rt->yield(&s.rq, &b->t);
	sim_schedule(&s);
	CHECK(s.rq.curr == &a->t);
	sim_check(&s);
	sim_free_threads(&s);
	sim_free(&s);
}

/* An RT thread that wakes takes the CPU from a fair thread at once, and gives it back. */
UNIT_TEST(rt_wakeup_preempts_fair_thread)
{
	struct sim s;
	struct sim_thread *f, *r;

	sim_init(&s, 0);
	f = sim_add(&s, 'F', SCHED_NORMAL, -20, 0, 0, 0);
	r = sim_add(&s, 'R', SCHED_FIFO, 1, 5 * MS, 45 * MS, 50 * MS);
	sim_run(&s, 180 * MS);
	s.log_name[s.nlog] = 0;
	CHECK_STREQ(s.log_name, "FRFRFRF");
	CHECK_EQ(s.log_ns[1], 50 * MS);
	CHECK_EQ(s.log_ns[2], 55 * MS);
	CHECK_EQ(r->max_wake_delay, 0);
	CHECK_EQ(r->cpu_ns, 15 * MS);
	CHECK_EQ(f->cpu_ns, 165 * MS);
	/* The core's rule inside the rt class: a higher class always comes first. */
	CHECK(sim_rt->priority > sim_fair->priority);
	sim_free_threads(&s);
	sim_free(&s);
}

/* ---- the fair class ---- */

static void run_hogs(const int *nice, int n, u64 dur, u64 *cpu)
{
	struct sim s;
	struct sim_thread *t[SIM_THREADS];

	sim_init(&s, 0);
	for (int i = 0; i < n; i++)
		t[i] = sim_add(&s, (char)('a' + i), SCHED_NORMAL, nice[i], 0, 0, 0);
	sim_run(&s, dur);
	for (int i = 0; i < n; i++)
		cpu[i] = t[i]->cpu_ns;
	sim_free_threads(&s);
	sim_free(&s);
}

UNIT_TEST(fair_equal_nice_share_equally)
{
	static const int nice[] = {0, 0};
	u64 cpu[2];

	run_hogs(nice, 2, 2000 * MS, cpu);
	CHECK(within_pct((double)cpu[0], (double)cpu[1], 5));
	CHECK_EQ(cpu[0] + cpu[1], 2000 * MS);
}

UNIT_TEST(fair_nice_0_vs_5)
{
	static const int nice[] = {0, 5};
	u64 cpu[2];

	run_hogs(nice, 2, 2000 * MS, cpu);
	CHECK(within_pct((double)cpu[0] / (double)cpu[1], 1024.0 / 335.0, 10));
}

UNIT_TEST(fair_mixed_nice_proportional_to_weight)
{
	static const int nice[10] = {-5, -3, -1, 0, 0, 2, 4, 6, 8, 10};
	u64 cpu[10], total_w = 0, total = 0;

	run_hogs(nice, 10, 2000 * MS, cpu);
	for (int i = 0; i < 10; i++) {
		total_w += sched_nice_to_weight(nice[i]);
		total += cpu[i];
	}
	CHECK_EQ(total, 2000 * MS);
	for (int i = 0; i < 10; i++) {
		double want = (double)total * sched_nice_to_weight(nice[i]) / (double)total_w;

		if (!within_pct((double)cpu[i], want, 10))
			unit_fail(__FILE__, __LINE__, "nice %d: %llu ns, want %.0f", nice[i],
				  (unsigned long long)cpu[i], want);
	}
}

/*
 * Extreme weights still share by weight. Over 60 s the nice 19 thread is
 * owed 10 ms, which it gets in min-granularity pieces of 0.75 ms.
 */
UNIT_TEST(fair_extreme_nice)
{
	static const int nice[] = {-20, 19, 0};
	u64 cpu[3], total_w = 0;

	run_hogs(nice, 3, 60000 * MS, cpu);
	for (int i = 0; i < 3; i++)
		total_w += sched_nice_to_weight(nice[i]);
	for (int i = 0; i < 3; i++)
		if (!within_pct((double)cpu[i],
				60000.0 * MS * sched_nice_to_weight(nice[i]) / (double)total_w, 10))
			unit_fail(__FILE__, __LINE__, "nice %d: %llu ns, want %.0f", nice[i],
				  (unsigned long long)cpu[i],
				  60000.0 * MS * sched_nice_to_weight(nice[i]) / (double)total_w);
}

/*
 * A thread that slept for a long time gets a bounded bonus: it runs at once,
 * but only for about half a latency period before the others run again.
 */
UNIT_TEST(fair_long_sleeper_does_not_monopolise)
{
	struct sim s;
	struct sim_thread *a, *b, *z;
	u64 a0, b0, z0;

	sim_init(&s, 0);
	a = sim_add(&s, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	b = sim_add(&s, 'b', SCHED_NORMAL, 0, 0, 0, 0);
	/* z runs 1 ms, sleeps 1 s, then wants 200 ms of CPU. */
	z = sim_add(&s, 'z', SCHED_NORMAL, 0, MS, 1000 * MS, 0);
	sim_run(&s, 500 * MS);
	CHECK(z->blocked);
	CHECK_EQ(z->cpu_ns, MS);
	z->burst_ns = z->burst_left = 200 * MS;
	sim_run(&s, z->wake_at - s.rq.clock_ns);
	CHECK(!z->blocked);
	a0 = a->cpu_ns, b0 = b->cpu_ns, z0 = z->cpu_ns;
	z->max_stint = 0;
	sim_run(&s, 300 * MS);
	CHECK_EQ(z->max_wake_delay, 0);
	CHECK(z->max_stint <= sim_fair_latency_ns);
	/* The bonus is latency/2 of vruntime: in 300 ms z gets its third plus at most that. */
	CHECK(z->cpu_ns - z0 <= 100 * MS + sim_fair_latency_ns / 2 + sim_fair_min_gran_ns);
	CHECK(within_pct((double)(a->cpu_ns - a0), 100.0 * MS, 5));
	CHECK(within_pct((double)(b->cpu_ns - b0), 100.0 * MS, 5));
	sim_free_threads(&s);
	sim_free(&s);
}

/*
 * A thread that runs 1 ms and sleeps 10 ms among two hogs: each time it
 * wakes, its vruntime is within half a latency period of min_vruntime, it
 * gets the CPU within a slice, and it gets all the CPU it asks for.
 */
UNIT_TEST(fair_waking_sleeper_is_scheduled_promptly)
{
	struct sim s;
	struct sim_thread *w;
	int wakes = 0;

	sim_init(&s, 0);
	sim_add(&s, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	sim_add(&s, 'b', SCHED_NORMAL, 0, 0, 0, 0);
	w = sim_add(&s, 'w', SCHED_NORMAL, 0, MS, 10 * MS, 0);
	for (int step = 0; step < 2000; step++) {
		bool was_blocked = w->blocked;

		sim_run(&s, 500 * US);
		if (was_blocked && !w->blocked) {
			s64 d = (s64)(vruntime_of(w) - sim_min_vruntime(&s));

			wakes++;
			CHECK(d >= -(s64)sim_fair_latency_ns / 2 && d <= (s64)sim_fair_latency_ns);
		}
	}
	CHECK(wakes > 80);
	CHECK(w->max_wake_delay <= sim_fair_latency_ns / 2);
	/* 1 ms of every 11 ms (under its fair third): it gets it all. */
	CHECK(within_pct((double)w->cpu_ns, 1000.0 * MS / 11, 10));
	sim_free_threads(&s);
	sim_free(&s);
}

/*
 * New threads start a slice's worth of vruntime after min_vruntime, so a
 * burst of them cannot starve the old ones: those keep their fair share.
 */
UNIT_TEST(fair_fork_storm_does_not_starve)
{
	struct sim s;
	struct sim_thread *a, *b, *n;
	u64 a0, b0, min;

	sim_init(&s, 0);
	a = sim_add(&s, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	b = sim_add(&s, 'b', SCHED_NORMAL, 0, 0, 0, 0);
	sim_run(&s, 500 * MS);
	a0 = a->cpu_ns, b0 = b->cpu_ns;
	for (int i = 0; i < 20; i++) {
		min = sim_min_vruntime(&s);
		n = sim_add(&s, (char)('A' + i), SCHED_NORMAL, 0, 0, 0, 0);
		CHECK(vruntime_of(n) - min >= sim_fair_min_gran_ns);
		CHECK(vruntime_of(n) - min <= sim_fair_latency_ns);
	}
	sim_run(&s, 1000 * MS);
	CHECK(within_pct((double)(a->cpu_ns - a0), 1000.0 * MS / 22, 10));
	CHECK(within_pct((double)(b->cpu_ns - b0), 1000.0 * MS / 22, 10));
	sim_free_threads(&s);
	sim_free(&s);
}

/* Wake-up preemption needs a lead larger than 1 ms, scaled by the woken thread's weight. */
UNIT_TEST(fair_wakeup_preemption_granularity)
{
	struct sim s;
	struct sim_thread *c;
	struct thread w0 = {0}, w5 = {.nice = 5};
	const struct sched_class *f = sim_fair;

	sim_init(&s, 0);
	c = sim_add(&s, 'c', SCHED_NORMAL, 0, 0, 0, 0);
	sim_run(&s, MS);
	CHECK(s.rq.curr == &c->t);
	CHECK(!f->tick(&s.rq, &c->t)); /* charge c's run so far */
	/* The woken threads are only looked at, never queued. */
	f->init_thread(&s.rq, &w0);
	f->init_thread(&s.rq, &w5);
	sim_set_vruntime(&c->t, 100 * MS);
	sim_set_vruntime(&w0, 100 * MS - 900 * US);
	CHECK(!f->check_preempt(&s.rq, &c->t, &w0));
	sim_set_vruntime(&w0, 100 * MS - 1100 * US);
	CHECK(f->check_preempt(&s.rq, &c->t, &w0));
	/* nice 5: 1 ms is 3.06 ms of its vruntime */
	sim_set_vruntime(&w5, 100 * MS - 3000 * US);
	CHECK(!f->check_preempt(&s.rq, &c->t, &w5));
	sim_set_vruntime(&w5, 100 * MS - 3100 * US);
	CHECK(f->check_preempt(&s.rq, &c->t, &w5));
	/* ahead of curr: never */
	sim_set_vruntime(&w0, 100 * MS + 5 * MS);
	CHECK(!f->check_preempt(&s.rq, &c->t, &w0));
	sim_free_threads(&s);
	sim_free(&s);
}

/* DEQ_MIGRATE/ENQ_MIGRATE keep the distance from min_vruntime; so does waking elsewhere. */
UNIT_TEST(fair_migration_keeps_relative_vruntime)
{
	struct sim s0, s1;
	struct sim_thread *m;
	u64 rel, min0, min1;

	sim_init(&s0, 0);
	sim_init(&s1, 0);
	s1.rq.cpu = 1;
	sim_add(&s0, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	sim_add(&s0, 'b', SCHED_NORMAL, 0, 0, 0, 0);
	m = sim_add(&s0, 'm', SCHED_NORMAL, 0, 0, 0, 0);
	sim_add(&s1, 'x', SCHED_NORMAL, 3, 0, 0, 0);
	sim_run(&s0, 100 * MS);
	sim_run(&s1, 777 * MS);
	for (int i = 0; i < 100 && s0.rq.curr == &m->t; i++) /* make sure m is waiting */
		sim_run(&s0, 500 * US);
	CHECK(s0.rq.curr != &m->t);
	/* Tickless: a thread running alone is charged at the next event. */
	sim_fair->tick(&s1.rq, s1.rq.curr);
	min0 = sim_min_vruntime(&s0);
	min1 = sim_min_vruntime(&s1);
	CHECK(min1 > min0 + 500 * MS);
	rel = vruntime_of(m) - min0;
	CHECK(rel < sim_fair_latency_ns);

	sim_fair->dequeue(&s0.rq, &m->t, DEQ_MIGRATE);
	s0.rq.nr_running--;
	sim_detach(&s0, m);
	sim_attach(&s1, m);
	sim_enqueue(&s1, m, ENQ_MIGRATE);
	CHECK_EQ(vruntime_of(m), min1 + rel);
	sim_check(&s0);
	sim_check(&s1);
	sim_run(&s1, 100 * MS);
	sim_run(&s0, 100 * MS);

	/* Now m sleeps on CPU 1 and is woken on CPU 0. */
	for (int i = 0; i < 100 && s1.rq.curr != &m->t; i++)
		sim_run(&s1, 500 * US);
	CHECK(s1.rq.curr == &m->t);
	sim_run(&s1, 200 * US);
	sim_block(&s1, NEVER);
	rel = vruntime_of(m) - sim_min_vruntime(&s1);
	CHECK((s64)rel > -(s64)sim_fair_latency_ns && (s64)rel < (s64)sim_fair_latency_ns);
	sim_wake(&s0, m);
	CHECK_EQ((s64)(vruntime_of(m) - sim_min_vruntime(&s0)),
		 MAX((s64)rel, -(s64)sim_fair_latency_ns / 2));
	sim_check(&s0);
	sim_check(&s1);
	sim_run(&s0, 100 * MS);
	sim_free_threads(&s0);
	sim_free_threads(&s1);
	sim_free(&s0);
	sim_free(&s1);
}

/* Yield hands the CPU to the waiting thread furthest behind. */
UNIT_TEST(fair_yield_lets_the_leftmost_run)
{
	struct sim s;
	struct sim_thread *a, *b;
	struct thread *first;

	sim_init(&s, 0);
	a = sim_add(&s, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	b = sim_add(&s, 'b', SCHED_NORMAL, 0, 0, 0, 0);
	sim_run(&s, 100 * US);
	first = s.rq.curr;
	sim_fair->yield(&s.rq, first);
	sim_schedule(&s);
	CHECK(s.rq.curr == (first == &a->t ? &b->t : &a->t));
	sim_check(&s);
	sim_free_threads(&s);
	sim_free(&s);
}

/* core.c sched_init(): the boot thread joins with init_thread + set_curr, never enqueued. */
UNIT_TEST(fair_thread_adopted_while_running)
{
	struct sim s;
	struct sim_thread *boot = calloc(1, sizeof(*boot)), *a;

	sim_init(&s, 0);
	boot->name = 'k';
	boot->t.class = sim_fair;
	boot->t.state = THREAD_RUNNABLE;
	sim_attach(&s, boot);
	sim_fair->init_thread(&s.rq, &boot->t);
	boot->t.exec_start_ns = s.rq.clock_ns;
	sim_fair->set_curr(&s.rq, &boot->t);
	s.rq.curr = &boot->t;
	s.rq.nr_running = 1;
	sim_check(&s);
	a = sim_add(&s, 'a', SCHED_NORMAL, 0, 0, 0, 0);
	sim_run(&s, 1000 * MS);
	CHECK(within_pct((double)boot->cpu_ns, (double)a->cpu_ns, 5));
	sim_free_threads(&s);
	sim_free(&s);
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random thread of s, or NULL. */
static struct sim_thread *pick_any(struct sim *s)
{
	return s->n ? s->th[rng() % (u64)s->n] : NULL;
}

/*
 * Two CPUs and 40 threads of every policy; 30000 random events (time passing
 * with ticks, blocking, waking on either CPU, yield, renice, policy changes,
 * migration). After each one every invariant of both run queues must hold.
 */
UNIT_TEST(random_events_keep_every_invariant)
{
	struct sim cpu[2];

	rng_state = 0x9e3779b97f4a7c15ULL;
	sim_init(&cpu[0], 5 * MS);
	sim_init(&cpu[1], 0);
	cpu[1].rq.cpu = 1;
	for (int i = 0; i < 40; i++) {
		u32 r = (u32)(rng() % 10);
		u32 policy = r < 7 ? SCHED_NORMAL : r < 9 ? SCHED_RR : SCHED_FIFO;
		int level = policy == SCHED_NORMAL ? (int)(rng() % 40) - 20 : (int)(rng() % 99) + 1;

		sim_add(&cpu[i % 2], (char)('!' + i), policy, level, 0, 0, 0);
	}
	for (int step = 0; step < 30000; step++) {
		struct sim *s = &cpu[rng() % 2], *o = s == &cpu[0] ? &cpu[1] : &cpu[0];
		struct thread *curr = s->rq.curr;
		struct sim_thread *st = pick_any(s);

		switch (rng() % 10) {
		case 0:
		case 1:
		case 2: /* time passes; the tick looks at curr */
			sim_advance(s, rng() % (3 * MS));
			if (curr != s->rq.idle && curr->class->tick(&s->rq, curr))
				s->need_resched = true;
			break;
		case 3: /* curr blocks */
			if (curr != s->rq.idle)
				sim_block(s, NEVER);
			break;
		case 4: /* a blocked thread wakes, here or on the other CPU */
			if (st && st->blocked)
				sim_wake(rng() % 2 ? s : o, st);
			break;
		case 5:
			if (curr != s->rq.idle) {
				curr->class->yield(&s->rq, curr);
				s->need_resched = true;
			}
			break;
		case 6: /* renice or change policy, running or waiting */
			if (st && !st->blocked) {
				u32 r = (u32)(rng() % 4);

				if (r < 2)
					sim_set_policy(s, st, SCHED_NORMAL, (int)(rng() % 40) - 20);
				else
					sim_set_policy(s, st, r == 2 ? SCHED_RR : SCHED_FIFO,
						       (int)(rng() % 99) + 1);
			}
			break;
		case 7: /* a waiting thread migrates */
			if (st && !st->blocked && &st->t != curr) {
				st->t.class->dequeue(&s->rq, &st->t, DEQ_MIGRATE);
				s->rq.nr_running--;
				sim_detach(s, st);
				sim_attach(o, st);
				sim_enqueue(o, st, ENQ_MIGRATE);
			}
			break;
		case 8: /* the core wants to know the slice */
			if (curr != s->rq.idle)
				CHECK(curr->class->slice_ns(&s->rq, curr) <= 10000 * MS);
			break;
		default:
			s->need_resched = true;
			break;
		}
		for (int c = 0; c < 2; c++) {
			if (cpu[c].need_resched)
				sim_schedule(&cpu[c]);
			sim_check(&cpu[c]);
		}
	}
	for (int c = 0; c < 2; c++) {
		sim_free_threads(&cpu[c]);
		sim_free(&cpu[c]);
	}
}
