/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evtest.c - end-to-end checks of I/O multiplexing and event descriptors:
 * epoll (create/create1, ctl ADD/MOD/DEL and their errors, level and edge
 * triggering, EPOLLONESHOT re-armed by MOD, EPOLLHUP/EPOLLERR, maxevents
 * fairness, a watched file forgotten when its last descriptor closes but
 * not while a dup lives, epoll_pwait's signal mask, poll on an epoll fd,
 * AF_UNIX sockets with EPOLLRDHUP/EPOLLHUP),
 * eventfd (counter, EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC, overflow),
 * timerfd (relative, absolute on both clocks, periodic counts, gettime,
 * EAGAIN), signalfd (siginfo with ssi_pid, from self and from a child,
 * pollable, a sleeping reader seeing a new mask), pipes (64 KiB
 * capacity, F_GETPIPE_SZ/F_SETPIPE_SZ rounding and errors, FIONREAD,
 * PIPE_BUF atomicity between two writer processes, a blocking writer
 * waiting for room for its whole record, O_NONBLOCK partial writes and
 * EAGAIN), and EFAULT for bad user pointers given to these calls.
 *
 * Prints "ok N - what" / "not ok N - what" and "evtest: N passed, M
 * failed"; exits 0 only if everything passed. Runs on Linux too (that
 * validates the test itself); where Linux and Matrioska may legitimately
 * differ (nesting epolls, the root-only pipe sizes) both answers are
 * accepted and the test says which one it saw.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

/* The call failed with errno e. */
static int fails(long r, int e)
{
	return r == -1 && errno == e;
}

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* epoll_wait with timeout 0: the number ready; the first event in *ev. */
static int ep_now(int ep, struct epoll_event *ev)
{
	struct epoll_event tmp[8];
	int r = epoll_wait(ep, tmp, 8, 0);

	if (r > 0 && ev)
		*ev = tmp[0];
	return r;
}

static int ep_add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* ---- epoll ---- */

static void test_epoll_basics(void)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int ep, ep2, p[2], fd;
	char path[] = "/tmp/evtest.XXXXXX";

	check(fails(syscall(SYS_epoll_create, 0), EINVAL), "epoll_create(0) fails with EINVAL");
	check(fails(epoll_create1(0x1234), EINVAL), "epoll_create1 with unknown flags: EINVAL");
	ep = epoll_create1(EPOLL_CLOEXEC);
	check(ep >= 0 && cloexec(ep), "epoll_create1(EPOLL_CLOEXEC) sets FD_CLOEXEC");
	ep2 = epoll_create(1);
	check(ep2 >= 0 && !cloexec(ep2), "epoll_create(1) works, no FD_CLOEXEC");
	if (pipe(p))
		return;
	check(ep_add(ep, p[0], EPOLLIN, 1) == 0, "EPOLL_CTL_ADD of a pipe");
	check(fails(ep_add(ep, p[0], EPOLLIN, 1), EEXIST), "adding it again: EEXIST");
	check(fails(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT),
	      "MOD of an unwatched fd: ENOENT");
	check(fails(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT),
	      "DEL of an unwatched fd: ENOENT");
	check(fails(ep_add(ep, ep, EPOLLIN, 0), EINVAL), "an epoll watching itself: EINVAL");
	check(fails(ep_add(ep, 999, EPOLLIN, 0), EBADF), "ADD of a closed fd: EBADF");
	check(fails(ep_add(p[0], p[1], EPOLLIN, 0), EINVAL), "epoll_ctl on a non-epoll fd: EINVAL");
	check(fails(epoll_ctl(ep, 99, p[1], &ev), EINVAL), "unknown op: EINVAL");
	check(fails(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (void *)8), EFAULT),
	      "bad event pointer: EFAULT");
	check(fails(epoll_wait(ep, &ev, 0, 0), EINVAL), "epoll_wait with maxevents 0: EINVAL");
	check(fails(epoll_wait(p[0], &ev, 1, 0), EINVAL), "epoll_wait on a pipe: EINVAL");
	fd = mkstemp(path);
	if (fd >= 0) {
		check(fails(ep_add(ep, fd, EPOLLIN, 0), EPERM),
		      "a regular file cannot be watched: EPERM");
		close(fd);
		unlink(path);
	}
	/* Nesting: Linux allows it, Matrioska refuses it cleanly. */
	{
		int r = ep_add(ep, ep2, EPOLLIN, 7);
		char what[96];

		snprintf(what, sizeof(what), "an epoll inside another: %s",
			 r == 0 ? "supported" : "refused with EINVAL");
		check(r == 0 || errno == EINVAL, what);
	}
	check(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "EPOLL_CTL_DEL");
	check(ep_now(ep, NULL) == 0, "nothing ready after DEL");
	close(p[0]);
	close(p[1]);
	close(ep2);
	close(ep);
}

static void test_epoll_triggers(void)
{
	struct epoll_event ev;
	int lt, et, os, p[2];
	char buf[16];

	if (pipe(p))
		return;
	lt = epoll_create1(0);
	et = epoll_create1(0);
	os = epoll_create1(0);
	ep_add(lt, p[0], EPOLLIN, 11);
	ep_add(et, p[0], EPOLLIN | EPOLLET, 22);
	ep_add(os, p[0], EPOLLIN | EPOLLONESHOT, 33);
	check(ep_now(lt, NULL) == 0 && ep_now(et, NULL) == 0, "an empty pipe is not ready");
	check(write(p[1], "a", 1) == 1, "write 1 byte");
	check(ep_now(lt, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 11,
	      "level-triggered: EPOLLIN with the item's data");
	check(ep_now(lt, &ev) == 1, "level-triggered: reported again while data is there");
	check(ep_now(et, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 22,
	      "edge-triggered: reported once");
	check(ep_now(et, NULL) == 0, "edge-triggered: not again without new data");
	check(write(p[1], "b", 1) == 1 && ep_now(et, &ev) == 1,
	      "edge-triggered: new data reports again");
	check(ep_now(et, NULL) == 0, "edge-triggered: and then not again");
	check(ep_now(os, &ev) == 1 && ev.data.u64 == 33, "one-shot: reported once");
	check(write(p[1], "c", 1) == 1 && ep_now(os, NULL) == 0,
	      "one-shot: disabled even after new data");
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = 44;
	check(epoll_ctl(os, EPOLL_CTL_MOD, p[0], &ev) == 0 && ep_now(os, &ev) == 1 &&
		      ev.data.u64 == 44,
	      "one-shot: EPOLL_CTL_MOD re-arms it (with the new data)");
	check(read(p[0], buf, sizeof(buf)) == 3, "drain the pipe");
	check(ep_now(lt, NULL) == 0, "level-triggered: nothing once drained");

	/* EPOLLOUT on the write end; EPOLLHUP and EPOLLERR when the other side goes. */
	ep_add(lt, p[1], EPOLLOUT, 55);
	check(ep_now(lt, &ev) == 1 && ev.events == EPOLLOUT && ev.data.u64 == 55,
	      "an empty pipe's write end: EPOLLOUT");
	epoll_ctl(lt, EPOLL_CTL_DEL, p[1], NULL);
	check(write(p[1], "d", 1) == 1 && close(p[1]) == 0, "write then close the write end");
	check(ep_now(lt, &ev) == 1 && ev.events == (EPOLLIN | EPOLLHUP),
	      "the read end: EPOLLIN|EPOLLHUP, HUP although not asked for");
	close(p[0]);
	if (pipe(p))
		return;
	ep_add(et, p[1], EPOLLOUT | EPOLLET, 66);
	check(ep_now(et, &ev) == 1 && ev.events == EPOLLOUT, "edge-triggered EPOLLOUT at first");
	close(p[0]);
	check(ep_now(et, &ev) == 1 && ev.events == (EPOLLOUT | EPOLLERR),
	      "reader gone: EPOLLERR on the write end (edge: the close is a new event)");
	close(p[1]);
	close(lt);
	close(et);
	close(os);
}

static void test_epoll_lifetime(void)
{
	struct epoll_event evs[4];
	int ep, p[2], q[2], d, r;
	struct pollfd pfd;

	ep = epoll_create1(0);
	if (pipe(p) || pipe(q))
		return;
	ep_add(ep, p[0], EPOLLIN, 1);
	ep_add(ep, q[0], EPOLLIN, 2);
	write(p[1], "x", 1);
	write(q[1], "y", 1);
	r = epoll_wait(ep, evs, 1, 0);
	check(r == 1, "maxevents 1 with two ready: one event");
	if (r == 1) {
		uint64_t first = evs[0].data.u64;

		r = epoll_wait(ep, evs, 1, 0);
		check(r == 1 && evs[0].data.u64 != first,
		      "the next call reports the other one first");
	}
	check(epoll_wait(ep, evs, 4, 0) == 2, "both when there is room");

	pfd = (struct pollfd){.fd = ep, .events = POLLIN};
	check(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN), "poll on the epoll fd: POLLIN");

	d = dup(p[0]);
	close(p[0]);
	r = epoll_wait(ep, evs, 4, 0);
	check(r == 2, "closing one fd of a dup'd file keeps the item (the file is still open)");
	close(d);
	r = epoll_wait(ep, evs, 4, 0);
	check(r == 1 && evs[0].data.u64 == 2, "closing the last fd removes the item");
	check(fails(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL), EBADF), "DEL of the closed fd: EBADF");
	close(q[0]);
	check(epoll_wait(ep, evs, 4, 0) == 0, "nothing left to report");
	pfd.revents = 0;
	check(poll(&pfd, 1, 0) == 0, "poll on the empty epoll fd: not ready");
	close(p[1]);
	close(q[1]);
	close(ep);
}

static void test_epoll_blocking(void)
{
	struct epoll_event ev;
	int ep, p[2], r;
	pid_t pid;

	ep = epoll_create1(0);
	if (pipe(p))
		return;
	ep_add(ep, p[0], EPOLLIN, 9);
	pid = fork();
	if (pid == 0) {
		msleep(50);
		write(p[1], "z", 1);
		_exit(0);
	}
	r = epoll_wait(ep, &ev, 1, -1);
	check(r == 1 && ev.data.u64 == 9, "epoll_wait(-1) sleeps until another process writes");
	waitpid(pid, NULL, 0);
	r = epoll_wait(ep, &ev, 1, 20);
	check(r == 1, "level-triggered: still there after the sleep");
	close(p[0]);
	close(p[1]);
	close(ep);
}

/* AF_UNIX sockets are watched through the same poll method: EPOLLRDHUP and EPOLLHUP. */
static void test_epoll_sockets(void)
{
	struct epoll_event ev;
	int ep, s[2];
	char buf[8];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s)) {
		check(0, "socketpair for the epoll checks");
		return;
	}
	ep = epoll_create1(0);
	check(ep_add(ep, s[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP, 8) == 0, "a socket can be watched");
	check(ep_now(ep, &ev) == 1 && ev.events == EPOLLOUT, "a connected socket: EPOLLOUT only");
	write(s[1], "hi", 2);
	check(ep_now(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLOUT), "data: EPOLLIN|EPOLLOUT");
	read(s[0], buf, sizeof(buf));
	shutdown(s[1], SHUT_WR);
	check(ep_now(ep, &ev) == 1 &&
		      (ev.events & (EPOLLIN | EPOLLRDHUP)) == (EPOLLIN | EPOLLRDHUP) &&
		      !(ev.events & EPOLLHUP),
	      "the peer shut down writing: EPOLLIN|EPOLLRDHUP, no EPOLLHUP");
	close(s[1]);
	check(ep_now(ep, &ev) == 1 &&
		      (ev.events & (EPOLLRDHUP | EPOLLHUP)) == (EPOLLRDHUP | EPOLLHUP),
	      "the peer closed: EPOLLHUP too");
	close(s[0]);
	check(ep_now(ep, NULL) == 0, "closing the socket removes it");
	close(ep);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void test_epoll_pwait(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigset_t block, empty, now;
	struct epoll_event ev;
	int ep, p[2], r;
	pid_t pid;

	sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: epoll never restarts anyway */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	ep = epoll_create1(0);
	if (pipe(p))
		return;
	ep_add(ep, p[0], EPOLLIN, 0);
	got_usr1 = 0;
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	check(!got_usr1, "SIGUSR1 blocked: pending, not delivered");
	r = epoll_pwait(ep, &ev, 1, 5000, &empty);
	check(fails(r, EINTR) && got_usr1, "epoll_pwait's mask lets it in: EINTR, the handler ran");
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(sigismember(&now, SIGUSR1), "the old mask is back after epoll_pwait");
	check(fails(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &empty, 4), EINVAL),
	      "epoll_pwait with a wrong sigset size: EINVAL");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

/* ---- eventfd ---- */

static void test_eventfd(void)
{
	uint64_t v;
	struct pollfd pfd;
	int fd, ep;
	pid_t pid;

	check(fails(eventfd(0, 0x40000000), EINVAL), "eventfd with unknown flags: EINVAL");
	fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
	check(fd >= 0 && cloexec(fd), "eventfd(EFD_CLOEXEC) sets FD_CLOEXEC");
	check(read(fd, &v, sizeof(v)) == 8 && v == 5, "read returns the initial count");
	check(fails(read(fd, &v, sizeof(v)), EAGAIN), "then EAGAIN (EFD_NONBLOCK)");
	v = 3;
	write(fd, &v, 8);
	v = 4;
	write(fd, &v, 8);
	check(read(fd, &v, sizeof(v)) == 8 && v == 7, "writes add up: 3 + 4 = 7");
	check(fails(read(fd, &v, 4), EINVAL), "a read shorter than 8 bytes: EINVAL");
	v = UINT64_MAX;
	check(fails(write(fd, &v, 8), EINVAL), "writing 2^64-1: EINVAL");
	v = UINT64_MAX - 1;
	check(write(fd, &v, 8) == 8, "writing the maximum 2^64-2");
	v = 1;
	check(fails(write(fd, &v, 8), EAGAIN), "one more would overflow: EAGAIN");
	pfd = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
	check(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "full: POLLIN but not POLLOUT");
	check(read(fd, &v, 8) == 8 && v == UINT64_MAX - 1, "the full count reads back");
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	check(read(fd, &v, 8) == 8 && v == 1 && read(fd, &v, 8) == 8 && v == 1 &&
		      read(fd, &v, 8) == 8 && v == 1,
	      "EFD_SEMAPHORE: three reads of 1");
	check(fails(read(fd, &v, 8), EAGAIN), "EFD_SEMAPHORE: then EAGAIN");
	close(fd);

	fd = eventfd(0, 0);
	ep = epoll_create1(0);
	ep_add(ep, fd, EPOLLIN | EPOLLET, 0);
	pid = fork();
	if (pid == 0) {
		msleep(30);
		v = 42;
		write(fd, &v, 8);
		_exit(0);
	}
	check(read(fd, &v, 8) == 8 && v == 42, "a blocking read waits for another process's write");
	waitpid(pid, NULL, 0);
	check(ep_now(ep, NULL) == 0, "epoll: the write was read already, nothing to report");
	v = 1;
	write(fd, &v, 8);
	check(ep_now(ep, NULL) == 1, "epoll saw a new write (edge-triggered)");
	check(ep_now(ep, NULL) == 0, "and not twice");
	close(ep);
	close(fd);
}

/* ---- timerfd ---- */

static void test_timerfd(void)
{
	struct itimerspec its = {0}, old;
	struct epoll_event ev;
	struct timespec now;
	uint64_t v;
	int fd, ep;

	check(fails(timerfd_create(12345, 0), EINVAL), "timerfd_create with a bad clock: EINVAL");
	check(fails(timerfd_create(CLOCK_MONOTONIC, 0x4), EINVAL),
	      "timerfd_create with bad flags: EINVAL");
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	check(fd >= 0 && cloexec(fd), "timerfd_create(TFD_CLOEXEC) sets FD_CLOEXEC");
	check(timerfd_gettime(fd, &old) == 0 && old.it_value.tv_sec == 0 &&
		      old.it_value.tv_nsec == 0,
	      "a new timer is disarmed");
	check(fails(read(fd, &v, 8), EAGAIN), "reading a disarmed timer: EAGAIN");
	its.it_value.tv_nsec = 1000000000;
	check(fails(timerfd_settime(fd, 0, &its, NULL), EINVAL), "tv_nsec of 10^9: EINVAL");
	check(fails(timerfd_settime(fd, 0x100, &its, NULL), EINVAL),
	      "settime with bad flags: EINVAL");

	its.it_value.tv_sec = 10;
	its.it_value.tv_nsec = 0;
	check(timerfd_settime(fd, 0, &its, NULL) == 0, "arm in 10 s");
	check(fails(read(fd, &v, 8), EAGAIN), "not expired: EAGAIN");
	check(timerfd_gettime(fd, &old) == 0 && old.it_value.tv_sec <= 10 &&
		      (old.it_value.tv_sec > 0 || old.it_value.tv_nsec > 0),
	      "gettime: time left in (0, 10 s]");
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 20000000;
	its.it_interval.tv_nsec = 20000000;
	check(timerfd_settime(fd, 0, &its, &old) == 0 && old.it_value.tv_sec <= 10 &&
		      old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 0,
	      "re-arm periodic 20 ms: the old setting comes back");
	msleep(100);
	check(read(fd, &v, 8) == 8 && v >= 2,
	      "periodic: the count after sleeping 5 periods is >= 2");
	check(timerfd_gettime(fd, &old) == 0 && old.it_interval.tv_nsec == 20000000,
	      "gettime: the interval");
	memset(&its, 0, sizeof(its));
	timerfd_settime(fd, 0, &its, NULL);
	check(fails(read(fd, &v, 8), EAGAIN), "disarmed again: EAGAIN");
	close(fd);

	/* Blocking one-shot, relative. */
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	its.it_value.tv_nsec = 10000000;
	timerfd_settime(fd, 0, &its, NULL);
	check(read(fd, &v, 8) == 8 && v == 1, "a blocking read of a one-shot timer returns 1");
	check(timerfd_gettime(fd, &old) == 0 && old.it_value.tv_sec == 0 &&
		      old.it_value.tv_nsec == 0,
	      "one-shot: disarmed after it fired and was read");
	check(fails(read(fd, &v, 4), EINVAL), "a read shorter than 8 bytes: EINVAL");

	/* Absolute, CLOCK_MONOTONIC, watched by epoll. */
	ep = epoll_create1(0);
	ep_add(ep, fd, EPOLLIN, 5);
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_value.tv_sec = now.tv_sec;
	its.it_value.tv_nsec = now.tv_nsec + 20000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	check(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0, "arm absolute (monotonic)");
	check(epoll_wait(ep, &ev, 1, 5000) == 1 && ev.data.u64 == 5, "epoll_wait wakes at expiry");
	check(read(fd, &v, 8) == 8 && v == 1, "then read returns 1");
	check(ep_now(ep, NULL) == 0, "and the timer is no longer ready");
	close(ep);
	close(fd);

	/* Absolute in the past, CLOCK_REALTIME: due at once. */
	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	clock_gettime(CLOCK_REALTIME, &now);
	/* 5 s ago, or 1 ns after the epoch on a wall clock that starts at 0 at boot. */
	its.it_value.tv_sec = now.tv_sec > 5 ? now.tv_sec - 5 : 0;
	its.it_value.tv_nsec = now.tv_sec > 5 ? 0 : 1;
	{
		int s = timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
		long r = read(fd, &v, 8);

		if (r != 8 || v != 1)
			printf("# settime %d, read %ld (errno %d), count %llu, now %lld\n", s, r,
			       errno, (unsigned long long)v, (long long)now.tv_sec);
		check(fd >= 0 && s == 0 && r == 8 && v == 1,
		      "CLOCK_REALTIME absolute time in the past: due at once");
	}
	close(fd);
}

/* ---- signalfd ---- */

static void test_signalfd(void)
{
	struct signalfd_siginfo si;
	sigset_t set, pend;
	struct pollfd pfd;
	int fd, ep, p[2];
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	check(fails(syscall(SYS_signalfd4, -1, &set, 4, 0), EINVAL),
	      "signalfd4 with a bad mask size: EINVAL");
	check(fails(signalfd(-1, &set, 0x10), EINVAL), "signalfd with bad flags: EINVAL");
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	check(fd >= 0 && cloexec(fd), "signalfd(SFD_CLOEXEC) sets FD_CLOEXEC");
	check(fails(read(fd, &si, sizeof(si)), EAGAIN), "nothing pending: EAGAIN");
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	check(poll(&pfd, 1, 0) == 0, "nothing pending: not readable");
	kill(getpid(), SIGUSR1);
	check(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "SIGUSR1 pending: POLLIN");
	check(fails(read(fd, &si, 100), EINVAL), "a read shorter than 128 bytes: EINVAL");
	memset(&si, 0, sizeof(si));
	check(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1 &&
		      si.ssi_pid == (uint32_t)getpid() && si.ssi_uid == getuid(),
	      "read: SIGUSR1 with ssi_pid and ssi_uid of the sender");
	sigpending(&pend);
	check(!sigismember(&pend, SIGUSR1), "reading took it off the pending set");
	check(fails(read(fd, &si, sizeof(si)), EAGAIN), "and then EAGAIN");

	/* Blocking read; the signal comes from a child; epoll watches too. */
	ep = epoll_create1(0);
	ep_add(ep, fd, EPOLLIN, 3);
	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		char c;

		read(p[0], &c, 1);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	write(p[1], "g", 1);
	check(epoll_wait(ep, (struct epoll_event[1]){}, 1, 5000) == 1, "epoll on a signalfd wakes");
	fcntl(fd, F_SETFL, 0);
	memset(&si, 0, sizeof(si));
	check(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR2 &&
		      si.ssi_pid == (uint32_t)pid,
	      "blocking read: SIGUSR2 from the child, ssi_pid = its pid");
	waitpid(pid, NULL, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	check(signalfd(fd, &set, 0) == fd, "signalfd(fd, ...) changes the mask of an existing one");
	check(fails(signalfd(p[0], &set, 0), EINVAL), "signalfd on a pipe fd: EINVAL");
	close(p[0]);
	close(p[1]);
	close(ep);
	close(fd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- pipes ---- */

/* Write chunk-byte pieces to a nonblocking fd until EAGAIN; the bytes written. */
static long fill(int fd, size_t chunk)
{
	static char buf[8192];
	long total = 0;
	ssize_t r;

	for (;;) {
		r = write(fd, buf, chunk);
		if (r < 0)
			return errno == EAGAIN ? total : -1;
		total += r;
	}
}

static void test_pipe_capacity(void)
{
	static char big[100000];
	int p[2], fd, nb;
	char path[] = "/tmp/evtest.XXXXXX";
	long r;

	if (pipe2(p, O_NONBLOCK))
		return;
	check(fcntl(p[0], F_GETPIPE_SZ) == 65536 && fcntl(p[1], F_GETPIPE_SZ) == 65536,
	      "F_GETPIPE_SZ: 65536 on both ends");
	check(fill(p[1], 1024) == 65536,
	      "a nonblocking writer fills exactly 65536 bytes before EAGAIN");
	check(ioctl(p[0], FIONREAD, &nb) == 0 && nb == 65536, "FIONREAD: 65536");
	check(fails(write(p[1], "x", 1), EAGAIN), "a full pipe: EAGAIN even for 1 byte");
	while (read(p[0], big, sizeof(big)) > 0)
		;
	check(write(p[1], big, sizeof(big)) == 65536,
	      "O_NONBLOCK write of 100000 bytes: partial, 65536");
	check(fails(write(p[1], big, sizeof(big)), EAGAIN), "then EAGAIN");
	while (read(p[0], big, sizeof(big)) > 0)
		;
	check(fill(p[1], 1024) == 65536 && read(p[0], big, 1024) == 1024 &&
		      fails(write(p[1], big, 2048), EAGAIN),
	      "O_NONBLOCK write <= PIPE_BUF without room for all of it: EAGAIN, nothing written");
	while (read(p[0], big, sizeof(big)) > 0)
		;

	check(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192 && fcntl(p[0], F_GETPIPE_SZ) == 8192,
	      "F_SETPIPE_SZ 5000: rounded up to 8192");
	check(fcntl(p[1], F_SETPIPE_SZ, 1) == 4096, "F_SETPIPE_SZ 1: one page");
	check(fill(p[1], 1024) == 4096, "a one-page pipe holds 4096 bytes");
	check(fails(fcntl(p[1], F_SETPIPE_SZ, 100), EBUSY) || fcntl(p[1], F_GETPIPE_SZ) == 4096,
	      "shrinking to the current size is fine or refused");
	check(fcntl(p[1], F_SETPIPE_SZ, 12288) == 16384 && fill(p[1], 1024) == 16384 - 4096,
	      "growing to 16384 keeps the data and makes room");
	check(fails(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY), "shrinking below the content: EBUSY");
	check(fcntl(p[1], F_GETPIPE_SZ) == 16384, "and the size is unchanged");
	check(read(p[0], big, sizeof(big)) == 16384, "all 16384 bytes read back");
	check(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) == 1 << 20, "1 MiB (pipe-max-size) is allowed");
	/* Above pipe-max-size needs privilege: check it as an ordinary user. */
	{
		pid_t pid = fork();
		int st = -1;

		if (pid == 0) {
			if (geteuid() == 0 && setuid(65534))
				_exit(2);
			_exit(fails(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), EPERM) ? 0 : 1);
		}
		waitpid(pid, &st, 0);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "2 MiB as non-root: EPERM");
		r = fcntl(p[1], F_GETPIPE_SZ);
		check(r == 1 << 20, "and the size stays 1 MiB");
	}
	check(fails(fcntl(p[1], F_SETPIPE_SZ, 0x80000001u), EINVAL), "more than 2^31: EINVAL");
	fd = mkstemp(path);
	if (fd >= 0) {
		check(fails(fcntl(fd, F_SETPIPE_SZ, 8192), EBADF) &&
			      fails(fcntl(fd, F_GETPIPE_SZ), EBADF),
		      "F_SETPIPE_SZ/F_GETPIPE_SZ on a regular file: EBADF");
		close(fd);
		unlink(path);
	}
	close(p[0]);
	close(p[1]);
}

/* ---- a blocked signalfd reader and a mask change ---- */

static int mask_fd;

static void *mask_reader(void *arg)
{
	static struct signalfd_siginfo si;

	(void)arg;
	if (read(mask_fd, &si, sizeof(si)) != sizeof(si))
		return NULL;
	return (void *)(long)si.ssi_signo;
}

/*
 * A thread sleeps in read() on a signalfd for SIGUSR2 while SIGUSR1 is
 * pending; signalfd() on the same fd adds SIGUSR1 to the mask: the reader
 * must wake and take SIGUSR1 (as on Linux, the file's new mask counts).
 */
static void test_signalfd_mask_change(void)
{
	sigset_t set;
	pthread_t t;
	void *got = NULL;
	int i, done = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR1);
	mask_fd = signalfd(-1, &set, 0);
	if (mask_fd < 0 || pthread_create(&t, NULL, mask_reader, NULL)) {
		check(0, "signalfd and a reader thread for the mask change");
		return;
	}
	kill(getpid(), SIGUSR1); /* not in the mask: the reader keeps sleeping */
	msleep(50);		 /* let it sleep (if it has not yet, it reads the new mask) */
	sigaddset(&set, SIGUSR1);
	signalfd(mask_fd, &set, 0);
	/* Bounded: if the reader missed the change, SIGUSR2 (in both masks) ends it. */
	for (i = 0; i < 200 && !done; i++) {
		done = pthread_tryjoin_np(t, &got) == 0;
		if (!done)
			msleep(50);
	}
	if (!done) {
		kill(getpid(), SIGUSR2);
		pthread_join(t, &got);
	}
	check(done && got == (void *)(long)SIGUSR1,
	      "a reader asleep on a signalfd wakes for a signal its new mask adds");
	fcntl(mask_fd, F_SETFL, O_NONBLOCK);
	while (read(mask_fd, &(struct signalfd_siginfo){0}, 128) > 0)
		; /* whatever is still pending of the two */
	close(mask_fd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- bad user pointers ---- */

static void test_bad_pointers(void)
{
	struct epoll_event *bad = (struct epoll_event *)8;
	struct epoll_event ev;
	uint64_t v = 1;
	sigset_t set;
	int ep, efd, tfd, sfd;

	ep = epoll_create1(0);
	efd = eventfd(0, EFD_NONBLOCK);
	if (ep < 0 || efd < 0) {
		check(0, "epoll and eventfd for the bad-pointer checks");
		return;
	}
	check(write(efd, &v, 8) == 8 && ep_add(ep, efd, EPOLLIN, 7) == 0,
	      "a ready eventfd watched");
	check(fails(epoll_wait(ep, bad, 1, 0), EFAULT), "epoll_wait into a bad array: EFAULT");
	check(ep_now(ep, &ev) == 1 && ev.data.u64 == 7, "and the event is still reported after");
	check(fails(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, (void *)8, 8), EFAULT),
	      "epoll_pwait with a bad signal mask pointer: EFAULT");
	check(fails(write(efd, (void *)8, 8), EFAULT), "eventfd write from a bad buffer: EFAULT");
	check(fails(read(efd, (void *)8, 8), EFAULT), "eventfd read into a bad buffer: EFAULT");
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	check(tfd >= 0 && fails(timerfd_settime(tfd, 0, (void *)8, NULL), EFAULT),
	      "timerfd_settime with a bad new value: EFAULT");
	check(fails(timerfd_gettime(tfd, (void *)8), EFAULT),
	      "timerfd_gettime into bad memory: EFAULT");
	check(fails(signalfd(-1, (void *)8, 0), EFAULT),
	      "signalfd with a bad mask pointer: EFAULT");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_NONBLOCK);
	kill(getpid(), SIGUSR1);
	check(sfd >= 0 && fails(read(sfd, (void *)8, 128), EFAULT),
	      "signalfd read into a bad buffer: EFAULT");
	while (sfd >= 0 && read(sfd, &(struct signalfd_siginfo){0}, 128) > 0)
		; /* Linux may keep the signal pending: take it */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	close(sfd);
	close(tfd);
	close(efd);
	close(ep);
}

#define RECORDS 48
#define RECLEN 4096

static void writer(int fd, char tag)
{
	static char rec[RECLEN];
	int i;

	for (i = 0; i < RECORDS; i++) {
		memset(rec, tag, RECLEN);
		rec[0] = (char)i; /* sequence number, the rest is the tag */
		if (write(fd, rec, RECLEN) != RECLEN)
			_exit(1);
	}
	_exit(0);
}

static void test_pipe_atomic(void)
{
	static char stream[2 * RECORDS * RECLEN];
	int p[2], st1, st2, whole = 1, seq[2] = {0, 0}, in_order = 1, i, j;
	size_t got = 0;
	pid_t a, b;
	ssize_t r;

	if (pipe(p))
		return;
	a = fork();
	if (a == 0) {
		close(p[0]);
		writer(p[1], 'A');
	}
	b = fork();
	if (b == 0) {
		close(p[0]);
		writer(p[1], 'B');
	}
	close(p[1]);
	/* Read in odd-sized pieces so that records straddle reads. */
	while (got < sizeof(stream) && (r = read(p[0], stream + got, 1000)) > 0)
		got += (size_t)r;
	close(p[0]);
	waitpid(a, &st1, 0);
	waitpid(b, &st2, 0);
	check(got == sizeof(stream) && WIFEXITED(st1) && WEXITSTATUS(st1) == 0 && WIFEXITED(st2) &&
		      WEXITSTATUS(st2) == 0,
	      "two writers, 48 records of 4096 bytes each: everything arrives");
	for (i = 0; i < 2 * RECORDS && (size_t)(i + 1) * RECLEN <= got; i++) {
		char *rec = stream + (size_t)i * RECLEN, tag = rec[1];

		if (tag != 'A' && tag != 'B') {
			whole = 0;
			continue;
		}
		for (j = 1; j < RECLEN; j++)
			if (rec[j] != tag)
				whole = 0;
		if (rec[0] != (char)seq[tag - 'A']++)
			in_order = 0;
	}
	check(whole, "every 4096-byte record is whole (PIPE_BUF writes never interleave)");
	check(in_order && seq[0] == RECORDS && seq[1] == RECORDS, "each writer's records in order");
}

static void test_pipe_wait_whole(void)
{
	static char rec[4096], buf[8192];
	int p[2], nb = -1, st;
	pid_t pid;

	if (pipe(p))
		return;
	if (fcntl(p[1], F_SETPIPE_SZ, 4096) != 4096)
		return;
	write(p[1], "0123456789", 10);
	pid = fork();
	if (pid == 0) {
		memset(rec, 'w', sizeof(rec));
		_exit(write(p[1], rec, sizeof(rec)) == (ssize_t)sizeof(rec) ? 0 : 1);
	}
	msleep(50);
	ioctl(p[0], FIONREAD, &nb);
	check(nb == 10,
	      "a blocking 4096-byte write into a pipe with 4086 free bytes writes nothing yet");
	check(read(p[0], buf, 10) == 10, "read the 10 bytes: room for the whole record");
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the writer completed its write");
	check(read(p[0], buf, sizeof(buf)) == 4096 && buf[0] == 'w' && buf[4095] == 'w',
	      "the record arrives whole");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_epoll_basics();
	test_epoll_triggers();
	test_epoll_lifetime();
	test_epoll_blocking();
	test_epoll_sockets();
	test_epoll_pwait();
	test_eventfd();
	test_timerfd();
	test_signalfd();
	test_signalfd_mask_change();
	test_bad_pointers();
	test_pipe_capacity();
	test_pipe_atomic();
	test_pipe_wait_whole();
	return tap_done("evtest");
}
