/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timer.c - one-shot timers (timer.h): one binary min-heap of pending timers
 * per CPU, ordered by deadline. Only the earliest deadline is programmed into
 * the CPU's timer hardware, so there is no periodic tick: the scheduler arms
 * a timer for the end of the running thread's slice only when another thread
 * is waiting, and an idle CPU sleeps until its next real deadline.
 *
 * Locking: each heap has its own IRQ-safe spinlock; a timer is armed on the
 * calling CPU and cancelled through the heap recorded in t->cpu. Callbacks
 * run in interrupt context with no heap lock held.
 */
#include "timer.h"
#include "arch.h"
#include "cpu.h"
#include "klog.h"
#include "sync.h"

#define TIMER_HEAP_MAX 512

struct timer_heap {
	struct spinlock lock;
	u32 n;
	struct timer *items[TIMER_HEAP_MAX]; /* items[0] has the earliest deadline */
};

static struct timer_heap heaps[MAX_CPUS];

u64 clock_ns(void)
{
	return arch_clock_ns();
}

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data)
{
	t->deadline_ns = 0;
	t->fn = fn;
	t->data = data;
	t->heap_index = TIMER_IDLE;
	t->cpu = 0;
}

bool timer_pending(const struct timer *t)
{
	return t->heap_index != TIMER_IDLE;
}

static void heap_set(struct timer_heap *h, u32 i, struct timer *t)
{
	h->items[i] = t;
	t->heap_index = i;
}

static void sift_up(struct timer_heap *h, u32 i)
{
	struct timer *t = h->items[i];

	while (i > 0) {
		u32 parent = (i - 1) / 2;

		if (h->items[parent]->deadline_ns <= t->deadline_ns)
			break;
		heap_set(h, i, h->items[parent]);
		i = parent;
	}
	heap_set(h, i, t);
}

static void sift_down(struct timer_heap *h, u32 i)
{
	struct timer *t = h->items[i];

	for (;;) {
		u32 c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->items[c + 1]->deadline_ns < h->items[c]->deadline_ns)
			c++;
		if (t->deadline_ns <= h->items[c]->deadline_ns)
			break;
		heap_set(h, i, h->items[c]);
		i = c;
	}
	heap_set(h, i, t);
}

static void heap_remove_locked(struct timer_heap *h, struct timer *t)
{
	u32 i = t->heap_index;
	struct timer *last = h->items[--h->n];

	t->heap_index = TIMER_IDLE;
	if (last == t)
		return;
	heap_set(h, i, last);
	sift_up(h, i);
	sift_down(h, last->heap_index);
}

/* Program this CPU's hardware for its heap's earliest deadline (caller holds the lock). */
static void reprogram_locked(struct timer_heap *h)
{
	arch_timer_set_deadline(h->n ? h->items[0]->deadline_ns : 0);
}

bool timer_cancel(struct timer *t)
{
	struct timer_heap *h = &heaps[t->cpu];
	unsigned long flags = spin_lock_irqsave(&h->lock);
	bool was = timer_pending(t);

	if (was) {
		bool was_first = t->heap_index == 0;

		heap_remove_locked(h, t);
		if (was_first && t->cpu == this_cpu()->id)
			reprogram_locked(h);
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return was;
}

void timer_arm(struct timer *t, u64 deadline_ns)
{
	struct timer_heap *h;
	unsigned long flags;

	timer_cancel(t);
	flags = arch_irq_save();
	h = &heaps[this_cpu()->id];
	spin_lock(&h->lock);
	if (h->n == TIMER_HEAP_MAX) {
		spin_unlock(&h->lock);
		arch_irq_restore(flags);
		pr_err("timer: more than %d timers pending on CPU %u; timer dropped",
		       TIMER_HEAP_MAX, this_cpu()->id);
		return;
	}
	t->deadline_ns = deadline_ns;
	t->cpu = this_cpu()->id;
	h->items[h->n] = t;
	t->heap_index = h->n++;
	sift_up(h, t->heap_index);
	if (t->heap_index == 0)
		reprogram_locked(h);
	spin_unlock(&h->lock);
	arch_irq_restore(flags);
}

void timer_interrupt(void)
{
	struct timer_heap *h = &heaps[this_cpu()->id];
	unsigned long flags = spin_lock_irqsave(&h->lock);

	while (h->n && h->items[0]->deadline_ns <= clock_ns()) {
		struct timer *t = h->items[0];

		heap_remove_locked(h, t);
		spin_unlock(&h->lock);
		t->fn(t);
		spin_lock(&h->lock);
	}
	reprogram_locked(h);
	spin_unlock_irqrestore(&h->lock, flags);
}

void timer_init_cpu(u32 cpu)
{
	spin_init(&heaps[cpu].lock, "timer heap", LOCK_RANK_TIMER);
}
