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
 * `callbacks` counts the callbacks still to run: the queued one and any
 * that has begun but not yet got the lock. Arming adds one unless the
 * timer was still queued (it moves); cancelling a queued timer removes
 * one. release() marks it dead and cancels; whoever brings `callbacks` to
 * 0 frees the object.
 *
 * A callback that began before the timer was re-armed or disarmed must not
 * act on the new setting: a callback acts only if the current deadline is
 * due, so a stale one (deadline in the future, or 0) does nothing.
 *
 * Locking: itimer.lock (taken with interrupts off) covers every field; the
 * timer is armed and cancelled only under it.
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
	u32 callbacks; /* still to run: queued, or begun and not yet past the lock */
	bool dead;     /* the process is gone: the last callback frees it */
};

/* Arm the timer for it->deadline_ns; it->lock held. */
static void itimer_arm_locked(struct itimer *it)
{
	if (!timer_cancel(&it->timer))
		it->callbacks++; /* not queued: one more callback to come */
	timer_arm(&it->timer, it->deadline_ns);
}

/* Disarm the timer if it is queued; it->lock held. A callback already begun still counts. */
static void itimer_cancel_locked(struct itimer *it)
{
	if (timer_cancel(&it->timer))
		it->callbacks--;
}

static void itimer_fire(struct timer *tm)
{
	struct itimer *it = tm->data;
	unsigned long f = spin_lock_irqsave(&it->lock);
	int pid = it->pid;
	u64 now = clock_ns();
	bool fire, free_now;

	it->callbacks--;
	if (it->dead) {
		free_now = it->callbacks == 0;
		spin_unlock_irqrestore(&it->lock, f);
		if (free_now)
			kfree(it);
		return;
	}
	/* Not due: a stale callback, the timer was set again (or off) since it began. */
	fire = it->deadline_ns != 0 && it->deadline_ns <= now;
	if (fire && it->interval_ns) {
		u64 next = it->deadline_ns + it->interval_ns;

		/* Missed expiries (a long delay) are not made up, as on Linux (no overrun count).
		 */
		it->deadline_ns = next > now ? next : now + it->interval_ns;
		itimer_arm_locked(it);
	} else if (fire) {
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
		itimer_cancel_locked(it);
		it->interval_ns = value_ns ? interval_ns : 0;
		it->deadline_ns = 0;
		if (value_ns) {
			u64 now = clock_ns();

			it->deadline_ns = value_ns > ~0ull - now ? ~0ull : now + value_ns;
			itimer_arm_locked(it);
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
	itimer_cancel_locked(it);
	free_now = it->callbacks == 0; /* otherwise the last callback frees it */
	spin_unlock_irqrestore(&it->lock, f);
	if (free_now)
		kfree(it);
}
