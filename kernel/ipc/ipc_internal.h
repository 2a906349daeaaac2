/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_internal.h - what the files of kernel/ipc share: the per-thread IPC
 * state, the object structures and the deadline helper. Not for other
 * subsystems (they use ipc.h).
 */
#ifndef MATRIOSKA_IPC_INTERNAL_H
#define MATRIOSKA_IPC_INTERNAL_H

#include "cap.h"
#include "ipc.h"
#include "list.h"
#include "sync.h"
#include "timer.h"

/* Where a thread stands in synchronous IPC (ipc_thread.state). */
enum ipc_state {
	IPC_IDLE,
	IPC_SENDING,	/* in ep->senders with its message */
	IPC_RECEIVING,	/* in ep->receivers */
	IPC_WAIT_REPLY, /* in ep->served: its message was taken, the reply is awaited */
	IPC_DONE,	/* a partner finished the operation: result (and a message) is here */
};

struct endpoint;

/*
 * A message in the kernel: the register words, the info word, the badge
 * (receive side), the long part (data_len bytes in kbuf, a
 * M_MSG_MAX_DATA-byte block that moves between threads with the message)
 * and in-flight capabilities.
 */
struct ipc_msg {
	u64 info;
	u64 badge;
	u64 mr[M_MSG_REGS];
	u8 *kbuf;
	struct cap *caps[M_MSG_MAX_CAPS];
	u32 ncaps;
};

/*
 * Per-thread IPC state (thread->ipc), made on first use. refs: the thread
 * holds one, a server that owes it a reply holds one (reply_to), so either
 * may go first. state, result, msg (while queued or waiting), link and ep
 * are protected by ep->lock of the endpoint it waits on; the rest belongs to
 * the thread itself.
 */
enum { IPC_FAST_WAIT = 1, IPC_FAST_IN_FRAME = 2 }; /* ipc_thread.fast */

struct ipc_thread {
	u32 refs; /* atomic */
	struct thread *thread;
	u32 state;  /* enum ipc_state */
	int result; /* valid in IPC_DONE */
	struct endpoint *ep;
	struct list_head link;
	u64 call_seq; /* bumped at each call: a stale reply finds another number */
	struct ipc_msg msg;
	/* server side: the caller owed a reply (referenced), its endpoint (referenced) */
	struct ipc_thread *reply_to;
	struct endpoint *reply_ep;
	u64 reply_seq;
	u32 handoff_pin; /* a waker still needs thread alive: wait for 0 before leaving */
	struct ipc_thread *handoff_to; /* fast path: the partner being handed the CPU (own use) */
	/*
	 * fast: IPC_FAST_WAIT while the thread waits in a fast path (its
	 * continuation will finish the call): a fast-path partner may then
	 * write a short message straight into its user frame instead of msg,
	 * and sets IPC_FAST_IN_FRAME. Changed under the endpoint lock while
	 * the thread is listed; reset to 0 by the thread once it is listed
	 * nowhere.
	 */
	u8 fast;
	vaddr_t ubuf;	     /* struct m_ipc_buffer in user space, 0: none */
	const void *ubuf_vm; /* the address space ubuf was registered in (execve drops it) */
	/*
	 * One-entry endpoint lookup cache (ipc_syscall.c): handle lc_handle of
	 * the process's table lc_table resolved to lc_ref (lc_ref.obj
	 * referenced by the cache) at table version lc_ref.version. The table
	 * lives as long as the thread's process, so the pointer stays good.
	 */
	struct cap_table *lc_table;
	u32 lc_handle;
	struct cap_ref lc_ref;
};

/*
 * An endpoint. Invariants: a thread is in at most one list; senders and
 * receivers are never both non-empty (a match is made at once); dead is set
 * once no handle with M_R_RECV is left, and then all three lists are empty
 * and every later call fails with -EPIPE.
 */
struct endpoint {
	struct kobj k;
	struct spinlock lock; /* everything below, and the states of the threads listed */
	struct list_head senders, receivers, served;
	u32 recv_caps; /* capabilities with M_R_RECV (in tables or in flight) */
	bool dead;
	u64 calls;		      /* completed deliveries (ipc statistics) */
	u64 fast_calls, fast_replies; /* of which through the fast path (call, reply_recv) */
};

/* The calling thread's IPC state, made on first use; NULL if out of memory. */
struct ipc_thread *ipc_thread_current(void);
void ipc_thread_put(struct ipc_thread *it);

/* Absolute deadline for a relative timeout (0: now, M_FOREVER: 0 = none). */
static inline u64 ipc_deadline(u64 timeout_ns)
{
	u64 now;

	if (timeout_ns == M_FOREVER)
		return 0;
	now = clock_ns();
	return timeout_ns > ~0ull - now ? ~0ull - 1 : now + timeout_ns;
}

struct endpoint *endpoint_create(void);
int endpoint_call(struct endpoint *ep, u64 badge, struct ipc_msg *m, u64 deadline);
int endpoint_recv(struct endpoint *ep, u64 deadline);
int endpoint_reply(struct ipc_thread *me);
int endpoint_reply_recv(struct ipc_thread *me, struct endpoint *ep, u64 deadline);

/*
 * msys_ipc_call and msys_ipc_reply_recv (endpoint.c) try the fast path -
 * a short message (no long part, no handles), no timeout, a handle in the
 * thread's lookup cache and a partner already waiting on this CPU - and
 * otherwise call these, the general system calls (ipc_syscall.c).
 */
long ipc_call_general(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2);
long ipc_reply_recv_general(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2);

/* Message preparation and delivery to user space (ipc_syscall.c). */
void ipc_msg_discard(struct ipc_msg *m);
long ipc_msg_copy_out(struct ipc_thread *me);

struct kobj *queue_create(u32 max_msgs, u32 max_size);
u64 queue_capacity(struct kobj *q);

struct kobj *notify_create(void);
void notify_signal(struct kobj *n, u64 bits);
long notify_wait(struct kobj *n, u64 deadline, u64 *bits);

struct kobj *memobj_create(u64 size);
u64 memobj_size(struct kobj *m);

/*
 * Resolve the caller's handle h as an object of type (0: any) with every
 * right in need: cap_lookup's answer (r->obj referenced), -EBADF when the
 * process has no capability table.
 */
int ipc_lookup(u64 h, u32 type, u32 need, struct cap_ref *r);

/* The caller's own process's table, made on first use (not for other processes: see below). */
struct cap_table *proc_caps(struct process *p);
/* p's table referenced (cap_table_put it), or NULL: none yet or exited. Never sleeps. */
struct cap_table *ipc_proc_table_get(struct process *p);
/*
 * p's table, made if it has none yet, referenced into *out (cap_table_put
 * it): 0, -ESRCH (p has exited) or -ENOMEM. Safe for another process, whose
 * exit may be retiring its table at the same moment. Never sleeps.
 */
int ipc_proc_table_get_create(struct process *p, struct cap_table **out);
/* A process object for p (proc tree lock held): 0 with *out referenced, -ENOMEM, -ESRCH. */
int procobj_create(struct process *p, struct kobj **out);
struct cap_table *procobj_table(struct kobj *o);
int procobj_pid(struct kobj *o);

/*
 * Thread objects (threadobj.c). Open thread tid of the process named by
 * process object po (NULL: the caller's own process; tid 0 then: the
 * calling thread): 0 with *out referenced, or -ESRCH / -ENOMEM / -EINVAL.
 */
int threadobj_open(struct kobj *po, int tid, struct kobj **out);
/* Fill *info (state M_THREAD_EXITED once the thread is gone). */
void threadobj_info(struct kobj *o, struct m_thread_info *info);
/*
 * The operations take the system call's argument as it came and check it
 * (-EINVAL), then -ESRCH once the thread is gone. Nice: NICE_MIN..NICE_MAX
 * as a signed value; a signal: 0 (only the check) .. NSIG; the CPUs the
 * thread may run on: sched_set_affinity's rules.
 */
int threadobj_set_nice(struct kobj *o, u64 nice);
int threadobj_signal(struct kobj *o, u64 sig);
int threadobj_set_affinity(struct kobj *o, u64 mask);
/* What /proc/ipc shows of a thread object: its process and Linux thread id at open. */
void threadobj_ids(struct kobj *o, int *pid, int *tid);

#endif
