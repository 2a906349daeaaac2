/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipcfast.c - the native IPC fast path (kernel/ipc/endpoint.c) is taken
 * when it should be and left when it must be, as /proc/ipc counts it: a
 * client and a server process pinned to one CPU (so the partner is always
 * on the caller's CPU, and the counts below are exact whatever the number
 * of CPUs) exchange
 *
 *   - short register-only calls answered by reply_recv: both halves go
 *     through the fast path (fastcalls and fastreplies grow by one a call);
 *   - calls with a long part, and calls carrying a handle: the call takes
 *     the general path (fastcalls does not move), and arrives intact;
 *   - calls made while the server is not waiting (it polls with a zero
 *     timeout, so every call is queued first): the general path;
 *
 * and every reply is checked word by word. A thread that hands the CPU over
 * on the fast path leaves its kernel stack (a continuation): so also
 *
 *   - every register the native ABI keeps (%rbx %rbp %rdx %r13 %r14 %r15)
 *     comes back from fast-path calls unchanged;
 *   - a client waiting for a reply on the fast path is interrupted by a
 *     signal with a handler (-EINTR, the handler ran once), the late reply
 *     is dropped, and calls work again;
 *   - a server waiting in reply_recv on the fast path is interrupted the
 *     same way and goes on serving.
 *
 * TAP output; native only.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "matrioska.h"

enum { OP_ECHO = 1, OP_DATA = 2, OP_CAP = 3, OP_POLL = 4, OP_EXIT = 5, OP_SLOW = 6, OP_EINTR = 7 };

#define BADGE 0x5eed
#define N_SHORT 200
#define N_SLOW 20

static struct m_ipc_buffer ibuf __attribute__((aligned(64)));
static int passed, failed, ntest;
static volatile sig_atomic_t handled; /* signals caught (client: SIGALRM; server: SIGUSR1) */

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

/* A handler without SA_RESTART, so that a waiting IPC call returns -EINTR. */
static void catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(sig, &sa, NULL);
}

static void ok(int cond, const char *what)
{
	ntest++;
	if (cond)
		passed++;
	else
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", ntest, what);
}

struct counts {
	unsigned long long calls, fastcalls, fastreplies;
};

/* The /proc/ipc line of our handle h: calls delivered and the fast-path counts. */
static int read_counts(int h, struct counts *c)
{
	FILE *f = fopen("/proc/ipc", "r");
	char line[512];
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int pid;
		unsigned handle;
		char comm[64];
		const char *p;

		if (sscanf(line, "%d %63s %u", &pid, comm, &handle) != 3 || pid != getpid() ||
		    handle != (unsigned)h)
			continue;
		p = strstr(line, " calls=");
		if (p && sscanf(p, " calls=%llu", &c->calls) == 1 &&
		    (p = strstr(line, "fastcalls=")) &&
		    sscanf(p, "fastcalls=%llu fastreplies=%llu", &c->fastcalls, &c->fastreplies) ==
			    2)
			found = 0;
	}
	fclose(f);
	return found;
}

/* Answer with label + 1 and the words plus one; OP_DATA: word 0 = sum of the data bytes. */
/*
 * OP_SLOW: answer after 300 ms. OP_EINTR: word 0 = how many waits a signal
 * interrupted (-EINTR) and how many signals the handler caught, in 32 bits each.
 */
static __attribute__((noreturn)) void server(int ep)
{
	struct m_msg m = {0};
	uint64_t eintr = 0;
	long r;

	m_ipc_set_buffer(&ibuf);
	catch_signal(SIGUSR1);
	r = m_recv(ep, &m, M_FOREVER);
	for (;;) {
		uint32_t label = M_INFO_LABEL(m.info);
		int poll = 0;

		if (r < 0) {
			eintr += r == -EINTR;
			r = m_recv(ep, &m, M_FOREVER);
			continue;
		}
		if (label == OP_EXIT)
			_exit(0);
		if (label == OP_SLOW)
			usleep(300000);
		if (label == OP_POLL)
			poll = (int)m.w[0]; /* how many calls to take by polling next */
		for (int i = 0; i < M_MSG_REGS; i++)
			m.w[i]++;
		if (label == OP_DATA) {
			uint64_t sum = 0;

			for (uint32_t i = 0; i < M_INFO_LEN(m.info); i++)
				sum += ibuf.data[i];
			m.w[0] = sum;
		}
		if (label == OP_EINTR)
			m.w[0] = eintr << 32 | (uint64_t)handled;
		if (label == OP_CAP) {
			m.w[0] = M_INFO_CAPS(m.info) == 1 && ibuf.caps[0] > 0;
			if (M_INFO_CAPS(m.info))
				m_handle_close((int)ibuf.caps[0]);
		}
		m.info = M_INFO(label + 1, 0, 0);
		if (!poll) {
			r = m_reply_recv(ep, &m, M_FOREVER);
			continue;
		}
		m_reply(&m);
		/* Never wait in receive: each of the next calls is queued before it is taken. */
		for (int i = 0; i < poll; i++) {
			while ((r = m_recv(ep, &m, 0)) == -ETIMEDOUT)
				sched_yield();
			if (r < 0)
				break;
			for (int j = 0; j < M_MSG_REGS; j++)
				m.w[j]++;
			m.info = M_INFO(M_INFO_LABEL(m.info) + 1, 0, 0);
			m_reply(&m);
		}
		r = m_recv(ep, &m, M_FOREVER);
	}
}

/* One call with label and words i..i+3; 1 if the reply is label + 1, the words + 1 and our badge.
 */
static int echo(int h, uint32_t label, uint32_t len, uint32_t ncaps, uint64_t i, uint64_t *w0)
{
	struct m_msg m = {.info = M_INFO(label, len, ncaps), .w = {i, i + 1, i + 2, i + 3}};
	long r = m_call(h, &m, M_FOREVER);

	if (w0)
		*w0 = m.w[0];
	return r == 0 && M_INFO_LABEL(m.info) == label + 1 && M_INFO_LEN(m.info) == 0 &&
	       M_INFO_CAPS(m.info) == 0 && m.badge == 0 && (w0 || m.w[0] == i + 1) &&
	       m.w[1] == i + 2 && m.w[2] == i + 3 && m.w[3] == i + 4;
}

/* Saved and seen %rbp around the system call (RIP-relative: no stack use inside the asm). */
static uint64_t saved_rbp, seen_rbp;

/*
 * One fast-path echo call made by hand with every register the kernel must
 * keep set to a pattern; 1 if the reply is right and all of them came back.
 */
static int regs_kept(int h, uint64_t i)
{
	register uint64_t r10 __asm__("r10") = i, r8 __asm__("r8") = i + 1,
			      r9 __asm__("r9") = i + 2;
	register uint64_t r12 __asm__("r12") = i + 3,
			      r13 __asm__("r13") = 0x1313131313131313ull ^ i;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414ull ^ i;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515ull ^ i;
	uint64_t rbx = 0xb0b0b0b0b0b0b0b0ull ^ i, rdx = M_FOREVER, rdi = (uint64_t)h;
	uint64_t rsi = M_INFO(OP_ECHO, 0, 0);
	long ret = MSYS_IPC_CALL;

	__asm__ volatile("movq %%rbp, %[sv]\n\t"
			 "movabsq $0x0bad0bad0bad0bad, %%rbp\n\t"
			 "syscall\n\t"
			 "movq %%rbp, %[seen]\n\t"
			 "movq %[sv], %%rbp"
			 : "+a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15),
			   "+b"(rbx), [sv] "=m"(saved_rbp), [seen] "=m"(seen_rbp)
			 :
			 : "rcx", "r11", "memory");
	return ret == 0 && rdi == 0 && M_INFO_LABEL(rsi) == OP_ECHO + 1 && r10 == i + 1 &&
	       r8 == i + 2 && r9 == i + 3 && r12 == i + 4 && r13 == (0x1313131313131313ull ^ i) &&
	       r14 == (0x1414141414141414ull ^ i) && r15 == (0x1515151515151515ull ^ i) &&
	       rbx == (0xb0b0b0b0b0b0b0b0ull ^ i) && rdx == M_FOREVER &&
	       seen_rbp == 0x0bad0bad0bad0badull;
}

int main(void)
{
	int ep = m_ep_create(), snd = m_handle_dup(ep, M_R_SEND | M_R_GRANT, BADGE, 0);
	int rcv = m_handle_dup(ep, M_R_ALL, 0, M_DUP_INHERIT);
	struct counts a, b;
	cpu_set_t set;
	int good, st;
	uint64_t w0;
	pid_t s;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ok(sched_setaffinity(0, sizeof(set), &set) == 0,
	   "pinned to CPU 0 (the server inherits it)");
	m_ipc_set_buffer(&ibuf);
	s = fork();
	if (s == 0)
		server(rcv);
	m_handle_close(rcv);
	m_handle_close(ep);

	/* Warm up: the lookup caches fill, both processes settle on CPU 0. */
	good = 1;
	for (int i = 0; i < 10; i++)
		good &= echo(snd, OP_ECHO, 0, 0, 1, NULL);
	ok(good, "first calls (fill the lookup caches)");
	ok(read_counts(snd, &a) == 0, "/proc/ipc shows calls, fastcalls and fastreplies");
	good = 1;
	for (int i = 0; i < N_SHORT; i++)
		good &= echo(snd, OP_ECHO, 0, 0, (uint64_t)i << 8, NULL);
	ok(good, "short calls: every reply right");
	ok(read_counts(snd, &b) == 0 && b.calls - a.calls == N_SHORT &&
		   b.fastcalls - a.fastcalls == N_SHORT && b.fastreplies - a.fastreplies == N_SHORT,
	   "short calls and their replies all took the fast path");
	printf("# short: calls +%llu fastcalls +%llu fastreplies +%llu\n", b.calls - a.calls,
	       b.fastcalls - a.fastcalls, b.fastreplies - a.fastreplies);

	a = b;
	good = 1;
	for (int i = 0; i < N_SLOW; i++) {
		uint64_t sum = 0;

		for (int j = 0; j < 64; j++)
			sum += (ibuf.data[j] = (uint8_t)(i + j));
		good &= echo(snd, OP_DATA, 64, 0, (uint64_t)i, &w0) && w0 == sum;
	}
	ok(good, "calls with a long part: data and replies right");
	ok(read_counts(snd, &b) == 0 && b.calls - a.calls == N_SLOW && b.fastcalls == a.fastcalls,
	   "calls with a long part took the general path");

	a = b;
	good = 1;
	for (int i = 0; i < N_SLOW; i++) {
		ibuf.caps[0] = (uint32_t)snd;
		ibuf.cap_rights[0] = M_R_SEND;
		good &= echo(snd, OP_CAP, 0, 1, (uint64_t)i, &w0) && w0 == 1;
	}
	ok(good, "calls carrying a handle: the handle arrived every time");
	ok(read_counts(snd, &b) == 0 && b.calls - a.calls == N_SLOW && b.fastcalls == a.fastcalls,
	   "calls carrying a handle took the general path");

	a = b;
	good = echo(snd, OP_POLL, 0, 0, N_SLOW, NULL); /* the server polls for the next N_SLOW */
	for (int i = 0; i < N_SLOW; i++)
		good &= echo(snd, OP_ECHO, 0, 0, (uint64_t)i, NULL);
	ok(good, "calls to a server not waiting: every reply right");
	ok(read_counts(snd, &b) == 0 && b.calls - a.calls == N_SLOW + 1 &&
		   b.fastcalls - a.fastcalls == 1,
	   "calls to a server not waiting took the general path (all but the one asking for it)");

	/* The server may not be receiving yet when the first call comes: warm up first. */
	good = echo(snd, OP_ECHO, 0, 0, 7, NULL) && read_counts(snd, &a) == 0;
	for (int i = 0; i < N_SLOW; i++)
		good &= echo(snd, OP_ECHO, 0, 0, (uint64_t)i, NULL);
	ok(good && read_counts(snd, &b) == 0 && b.fastcalls - a.fastcalls == N_SLOW,
	   "back on the fast path afterwards");

	a = b;
	good = 1;
	for (int i = 0; i < N_SHORT; i++)
		good &= regs_kept(snd, (uint64_t)i << 16);
	ok(good && read_counts(snd, &b) == 0 && b.fastcalls - a.fastcalls == N_SHORT,
	   "fast-path calls keep %rbx %rbp %rdx %r13 %r14 %r15");

	/* A client waiting for its reply on the fast path, interrupted. */
	{
		struct itimerval it = {.it_value = {.tv_usec = 100000}};
		struct m_msg m = {.info = M_INFO(OP_SLOW, 0, 0), .w = {1, 2, 3, 4}};
		long r;

		catch_signal(SIGALRM);
		good = echo(snd, OP_ECHO, 0, 0, 5, NULL) && read_counts(snd, &a) == 0;
		setitimer(ITIMER_REAL, &it, NULL);
		r = m_call(snd, &m, M_FOREVER);
		ok(good && r == -EINTR && handled == 1 && read_counts(snd, &b) == 0 &&
			   b.fastcalls - a.fastcalls == 1,
		   "a client waiting on the fast path: a signal ends the wait with -EINTR, "
		   "the handler ran");
		good = 1;
		for (int i = 0; i < N_SLOW; i++)
			good &= echo(snd, OP_ECHO, 0, 0, (uint64_t)i, NULL);
		ok(good, "then the late reply is dropped and calls work again");
	}

	/* A server waiting in reply_recv on the fast path, interrupted. */
	{
		struct m_msg m = {.info = M_INFO(OP_EINTR, 0, 0)};

		good = echo(snd, OP_ECHO, 0, 0, 9, NULL) && read_counts(snd, &a) == 0;
		usleep(20000); /* the server is back waiting in reply_recv */
		good &= kill(s, SIGUSR1) == 0;
		usleep(20000);
		for (int i = 0; i < N_SLOW; i++)
			good &= echo(snd, OP_ECHO, 0, 0, (uint64_t)i, NULL);
		good &= m_call(snd, &m, M_FOREVER) == 0;
		ok(good && (m.w[0] >> 32) == 1 && (uint32_t)m.w[0] == 1,
		   "a server waiting on the fast path: a signal ends reply_recv with -EINTR, the "
		   "handler ran, it serves on");
		printf("# server: %llu interrupted waits, %llu signals caught\n",
		       (unsigned long long)(m.w[0] >> 32), (unsigned long long)(uint32_t)m.w[0]);
	}

	{
		struct m_msg m = {.info = M_INFO(OP_EXIT, 0, 0)};

		m_call(snd, &m, 0);
	}
	ok(waitpid(s, &st, 0) == s && WIFEXITED(st) && WEXITSTATUS(st) == 0, "server exited");
	printf("ipcfast: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
