/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timer.h - one-shot timers on the monotonic clock (kernel/sched/timer.c).
 * Each CPU keeps its pending timers in a binary min-heap ordered by
 * deadline and programs its hardware timer (arch_timer_set_deadline) for
 * the earliest one only: no periodic tick, so an idle CPU stays asleep
 * until something is actually due (tickless).
 */
#ifndef MATRIOSKA_TIMER_H
#define MATRIOSKA_TIMER_H

#include "types.h"

struct timer {
	u64 deadline_ns;
	void (*fn)(struct timer *t); /* runs in interrupt context, interrupts off */
	void *data;
	u32 heap_index; /* position in its CPU's heap; TIMER_IDLE when not pending */
	u32 cpu;
};

#define TIMER_IDLE 0xffffffffu

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data);
/* (Re)arm t on this CPU for deadline_ns. */
void timer_arm(struct timer *t, u64 deadline_ns);
/* Disarm t if pending; returns true if it was. */
bool timer_cancel(struct timer *t);
bool timer_pending(const struct timer *t);
/* Called by the arch timer interrupt: run every expired timer, reprogram. */
void timer_interrupt(void);
/* Set up CPU cpu's timer heap (scheduler init, before its first timer). */
void timer_init_cpu(u32 cpu);
/* Monotonic nanoseconds since boot. */
u64 clock_ns(void);

#endif
