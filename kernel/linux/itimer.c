/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * itimer.c - Linux's alarm, setitimer and getitimer over the process's
 * ITIMER_REAL (kernel/core/itimer.c). ITIMER_VIRTUAL and ITIMER_PROF
 * (CPU-time timers) are not implemented: -EINVAL.
 */
#include "errno.h"
#include "linux.h"
#include "signal.h"
#include "uaccess.h"

#define ITIMER_REAL 0
#define NS_PER_US 1000ull
#define NS_PER_S 1000000000ull

struct l_timeval {
	s64 sec, usec;
};

struct l_itimerval {
	struct l_timeval interval, value;
};

static int tv_to_ns(const struct l_timeval *tv, u64 *ns)
{
	if (tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000)
		return -EINVAL;
	if ((u64)tv->sec > ~0ull / NS_PER_S - 1)
		*ns = ~0ull / 2; /* far enough */
	else
		*ns = (u64)tv->sec * NS_PER_S + (u64)tv->usec * NS_PER_US;
	return 0;
}

/* Round up to whole microseconds: a timer with time left never reads as 0. */
static struct l_timeval ns_to_tv(u64 ns)
{
	u64 us = (ns + NS_PER_US - 1) / NS_PER_US;

	return (struct l_timeval){(s64)(us / 1000000), (s64)(us % 1000000)};
}

static int put_itimerval(u64 uaddr, u64 value, u64 interval)
{
	struct l_itimerval v = {ns_to_tv(interval), ns_to_tv(value)};

	return copy_to_user(UPTR(uaddr), &v, sizeof(v)) ? -EFAULT : 0;
}

static long sys_alarm(SYSCALL_ARGS)
{
	u64 old = 0;
	int err = signal_itimer_set((u64)(u32)a0 * NS_PER_S, 0, &old, NULL);

	if (err)
		return err;
	/* Seconds left, rounded to nearest (at least 1 if it was armed), as Linux. */
	return old ? (long)((old + NS_PER_S / 2) / NS_PER_S ?: 1) : 0;
}
LINUX_SYSCALL(alarm, sys_alarm);

static long sys_setitimer(SYSCALL_ARGS)
{
	struct l_itimerval v = {{0, 0}, {0, 0}};
	u64 value, interval, ov, oi;
	int err;

	if ((int)a0 != ITIMER_REAL)
		return -EINVAL;
	if (a1 && copy_from_user(&v, UPTR(a1), sizeof(v)))
		return -EFAULT;
	err = tv_to_ns(&v.value, &value);
	if (!err)
		err = tv_to_ns(&v.interval, &interval);
	if (err)
		return err;
	err = signal_itimer_set(value, interval, &ov, &oi);
	if (err)
		return err;
	return a2 ? put_itimerval(a2, ov, oi) : 0;
}
LINUX_SYSCALL(setitimer, sys_setitimer);

static long sys_getitimer(SYSCALL_ARGS)
{
	u64 value, interval;

	if ((int)a0 != ITIMER_REAL)
		return -EINVAL;
	signal_itimer_get(&value, &interval);
	return put_itimerval(a1, value, interval);
}
LINUX_SYSCALL(getitimer, sys_getitimer);
