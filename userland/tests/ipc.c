/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc.c - end-to-end checks of the native capability and IPC API through
 * libmatrioska: capability rules (reduced rights, wrong types, revoke and
 * use after revoke, handle numbers that go stale), call/reply between two
 * processes with every message size, capability transfer, badges,
 * timeouts, a server that dies (-EPIPE) and a client that dies mid-call
 * (the reply is dropped), bounded queues (overflow, several senders),
 * notifications, memory objects shared across processes and read-only
 * mapping enforcement, handles given to a child, thread handles (own
 * threads and a child's: rights, transfer, revoke, nice, affinity, signals, use after
 * the thread exited), and hostile arguments to every native call. TAP lines "ok N - what", last
 * line "ipc: N passed, M failed"; exits 0 only if everything passed.
 *
 * "ipc stress N": N calls from this process to a server child, each reply
 * checked, and the server's own count compared at the end. Run with two
 * CPUs: the first STRESS_PINNED calls with the two processes pinned to
 * different CPUs (every call and reply crosses CPUs), the rest with both
 * free to run anywhere (the direct switch, migrations by the balancer).
 *
 * "ipc procrace N": process handles opened while children exit (below).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrioska.h"

#define MS 1000000ull
#define STRESS_PINNED 1000

/* Server requests (the label of the info word). */
enum {
	OP_ECHO = 1,	   /* words + 1, data bytes ^ 0x5a, same length */
	OP_TAKE_CAP = 2,   /* a notification handle arrives: signal 4 on it; reply type/rights */
	OP_GIVE_MEM = 3,   /* reply with a read-only memory object handle holding a pattern */
	OP_WRITE_MEM = 4,  /* write w0 into the memory object's first word */
	OP_SLOW = 5,	   /* reply after 300 ms */
	OP_LAST_REPLY = 6, /* w0 = result of the previous reply */
	OP_BADGE = 7,	   /* w0 = the caller's badge */
	OP_COUNT = 8,	   /* w0 = calls served so far */
	OP_EXIT = 9,	   /* exit without replying */
	OP_THREAD = 10, /* a thread handle arrives: reply info result, tid, rights, set_nice(3) */
};

static int passed, failed, n;
static int stress_mode; /* the server unpins itself after STRESS_PINNED calls */
static struct m_ipc_buffer ibuf __attribute__((aligned(64)));

static void check(int cond, const char *what)
{
	n++;
	if (cond)
		passed++;
	else
		failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n, what);
	fflush(stdout);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static struct m_msg msg(uint32_t label, uint32_t len, uint32_t ncaps)
{
	struct m_msg m = {.info = M_INFO(label, len, ncaps)};

	return m;
}

/* ---- the server child ---- */

static __attribute__((noreturn)) void server(int ep)
{
	struct m_msg m;
	uint64_t served = 0;
	long last_reply = 0, r;
	int mem = -1;
	uint64_t *memp = NULL;

	m_ipc_set_buffer(&ibuf);
	r = m_recv(ep, &m, M_FOREVER);
	for (;;) {
		uint32_t label = M_INFO_LABEL(m.info), len = M_INFO_LEN(m.info);
		struct m_handle_info hi;

		if (r < 0) {
			r = m_recv(ep, &m, M_FOREVER);
			continue;
		}
		served++;
		if (stress_mode && served == STRESS_PINNED) {
			cpu_set_t all;

			CPU_ZERO(&all);
			CPU_SET(0, &all);
			CPU_SET(1, &all);
			sched_setaffinity(0, sizeof(all), &all);
		}
		switch (label) {
		case OP_ECHO:
			for (int i = 0; i < M_MSG_REGS; i++)
				m.w[i]++;
			for (uint32_t i = 0; i < len; i++)
				ibuf.data[i] ^= 0x5a;
			m.info = M_INFO(OP_ECHO, len, 0);
			break;
		case OP_TAKE_CAP:
			memset(&hi, 0, sizeof(hi));
			m.w[0] = M_INFO_CAPS(m.info) == 1
					 ? (uint64_t)m_handle_info((int)ibuf.caps[0], &hi)
					 : 99;
			m.w[1] = hi.type;
			m.w[2] = hi.rights;
			m.w[3] = (uint64_t)m_ntfn_signal((int)ibuf.caps[0], 4);
			m_handle_close((int)ibuf.caps[0]);
			m.info = M_INFO(OP_TAKE_CAP, 0, 0);
			break;
		case OP_THREAD: {
			struct m_thread_info ti;
			int th = M_INFO_CAPS(m.info) == 1 ? (int)ibuf.caps[0] : -1;

			memset(&hi, 0, sizeof(hi));
			m.w[0] = (uint64_t)m_thread_info(th, &ti);
			m.w[1] = (uint64_t)ti.tid;
			m.w[2] = m_handle_info(th, &hi) == 0 ? hi.rights : 0xdead;
			m.w[3] = (uint64_t)m_thread_set_nice(th, 3);
			m_handle_close(th);
			m.info = M_INFO(OP_THREAD, 0, 0);
			break;
		}
		case OP_GIVE_MEM:
			if (mem < 0) {
				mem = m_mem_create(8192);
				memp = (uint64_t *)m_mem_map(mem, NULL, 8192,
							     M_PROT_READ | M_PROT_WRITE, 0);
				memp[0] = 0x1234;
				memp[512] = 0x5678;
			}
			ibuf.caps[0] = (uint32_t)mem;
			ibuf.cap_rights[0] = M_R_READ | M_R_MAP;
			m.info = M_INFO(OP_GIVE_MEM, 0, 1);
			break;
		case OP_WRITE_MEM:
			if (memp)
				memp[0] = m.w[0];
			m.info = M_INFO(OP_WRITE_MEM, 0, 0);
			break;
		case OP_SLOW:
			sleep_ms(300);
			m.info = M_INFO(OP_SLOW, 0, 0);
			break;
		case OP_LAST_REPLY:
			m.w[0] = (uint64_t)last_reply;
			m.info = 0;
			break;
		case OP_BADGE:
			m.w[0] = m.badge;
			m.info = 0;
			break;
		case OP_COUNT:
			m.w[0] = served;
			m.info = 0;
			break;
		case OP_EXIT:
			_exit(0);
		default:
			m.info = 0;
			m.w[0] = 0xbad;
		}
		if (label == OP_SLOW || label == OP_LAST_REPLY) {
			/* A plain reply, to see its result (the caller may be gone). */
			last_reply = m_reply(&m);
			r = m_recv(ep, &m, M_FOREVER);
		} else {
			r = m_reply_recv(ep, &m, M_FOREVER);
		}
	}
}

/* Fork a server holding (only) an inheritable full-rights handle recv_h. */
static pid_t start_server(int recv_h)
{
	pid_t pid = fork();

	if (pid == 0)
		server(recv_h);
	return pid;
}

/* ---- capability rules ---- */

static void test_capabilities(void)
{
	struct m_handle_info hi;
	struct m_msg m = msg(0, 0, 0);
	int ep = m_ep_create(), send, send2, a, b, c, nt;

	check(ep > 0 && m_handle_info(ep, &hi) == 0 && hi.type == M_OBJ_ENDPOINT &&
		      hi.rights == M_R_ALL,
	      "a new endpoint handle has every right");
	send = m_handle_dup(ep, M_R_SEND, 0, 0);
	check(send > 0 && m_handle_info(send, &hi) == 0 && hi.rights == M_R_SEND,
	      "dup with fewer rights");
	check(m_handle_dup(send, M_R_SEND, 0, 0) == -EPERM, "no DUP right: cannot duplicate");
	check(m_recv(send, &m, 0) == -EPERM, "send-only handle cannot receive");
	send2 = m_handle_dup(ep, M_R_SEND | M_R_DUP, 0, 0);
	c = m_handle_dup(send2, M_R_ALL, 0, 0);
	check(c > 0 && m_handle_info(c, &hi) == 0 && hi.rights == (M_R_SEND | M_R_DUP),
	      "asking for more rights than held gives only those held");
	check(m_ntfn_signal(ep, 1) == -EBADFD && m_mq_send(ep, "x", 1, M_NONBLOCK, 0) == -EBADFD &&
		      m_mem_map(ep, NULL, 4096, M_PROT_READ, 0) == -EBADFD,
	      "wrong object type: -EBADFD");
	check(m_handle_close(0) == -EBADF && m_handle_close(-1) == -EBADF &&
		      m_handle_close(0x7fff0fff) == -EBADF && m_handle_info(12345, &hi) == -EBADF,
	      "unknown handles: -EBADF");

	/* Revocation: a tree ep -> a -> b, revoked from a. */
	a = m_handle_dup(ep, M_R_ALL, 0, 0);
	b = m_handle_dup(a, M_R_SEND | M_R_DUP, 0, 0);
	nt = m_handle_dup(b, M_R_SEND, 0, 0);
	check(m_handle_revoke(a) == 2, "revoke reaches both derived handles");
	check(m_handle_info(b, &hi) == -EKEYREVOKED && m_call(nt, &m, 0) == -EKEYREVOKED &&
		      m_handle_dup(b, M_R_SEND, 0, 0) == -EKEYREVOKED,
	      "use after revoke: -EKEYREVOKED");
	check(m_handle_info(a, &hi) == 0 && hi.rights == M_R_ALL,
	      "the revoked-from handle still works");
	check(m_handle_close(b) == 0 && m_handle_close(b) == -EBADF,
	      "a revoked handle closes once, then its number is stale");
	check(m_handle_info(b, &hi) == -EBADF, "a closed handle's number names nothing");
	check(m_handle_revoke(ep) >= 3 && m_handle_info(send, &hi) == -EKEYREVOKED &&
		      m_handle_info(a, &hi) == -EKEYREVOKED,
	      "revoking the root takes every copy");
	m_handle_close(ep);
	m_handle_close(send);
	m_handle_close(send2);
	m_handle_close(c);
	m_handle_close(a);
	m_handle_close(nt);
}

/* ---- synchronous IPC with a server process ---- */

static int srv_send; /* send|grant|dup handle to the server's endpoint */
static pid_t srv_pid;

static void test_call_sizes(void)
{
	static const uint32_t sizes[] = {0, 1, 31, 32, 100, 4095, 4096};
	int all = 1;

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t len = sizes[i];
		struct m_msg m = msg(OP_ECHO, len, 0);
		long r;
		int ok;

		for (int w = 0; w < M_MSG_REGS; w++)
			m.w[w] = 1000 * (i + 1) + (unsigned)w;
		for (uint32_t j = 0; j < len; j++)
			ibuf.data[j] = (uint8_t)(j * 7 + i);
		r = m_call(srv_send, &m, 2000 * MS);
		ok = r == 0 && M_INFO_LEN(m.info) == len && M_INFO_LABEL(m.info) == OP_ECHO;
		for (int w = 0; w < M_MSG_REGS; w++)
			ok = ok && m.w[w] == 1000 * (i + 1) + (unsigned)w + 1;
		for (uint32_t j = 0; j < len && ok; j++)
			ok = ibuf.data[j] == (uint8_t)((uint8_t)(j * 7 + i) ^ 0x5a);
		if (!ok)
			printf("# size %u: r=%ld info=%#llx\n", len, r, (unsigned long long)m.info);
		all = all && ok;
	}
	check(all, "call/reply echoes every size: 0, 1, 31, 32, 100, 4095, 4096 bytes + 4 words");
	{
		struct m_msg m = msg(OP_ECHO, 4097, 0);

		check(m_call(srv_send, &m, 2000 * MS) == -EMSGSIZE, "4097 bytes: -EMSGSIZE");
		m = msg(OP_ECHO, 0, M_MSG_MAX_CAPS + 1);
		check(m_call(srv_send, &m, 2000 * MS) == -EMSGSIZE, "five handles: -EMSGSIZE");
	}
}

static void test_transfer(void)
{
	int nt = m_ntfn_create(), nogrant;
	struct m_msg m = msg(OP_TAKE_CAP, 0, 1);
	struct m_handle_info hi;
	long r;

	ibuf.caps[0] = (uint32_t)nt;
	ibuf.cap_rights[0] = M_R_WRITE | M_R_RECV;
	r = m_call(srv_send, &m, 2000 * MS);
	check(r == 0 && m.w[0] == 0 && m.w[1] == M_OBJ_NOTIFY && m.w[2] == (M_R_WRITE | M_R_RECV) &&
		      m.w[3] == 0,
	      "a handle travels in a message with the rights the sender chose");
	check(m_ntfn_wait(nt, 2000 * MS) == 4,
	      "the server signalled through the transferred handle");
	nogrant = m_handle_dup(nt, M_R_WRITE, 0, 0);
	ibuf.caps[0] = (uint32_t)nogrant;
	m = msg(OP_TAKE_CAP, 0, 1);
	check(m_call(srv_send, &m, 2000 * MS) == -EPERM, "a handle without GRANT cannot be sent");
	ibuf.caps[0] = 0x7fff7fff;
	m = msg(OP_TAKE_CAP, 0, 1);
	check(m_call(srv_send, &m, 2000 * MS) == -EBADF, "a bad handle in a message: -EBADF");

	/* Receiving one: a read-only memory object from the server. */
	m = msg(OP_GIVE_MEM, 0, 0);
	r = m_call(srv_send, &m, 2000 * MS);
	check(r == 0 && M_INFO_CAPS(m.info) == 1 && m_handle_info((int)ibuf.caps[0], &hi) == 0 &&
		      hi.type == M_OBJ_MEMOBJ && hi.rights == (M_R_READ | M_R_MAP) &&
		      hi.size == 8192,
	      "a reply carries a read-only memory object handle");
	{
		int mem = (int)ibuf.caps[0];
		volatile uint64_t *p = (uint64_t *)m_mem_map(mem, NULL, 8192, M_PROT_READ, 0);

		check(m_mem_map(mem, NULL, 8192, M_PROT_READ | M_PROT_WRITE, 0) == -EPERM,
		      "a read-only handle cannot be mapped writable");
		check((long)p > 0 && p[0] == 0x1234 && p[512] == 0x5678,
		      "granted pages show what the server wrote (zero copy)");
		check((long)p > 0 && mprotect((void *)p, 8192, PROT_READ | PROT_WRITE) != 0 &&
			      errno == EACCES,
		      "mprotect cannot make a read-only mapping writable");
		m = msg(OP_WRITE_MEM, 0, 0);
		m.w[0] = 0xbeef;
		r = m_call(srv_send, &m, 2000 * MS);
		check(r == 0 && (long)p > 0 && p[0] == 0xbeef,
		      "a later write by the server is visible in this process");
		m_handle_close(mem);
		check((long)p > 0 && p[0] == 0xbeef, "the mapping outlives the handle");
	}
	m_handle_close(nt);
	m_handle_close(nogrant);
}

static void test_badges(void)
{
	int b = m_handle_dup(srv_send, M_R_SEND, 77, 0);
	struct m_msg m = msg(OP_BADGE, 0, 0);

	check(b > 0 && m_call(b, &m, 2000 * MS) == 0 && m.w[0] == 77,
	      "the server sees the badge minted into the caller's handle");
	m = msg(OP_BADGE, 0, 0);
	check(m_call(srv_send, &m, 2000 * MS) == 0 && m.w[0] == 0, "an unbadged handle: badge 0");
	check(m_handle_dup(b, M_R_SEND, 78, 0) == -EPERM, "no re-badging (no DUP right)");
	m_handle_close(b);
}

static void test_timeouts(void)
{
	int ep = m_ep_create();
	struct m_msg m = msg(0, 0, 0);
	long t0;

	check(m_recv(ep, &m, 0) == -ETIMEDOUT, "recv with timeout 0 and nobody calling");
	t0 = m_clock_ns();
	check(m_recv(ep, &m, 50 * MS) == -ETIMEDOUT && m_clock_ns() - t0 >= (long)(50 * MS),
	      "recv times out after its timeout");
	check(m_call(ep, &m, 50 * MS) == -ETIMEDOUT, "call with no server receiving times out");
	m = msg(OP_SLOW, 0, 0);
	check(m_call(srv_send, &m, 50 * MS) == -ETIMEDOUT, "call whose reply comes late times out");
	m = msg(OP_LAST_REPLY, 0, 0);
	check(m_call(srv_send, &m, 2000 * MS) == 0 && (long)m.w[0] == -EPIPE,
	      "the late reply was dropped (-EPIPE to the server), the server goes on");
	check(m_reply(&m) == -ENOENT, "reply with no call received: -ENOENT");
	m_handle_close(ep);
}

/* After execve the old program's IPC buffer address means nothing: it is dropped. */
static void test_exec_drops_buffer(void)
{
	char hbuf[16];
	pid_t c;
	int st;

	snprintf(hbuf, sizeof(hbuf), "%d", srv_send);
	c = fork();
	if (c == 0) {
		m_ipc_set_buffer(&ibuf); /* same binary: the same address after exec */
		execl("/proc/self/exe", "ipc", "exec-check", hbuf, (char *)NULL);
		execl("/usr/libexec/matrioska-tests/ipc", "ipc", "exec-check", hbuf, (char *)NULL);
		_exit(9);
	}
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "execve keeps handles but drops the IPC buffer registered before it");
}

/* The exec'd side of test_exec_drops_buffer: handle h works, a long message has no buffer. */
static int exec_check(int h)
{
	struct m_msg m = msg(OP_BADGE, 0, 0);

	if (m_call(h, &m, 2000 * MS) != 0)
		return 1;
	m = msg(OP_ECHO, 16, 0);
	return m_call(h, &m, 2000 * MS) == -EINVAL ? 0 : 2;
}

static void test_client_death(void)
{
	struct m_msg m;
	pid_t c = fork();
	int st;

	if (c == 0) {
		m = msg(OP_SLOW, 0, 0);
		m_call(srv_send, &m, M_FOREVER);
		_exit(3);
	}
	sleep_ms(100);
	kill(c, SIGKILL);
	check(waitpid(c, &st, 0) == c && WIFSIGNALED(st),
	      "a client killed in the middle of a call");
	sleep_ms(400);
	m = msg(OP_LAST_REPLY, 0, 0);
	check(m_call(srv_send, &m, 2000 * MS) == 0 && (long)m.w[0] == -EPIPE,
	      "its reply was dropped harmlessly and the server serves on");
}

static void test_server_death(void)
{
	struct m_msg m = msg(OP_EXIT, 0, 0);
	int st;

	check(m_call(srv_send, &m, 2000 * MS) == -EPIPE,
	      "a server that dies mid-call wakes its caller with -EPIPE");
	check(waitpid(srv_pid, &st, 0) == srv_pid, "the server is gone");
	m = msg(OP_ECHO, 0, 0);
	check(m_call(srv_send, &m, 0) == -EPIPE, "later calls to its endpoint: -EPIPE");
}

/* ---- queues, notifications, memory ---- */

static void test_queues(void)
{
	int q = m_mq_create(4, 64), ok = 1, ro, qi;
	char buf[128];
	pid_t kids[2];
	int got[2] = {0, 0};

	for (int i = 0; i < 4; i++)
		ok = ok && m_mq_send(q, &i, sizeof(i), M_NONBLOCK, 0) == 0;
	check(ok, "four messages fill a four-slot queue");
	check(m_mq_send(q, "x", 1, M_NONBLOCK, 0) == -EAGAIN,
	      "a full queue: -EAGAIN with M_NONBLOCK");
	check(m_mq_send(q, "x", 1, 0, 30 * MS) == -ETIMEDOUT, "a full queue: send times out");
	for (int i = 0; i < 4; i++) {
		int v = -1;

		ok = ok && m_mq_recv(q, &v, sizeof(v), 0, 0) == sizeof(v) && v == i;
	}
	check(ok, "messages come out in order");
	check(m_mq_recv(q, buf, sizeof(buf), M_NONBLOCK, 0) == -EAGAIN, "an empty queue: -EAGAIN");
	check(m_mq_send(q, buf, 65, 0, 0) == -EMSGSIZE,
	      "a message over the queue's size: -EMSGSIZE");
	m_mq_send(q, buf, 64, 0, 0);
	check(m_mq_recv(q, buf, 10, 0, 0) == -EMSGSIZE && m_mq_recv(q, buf, 64, 0, 0) == 64,
	      "a receive buffer too small: -EMSGSIZE, the message stays");
	ro = m_handle_dup(q, M_R_READ, 0, 0);
	check(m_mq_send(ro, "x", 1, 0, 0) == -EPERM, "a read-only queue handle cannot send");

	/* Two sender processes, 200 messages each, through the small queue. */
	qi = m_handle_dup(q, M_R_WRITE, 0, M_DUP_INHERIT);
	{
		pid_t c = fork();
		int st;

		if (c == 0)
			_exit(m_mq_send(q, "x", 1, M_NONBLOCK, 0) == -EBADF &&
					      m_mq_send(qi, "x", 1, M_NONBLOCK, 0) == 0
				      ? 0
				      : 1);
		check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "fork passes only handles marked inheritable");
		m_mq_recv(q, buf, sizeof(buf), M_NONBLOCK, 0);
	}
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			for (int i = 0; i < 200; i++) {
				int v = k * 1000 + i;

				if (m_mq_send(qi, &v, sizeof(v), 0, 5000 * MS) != 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	ok = 1;
	for (int i = 0; i < 400; i++) {
		int v = -1, k;

		if (m_mq_recv(q, &v, sizeof(v), 0, 5000 * MS) != sizeof(v)) {
			ok = 0;
			break;
		}
		k = v / 1000;
		if (k < 0 || k > 1 || v % 1000 != got[k]) {
			ok = 0;
			break;
		}
		got[k]++;
	}
	for (int k = 0; k < 2; k++) {
		int st;

		ok = ok && waitpid(kids[k], &st, 0) == kids[k] && WIFEXITED(st) &&
		     WEXITSTATUS(st) == 0;
	}
	check(ok && got[0] == 200 && got[1] == 200,
	      "two senders through a small queue: all 400 messages, each sender's in order");
	m_handle_close(ro);
	m_handle_close(qi);
	m_handle_close(q);
}

static void test_notifications(void)
{
	int nt = m_ntfn_create(), wo;

	check(m_ntfn_poll(nt) == 0, "a new notification has no bits");
	m_ntfn_signal(nt, 1);
	m_ntfn_signal(nt, 4);
	check(m_ntfn_poll(nt) == 5 && m_ntfn_poll(nt) == 0, "poll takes the bits signalled, once");
	check(m_ntfn_wait(nt, 0) == -EAGAIN && m_ntfn_wait(nt, 20 * MS) == -ETIMEDOUT,
	      "wait with nothing signalled: -EAGAIN / -ETIMEDOUT");
	wo = m_handle_dup(nt, M_R_WRITE, 0, 0);
	check(m_ntfn_wait(wo, 0) == -EPERM && m_ntfn_signal(wo, 2) == 0 && m_ntfn_wait(nt, 0) == 2,
	      "a signal-only handle signals but cannot wait");
	check(m_ntfn_signal(nt, 1ull << 63) == -EINVAL, "bit 63 cannot be signalled");
	m_handle_close(wo);
	m_handle_close(nt);
}

static void test_memory_and_give(void)
{
	int mem = m_mem_create(4096), ro, proc, fds[2], st;
	volatile uint32_t *rw =
		(uint32_t *)m_mem_map(mem, NULL, 4096, M_PROT_READ | M_PROT_WRITE, 0);
	pid_t c;

	ro = m_handle_dup(mem, M_R_READ | M_R_MAP | M_R_GRANT, 0, 0);
	check((long)rw > 0 && m_mem_map(ro, NULL, 4096, M_PROT_READ | M_PROT_WRITE, 0) == -EPERM,
	      "read-only handle: no writable mapping");
	check(m_mem_map(mem, NULL, 8192, M_PROT_READ, 0) == -EINVAL &&
		      m_mem_map(mem, (void *)0x1001, 4096, M_PROT_READ, 0) == -EINVAL,
	      "mapping past the end or unaligned: -EINVAL");
	rw[0] = 0;
	if (pipe(fds) != 0)
		fds[0] = fds[1] = -1;
	c = fork();
	if (c == 0) {
		int h = -1;
		volatile uint32_t *p;

		if (read(fds[0], &h, sizeof(h)) != sizeof(h))
			_exit(10);
		p = (uint32_t *)m_mem_map(h, NULL, 4096, M_PROT_READ, 0);
		if ((long)p <= 0)
			_exit(11);
		if (m_mem_map(h, NULL, 4096, M_PROT_READ | M_PROT_WRITE, 0) != -EPERM)
			_exit(12);
		for (int i = 0; i < 500 && p[0] != 0xc0ffee; i++)
			sleep_ms(10);
		_exit(p[0] == 0xc0ffee ? 0 : 13);
	}
	proc = m_proc_open(c);
	{
		int h = m_handle_give(proc, ro, M_R_READ | M_R_MAP);

		check(proc > 0 && h > 0, "a parent gives its child a handle");
		if (write(fds[1], &h, sizeof(h)) != sizeof(h))
			h = -1;
	}
	sleep_ms(50);
	rw[0] = 0xc0ffee;
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child mapped it read-only and saw the parent's write");
	check(m_handle_give(proc, ro, 0) == -ESRCH, "giving to a process that has exited: -ESRCH");
	check(m_proc_open(1) == -EPERM || getpid() == 1, "only children and self can be opened");
	close(fds[0]);
	close(fds[1]);
	m_handle_close(proc);
	m_handle_close(ro);
	m_handle_close(mem);
}

/* ---- thread handles ---- */

static volatile int sig_tid;   /* the thread SIGUSR1 landed in */
static volatile int peer_tid;  /* the helper thread's Linux id, once it runs */
static volatile int peer_quit; /* tells the helper thread to return */

static void on_usr1(int sig)
{
	(void)sig;
	sig_tid = (int)syscall(SYS_gettid);
}

static void *peer_main(void *arg)
{
	(void)arg;
	peer_tid = (int)syscall(SYS_gettid);
	while (!peer_quit)
		sleep_ms(5);
	return NULL;
}

/* Poll (bounded) until thread handle h reports state, as a thread leaves its process late. */
static int wait_state(int h, uint32_t state)
{
	struct m_thread_info ti;

	for (int i = 0; i < 500; i++) {
		if (m_thread_info(h, &ti) == 0 && ti.state == state)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/* Does /proc/ipc list handle h of this process as a thread of pid/tid? */
static int procipc_lists_thread(int h, int pid, int tid)
{
	char line[256], want[96];
	FILE *f = fopen("/proc/ipc", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "pid=%d tid=%d", pid, tid);
	while (fgets(line, sizeof(line), f)) {
		int lp, lh;
		char type[32];

		if (sscanf(line, "%d %*s %d %31s", &lp, &lh, type) == 3 && lp == getpid() &&
		    lh == h && strcmp(type, "thread") == 0 && strstr(line, want))
			found = 1;
	}
	fclose(f);
	return found;
}

static void test_threads(void)
{
	struct m_thread_info ti;
	struct m_handle_info hi;
	struct m_msg m;
	int me = (int)syscall(SYS_gettid), th, ro, mg, d, dd, ep, proc, proc_ro, ch, pth, st,
	    fds[2];
	char ready;
	struct m_thread_info *kernel_ptr = (struct m_thread_info *)0xffffffff80100000UL;
	pthread_t peer;
	pid_t c;

	/* The calling thread. */
	th = m_thread_open(0, 0);
	check(th > 0 && m_handle_info(th, &hi) == 0 && hi.type == M_OBJ_THREAD &&
		      hi.rights == M_R_ALL,
	      "m_thread_open(0, 0): a handle to the calling thread with every right");
	check(m_thread_info(th, &ti) == 0 && ti.tid == me && ti.pid == getpid() &&
		      ti.ktid == (uint64_t)m_gettid() && ti.state == M_THREAD_RUNNABLE &&
		      ti.policy == 0,
	      "thread info: tid, pid, native id, running");
	check(procipc_lists_thread(th, getpid(), me), "/proc/ipc lists the thread handle");

	/* Wrong types both ways, reduced rights. */
	ep = m_ep_create();
	check(m_thread_info(ep, &ti) == -EBADFD && m_thread_signal(ep, 0) == -EBADFD &&
		      m_thread_set_nice(ep, 0) == -EBADFD &&
		      m_thread_set_affinity(ep, 1) == -EBADFD && m_ntfn_signal(th, 1) == -EBADFD &&
		      m_thread_open(th, me) == -EBADFD && m_handle_give(th, ep, 0) == -EBADFD,
	      "thread and other handles are not interchangeable: -EBADFD");
	ro = m_handle_dup(th, M_R_READ | M_R_GRANT, 0, 0);
	mg = m_handle_dup(th, M_R_MANAGE, 0, 0);
	check(m_thread_info(ro, &ti) == 0 && m_thread_set_nice(ro, 1) == -EPERM &&
		      m_thread_set_affinity(ro, 1) == -EPERM && m_thread_signal(ro, 0) == -EPERM &&
		      m_thread_info(mg, &ti) == -EPERM && m_thread_signal(mg, 0) == 0,
	      "thread handle rights: READ queries, MANAGE manages, nothing else");
	check(m_thread_set_nice(th, 4) == 0 && m_thread_info(th, &ti) == 0 && ti.nice == 4 &&
		      (geteuid() != 0 || m_thread_set_nice(th, 0) == 0),
	      "setting the calling thread's nice through its handle");
	{
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		check(m_thread_set_affinity(th, 1) == 0 && m_thread_info(th, &ti) == 0 &&
			      ti.affinity == 1 && ti.cpu == 0 &&
			      sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
			      CPU_COUNT(&cpus) == 1 && CPU_ISSET(0, &cpus),
		      "pinning the calling thread to CPU 0 through its handle: it runs there");
		check(m_thread_set_affinity(th, 1ull << 40) == -EINVAL &&
			      m_thread_set_affinity(th, 0) == -EINVAL &&
			      m_thread_info(th, &ti) == 0 && ti.affinity == 1 &&
			      m_thread_set_affinity(th, ~0ull) == 0,
		      "an affinity with no CPU online: -EINVAL, the old one kept");
	}
	check(m_thread_info(th, kernel_ptr) == -EFAULT && m_thread_info(th, NULL) == -EFAULT &&
		      m_thread_open(0, -5) == -EINVAL && m_thread_open(-1, 0) == -EBADF &&
		      m_thread_set_nice(th, 20) == -EINVAL &&
		      m_thread_set_nice(th, -21) == -EINVAL && m_thread_signal(th, 65) == -EINVAL &&
		      m_thread_signal(th, -1) == -EINVAL && m_thread_open(0, 0x7ffffff0) == -ESRCH,
	      "thread calls with bad pointers, values and ids: errors");

	/* Transfer in a message: the server gets a read-only handle to this thread. */
	m = msg(OP_THREAD, 0, 1);
	ibuf.caps[0] = (uint32_t)ro;
	ibuf.cap_rights[0] = M_R_READ;
	check(m_call(srv_send, &m, 5000 * MS) == 0 && m.w[0] == 0 && (int)m.w[1] == me &&
		      m.w[2] == M_R_READ && (long)m.w[3] == -EPERM,
	      "a thread handle sent in a message: the receiver queries it, cannot manage it");

	/* Revoke. */
	d = m_handle_dup(th, M_R_READ | M_R_DUP, 0, 0);
	dd = m_handle_dup(d, M_R_READ, 0, 0);
	check(m_handle_revoke(th) >= 3 && m_thread_info(d, &ti) == -EKEYREVOKED &&
		      m_thread_info(dd, &ti) == -EKEYREVOKED &&
		      m_thread_signal(mg, 0) == -EKEYREVOKED && m_thread_info(th, &ti) == 0,
	      "revoking a thread handle: every copy -EKEYREVOKED, the root still works");
	m_handle_close(d);
	m_handle_close(dd);
	m_handle_close(ro);
	m_handle_close(mg);
	m_handle_close(th);

	/* Another thread of this process: a signal through the handle lands in it; then it exits.
	 */
	signal(SIGUSR1, on_usr1);
	peer_tid = 0;
	peer_quit = 0;
	pth = -1;
	if (pthread_create(&peer, NULL, peer_main, NULL) == 0) {
		for (int i = 0; i < 500 && !peer_tid; i++)
			sleep_ms(5);
		pth = m_thread_open(0, peer_tid);
		check(pth > 0 && m_thread_info(pth, &ti) == 0 && ti.tid == peer_tid &&
			      ti.ktid != (uint64_t)m_gettid(),
		      "m_thread_open(0, tid): another thread of this process");
		sig_tid = 0;
		check(m_thread_signal(pth, SIGUSR1) == 0, "signalling it through the handle");
		for (int i = 0; i < 500 && !sig_tid; i++)
			sleep_ms(5);
		check(sig_tid == peer_tid, "the signal was delivered to that thread");
		peer_quit = 1;
		pthread_join(peer, NULL);
		check(wait_state(pth, M_THREAD_EXITED) && m_thread_signal(pth, SIGUSR1) == -ESRCH &&
			      m_thread_set_nice(pth, 5) == -ESRCH && m_thread_info(pth, &ti) == 0 &&
			      ti.tid == peer_tid,
		      "after the thread exited: info says exited, operations -ESRCH");
		check(m_thread_open(0, peer_tid) == -ESRCH, "an exited thread cannot be opened");
		m_handle_close(pth);
	} else {
		check(0, "pthread_create");
	}
	signal(SIGUSR1, SIG_DFL);

	/*
	 * A child's thread, through a process handle with MANAGE. The child
	 * says when it runs: its thread joins its process only then.
	 */
	if (pipe(fds) != 0)
		fds[0] = fds[1] = -1;
	c = fork();
	if (c == 0) {
		if (write(fds[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(fds[0], &ready, 1) != 1)
		ready = 0;
	close(fds[0]);
	close(fds[1]);
	proc = m_proc_open(c);
	proc_ro = m_handle_dup(proc, M_R_READ, 0, 0);
	check(m_thread_open(proc_ro, c) == -EPERM && m_thread_open(proc, 0) == -EINVAL &&
		      m_thread_open(proc, 0x7ffffff0) == -ESRCH,
	      "opening a child's thread needs MANAGE on its process handle and a real tid");
	ch = m_thread_open(proc, c);
	check(ch > 0 && m_thread_info(ch, &ti) == 0 && ti.tid == c && ti.pid == c &&
		      wait_state(ch, M_THREAD_BLOCKED),
	      "a child's main thread, opened through its process handle: blocked in pause");
	check(m_thread_set_nice(ch, 7) == 0 && m_thread_info(ch, &ti) == 0 && ti.nice == 7,
	      "setting a child thread's nice through its handle");
	check(m_thread_set_affinity(ch, 1) == 0 && m_thread_info(ch, &ti) == 0 && ti.affinity == 1,
	      "setting a child thread's affinity through its handle");
	check(m_thread_signal(ch, SIGKILL) == 0 && waitpid(c, &st, 0) == c && WIFSIGNALED(st) &&
		      WTERMSIG(st) == SIGKILL,
	      "SIGKILL through the thread handle ends the child");
	check(m_thread_info(ch, &ti) == 0 && ti.state == M_THREAD_EXITED && ti.pid == c &&
		      m_thread_signal(ch, 0) == -ESRCH && m_thread_set_nice(ch, 1) == -ESRCH &&
		      m_thread_set_affinity(ch, 1) == -ESRCH && m_thread_open(proc, c) == -ESRCH,
	      "use after the child exited: exited, -ESRCH, never a crash");
	m_handle_close(ch);
	m_handle_close(proc_ro);
	m_handle_close(proc);
	m_handle_close(ep);
}

/* Every native IPC call with garbage: errors, never a crash. */
static void test_hostile(void)
{
	static const long junk[] = {-1,
				    0x10,
				    0x7fffffffffffL,
				    (long)0xdeadbeefcafe0000UL,
				    (long)0xffff800000000000UL,
				    0x7fff7fff};
	int ok = 1, ep = m_ep_create();
	struct m_handle_info *kernel_ptr = (struct m_handle_info *)0xffffffff80100000UL;
	struct m_msg m = msg(0, 16, 0);

	for (long nr = MSYS_HANDLE_DUP; nr < MSYS_COUNT + MSYS_BASE; nr++) {
		for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
			long r =
				m_syscall6(nr, junk[i], junk[(i + 1) % 6], junk[(i + 2) % 6],
					   junk[(i + 3) % 6], junk[(i + 4) % 6], junk[(i + 5) % 6]);

			if (nr == MSYS_EP_CREATE || nr == MSYS_NTFN_CREATE ||
			    nr == MSYS_MEM_CREATE || nr == MSYS_MQ_CREATE) {
				if (r > 0) /* these take no handle: some junk is a fine size */
					m_handle_close((int)r);
				continue;
			}
			if (r >= 0 && nr != MSYS_IPC_SET_BUFFER) {
				printf("# native call %#lx with junk %u returned %ld\n", nr, i, r);
				ok = 0;
			}
		}
	}
	m_ipc_set_buffer(&ibuf);
	check(ok, "every native IPC call refuses garbage arguments");
	check(m_handle_info(ep, kernel_ptr) == -EFAULT && m_handle_info(ep, NULL) == -EFAULT,
	      "kernel and NULL result pointers: -EFAULT");
	check(m_ipc_set_buffer((struct m_ipc_buffer *)kernel_ptr) == -EFAULT &&
		      m_ipc_set_buffer((struct m_ipc_buffer *)0x13) == -EFAULT,
	      "kernel or misaligned IPC buffers are refused");
	check(m_ipc_set_buffer((struct m_ipc_buffer *)0x10000000) == 0 &&
		      m_call(srv_send, &m, 0) == -EFAULT,
	      "an unmapped IPC buffer: the long message fails with -EFAULT");
	m_ipc_set_buffer(NULL);
	check(m_call(srv_send, &m, 0) == -EINVAL, "a long message without an IPC buffer: -EINVAL");
	m_ipc_set_buffer(&ibuf);
	{
		int q = m_mq_create(2, 16);

		check(m_mq_send(q, (void *)0x10, 8, 0, 0) == -EFAULT &&
			      m_mq_recv(q, kernel_ptr, 8, M_NONBLOCK, 0) == -EFAULT,
		      "queue calls with bad buffers: -EFAULT");
		m_handle_close(q);
	}
	check(m_mq_create(0, 16) == -EINVAL && m_mq_create(4, 0) == -EINVAL &&
		      m_mq_create(100000, 16) == -EINVAL && m_mem_create(0) == -EINVAL &&
		      m_mem_create(1ull << 40) == -EINVAL,
	      "absurd object sizes: -EINVAL");
	check(m_handle_dup(ep, 0x100, 0, 0) == -EINVAL &&
		      m_handle_dup(ep, M_R_SEND, 0, 8) == -EINVAL,
	      "unknown rights or flags: -EINVAL");
	check(m_syscall6(MSYS_BASE + 500, 0, 0, 0, 0, 0, 0) == -ENOSYS,
	      "an unknown native call: -ENOSYS");
	m_handle_close(ep);
}

/* ---- the stress run ---- */

static int stress(long calls)
{
	int ep = m_ep_create(), snd = m_handle_dup(ep, M_R_SEND, 0, 0);
	int rcv = m_handle_dup(ep, M_R_ALL, 0, M_DUP_INHERIT);
	cpu_set_t set;
	long bad = 0, t0;
	struct m_msg m;
	pid_t s;
	int st;

	stress_mode = 1;
	s = fork();
	if (s == 0) {
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		sched_setaffinity(0, sizeof(set), &set);
		server(rcv);
	}
	m_handle_close(rcv);
	m_handle_close(ep);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	t0 = m_clock_ns();
	for (long i = 0; i < calls; i++) {
		if (i == STRESS_PINNED) {
			printf("# stress: %d pinned calls in %ld ms\n", STRESS_PINNED,
			       (m_clock_ns() - t0) / 1000000);
			t0 = m_clock_ns();
			CPU_ZERO(&set);
			CPU_SET(0, &set);
			CPU_SET(1, &set);
			sched_setaffinity(0, sizeof(set), &set); /* the server unpins itself */
		}
		m = msg(OP_ECHO, 0, 0);
		m.w[0] = (uint64_t)i;
		m.w[3] = ~(uint64_t)i;
		if (m_call(snd, &m, 10000 * MS) != 0 || m.w[0] != (uint64_t)i + 1 ||
		    m.w[3] != ~(uint64_t)i + 1)
			bad++;
	}
	m = msg(OP_COUNT, 0, 0);
	m_call(snd, &m, 10000 * MS);
	printf("# stress: the rest in %ld ms\n", (m_clock_ns() - t0) / 1000000);
	printf("# stress: %ld calls, %ld bad, server counted %llu\n", calls, bad,
	       (unsigned long long)m.w[0]);
	check(bad == 0 && m.w[0] == (uint64_t)calls + 1, "every call answered, nothing lost");
	m = msg(OP_EXIT, 0, 0);
	m_call(snd, &m, 10000 * MS);
	waitpid(s, &st, 0);
	return 0;
}

/*
 * "ipc procrace N": N children that exit at once while this process opens
 * process handles to them (and gives each a handle) as fast as it can -
 * m_proc_open racing a child's exit, which retires the child's handle
 * table, and a handle to its thread opened through each (and its nice set
 * while it runs on the other CPU). Every answer must
 * be a handle or -ESRCH; once the child is reaped, the last process handle
 * of each round must refuse a give with -ESRCH and the thread handle must
 * report the thread exited. Run on
 * -smp 2 so the exit really happens at the same moment on the other CPU.
 */
static int procrace(long rounds)
{
	long opened = 0, gone = 0, bad = 0;
	int ep = m_ep_create();

	for (long i = 0; i < rounds; i++) {
		int last = 0, th = 0, st;
		struct m_thread_info ti;
		pid_t c = fork();

		if (c == 0) { /* runs a varying while first, so the exit lands at varying points */
			for (volatile long spin = 0; spin < (i % 8) * 20000; spin++)
				;
			_exit(0);
		}
		if (c < 0) {
			bad++;
			continue;
		}
		for (int k = 0; k < 64; k++) {
			int h = m_proc_open(c), g;

			if (h == -ESRCH) {
				gone++;
				break;
			}
			if (h <= 0) {
				bad++;
				break;
			}
			opened++;
			g = m_handle_give(h, ep, M_R_SEND);
			if (g <= 0 && g != -ESRCH)
				bad++;
			/* Its thread too (-ESRCH before it runs and once it is gone). */
			g = m_thread_open(h, c);
			if (g > 0) {
				if (th)
					m_handle_close(th);
				th = g;
				/* Managing it while it runs and exits on the other CPU. */
				g = m_thread_set_nice(th, 1 + k % 10);
				if (g != 0 && g != -ESRCH)
					bad++;
			} else if (g != -ESRCH) {
				bad++;
			}
			if (last)
				m_handle_close(last);
			last = h;
		}
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
			bad++;
		if (last && m_handle_give(last, ep, M_R_SEND) != -ESRCH)
			bad++;
		if (m_proc_open(c) != -ESRCH)
			bad++;
		if (th && (m_thread_info(th, &ti) != 0 || ti.state != M_THREAD_EXITED ||
			   m_thread_signal(th, 0) != -ESRCH))
			bad++;
		if (th)
			m_handle_close(th);
		if (last)
			m_handle_close(last);
	}
	printf("# procrace: %ld rounds, %ld handles opened, %ld times seen gone, %ld bad\n", rounds,
	       opened, gone, bad);
	check(bad == 0,
	      "process handles opened while children exit: a handle or -ESRCH, never worse");
	m_handle_close(ep);
	return 0;
}

int main(int argc, char **argv)
{
	int ep, recv_h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "exec-check") == 0)
		return exec_check(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[1], "stress") == 0) {
		stress(atol(argv[2]));
	} else if (argc > 2 && strcmp(argv[1], "procrace") == 0) {
		procrace(atol(argv[2]));
	} else {
		m_ipc_set_buffer(&ibuf);
		test_capabilities();
		ep = m_ep_create();
		/* Inheritable: client children (client death test) call the server too. */
		srv_send = m_handle_dup(ep, M_R_SEND | M_R_GRANT | M_R_DUP, 0, M_DUP_INHERIT);
		recv_h = m_handle_dup(ep, M_R_ALL, 0, M_DUP_INHERIT);
		srv_pid = start_server(recv_h);
		/* The server alone may receive: its death must show. */
		m_handle_close(recv_h);
		m_handle_close(ep);
		test_call_sizes();
		test_transfer();
		test_badges();
		test_timeouts();
		test_client_death();
		test_exec_drops_buffer();
		test_threads(); /* before test_hostile and the server's death: it calls the server
				 */
		test_hostile();
		test_server_death();
		test_queues();
		test_notifications();
		test_memory_and_give();
	}
	printf("ipc: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
