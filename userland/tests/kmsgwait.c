/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kmsgwait.c - a reader of /dev/kmsg asleep with no timeout is woken by the
 * next record: a blocking read(), poll(), select() and epoll_wait() (level-
 * and edge-triggered, twice on the same epoll) each wait at the end of the
 * log while a child process watches /proc/PPID/stat until the parent is
 * asleep ('S') and only then writes a marked line to /dev/kmsg (which the
 * kernel logs with klog()). The child's exit status says whether it saw
 * the parent asleep first, so each check shows that a record logged while
 * the reader slept woke it; none measures time (a reader never woken hangs
 * until the test's timeout). Prints "ok N - what" / "not ok N - what" and
 * "kmsgwait: N passed, M failed". Runs on Linux too as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define T(cond, what) check_at((cond), (what), __LINE__, #cond)
#define SLEEP_LOOKS 20000 /* the child gives up on seeing the parent asleep after these */

/* The state letter of /proc/PID/stat ('R', 'S', ...), 0 if unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * A child that waits until the parent sleeps, then logs "<6>mark": exit
 * status 0 if it saw the parent asleep first, 2 if it never did (it writes
 * anyway so the parent does not hang), 3 if the write failed.
 */
static pid_t start_writer(const char *mark)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	int code = 2;
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < SLEEP_LOOKS; i++) {
		if (proc_state(parent) == 'S') {
			code = 0;
			break;
		}
		nanosleep(&ms, NULL);
	}
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	char line[128];
	int len = snprintf(line, sizeof(line), "<6>%s\n", mark);

	if (fd < 0 || write(fd, line, (size_t)len) != len)
		code = 3;
	_exit(code);
}

static int writer_status(pid_t pid)
{
	int st = 0;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Read records until the one holding mark (others may be logged meanwhile). */
static int read_mark(int fd, const char *mark)
{
	char buf[2048];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		if (strstr(buf, mark))
			return 0;
	}
}

/* Read a non-blocking descriptor up to the newest record. */
static void drain(int fd)
{
	char buf[2048];

	while (read(fd, buf, sizeof(buf)) > 0 || errno == EPIPE)
		;
}

/* /dev/kmsg, positioned after the newest record. */
static int open_at_end(int flags)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC | flags);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_read(void)
{
	char mark[64];
	int fd = open_at_end(0);
	pid_t w;

	T(fd >= 0, "open /dev/kmsg and seek to its end");
	if (fd < 0)
		return;
	snprintf(mark, sizeof(mark), "kmsgwait-read-%d", (int)getpid());
	w = start_writer(mark);
	T(read_mark(fd, mark) == 0,
	  "a blocking read() is woken by a record logged while it sleeps");
	T(writer_status(w) == 0, "read: the record came while the reader was asleep");
	close(fd);
}

static void test_poll(void)
{
	char mark[64];
	int fd = open_at_end(O_NONBLOCK);
	struct pollfd p;
	pid_t w;

	if (fd < 0)
		return;
	snprintf(mark, sizeof(mark), "kmsgwait-poll-%d", (int)getpid());
	w = start_writer(mark);
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	T(poll(&p, 1, -1) == 1 && (p.revents & POLLIN), "poll() with no timeout wakes with POLLIN");
	T(writer_status(w) == 0, "poll: the record came while the poller was asleep");
	T(read_mark(fd, mark) == 0, "poll: the record is there to read");
	close(fd);
}

static void test_select(void)
{
	char mark[64];
	int fd = open_at_end(O_NONBLOCK);
	fd_set rd;
	pid_t w;

	if (fd < 0)
		return;
	snprintf(mark, sizeof(mark), "kmsgwait-select-%d", (int)getpid());
	w = start_writer(mark);
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	T(select(fd + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(fd, &rd),
	  "select() with no timeout wakes with the descriptor readable");
	T(writer_status(w) == 0, "select: the record came while it slept");
	T(read_mark(fd, mark) == 0, "select: the record is there to read");
	close(fd);
}

/* Two rounds on one epoll: the second shows the wait-queue entry is still in place. */
static void test_epoll(unsigned int et)
{
	char mark[64], what[96];
	int fd = open_at_end(O_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN | et, .data.fd = fd}, out;

	T(fd >= 0 && ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0,
	  "epoll_ctl ADD /dev/kmsg");
	for (int round = 1; round <= 2 && fd >= 0 && ep >= 0; round++) {
		pid_t w;
		int n;

		snprintf(mark, sizeof(mark), "kmsgwait-epoll%s-%d-%d", et ? "et" : "", round,
			 (int)getpid());
		w = start_writer(mark);
		do
			n = epoll_wait(ep, &out, 1, -1);
		while (n < 0 && errno == EINTR);
		snprintf(what, sizeof(what), "epoll_wait%s (round %d) wakes with EPOLLIN",
			 et ? " EPOLLET" : "", round);
		T(n == 1 && (out.events & EPOLLIN) && out.data.fd == fd, what);
		snprintf(what, sizeof(what), "epoll%s round %d: the record came while it slept",
			 et ? " EPOLLET" : "", round);
		T(writer_status(w) == 0, what);
		T(read_mark(fd, mark) == 0, "epoll: the record is there to read");
		drain(fd); /* level-triggered: so that the next round waits again */
	}
	if (ep >= 0)
		close(ep);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	test_read();
	test_poll();
	test_select();
	test_epoll(0);
	test_epoll(EPOLLET);
	return tap_done("kmsgwait");
}
