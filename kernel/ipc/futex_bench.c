/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * futex_bench.c - futex micro-benchmark (bench=futex), in guest
 * instructions under QEMU's -icount shift=0 (cycles otherwise):
 *
 *   futex_pingpong_round_trip  two kernel threads on CPU 0 hand a turn word
 *                              back and forth, each sleeping in
 *                              futex_wait_key on its own key until the
 *                              other's futex_wake_key: one round trip is two
 *                              waits, two wakes and two thread switches -
 *                              the kernel half of a contended
 *                              pthread_mutex hand-off or condvar signal.
 *
 * Benchmarks report; they never assert.
 */
#include "futex.h"
#include "kbench.h"
#include "klog.h"
#include "sched.h"

#define ROUNDS 2000

static const struct futex_key key_ping = {0x7e57, 0x1000}, key_pong = {0x7e57, 0x2000};
static volatile u32 turn;	  /* 0: ping's turn, 1: pong's */
static volatile bool go, give_up; /* both threads exist / one could not be made */

static bool turn_is_not(void *arg)
{
	return __atomic_load_n(&turn, __ATOMIC_ACQUIRE) != (u32)(uintptr_t)arg;
}

/* Wait for our turn (mine), then give it to the other side and wake it. */
static void play(u32 mine, const struct futex_key *my_key, const struct futex_key *their_key)
{
	while (!go && !give_up)
		sched_yield();
	if (give_up)
		return;
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != mine)
			(void)futex_wait_key(my_key, FUTEX_BITSET_MATCH_ANY, turn_is_not,
					     (void *)(uintptr_t)mine, 0);
		__atomic_store_n(&turn, mine ^ 1, __ATOMIC_RELEASE);
		futex_wake_key(their_key, FUTEX_BITSET_MATCH_ANY, 1);
	}
}

static volatile u64 elapsed;

static void pong_main(void *arg)
{
	(void)arg;
	play(1, &key_pong, &key_ping);
}

static void ping_main(void *arg)
{
	u64 t0;

	(void)arg;
	while (!go)
		sched_yield();
	t0 = kbench_cycles();
	play(0, &key_ping, &key_pong);
	elapsed = kbench_cycles() - t0;
}

/* Two threads of their own on CPU 0 (kmain runs with interrupts off), so each hand-off switches. */
KBENCH(futex, pingpong)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *ping, *pong;

	turn = 0;
	elapsed = 0;
	go = give_up = false;
	pong = thread_create("bench-futex-pong", pong_main, NULL, &attr);
	if (!pong)
		return;
	ping = thread_create("bench-futex-ping", ping_main, NULL, &attr);
	if (!ping) {
		kprintf("# futex: no memory for the ping thread\n");
		give_up = true;
		thread_join(pong);
		return;
	}
	go = true;
	thread_join(ping);
	thread_join(pong);
	kbench_report("futex_pingpong_round_trip", elapsed / ROUNDS, "insns");
}
