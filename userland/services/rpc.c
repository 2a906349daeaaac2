/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rpc.c - the RPC runtime (rpc.h): per-thread IPC buffers, the server
 * loop, and the way to the nameserver. The message helpers the generated
 * code uses are in rpc_msg.c (host-tested on their own).
 */
#include "rpc.h"

#include <stdlib.h>

#include "nameserver_rpc.h"

static __thread struct m_ipc_buffer *rpc_buf;

struct m_ipc_buffer *rpc_buffer(void)
{
	struct m_ipc_buffer *b;

	if (rpc_buf)
		return rpc_buf;
	b = aligned_alloc(64, sizeof(*b));
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	if (m_ipc_set_buffer(b) < 0) {
		free(b);
		return NULL;
	}
	rpc_buf = b;
	return b;
}

long rpc_serve(int ep, rpc_dispatch_fn dispatch, const void *ops, void *ctx, uint64_t idle_ns,
	       void (*idle)(void *ctx))
{
	struct m_ipc_buffer *b = rpc_buffer();
	uint64_t timeout = idle ? idle_ns : M_FOREVER;
	uint64_t next_idle = idle ? (uint64_t)m_clock_ns() + idle_ns : 0;
	struct m_msg msg = {0};
	bool owe = false;
	long r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (idle && (uint64_t)m_clock_ns() >= next_idle) {
			if (owe)
				m_reply(&msg); /* -EPIPE: the caller left; nothing to do */
			owe = false;
			idle(ctx);
			next_idle = (uint64_t)m_clock_ns() + idle_ns;
		}
		r = owe ? m_reply_recv(ep, &msg, timeout) : m_recv(ep, &msg, timeout);
		owe = false;
		if (r == -ETIMEDOUT || r == -EINTR)
			continue;
		if (r < 0 && r != -EMSGSIZE)
			return r;
		dispatch(ops, ctx, &msg, b);
		owe = true;
	}
}

int rpc_env_handle(const char *var)
{
	const char *s = getenv(var);
	char *end;
	long h;

	if (!s || !*s)
		return -ENOENT;
	h = strtol(s, &end, 10);
	if (*end || h <= 0 || h > INT32_MAX)
		return -ENOENT;
	return (int)h;
}

int rpc_ns_handle(void)
{
	return rpc_env_handle(RPC_NS_ENV);
}

int rpc_lookup(const char *name, uint64_t timeout)
{
	int ns = rpc_ns_handle();
	int ep = -1;
	long r;

	if (ns < 0)
		return ns;
	r = ns_lookup(ns, timeout, name, &ep);
	return r < 0 ? (int)r : ep;
}
