/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_test.c - ktests for the scheduling classes (rt.c, fair.c, idle.c)
 * and the core's load balancing (core.c). The class tests drive the
 * registered classes on private run queues of their own (static memory,
 * never seen by the core), so they touch class logic only: no thread there
 * ever runs. tests/unit/test_sched.c covers the same classes in depth with a
 * simulated core; thread_test.c has most tests with real threads. The
 * balancing test runs real spinning threads on every CPU, and the FPU test
 * real user programs and kernel threads that switch while using the FPU.
 */
#include "cpu.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "sched_internal.h"
#include "signal.h"
#include "timer.h"
#include "userprog.h"

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

/*
 * fair's pick_next_after (the core's switch fast path) against put_prev +
 * pick_next: two private run queues get the same threads and the same
 * random events (ticks of time, wake-ups, sleeps, yields, nice changes); at
 * every switch one queue takes the fast path and the other the two calls,
 * and both must pick the same thread and keep the same order of waiting
 * threads.
 */
#define KT_EQ_THREADS 6

static u64 kt_rq2_data[SCHED_MAX_CLASSES][KT_RQ_WORDS];
static struct runqueue kt_rq2;
static struct thread kt_threads2[KT_EQ_THREADS];
static u64 kt_rng = 0x9e3779b97f4a7c15ull;

static u32 kt_rand(u32 n)
{
	kt_rng ^= kt_rng << 13;
	kt_rng ^= kt_rng >> 7;
	kt_rng ^= kt_rng << 17;
	return (u32)(kt_rng % n);
}

/* The order the fair class would run rq's waiting threads in, as thread indexes. */
static u32 kt_fair_order(const struct sched_class *fair, struct runqueue *rq, struct thread *base,
			 u32 *order)
{
	u32 n = 0;

	/* pick everything out, then put it back in the same order */
	for (struct thread *th; (th = fair->pick_next(rq)); n++)
		order[n] = (u32)(th - base);
	for (u32 i = 0; i < n; i++)
		fair->put_prev(rq, &base[order[i]]); /* not curr: queued again, in the same order */
	return n;
}

KTEST(sched, fair_fast_switch_matches_put_prev_and_pick)
{
	const struct sched_class *fair = kt_class("fair");
	struct runqueue *rqs[2] = {&kt_rq, &kt_rq2};
	struct thread *base[2] = {kt_threads, kt_threads2};
	struct thread *curr[2] = {NULL, NULL};
	u32 switches = 0;

	if (!fair || !kt_rq_setup(t))
		return;
	memset(&kt_rq2, 0, sizeof(kt_rq2));
	memset(kt_rq2_data, 0, sizeof(kt_rq2_data));
	memset(kt_threads2, 0, sizeof(kt_threads2));
	kt_rq2.idle = kt_rq2.curr = &kt_idle;
	kt_rq2.clock_ns = kt_rq.clock_ns;
	kt_rq2.class_data[fair->id] = kt_rq2_data[fair->id];
	fair->init_rq(&kt_rq2, kt_rq2_data[fair->id]);
	for (u32 i = 0; i < KT_EQ_THREADS; i++) {
		for (u32 q = 0; q < 2; q++) {
			struct thread *th = &base[q][i];

			th->tid = i;
			th->policy = SCHED_NORMAL;
			th->nice = (int)(i % 3) * 4 - 4;
			th->class = fair;
			th->state = THREAD_RUNNABLE;
			fair->init_thread(rqs[q], th);
			fair->enqueue(rqs[q], th, ENQ_NEW);
		}
	}
	for (u32 step = 0; step < 4000; step++) {
		u32 ev = kt_rand(8), who = kt_rand(KT_EQ_THREADS);
		u64 dt = (u64)kt_rand(3000000);

		for (u32 q = 0; q < 2; q++)
			rqs[q]->clock_ns += dt;
		if (ev == 0 && base[0][who].state == THREAD_BLOCKED) {
			for (u32 q = 0; q < 2; q++) { /* wake-up */
				base[q][who].state = THREAD_RUNNABLE;
				fair->enqueue(rqs[q], &base[q][who], ENQ_WAKEUP);
			}
			continue;
		}
		if (ev == 1 && curr[0] && base[0][who].state == THREAD_RUNNABLE &&
		    &base[0][who] != curr[0]) {
			for (u32 q = 0; q < 2; q++) { /* a queued thread sleeps */
				base[q][who].state = THREAD_BLOCKED;
				fair->dequeue(rqs[q], &base[q][who], DEQ_SLEEP);
			}
			continue;
		}
		/* a switch: curr yields (sometimes) and stays runnable, or it blocks (sometimes) */
		for (u32 q = 0; q < 2; q++) {
			struct thread *next;

			if (curr[q] && ev == 2)
				fair->yield(rqs[q], curr[q]);
			if (curr[q] && ev == 3) {
				curr[q]->state = THREAD_BLOCKED;
				fair->put_prev(rqs[q], curr[q]);
				fair->dequeue(rqs[q], curr[q], DEQ_SLEEP);
				next = fair->pick_next(rqs[q]);
			} else if (curr[q] && q == 0) {
				next = fair->pick_next_after(rqs[q], curr[q]);
			} else if (curr[q]) {
				fair->put_prev(rqs[q], curr[q]);
				next = fair->pick_next(rqs[q]);
			} else {
				next = fair->pick_next(rqs[q]);
			}
			if (next)
				fair->set_curr(rqs[q], next);
			curr[q] = next;
		}
		switches++;
		KT_EXPECT(t, (curr[0] ? (u32)(curr[0] - kt_threads) : ~0u) ==
				     (curr[1] ? (u32)(curr[1] - kt_threads2) : ~0u));
		for (u32 i = 0; i < KT_EQ_THREADS; i++)
			KT_EXPECT_EQ(t, kt_threads[i].runtime_ns, kt_threads2[i].runtime_ns);
		if (step % 50 == 0) {
			u32 o0[KT_EQ_THREADS], o1[KT_EQ_THREADS];
			u32 n0 = kt_fair_order(fair, rqs[0], kt_threads, o0);
			u32 n1 = kt_fair_order(fair, rqs[1], kt_threads2, o1);

			KT_EXPECT_EQ(t, n0, n1);
			KT_EXPECT(t, n0 == n1 && !memcmp(o0, o1, n0 * sizeof(o0[0])));
		}
		if (t->failures)
			break;
	}
	KT_EXPECT(t, switches > 1000);
}

/*
 * Periodic balancing (core.c, balance_tick): every CPU but 0 runs one
 * spinner pinned to it, so no CPU is ever idle and the idle pull cannot
 * act; CPU 0 then gets four unpinned spinners. After 200 ms the busy CPUs'
 * balance ticks must have spread them (a per-CPU count of periodic moves
 * went up, the idle pull's did not), the spinners must be spread within one
 * of each other, and the pinned ones must never have run anywhere else.
 * With one CPU nothing may move.
 */
#define KT_BAL_FREE 4

static volatile bool bal_stop;
static volatile u32 bal_started;
static volatile u64 bal_ran_on[MAX_CPUS + KT_BAL_FREE];

static void bal_spinner(void *arg)
{
	u32 i = (u32)(uintptr_t)arg;

	__atomic_fetch_add(&bal_started, 1, __ATOMIC_RELAXED);
	while (!bal_stop)
		bal_ran_on[i] |= 1ull << this_cpu()->id;
}

static void bal_counts(u64 *balanced, u64 *pulled)
{
	*balanced = *pulled = 0;
	for (u32 c = 0; c < nr_cpus; c++) {
		*balanced += __atomic_load_n(&cpu_rq(c)->nr_balanced, __ATOMIC_RELAXED);
		*pulled += __atomic_load_n(&cpu_rq(c)->nr_pulled, __ATOMIC_RELAXED);
	}
}

KTEST(sched, periodic_balance_spreads_threads_of_busy_cpus)
{
	u32 n = nr_cpus, per_cpu[MAX_CPUS] = {0}, most = 0, least = ~0u;
	struct thread *pinned[MAX_CPUS] = {NULL}, *spin[KT_BAL_FREE] = {NULL};
	u64 bal0, pull0, bal1, pull1;

	KT_EXPECT_EQ(t, sched_set_affinity(current_thread(), 1), 0); /* create from CPU 0 */
	bal_stop = false;
	bal_started = 0;
	memset((void *)bal_ran_on, 0, sizeof(bal_ran_on));
	for (u32 c = 1; c < n; c++) {
		struct thread_attr attr = {.policy = SCHED_NORMAL, .affinity = 1ull << c};

		pinned[c] =
			thread_create("ktest-bal-pinned", bal_spinner, (void *)(uintptr_t)c, &attr);
		KT_EXPECT(t, pinned[c] != NULL);
	}
	for (u32 tries = 0; tries < 2000 && bal_started < n - 1; tries++)
		sched_sleep_ns(1000000);
	KT_EXPECT_EQ(t, bal_started, n - 1); /* every other CPU is busy now */
	bal_counts(&bal0, &pull0);
	for (u32 i = 0; i < KT_BAL_FREE; i++) {
		spin[i] = thread_create("ktest-bal-free", bal_spinner,
					(void *)(uintptr_t)(MAX_CPUS + i), NULL);
		KT_EXPECT(t, spin[i] != NULL);
	}
	sched_sleep_ns(200000000);
	bal_counts(&bal1, &pull1);
	for (u32 c = 1; c < n; c++)
		per_cpu[c]++; /* its pinned spinner */
	for (u32 i = 0; i < KT_BAL_FREE; i++)
		if (spin[i])
			per_cpu[__atomic_load_n(&spin[i]->cpu, __ATOMIC_RELAXED)]++;
	bal_stop = true;
	for (u32 c = 1; c < n; c++)
		if (pinned[c])
			thread_join(pinned[c]);
	for (u32 i = 0; i < KT_BAL_FREE; i++)
		if (spin[i])
			thread_join(spin[i]);
	KT_EXPECT_EQ(t, sched_set_affinity(current_thread(), ~0ull), 0);
	for (u32 c = 0; c < n; c++) {
		most = MAX(most, per_cpu[c]);
		least = MIN(least, per_cpu[c]);
	}
	kprintf("# %u CPUs: spinners per CPU at the end %u..%u; periodic moves %llu, idle pulls "
		"%llu\n",
		n, least, most, (unsigned long long)(bal1 - bal0),
		(unsigned long long)(pull1 - pull0));
	for (u32 c = 1; c < n; c++)
		KT_EXPECT_EQ(t, bal_ran_on[c], 1ull << c); /* pinned: never moved */
	if (n == 1) {
		KT_EXPECT_EQ(t, bal1, bal0);
		KT_EXPECT_EQ(t, per_cpu[0], KT_BAL_FREE);
		return;
	}
	KT_EXPECT(t, bal1 > bal0);     /* the periodic path moved threads */
	KT_EXPECT_EQ(t, pull1, pull0); /* and no CPU was idle to pull */
	KT_EXPECT(t, most - least <= 1);
}

/*
 * FPU state is switched only for threads that use it (arch thread.c: a
 * thread's first FPU instruction traps and makes it "active"). Two user
 * programs (fpu_check: %xmm0-7, MXCSR and the x87 control word, checked
 * after each of 3000 yields) and two kernel threads doing the same with
 * %xmm0-3 and yields run side by side and must all keep their values. Then
 * a thread that never used the FPU must see the initial state, not what the
 * one before it left in the registers.
 */
#define KT_FPU_ROUNDS 3000

static volatile int fpu_user_exit[2];
static volatile bool fpu_kernel_bad[2];
static volatile u64 fpu_fresh_xmm0;
static volatile u32 fpu_fresh_mxcsr;

static void fpu_user_runner(void *arg)
{
	fpu_user_exit[(uintptr_t)arg] = userprog_run("fpu_check");
}

static void fpu_kernel_yielder(void *arg)
{
	u64 base = 0x3c3c000000000000ull + ((u64)(uintptr_t)arg << 32), v0, v1, v2, v3;

	__asm__ volatile("movq %0, %%xmm0" : : "r"(base));
	__asm__ volatile("movq %0, %%xmm1" : : "r"(base + 1));
	__asm__ volatile("movq %0, %%xmm2" : : "r"(base + 2));
	__asm__ volatile("movq %0, %%xmm3" : : "r"(base + 3));
	for (int n = 0; n < KT_FPU_ROUNDS; n++) {
		sched_yield();
		__asm__ volatile("movq %%xmm0, %0" : "=r"(v0));
		__asm__ volatile("movq %%xmm1, %0" : "=r"(v1));
		__asm__ volatile("movq %%xmm2, %0" : "=r"(v2));
		__asm__ volatile("movq %%xmm3, %0" : "=r"(v3));
		if (v0 != base || v1 != base + 1 || v2 != base + 2 || v3 != base + 3)
			fpu_kernel_bad[(uintptr_t)arg] = true;
	}
}

static void fpu_leave_values(void *arg)
{
	u64 v = 0xdeadbeefcafef00dull;
	u32 mxcsr = 0x1f80 | 3u << 13; /* round toward zero */

	(void)arg;
	__asm__ volatile("movq %0, %%xmm0" : : "r"(v));
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	sched_yield();
}

static void fpu_fresh_reader(void *arg)
{
	u64 v;
	u32 mxcsr;

	(void)arg;
	__asm__ volatile("movq %%xmm0, %0" : "=r"(v));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	fpu_fresh_xmm0 = v;
	fpu_fresh_mxcsr = mxcsr;
}

KTEST(sched, fpu_state_kept_for_user_and_kernel_threads)
{
	struct thread_attr cpu0 = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *th[4], *leaver, *fresh;

	fpu_user_exit[0] = fpu_user_exit[1] = -1;
	fpu_kernel_bad[0] = fpu_kernel_bad[1] = false;
	th[0] = thread_create("ktest-fpu-user0", fpu_user_runner, (void *)0, &cpu0);
	th[1] = thread_create("ktest-fpu-user1", fpu_user_runner, (void *)1, &cpu0);
	th[2] = thread_create("ktest-fpu-kern0", fpu_kernel_yielder, (void *)0, &cpu0);
	th[3] = thread_create("ktest-fpu-kern1", fpu_kernel_yielder, (void *)1, &cpu0);
	for (int i = 0; i < 4; i++) {
		KT_EXPECT(t, th[i] != NULL);
		if (th[i])
			thread_join(th[i]);
	}
	KT_EXPECT_EQ(t, fpu_user_exit[0], 0);
	KT_EXPECT_EQ(t, fpu_user_exit[1], 0);
	KT_EXPECT(t, !fpu_kernel_bad[0]);
	KT_EXPECT(t, !fpu_kernel_bad[1]);

	fpu_fresh_xmm0 = 1;
	fpu_fresh_mxcsr = 0;
	leaver = thread_create("ktest-fpu-leaver", fpu_leave_values, NULL, &cpu0);
	fresh = thread_create("ktest-fpu-fresh", fpu_fresh_reader, NULL, &cpu0);
	KT_EXPECT(t, leaver && fresh);
	if (leaver)
		thread_join(leaver);
	if (fresh)
		thread_join(fresh);
	KT_EXPECT_EQ(t, fpu_fresh_xmm0, 0);
	KT_EXPECT_EQ(t, fpu_fresh_mxcsr, 0x1f80);
}

/*
 * The syscall exit (entry.S) must give user mode back every register the
 * ABI keeps, on the fast path and through syscall_exit_work() alike:
 * sysret_regs checks %rbx %rbp %r12-%r15, the argument registers and the
 * result around each of 20000 null and yield system calls. The first run takes the
 * fast path; in the second a blocked, pending SIGUSR1 keeps sig_work set
 * (nothing delivers a blocked signal), so from the moment it is sent every
 * return goes through syscall_exit_work, as the per-CPU count shows.
 */
static u64 kt_exit_work_calls(void)
{
	u64 n = 0;

	for (u32 c = 0; c < nr_cpus; c++)
		n += __atomic_load_n(&cpus[c].exit_work_calls, __ATOMIC_RELAXED);
	return n;
}

KTEST(sched, syscall_exit_work_keeps_registers)
{
	const struct userprog *u = userprog_find("sysret_regs");
	struct process *p;
	u64 before;

	KT_EXPECT(t, u != NULL);
	if (!u)
		return;
	KT_EXPECT_EQ(t, userprog_run("sysret_regs"), 0);
	before = kt_exit_work_calls();
	p = proc_spawn_flat("sysret_regs", u->start, (size_t)(u->end - u->start),
			    USERPROG_LOAD_ADDR, u->entry);
	KT_EXPECT(t, p != NULL);
	if (!p)
		return;
	/* A test's liberty: the mask is normally the thread's own to change. */
	__atomic_fetch_or(&p->main_thread->sig_blocked, SIGMASK(SIGUSR1), __ATOMIC_RELAXED);
	signal_send_thread(p->main_thread, SIGUSR1);
	KT_EXPECT_EQ(t, proc_wait(p), 0);
	kprintf("# %llu syscall returns through syscall_exit_work\n",
		(unsigned long long)(kt_exit_work_calls() - before));
	KT_EXPECT(t, kt_exit_work_calls() - before >= 100);
}
