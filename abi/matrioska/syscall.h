/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * abi/matrioska/syscall.h - Matrioska OS native system calls, shared by the
 * kernel and user space. Native calls live in their own number range above
 * every Linux x86_64 syscall number, so one program can use both the Linux
 * personality and the native API. Calling convention (x86_64): number in
 * %rax, arguments in %rdi %rsi %rdx %r10 %r8 %r9, `syscall`, result in %rax
 * (negative errno on failure).
 */
#ifndef MATRIOSKA_ABI_SYSCALL_H
#define MATRIOSKA_ABI_SYSCALL_H

#define MSYS_BASE 0x1000

#define MSYS_NULL (MSYS_BASE + 0)	 /* () -> 0: the cheapest round trip */
#define MSYS_DEBUG_WRITE (MSYS_BASE + 1) /* (const char *buf, size_t len) -> len */
#define MSYS_EXIT (MSYS_BASE + 2)	 /* (int code): ends the process */
#define MSYS_YIELD (MSYS_BASE + 3)	 /* () -> 0 */
#define MSYS_SLEEP_NS (MSYS_BASE + 4)	 /* (u64 ns) -> 0 */
#define MSYS_CLOCK_NS (MSYS_BASE + 5)	 /* () -> monotonic ns */
#define MSYS_GETTID (MSYS_BASE + 6)	 /* () -> thread id */

/*
 * Capabilities and IPC (abi/matrioska/ipc.h, docs/api/native.md). h is a
 * handle; timeouts are relative nanoseconds (0: do not block, M_FOREVER).
 * The IPC calls pass message words in registers: info in %rsi, words 0..3
 * in %r10 %r8 %r9 %r12; they come back the same way, with the badge in %rdi.
 */
#define MSYS_HANDLE_DUP (MSYS_BASE + 7)		  /* (h, rights, badge, flags) -> new h */
#define MSYS_HANDLE_CLOSE (MSYS_BASE + 8)	  /* (h) -> 0 */
#define MSYS_HANDLE_REVOKE (MSYS_BASE + 9)	  /* (h) -> handles invalidated */
#define MSYS_HANDLE_INFO (MSYS_BASE + 10)	  /* (h, struct m_handle_info *) -> 0 */
#define MSYS_HANDLE_GIVE (MSYS_BASE + 11)	  /* (process h, h, rights) -> h in that process */
#define MSYS_PROC_OPEN (MSYS_BASE + 12)		  /* (pid: self or a child) -> process h */
#define MSYS_EP_CREATE (MSYS_BASE + 13)		  /* () -> endpoint h */
#define MSYS_IPC_SET_BUFFER (MSYS_BASE + 14)	  /* (struct m_ipc_buffer *) -> 0 */
#define MSYS_IPC_CALL (MSYS_BASE + 15)		  /* (h, info, timeout; words) -> 0, reply */
#define MSYS_IPC_RECV (MSYS_BASE + 16)		  /* (h, 0, timeout) -> 0, badge, message */
#define MSYS_IPC_REPLY (MSYS_BASE + 17)		  /* (0, info; words) -> 0 */
#define MSYS_IPC_REPLY_RECV (MSYS_BASE + 18)	  /* (h, info, timeout; words) -> as recv */
#define MSYS_MQ_CREATE (MSYS_BASE + 19)		  /* (max messages, max size) -> queue h */
#define MSYS_MQ_SEND (MSYS_BASE + 20)		  /* (h, buf, len, flags, timeout) -> 0 */
#define MSYS_MQ_RECV (MSYS_BASE + 21)		  /* (h, buf, size, flags, timeout) -> length */
#define MSYS_NTFN_CREATE (MSYS_BASE + 22)	  /* () -> notification h */
#define MSYS_NTFN_SIGNAL (MSYS_BASE + 23)	  /* (h, bits) -> 0 */
#define MSYS_NTFN_WAIT (MSYS_BASE + 24)		  /* (h, timeout) -> bits (cleared) */
#define MSYS_NTFN_POLL (MSYS_BASE + 25)		  /* (h) -> bits (cleared), 0 if none */
#define MSYS_MEM_CREATE (MSYS_BASE + 26)	  /* (size) -> memory object h */
#define MSYS_MEM_MAP (MSYS_BASE + 27)		  /* (h, addr, len, prot, offset) -> addr */
#define MSYS_THREAD_OPEN (MSYS_BASE + 28)	  /* (process h or 0, tid or 0) -> thread h */
#define MSYS_THREAD_INFO (MSYS_BASE + 29)	  /* (thread h, struct m_thread_info *) -> 0 */
#define MSYS_THREAD_SET_NICE (MSYS_BASE + 30)	  /* (thread h, nice -20..19) -> 0 */
#define MSYS_THREAD_SIGNAL (MSYS_BASE + 31)	  /* (thread h, signal or 0) -> 0 */
#define MSYS_THREAD_SET_AFFINITY (MSYS_BASE + 32) /* (thread h, CPU mask) -> 0 */
#define MSYS_COUNT 33

#endif
