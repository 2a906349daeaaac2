/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread_test.c - ktests of real kernel threads on the real scheduler:
 * creation and join, FPU state across preemption, real-time preemption and
 * FIFO/RR order, fair CPU shares by nice level, sleeping, and the
 * benchmarks of thread switches. Time-based tests assert shares and order,
 * never durations.
 */
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "kbench.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "sched.h"
#include "timer.h"

static volatile u64 counters[4];

static void count_with_yields(void *arg)
{
	u64 i = (u64)(uintptr_t)arg;

	for (int n = 0; n < 1000; n++) {
		counters[i]++;
		if (n % 10 == 0)
			sched_yield();
	}
}

KTEST(sched, threads_run_and_join)
{
	struct thread *th[4];

	for (int i = 0; i < 4; i++) {
		counters[i] = 0;
		th[i] = thread_create("ktest-count", count_with_yields, (void *)(uintptr_t)i, NULL);
		KT_EXPECT(t, th[i] != NULL);
	}
	for (int i = 0; i < 4; i++)
		if (th[i])
			KT_EXPECT_EQ(t, thread_join(th[i]), 0);
	for (int i = 0; i < 4; i++)
		KT_EXPECT_EQ(t, counters[i], 1000);
}

static void sleeper(void *arg)
{
	u64 *woke = arg;

	sched_sleep_ns(2000000);
	*woke = clock_ns();
}

KTEST(sched, sleep_lasts_at_least_its_time)
{
	u64 woke = 0, start = clock_ns();
	struct thread *th = thread_create("ktest-sleep", sleeper, &woke, NULL);

	KT_EXPECT(t, th != NULL);
	if (th)
		thread_join(th);
	KT_EXPECT(t, woke >= start + 2000000);
}

/* ---- FPU state across preemption ---- */

static volatile bool fpu_bad[2];

static void fpu_worker(void *arg)
{
	u64 mine = 0x1111111111111111ull * ((uintptr_t)arg + 1), got = 0;
	u64 end = clock_ns() + 60000000; /* 60 ms: many slices of the other thread */

	__asm__ volatile("movq %0, %%xmm0" : : "r"(mine));
	while (clock_ns() < end) {
		__asm__ volatile("movq %%xmm0, %0" : "=r"(got));
		if (got != mine)
			fpu_bad[(uintptr_t)arg] = true;
	}
}

KTEST(sched, fpu_state_survives_preemption)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *a, *b;

	fpu_bad[0] = fpu_bad[1] = false;
	a = thread_create("ktest-fpu0", fpu_worker, (void *)0, &attr);
	b = thread_create("ktest-fpu1", fpu_worker, (void *)1, &attr);
	KT_EXPECT(t, a && b);
	if (a)
		thread_join(a);
	if (b)
		thread_join(b);
	KT_EXPECT(t, !fpu_bad[0]);
	KT_EXPECT(t, !fpu_bad[1]);
}

/* ---- real-time ---- */

static volatile u64 fair_spins;
static volatile bool rt_stop;
static volatile u64 rt_saw_before, rt_saw_after;

static void fair_spinner(void *arg)
{
	(void)arg;
	while (!rt_stop)
		fair_spins++;
}

static void rt_waker(void *arg)
{
	(void)arg;
	sched_sleep_ns(5000000);
	/* Woken: we run before the fair spinner gets the CPU back, and keep it. */
	rt_saw_before = fair_spins;
	for (volatile int i = 0; i < 200000; i++)
		;
	rt_saw_after = fair_spins;
	rt_stop = true;
}

KTEST(sched, rt_wakeup_preempts_fair_thread)
{
	struct thread_attr fair = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread_attr rt = {.policy = SCHED_FIFO, .rt_prio = 50, .affinity = 1};
	struct thread *f, *r;

	fair_spins = 0;
	rt_stop = false;
	f = thread_create("ktest-fair", fair_spinner, NULL, &fair);
	r = thread_create("ktest-rt", rt_waker, NULL, &rt);
	KT_EXPECT(t, f && r);
	if (r)
		thread_join(r);
	if (f)
		thread_join(f);
	KT_EXPECT(t, rt_saw_before > 0); /* the fair thread ran while the RT one slept */
	KT_EXPECT_EQ(t, rt_saw_after, rt_saw_before); /* and not at all while it ran */
}

static char order_log[64];
static volatile u32 order_len;

static struct completion pair_go;

static void logger(void *arg)
{
	char id = (char)(uintptr_t)arg;

	wait_for_completion(&pair_go); /* both exist and start together */

	for (int n = 0; n < 3; n++) {
		u64 end = clock_ns() + 3000000; /* longer than the RR slice below */

		while (clock_ns() < end)
			;
		order_log[order_len++] = id;
	}
}

static void run_pair(u32 policy, struct ktest *t)
{
	struct thread_attr attr = {.policy = policy, .rt_prio = 40, .affinity = 1};
	struct thread *a, *b;

	order_len = 0;
	memset(order_log, 0, sizeof(order_log));
	completion_init(&pair_go, "ktest pair start");
	a = thread_create("ktest-A", logger, (void *)(uintptr_t)'A', &attr);
	b = thread_create("ktest-B", logger, (void *)(uintptr_t)'B', &attr);
	KT_EXPECT(t, a && b);
	complete_all(&pair_go);
	if (a)
		thread_join(a);
	if (b)
		thread_join(b);
}

KTEST(sched, fifo_runs_to_completion)
{
	run_pair(SCHED_FIFO, t);
	/* whichever woke first runs all its steps before the other starts */
	KT_EXPECT(t, !strcmp(order_log, "AAABBB") || !strcmp(order_log, "BBBAAA"));
}

KTEST(sched, round_robin_rotates)
{
	u64 saved = sched_rr_timeslice_ns;

	sched_rr_timeslice_ns = 1000000; /* 1 ms: each 3 ms step spans several slices */
	run_pair(SCHED_RR, t);
	sched_rr_timeslice_ns = saved;
	KT_EXPECT_EQ(t, order_len, 6);
	KT_EXPECT(t, strcmp(order_log, "AAABBB") != 0 && strcmp(order_log, "BBBAAA") != 0);
}

/* ---- fair shares ---- */

static volatile bool share_stop;

static void hog(void *arg)
{
	(void)arg;
	while (!share_stop)
		;
}

/* Run two CPU hogs with the given nice levels for 2 s; return their runtimes. */
static void share(int nice_a, int nice_b, u64 *ra, u64 *rb, struct ktest *t)
{
	struct thread_attr a_attr = {.policy = SCHED_NORMAL, .nice = nice_a, .affinity = 1};
	struct thread_attr b_attr = {.policy = SCHED_NORMAL, .nice = nice_b, .affinity = 1};
	struct thread *a, *b;

	share_stop = false;
	a = thread_create("ktest-hogA", hog, NULL, &a_attr);
	b = thread_create("ktest-hogB", hog, NULL, &b_attr);
	KT_EXPECT(t, a && b);
	sched_sleep_ns(2000000000ull);
	*ra = a ? a->runtime_ns : 0;
	*rb = b ? b->runtime_ns : 0;
	share_stop = true;
	if (a)
		thread_join(a);
	if (b)
		thread_join(b);
}

KTEST(sched, equal_nice_share_equally)
{
	u64 a = 0, b = 0;

	share(0, 0, &a, &b, t);
	kprintf("# nice 0 vs 0: %llu vs %llu us\n", (unsigned long long)a / 1000,
		(unsigned long long)b / 1000);
	KT_EXPECT(t, a > 0 && b > 0);
	/* within 5% of each other */
	KT_EXPECT(t, a * 100 <= b * 105 && b * 100 <= a * 105);
}

KTEST(sched, nice_5_gets_a_third)
{
	u64 a = 0, b = 0;

	share(0, 5, &a, &b, t);
	kprintf("# nice 0 vs 5: %llu vs %llu us (ideal 1024:335)\n", (unsigned long long)a / 1000,
		(unsigned long long)b / 1000);
	KT_EXPECT(t, b > 0);
	/* a/b within 10% of 1024/335 */
	KT_EXPECT(t, a * 335 * 100 >= b * 1024 * 90 && a * 335 * 100 <= b * 1024 * 110);
}

/* ---- benchmarks ---- */

static volatile bool pingpong_stop;

static void yielder(void *arg)
{
	(void)arg;
	while (!pingpong_stop)
		sched_yield();
}

KBENCH(sched, yield_pingpong)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *other;
	u64 t0, n = 20000;

	pingpong_stop = false;
	other = thread_create("bench-yield", yielder, NULL, &attr);
	if (!other)
		return;
	if (sched_set_affinity(current_thread(), 1))
		return;
	t0 = kbench_cycles();
	for (u64 i = 0; i < n; i++)
		sched_yield();
	kbench_report("yield_pingpong_switch", (kbench_cycles() - t0) / (2 * n), "insns");
	pingpong_stop = true;
	thread_join(other);
	if (sched_set_affinity(current_thread(), ~0ull))
		kprintf("# could not restore affinity\n");
}

/* ---- CPUs and affinity ---- */

static volatile u64 ran_on[4];
static volatile bool spread_stop;
/*
 * The CPUs a test waits to see used (0: none, run the whole 30 ms): the
 * threads stop as soon as all of ran_on[] together covers them, or after a
 * generous 2 s - QEMU's virtual CPUs are host threads, and on a loaded host
 * one may not run at all for a while.
 */
static volatile u64 spread_goal;
static volatile bool spread_any; /* one CPU of spread_goal is enough */

static void record_cpus(void *arg)
{
	u64 i = (u64)(uintptr_t)arg;
	u64 goal = spread_goal;
	u64 end = clock_ns() + (goal ? 2000000000ull : 30000000ull);

	while (clock_ns() < end && !spread_stop) {
		u64 seen;

		ran_on[i] |= 1ull << this_cpu()->id;
		seen = (ran_on[0] | ran_on[1] | ran_on[2] | ran_on[3]) & goal;
		if (goal && (spread_any ? seen != 0 : seen == goal))
			break;
	}
}

KTEST(sched, threads_spread_over_all_cpus)
{
	struct thread *th[4];
	u64 all = 0, want = nr_cpus >= 4 ? 0xf : (1ull << nr_cpus) - 1;

	spread_stop = false;
	spread_goal = want;
	for (int i = 0; i < 4; i++)
		ran_on[i] = 0;
	for (int i = 0; i < 4; i++) {
		th[i] = thread_create("ktest-spread", record_cpus, (void *)(uintptr_t)i, NULL);
		KT_EXPECT(t, th[i] != NULL);
	}
	for (int i = 0; i < 4; i++) {
		if (th[i])
			thread_join(th[i]);
		all |= ran_on[i];
	}
	spread_goal = 0;
	kprintf("# 4 threads ran on CPU mask %#llx with %u CPUs online\n", (unsigned long long)all,
		nr_cpus);
	KT_EXPECT_EQ(t, all & want, want);
}

KTEST(sched, affinity_is_respected)
{
	u32 last = nr_cpus - 1; /* the highest CPU: CPU 0 on a single CPU */
	struct thread_attr attr = {.policy = SCHED_NORMAL, .affinity = 1ull << last};
	struct thread *th;

	ran_on[0] = 0;
	spread_stop = false;
	th = thread_create("ktest-pinned", record_cpus, (void *)0, &attr);
	KT_EXPECT(t, th != NULL);
	if (th)
		thread_join(th);
	KT_EXPECT_EQ(t, ran_on[0], 1ull << last);
	/* An affinity with no online CPU is refused. */
	KT_EXPECT_EQ(t, sched_set_affinity(current_thread(), 1ull << 40), (u64)-EINVAL);
}

KTEST(sched, idle_cpu_pulls_waiting_thread)
{
	struct thread_attr pinned = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *a, *b;
	u64 both;

	spread_stop = false;
	ran_on[0] = ran_on[1] = ran_on[2] = ran_on[3] = 0;
	spread_goal = nr_cpus > 1 ? ~1ull : 0; /* any CPU but 0 */
	spread_any = true;
	a = thread_create("ktest-pullA", record_cpus, (void *)0, &pinned);
	b = thread_create("ktest-pullB", record_cpus, (void *)1, &pinned);
	KT_EXPECT(t, a && b);
	if (!a || !b)
		return;
	/* Both queue on CPU 0; widen their masks: an idle CPU should take one. */
	KT_EXPECT_EQ(t, sched_set_affinity(a, ~0ull), 0);
	KT_EXPECT_EQ(t, sched_set_affinity(b, ~0ull), 0);
	thread_join(a);
	thread_join(b);
	spread_goal = 0;
	spread_any = false;
	both = ran_on[0] | ran_on[1];
	kprintf("# after widening, the two threads ran on CPU mask %#llx\n",
		(unsigned long long)both);
	if (nr_cpus > 1)
		KT_EXPECT(t, both & ~1ull); /* not only CPU 0 any more */
	else
		KT_EXPECT_EQ(t, both, 1);
}

KTEST(sched, set_policy_validates_and_switches_class)
{
	struct thread *me = current_thread();
	const struct sched_class *fair = me->class;

	KT_EXPECT_EQ(t, sched_set_policy(me, SCHED_FIFO, 0), (u64)-EINVAL);
	KT_EXPECT_EQ(t, sched_set_policy(me, SCHED_FIFO, 100), (u64)-EINVAL);
	KT_EXPECT_EQ(t, sched_set_policy(me, SCHED_NORMAL, 20), (u64)-EINVAL);
	KT_EXPECT_EQ(t, sched_set_policy(me, 77, 0), (u64)-EINVAL);
	/* the running thread changes class and keeps running */
	KT_EXPECT_EQ(t, sched_set_policy(me, SCHED_FIFO, 10), 0);
	KT_EXPECT_EQ(t, me->policy, SCHED_FIFO);
	KT_EXPECT(t, me->class != fair);
	sched_yield();
	KT_EXPECT_EQ(t, sched_set_policy(me, SCHED_NORMAL, 0), 0);
	KT_EXPECT(t, me->class == fair);
	KT_EXPECT_EQ(t, me->state, THREAD_RUNNABLE);
}
