/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sync.c - host tests of kernel/sched/spinlock.c and waitq.c over the
 * scheduler fake in sched_stub.c. Spinlocks are checked for their ticket
 * bookkeeping, FIFO hand-over and mutual exclusion with real host threads
 * standing in for CPUs; lock-order checking for counting, once-per-pair
 * reports and the run-queue address rule. Wait queues, mutexes, semaphores
 * and completions are checked single-threaded: the test plays each thread
 * in turn, and the stub's sched_block() hook does what other threads would
 * do while the caller sleeps. sync.mk builds this file with
 * CONFIG_LOCK_DEBUG=1 (test_sync) and 0 (test_sync_nodebug).
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "arch_host.h"
#include "config.h"
#include "errno.h"
#include "sched_stub.h"
#include "sync.h"
#include "unit.h"

static struct thread threads[4];
static struct thread *const T1 = &threads[1], *const T2 = &threads[2], *const T3 = &threads[3];

/* Fresh stub with T1..T3 runnable and T1 running on CPU 0. */
static void setup(void)
{
	memset(threads, 0, sizeof(threads));
	for (int i = 1; i < 4; i++) {
		threads[i].tid = (u64)i;
		snprintf(threads[i].name, sizeof(threads[i].name), "T%d", i);
		threads[i].state = THREAD_RUNNABLE;
	}
	stub_reset(T1);
}

static u32 preempt_count(void)
{
	return this_cpu()->preempt_count;
}

static bool log_has(const char *s)
{
	return strstr(stub_log(), s) != NULL;
}

/* ---- spinlocks: ticket bookkeeping ---- */

UNIT_TEST(spin_init_and_static_init_agree)
{
	struct spinlock a = SPINLOCK_INIT("a", LOCK_RANK_TIMER), b;

	spin_init(&b, "a", LOCK_RANK_TIMER);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK(!spin_is_locked(&a));
}

UNIT_TEST(spin_lock_takes_a_ticket_and_unlock_serves_the_next)
{
	struct spinlock l = SPINLOCK_INIT("l", LOCK_RANK_NONE);

	setup();
	spin_lock(&l);
	CHECK_EQ(l.next, 1);
	CHECK_EQ(l.owner, 0);
	CHECK(spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 1);
	spin_unlock(&l);
	CHECK_EQ(l.owner, 1);
	CHECK(!spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 0);
}

UNIT_TEST(spin_tickets_wrap_around)
{
	struct spinlock l = SPINLOCK_INIT("l", LOCK_RANK_NONE);

	setup();
	l.owner = l.next = 0xffff;
	spin_lock(&l);
	CHECK_EQ(l.next, 0);
	spin_unlock(&l);
	CHECK_EQ(l.owner, 0);
	CHECK(!spin_is_locked(&l));
}

UNIT_TEST(spin_trylock_fails_when_held_and_leaves_no_trace)
{
	struct spinlock l = SPINLOCK_INIT("l", LOCK_RANK_NONE);

	setup();
	CHECK(spin_trylock(&l));
	CHECK_EQ(preempt_count(), 1);
	stub_set_cpu(1); /* another CPU tries */
	CHECK(!spin_trylock(&l));
	CHECK_EQ(preempt_count(), 0);
	CHECK_EQ(l.next, 1);
	stub_set_cpu(0);
	spin_unlock(&l);
	CHECK_EQ(preempt_count(), 0);
	/* A waiter holding a ticket (next != owner) makes trylock fail too. */
	l.next++;
	CHECK(!spin_trylock(&l));
	l.owner++;
	CHECK(spin_trylock(&l));
	spin_unlock(&l);
}

UNIT_TEST(spin_irqsave_pairs_with_irqrestore)
{
	struct spinlock l = SPINLOCK_INIT("l", LOCK_RANK_NONE);
	unsigned long f;

	setup();
	f = spin_lock_irqsave(&l);
	CHECK(spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 1);
	spin_unlock_irqrestore(&l, f);
	CHECK(!spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 0);
}

/* ---- spinlocks: real contention between host threads playing CPUs ---- */

static struct spinlock fifo_lock = SPINLOCK_INIT("fifo", LOCK_RANK_NONE);
static int fifo_order[4], fifo_n;

static void *fifo_cpu(void *arg)
{
	int id = (int)(uintptr_t)arg;

	stub_set_cpu((u32)id);
	spin_lock(&fifo_lock);
	fifo_order[fifo_n++] = id;
	spin_unlock(&fifo_lock);
	return NULL;
}

UNIT_TEST(spin_waiters_are_served_in_ticket_order)
{
	pthread_t th[4];

	setup();
	fifo_n = 0;
	spin_lock(&fifo_lock);
	/* Start waiters one at a time, each only once the previous one holds a ticket. */
	for (int i = 1; i < 4; i++) {
		u16 want = (u16)(fifo_lock.owner + 1 + i);

		pthread_create(&th[i], NULL, fifo_cpu, (void *)(uintptr_t)i);
		while (__atomic_load_n(&fifo_lock.next, __ATOMIC_ACQUIRE) != want)
			;
	}
	spin_unlock(&fifo_lock);
	for (int i = 1; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(fifo_n, 3);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(fifo_order[i], i + 1);
}

/*
 * A ticket lock's next holder must be running for anyone to progress, so
 * use no more host threads than host CPUs: an oversubscribed ticket lock
 * waits a scheduler time slice per hand-over.
 */
#define CONTEND_CPUS_MAX 4
#define CONTEND_ITERS 50000
static struct spinlock count_lock = SPINLOCK_INIT("count", LOCK_RANK_TIMER);
static u64 shared_count;

static void *contend_cpu(void *arg)
{
	stub_set_cpu((u32)(uintptr_t)arg);
	for (int i = 0; i < CONTEND_ITERS; i++) {
		if (i & 1) {
			unsigned long f = spin_lock_irqsave(&count_lock);

			shared_count++;
			spin_unlock_irqrestore(&count_lock, f);
		} else if (spin_trylock(&count_lock)) {
			shared_count++;
			spin_unlock(&count_lock);
		} else {
			spin_lock(&count_lock);
			shared_count++;
			spin_unlock(&count_lock);
		}
	}
	return NULL;
}

UNIT_TEST(spin_lock_excludes_under_contention)
{
	pthread_t th[CONTEND_CPUS_MAX];
	u64 before = lock_order_violations();
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	n = n < 1 ? 1 : n > CONTEND_CPUS_MAX ? CONTEND_CPUS_MAX : n;
	setup();
	shared_count = 0;
	for (long i = 0; i < n; i++)
		pthread_create(&th[i], NULL, contend_cpu, (void *)(uintptr_t)(i + 1));
	for (long i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(shared_count, (u64)n * CONTEND_ITERS);
	CHECK(!spin_is_locked(&count_lock));
	CHECK_EQ(lock_order_violations(), before);
	for (long i = 1; i <= n; i++)
		CHECK_EQ(cpus[i].preempt_count, 0);
}

/* ---- lock-order checking ---- */

UNIT_TEST(lockdep_increasing_ranks_are_fine)
{
	static struct spinlock a = SPINLOCK_INIT("a", LOCK_RANK_WAITQ);
	static struct spinlock b = SPINLOCK_INIT("b", LOCK_RANK_RQ);
	static struct spinlock c = SPINLOCK_INIT("c", LOCK_RANK_TIMER);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&a);
	spin_lock(&b);
	spin_lock(&c);
	spin_unlock(&c);
	spin_unlock(&b);
	spin_unlock(&a);
	CHECK_EQ(lock_order_violations(), before);
	CHECK_STREQ(stub_log(), "");
}

UNIT_TEST(lockdep_inversion_is_counted_each_time_reported_once)
{
	static struct spinlock hi = SPINLOCK_INIT("timer-ish", LOCK_RANK_TIMER);
	static struct spinlock lo = SPINLOCK_INIT("waitq-ish", LOCK_RANK_WAITQ);
	u64 before = lock_order_violations();
	size_t len = 0;

	setup();
	for (int i = 0; i < 3; i++) {
		spin_lock(&hi);
		spin_lock(&lo); /* inversion: the lock is still taken */
		CHECK(spin_is_locked(&lo));
		spin_unlock(&lo);
		spin_unlock(&hi);
		if (i == 0)
			len = strlen(stub_log());
	}
	CHECK_EQ(preempt_count(), 0);
	if (!IS_ENABLED(CONFIG_LOCK_DEBUG)) {
		CHECK_EQ(lock_order_violations(), 0);
		CHECK_STREQ(stub_log(), "");
		return;
	}
	CHECK_EQ(lock_order_violations(), before + 3);
	CHECK(log_has("\"waitq-ish\" (rank 10)"));
	CHECK(log_has("\"timer-ish\" (rank 30)"));
	CHECK(log_has(" at 0x"));	   /* the caller, symbolized */
	CHECK_EQ(strlen(stub_log()), len); /* one report for the pair */
}

UNIT_TEST(lockdep_same_rank_is_a_violation)
{
	static struct spinlock a = SPINLOCK_INIT("a", LOCK_RANK_TIMER);
	static struct spinlock b = SPINLOCK_INIT("b", LOCK_RANK_TIMER);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	spin_unlock(&a);
	CHECK_EQ(lock_order_violations(), before + IS_ENABLED(CONFIG_LOCK_DEBUG));
}

UNIT_TEST(lockdep_run_queues_go_in_address_order)
{
	static struct spinlock rq[3] = {
		SPINLOCK_INIT("rq0", LOCK_RANK_RQ),
		SPINLOCK_INIT("rq1", LOCK_RANK_RQ),
		SPINLOCK_INIT("rq2", LOCK_RANK_RQ),
	};
	static struct spinlock wq = SPINLOCK_INIT("wq", LOCK_RANK_WAITQ);
	static struct spinlock tm = SPINLOCK_INIT("tm", LOCK_RANK_TIMER);
	u64 before = lock_order_violations();

	setup();
	/* Increasing addresses, even three deep and under a lower rank: fine. */
	spin_lock(&wq);
	spin_lock(&rq[0]);
	spin_lock(&rq[2]);
	spin_unlock(&rq[2]);
	spin_lock(&rq[1]);
	spin_lock(&rq[2]);
	spin_unlock(&rq[2]);
	spin_unlock(&rq[1]);
	spin_unlock(&rq[0]);
	spin_unlock(&wq);
	CHECK_EQ(lock_order_violations(), before);
	/* Decreasing: a violation naming both queues. */
	spin_lock(&rq[2]);
	spin_lock(&rq[1]);
	spin_unlock(&rq[1]);
	spin_unlock(&rq[2]);
	if (IS_ENABLED(CONFIG_LOCK_DEBUG)) {
		CHECK_EQ(lock_order_violations(), before + 1);
		CHECK(log_has("taking \"rq1\" (rank 20) while holding \"rq2\" (rank 20)"));
	}
	/* Increasing address but with a higher rank held: still a violation. */
	before = lock_order_violations();
	spin_lock(&rq[0]);
	spin_lock(&tm);
	spin_lock(&rq[1]);
	spin_unlock(&rq[1]);
	spin_unlock(&tm);
	spin_unlock(&rq[0]);
	CHECK_EQ(lock_order_violations(), before + IS_ENABLED(CONFIG_LOCK_DEBUG));
}

UNIT_TEST(lockdep_unranked_locks_are_not_checked)
{
	static struct spinlock hi = SPINLOCK_INIT("hi", LOCK_RANK_KLOG);
	static struct spinlock none = SPINLOCK_INIT("none", LOCK_RANK_NONE);
	static struct spinlock lo = SPINLOCK_INIT("lo", LOCK_RANK_WAITQ);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&hi);
	spin_lock(&none);
	spin_unlock(&none);
	spin_unlock(&hi);
	spin_lock(&none);
	spin_lock(&lo);
	spin_unlock(&lo);
	spin_unlock(&none);
	CHECK_EQ(lock_order_violations(), before);
}

UNIT_TEST(lockdep_out_of_order_release_keeps_the_rest)
{
	static struct spinlock a = SPINLOCK_INIT("a", LOCK_RANK_WAITQ);
	static struct spinlock b = SPINLOCK_INIT("b", LOCK_RANK_TIMER);
	static struct spinlock c = SPINLOCK_INIT("c", LOCK_RANK_RQ);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&a); /* b is still held */
	spin_lock(&c);	 /* rank 20 under 30: violation */
	spin_unlock(&c);
	spin_unlock(&b);
	spin_lock(&c); /* nothing held now */
	spin_unlock(&c);
	CHECK_EQ(lock_order_violations(), before + IS_ENABLED(CONFIG_LOCK_DEBUG));
}

UNIT_TEST(lockdep_deep_nesting_overflows_gracefully)
{
	static struct spinlock l[12];
	static struct spinlock low = SPINLOCK_INIT("low", 1);
	u64 before = lock_order_violations();

	setup();
	for (int i = 0; i < 12; i++)
		spin_init(&l[i], "deep", (u16)(100 + i));
	for (int i = 0; i < 12; i++)
		spin_lock(&l[i]);
	for (int i = 11; i >= 0; i--)
		spin_unlock(&l[i]);
	CHECK_EQ(lock_order_violations(), before);
	spin_lock(&low); /* the stack is empty again */
	spin_unlock(&low);
	CHECK_EQ(lock_order_violations(), before);
	CHECK_EQ(preempt_count(), 0);
}

UNIT_TEST(lockdep_is_per_cpu)
{
	static struct spinlock hi = SPINLOCK_INIT("hi", LOCK_RANK_TIMER);
	static struct spinlock lo = SPINLOCK_INIT("lo", LOCK_RANK_WAITQ);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&hi); /* CPU 0 */
	stub_set_cpu(1);
	spin_lock(&lo); /* CPU 1 holds nothing: fine */
	spin_unlock(&lo);
	stub_set_cpu(0);
	spin_unlock(&hi);
	CHECK_EQ(lock_order_violations(), before);
}

UNIT_TEST(lockdep_trylock_is_recorded_not_checked)
{
	static struct spinlock hi = SPINLOCK_INIT("hi", LOCK_RANK_TIMER);
	static struct spinlock lo = SPINLOCK_INIT("lo", LOCK_RANK_WAITQ);
	static struct spinlock mid = SPINLOCK_INIT("mid", LOCK_RANK_RQ);
	u64 before = lock_order_violations();

	setup();
	spin_lock(&hi);
	CHECK(spin_trylock(&lo)); /* cannot deadlock: not a violation */
	CHECK_EQ(lock_order_violations(), before);
	spin_unlock(&hi);
	spin_lock(&mid); /* but lo (10) is held, and 20 > 10: fine */
	spin_unlock(&mid);
	spin_unlock(&lo);
	CHECK_EQ(lock_order_violations(), before);
	spin_lock(&hi);
	CHECK(spin_trylock(&mid));
	spin_lock(&lo); /* under hi and mid: one violation, reported against hi */
	spin_unlock(&lo);
	spin_unlock(&mid);
	spin_unlock(&hi);
	CHECK_EQ(lock_order_violations(), before + IS_ENABLED(CONFIG_LOCK_DEBUG));
	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		CHECK(log_has("taking \"lo\" (rank 10) while holding \"hi\" (rank 30)"));
}

UNIT_TEST(lockdep_recursive_lock_panics)
{
	static struct spinlock l = SPINLOCK_INIT("twice", LOCK_RANK_TIMER);
	jmp_buf jb;

	if (!IS_ENABLED(CONFIG_LOCK_DEBUG))
		return; /* without debugging it simply deadlocks */
	setup();
	stub.panic_jmp = &jb;
	if (setjmp(jb) == 0) {
		spin_lock(&l);
		spin_lock(&l);
		CHECK(!"recursive spin_lock returned");
	}
	CHECK_EQ(stub.panics, 1);
	CHECK(log_has("spinlock \"twice\" taken again by CPU 0"));
	CHECK(log_has("recursive spin_lock of \"twice\" would deadlock"));
	CHECK_EQ(l.next, 1); /* it panicked before taking a second ticket */
	spin_unlock(&l);
	CHECK(!spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 1); /* the second spin_lock's, never to be undone */
}

UNIT_TEST(lockdep_unlock_by_non_holder_is_ignored)
{
	static struct spinlock l = SPINLOCK_INIT("notmine", LOCK_RANK_NONE);

	if (!IS_ENABLED(CONFIG_LOCK_DEBUG))
		return;
	setup();
	spin_unlock(&l); /* never taken */
	CHECK_EQ(l.owner, 0);
	CHECK_EQ(preempt_count(), 0);
	spin_lock(&l);
	stub_set_cpu(1);
	spin_unlock(&l); /* CPU 1 does not hold it */
	CHECK(spin_is_locked(&l));
	stub_set_cpu(0);
	spin_unlock(&l);
	CHECK(!spin_is_locked(&l));
	CHECK_EQ(preempt_count(), 0);
	CHECK(log_has("\"notmine\" released by CPU 0, which does not hold it"));
	CHECK(log_has("\"notmine\" released by CPU 1, which does not hold it"));
}

UNIT_TEST(lockdep_zeroed_lock_works_on_cpu_0)
{
	static struct spinlock zeroed; /* never spin_init'ed: rank NONE, no name */

	setup();
	spin_lock(&zeroed);
	CHECK(spin_is_locked(&zeroed));
	spin_unlock(&zeroed);
	CHECK(!spin_is_locked(&zeroed));
	CHECK_EQ(stub.panics, 0);
	CHECK_STREQ(stub_log(), "");
}

/* ---- wait queues ---- */

static struct wait_queue wq;
static bool flag;
static u32 cond_calls;

static bool flag_cond(void *arg)
{
	cond_calls++;
	return *(bool *)arg;
}

/* A wait entry for thread t, queued by hand as if t were asleep in wait_until. */
static void queue_fake_waiter(struct wait_queue *q, struct wait_entry *e, struct thread *t)
{
	e->thread = t;
	e->woken = false;
	e->notify = NULL;
	t->state = THREAD_BLOCKED;
	list_add_tail(&e->link, &q->waiters);
}

static u32 queue_len(struct wait_queue *q)
{
	struct list_head *p;
	u32 n = 0;

	list_for_each (p, &q->waiters)
		n++;
	return n;
}

UNIT_TEST(wake_up_on_empty_queue_wakes_nobody)
{
	setup();
	wait_queue_init(&wq, "wq");
	CHECK_EQ(wake_up_one(&wq), 0);
	CHECK_EQ(wake_up_all(&wq), 0);
	CHECK_EQ(stub.wakes, 0);
	CHECK_EQ(wq.lock.rank, LOCK_RANK_WAITQ);
}

UNIT_TEST(wake_up_one_wakes_exactly_the_first_waiter)
{
	struct wait_entry e1, e2, e3;

	setup();
	wait_queue_init(&wq, "wq");
	queue_fake_waiter(&wq, &e1, T1);
	queue_fake_waiter(&wq, &e2, T2);
	queue_fake_waiter(&wq, &e3, T3);
	CHECK_EQ(wake_up_one(&wq), 1);
	CHECK_EQ(stub.wakes, 1);
	CHECK(stub.woken[0] == T1);
	CHECK(e1.woken && !e2.woken && !e3.woken);
	CHECK(T1->state == THREAD_RUNNABLE && T2->state == THREAD_BLOCKED);
	CHECK(list_first_entry(&wq.waiters, struct wait_entry, link) == &e2);
	CHECK_EQ(wake_up_all(&wq), 2);
	CHECK(stub.woken[1] == T2 && stub.woken[2] == T3);
	CHECK(list_empty(&wq.waiters));
	CHECK(!spin_is_locked(&wq.lock));
	CHECK_EQ(preempt_count(), 0);
}

UNIT_TEST(wait_until_true_condition_does_not_block)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = true;
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 0), 0);
	CHECK_EQ(stub.block_calls, 0);
	CHECK(list_empty(&wq.waiters));
	CHECK(T1->state == THREAD_RUNNABLE);
	CHECK_EQ(preempt_count(), 0);
}

/* While T1 sleeps: it is queued and blocked; then the "other thread" wakes it on call 2. */
static void hook_check_then_wake_on_2(u32 call)
{
	CHECK(T1->state == THREAD_BLOCKED);
	CHECK_EQ(queue_len(&wq), 1);
	CHECK(list_first_entry(&wq.waiters, struct wait_entry, link)->thread == T1);
	CHECK(!spin_is_locked(&wq.lock));
	CHECK_EQ(preempt_count(), 0);
	if (call == 2)
		flag = true; /* the waker changes the condition first, then wakes */
	CHECK_EQ(wake_up_one(&wq), 1);
}

UNIT_TEST(wait_until_blocks_until_condition_and_survives_spurious_wakes)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	cond_calls = 0;
	stub.hook = hook_check_then_wake_on_2;
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 0), 0);
	CHECK_EQ(stub.block_calls, 2); /* the first wake found the condition false */
	CHECK_EQ(cond_calls, 3);
	CHECK_EQ(stub.stuck, 0);
	CHECK(list_empty(&wq.waiters));
	CHECK(T1->state == THREAD_RUNNABLE);
	CHECK_EQ(stub.arms, 0);
}

static void hook_expire_at_1000(u32 call)
{
	(void)call;
	CHECK(stub.armed && timer_pending(stub.armed));
	CHECK_EQ(stub.armed->deadline_ns, 1000);
	host_clock_set_ns(1000);
	stub_fire_timer();
}

UNIT_TEST(wait_until_times_out_when_its_timer_fires)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	host_clock_set_ns(10);
	stub.hook = hook_expire_at_1000;
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000), -ETIMEDOUT);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.arms, 1);
	CHECK_EQ(stub.stuck, 0);
	CHECK(list_empty(&wq.waiters));
	CHECK(T1->state == THREAD_RUNNABLE);
	CHECK(!timer_pending(stub.armed));
}

UNIT_TEST(wait_until_past_deadline_returns_at_once)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	host_clock_set_ns(5000);
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000), -ETIMEDOUT);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(stub.arms, 0);
	flag = true; /* the condition wins over the deadline */
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000), 0);
	CHECK(list_empty(&wq.waiters));
}

static void hook_fire_early_then_on_time(u32 call)
{
	host_clock_set_ns(call == 1 ? 500 : 1000);
	stub_fire_timer();
}

UNIT_TEST(wait_until_rearms_a_timer_that_fired_early)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	stub.hook = hook_fire_early_then_on_time;
	host_clock_set_ns(1);
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000), -ETIMEDOUT);
	CHECK_EQ(stub.block_calls, 2);
	CHECK_EQ(stub.arms, 2);
	CHECK(clock_ns() >= 1000);
}

static void hook_set_flag_and_wake(u32 call)
{
	(void)call;
	flag = true;
	wake_up_all(&wq);
}

UNIT_TEST(wait_until_cancels_its_timer_when_woken)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	host_clock_set_ns(1);
	stub.hook = hook_set_flag_and_wake;
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000000), 0);
	CHECK_EQ(stub.arms, 1);
	CHECK_EQ(stub.cancels, 1);
	CHECK(!timer_pending(stub.armed));
}

static void hook_time_passes(u32 call)
{
	host_clock_set_ns(call * 400);
}

UNIT_TEST(wait_until_polls_when_the_timer_is_refused)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	host_clock_set_ns(1);
	stub.drop_timers = true;
	stub.hook = hook_time_passes;
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 1000), -ETIMEDOUT);
	CHECK_EQ(stub.arms, 1); /* refused once, then yield until the deadline */
	CHECK_EQ(stub.yield_calls, 3);
	CHECK_EQ(stub.block_calls, 0);
	CHECK(list_empty(&wq.waiters));
}

UNIT_TEST(wait_reports_blocking_with_preemption_off)
{
	setup();
	wait_queue_init(&wq, "wq");
	flag = false;
	stub.hook = hook_set_flag_and_wake;
	preempt_disable();
	CHECK_EQ(wait_until(&wq, flag_cond, &flag, 0), 0);
	preempt_enable();
	CHECK_EQ(log_has("blocks with preemption disabled"), IS_ENABLED(CONFIG_LOCK_DEBUG));
}

/* ---- semaphores ---- */

static struct semaphore sem;

UNIT_TEST(sem_up_without_waiters_counts)
{
	setup();
	sem_init(&sem, "sem", 0);
	sem_up(&sem);
	sem_up(&sem);
	CHECK_EQ(sem.count, 2);
	CHECK_EQ(stub.wakes, 0);
	sem_down(&sem);
	sem_down(&sem);
	CHECK_EQ(sem.count, 0);
	CHECK_EQ(stub.block_calls, 0);
}

UNIT_TEST(sem_up_wakes_one_waiter_per_count)
{
	struct wait_entry e2, e3;

	setup();
	sem_init(&sem, "sem", 0);
	queue_fake_waiter(&sem.wq, &e2, T2);
	queue_fake_waiter(&sem.wq, &e3, T3);
	sem_up(&sem);
	CHECK_EQ(stub.wakes, 1);
	CHECK(stub.woken[0] == T2);
	CHECK(T3->state == THREAD_BLOCKED);
	CHECK_EQ(sem.count, 1); /* the count waits for T2 to take it */
	list_del(&e3.link);
}

static void hook_sem_up(u32 call)
{
	(void)call;
	CHECK_EQ(queue_len(&sem.wq), 1);
	sem_up(&sem);
}

UNIT_TEST(sem_down_sleeps_until_sem_up)
{
	setup();
	sem_init(&sem, "sem", 0);
	stub.hook = hook_sem_up;
	sem_down(&sem);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.wakes, 1);
	CHECK(stub.woken[0] == T1);
	CHECK_EQ(sem.count, 0);
	CHECK(list_empty(&sem.wq.waiters));
}

UNIT_TEST(sem_down_timeout_times_out_or_takes)
{
	setup();
	sem_init(&sem, "sem", 1);
	host_clock_set_ns(100);
	CHECK_EQ(sem_down_timeout(&sem, 5000), 0);
	CHECK_EQ(sem.count, 0);
	CHECK_EQ(stub.arms, 0);
	stub.hook = hook_expire_at_1000;
	CHECK_EQ(sem_down_timeout(&sem, 900), -ETIMEDOUT);
	CHECK_EQ(sem.count, 0);
	CHECK_EQ(stub.block_calls, 1);
	CHECK(list_empty(&sem.wq.waiters));
	stub.hook = NULL;
	CHECK_EQ(sem_down_timeout(&sem, 0), -ETIMEDOUT); /* a zero timeout only tries */
	CHECK_EQ(stub.block_calls, 1);
}

/* ---- mutexes ---- */

static struct mutex mtx;

UNIT_TEST(mutex_trylock_takes_only_a_free_mutex)
{
	setup();
	mutex_init(&mtx, "mtx");
	CHECK(mutex_trylock(&mtx));
	CHECK(mtx.owner == T1);
	CHECK(!mutex_trylock(&mtx)); /* not recursive */
	stub_set_current(T2);
	CHECK(!mutex_trylock(&mtx));
	stub_set_current(T1);
	mutex_unlock(&mtx);
	CHECK(mtx.owner == NULL);
	stub_set_current(T2);
	CHECK(mutex_trylock(&mtx));
	CHECK(mtx.owner == T2);
	mutex_unlock(&mtx);
	CHECK_EQ(preempt_count(), 0);
}

UNIT_TEST(mutex_unlock_by_non_owner_is_reported_and_ignored)
{
	setup();
	mutex_init(&mtx, "mtx");
	mutex_lock(&mtx);
	stub_set_current(T2);
	mutex_unlock(&mtx);
	CHECK(mtx.owner == T1);
	CHECK(log_has("mutex \"mtx\" unlocked by \"T2\" but owned by \"T1\""));
	stub_set_current(T1);
	mutex_unlock(&mtx);
	mutex_unlock(&mtx); /* not locked at all */
	CHECK(mtx.owner == NULL);
	CHECK(log_has("owned by \"(nobody)\""));
}

UNIT_TEST(mutex_unlock_hands_off_to_the_first_waiter)
{
	struct wait_entry e2, e3;

	setup();
	mutex_init(&mtx, "mtx");
	mutex_lock(&mtx);
	queue_fake_waiter(&mtx.wq, &e2, T2);
	queue_fake_waiter(&mtx.wq, &e3, T3);
	mutex_unlock(&mtx);
	CHECK(mtx.owner == T2);
	CHECK_EQ(stub.wakes, 1);
	CHECK(stub.woken[0] == T2);
	CHECK(!mutex_trylock(&mtx)); /* no barging past the waiters */
	stub_set_current(T2);
	mutex_unlock(&mtx);
	CHECK(mtx.owner == T3);
	CHECK(list_empty(&mtx.wq.waiters));
}

/* T1 sleeps in mutex_lock; T2, the owner, unlocks meanwhile. */
static void hook_owner_unlocks(u32 call)
{
	(void)call;
	CHECK(mtx.owner == T2);
	CHECK_EQ(queue_len(&mtx.wq), 1);
	stub_set_current(T2);
	mutex_unlock(&mtx);
	stub_set_current(T1);
	CHECK(mtx.owner == T1);
}

UNIT_TEST(mutex_lock_sleeps_until_handed_the_mutex)
{
	setup();
	mutex_init(&mtx, "mtx");
	stub_set_current(T2);
	mutex_lock(&mtx);
	stub_set_current(T1);
	stub.hook = hook_owner_unlocks;
	mutex_lock(&mtx);
	CHECK(mtx.owner == T1);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.stuck, 0);
	CHECK(list_empty(&mtx.wq.waiters));
	mutex_unlock(&mtx);
	CHECK(mtx.owner == NULL);
}

UNIT_TEST(mutex_lock_by_its_owner_panics)
{
	jmp_buf jb;

	setup();
	mutex_init(&mtx, "mtx");
	mutex_lock(&mtx);
	stub.panic_jmp = &jb;
	if (setjmp(jb) == 0) {
		mutex_lock(&mtx);
		CHECK(!"recursive mutex_lock returned");
	}
	CHECK_EQ(stub.panics, 1);
	CHECK(log_has("mutex \"mtx\" locked again by its owner \"T1\""));
	CHECK_EQ(stub.block_calls, 0);
}

/* ---- completions ---- */

static struct completion comp;

UNIT_TEST(completion_counts_completes_before_waits)
{
	setup();
	completion_init(&comp, "comp");
	complete(&comp);
	complete(&comp);
	CHECK_EQ(comp.done, 2);
	wait_for_completion(&comp);
	CHECK_EQ(wait_for_completion_timeout(&comp, 10), 0);
	CHECK_EQ(comp.done, 0);
	CHECK_EQ(stub.block_calls, 0);
	host_clock_set_ns(50);
	stub.hook = hook_expire_at_1000;
	CHECK_EQ(wait_for_completion_timeout(&comp, 950), -ETIMEDOUT);
	CHECK_EQ(comp.done, 0);
}

UNIT_TEST(complete_all_releases_every_waiter_for_good)
{
	struct wait_entry e2, e3;

	setup();
	completion_init(&comp, "comp");
	queue_fake_waiter(&comp.wq, &e2, T2);
	queue_fake_waiter(&comp.wq, &e3, T3);
	complete(&comp);
	CHECK_EQ(stub.wakes, 1);
	CHECK(stub.woken[0] == T2);
	complete_all(&comp);
	CHECK_EQ(stub.wakes, 2);
	CHECK(stub.woken[1] == T3);
	CHECK(list_empty(&comp.wq.waiters));
	for (int i = 0; i < 5; i++)
		wait_for_completion(&comp);
	complete(&comp); /* stays "all" */
	CHECK_EQ(comp.done, COMPLETION_ALL);
	CHECK_EQ(stub.block_calls, 0);
}

static void hook_complete(u32 call)
{
	(void)call;
	complete(&comp);
}

UNIT_TEST(wait_for_completion_sleeps_until_complete)
{
	setup();
	completion_init(&comp, "comp");
	stub.hook = hook_complete;
	wait_for_completion(&comp);
	CHECK_EQ(stub.block_calls, 1);
	CHECK(stub.woken[0] == T1);
	CHECK_EQ(comp.done, 0);
	CHECK(list_empty(&comp.wq.waiters));
}
