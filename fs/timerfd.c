/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/timerfd.c - timerfd (evfd.h): a timer whose expirations are read as
 * an 8-byte count. The syscalls (kernel/linux/events.c) turn the caller's
 * clock and TFD_TIMER_ABSTIME into one monotonic deadline; a CLOCK_REALTIME
 * timer therefore does not follow later changes of the wall clock
 * (TFD_TIMER_CANCEL_ON_SET is accepted and never cancels).
 *
 * Expirations are counted from the clock, not from timer interrupts: the
 * timer is armed while next_ns != 0, and the count due at time now is
 * 1 + (now - next_ns) / interval_ns once now >= next_ns (1 for a one-shot
 * timer). read(2) takes that count and moves next_ns past now (or disarms
 * a one-shot timer); poll reports POLLIN while a count is due. The kernel
 * timer only wakes sleepers and pollers at next_ns; it is re-armed by the
 * read that moves next_ns. So a periodic timer nobody reads costs one
 * interrupt, yet its count keeps growing.
 *
 * Locking: tfd->lock (a mutex) serializes settime, gettime and read;
 * next_ns and interval_ns are stored under it and loaded atomically by
 * poll and by the wait condition (under the wait queue's lock). The timer
 * callback takes no lock: it wakes the queue and then sets fired; whoever
 * stops the timer and finds it not pending waits for fired (the callback
 * may be running on another CPU), so at most one callback is outstanding
 * and the struct outlives it.
 */
#include "arch.h"
#include "errno.h"
#include "evfd.h"
#include "lib.h"
#include "mm.h"
#include "poll.h"
#include "sync.h"
#include "timer.h"
#include "uaccess.h"
#include "vfs.h"

struct timerfd {
	struct mutex lock;
	struct wait_queue wq; /* readers; epoll */
	struct timer timer;
	int clockid;
	u64 next_ns;	 /* monotonic time of the next expiration; 0 = disarmed; see top */
	u64 interval_ns; /* 0 = one-shot; as next_ns */
	bool armed;	 /* timer put in the heap since the last stop; lock */
	u32 fired;	 /* the callback of that arming has finished; atomic */
};

static u64 load64(const u64 *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static void store64(u64 *v, u64 x)
{
	__atomic_store_n(v, x, __ATOMIC_RELAXED);
}

static void timerfd_fire(struct timer *tm)
{
	struct timerfd *tfd = tm->data;

	wake_up_all(&tfd->wq);
	__atomic_store_n(&tfd->fired, 1, __ATOMIC_RELEASE);
}

/* Stop the kernel timer; on return no callback is pending or running. lock held. */
static void tfd_timer_stop(struct timerfd *tfd)
{
	if (tfd->armed && !timer_cancel(&tfd->timer))
		while (!__atomic_load_n(&tfd->fired, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	tfd->armed = false;
}

/* Arm the kernel timer for next_ns (if armed). lock held. */
static void tfd_timer_start(struct timerfd *tfd)
{
	unsigned long flags;

	tfd_timer_stop(tfd);
	if (!tfd->next_ns)
		return;
	flags = arch_irq_save(); /* the timer fires on this CPU: not before armed is known */
	__atomic_store_n(&tfd->fired, 0, __ATOMIC_RELAXED);
	timer_arm(&tfd->timer, tfd->next_ns);
	tfd->armed = timer_pending(&tfd->timer);
	arch_irq_restore(flags);
}

/* Expirations due at now (0 if none). */
static u64 tfd_due(u64 next, u64 interval, u64 now)
{
	if (!next || now < next)
		return 0;
	return interval ? 1 + (now - next) / interval : 1;
}

static bool tfd_ready(void *arg)
{
	struct timerfd *tfd = arg;

	return tfd_due(load64(&tfd->next_ns), load64(&tfd->interval_ns), clock_ns()) != 0;
}

static s64 timerfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct timerfd *tfd = f->priv;
	u64 n;
	int err;

	if (u->len < sizeof(u64))
		return -EINVAL;
	for (;;) {
		mutex_lock(&tfd->lock);
		n = tfd_due(tfd->next_ns, tfd->interval_ns, clock_ns());
		if (n) {
			if (tfd->interval_ns)
				store64(&tfd->next_ns, tfd->next_ns + n * tfd->interval_ns);
			else
				store64(&tfd->next_ns, 0);
			tfd_timer_start(tfd);
			mutex_unlock(&tfd->lock);
			break;
		}
		mutex_unlock(&tfd->lock);
		if (file_nonblock(f))
			return -EAGAIN;
		/* The deadline wakes us even if the kernel timer was refused. */
		err = wait_until_intr(&tfd->wq, tfd_ready, tfd, load64(&tfd->next_ns));
		if (err && err != -ETIMEDOUT)
			return err;
	}
	if (uio_copy_out(u, 0, &n, sizeof(n)))
		return -EFAULT;
	return sizeof(u64);
}

static u32 timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tfd = f->priv;

	poll_wait(pt, &tfd->wq);
	return tfd_ready(tfd) ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *tfd = f->priv;

	if (!tfd)
		return;
	mutex_lock(&tfd->lock);
	tfd_timer_stop(tfd);
	mutex_unlock(&tfd->lock);
	kfree(tfd);
}

static const struct file_operations timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
};

bool file_is_timerfd(const struct file *f)
{
	return f->ops == &timerfd_fops;
}

int timerfd_clockid(struct file *f)
{
	return ((struct timerfd *)f->priv)->clockid;
}

/* The current setting: time to the next expiration (at least 1 ns if armed). lock held. */
static void tfd_get_locked(struct timerfd *tfd, u64 now, u64 *value, u64 *interval)
{
	u64 next = tfd->next_ns;

	*interval = tfd->interval_ns;
	if (!next) {
		*value = 0;
		return;
	}
	if (now >= next) {
		if (!tfd->interval_ns) {
			*value = 1; /* expired, not read yet: Linux says 1 ns too */
			return;
		}
		next += tfd_due(next, tfd->interval_ns, now) * tfd->interval_ns;
	}
	*value = next - now;
}

void timerfd_settime_file(struct file *f, bool arm, u64 first_ns, u64 interval_ns,
			  u64 *old_value_ns, u64 *old_interval_ns)
{
	struct timerfd *tfd = f->priv;

	mutex_lock(&tfd->lock);
	tfd_get_locked(tfd, clock_ns(), old_value_ns, old_interval_ns);
	store64(&tfd->interval_ns, arm ? interval_ns : 0);
	store64(&tfd->next_ns, arm ? (first_ns ? first_ns : 1) : 0);
	tfd_timer_start(tfd);
	mutex_unlock(&tfd->lock);
	wake_up_all(&tfd->wq); /* an expiration in the past is due now */
}

void timerfd_gettime_file(struct file *f, u64 *value_ns, u64 *interval_ns)
{
	struct timerfd *tfd = f->priv;

	mutex_lock(&tfd->lock);
	tfd_get_locked(tfd, clock_ns(), value_ns, interval_ns);
	mutex_unlock(&tfd->lock);
}

int timerfd_create_file(int clockid, u32 flags, struct file **out)
{
	struct timerfd *tfd = kzalloc(sizeof(*tfd));
	struct file *f;

	*out = NULL;
	if (!tfd)
		return -ENOMEM;
	mutex_init(&tfd->lock, "timerfd");
	wait_queue_init(&tfd->wq, "timerfd");
	timer_init(&tfd->timer, timerfd_fire, tfd);
	tfd->clockid = clockid;
	f = file_alloc_anon(&timerfd_fops, tfd, O_RDONLY | (flags & O_NONBLOCK));
	if (!f) {
		kfree(tfd);
		return -ENOMEM;
	}
	f->fmode |= FMODE_NOSEEK;
	*out = f;
	return 0;
}
