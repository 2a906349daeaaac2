/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linux.h - the Linux syscall personality's internal interface
 * (kernel/linux/). Each file defines handlers and registers them with
 * LINUX_SYSCALL(number, handler); the dispatcher (dispatch.c) builds one
 * table indexed by the x86_64 Linux number at boot. Handlers receive the six
 * raw argument registers and return a value or a negative errno, exactly as
 * Linux returns it to user space. Every user pointer goes through
 * uaccess.h's checked copies.
 *
 * Numbers come from abi/linux/unistd.h (LNR_read, LNR_write, ...).
 */
#ifndef MATRIOSKA_LINUX_H
#define MATRIOSKA_LINUX_H

#include "../../abi/linux/unistd.h"
#include "types.h"

#define LINUX_NR_MAX 512

typedef long (*linux_syscall_fn)(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

struct linux_syscall {
	u32 nr;
	const char *name;
	linux_syscall_fn fn;
};

#define LINUX_SYSCALL(name, fn_)                                                         \
	static const struct linux_syscall __linux_sc_##name = {LNR_##name, #name, fn_};  \
	static const struct linux_syscall *const __linux_sc_ptr_##name __used __section( \
		"linux_syscalls") __aligned(8) = &__linux_sc_##name

/* Handler signature helper: unused trailing arguments are fine. */
#define SYSCALL_ARGS u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5

extern const char *const linux_syscall_names[LINUX_NR_MAX];

/* Build the dispatch table (boot). */
void linux_init(void);
/* Called by syscall_dispatch for numbers below the native range. */
long linux_syscall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in ns (time.c; futex absolute timeouts). */
u64 linux_realtime_offset_ns(void);

/* Convenience for handlers: user pointer from a register. */
#define UPTR(x) ((void *)(uintptr_t)(x))

#endif
