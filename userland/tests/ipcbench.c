/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipcbench.c - user-level benchmarks of the native IPC, timed with the
 * cycle counter (guest instructions under QEMU's -icount shift=0, which is
 * how scripts/bench.py runs it). Prints "kbench NAME VALUE insns" lines
 * like the in-kernel benchmarks, then "ipcbench: done":
 *
 *   ipc_call_roundtrip     call + reply_recv between two processes with
 *                          register-only messages (the fast path: direct
 *                          switches both ways, address-space switches)
 *   ipc_call_4k_copy       the same with a 4096-byte long part in the
 *                          request (copied in by the client, out by the server)
 *   ipc_grant_4k_page      a call granting a 4 KiB memory object: the server
 *                          maps it, reads it, unmaps it and closes the handle
 *   mq_send_recv           a 64-byte message sent to and received from a
 *                          queue by one process
 *
 * The empty loop's cost is subtracted. Benchmarks report; they assert nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "matrioska.h"

#define N 20000
#define N_SLOW 2000

enum { OP_NOP = 1, OP_MAP = 2, OP_EXIT = 3 };

static struct m_ipc_buffer ibuf __attribute__((aligned(64)));

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t loop_cost(int n)
{
	uint64_t t0 = rdtsc();

	for (volatile int i = 0; i < n; i++)
		;
	return rdtsc() - t0;
}

static void report(const char *name, uint64_t total, int n)
{
	uint64_t loop = loop_cost(n);

	printf("kbench %s %llu insns\n", name,
	       (unsigned long long)((total > loop ? total - loop : 0) / (uint64_t)n));
}

static __attribute__((noreturn)) void server(int ep)
{
	struct m_msg m = {0};
	long r;

	m_ipc_set_buffer(&ibuf);
	r = m_recv(ep, &m, M_FOREVER);
	for (;;) {
		if (r < 0) {
			r = m_recv(ep, &m, M_FOREVER);
			continue;
		}
		if (M_INFO_LABEL(m.info) == OP_EXIT)
			_exit(0);
		if (M_INFO_LABEL(m.info) == OP_MAP && M_INFO_CAPS(m.info) == 1) {
			int h = (int)ibuf.caps[0];
			long a = m_mem_map(h, NULL, 4096, M_PROT_READ, 0);

			if (a > 0) {
				m.w[0] = *(volatile uint64_t *)a;
				munmap((void *)a, 4096);
			}
			m_handle_close(h);
		}
		m.info = 0;
		r = m_reply_recv(ep, &m, M_FOREVER);
	}
}

static uint64_t calls(int h, uint32_t label, uint32_t len, uint32_t ncaps, int n)
{
	struct m_msg m = {0};
	uint64_t t0 = rdtsc();

	for (int i = 0; i < n; i++) {
		m.info = M_INFO(label, len, ncaps);
		m.w[0] = (uint64_t)i;
		m_call(h, &m, M_FOREVER);
	}
	return rdtsc() - t0;
}

int main(void)
{
	int ep = m_ep_create(), snd = m_handle_dup(ep, M_R_SEND, 0, 0);
	int rcv = m_handle_dup(ep, M_R_ALL, 0, M_DUP_INHERIT);
	int mem = m_mem_create(4096), q = m_mq_create(16, 64);
	struct m_msg m = {0};
	uint64_t t0, t;
	char msgbuf[64] = "benchmark";
	pid_t s;
	int st;

	m_ipc_set_buffer(&ibuf);
	s = fork();
	if (s == 0)
		server(rcv);
	m_handle_close(rcv);
	m_handle_close(ep);

	calls(snd, OP_NOP, 0, 0, 200); /* warm up: both sides resident, partners on one CPU */
	report("ipc_call_roundtrip", calls(snd, OP_NOP, 0, 0, N), N);
	report("ipc_call_4k_copy", calls(snd, OP_NOP, 4096, 0, N_SLOW), N_SLOW);
	*(volatile uint64_t *)m_mem_map(mem, NULL, 4096, M_PROT_READ | M_PROT_WRITE, 0) = 42;
	t = 0;
	for (int i = 0; i < N_SLOW; i++) {
		ibuf.caps[0] = (uint32_t)mem;
		ibuf.cap_rights[0] = M_R_READ | M_R_MAP;
		t0 = rdtsc();
		calls(snd, OP_MAP, 0, 1, 1);
		t += rdtsc() - t0;
	}
	report("ipc_grant_4k_page", t, N_SLOW);

	t0 = rdtsc();
	for (int i = 0; i < N; i++) {
		m_mq_send(q, msgbuf, sizeof(msgbuf), 0, 0);
		m_mq_recv(q, msgbuf, sizeof(msgbuf), 0, 0);
	}
	report("mq_send_recv", rdtsc() - t0, N);

	m.info = M_INFO(OP_EXIT, 0, 0);
	m_call(snd, &m, 0);
	waitpid(s, &st, 0);
	printf("ipcbench: done\n");
	return 0;
}
