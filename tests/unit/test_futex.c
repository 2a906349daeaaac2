/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_futex.c - host tests of the futex wait queues (kernel/ipc/futex.c)
 * over the scheduler fake in sched_stub.c: the test plays the waiting
 * thread, and the stub's sched_block() hook plays the other threads
 * (wakers, requeuers, the clock, a signal) while it sleeps. Checked: the
 * value test (-EAGAIN), a wake (0) and its count, keys that differ only in
 * the address space or the address, bitsets, requeue to another key,
 * timeouts, signals, a wake that races a timeout, argument errors, and that
 * no waiter is left queued afterwards.
 */
#include <string.h>

#include "arch_host.h"
#include "errno.h"
#include "futex.h"
#include "sched_stub.h"
#include "sync.h"
#include "unit.h"

static struct thread waiter;
static const struct futex_key K1 = {0x1000, 0x4000}, K2 = {0x1000, 0x4004},
			      K1_OTHER_SPACE = {0x2000, 0x4000};
static bool equal = true;
static int hook_result[8];

static void setup(void)
{
	memset(&waiter, 0, sizeof(waiter));
	waiter.state = THREAD_RUNNABLE;
	stub_reset(&waiter);
	equal = true;
	memset(hook_result, 0, sizeof(hook_result));
}

static bool still_equal(void *arg)
{
	(void)arg;
	return equal;
}

UNIT_TEST(changed_value_is_eagain_and_leaves_nothing_queued)
{
	setup();
	equal = false;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 0), -EAGAIN);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(futex_waiters(&K1), 0);
}

UNIT_TEST(bitset_zero_is_einval)
{
	setup();
	CHECK_EQ(futex_wait_key(&K1, 0, still_equal, NULL, 0), -EINVAL);
	CHECK_EQ(futex_wake_key(&K1, 0, 1), -EINVAL);
	CHECK_EQ(futex_waiters(&K1), 0);
}

/* While the waiter sleeps: only an exact key and a meeting bitset wake it. */
static void hook_wake_selectively(u32 call)
{
	(void)call;
	hook_result[0] = futex_waiters(&K1);
	hook_result[1] = futex_wake_key(&K2, FUTEX_BITSET_MATCH_ANY, 10);
	hook_result[2] = futex_wake_key(&K1_OTHER_SPACE, FUTEX_BITSET_MATCH_ANY, 10);
	hook_result[3] = futex_wake_key(&K1, 0x2, 10); /* the waiter's bitset is 0x5 */
	hook_result[4] = futex_wake_key(&K1, 0x4, 10);
	hook_result[5] = futex_waiters(&K1);
}

UNIT_TEST(wake_needs_the_same_key_and_a_common_bit)
{
	setup();
	stub.hook = hook_wake_selectively;
	CHECK_EQ(futex_wait_key(&K1, 0x5, still_equal, NULL, 0), 0);
	CHECK_EQ(hook_result[0], 1);
	CHECK_EQ(hook_result[1], 0);
	CHECK_EQ(hook_result[2], 0);
	CHECK_EQ(hook_result[3], 0);
	CHECK_EQ(hook_result[4], 1);
	CHECK_EQ(hook_result[5], 0);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.stuck, 0);
	CHECK(waiter.state == THREAD_RUNNABLE);
}

/* A requeue moves the waiter to K2: a wake on K1 misses, one on K2 wakes it. */
static void hook_requeue_then_wake(u32 call)
{
	(void)call;
	hook_result[0] = futex_requeue_key(&K1, &K2, 0, 5);
	hook_result[1] = futex_waiters(&K1);
	hook_result[2] = futex_waiters(&K2);
	hook_result[3] = futex_wake_key(&K1, FUTEX_BITSET_MATCH_ANY, 5);
	hook_result[4] = futex_wake_key(&K2, FUTEX_BITSET_MATCH_ANY, 5);
}

UNIT_TEST(requeue_moves_the_waiter_to_the_other_key)
{
	setup();
	stub.hook = hook_requeue_then_wake;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 0), 0);
	CHECK_EQ(hook_result[0], 1);
	CHECK_EQ(hook_result[1], 0);
	CHECK_EQ(hook_result[2], 1);
	CHECK_EQ(hook_result[3], 0);
	CHECK_EQ(hook_result[4], 1);
	CHECK_EQ(futex_waiters(&K2), 0);
}

/* nr_wake first, then nr_requeue: with nr_wake 1 the one waiter is woken, not moved. */
static void hook_requeue_wakes_first(u32 call)
{
	(void)call;
	hook_result[0] = futex_requeue_key(&K1, &K2, 1, 5);
	hook_result[1] = futex_waiters(&K2);
}

UNIT_TEST(requeue_wakes_before_it_moves)
{
	setup();
	stub.hook = hook_requeue_wakes_first;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 0), 0);
	CHECK_EQ(hook_result[0], 1);
	CHECK_EQ(hook_result[1], 0);
}

static void hook_time_out(u32 call)
{
	(void)call;
	hook_result[0] = futex_waiters(&K1);
	host_clock_set_ns(5000);
	stub_fire_timer();
}

UNIT_TEST(deadline_is_etimedout_and_dequeues)
{
	setup();
	host_clock_set_ns(100);
	stub.hook = hook_time_out;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 5000), -ETIMEDOUT);
	CHECK_EQ(hook_result[0], 1);
	CHECK_EQ(futex_waiters(&K1), 0);
	CHECK_EQ(futex_wake_key(&K1, FUTEX_BITSET_MATCH_ANY, 1), 0);
}

UNIT_TEST(past_deadline_times_out_without_sleeping)
{
	setup();
	host_clock_set_ns(100);
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 50), -ETIMEDOUT);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(futex_waiters(&K1), 0);
}

static void hook_signal(u32 call)
{
	(void)call;
	stub.signal_pending = true;
	sched_wake(&waiter);
}

UNIT_TEST(signal_is_eintr_and_dequeues)
{
	setup();
	stub.hook = hook_signal;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 0), -EINTR);
	CHECK_EQ(futex_waiters(&K1), 0);
}

/* Woken and timed out at once: the wake counted, so the wait reports it. */
static void hook_wake_and_time_out(u32 call)
{
	(void)call;
	hook_result[0] = futex_wake_key(&K1, FUTEX_BITSET_MATCH_ANY, 1);
	host_clock_set_ns(5000);
	stub_fire_timer();
}

UNIT_TEST(a_counted_wake_wins_over_a_timeout)
{
	setup();
	host_clock_set_ns(100);
	stub.hook = hook_wake_and_time_out;
	CHECK_EQ(futex_wait_key(&K1, FUTEX_BITSET_MATCH_ANY, still_equal, NULL, 5000), 0);
	CHECK_EQ(hook_result[0], 1);
	CHECK_EQ(futex_waiters(&K1), 0);
}

UNIT_TEST(nothing_to_wake_or_requeue_is_zero)
{
	setup();
	CHECK_EQ(futex_wake_key(&K1, FUTEX_BITSET_MATCH_ANY, 100), 0);
	CHECK_EQ(futex_requeue_key(&K1, &K2, 100, 100), 0);
	CHECK_EQ(futex_requeue_key(&K1, &K1, 0, 100), 0);
}
