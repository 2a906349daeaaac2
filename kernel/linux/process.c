/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * process.c - Linux process, credential and identity system calls: fork
 * vfork clone execve execveat exit exit_group wait4 getpid getppid gettid
 * set_tid_address arch_prctl uname getrandom get/set uid gid groups,
 * process groups and sessions, rlimits (signals are in signal.c, reboot in
 * reboot.c).
 *
 * Thin: argument checks and ABI structures here, the work in proc.c,
 * signal.c and exec.c; threads (clone with CLONE_THREAD) in proc.c.
 */
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "mm.h"
#include "proc.h"
#include "random.h"
#include "sched.h"
#include "signal.h"
#include "timer.h"
#include "uaccess.h"
#include "version.h"
#include "vfs.h"

int exec_user(struct file *dir, const char *path, const char *const *uargv,
	      const char *const *uenvp);

/* clone flags (Linux values) */
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL 0xff

static long sys_fork(SYSCALL_ARGS)
{
	return proc_fork(0, 0, SIGCHLD);
}
LINUX_SYSCALL(fork, sys_fork);

static long sys_vfork(SYSCALL_ARGS)
{
	return proc_fork(PROC_CLONE_VM | PROC_CLONE_VFORK, 0, SIGCHLD);
}
LINUX_SYSCALL(vfork, sys_vfork);

/*
 * A thread (CLONE_THREAD): it shares everything per-process here (memory,
 * files, fs context, signal handlers), so CLONE_VM, CLONE_FS and
 * CLONE_FILES must come with it - what every thread library passes.
 */
static long clone_thread(u64 flags, u64 stack, u64 uptid, u64 uctid, u64 tls)
{
	struct thread_clone_args a = {.sp = (vaddr_t)stack};

	if ((flags & (CLONE_VM | CLONE_FS | CLONE_FILES)) != (CLONE_VM | CLONE_FS | CLONE_FILES))
		return -EINVAL; /* a thread with its own files or fs context: not offered */
	if (!stack)
		return -EINVAL;
	if (flags & CLONE_SETTLS) {
		if (tls >= arch_user_top())
			return -EPERM; /* as arch_prctl(ARCH_SET_FS) */
		a.tls = tls;
		a.set_tls = true;
	} else {
		a.tls = arch_get_tls(current_thread());
		a.set_tls = true;
	}
	if (flags & CLONE_CHILD_SETTID)
		a.child_settid = uctid;
	if (flags & CLONE_CHILD_CLEARTID)
		a.child_cleartid = uctid;
	if (flags & CLONE_PARENT_SETTID)
		a.parent_settid = uptid;
	return proc_clone_thread(&a);
}

/* clone(flags, stack, parent_tid, child_tid, tls) */
static long sys_clone(SYSCALL_ARGS)
{
	u64 flags = a0;
	u32 pf = 0;
	long pid;

	if (flags &
	    ~(u64)(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE |
		   CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
		   CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED |
		   CLONE_CHILD_SETTID))
		return -EINVAL; /* namespaces, pidfds, clear-sighand, io: not offered */
	/* Linux's rules: a thread shares the handlers, shared handlers need shared memory. */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_THREAD)
		return clone_thread(flags, a1, a2, a3, a4);
	if (flags & (CLONE_SIGHAND | CLONE_SETTLS | CLONE_PARENT))
		return -EINVAL; /* processes sharing handlers, or with a new TLS: not offered */
	if (flags & CLONE_VM)
		pf |= PROC_CLONE_VM;
	if (flags & CLONE_FS)
		pf |= PROC_CLONE_FS;
	if (flags & CLONE_FILES)
		pf |= PROC_CLONE_FILES;
	if (flags & CLONE_VFORK)
		pf |= PROC_CLONE_VFORK;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK) && !a1)
		return -EINVAL; /* a shared address space needs its own stack */
	pid = proc_fork(pf, (vaddr_t)a1, (int)(flags & CSIGNAL));
	if (pid > 0 && (flags & CLONE_PARENT_SETTID)) {
		int v = (int)pid;

		if (copy_to_user(UPTR(a2), &v, sizeof(v)))
			return -EFAULT;
	}
	return pid;
}
LINUX_SYSCALL(clone, sys_clone);

static long do_execveat(int dirfd, u64 upath, u64 uargv, u64 uenvp, int flags)
{
	struct process *p = current_proc();
	char *path = kmalloc(PATH_MAX);
	struct file *dir = NULL;
	long n, err;

	if (!path)
		return -ENOMEM;
	n = strncpy_from_user(path, UPTR(upath), PATH_MAX);
	if (n < 0) {
		err = n;
		goto out;
	}
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		err = -EINVAL;
		goto out;
	}
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		dir = fd_get(p->files, dirfd);
		if (!dir) {
			err = -EBADF;
			goto out;
		}
	}
	err = exec_user(dir, path, UPTR(uargv), UPTR(uenvp));
	if (dir)
		file_put(dir);
out:
	kfree(path);
	return err;
}

static long sys_execve(SYSCALL_ARGS)
{
	return do_execveat(AT_FDCWD, a0, a1, a2, 0);
}
LINUX_SYSCALL(execve, sys_execve);

static long sys_execveat(SYSCALL_ARGS)
{
	return do_execveat((int)a0, a1, a2, a3, (int)a4);
}
LINUX_SYSCALL(execveat, sys_execveat);

/* exit: the calling thread only; the process ends with its last thread. */
static long sys_exit(SYSCALL_ARGS)
{
	proc_thread_exit((int)(a0 & 0xff));
}
LINUX_SYSCALL(exit, sys_exit);

static long sys_exit_group(SYSCALL_ARGS)
{
	proc_exit((int)(a0 & 0xff));
}
LINUX_SYSCALL(exit_group, sys_exit_group);

struct l_rusage {
	s64 utime_sec, utime_usec, stime_sec, stime_usec;
	s64 rest[14];
};

static void rusage_from_ns(struct l_rusage *ru, u64 ns)
{
	memset(ru, 0, sizeof(*ru));
	ru->utime_sec = (s64)(ns / 1000000000ull);
	ru->utime_usec = (s64)(ns % 1000000000ull / 1000);
}

static long sys_wait4(SYSCALL_ARGS)
{
	int status = 0;
	u64 rt = 0;
	int pid = proc_wait4((int)a0, a1 ? &status : NULL, (int)a2, &rt);

	if (pid > 0 && a1 && copy_to_user(UPTR(a1), &status, sizeof(status)))
		return -EFAULT;
	if (pid > 0 && a3) {
		struct l_rusage ru;

		rusage_from_ns(&ru, rt);
		if (copy_to_user(UPTR(a3), &ru, sizeof(ru)))
			return -EFAULT;
	}
	return pid;
}
LINUX_SYSCALL(wait4, sys_wait4);

static long sys_getpid(SYSCALL_ARGS)
{
	return current_proc()->pid;
}
LINUX_SYSCALL(getpid, sys_getpid);

static long sys_gettid(SYSCALL_ARGS)
{
	return proc_gettid();
}
LINUX_SYSCALL(gettid, sys_gettid);

static long sys_getppid(SYSCALL_ARGS)
{
	return proc_getppid();
}
LINUX_SYSCALL(getppid, sys_getppid);

/* ---- thread identity and TLS ---- */

/* The word zeroed and futex-woken when the calling thread ends (CLONE_CHILD_CLEARTID's). */
static long sys_set_tid_address(SYSCALL_ARGS)
{
	current_thread()->clear_child_tid = a0;
	return proc_gettid();
}
LINUX_SYSCALL(set_tid_address, sys_set_tid_address);

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static long sys_arch_prctl(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	u64 v;

	switch (a0) {
	case ARCH_SET_FS:
		if (a1 >= arch_user_top())
			return -EPERM;
		arch_set_tls(t, a1);
		return 0;
	case ARCH_GET_FS:
		v = arch_get_tls(t);
		return copy_to_user(UPTR(a1), &v, sizeof(v)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
LINUX_SYSCALL(arch_prctl, sys_arch_prctl);

/* ---- identity of the system ---- */

struct l_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static char hostname[65] = "matrioska";

static long sys_uname(SYSCALL_ARGS)
{
	struct l_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Matrioska", sizeof(u.sysname));
	strlcpy(u.nodename, hostname, sizeof(u.nodename));
	strlcpy(u.release, KERNEL_VERSION, sizeof(u.release));
	strlcpy(u.version, "#1 SMP", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(UPTR(a0), &u, sizeof(u)) ? -EFAULT : 0;
}
LINUX_SYSCALL(uname, sys_uname);

static long sys_sethostname(SYSCALL_ARGS)
{
	char buf[65];

	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	if (a1 > 64)
		return -EINVAL;
	if (copy_from_user(buf, UPTR(a0), a1))
		return -EFAULT;
	buf[a1] = 0;
	strlcpy(hostname, buf, sizeof(hostname));
	return 0;
}
LINUX_SYSCALL(sethostname, sys_sethostname);

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

static long sys_getrandom(SYSCALL_ARGS)
{
	u8 buf[256];
	u64 done = 0, len = a1;

	if (a2 & ~(u64)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > 33554431)
		len = 33554431; /* Linux caps one call */
	while (done < len) {
		size_t n = (size_t)MIN(sizeof(buf), len - done);

		get_random_bytes(buf, n);
		if (copy_to_user(UPTR(a0 + done), buf, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && signal_pending())
			return (long)done;
	}
	memset(buf, 0, sizeof(buf));
	return (long)done;
}
LINUX_SYSCALL(getrandom, sys_getrandom);

/* ---- credentials ---- */

static long sys_getuid(SYSCALL_ARGS)
{
	return current_proc()->cred.uid;
}
LINUX_SYSCALL(getuid, sys_getuid);

static long sys_geteuid(SYSCALL_ARGS)
{
	return current_proc()->cred.euid;
}
LINUX_SYSCALL(geteuid, sys_geteuid);

static long sys_getgid(SYSCALL_ARGS)
{
	return current_proc()->cred.gid;
}
LINUX_SYSCALL(getgid, sys_getgid);

static long sys_getegid(SYSCALL_ARGS)
{
	return current_proc()->cred.egid;
}
LINUX_SYSCALL(getegid, sys_getegid);

static long sys_setuid(SYSCALL_ARGS)
{
	struct cred *c = &current_proc()->cred;
	u32 uid = (u32)a0;

	if (c->euid == 0) {
		c->uid = c->euid = c->suid = c->fsuid = uid;
		return 0;
	}
	if (uid != c->uid && uid != c->suid)
		return -EPERM;
	c->euid = c->fsuid = uid;
	return 0;
}
LINUX_SYSCALL(setuid, sys_setuid);

static long sys_setgid(SYSCALL_ARGS)
{
	struct cred *c = &current_proc()->cred;
	u32 gid = (u32)a0;

	if (c->euid == 0) {
		c->gid = c->egid = c->sgid = c->fsgid = gid;
		return 0;
	}
	if (gid != c->gid && gid != c->sgid)
		return -EPERM;
	c->egid = c->fsgid = gid;
	return 0;
}
LINUX_SYSCALL(setgid, sys_setgid);

static long sys_getgroups(SYSCALL_ARGS)
{
	struct cred *c = &current_proc()->cred;
	int size = (int)a0;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(UPTR(a1), c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}
LINUX_SYSCALL(getgroups, sys_getgroups);

static long sys_setgroups(SYSCALL_ARGS)
{
	struct cred *c = &current_proc()->cred;
	u32 groups[NGROUPS_MAX];

	if (c->euid != 0)
		return -EPERM;
	if (a0 > NGROUPS_MAX)
		return -EINVAL;
	if (a0 && copy_from_user(groups, UPTR(a1), a0 * sizeof(u32)))
		return -EFAULT;
	memcpy(c->groups, groups, a0 * sizeof(u32));
	c->ngroups = (u32)a0;
	return 0;
}
LINUX_SYSCALL(setgroups, sys_setgroups);

/* ---- groups and sessions ---- */

static long sys_getpgid(SYSCALL_ARGS)
{
	return proc_getpgid((int)a0);
}
LINUX_SYSCALL(getpgid, sys_getpgid);

static long sys_getpgrp(SYSCALL_ARGS)
{
	return proc_getpgid(0);
}
LINUX_SYSCALL(getpgrp, sys_getpgrp);

static long sys_setpgid(SYSCALL_ARGS)
{
	return proc_setpgid((int)a0, (int)a1);
}
LINUX_SYSCALL(setpgid, sys_setpgid);

static long sys_getsid(SYSCALL_ARGS)
{
	return proc_getsid((int)a0);
}
LINUX_SYSCALL(getsid, sys_getsid);

static long sys_setsid(SYSCALL_ARGS)
{
	return proc_setsid();
}
LINUX_SYSCALL(setsid, sys_setsid);

/* ---- resource limits (reported, not yet enforced beyond FD_MAX) ---- */

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ull)

static long rlimit_get(u32 res, u64 out[2])
{
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	out[0] = out[1] = RLIM_INFINITY;
	if (res == RLIMIT_NOFILE)
		out[0] = out[1] = FD_MAX;
	if (res == RLIMIT_STACK)
		out[0] = MiB(8);
	return 0;
}

static long sys_getrlimit(SYSCALL_ARGS)
{
	u64 lim[2];
	long err = rlimit_get((u32)a0, lim);

	if (err)
		return err;
	return copy_to_user(UPTR(a1), lim, sizeof(lim)) ? -EFAULT : 0;
}
LINUX_SYSCALL(getrlimit, sys_getrlimit);

static long sys_prlimit64(SYSCALL_ARGS)
{
	u64 lim[2];
	long err;

	if (a0 && (int)a0 != current_proc()->pid)
		return -ESRCH;
	err = rlimit_get((u32)a1, lim);
	if (err)
		return err;
	if (a2)
		return -EPERM; /* limits are fixed for now */
	if (a3 && copy_to_user(UPTR(a3), lim, sizeof(lim)))
		return -EFAULT;
	return 0;
}
LINUX_SYSCALL(prlimit64, sys_prlimit64);

static long sys_sched_yield(SYSCALL_ARGS)
{
	sched_yield();
	return 0;
}
LINUX_SYSCALL(sched_yield, sys_sched_yield);

/* The thread's mask as Linux reports it: only CPUs that are online. */
static long sys_sched_getaffinity(SYSCALL_ARGS)
{
	u64 online = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
	u64 mask = current_thread()->affinity & online;

	if ((int)a0 && (int)a0 != current_proc()->pid && (int)a0 != proc_gettid())
		return -ESRCH;
	if (a1 < sizeof(mask) || (a1 & 7))
		return -EINVAL;
	if (clear_user(UPTR(a2), a1) || copy_to_user(UPTR(a2), &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}
LINUX_SYSCALL(sched_getaffinity, sys_sched_getaffinity);

static long sys_sched_setaffinity(SYSCALL_ARGS)
{
	u64 mask;

	if ((int)a0 && (int)a0 != current_proc()->pid && (int)a0 != proc_gettid())
		return -ESRCH;
	if (a1 < sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, UPTR(a2), sizeof(mask)))
		return -EFAULT;
	return sched_set_affinity(current_thread(), mask);
}
LINUX_SYSCALL(sched_setaffinity, sys_sched_setaffinity);

#define PR_SET_NAME 15
#define PR_GET_NAME 16

static long sys_prctl(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	char name[PROC_NAME_MAX];

	switch (a0) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, UPTR(a1), sizeof(name)) < 0) {
			/* Linux truncates silently; a fault is still a fault. */
			if (copy_from_user(name, UPTR(a1), 1))
				return -EFAULT;
		}
		name[sizeof(name) - 1] = 0;
		strlcpy(p->name, name, sizeof(p->name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(UPTR(a1), p->name, sizeof(p->name)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
LINUX_SYSCALL(prctl, sys_prctl);

/*
 * set_robust_list: the list head is where a threaded program's futex
 * cleanup would start at thread exit. It is recorded (get_robust_list
 * returns it) but not walked yet: robust mutexes held by a dying thread
 * are not marked FUTEX_OWNER_DIED.
 */
#define ROBUST_LIST_HEAD_SIZE 24 /* sizeof(struct robust_list_head) */

static long sys_set_robust_list(SYSCALL_ARGS)
{
	if (a1 != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current_thread()->robust_list = a0;
	return 0;
}
LINUX_SYSCALL(set_robust_list, sys_set_robust_list);

/* get_robust_list(pid, head_ptr, len_ptr): the caller's own (0 or its tid) only. */
static long sys_get_robust_list(SYSCALL_ARGS)
{
	u64 head = current_thread()->robust_list, len = ROBUST_LIST_HEAD_SIZE;

	if ((int)a0 && (int)a0 != proc_gettid())
		return -ESRCH; /* other threads' lists: not offered */
	if (copy_to_user(UPTR(a1), &head, sizeof(head)) ||
	    copy_to_user(UPTR(a2), &len, sizeof(len)))
		return -EFAULT;
	return 0;
}
LINUX_SYSCALL(get_robust_list, sys_get_robust_list);

/*
 * rseq (restartable sequences) is deliberately not offered: C libraries
 * treat -ENOSYS as "unsupported" and fall back, so it is answered without
 * the unimplemented-syscall log line.
 */
static long sys_rseq(SYSCALL_ARGS)
{
	return -ENOSYS;
}
LINUX_SYSCALL(rseq, sys_rseq);
