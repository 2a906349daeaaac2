/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events.c - the Linux personality's event descriptors: epoll_create,
 * epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2,
 * eventfd, eventfd2, timerfd_create, timerfd_settime, timerfd_gettime,
 * signalfd and signalfd4.
 *
 * Thin: every argument is checked here, with Linux's errors, before the
 * object code (fs/epoll.c, fs/eventfd.c, fs/timerfd.c, fs/signalfd.c; see
 * epoll.h and evfd.h) is called. epoll_pwait/pwait2's signal mask is
 * installed for the wait and stays until the way back to user mode when
 * the wait was interrupted (signal.h's temporary masks), as ppoll's.
 * timerfd times are converted to one monotonic deadline here: CLOCK_REALTIME
 * through the wall-clock offset at the time of the call.
 */
#include "epoll.h"
#include "errno.h"
#include "evfd.h"
#include "linux.h"
#include "lxfs.h"
#include "poll.h"
#include "signal.h"
#include "timer.h"
#include "uaccess.h"
#include "vfs.h"

#define NSEC 1000000000ull
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define KSIGSET_SIZE 8
#define EPOLL_MAX_EVENTS (0x7fffffff / (u32)sizeof(struct epoll_event_k))

struct l_timespec {
	s64 sec, nsec;
};

struct l_itimerspec {
	struct l_timespec interval, value;
};

/* Install f (its reference passes to the table) or drop it; the fd or -errno. */
static long ev_install(int err, struct file *f, bool cloexec)
{
	int fd;

	if (err)
		return err;
	fd = fd_install(lx_proc()->files, f, 0, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

static int ts_to_ns(const struct l_timespec *ts, u64 *ns)
{
	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (s64)NSEC)
		return -EINVAL;
	if ((u64)ts->sec > (UINT64_MAX - (u64)ts->nsec) / NSEC / 2)
		*ns = UINT64_MAX / 2; /* far enough: never */
	else
		*ns = (u64)ts->sec * NSEC + (u64)ts->nsec;
	return 0;
}

static struct l_timespec ns_to_ts(u64 ns)
{
	return (struct l_timespec){(s64)(ns / NSEC), (s64)(ns % NSEC)};
}

/* now + rel, saturating at "forever" (UINT64_MAX). */
static u64 after_ns(u64 rel)
{
	u64 now = clock_ns();

	return rel > UINT64_MAX - now ? UINT64_MAX : now + rel;
}

/* ---- epoll ---- */

static long do_epoll_create(u32 flags)
{
	struct file *f;
	int err;

	if (flags & ~(u32)O_CLOEXEC)
		return -EINVAL;
	err = epoll_create_file(0, &f);
	return ev_install(err, f, flags & O_CLOEXEC);
}

static long sys_epoll_create(SYSCALL_ARGS)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}
LINUX_SYSCALL(epoll_create, sys_epoll_create);

static long sys_epoll_create1(SYSCALL_ARGS)
{
	return do_epoll_create((u32)a0);
}
LINUX_SYSCALL(epoll_create1, sys_epoll_create1);

static long sys_epoll_ctl(SYSCALL_ARGS)
{
	int epfd = lx_fd(a0), op = (int)a1, fd = lx_fd(a2);
	struct epoll_event_k ev = {0, 0};
	struct file *ep, *target = NULL;
	long ret;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, UPTR(a3), sizeof(ev)))
		return -EFAULT;
	ep = lx_fget_nopath(epfd);
	if (!ep)
		return -EBADF;
	target = lx_fget_nopath(fd);
	if (!target) {
		ret = -EBADF;
		goto out;
	}
	ret = epoll_ctl_file(ep, op, fd, target, &ev);
out:
	file_put(target);
	file_put(ep);
	return ret;
}
LINUX_SYSCALL(epoll_ctl, sys_epoll_ctl);

/* The common part of the waits: deadline_ns as epoll_wait_file's; usigmask 0 = none. */
static long do_epoll_wait(int epfd, u64 uevents, int maxevents, u64 deadline, u64 usigmask,
			  u64 sigsetsize)
{
	struct file *ep;
	u64 mask;
	long ret;

	if (maxevents <= 0 || (u32)maxevents > EPOLL_MAX_EVENTS)
		return -EINVAL;
	if (usigmask) {
		if (sigsetsize != KSIGSET_SIZE)
			return -EINVAL;
		if (copy_from_user(&mask, UPTR(usigmask), sizeof(mask)))
			return -EFAULT;
	}
	ep = lx_fget_nopath(epfd);
	if (!ep)
		return -EBADF;
	if (!file_is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	if (usigmask)
		signal_mask_set_temporary(mask);
	ret = epoll_wait_file(ep, UPTR(uevents), (u32)maxevents, deadline);
	/* Interrupted: the old mask comes back after the handler (signal.h). */
	if (usigmask && ret != -EINTR)
		signal_mask_restore();
	file_put(ep);
	return ret;
}

/* epoll_wait's milliseconds: negative waits forever, 0 does not wait. */
static u64 ms_deadline(int ms)
{
	if (ms < 0)
		return UINT64_MAX;
	if (ms == 0)
		return 0;
	return after_ns((u64)ms * 1000000ull);
}

static long sys_epoll_wait(SYSCALL_ARGS)
{
	return do_epoll_wait(lx_fd(a0), a1, (int)a2, ms_deadline((int)a3), 0, 0);
}
LINUX_SYSCALL(epoll_wait, sys_epoll_wait);

static long sys_epoll_pwait(SYSCALL_ARGS)
{
	return do_epoll_wait(lx_fd(a0), a1, (int)a2, ms_deadline((int)a3), a4, a5);
}
LINUX_SYSCALL(epoll_pwait, sys_epoll_pwait);

static long sys_epoll_pwait2(SYSCALL_ARGS)
{
	struct l_timespec ts;
	u64 deadline = UINT64_MAX, ns;
	int err;

	if (a3) {
		if (copy_from_user(&ts, UPTR(a3), sizeof(ts)))
			return -EFAULT;
		err = ts_to_ns(&ts, &ns);
		if (err)
			return err;
		deadline = ns ? after_ns(ns) : 0;
	}
	return do_epoll_wait(lx_fd(a0), a1, (int)a2, deadline, a4, a5);
}
LINUX_SYSCALL(epoll_pwait2, sys_epoll_pwait2);

/* ---- eventfd ---- */

static long do_eventfd(u64 initval, u32 flags)
{
	struct file *f;
	int err;

	if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	err = eventfd_create((u32)initval, flags, &f);
	return ev_install(err, f, flags & O_CLOEXEC);
}

static long sys_eventfd(SYSCALL_ARGS)
{
	return do_eventfd(a0, 0);
}
LINUX_SYSCALL(eventfd, sys_eventfd);

static long sys_eventfd2(SYSCALL_ARGS)
{
	return do_eventfd(a0, (u32)a1);
}
LINUX_SYSCALL(eventfd2, sys_eventfd2);

/* ---- timerfd ---- */

static long sys_timerfd_create(SYSCALL_ARGS)
{
	int clockid = (int)a0;
	u32 flags = (u32)a1;
	struct file *f;
	int err;

	if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM)
		return -EPERM; /* no wake-up alarms (CAP_WAKE_ALARM on Linux) */
	if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC && clockid != CLOCK_BOOTTIME)
		return -EINVAL;
	err = timerfd_create_file(clockid, flags, &f);
	return ev_install(err, f, flags & O_CLOEXEC);
}
LINUX_SYSCALL(timerfd_create, sys_timerfd_create);

/* A timerfd of the caller, or NULL with *err set (EBADF, EINVAL). */
static struct file *timerfd_get(int fd, long *err)
{
	struct file *f = lx_fget_nopath(fd);

	*err = -EBADF;
	if (f && !file_is_timerfd(f)) {
		file_put(f);
		f = NULL;
		*err = -EINVAL;
	}
	return f;
}

static int put_itimerspec(u64 uaddr, u64 value, u64 interval)
{
	struct l_itimerspec its = {ns_to_ts(interval), ns_to_ts(value)};

	return copy_to_user(UPTR(uaddr), &its, sizeof(its)) ? -EFAULT : 0;
}

static long sys_timerfd_settime(SYSCALL_ARGS)
{
	u32 flags = (u32)a1;
	struct l_itimerspec its;
	u64 value, interval, first = 0, old_value, old_interval;
	struct file *f;
	long ret;

	if (flags & ~(u32)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&its, UPTR(a2), sizeof(its)))
		return -EFAULT;
	if (ts_to_ns(&its.value, &value) || ts_to_ns(&its.interval, &interval))
		return -EINVAL;
	f = timerfd_get(lx_fd(a0), &ret);
	if (!f)
		return ret;
	if (value && (flags & TFD_TIMER_ABSTIME)) {
		/* A time on the timer's clock; the past means due now. */
		u64 off = timerfd_clockid(f) == CLOCK_REALTIME ? linux_realtime_offset_ns() : 0;

		first = value > off ? value - off : 1;
	} else if (value) {
		first = after_ns(value);
	}
	timerfd_settime_file(f, value != 0, first, interval, &old_value, &old_interval);
	ret = a3 ? put_itimerspec(a3, old_value, old_interval) : 0;
	file_put(f);
	return ret;
}
LINUX_SYSCALL(timerfd_settime, sys_timerfd_settime);

static long sys_timerfd_gettime(SYSCALL_ARGS)
{
	u64 value, interval;
	struct file *f;
	long ret;

	f = timerfd_get(lx_fd(a0), &ret);
	if (!f)
		return ret;
	timerfd_gettime_file(f, &value, &interval);
	ret = put_itimerspec(a1, value, interval);
	file_put(f);
	return ret;
}
LINUX_SYSCALL(timerfd_gettime, sys_timerfd_gettime);

/* ---- signalfd ---- */

static long do_signalfd4(int fd, u64 umask, u64 size, u32 flags)
{
	struct file *f;
	u64 mask;
	long ret;

	if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (size != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, UPTR(umask), sizeof(mask)))
		return -EFAULT;
	if (fd == -1) {
		ret = signalfd_create_file(mask, flags, &f);
		return ev_install((int)ret, f, flags & O_CLOEXEC);
	}
	f = lx_fget_nopath(fd);
	if (!f)
		return -EBADF;
	if (file_is_signalfd(f)) {
		signalfd_set_mask(f, mask);
		ret = fd;
	} else {
		ret = -EINVAL;
	}
	file_put(f);
	return ret;
}

static long sys_signalfd(SYSCALL_ARGS)
{
	return do_signalfd4((int)a0, a1, a2, 0);
}
LINUX_SYSCALL(signalfd, sys_signalfd);

static long sys_signalfd4(SYSCALL_ARGS)
{
	return do_signalfd4((int)a0, a1, a2, (u32)a3);
}
LINUX_SYSCALL(signalfd4, sys_signalfd4);
