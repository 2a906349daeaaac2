/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sysfuzz.c - a Linux x86_64 system-call fuzzer: forked worker processes
 * issue random system calls with random and hostile arguments (NULL, unmapped,
 * kernel, non-canonical and misaligned pointers, read-only pages for output
 * arguments, buffers that run into an unmapped guard page, huge lengths,
 * negative and huge fds, random flags). The kernel must answer every call
 * with a result or an error; it must neither crash nor leak.
 *
 * Usage: sysfuzz [--seed N] [--calls N] [--procs N] [--stall-ms N] [--trace]
 * (--trace prints every call, "sysfuzz: PID call NR ARGS...", to stderr
 * before making it: to find the call that hung or crashed the kernel)
 * Everything is derived from the seed: worker w, generation g runs the
 * generator seeded with mix(seed, w, g). A worker that dies (a signal it sent
 * itself, a SIGSEGV after a hostile rt_sigreturn or arch_prctl, a fatal
 * ulimit) is reaped and a new generation takes over its remaining calls; a
 * worker that makes no progress for --stall-ms (a call that blocks) is killed
 * with SIGKILL and replaced the same way. Each worker counts its calls to the
 * parent through a pipe (one byte per PROGRESS_BATCH calls), so calls made by
 * a worker that dies in the middle of a batch are not counted. Output:
 * progress lines, then "sysfuzz: N calls, M processes, seed S". Exits 0 when
 * all calls were made.
 *
 * Containment: workers run in their own session (kill(0) reaches only them),
 * with stdin/stdout/stderr on /dev/null, in a scratch directory under
 * /tmp/sysfuzz.PID that the parent removes at the end; every catchable signal
 * is ignored except SIGALRM (alarm(2) bounds a worker's life where the kernel
 * has alarm). Paths come from a fixed pool that names only the scratch
 * directory, /proc and a few non-existent or malformed names, never the rest
 * of the system. Calls whose effect escapes the worker are denied or have
 * their arguments bent (sanitize()):
 *
 *   exit, exit_group          only at the end of a worker, deliberately
 *   reboot, kexec_*           would stop or replace the machine
 *   vfork, clone3             the child would run on the worker's memory
 *                             (clone3's flags are in memory; clone is allowed
 *                             with CLONE_VM/VFORK/THREAD/SIGHAND/PARENT removed)
 *   pause, rt_sigsuspend      wait for a signal that never comes
 *   ptrace                    could stop or rewrite the parent
 *   mount, umount2, pivot_root, swapon, swapoff, fsopen, fsconfig, fsmount,
 *   move_mount, open_tree, mount_setattr, acct
 *                             change the system-wide mount table or files
 *   settimeofday, clock_settime, adjtimex, clock_adjtime
 *                             move the system clock under the test harness
 *   sethostname, setdomainname  change the shell prompt the tests read
 *   init_module, finit_module, delete_module  load or remove kernel code
 *   sched_setscheduler, sched_setparam, sched_setattr, mlockall
 *                             a real-time or memory-pinning worker can starve
 *                             the parent (and the shell) on one CPU
 *   userfaultfd               kernel accesses to a registered range block
 *
 * Bent arguments: pids of kill/tgkill/tkill/rt_sigqueueinfo/prlimit64/
 * setpriority/process_vm_* and friends become the worker itself, its own
 * group, or a pid that does not exist (never -1, the parent, the shell or
 * init); SIGSTOP becomes SIGCONT; syslog only reads; mknod of devices makes a
 * FIFO (a device node could reach the console); open adds O_NONBLOCK and
 * pipe2/socket/eventfd/... their non-blocking flags (a FIFO open or a read
 * must not block); timeouts of poll/select/futex/nanosleep/epoll_wait/
 * rt_sigtimedwait are short; the addresses of munmap/mprotect/madvise/
 * mremap/MAP_FIXED mmap are hostile ones or fall in a playground mapping, so
 * the worker's own code, stack and buffers stay mapped; F_SETOWN names the
 * worker; the progress pipe's fd is never closed or replaced; rt_sigreturn
 * runs on a frame of random and hostile words (the worker then dies).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 16
#define PROGRESS_BATCH 64
#define PROGRESS_FD 200 /* the worker's end of its progress pipe */
#define TRACE_FD 201	/* --trace: the console, where each call is printed first */
#define NR_MAX 460	/* syscall numbers tried: 0 .. NR_MAX-1 */
#define BUF_PAGES 16
#define PLAY_PAGES 64
#define MAX_FDS 32

/* ---- the generator (xorshift64*): cheap and deterministic ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b + 1) * 0xbf58476d1ce4e5b9ull ^
		     (c + 7) * 0x94d049bb133111ebull;

	x ^= x >> 31;
	return x ? x : 1;
}

/* ---- raw system calls ---- */

/*
 * The call itself. A child of fork or clone (rax 0 after the call) exits at
 * once without touching memory: with a clone stack argument its rsp is
 * garbage, with CLONE_SETTLS its fs is.
 */
static long raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret, child_exits = nr == SYS_fork || nr == SYS_clone;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "test %[ce], %[ce]\n\t"
			 "jz 1f\n\t"
			 "mov $60, %%eax\n\t" /* SYS_exit */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9), [ce] "r"(child_exits)
			 : "rcx", "r11", "memory");
	return ret;
}

/* rt_sigreturn on a frame of the given words: never returns normally. */
static void raw_sigreturn(uint64_t *frame)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov $15, %%eax\n\t"
			 "syscall\n\t"
			 "ud2"
			 :
			 : "r"(frame)
			 : "memory");
}

/* ---- the worker's world ---- */

static char *buf;     /* BUF_PAGES read-write pages, then a guard page */
static char *ro_page; /* the path pool; read-only (an output argument there faults) */
static char *guard;   /* PROT_NONE */
static char *play;    /* PLAY_PAGES pages that the mm calls may change at will */
static int fds[MAX_FDS];
static int nr_fds;
static long self_pid;
static const char *paths[64];
static int nr_paths;

static const uint64_t kernel_ptrs[] = {
	0xffff800000000000ull, 0xffffffff80000000ull, 0xffffffff80100000ull, 0xffff888000000000ull,
	0xffffffffff600000ull, 0xfffffffffffff000ull, 0x0000800000000000ull, 0x8000000000000000ull,
	0xdead000000000000ull, 0x00007ffffffff000ull, 0x00007fffffffffffull, 0xffffffffffffffffull,
};

static uint64_t hostile_ptr(void)
{
	switch (rnd_below(10)) {
	case 0:
		return rnd_below(4) == 0 ? 0 : rnd_below(0x1000);
	case 1:
	case 2:
		return kernel_ptrs[rnd_below(sizeof(kernel_ptrs) / sizeof(kernel_ptrs[0]))];
	case 3:
		return (uint64_t)(uintptr_t)guard + rnd_below(4096);
	case 4:
		return (uint64_t)(uintptr_t)ro_page + rnd_below(64); /* read-only */
	case 5: /* the last bytes before the guard page: a copy runs into it */
		return (uint64_t)(uintptr_t)guard - 1 - rnd_below(64);
	case 6:
		return ((uint64_t)(uintptr_t)buf + rnd_below(BUF_PAGES * 4096)) |
		       1; /* misaligned */
	case 7:
		return (uint64_t)(uintptr_t)play + rnd_below(PLAY_PAGES * 4096);
	case 8:
		return 0x10000 + rnd_below(0x100000); /* low, probably unmapped */
	default:
		return rnd();
	}
}

static uint64_t valid_ptr(void)
{
	uint64_t off = rnd_below(BUF_PAGES * 4096);

	if (rnd_below(2))
		off &= ~7ull;
	return (uint64_t)(uintptr_t)buf + off;
}

static uint64_t path_ptr(void)
{
	return (uint64_t)(uintptr_t)paths[rnd_below(nr_paths)];
}

static uint64_t any_fd(void)
{
	switch (rnd_below(6)) {
	case 0:
		return rnd_below(40);
	case 1:
		return (uint64_t)(long)-1 - rnd_below(3);
	case 2:
		return rnd_below(2) ? 0x7fffffff : 100000;
	default:
		return nr_fds ? (uint64_t)fds[rnd_below(nr_fds)] : 3;
	}
}

static const uint64_t huge_vals[] = {
	0xffffffffull,	       0x7fffffffull, 0x80000000ull, 0x100000000ull, 0x7fffffffffffffffull,
	0x8000000000000000ull, ~0ull,	      ~0ull - 4095,  1ull << 40,     0x7ffff000ull,
	(uint64_t)-4096,       0xfffffffeull,
};

/* One argument: fds, pointers good and bad, small and huge numbers, flags. */
static uint64_t gen_arg(void)
{
	switch (rnd_below(16)) {
	case 0:
	case 1:
	case 2:
		return any_fd();
	case 3:
	case 4:
	case 5:
		return valid_ptr();
	case 6:
	case 7:
		return hostile_ptr();
	case 8:
		return path_ptr();
	case 9:
	case 10:
		return rnd_below(4096) < 64 ? (uint64_t) - (long)rnd_below(8) : rnd_below(64);
	case 11:
		return rnd_below(1u << 20);
	case 12:
		return huge_vals[rnd_below(sizeof(huge_vals) / sizeof(huge_vals[0]))];
	case 13:
		return rnd() & 0xffffffffu; /* flags */
	case 14:
		return 1ull << rnd_below(64);
	default:
		return rnd();
	}
}

/* Refill the buffer with words that are themselves arguments (iovecs, structs). */
static void refill_buf(void)
{
	uint64_t *w = (uint64_t *)buf;

	for (size_t i = 0; i < BUF_PAGES * 4096 / 8; i++)
		w[i] = rnd_below(4) ? gen_arg() : rnd();
}

/* ---- denylist and argument bending ---- */

static int denied(long nr)
{
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
	case SYS_reboot:
	case SYS_kexec_load:
	case SYS_kexec_file_load:
	case SYS_vfork:
	case SYS_clone3:
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_ptrace:
	case SYS_mount:
	case SYS_umount2:
	case SYS_pivot_root:
	case SYS_swapon:
	case SYS_swapoff:
	case SYS_fsopen:
	case SYS_fsconfig:
	case SYS_fsmount:
	case SYS_move_mount:
	case SYS_open_tree:
	case SYS_mount_setattr:
	case SYS_acct:
	case SYS_settimeofday:
	case SYS_clock_settime:
	case SYS_adjtimex:
	case SYS_clock_adjtime:
	case SYS_sethostname:
	case SYS_setdomainname:
	case SYS_init_module:
	case SYS_finit_module:
	case SYS_delete_module:
	case SYS_sched_setscheduler:
	case SYS_sched_setparam:
	case SYS_sched_setattr:
	case SYS_mlockall:
	case SYS_userfaultfd:
		return 1;
	}
	return 0;
}

/* Calls after which the worker usually dies: made 1 time in 16 they come up. */
static int rare(long nr)
{
	return nr == SYS_rt_sigreturn || nr == SYS_arch_prctl || nr == SYS_seccomp ||
	       nr == SYS_setrlimit || nr == SYS_prlimit64 || nr == SYS_fork || nr == SYS_clone;
}

static uint64_t safe_pid(void)
{
	switch (rnd_below(4)) {
	case 0:
		return 0; /* self, or the own group (the worker leads its session) */
	case 1:
		return (uint64_t)self_pid;
	case 2:
		return 99999 + rnd_below(1000); /* no such process */
	default:
		return rnd_below(2) ? (uint64_t)-self_pid : (uint64_t)-99999;
	}
}

static uint64_t safe_sig(uint64_t sig)
{
	return (sig & 0xff) == SIGSTOP ? SIGCONT : sig;
}

/* An address for the mm calls: hostile, or inside the playground. */
static uint64_t mm_addr(uint64_t a)
{
	uint64_t p = (uint64_t)(uintptr_t)play;

	if (a >= p && a < p + PLAY_PAGES * 4096)
		return a;
	switch (rnd_below(3)) {
	case 0:
		return kernel_ptrs[rnd_below(sizeof(kernel_ptrs) / sizeof(kernel_ptrs[0]))];
	case 1:
		return rnd_below(0x1000);
	default:
		return p + rnd_below(PLAY_PAGES) * 4096 + (rnd_below(8) == 0 ? rnd_below(4096) : 0);
	}
}

/*
 * A length for an mm call at addr: one that stays inside the playground
 * when addr is there (a mapping stretched to gigabytes and then filled by a
 * read of /dev/zero grows a worker until the OOM killer comes; see the
 * report in t_robust.py), anything otherwise.
 */
static uint64_t mm_len(uint64_t addr, uint64_t len)
{
	uint64_t p = (uint64_t)(uintptr_t)play, end = p + PLAY_PAGES * 4096;

	if (addr < p || addr >= end || len <= end - addr)
		return len;
	return rnd_below(end - addr + 1);
}

/* A short timespec/timeval in the buffer (or a hostile pointer, never NULL). */
static uint64_t short_timeout(void)
{
	uint64_t *t;

	if (rnd_below(4) == 0) {
		uint64_t h = hostile_ptr();

		return h ? h : 1;
	}
	t = (uint64_t *)(uintptr_t)(valid_ptr() & ~15ull);
	if ((char *)(t + 2) > buf + BUF_PAGES * 4096)
		t -= 2;
	t[0] = 0;
	t[1] = rnd_below(8) ? 0 : rnd_below(100); /* ns or us: mostly an immediate timeout */
	return (uint64_t)(uintptr_t)t;
}

/* Bend the arguments of call nr so its effect stays inside the worker. Returns 0 to skip it. */
static int sanitize(long nr, uint64_t *a)
{
	for (int i = 0; i < 6; i++)
		if (a[i] == PROGRESS_FD || a[i] == TRACE_FD)
			a[i] += 2;
	switch (nr) {
	case SYS_kill:
		a[0] = safe_pid();
		a[1] = safe_sig(a[1]);
		break;
	case SYS_tkill:
		a[0] = rnd_below(2) ? (uint64_t)self_pid : safe_pid();
		a[1] = safe_sig(a[1]);
		break;
	case SYS_tgkill:
		a[0] = rnd_below(2) ? (uint64_t)self_pid : safe_pid();
		a[1] = rnd_below(2) ? (uint64_t)self_pid : safe_pid();
		a[2] = safe_sig(a[2]);
		break;
	case SYS_rt_sigqueueinfo:
		a[0] = safe_pid();
		a[1] = safe_sig(a[1]);
		break;
	case SYS_rt_tgsigqueueinfo:
		a[0] = safe_pid();
		a[1] = safe_pid();
		a[2] = safe_sig(a[2]);
		break;
	case SYS_pidfd_open:
	case SYS_prlimit64:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_kcmp:
	case SYS_sched_setaffinity:
	case SYS_migrate_pages:
	case SYS_move_pages:
	case SYS_get_robust_list:
	case SYS_process_madvise:
	case 448: /* process_mrelease */
	case SYS_setpgid:
	case SYS_ioprio_set:
	case SYS_capset:
		a[0] = safe_pid();
		break;
	case SYS_setpriority:
		a[1] = safe_pid();
		break;
	case SYS_pidfd_send_signal:
		a[1] = safe_sig(a[1]);
		break;
	case SYS_syslog: {
		static const uint64_t reads[] = {0, 1, 3, 9, 10};

		a[0] = reads[rnd_below(5)];
		break;
	}
	case SYS_mknod:
	case SYS_mknodat: {
		int m = nr == SYS_mknod ? 1 : 2;

		if (S_ISCHR(a[m]) || S_ISBLK(a[m]))
			a[m] = (a[m] & 07777) | S_IFIFO;
		break;
	}
	case SYS_open:
	case SYS_openat:
		a[nr == SYS_open ? 1 : 2] |= O_NONBLOCK;
		break;
	case SYS_pipe2:
		a[1] |= O_NONBLOCK;
		break;
	case SYS_socket:
	case SYS_socketpair:
		a[1] |= SOCK_NONBLOCK;
		break;
	case SYS_accept4:
		a[3] |= SOCK_NONBLOCK;
		break;
	case SYS_eventfd2:
	case SYS_inotify_init1:
		a[1] |= O_NONBLOCK;
		if (nr == SYS_inotify_init1)
			a[0] |= O_NONBLOCK;
		break;
	case SYS_signalfd4:
		a[3] |= O_NONBLOCK;
		break;
	case SYS_timerfd_create:
		a[1] |= O_NONBLOCK;
		break;
	case SYS_pipe:
	case SYS_eventfd:
	case SYS_signalfd:
	case SYS_inotify_init:
	case SYS_accept:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_recvmmsg:
	case SYS_sendmsg:
	case SYS_sendmmsg:
	case SYS_sendto:
	case SYS_wait4:
	case SYS_waitid:
	case SYS_msgrcv:
	case SYS_msgsnd:
	case SYS_semop:
	case SYS_flock:
	case SYS_mq_timedreceive:
	case SYS_mq_timedsend:
	case SYS_io_getevents:
		/* blocking forms: only the non-blocking variants' flags, or skip */
		if (nr == SYS_pipe || nr == SYS_eventfd || nr == SYS_signalfd ||
		    nr == SYS_inotify_init || nr == SYS_accept || nr == SYS_semop ||
		    nr == SYS_mq_timedreceive || nr == SYS_mq_timedsend || nr == SYS_io_getevents)
			return 0;
		if (nr == SYS_recvfrom || nr == SYS_sendto || nr == SYS_recvmsg ||
		    nr == SYS_sendmsg)
			a[nr == SYS_recvfrom || nr == SYS_sendto ? 3 : 2] |= MSG_DONTWAIT;
		if (nr == SYS_recvmmsg || nr == SYS_sendmmsg)
			a[3] |= MSG_DONTWAIT;
		if (nr == SYS_wait4)
			a[2] |= WNOHANG;
		if (nr == SYS_waitid)
			a[3] |= WNOHANG;
		if (nr == SYS_msgrcv)
			a[4] |= 04000; /* IPC_NOWAIT */
		if (nr == SYS_msgsnd)
			a[3] |= 04000;
		if (nr == SYS_flock)
			a[1] |= 4; /* LOCK_NB */
		break;
	case SYS_poll:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		a[2] = rnd_below(8) ? 0 : 1;
		break;
	case SYS_ppoll:
		a[2] = short_timeout();
		break;
	case SYS_select:
	case SYS_pselect6:
		a[4] = short_timeout();
		break;
	case SYS_epoll_pwait2:
		a[3] = short_timeout();
		break;
	case SYS_nanosleep:
		a[0] = short_timeout();
		break;
	case SYS_clock_nanosleep:
		a[1] &= ~1ull; /* not TIMER_ABSTIME */
		a[2] = short_timeout();
		break;
	case SYS_rt_sigtimedwait:
		a[2] = short_timeout();
		break;
	case SYS_semtimedop:
		a[3] = short_timeout();
		break;
	case SYS_futex:
		a[3] = short_timeout();
		break;
	case 449: /* futex_waitv */
		a[3] = short_timeout();
		break;
	case SYS_read:
	case SYS_readv:
	case SYS_pread64:
	case SYS_preadv:
	case SYS_preadv2:
		break; /* every fd the worker makes is non-blocking */
	case SYS_fcntl:
		if (a[1] == F_SETFL)
			a[2] |= O_NONBLOCK;
		if (a[1] == F_SETOWN || a[1] == F_SETOWN_EX || a[1] == F_SETLKW)
			return 0;
		break;
	case SYS_ioctl:
		if (a[1] == 0x8901 || a[1] == 0x8902 ||
		    a[1] == 0x5421) /* FIOSETOWN, SIOCSPGRP, FIONBIO */
			return 0;
		break;
	case SYS_close_range:
		if (a[0] <= TRACE_FD && a[1] >= PROGRESS_FD)
			a[1] = PROGRESS_FD - 1;
		break;
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_madvise:
	case SYS_mlock:
	case SYS_mlock2:
	case SYS_munlock:
	case SYS_msync:
	case SYS_remap_file_pages:
	case SYS_mbind:
	case SYS_shmdt:
		a[0] = mm_addr(a[0]);
		a[1] = mm_len(a[0], a[1]);
		break;
	case SYS_mremap:
		a[0] = mm_addr(a[0]);
		a[1] = mm_len(a[0], a[1]);
		a[4] = mm_addr(a[4]);
		a[2] = mm_len(a[4], a[2]); /* the new size, wherever it lands */
		if (a[2] > PLAY_PAGES * 4096)
			a[2] = rnd_below(PLAY_PAGES * 4096 + 1);
		break;
	case SYS_mmap:
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
			a[0] = mm_addr(a[0]);
			a[1] = mm_len(a[0], a[1]);
		}
		a[3] &= ~(uint64_t)(MAP_POPULATE | MAP_LOCKED);
		break;
	case SYS_shmat:
		a[1] = mm_addr(a[1]);
		break;
	case SYS_brk:
		if (rnd_below(2))
			return 0; /* keep the heap most of the time */
		break;
	case SYS_clone:
		/* a fork in disguise: the child exits in raw_syscall */
		a[0] &= ~(uint64_t)(0x100 | 0x4000 | 0x10000 | 0x800 |
				    0x8000); /* VM VFORK THREAD SIGHAND PARENT */
		break;
	case SYS_execve:
	case SYS_execveat:
		a[nr == SYS_execve ? 0 : 1] = path_ptr();
		break;
	}
	return 1;
}

/* ---- one worker ---- */

static long call_count;
static int trace; /* --trace */

static void note_fd(long fd)
{
	if (fd >= 0 && fd < 4096 && fd != PROGRESS_FD && fd != TRACE_FD && nr_fds < MAX_FDS)
		fds[nr_fds++] = (int)fd;
}

static void worker_setup(void)
{
	static const char *const fixed[] = {
		"f0",
		"f1",
		"f2",
		"f3",
		"d0",
		"d0/x",
		"d1",
		"p0",
		"l0",
		"l1",
		"l2",
		"new0",
		"new1",
		"dnew",
		"",
		".",
		"..",
		"/",
		"/proc",
		"/proc/self",
		"/proc/self/status",
		"/proc/self/fd",
		"/proc/self/fd/0",
		"/proc/self/cwd/f0",
		"/proc/meminfo",
		"/proc/self/maps",
		"/nonexistent/x",
		"f0/",
		"d0/../f0",
		"./././f1",
		"d0/",
		"l0/",
		"f0/..",
		"/proc/self/stat",
	};
	char *p = ro_page;
	int fd, pfd[2];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		size_t n = strlen(fixed[i]) + 1;

		memcpy(p, fixed[i], n);
		paths[nr_paths++] = p;
		p += n;
	}
	memset(p, 'a', 300); /* a name over NAME_MAX */
	p[300] = 0;
	paths[nr_paths++] = p;
	p += 301;
	for (int i = 0; i < 1400; i++) /* a path over PATH_MAX: "a/a/a/..." */
		memcpy(p + 2 * i, "a/", 2);
	p[2800] = 0;
	paths[nr_paths++] = p;
	p += 2801;
	memcpy(p, "unterminated", 12); /* runs to the end of the page, then the guard */
	paths[nr_paths++] = ro_page + 4096 - 12;
	memcpy(ro_page + 4096 - 12, "unterminated", 12);

	for (int i = 0; i < 4; i++) {
		char name[4] = {'f', (char)('0' + i), 0, 0};

		fd = open(name, O_CREAT | O_RDWR | O_TRUNC | O_NONBLOCK, 0644);
		if (fd >= 0) {
			ssize_t n = write(fd, "sysfuzz scratch file\n", 21);

			(void)n; /* the content does not matter */
			close(fd);
		}
	}
	mkdir("d0", 0755);
	mkfifo("p0", 0644);
	symlink("f0", "l0");
	symlink("nonexistent", "l1");
	symlink("l2", "l2");
	note_fd(open("f0", O_RDWR | O_NONBLOCK));
	note_fd(open("f1", O_RDONLY | O_NONBLOCK));
	note_fd(open("f2", O_WRONLY | O_APPEND | O_NONBLOCK));
	note_fd(open("d0", O_RDONLY | O_DIRECTORY));
	note_fd(open("p0", O_RDONLY | O_NONBLOCK));
	note_fd(open("/dev/null", O_RDWR));
	note_fd(open("/dev/zero", O_RDONLY));
	note_fd(open("/proc/self/status", O_RDONLY));
	note_fd(open("/proc", O_RDONLY | O_DIRECTORY));
	if (pipe2(pfd, O_NONBLOCK) == 0) {
		note_fd(pfd[0]);
		note_fd(pfd[1]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pfd) == 0) {
		note_fd(pfd[0]);
		note_fd(pfd[1]);
	}
	note_fd(raw_syscall(SYS_eventfd2, 0, O_NONBLOCK, 0, 0, 0, 0));
	note_fd(raw_syscall(SYS_epoll_create1, 0, 0, 0, 0, 0, 0));
	note_fd(raw_syscall(SYS_memfd_create, (long)"sysfuzz", 0, 0, 0, 0, 0));
}

/* Syscall numbers the kernel is likely to implement: chosen more often. */
static const short common_nrs[] = {
	SYS_read,
	SYS_write,
	SYS_open,
	SYS_close,
	SYS_stat,
	SYS_fstat,
	SYS_lstat,
	SYS_poll,
	SYS_lseek,
	SYS_mmap,
	SYS_mprotect,
	SYS_munmap,
	SYS_brk,
	SYS_rt_sigaction,
	SYS_rt_sigprocmask,
	SYS_ioctl,
	SYS_pread64,
	SYS_pwrite64,
	SYS_readv,
	SYS_writev,
	SYS_access,
	SYS_pipe2,
	SYS_select,
	SYS_sched_yield,
	SYS_mremap,
	SYS_msync,
	SYS_mincore,
	SYS_madvise,
	SYS_dup,
	SYS_dup2,
	SYS_dup3,
	SYS_nanosleep,
	SYS_getpid,
	SYS_sendfile,
	SYS_socket,
	SYS_connect,
	SYS_accept4,
	SYS_sendto,
	SYS_recvfrom,
	SYS_sendmsg,
	SYS_recvmsg,
	SYS_shutdown,
	SYS_bind,
	SYS_listen,
	SYS_getsockname,
	SYS_getpeername,
	SYS_socketpair,
	SYS_setsockopt,
	SYS_getsockopt,
	SYS_clone,
	SYS_fork,
	SYS_execve,
	SYS_wait4,
	SYS_kill,
	SYS_uname,
	SYS_fcntl,
	SYS_flock,
	SYS_fsync,
	SYS_fdatasync,
	SYS_truncate,
	SYS_ftruncate,
	SYS_getdents64,
	SYS_getcwd,
	SYS_chdir,
	SYS_fchdir,
	SYS_rename,
	SYS_mkdir,
	SYS_rmdir,
	SYS_creat,
	SYS_link,
	SYS_unlink,
	SYS_symlink,
	SYS_readlink,
	SYS_chmod,
	SYS_fchmod,
	SYS_chown,
	SYS_fchown,
	SYS_lchown,
	SYS_umask,
	SYS_gettimeofday,
	SYS_getrlimit,
	SYS_getrusage,
	SYS_sysinfo,
	SYS_times,
	SYS_getuid,
	SYS_syslog,
	SYS_getgid,
	SYS_setuid,
	SYS_setgid,
	SYS_geteuid,
	SYS_getegid,
	SYS_setpgid,
	SYS_getppid,
	SYS_getpgrp,
	SYS_setsid,
	SYS_getgroups,
	SYS_setgroups,
	SYS_getpgid,
	SYS_getsid,
	SYS_rt_sigpending,
	SYS_rt_sigtimedwait,
	SYS_rt_sigqueueinfo,
	SYS_sigaltstack,
	SYS_utime,
	SYS_mknod,
	SYS_statfs,
	SYS_fstatfs,
	SYS_prctl,
	SYS_arch_prctl,
	SYS_setrlimit,
	SYS_chroot,
	SYS_sync,
	SYS_gettid,
	SYS_tkill,
	SYS_time,
	SYS_futex,
	SYS_sched_setaffinity,
	SYS_sched_getaffinity,
	SYS_epoll_create,
	SYS_set_tid_address,
	SYS_clock_gettime,
	SYS_clock_getres,
	SYS_clock_nanosleep,
	SYS_epoll_wait,
	SYS_epoll_ctl,
	SYS_tgkill,
	SYS_utimes,
	SYS_waitid,
	SYS_openat,
	SYS_mkdirat,
	SYS_mknodat,
	SYS_fchownat,
	SYS_futimesat,
	SYS_newfstatat,
	SYS_unlinkat,
	SYS_renameat,
	SYS_linkat,
	SYS_symlinkat,
	SYS_readlinkat,
	SYS_fchmodat,
	SYS_faccessat,
	SYS_pselect6,
	SYS_ppoll,
	SYS_set_robust_list,
	SYS_splice,
	SYS_tee,
	SYS_utimensat,
	SYS_epoll_pwait,
	SYS_signalfd4,
	SYS_timerfd_create,
	SYS_eventfd2,
	SYS_timerfd_settime,
	SYS_timerfd_gettime,
	SYS_epoll_create1,
	SYS_pipe2,
	SYS_preadv,
	SYS_pwritev,
	SYS_prlimit64,
	SYS_syncfs,
	SYS_renameat2,
	SYS_getrandom,
	SYS_memfd_create,
	SYS_statx,
	SYS_rseq,
	SYS_faccessat2,
	SYS_close_range,
	SYS_alarm,
	SYS_setitimer,
	SYS_getitimer,
	SYS_rt_sigreturn,
	SYS_rt_tgsigqueueinfo,
	SYS_sched_getparam,
	SYS_sched_getscheduler,
	SYS_getpriority,
	SYS_setpriority,
	SYS_mlock,
	SYS_munlock,
	SYS_personality,
	SYS_timer_create,
	SYS_timer_settime,
	SYS_timer_delete,
	SYS_unshare,
};

static long pick_nr(void)
{
	for (;;) {
		long nr =
			rnd_below(4)
				? common_nrs[rnd_below(sizeof(common_nrs) / sizeof(common_nrs[0]))]
				: (long)rnd_below(NR_MAX);

		if (denied(nr))
			continue;
		if (rare(nr) && rnd_below(16))
			continue;
		return nr;
	}
}

static void one_call(void)
{
	uint64_t a[6];
	long nr = pick_nr(), ret;

	for (int i = 0; i < 6; i++)
		a[i] = gen_arg();
	if (!sanitize(nr, a))
		return;
	if (nr == SYS_rt_sigreturn) {
		uint64_t *frame = (uint64_t *)(uintptr_t)(buf + 8 * 4096);

		for (int i = 0; i < 128; i++)
			frame[i] = rnd_below(2) ? rnd() : hostile_ptr();
		raw_sigreturn(frame);
	}
	if (trace) {
		char line[160];
		int n = snprintf(line, sizeof(line),
				 "sysfuzz: %ld call %ld %lx %lx %lx %lx %lx %lx\n", self_pid, nr,
				 (unsigned long)a[0], (unsigned long)a[1], (unsigned long)a[2],
				 (unsigned long)a[3], (unsigned long)a[4], (unsigned long)a[5]);

		raw_syscall(SYS_write, TRACE_FD, (long)line, n, 0, 0, 0);
	}
	ret = raw_syscall(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
			  (long)a[5]);
	call_count++;
	if (ret >= 0 && nr_fds < MAX_FDS &&
	    (nr == SYS_open || nr == SYS_openat || nr == SYS_dup || nr == SYS_socket ||
	     nr == SYS_eventfd2 || nr == SYS_epoll_create1 || nr == SYS_memfd_create ||
	     nr == SYS_timerfd_create || nr == SYS_signalfd4))
		note_fd(ret);
	if (call_count % PROGRESS_BATCH == 0)
		raw_syscall(SYS_write, PROGRESS_FD, (long)"+", 1, 0, 0, 0);
}

/*
 * Empty the scratch files now and then. Without it, appends and writes at
 * random offsets pile up tmpfs pages over a long run until memory runs out
 * (tmpfs has no size limit yet); the OOM killer then picks the shell, whose
 * pages are the largest a process owns. The fds stay open.
 */
static void trim_files(void)
{
	static const char *const names[] = {"f0", "f1", "f2", "f3", "new0", "new1", "d0/x"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		raw_syscall(SYS_truncate, (long)names[i], 0, 0, 0, 0, 0);
	for (int i = 0; i < nr_fds; i++)
		raw_syscall(SYS_ftruncate, fds[i], 0, 0, 0, 0, 0);
}

static void worker(uint64_t seed, long quota, const char *dir)
{
	int null = open("/dev/null", O_RDWR);
	struct sigaction sa;
	char *area;

	if (null < 0 || chdir(dir) != 0)
		_exit(2);
	if (trace && dup2(2, TRACE_FD) < 0)
		_exit(2);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
	for (int fd = 3; fd < 256; fd++)
		if (fd != PROGRESS_FD && fd != TRACE_FD)
			close(fd);
	setsid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (int s = 1; s < 65; s++) {
		if (s == SIGKILL || s == SIGSTOP || s == SIGALRM || s == SIGSEGV || s == SIGBUS ||
		    s == SIGILL || s == SIGFPE)
			continue;
		sigaction(s, &sa, NULL);
	}
	alarm(60);
	self_pid = getpid();
	rng_state = seed;

	area = mmap(NULL, (BUF_PAGES + 3) * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	play = mmap(NULL, PLAY_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED || play == MAP_FAILED)
		_exit(3);
	buf = area;
	guard = area + BUF_PAGES * 4096;
	ro_page = guard + 4096;
	worker_setup();
	if (mprotect(guard, 4096, PROT_NONE) || mprotect(ro_page, 4096, PROT_READ) ||
	    mprotect(ro_page + 4096, 4096, PROT_NONE))
		_exit(3);

	while (call_count < quota) {
		if (call_count % 512 == 0) {
			refill_buf();
			trim_files();
		}
		one_call();
	}
	raw_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

/* ---- the parent ---- */

struct slot {
	pid_t pid;
	int rd;		/* progress pipe, read end; -1 when idle */
	long done;	/* calls counted for this slot */
	long gen;	/* generations started */
	long quiet;	/* ms since the last progress byte */
	int killed;	/* SIGKILL sent for a stall */
	int barren;	/* generations in a row that made no progress */
	long gen_start; /* done when the current generation started */
	int fork_fails; /* failed attempts in a row to start the next generation */
	int abandoned;	/* no more generations (no progress, or fork keeps failing) */
	char dir[96];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP || type == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * A new generation for slot s, in a fresh scratch directory: what the last
 * one left there (a FIFO where a file was, a loop of symlinks) must not make
 * every following generation block or fail in its setup.
 */
static int start_worker(struct slot *s, int w, uint64_t seed, long quota)
{
	int p[2];
	pid_t pid;

	nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(s->dir, 0777) && errno != EEXIST)
		return -1;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], PROGRESS_FD) < 0)
			_exit(2);
		worker(mix(seed, (uint64_t)w, (uint64_t)s->gen), quota - s->done, s->dir);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	s->pid = pid;
	s->rd = p[0];
	s->gen_start = s->done;
	s->gen++;
	s->quiet = 0;
	s->killed = 0;
	return 0;
}

static long parse_num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == 0 || *end != 0 || v < 0) {
		fprintf(stderr, "sysfuzz: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long seed = 1, calls = 200000, procs = 4, stall_ms = 3000, total = 0, started = 0;
	long next_report, last_tick, t0, quota, deaths = 0, stalls = 0;
	struct slot slots[MAX_PROCS];
	char top[64];
	int live = 0;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
			seed = parse_num(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--calls") == 0)
			calls = parse_num(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--procs") == 0)
			procs = parse_num(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--stall-ms") == 0)
			stall_ms = parse_num(argv[++i]);
		else if (strcmp(argv[i], "--trace") == 0)
			trace = 1;
		else {
			fprintf(stderr, "usage: sysfuzz [--seed N] [--calls N] [--procs N] "
					"[--stall-ms N] [--trace]\n");
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS) {
		fprintf(stderr, "sysfuzz: --procs must be 1..%d\n", MAX_PROCS);
		return 2;
	}
	quota = (calls + procs - 1) / procs;
	quota = (quota + PROGRESS_BATCH - 1) / PROGRESS_BATCH * PROGRESS_BATCH;
	signal(SIGPIPE, SIG_IGN);
	snprintf(top, sizeof(top), "/tmp/sysfuzz.%d", (int)getpid());
	if (mkdir(top, 0777) && errno != EEXIST) {
		perror("sysfuzz: mkdir");
		return 1;
	}
	printf("sysfuzz: seed %ld, %ld calls, %ld processes of %ld calls, scratch %s\n", seed,
	       quota * procs, procs, quota, top);
	fflush(stdout);
	for (int w = 0; w < procs; w++) {
		struct slot *s = &slots[w];

		memset(s, 0, sizeof(*s));
		s->rd = -1;
		snprintf(s->dir, sizeof(s->dir), "%s/w%d", top, w);
		mkdir(s->dir, 0777);
		if (start_worker(s, w, (uint64_t)seed, quota)) {
			perror("sysfuzz: fork");
			return 1;
		}
		started++;
		live++;
	}
	next_report = 20000;
	last_tick = t0 = now_ms();
	for (;;) {
		int waiting = 0;

		for (int w = 0; w < procs; w++)
			waiting |= slots[w].rd < 0 && !slots[w].abandoned && slots[w].done < quota;
		if (!live && !waiting)
			break;
		struct pollfd pfds[MAX_PROCS];
		char bytes[256];
		long tick;
		int status;
		pid_t pid;

		for (int w = 0; w < procs; w++) {
			pfds[w].fd = slots[w].rd;
			pfds[w].events = POLLIN;
		}
		poll(pfds, (nfds_t)procs, 100);
		tick = now_ms();
		for (int w = 0; w < procs; w++) {
			struct slot *s = &slots[w];
			ssize_t n;

			if (s->rd < 0)
				continue;
			s->quiet += tick - last_tick;
			while ((n = read(s->rd, bytes, sizeof(bytes))) > 0) {
				s->done += n * PROGRESS_BATCH;
				total += n * PROGRESS_BATCH;
				s->quiet = 0;
			}
			if (s->quiet > stall_ms && !s->killed) {
				kill(s->pid, SIGKILL);
				s->killed = 1;
				stalls++;
			}
		}
		last_tick = tick;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int w = 0; w < procs; w++) {
				struct slot *s = &slots[w];
				ssize_t n;

				if (s->pid != pid)
					continue;
				while ((n = read(s->rd, bytes, sizeof(bytes))) > 0) {
					s->done += n * PROGRESS_BATCH;
					total += n * PROGRESS_BATCH;
				}
				close(s->rd);
				s->rd = -1;
				s->pid = 0;
				live--;
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					deaths++;
				s->barren = s->done == s->gen_start ? s->barren + 1 : 0;
				if (s->barren > 50) {
					printf("sysfuzz: worker %d makes no progress; giving up on "
					       "it\n",
					       w);
					s->abandoned = 1;
				}
			}
		}
		/* Slots without a worker get the next generation (fork may fail for a while). */
		for (int w = 0; w < procs; w++) {
			struct slot *s = &slots[w];

			if (s->rd >= 0 || s->abandoned || s->done >= quota)
				continue;
			if (start_worker(s, w, (uint64_t)seed, quota) == 0) {
				started++;
				live++;
				s->fork_fails = 0;
			} else if (++s->fork_fails == 1 || s->fork_fails % 50 == 0) {
				printf("sysfuzz: worker %d: cannot start a process (%s), attempt "
				       "%d\n",
				       w, strerror(errno), s->fork_fails);
				if (s->fork_fails >= 300) {
					printf("sysfuzz: worker %d: giving up on it\n", w);
					s->abandoned = 1;
				}
			}
		}
		if (total >= next_report) {
			printf("sysfuzz: progress %ld calls, %ld processes, %ld s\n", total,
			       started, (tick - t0) / 1000);
			fflush(stdout);
			while (next_report <= total)
				next_report += 20000;
		}
	}
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	printf("sysfuzz: %ld workers died early (%ld stalled and were killed)\n", deaths, stalls);
	printf("sysfuzz: %ld calls, %ld processes, seed %ld\n", total, started, seed);
	return total >= quota * procs ? 0 : 1;
}
