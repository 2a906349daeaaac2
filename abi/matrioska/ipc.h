/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * abi/matrioska/ipc.h - the native IPC and capability ABI shared by the
 * kernel and user space: object types, handle rights, the message-info
 * word, the per-thread IPC buffer, timeouts and flags. The system-call
 * numbers are in syscall.h; docs/api/native.md describes every call.
 *
 * A handle is a small positive integer naming a slot of the calling
 * process's capability table (slot index and a generation, so a closed
 * handle's number does not name the next object put in its slot).
 */
#ifndef MATRIOSKA_ABI_IPC_H
#define MATRIOSKA_ABI_IPC_H

#include <stdint.h>

/* Object types (m_handle_info.type). */
#define M_OBJ_ENDPOINT 1
#define M_OBJ_NOTIFY 2
#define M_OBJ_QUEUE 3
#define M_OBJ_MEMOBJ 4
#define M_OBJ_PROCESS 5
#define M_OBJ_THREAD 6

/* Rights carried by a handle. */
#define M_R_READ 0x01  /* memory object: map readable; queue: receive; thread: query */
#define M_R_WRITE 0x02 /* memory object: map writable; queue: send; notification: signal */
#define M_R_MAP 0x04   /* memory object: map at all */
#define M_R_GRANT 0x08 /* the handle may travel in a message or be given away */
#define M_R_SEND 0x10  /* endpoint: call */
#define M_R_RECV 0x20  /* endpoint: recv/reply; notification: wait/poll */
#define M_R_MANAGE \
	0x40 /* process: give handles to it, open its threads; thread: nice, affinity, signal */
#define M_R_DUP 0x80 /* the handle may be duplicated (with the same or fewer rights) */
#define M_R_ALL 0xff

/* m_handle_dup() flags. */
#define M_DUP_INHERIT 0x1 /* the new handle is copied into children at fork */

/* Timeouts (relative, nanoseconds): 0 never blocks; M_FOREVER never expires. */
#define M_FOREVER UINT64_MAX

/* m_mem_map() protection (the values of PROT_READ and PROT_WRITE). */
#define M_PROT_READ 0x1
#define M_PROT_WRITE 0x2

/* Message queue flags. */
#define M_NONBLOCK 0x1 /* fail with -EAGAIN instead of waiting (same as timeout 0) */

/*
 * A message: M_MSG_REGS words that travel in registers, up to M_MSG_MAX_DATA
 * bytes that travel from the sender's IPC buffer to the receiver's, and up
 * to M_MSG_MAX_CAPS handles. The info word describes the data and handle
 * counts and carries a 32-bit label of the program's choosing (an RPC
 * method number, say).
 */
#define M_MSG_REGS 4
#define M_MSG_MAX_DATA 4096
#define M_MSG_MAX_CAPS 4

#define M_INFO(label, data_len, ncaps) \
	(((uint64_t)(uint32_t)(label) << 32) | ((uint64_t)(ncaps) << 16) | (uint64_t)(data_len))
#define M_INFO_LEN(info) ((uint32_t)((info)&0xffff))
#define M_INFO_CAPS(info) ((uint32_t)(((info) >> 16) & 0xff))
#define M_INFO_LABEL(info) ((uint32_t)((info) >> 32))

/*
 * The per-thread IPC buffer (m_ipc_set_buffer). Sending: caps[] names the
 * handles to transfer (each needs M_R_GRANT) and cap_rights[] the rights the
 * receiver gets (masked by what the sender holds; 0 keeps them all); data[]
 * holds the long part. Receiving: caps[] holds the new handles, data[] the
 * long part.
 */
struct m_ipc_buffer {
	uint32_t caps[M_MSG_MAX_CAPS];
	uint32_t cap_rights[M_MSG_MAX_CAPS];
	uint8_t data[M_MSG_MAX_DATA];
};

/* m_handle_info() result. */
struct m_handle_info {
	uint32_t type;	 /* M_OBJ_* */
	uint32_t rights; /* M_R_* */
	uint64_t badge;	 /* endpoints: the badge minted into this handle */
	uint64_t size;	 /* memory objects: bytes; queues: capacity in messages */
};

/* m_thread_info() states. */
#define M_THREAD_RUNNABLE 1 /* running or ready to run */
#define M_THREAD_BLOCKED 2  /* waiting (sleep, IPC, I/O, stopped) */
#define M_THREAD_EXITED 3   /* gone: only tid, ktid and pid are filled in */

/* m_thread_info() result. */
struct m_thread_info {
	int32_t tid;	     /* Linux thread id (gettid()); the first thread's is the pid */
	int32_t pid;	     /* its process */
	uint64_t ktid;	     /* native thread id (m_gettid()): never reused */
	uint32_t state;	     /* M_THREAD_* */
	uint32_t policy;     /* SCHED_NORMAL 0, SCHED_FIFO 1, SCHED_RR 2 */
	int32_t nice;	     /* SCHED_NORMAL: -20..19 */
	uint32_t cpu;	     /* the CPU it last ran on or is queued on */
	uint64_t affinity;   /* bit n: may run on CPU n */
	uint64_t runtime_ns; /* CPU time so far */
};

#endif
