/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * time.c - Linux clock and sleep system calls, and the resource summaries
 * that report time: clock_gettime clock_getres gettimeofday time nanosleep
 * clock_nanosleep times getrusage sysinfo.
 *
 * CLOCK_MONOTONIC/BOOTTIME count from boot (clock_ns()). CLOCK_REALTIME is
 * the monotonic clock plus a wall-clock offset that starts at 0 (the Unix
 * epoch at boot) until an RTC driver or settimeofday provides one - a
 * choice documented in docs/design/linux-abi.md. Sleeps are interruptible
 * by signals (-EINTR, with the remaining time for relative sleeps).
 */
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "timer.h"
#include "uaccess.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC 1000000000ull

struct l_timespec {
	s64 sec, nsec;
};

static s64 realtime_offset_ns;

u64 linux_realtime_offset_ns(void)
{
	return (u64)__atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED);
}

static int clock_read(u64 id, u64 *ns)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = clock_ns() + (u64)realtime_offset_ns;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = current_thread()->runtime_ns + (clock_ns() - current_thread()->exec_start_ns);
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_ts(u64 uaddr, u64 ns)
{
	struct l_timespec ts = {(s64)(ns / NSEC), (s64)(ns % NSEC)};

	return copy_to_user(UPTR(uaddr), &ts, sizeof(ts)) ? -EFAULT : 0;
}

static int get_ts(u64 uaddr, u64 *ns)
{
	struct l_timespec ts;

	if (copy_from_user(&ts, UPTR(uaddr), sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC)
		return -EINVAL;
	if ((u64)ts.sec > (~0ull - NSEC) / NSEC)
		*ns = ~0ull; /* effectively forever */
	else
		*ns = (u64)ts.sec * NSEC + (u64)ts.nsec;
	return 0;
}

static long sys_clock_gettime(SYSCALL_ARGS)
{
	u64 ns;
	int err = clock_read(a0, &ns);

	return err ? err : put_ts(a1, ns);
}
LINUX_SYSCALL(clock_gettime, sys_clock_gettime);

static long sys_clock_getres(SYSCALL_ARGS)
{
	u64 ns;
	int err = clock_read(a0, &ns);

	if (err)
		return err;
	return a1 ? put_ts(a1, 1) : 0;
}
LINUX_SYSCALL(clock_getres, sys_clock_getres);

static long sys_gettimeofday(SYSCALL_ARGS)
{
	u64 ns = clock_ns() + (u64)realtime_offset_ns;
	struct {
		s64 sec, usec;
	} tv = {(s64)(ns / NSEC), (s64)(ns % NSEC / 1000)};

	if (a0 && copy_to_user(UPTR(a0), &tv, sizeof(tv)))
		return -EFAULT;
	if (a1) {
		s32 tz[2] = {0, 0};

		if (copy_to_user(UPTR(a1), tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}
LINUX_SYSCALL(gettimeofday, sys_gettimeofday);

static long sys_settimeofday(SYSCALL_ARGS)
{
	struct {
		s64 sec, usec;
	} tv;

	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	if (!a0)
		return 0;
	if (copy_from_user(&tv, UPTR(a0), sizeof(tv)))
		return -EFAULT;
	if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
		return -EINVAL;
	realtime_offset_ns = (s64)((u64)tv.sec * NSEC + (u64)tv.usec * 1000) - (s64)clock_ns();
	return 0;
}
LINUX_SYSCALL(settimeofday, sys_settimeofday);

static long sys_time(SYSCALL_ARGS)
{
	s64 t = (s64)((clock_ns() + (u64)realtime_offset_ns) / NSEC);

	if (a0 && copy_to_user(UPTR(a0), &t, sizeof(t)))
		return -EFAULT;
	return t;
}
LINUX_SYSCALL(time, sys_time);

/* Nobody wakes this queue: sleepers leave by deadline or by a signal. */
static struct wait_queue sleep_wq = {SPINLOCK_INIT("sleep_wq", LOCK_RANK_WAITQ),
				     LIST_HEAD_INIT(sleep_wq.waiters)};

static bool never(void *arg)
{
	(void)arg;
	return false;
}

/* Sleep until the monotonic deadline; -EINTR if a signal came first. */
static int sleep_until(u64 deadline)
{
	int err = wait_until_intr(&sleep_wq, never, NULL, deadline ? deadline : 1);

	return err == -ETIMEDOUT ? 0 : err;
}

/*
 * Sleep until deadline. Interrupted, the thread keeps the deadline and urem
 * (0: none) for restart_syscall, which sleeps on to the same deadline
 * unless a handler runs, and the time left goes to urem.
 */
static long sleep_restartable(u64 deadline, u64 urem)
{
	struct thread *t = current_thread();
	int err;

	if (deadline <= clock_ns())
		return 0;
	err = sleep_until(deadline);
	if (err == -EINTR) {
		t->restart_deadline_ns = deadline;
		t->restart_urem = urem;
		if (urem) {
			u64 now = clock_ns();

			if (put_ts(urem, deadline > now ? deadline - now : 0))
				return -EFAULT;
		}
	}
	return err;
}

static long do_nanosleep(u64 clock, int flags, u64 ureq, u64 urem)
{
	u64 req, now, deadline;
	int err;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	err = get_ts(ureq, &req);
	if (err)
		return err;
	now = clock_ns();
	if (flags & TIMER_ABSTIME) {
		u64 base = clock == CLOCK_REALTIME ? (u64)realtime_offset_ns : 0;

		deadline = req > base ? req - base : 0;
	} else {
		deadline = req > ~0ull - now ? ~0ull : now + req;
	}
	/* An absolute sleep reports no time left (POSIX). */
	return sleep_restartable(deadline, (flags & TIMER_ABSTIME) ? 0 : urem);
}

/*
 * restart_syscall: a sleep interrupted by a stop (or a signal without a
 * handler) goes on to its old deadline, as Linux's restart block does; user
 * space enters it only through the signal code (signal_deliver).
 */
static long sys_restart_syscall(SYSCALL_ARGS)
{
	struct thread *t = current_thread();

	if (!t->restart_deadline_ns)
		return 0;
	return sleep_restartable(t->restart_deadline_ns, t->restart_urem);
}
LINUX_SYSCALL(restart_syscall, sys_restart_syscall);

static long sys_nanosleep(SYSCALL_ARGS)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, a0, a1);
}
LINUX_SYSCALL(nanosleep, sys_nanosleep);

static long sys_clock_nanosleep(SYSCALL_ARGS)
{
	/* -errno like every call: the C library turns it into clock_nanosleep's return value. */
	return do_nanosleep(a0, (int)a1, a2, a3);
}
LINUX_SYSCALL(clock_nanosleep, sys_clock_nanosleep);

static long sys_times(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	u64 ticks = clock_ns() / (NSEC / 100);
	s64 tms[4] = {(s64)(current_thread()->runtime_ns / (NSEC / 100)), 0,
		      (s64)(p->children_runtime_ns / (NSEC / 100)), 0};

	if (a0 && copy_to_user(UPTR(a0), tms, sizeof(tms)))
		return -EFAULT;
	return (long)ticks;
}
LINUX_SYSCALL(times, sys_times);

static long sys_getrusage(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	s64 ru[18];
	u64 ns;

	memset(ru, 0, sizeof(ru));
	if ((s64)a0 == 0)
		ns = current_thread()->runtime_ns;
	else if ((s64)a0 == -1)
		ns = p->children_runtime_ns;
	else if ((s64)a0 == 1)
		ns = current_thread()->runtime_ns;
	else
		return -EINVAL;
	ru[0] = (s64)(ns / NSEC);
	ru[1] = (s64)(ns % NSEC / 1000);
	return copy_to_user(UPTR(a1), ru, sizeof(ru)) ? -EFAULT : 0;
}
LINUX_SYSCALL(getrusage, sys_getrusage);

struct l_sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u32 pad2;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char reserved[4];
};

static long sys_sysinfo(SYSCALL_ARGS)
{
	struct l_sysinfo si;
	struct mm_stats st;

	memset(&si, 0, sizeof(si));
	mm_stats_get(&st);
	si.uptime = (s64)(clock_ns() / NSEC);
	si.totalram = st.total_pages * PAGE_SIZE;
	si.freeram = st.free_pages * PAGE_SIZE;
	si.procs = (u16)proc_count();
	si.mem_unit = 1;
	return copy_to_user(UPTR(a0), &si, sizeof(si)) ? -EFAULT : 0;
}
LINUX_SYSCALL(sysinfo, sys_sysinfo);
