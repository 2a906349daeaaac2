/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * matrioska.h - libmatrioska: the native API of Matrioska OS for user
 * programs (docs/api/native.md). Plain system-call wrappers over the
 * native numbers (abi/matrioska/syscall.h), usable from programs that also
 * use the Linux personality through their C library (musl). Results are
 * the kernel's: a non-negative value, or a negative errno (no errno
 * variable is touched).
 *
 * The synchronous IPC calls are inline: a message's words travel in
 * registers, and a call should cost no more than the instruction that
 * makes it.
 */
#ifndef MATRIOSKA_H
#define MATRIOSKA_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "matrioska/ipc.h"
#include "matrioska/syscall.h"

/* A message as the IPC calls see it: info (M_INFO), badge (received), words. */
struct m_msg {
	uint64_t info;
	uint64_t badge;
	uint64_t w[M_MSG_REGS];
};

long m_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/*
 * The IPC system calls: handle in %rdi, info in %rsi, timeout in %rdx,
 * words in %r10 %r8 %r9 %r12; on success the kernel leaves the badge in
 * %rdi, the info in %rsi and the words where they came from.
 */
static inline long m_ipc_raw(long nr, uint64_t h, struct m_msg *m, uint64_t timeout)
{
	register uint64_t r10 __asm__("r10") = m->w[0];
	register uint64_t r8 __asm__("r8") = m->w[1];
	register uint64_t r9 __asm__("r9") = m->w[2];
	register uint64_t r12 __asm__("r12") = m->w[3];
	uint64_t rdi = h, rsi = m->info;
	long ret = nr;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(rdi), "+S"(rsi), "+d"(timeout), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12)
			 :
			 : "rcx", "r11", "memory");
	if (ret >= 0 || ret == -EMSGSIZE) { /* -EMSGSIZE: the registers did arrive */
		m->badge = rdi;
		m->info = rsi;
		m->w[0] = r10;
		m->w[1] = r8;
		m->w[2] = r9;
		m->w[3] = r12;
	}
	return ret;
}

/* Send *m on endpoint h and wait for the reply, which replaces *m. */
static inline long m_call(int h, struct m_msg *m, uint64_t timeout)
{
	return m_ipc_raw(MSYS_IPC_CALL, (uint64_t)h, m, timeout);
}

/* Wait for a call on h; *m receives it (badge included). The caller then owes a reply. */
static inline long m_recv(int h, struct m_msg *m, uint64_t timeout)
{
	return m_ipc_raw(MSYS_IPC_RECV, (uint64_t)h, m, timeout);
}

/* Reply *m to the call last received. -EPIPE: the caller is gone (the reply is dropped). */
static inline long m_reply(struct m_msg *m)
{
	return m_ipc_raw(MSYS_IPC_REPLY, 0, m, 0);
}

/* Reply *m, then wait for the next call on h into *m: a server's loop in one call. */
static inline long m_reply_recv(int h, struct m_msg *m, uint64_t timeout)
{
	return m_ipc_raw(MSYS_IPC_REPLY_RECV, (uint64_t)h, m, timeout);
}

/* Handles. */
int m_handle_dup(int h, uint32_t rights, uint64_t badge, uint32_t flags);
int m_handle_close(int h);
int m_handle_revoke(int h);
int m_handle_info(int h, struct m_handle_info *info);
int m_handle_give(int proc, int h, uint32_t rights);
int m_proc_open(int pid);

/*
 * Threads: open a thread of the process named by process handle proc (it
 * needs MANAGE) by its Linux thread id, or with proc 0 a thread of the
 * caller's own process (tid 0: the calling thread); query it (READ); set
 * its nice level or send it a signal (MANAGE). Once the thread has exited
 * the handle stays valid: info reports M_THREAD_EXITED, the rest -ESRCH.
 */
int m_thread_open(int proc, int tid);
int m_thread_info(int h, struct m_thread_info *info);
int m_thread_set_nice(int h, int nice);
int m_thread_signal(int h, int sig);
int m_thread_set_affinity(int h, uint64_t cpus);

/* Endpoints and the thread's IPC buffer. */
int m_ep_create(void);
int m_ipc_set_buffer(struct m_ipc_buffer *buf);

/* Message queues. */
int m_mq_create(uint32_t max_msgs, uint32_t max_size);
long m_mq_send(int h, const void *buf, size_t len, uint32_t flags, uint64_t timeout);
long m_mq_recv(int h, void *buf, size_t size, uint32_t flags, uint64_t timeout);

/* Notifications. */
int m_ntfn_create(void);
long m_ntfn_signal(int h, uint64_t bits);
long m_ntfn_wait(int h, uint64_t timeout);
long m_ntfn_poll(int h);

/* Memory objects: addr 0 lets the kernel choose; returns the address or -errno. */
int m_mem_create(uint64_t size);
long m_mem_map(int h, void *addr, size_t len, uint32_t prot, uint64_t offset);

/* Miscellaneous native calls. */
long m_debug_write(const char *buf, size_t len);
long m_gettid(void);
long m_clock_ns(void);

#endif
