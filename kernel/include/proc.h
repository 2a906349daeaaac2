/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc.h - processes (kernel/sched/proc.c): an address space, a file
 * descriptor table, file-system context (root, cwd, umask), credentials,
 * signal dispositions and the threads that run in it. Processes form a tree
 * (parent, children) used by wait4() and reparenting to init; process
 * groups and sessions serve job control and the controlling terminal.
 *
 * Kernel threads have no process. A process whose last thread has exited
 * is a zombie until its parent collects its status with wait4(); processes
 * started by the kernel itself (proc_spawn_flat, the first user process)
 * have no parent and are collected with proc_wait() / by nobody (init).
 *
 * Locking:
 *  - proc_tree_lock (a spinlock, in proc.c) covers every parent/children/
 *    sibling link, the global process list, state, exit_status and the
 *    pgid/sid fields.
 *  - p->lock covers threads/nr_threads, sigactions, sig_pending (the
 *    process-directed pending set), brk and the mmap cursor.
 *  - vm, files and fs are replaced only by the process's own thread
 *    (execve) and read by others only under proc_tree_lock with a
 *    reference taken (procfs).
 */
#ifndef MATRIOSKA_PROC_H
#define MATRIOSKA_PROC_H

#include "cred.h"
#include "list.h"
#include "signal.h"
#include "sync.h"
#include "types.h"

struct vm_space;
struct thread;
struct fdtable;
struct fs_struct;
struct cap_table;
struct file;
struct trap_frame;

/* A signal disposition in the Linux kernel's struct sigaction layout (rt_sigaction). */
struct k_sigaction {
	u64 handler; /* SIG_DFL (0), SIG_IGN (1) or a user address */
	u64 flags;   /* SA_* */
	u64 restorer;
	u64 mask;
};
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* every thread gone; exit_status waits for the parent */
};

#define PROC_NAME_MAX 16
#define PROC_CMDLINE_MAX 256

struct process {
	int pid, pgid, sid;
	char name[PROC_NAME_MAX]; /* comm: the executable's base name */
	u32 state;		  /* enum proc_state; proc_tree_lock */
	int exit_status;	  /* wait status: (code << 8) or the signal (| 0x80 core) */
	int exit_code;		  /* for proc_wait(): code, or 128 + signal */
	struct process *parent;	  /* NULL: started by the kernel; proc_tree_lock */
	struct list_head children, sibling, all_link;
	struct vm_space *vm;
	struct fdtable *files;
	struct fs_struct *fs;
	struct cap_table *caps; /* native handles (kernel/ipc), made on first use */
	struct cred cred;
	struct file *exe;		/* the executable (for /proc/PID/exe), may be NULL */
	char cmdline[PROC_CMDLINE_MAX]; /* argv strings, NUL-separated */
	u32 cmdline_len;
	struct spinlock lock;
	struct list_head threads; /* struct thread.proc_link; under lock */
	u32 nr_threads;
	struct thread *main_thread;
	struct k_sigaction sigactions[NSIG]; /* index sig - 1; under lock */
	struct proc_signals sigs;	     /* pending signals, job-control stop (signal.h) */
	struct wait_queue child_wq;	     /* woken when a child changes state */
	u32 child_events;	       /* bumped (proc_tree_lock) at each child state change */
	struct completion *vfork_done; /* the vfork parent waits on this */
	vaddr_t brk_start, brk;	       /* program break; under lock */
	vaddr_t mmap_top;	       /* next mmap search starts below this */
	u64 start_ns;		       /* monotonic start time */
	u64 children_runtime_ns;       /* CPU time of reaped children */
	bool exiting;		       /* exit has begun; no new threads */
	struct thread *exec_thread;    /* execve is ending the other threads; under lock */
	struct wait_queue thread_wq;   /* woken whenever a thread leaves (de_thread) */
	bool vm_borrowed;	       /* vfork child: vm belongs to the parent */
	/* proc_spawn_flat / the first process: */
	vaddr_t entry, stack_top;
	struct completion done; /* completed when a parentless process exits */
};

/*
 * Start a user process from a flat program image: map image (len bytes) at
 * load_addr (executable, writable copy), a stack below the top of user space,
 * and run one user thread at entry. Returns the process or NULL.
 */
struct process *proc_spawn_flat(const char *name, const void *image, size_t len, vaddr_t load_addr,
				vaddr_t entry);
/* Wait for a parentless process to end; returns its exit code (128 + signal if killed); frees it.
 */
int proc_wait(struct process *p);
/*
 * Start the first user process (init, pid 1) running the executable path
 * with argv/envp from the kernel. Returns its pid or -errno.
 */
int proc_start_init(const char *path, const char *const *argv, const char *const *envp);

/* End the calling thread's whole process with exit code (0..255) (exit_group). */
__noreturn void proc_exit(int code);
/*
 * End only the calling thread (SYS_exit); the process ends with code when
 * it was the last one. Its clear_child_tid word is zeroed and futex-woken.
 */
__noreturn void proc_thread_exit(int code);

/*
 * A new thread in the calling process (clone with CLONE_THREAD): it returns
 * to user mode with the caller's registers, return value 0, stack pointer
 * sp, and thread pointer tls when set_tls. Its Linux thread id is written
 * to parent_settid (if non-zero) before it can run (musl's pthread_exit
 * relies on it); it writes its tid to child_settid (if non-zero) and
 * records clear_child_tid (if non-zero). Returns the tid only once the
 * thread is on its process's thread list, so the tid can be signalled at
 * once; or -errno (-EAGAIN when the process is exiting).
 */
struct thread_clone_args {
	vaddr_t sp;
	u64 tls;
	bool set_tls;
	u64 parent_settid, child_settid, child_cleartid;
};
int proc_clone_thread(const struct thread_clone_args *a);
/*
 * execve in a multi-threaded process: kill every other thread and wait
 * until they are gone; the caller then becomes the group leader (tid ==
 * pid). 0, or -EINTR / -EAGAIN (another exec or an exit is under way).
 */
int proc_de_thread(void);
/* The calling thread's Linux thread id (its process's pid for the first thread). */
int proc_gettid(void);
/*
 * Send sig to the thread with Linux id tid (tkill; tgkill when tgid > 0
 * also requires it to belong to process tgid). 0, -ESRCH or -EINVAL.
 */
int signal_send_tid(int tgid, int tid, int sig);
/* End the calling process as killed by sig (default action of a fatal signal). */
__noreturn void proc_exit_signal(int sig, bool core);

/*
 * fork/vfork/clone for processes: a copy of the calling process (COW memory,
 * shared open files, copied fd table unless share_files) whose one thread
 * returns to user mode with the caller's registers, return value 0 and, if
 * new_sp != 0, that stack pointer. Returns the child's pid or -errno.
 */
#define PROC_CLONE_VM 0x1    /* share the address space (vfork) */
#define PROC_CLONE_FILES 0x2 /* share the fd table */
#define PROC_CLONE_FS 0x4    /* share root/cwd/umask */
#define PROC_CLONE_VFORK 0x8 /* the parent sleeps until the child execs or exits */
int proc_fork(u32 flags, vaddr_t new_sp, int exit_signal);

/*
 * wait4: pid > 0 that child, -1 any child, 0 the caller's group, < -1 group
 * -pid. Returns the child's pid with *status filled (wait status), 0 with
 * WNOHANG and nothing ready, -ECHILD, -EINTR.
 */
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
int proc_wait4(int pid, int *status, int options, u64 *child_runtime_ns);

/* Look a process up and take no reference: only under proc_tree_lock (procfs uses proc_for_each).
 */
/* Call fn for each live or zombie process, in pid order, under the tree lock (fn must not sleep).
 */
void proc_for_each(bool (*fn)(struct process *p, void *arg), void *arg);
int proc_count(void);

/* Process groups and sessions (job control, the controlling tty). */
int proc_current_pgid(void);
int proc_current_sid(void);
/* Is there a process in group pgid whose session is sid? */
bool proc_pgrp_in_session(int pgid, int sid);
int proc_setpgid(int pid, int pgid);
int proc_getpgid(int pid);
int proc_getsid(int pid);
int proc_setsid(void);
int proc_getppid(void);
/* Is group pgid orphaned (no member's parent is in another group of its session)? */
bool proc_pgrp_orphaned(int pgid);
/* p stopped or continued (SIG_REPORT_*, by sig): record it for wait4, tell the parent. */
void proc_job_report(struct process *p, u32 what, int sig);

/* The calling thread's process, NULL for kernel threads. */
struct process *current_proc(void);

/* Set the process name (comm) and command line (argv, NUL-separated). */
void proc_set_name(struct process *p, const char *path);
void proc_set_cmdline(struct process *p, const char *const *argv, u32 argc);

#endif
