/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sync_test.c - ktests for spinlocks, mutexes, semaphores and completions
 * (spinlock.c, waitq.c) with real kernel threads: a mutex keeps a counter
 * exact under contention, a semaphore pair passes 100,000 items through a
 * ring buffer without losing or reordering one, completions wake their
 * waiters, timeouts expire, and (debug builds) a lock-order inversion is
 * counted exactly once. Timing checks only have lower bounds: an emulator
 * may be arbitrarily slow, never early.
 */
#include "config.h"
#include "errno.h"
#include "ktest.h"
#include "sched.h"
#include "sync.h"
#include "timer.h"

#define MS 1000000ull

/* ---- mutex: 4 threads x 10,000 increments ---- */

#define MUTEX_THREADS 4
#define MUTEX_ITERS 10000

static struct mutex counter_mutex;
static u64 counter;

static void mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < MUTEX_ITERS; i++) {
		u64 v;

		mutex_lock(&counter_mutex);
		v = counter;
		if ((i & 15) == 0)
			sched_yield(); /* let the others find it held */
		counter = v + 1;
		mutex_unlock(&counter_mutex);
		if ((i & 3) == 0)
			sched_yield();
	}
}

KTEST(sync, mutex_keeps_counter_exact)
{
	struct thread *th[MUTEX_THREADS];

	mutex_init(&counter_mutex, "ktest counter");
	counter = 0;
	for (int i = 0; i < MUTEX_THREADS; i++) {
		th[i] = thread_create("ktest-mutex", mutex_worker, NULL, NULL);
		KT_EXPECT(t, th[i] != NULL);
	}
	for (int i = 0; i < MUTEX_THREADS; i++)
		if (th[i])
			thread_join(th[i]);
	KT_EXPECT_EQ(t, counter, MUTEX_THREADS * MUTEX_ITERS);
	KT_EXPECT(t, counter_mutex.owner == NULL);
	KT_EXPECT(t, mutex_trylock(&counter_mutex));
	mutex_unlock(&counter_mutex);
}

/* ---- semaphores: producer/consumer over a ring buffer ---- */

#define PC_ITEMS 100000u
#define PC_SLOTS 16u

static struct semaphore pc_free, pc_used;
static u32 pc_ring[PC_SLOTS];
static u64 pc_sum;
static u32 pc_received, pc_misplaced;

static void producer(void *arg)
{
	(void)arg;
	for (u32 i = 0; i < PC_ITEMS; i++) {
		sem_down(&pc_free);
		pc_ring[i % PC_SLOTS] = i;
		sem_up(&pc_used);
	}
}

static void consumer(void *arg)
{
	(void)arg;
	for (u32 i = 0; i < PC_ITEMS; i++) {
		u32 v;

		sem_down(&pc_used);
		v = pc_ring[i % PC_SLOTS];
		pc_misplaced += v != i;
		pc_sum += v;
		pc_received++;
		sem_up(&pc_free);
	}
}

KTEST(sync, semaphores_hand_off_every_item)
{
	struct thread *p, *c;

	sem_init(&pc_free, "ktest free slots", PC_SLOTS);
	sem_init(&pc_used, "ktest used slots", 0);
	pc_sum = 0;
	pc_received = pc_misplaced = 0;
	c = thread_create("ktest-consumer", consumer, NULL, NULL);
	p = thread_create("ktest-producer", producer, NULL, NULL);
	KT_EXPECT(t, p && c);
	if (p)
		thread_join(p);
	if (c)
		thread_join(c);
	KT_EXPECT_EQ(t, pc_received, PC_ITEMS);
	KT_EXPECT_EQ(t, pc_misplaced, 0);
	KT_EXPECT_EQ(t, pc_sum, (u64)PC_ITEMS * (PC_ITEMS - 1) / 2);
	KT_EXPECT_EQ(t, pc_free.count, PC_SLOTS);
	KT_EXPECT_EQ(t, pc_used.count, 0);
}

/* ---- completions ---- */

static struct completion go, done;
static u32 woke;

static void completion_waiter(void *arg)
{
	(void)arg;
	wait_for_completion(&go);
	__atomic_fetch_add(&woke, 1, __ATOMIC_RELAXED);
	complete(&done);
}

KTEST(sync, completion_wakes_its_waiter)
{
	struct thread *th;

	completion_init(&go, "ktest go");
	completion_init(&done, "ktest done");
	woke = 0;
	th = thread_create("ktest-waiter", completion_waiter, NULL, NULL);
	KT_EXPECT(t, th != NULL);
	if (!th)
		return;
	sched_sleep_ns(2 * MS); /* give it time to block */
	KT_EXPECT_EQ(t, __atomic_load_n(&woke, __ATOMIC_RELAXED), 0);
	complete(&go);
	wait_for_completion(&done);
	KT_EXPECT_EQ(t, __atomic_load_n(&woke, __ATOMIC_RELAXED), 1);
	thread_join(th);
}

KTEST(sync, complete_all_wakes_every_waiter)
{
	struct thread *th[3];

	completion_init(&go, "ktest go");
	completion_init(&done, "ktest done");
	woke = 0;
	for (int i = 0; i < 3; i++)
		th[i] = thread_create("ktest-waiter", completion_waiter, NULL, NULL);
	sched_sleep_ns(2 * MS);
	complete_all(&go);
	for (int i = 0; i < 3; i++) {
		KT_EXPECT(t, th[i] != NULL);
		if (th[i]) {
			wait_for_completion(&done);
			thread_join(th[i]);
		}
	}
	KT_EXPECT_EQ(t, woke, (th[0] != NULL) + (th[1] != NULL) + (th[2] != NULL));
	wait_for_completion(&go); /* still complete for latecomers */
}

/* ---- timeouts: -ETIMEDOUT, and never before the time is up ---- */

KTEST(sync, completion_timeout_expires)
{
	struct completion c;
	u64 start;
	int r;

	completion_init(&c, "ktest never");
	start = clock_ns();
	r = wait_for_completion_timeout(&c, 5 * MS);
	KT_EXPECT_EQ(t, r, -ETIMEDOUT);
	KT_EXPECT(t, clock_ns() - start >= 5 * MS);
	complete(&c);
	KT_EXPECT_EQ(t, wait_for_completion_timeout(&c, 5 * MS), 0);
}

KTEST(sync, sem_down_timeout_expires)
{
	struct semaphore s;
	u64 start;
	int r;

	sem_init(&s, "ktest empty", 0);
	start = clock_ns();
	r = sem_down_timeout(&s, 5 * MS);
	KT_EXPECT_EQ(t, r, -ETIMEDOUT);
	KT_EXPECT(t, clock_ns() - start >= 5 * MS);
	KT_EXPECT_EQ(t, s.count, 0);
	sem_up(&s);
	KT_EXPECT_EQ(t, sem_down_timeout(&s, 5 * MS), 0);
}

/* ---- lock order (debug builds) ---- */

KTEST(sync, lock_order_inversion_counted_once)
{
	static struct spinlock hi = SPINLOCK_INIT("ktest rank 30", LOCK_RANK_TIMER);
	static struct spinlock lo = SPINLOCK_INIT("ktest rank 10", LOCK_RANK_WAITQ);
	u64 before = lock_order_violations();
	unsigned long f;

	/* Interrupts off throughout, so no handler's locks mix in. */
	f = spin_lock_irqsave(&lo);
	spin_lock(&hi); /* in order */
	spin_unlock(&hi);
	spin_unlock_irqrestore(&lo, f);
	KT_EXPECT_EQ(t, lock_order_violations(), before);
	f = spin_lock_irqsave(&hi);
	spin_lock(&lo); /* inverted: reported, counted, still taken */
	KT_EXPECT(t, spin_is_locked(&lo));
	spin_unlock(&lo);
	spin_unlock_irqrestore(&hi, f);
	KT_EXPECT_EQ(t, lock_order_violations() - before, IS_ENABLED(CONFIG_LOCK_DEBUG) ? 1 : 0);
}

KTEST(sync, run_queue_locks_in_address_order)
{
	static struct spinlock rq[2] = {
		SPINLOCK_INIT("ktest rq a", LOCK_RANK_RQ),
		SPINLOCK_INIT("ktest rq b", LOCK_RANK_RQ),
	};
	u64 before = lock_order_violations();
	unsigned long f;

	f = spin_lock_irqsave(&rq[0]);
	spin_lock(&rq[1]);
	spin_unlock(&rq[1]);
	spin_unlock_irqrestore(&rq[0], f);
	KT_EXPECT_EQ(t, lock_order_violations(), before);
	f = spin_lock_irqsave(&rq[1]);
	spin_lock(&rq[0]);
	spin_unlock(&rq[0]);
	spin_unlock_irqrestore(&rq[1], f);
	KT_EXPECT_EQ(t, lock_order_violations() - before, IS_ENABLED(CONFIG_LOCK_DEBUG) ? 1 : 0);
}
