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
#define MSYS_COUNT 7

#endif
