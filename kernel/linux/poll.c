/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * poll.c - the Linux personality's poll, ppoll, select and pselect6, all
 * on do_poll() (fs/poll.c).
 *
 * poll/ppoll hand the user's struct pollfd array over almost unchanged
 * (POLLERR and POLLHUP always count as ready) and write back each revents.
 * select/pselect6 turn the three fd_set bitmaps into one pollfd per
 * descriptor, asking for Linux's sets: readable = POLLIN | POLLRDNORM |
 * POLLRDBAND | POLLHUP | POLLERR, writable = POLLOUT | POLLWRNORM |
 * POLLWRBAND | POLLERR, exceptional = POLLPRI; a descriptor in a set that
 * is not open fails the call with EBADF. The return value counts set bits.
 *
 * Timeouts: poll's milliseconds (negative: forever), ppoll/pselect6's
 * timespec and select's timeval (NULL: forever; invalid values: EINVAL)
 * become a monotonic deadline; the time left is written back to the
 * timespec/timeval as Linux does (a fault there is ignored, as on Linux).
 *
 * Signal masks: ppoll's and pselect6's sigmask replaces the caller's
 * mask for the duration of the wait, as rt_sigsuspend's does
 * (signal_mask_set_temporary): when a signal ends the wait (EINTR) the old
 * mask comes back only after the handler's frame has saved it, so the
 * handler runs under the call's mask; otherwise it comes back at once. A
 * pending signal ends the wait with EINTR when nothing is ready; with no
 * handler to run (a stop and continue) the call restarts.
 */
#include "poll.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "mm.h"
#include "signal.h"
#include "timer.h"
#include "uaccess.h"
#include "vfs.h"

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull
#define USEC_PER_SEC 1000000ll
#define POLLRDBAND 0x080
#define POLLWRBAND 0x200
#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET POLLPRI
#define KSIGSET_SIZE 8 /* the kernel sigset_t of ppoll/pselect6 */
#define FDSET_WORDS (FD_MAX / 64)

struct linux_timespec {
	s64 sec, nsec;
};

struct linux_timeval {
	s64 sec, usec;
};

STATIC_ASSERT(sizeof(struct pollfd_k) == 8, "struct pollfd_k is Linux's struct pollfd");

/* A deadline sec + nsec from now (valid, non-negative values); saturates to forever. */
static u64 deadline_after(u64 sec, u64 nsec)
{
	u64 now = clock_ns(), d;

	if (sec > (POLL_FOREVER - now) / NSEC_PER_SEC)
		return POLL_FOREVER;
	d = now + sec * NSEC_PER_SEC;
	if (nsec > POLL_FOREVER - d)
		return POLL_FOREVER;
	return d + nsec;
}

/* Nanoseconds left until deadline (0 once passed). */
static u64 time_left(u64 deadline)
{
	u64 now = clock_ns();

	return deadline > now ? deadline - now : 0;
}

static int get_timespec_deadline(u64 uts, u64 *deadline)
{
	struct linux_timespec ts;

	*deadline = POLL_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, UPTR(uts), sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*deadline = deadline_after((u64)ts.sec, (u64)ts.nsec);
	return 0;
}

/* Write the time left back to a timespec (ppoll, pselect6); faults ignored. */
static void put_timespec_left(u64 uts, u64 deadline)
{
	struct linux_timespec ts;
	u64 left;

	if (!uts || deadline == POLL_FOREVER)
		return;
	left = time_left(deadline);
	ts.sec = (s64)(left / NSEC_PER_SEC);
	ts.nsec = (s64)(left % NSEC_PER_SEC);
	if (copy_to_user(UPTR(uts), &ts, sizeof(ts)))
		return; /* Linux ignores it too: the call itself succeeded */
}

/* Swap in the call's kernel sigset_t (if any) for the wait; *set says whether it was. */
static int sigmask_begin(u64 usigmask, u64 size, bool *set)
{
	u64 mask;

	*set = false;
	if (!usigmask)
		return 0;
	if (size != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, UPTR(usigmask), sizeof(mask)))
		return -EFAULT;
	signal_mask_set_temporary(mask);
	*set = true;
	return 0;
}

/* The wait is over: interrupted, the delivery puts the old mask back; otherwise now. */
static void sigmask_end(bool set, long ret)
{
	if (set && ret != -EINTR)
		signal_mask_restore();
}

/* ---- poll, ppoll ---- */

static long do_poll_user(u64 ufds, u64 nfds, u64 deadline)
{
	struct pollfd_k *fds = NULL;
	u32 i, n = (u32)nfds;
	long ret;

	if (nfds > FD_MAX)
		return -EINVAL;
	if (n) {
		fds = kmalloc(n * sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		if (copy_from_user(fds, UPTR(ufds), n * sizeof(*fds))) {
			ret = -EFAULT;
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		fds[i].events |= POLLERR | POLLHUP;
	ret = do_poll(fds, n, deadline);
	if (ret < 0)
		goto out;
	for (i = 0; i < n; i++) {
		u64 at = ufds + i * sizeof(*fds) + offsetof(struct pollfd_k, revents);

		if (copy_to_user(UPTR(at), &fds[i].revents, sizeof(fds[i].revents))) {
			ret = -EFAULT;
			break;
		}
	}
out:
	kfree(fds);
	return ret;
}

static long sys_poll(SYSCALL_ARGS)
{
	int timeout_ms = (int)a2;
	u64 deadline = POLL_FOREVER;

	if (timeout_ms >= 0)
		deadline = deadline_after((u64)timeout_ms / 1000,
					  (u64)(timeout_ms % 1000) * NSEC_PER_MSEC);
	return do_poll_user(a0, (u32)a1, deadline);
}
LINUX_SYSCALL(poll, sys_poll);

/* ppoll(fds, nfds, tsp, sigmask, sigsetsize) */
static long sys_ppoll(SYSCALL_ARGS)
{
	u64 deadline;
	bool masked;
	long ret;

	ret = get_timespec_deadline(a2, &deadline);
	if (ret)
		return ret;
	ret = sigmask_begin(a3, a4, &masked);
	if (ret)
		return ret;
	ret = do_poll_user(a0, (u32)a1, deadline);
	sigmask_end(masked, ret);
	put_timespec_left(a2, deadline);
	return ret;
}
LINUX_SYSCALL(ppoll, sys_ppoll);

/* ---- select, pselect6 ---- */

static bool fdset_test(const u64 *set, int fd)
{
	return (set[fd / 64] >> (fd % 64)) & 1;
}

static void fdset_set(u64 *set, int fd)
{
	set[fd / 64] |= 1ull << (fd % 64);
}

/* The sets of one select call: in[] as given (zero where NULL), out[] the answer. */
struct select_sets {
	u64 in[3][FDSET_WORDS];
	u64 out[3][FDSET_WORDS];
};

static long do_select(int nfds, const u64 *usets, u64 deadline)
{
	static const u16 wants[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};
	size_t bytes;
	struct select_sets *s;
	struct pollfd_k *fds = NULL;
	u32 n = 0, i;
	long ret;
	int fd, k;

	if (nfds < 0)
		return -EINVAL;
	if (nfds > FD_MAX)
		nfds = FD_MAX; /* Linux cuts nfds down to the table size the same way */
	bytes = (size_t)(nfds + 63) / 64 * 8;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (k = 0; k < 3; k++) {
		if (usets[k] && copy_from_user(s->in[k], UPTR(usets[k]), bytes)) {
			ret = -EFAULT;
			goto out;
		}
	}
	for (fd = 0; fd < nfds; fd++)
		if (fdset_test(s->in[0], fd) || fdset_test(s->in[1], fd) ||
		    fdset_test(s->in[2], fd))
			n++;
	if (n) {
		fds = kmalloc(n * sizeof(*fds));
		if (!fds) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (fd = 0, i = 0; fd < nfds && i < n; fd++) {
		u16 ev = 0;

		for (k = 0; k < 3; k++)
			if (fdset_test(s->in[k], fd))
				ev |= wants[k];
		if (ev)
			fds[i++] = (struct pollfd_k){fd, ev, 0};
	}
	ret = do_poll(fds, n, deadline);
	if (ret < 0)
		goto out;
	ret = 0;
	for (i = 0; i < n; i++) {
		if (fds[i].revents & POLLNVAL) {
			ret = -EBADF;
			goto out;
		}
		for (k = 0; k < 3; k++) {
			if (fdset_test(s->in[k], fds[i].fd) && (fds[i].revents & wants[k])) {
				fdset_set(s->out[k], fds[i].fd);
				ret++;
			}
		}
	}
	for (k = 0; k < 3; k++) {
		if (usets[k] && copy_to_user(UPTR(usets[k]), s->out[k], bytes)) {
			ret = -EFAULT;
			goto out;
		}
	}
out:
	kfree(fds);
	kfree(s);
	return ret;
}

/* select(nfds, readfds, writefds, exceptfds, timeval) */
static long sys_select(SYSCALL_ARGS)
{
	u64 usets[3] = {a1, a2, a3};
	u64 deadline = POLL_FOREVER;
	struct linux_timeval tv;
	long ret;

	if (a4) {
		if (copy_from_user(&tv, UPTR(a4), sizeof(tv)))
			return -EFAULT;
		/* Linux folds whole seconds out of tv_usec before checking. */
		tv.sec += tv.usec / USEC_PER_SEC;
		tv.usec %= USEC_PER_SEC;
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		deadline = deadline_after((u64)tv.sec, (u64)tv.usec * NSEC_PER_USEC);
	}
	ret = do_select((int)a0, usets, deadline);
	if (a4 && deadline != POLL_FOREVER) {
		u64 left = time_left(deadline);

		tv.sec = (s64)(left / NSEC_PER_SEC);
		tv.usec = (s64)(left % NSEC_PER_SEC / NSEC_PER_USEC);
		if (copy_to_user(UPTR(a4), &tv, sizeof(tv)))
			return ret; /* ignored, as on Linux */
	}
	return ret;
}
LINUX_SYSCALL(select, sys_select);

/* pselect6(nfds, readfds, writefds, exceptfds, timespec, {sigset *, size}) */
static long sys_pselect6(SYSCALL_ARGS)
{
	u64 usets[3] = {a1, a2, a3};
	u64 sig[2] = {0, 0}, deadline;
	bool masked;
	long ret;

	ret = get_timespec_deadline(a4, &deadline);
	if (ret)
		return ret;
	if (a5 && copy_from_user(sig, UPTR(a5), sizeof(sig)))
		return -EFAULT;
	ret = sigmask_begin(sig[0], sig[1], &masked);
	if (ret)
		return ret;
	ret = do_select((int)a0, usets, deadline);
	sigmask_end(masked, ret);
	put_timespec_left(a4, deadline);
	return ret;
}
LINUX_SYSCALL(pselect6, sys_pselect6);
