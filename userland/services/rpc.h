/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rpc.h - the runtime under the code scripts/rpcgen.py generates from an
 * interface description (userland/services/NAME.rpc, docs/api/rpc.md): the
 * calling thread's IPC buffer, packing strings into a message's long part,
 * the server loop, and the nameserver bootstrap handle every process
 * inherits from init (docs/design/services.md).
 */
#ifndef MATRIOSKA_RPC_H
#define MATRIOSKA_RPC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "matrioska.h"

/* The environment variable naming the inherited nameserver handle (set by init). */
#define RPC_NS_ENV "MATRIOSKA_NS"
/* ... and, only in the nameserver's own environment, its receive handle. */
#define RPC_NS_RECV_ENV "MATRIOSKA_NS_RECV"

/* How generated stubs make a call; a host test points it at a loopback. */
#ifndef RPC_CALL
#define RPC_CALL m_call
#endif

/* The calling thread's IPC buffer, registered on first use; NULL if that failed. */
struct m_ipc_buffer *rpc_buffer(void);

/* Append s (NUL included) to b's long part at *len: 0, or -EMSGSIZE. */
int rpc_put_str(struct m_ipc_buffer *b, size_t *len, const char *s);
/* Copy the string at *pos of b's long part (len bytes) into out (truncated): 0 or -EPROTO. */
int rpc_get_str(struct m_ipc_buffer *b, size_t len, size_t *pos, char *out, size_t size);
/* The NUL-terminated string at *pos of in[0..len): a pointer into in, or NULL. */
const char *rpc_take_str(const char *in, size_t len, size_t *pos);
/* Close the first n handles received in b (a reply or call that was refused). */
void rpc_close_caps(struct m_ipc_buffer *b, unsigned int n);

typedef void (*rpc_dispatch_fn)(const void *ops, void *ctx, struct m_msg *msg,
				struct m_ipc_buffer *b);

/*
 * Receive calls on ep and answer each through dispatch (a generated
 * PREFIX_dispatch), forever. When idle is given it runs at least every
 * idle_ns, between calls (a server's other work). Returns only when
 * receiving fails for good (-EPIPE, -EBADF, ...).
 */
long rpc_serve(int ep, rpc_dispatch_fn dispatch, const void *ops, void *ctx, uint64_t idle_ns,
	       void (*idle)(void *ctx));

/* The handle number in environment variable var (a decimal > 0): a handle, or -ENOENT. */
int rpc_env_handle(const char *var);
/* The nameserver handle inherited from init ($MATRIOSKA_NS): a handle, or -ENOENT. */
int rpc_ns_handle(void);
/*
 * The handle of service name through the nameserver, waiting up to
 * timeout for the nameserver to answer: a send-only endpoint handle, or
 * -ENOENT (no such name) / another -errno.
 */
int rpc_lookup(const char *name, uint64_t timeout);

#endif
