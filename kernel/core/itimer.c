/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * itimer.c - ITIMER_REAL, the per-process real-time interval timer behind
 * alarm(2) and setitimer(2): SIGALRM to the process at each expiry,
 * re-armed with the interval if there is one.
 *
 * The timer lives in its own object (struct itimer), made on first use,
 * because its callback runs in interrupt context on some CPU and may be
 * under way while the process is freed: the callback never touches the
 * process (it sends SIGALRM by pid, which finds nothing once the process
 * is gone), and whoever sees the other side done frees the object.
 * release() marks it dead; if the timer was still queued, cancelling it
 * means no callback will come and release frees it; if it was not (the
 * callback has begun and waits for the lock, or rearms), the callback sees
 * `dead` and frees it.
 *
 * Locking: itimer.lock (taken with interrupts off) covers every field.
 */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "signal.h"
#include "timer.h"

struct itimer {
	struct spinlock lock;
	struct timer timer;
	int pid;
	u64 deadline_ns; /* 0: disarmed */
	u64 interval_ns;
	bool queued; /* armed and its callback not yet begun */
	bool dead;   /* the process is gone: the callback frees it */
};

static void itimer_fire(struct timer *tm)
{
	struct itimer *it = tm->data;
	unsigned long f = spin_lock_irqsave(&it->lock);
	int pid = it->pid;
	bool fire;

	it->queued = false;
	if (it->dead) {
		spin_unlock_irqrestore(&it->lock, f);
		kfree(it);
		return;
	}
	fire = it->deadline_ns != 0;
	if (fire && it->interval_ns) {
		u64 now = clock_ns(), next = it->deadline_ns + it->interval_ns;

		/* Missed expiries (a long delay) are not made up, as on Linux (no overrun count).
		 */
		it->deadline_ns = next > now ? next : now + it->interval_ns;
		it->queued = true;
		timer_arm(&it->timer, it->deadline_ns);
	} else {
		it->deadline_ns = 0;
	}
	spin_unlock_irqrestore(&it->lock, f);
	if (fire)
		(void)signal_send_pid(pid, SIGALRM);
}

/* The calling process's timer, made if need be; NULL without memory. */
static struct itimer *itimer_get(struct process *p, bool create)
{
	struct itimer *it, *fresh;
	unsigned long f;

	it = __atomic_load_n(&p->sigs.itimer, __ATOMIC_ACQUIRE);
	if (it || !create)
		return it;
	fresh = kzalloc(sizeof(*fresh));
	if (!fresh)
		return NULL;
	spin_init(&fresh->lock, "itimer", LOCK_RANK_NONE);
	timer_init(&fresh->timer, itimer_fire, fresh);
	fresh->pid = p->pid;
	f = spin_lock_irqsave(&p->lock);
	it = p->sigs.itimer;
	if (!it)
		__atomic_store_n(&p->sigs.itimer, it = fresh, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&p->lock, f);
	if (it != fresh)
		kfree(fresh);
	return it;
}

/* Time left and interval; it->lock held. */
static void itimer_read_locked(struct itimer *it, u64 *value, u64 *interval)
{
	u64 now = clock_ns();

	*value = it->deadline_ns ? (it->deadline_ns > now ? it->deadline_ns - now : 1) : 0;
	*interval = it->interval_ns;
}

int signal_itimer_set(u64 value_ns, u64 interval_ns, u64 *old_value, u64 *old_interval)
{
	struct process *p = current_proc();
	struct itimer *it;
	unsigned long f;
	u64 ov = 0, oi = 0;

	if (!p)
		return -EINVAL;
	it = itimer_get(p, value_ns != 0);
	if (!it && value_ns)
		return -ENOMEM;
	if (it) {
		f = spin_lock_irqsave(&it->lock);
		itimer_read_locked(it, &ov, &oi);
		if (it->queued && timer_cancel(&it->timer))
			it->queued = false;
		it->interval_ns = value_ns ? interval_ns : 0;
		it->deadline_ns = 0;
		if (value_ns) {
			u64 now = clock_ns();

			it->deadline_ns = value_ns > ~0ull - now ? ~0ull : now + value_ns;
			it->queued = true;
			timer_arm(&it->timer, it->deadline_ns);
		}
		spin_unlock_irqrestore(&it->lock, f);
	}
	if (old_value)
		*old_value = ov;
	if (old_interval)
		*old_interval = oi;
	return 0;
}

void signal_itimer_get(u64 *value_ns, u64 *interval_ns)
{
	struct process *p = current_proc();
	struct itimer *it = p ? itimer_get(p, false) : NULL;
	unsigned long f;

	*value_ns = *interval_ns = 0;
	if (!it)
		return;
	f = spin_lock_irqsave(&it->lock);
	itimer_read_locked(it, value_ns, interval_ns);
	spin_unlock_irqrestore(&it->lock, f);
}

void signal_itimer_release(struct process *p)
{
	struct itimer *it = p->sigs.itimer;
	unsigned long f;
	bool free_now;

	if (!it)
		return;
	p->sigs.itimer = NULL;
	f = spin_lock_irqsave(&it->lock);
	it->dead = true;
	it->deadline_ns = 0;
	/* Cancelled while queued: no callback will come. Otherwise the callback frees it. */
	free_now = !it->queued || timer_cancel(&it->timer);
	spin_unlock_irqrestore(&it->lock, f);
	if (free_now)
		kfree(it);
}
