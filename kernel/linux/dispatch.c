/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dispatch.c - the Linux personality's system-call table. Handlers are
 * collected from the linux_syscalls linker section into an array indexed by
 * number at boot, so a call costs one bounds check and one indirect call. A
 * number with no handler returns -ENOSYS and logs one line naming the
 * number, the call and the program - rate-limited, so a program probing for
 * a feature in a loop cannot flood the log.
 */
#include "errno.h"
#include "klog.h"
#include "linux.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"

#define ENOSYS_LOG_BURST 32 /* lines before the log goes quiet */

extern const struct linux_syscall *const __start_linux_syscalls[];
extern const struct linux_syscall *const __stop_linux_syscalls[];

static linux_syscall_fn table[LINUX_NR_MAX];
static u32 enosys_logged;

void linux_init(void)
{
	const struct linux_syscall *const *p;
	u32 n = 0;

	for (p = __start_linux_syscalls; p < __stop_linux_syscalls; p++) {
		const struct linux_syscall *s = *p;

		if (s->nr >= LINUX_NR_MAX || table[s->nr])
			panic("linux: syscall %s (%u) registered twice or out of range", s->name,
			      s->nr);
		table[s->nr] = s->fn;
		n++;
	}
	pr_info("linux: %u system calls", n);
}

static long linux_enosys(u64 nr)
{
	struct process *p = current_proc();
	u32 seen = __atomic_fetch_add(&enosys_logged, 1, __ATOMIC_RELAXED);

	if (seen < ENOSYS_LOG_BURST) {
		const char *name = nr < LINUX_NR_MAX && linux_syscall_names[nr]
					   ? linux_syscall_names[nr]
					   : "?";

		pr_warn("linux: unimplemented syscall %llu (%s) called by %s (pid %d)%s",
			(unsigned long long)nr, name, p ? p->name : "kernel", p ? p->pid : 0,
			seen + 1 == ENOSYS_LOG_BURST ? "; not logging more" : "");
	}
	return -ENOSYS;
}

long linux_syscall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	if (likely(nr < LINUX_NR_MAX && table[nr]))
		return table[nr](a0, a1, a2, a3, a4, a5);
	return linux_enosys(nr);
}
