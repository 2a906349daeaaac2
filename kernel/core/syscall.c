/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscall.c - system-call dispatch and the first native system calls
 * (abi/matrioska/syscall.h): null, debug write, exit, yield, sleep, clock,
 * gettid. One table indexed by number; every user pointer goes through the
 * uaccess functions; bad arguments return -EFAULT / -EINVAL. A number with
 * no handler returns -ENOSYS and logs one rate-limited line naming it and
 * the program.
 */
#include "../../abi/matrioska/syscall.h"
#include "../linux/linux.h"
#include "arch.h"
#include "errno.h"
#include "ipc.h"
#include "klog.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"

#define DEBUG_WRITE_MAX 4096
#define ENOSYS_LOG_LIMIT 20

typedef long (*native_fn)(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

static long msys_null(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return 0;
}

static long msys_debug_write(u64 buf, u64 len, u64 a2, u64 a3, u64 a4, u64 a5)
{
	char chunk[256];
	u64 done = 0;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (len > DEBUG_WRITE_MAX)
		return -EINVAL;
	while (done < len) {
		size_t n = MIN(sizeof(chunk), len - done);

		if (copy_from_user(chunk, (const void *)(uintptr_t)(buf + done), n))
			return done ? (long)done : -EFAULT;
		arch_console_write(chunk, n);
		done += n;
	}
	return (long)len;
}

static long msys_exit(u64 code, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	proc_exit((int)(code & 0xff));
}

static long msys_yield(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	sched_yield();
	return 0;
}

static long msys_sleep_ns(u64 ns, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (ns > 3600ull * 1000000000ull)
		return -EINVAL;
	sched_sleep_ns(ns);
	return 0;
}

static long msys_clock_ns(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return (long)clock_ns();
}

static long msys_gettid(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return (long)current_thread()->tid;
}

static const native_fn native_table[MSYS_COUNT] = {
	[MSYS_NULL - MSYS_BASE] = msys_null,
	[MSYS_DEBUG_WRITE - MSYS_BASE] = msys_debug_write,
	[MSYS_EXIT - MSYS_BASE] = msys_exit,
	[MSYS_YIELD - MSYS_BASE] = msys_yield,
	[MSYS_SLEEP_NS - MSYS_BASE] = msys_sleep_ns,
	[MSYS_CLOCK_NS - MSYS_BASE] = msys_clock_ns,
	[MSYS_GETTID - MSYS_BASE] = msys_gettid,
	/* capabilities and IPC: kernel/ipc */
	[MSYS_HANDLE_DUP - MSYS_BASE] = msys_handle_dup,
	[MSYS_HANDLE_CLOSE - MSYS_BASE] = msys_handle_close,
	[MSYS_HANDLE_REVOKE - MSYS_BASE] = msys_handle_revoke,
	[MSYS_HANDLE_INFO - MSYS_BASE] = msys_handle_info,
	[MSYS_HANDLE_GIVE - MSYS_BASE] = msys_handle_give,
	[MSYS_PROC_OPEN - MSYS_BASE] = msys_proc_open,
	[MSYS_EP_CREATE - MSYS_BASE] = msys_ep_create,
	[MSYS_IPC_SET_BUFFER - MSYS_BASE] = msys_ipc_set_buffer,
	[MSYS_IPC_CALL - MSYS_BASE] = msys_ipc_call,
	[MSYS_IPC_RECV - MSYS_BASE] = msys_ipc_recv,
	[MSYS_IPC_REPLY - MSYS_BASE] = msys_ipc_reply,
	[MSYS_IPC_REPLY_RECV - MSYS_BASE] = msys_ipc_reply_recv,
	[MSYS_MQ_CREATE - MSYS_BASE] = msys_mq_create,
	[MSYS_MQ_SEND - MSYS_BASE] = msys_mq_send,
	[MSYS_MQ_RECV - MSYS_BASE] = msys_mq_recv,
	[MSYS_NTFN_CREATE - MSYS_BASE] = msys_ntfn_create,
	[MSYS_NTFN_SIGNAL - MSYS_BASE] = msys_ntfn_signal,
	[MSYS_NTFN_WAIT - MSYS_BASE] = msys_ntfn_wait,
	[MSYS_NTFN_POLL - MSYS_BASE] = msys_ntfn_poll,
	[MSYS_MEM_CREATE - MSYS_BASE] = msys_mem_create,
	[MSYS_MEM_MAP - MSYS_BASE] = msys_mem_map,
	[MSYS_THREAD_OPEN - MSYS_BASE] = msys_thread_open,
	[MSYS_THREAD_INFO - MSYS_BASE] = msys_thread_info,
	[MSYS_THREAD_SET_NICE - MSYS_BASE] = msys_thread_set_nice,
	[MSYS_THREAD_SIGNAL - MSYS_BASE] = msys_thread_signal,
	[MSYS_THREAD_SET_AFFINITY - MSYS_BASE] = msys_thread_set_affinity,
};

static u32 enosys_logged;

long syscall_dispatch(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	if (nr >= MSYS_BASE && nr - MSYS_BASE < MSYS_COUNT && native_table[nr - MSYS_BASE])
		return native_table[nr - MSYS_BASE](a0, a1, a2, a3, a4, a5);
	if (nr < MSYS_BASE)
		return linux_syscall(nr, a0, a1, a2, a3, a4, a5);
	if (enosys_logged < ENOSYS_LOG_LIMIT) {
		struct process *p = current_proc();

		enosys_logged++;
		pr_warn("syscall: %s (pid %d) called unimplemented native syscall %llu",
			p ? p->name : "?", p ? p->pid : 0, (unsigned long long)nr);
	}
	return -ENOSYS;
}
