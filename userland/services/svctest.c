/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * svctest.c - checks of the nameserver and the generated RPC code from a
 * client's side (integration test services_nameserver, t_services.py),
 * installed as /usr/libexec/matrioska-tests/svctest. TAP lines, then
 * "svctest: N passed, M failed".
 *
 * It publishes an endpoint of its own (served by a thread that answers
 * with the first word plus one), looks it up again and calls through the
 * handle it got, checks that handle's rights (send only), missing names,
 * withdrawal, bad arguments and malformed calls (unknown method, string
 * without its NUL, missing handle). "svctest hold" only holds a queue and a
 * memory object until it is killed (services_ipcstat).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logd_rpc.h"
#include "nameserver_rpc.h"

#define T_TIMEOUT 3000000000ull

static int passed, failed, seq;

static void check(bool ok, const char *what, long got)
{
	seq++;
	if (ok) {
		passed++;
		printf("ok %d - %s\n", seq, what);
	} else {
		failed++;
		printf("not ok %d - %s (got %ld)\n", seq, what, got);
	}
}

/* Echo server: reply w[0] + 1 to every call, until the endpoint fails. */
static void *echo_server(void *arg)
{
	int ep = (int)(intptr_t)arg;
	struct m_msg m = {0};
	long r = m_recv(ep, &m, M_FOREVER);

	while (r >= 0 || r == -EMSGSIZE) {
		m.info = M_INFO(0, 0, 0);
		m.w[0]++;
		r = m_reply_recv(ep, &m, M_FOREVER);
	}
	return NULL;
}

static bool name_listed(int ns, const char *name)
{
	char got[64];

	for (uint64_t i = 0; i < 64; i++) {
		if (ns_list(ns, T_TIMEOUT, i, got, sizeof(got)) < 0)
			return false;
		if (strcmp(got, name) == 0)
			return true;
	}
	return false;
}

/*
 * Hostile calls: random method numbers, long parts of random bytes and
 * lengths, and 0..2 handles (notifications, which no method accepts as an
 * endpoint) to server h. Every call must be answered (a reply, whatever its
 * result) and handles sent back must be closed. Returns how many were not.
 */
static int fuzz_server(int h, unsigned int calls, unsigned int seed)
{
	struct m_ipc_buffer *b = rpc_buffer();
	int bad = 0, ntfn = m_ntfn_create();

	for (unsigned int i = 0; i < calls; i++) {
		struct m_msg m = {0};
		uint32_t len, ncaps;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % (M_MSG_MAX_DATA + 1);
		ncaps = (seed >> 4) % 3;
		for (uint32_t j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			b->data[j] = (uint8_t)(seed >> 16);
			if ((seed >> 28) == 0)
				b->data[j] = 0; /* some strings end */
		}
		for (uint32_t j = 0; j < ncaps; j++) {
			b->caps[j] = (uint32_t)ntfn;
			b->cap_rights[j] = 0;
		}
		m.info = M_INFO((seed >> 12) % 12, len, ncaps);
		m.w[0] = seed;
		m.w[1] = seed >> 3;
		m.w[2] = (seed & 1) ? UINT64_MAX : 0;
		m.w[3] = seed * 7u;
		if (m_call(h, &m, T_TIMEOUT) < 0)
			bad++;
		else
			rpc_close_caps(b, M_INFO_CAPS(m.info));
	}
	m_handle_close(ntfn);
	return bad;
}

/*
 * "svctest hold": hold a queue and a memory object until killed (for the
 * ipcstat test), after printing "holding".
 */
__attribute__((noreturn)) static void hold(void)
{
	int q = m_mq_create(8, 64), mem = m_mem_create(8192);

	printf("holding queue %d memory %d\n", q, mem);
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int ns = rpc_ns_handle(), ep, found = -1, ntfn;
	struct m_handle_info info;
	struct m_ipc_buffer *b;
	struct m_msg m = {0};
	char name[48];
	pthread_t thr;
	long r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "hold") == 0)
		hold();
	check(ns > 0, "MATRIOSKA_NS names an inherited nameserver handle", ns);
	if (ns <= 0)
		goto out;
	r = m_handle_info(ns, &info);
	check(r == 0 && info.type == M_OBJ_ENDPOINT && !(info.rights & M_R_RECV),
	      "the inherited handle is an endpoint that can call but not receive", r);

	snprintf(name, sizeof(name), "svctest.%d", (int)getpid());
	ep = m_ep_create();
	check(ep > 0, "an endpoint of our own", ep);
	pthread_create(&thr, NULL, echo_server, (void *)(intptr_t)ep);

	r = ns_publish(ns, T_TIMEOUT, name, ep);
	check(r == 0, "publish our endpoint under a name", r);
	r = ns_lookup(ns, T_TIMEOUT, name, &found);
	check(r == 0 && found > 0, "look the name up", r);
	r = m_handle_info(found, &info);
	check(r == 0 && info.type == M_OBJ_ENDPOINT && info.rights == M_R_SEND,
	      "the handle looked up is send-only", (long)info.rights);
	m = (struct m_msg){.info = M_INFO(7, 0, 0), .w = {41}};
	r = m_call(found, &m, T_TIMEOUT);
	check(r == 0 && m.w[0] == 42, "a call through it reaches our server", r ? r : (long)m.w[0]);
	r = m_handle_dup(found, M_R_SEND, 0, 0);
	check(r == -EPERM, "it cannot be duplicated (no DUP right)", r);
	check(name_listed(ns, name), "list shows the name", 0);

	r = ns_lookup(ns, T_TIMEOUT, "svctest.no-such-name", &found);
	check(r == -ENOENT, "looking up a missing name is -ENOENT", r);
	r = ns_publish(ns, T_TIMEOUT, "bad/name", ep);
	check(r == -EINVAL, "a name with '/' is refused", r);
	ntfn = m_ntfn_create();
	r = ns_publish(ns, T_TIMEOUT, "svctest.notify", ntfn);
	check(r == -EINVAL, "publishing a notification (not an endpoint) is refused", r);

	/* Malformed calls, made by hand. */
	b = rpc_buffer();
	m = (struct m_msg){.info = M_INFO(999, 0, 0)};
	r = m_call(ns, &m, T_TIMEOUT);
	check(r == 0 && (long)m.w[0] == -ENOSYS, "an unknown method number is -ENOSYS",
	      r ? r : (long)m.w[0]);
	memset(b->data, 'x', 16);
	m = (struct m_msg){.info = M_INFO(NS_M_LOOKUP, 16, 0)};
	r = m_call(ns, &m, T_TIMEOUT);
	check(r == 0 && (long)m.w[0] == -EINVAL, "a string without its NUL is -EINVAL",
	      r ? r : (long)m.w[0]);
	strcpy((char *)b->data, "svctest.nocap");
	m = (struct m_msg){.info = M_INFO(NS_M_PUBLISH, 14, 0)};
	r = m_call(ns, &m, T_TIMEOUT);
	check(r == 0 && (long)m.w[0] == -EINVAL, "publish without its handle is -EINVAL",
	      r ? r : (long)m.w[0]);

	r = fuzz_server(ns, 2000, (unsigned int)getpid());
	check(r == 0, "2000 hostile calls to the nameserver are all answered", r);
	r = ns_lookup(ns, T_TIMEOUT, name, &found);
	check(r == 0, "the nameserver still works after them", r);
	r = rpc_lookup("logd", T_TIMEOUT);
	check(r > 0, "logd is published", r);
	if (r > 0) {
		int logd = (int)r;

		r = fuzz_server(logd, 2000, (unsigned int)getpid() * 31u);
		check(r == 0, "2000 hostile calls to logd are all answered", r);
		m = (struct m_msg){.info = M_INFO(5, 0, 0)}; /* filters() */
		r = m_call(logd, &m, T_TIMEOUT);
		check(r == 0 && (long)m.w[0] == 0, "logd still works after them",
		      r ? r : (long)m.w[0]);
		/* The random calls may have set a default filter: drop it again. */
		r = logd_filter(logd, T_TIMEOUT, 8, "*");
		check(r == 0, "logd's default filter is reset", r);
		m_handle_close(logd);
	}

	r = ns_withdraw(ns, T_TIMEOUT, name);
	check(r == 0, "withdraw the name", r);
	r = ns_lookup(ns, T_TIMEOUT, name, &found);
	check(r == -ENOENT, "after withdrawal the name is gone", r);
	r = ns_withdraw(ns, T_TIMEOUT, name);
	check(r == -ENOENT, "withdrawing it again is -ENOENT", r);
out:
	printf("svctest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
