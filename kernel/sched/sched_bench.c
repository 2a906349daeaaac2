/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_bench.c - scheduler micro-benchmarks (bench=sched), in guest
 * instructions under QEMU's -icount shift=0 (cycles otherwise):
 *
 *   rt_wakeup_latency  a fair thread (kmain) calls sched_wake() on a blocked
 *                      SCHED_FIFO thread of the same CPU; measured from just
 *                      before the call until the RT thread runs again (its
 *                      sched_block() returns): the lock, the enqueue, the
 *                      preemption decision, the switch and the way out.
 *
 * The thread-switch figure (yield_pingpong_switch) is in thread_test.c, the
 * null system call in proc_test.c. Benchmarks report; they never assert.
 */
#include "arch.h"
#include "cpu.h"
#include "kbench.h"
#include "klog.h"
#include "sched.h"
#include "sched_internal.h"

#define RT_WAKEUPS 5000

static volatile bool rt_stop;
static volatile u64 rt_t0, rt_total, rt_count;

/* Mark the calling thread blocked, so that the next sched_block() sleeps. */
static void prepare_block(void)
{
	unsigned long irq = arch_irq_save();
	struct thread *me = current_thread();
	struct runqueue *rq = lock_thread_rq(me);

	me->state = THREAD_BLOCKED;
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
}

/* The real-time thread: block; when woken, note how long the wake-up took. */
static void rt_sleeper_main(void *arg)
{
	(void)arg;
	for (;;) {
		prepare_block();
		sched_block();
		if (rt_stop)
			return;
		rt_total += kbench_cycles() - rt_t0;
		rt_count++;
	}
}

/* The fair thread that wakes it (a thread of its own: kmain runs with interrupts off). */
static void rt_waker_main(void *arg)
{
	struct thread *t = arg;

	/* It outranks us on our CPU: it runs at our next preemption point and blocks. */
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED)
		sched_yield();
	for (int i = 0; i < RT_WAKEUPS; i++) {
		rt_t0 = kbench_cycles();
		sched_wake(t); /* returns once the RT thread has run and blocked again */
	}
	rt_stop = true;
	sched_wake(t);
}

KBENCH(sched, rt_wakeup)
{
	struct thread_attr rt = {.policy = SCHED_FIFO, .rt_prio = 50, .affinity = 1};
	struct thread_attr fair = {.policy = SCHED_NORMAL, .affinity = 1};
	struct thread *t, *waker;

	rt_stop = false;
	rt_total = rt_count = 0;
	t = thread_create("bench-rt-sleeper", rt_sleeper_main, NULL, &rt);
	if (!t)
		return;
	waker = thread_create("bench-rt-waker", rt_waker_main, t, &fair);
	if (!waker) {
		rt_stop = true;
		while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED)
			sched_yield();
		sched_wake(t);
	} else {
		thread_join(waker);
	}
	thread_join(t);
	if (rt_count == RT_WAKEUPS)
		kbench_report("rt_wakeup_latency", rt_total / rt_count, "insns");
	else
		kprintf("# rt_wakeup: the RT thread ran %llu times for %d wake-ups\n",
			(unsigned long long)rt_count, RT_WAKEUPS);
}
