/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc.h - native IPC (kernel/ipc/): synchronous endpoints (call, recv,
 * reply, reply_recv, with a direct-switch fast path), bounded message
 * queues, notifications and memory objects, all reached through handles
 * of the capability tables (cap.h). The user ABI is abi/matrioska/ipc.h;
 * design notes in docs/design/ipc.md.
 *
 * What the rest of the kernel calls: the process hooks below, the thread
 * hook at thread free, and the native system calls (kernel/core/syscall.c).
 */
#ifndef MATRIOSKA_IPC_H
#define MATRIOSKA_IPC_H

#include "../../abi/matrioska/ipc.h"
#include "types.h"

struct process;
struct thread;
struct trap_frame;
struct cap_table;

/* The calling process's capability table, made on first use; NULL if out of memory. */
struct cap_table *ipc_current_table(void);
/* fork: copy the parent's inheritable handles into the child (0 or -ENOMEM). */
int ipc_proc_fork(struct process *parent, struct process *child) __must_check;
/* The process's last thread is leaving: close every handle (servers' clients get -EPIPE). */
void ipc_proc_exit(struct process *p);

/*
 * One handle as ipcstat sees it (/proc/ipc, fs/procfs_ipc.c): its holder,
 * number, object (an id that is stable while the object lives, not its
 * address) and terms, and what the object is: endpoints: receive handles,
 * calls delivered, dead, of the calls those through the fast path, replies
 * through the fast path; queues: capacity; memory objects: bytes.
 */
struct ipc_stat_entry {
	int pid;
	char comm[16];
	u32 handle, type, rights;
	u64 badge, obj_id;
	u64 info[5];
};
/*
 * Call fn for every live handle of every process, in pid order. fn runs
 * under a capability-table spinlock: it must not sleep. 0 or -ENOMEM.
 */
int ipc_stat_walk(void (*fn)(const struct ipc_stat_entry *e, void *arg), void *arg);
/* A thread is being freed: drop its IPC state (a reply it owed is dropped). */
void ipc_thread_free(struct thread *t);

/*
 * Arch hooks (kernel/arch/<arch>/ipc_regs.c): the message word that is not
 * one of the six system-call arguments, and the registers an IPC call
 * returns besides the result (badge, info, M_MSG_REGS words).
 */
u64 arch_ipc_mr3(const struct trap_frame *f);
void arch_ipc_set_regs(struct trap_frame *f, u64 badge, u64 info, const u64 *mr);

/* Native system calls (abi/matrioska/syscall.h), in kernel/ipc/ipc_syscall.c. */
long msys_handle_dup(u64 h, u64 rights, u64 badge, u64 flags, u64 a4, u64 a5);
long msys_handle_close(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_handle_revoke(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_handle_info(u64 h, u64 uinfo, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_handle_give(u64 ph, u64 h, u64 rights, u64 a3, u64 a4, u64 a5);
long msys_proc_open(u64 pid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ep_create(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ipc_set_buffer(u64 ubuf, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ipc_call(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2);
long msys_ipc_recv(u64 h, u64 a1, u64 timeout, u64 a3, u64 a4, u64 a5);
long msys_ipc_reply(u64 a0, u64 info, u64 a2, u64 mr0, u64 mr1, u64 mr2);
long msys_ipc_reply_recv(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2);
long msys_mq_create(u64 max_msgs, u64 max_size, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_mq_send(u64 h, u64 ubuf, u64 len, u64 flags, u64 timeout, u64 a5);
long msys_mq_recv(u64 h, u64 ubuf, u64 size, u64 flags, u64 timeout, u64 a5);
long msys_ntfn_create(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ntfn_signal(u64 h, u64 bits, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ntfn_wait(u64 h, u64 timeout, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_ntfn_poll(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_mem_create(u64 size, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_mem_map(u64 h, u64 addr, u64 len, u64 prot, u64 offset, u64 a5);
long msys_thread_open(u64 ph, u64 tid, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_thread_info(u64 h, u64 uinfo, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_thread_set_nice(u64 h, u64 nice, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_thread_signal(u64 h, u64 sig, u64 a2, u64 a3, u64 a4, u64 a5);
long msys_thread_set_affinity(u64 h, u64 mask, u64 a2, u64 a3, u64 a4, u64 a5);

#endif
