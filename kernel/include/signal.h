/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.h - POSIX signals (kernel/core/signal.c): Linux's numbers and
 * siginfo codes, pending sets per thread (thread.sig_pending) and per
 * process (struct proc_signals.shared), queued siginfo, default actions
 * (terminate, core, stop/continue, ignore), job-control stops and the
 * interval timer behind alarm/setitimer. A thread blocked in an
 * interruptible wait (wait_until_intr) is woken when a signal becomes
 * pending for it. docs/design/signals.md has the whole model.
 */
#ifndef MATRIOSKA_SIGNAL_H
#define MATRIOSKA_SIGNAL_H

#include "list.h"
#include "sync.h"
#include "types.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 64
#define SIGRTMIN 32 /* the kernel's; C libraries keep 32 and 33 for themselves */

#define SIGMASK(sig) (1ull << ((sig)-1))
#define SIG_UNBLOCKABLE (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP)) /* no mask holds them back */
#define SIG_STOP_MASK (SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | SIGMASK(SIGTTOU))

/* sigaltstack ss_flags. */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* si_code values (Linux's). */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* What a signal carries (the parts of Linux's siginfo_t we fill in). */
struct ksiginfo {
	int signo, code, errno_;
	int pid;    /* sender (kill, sigqueue) or child (SIGCHLD) */
	u32 uid;    /* its real uid */
	int status; /* SIGCHLD: exit code or signal */
	u64 addr;   /* faults: the faulting address */
	u64 value;  /* sigqueue: the sigval */
};

/* Linux's 128-byte siginfo_t as user space sees it (x86_64 layout). */
#define SIGINFO_SIZE 128
void signal_info_to_user(const struct ksiginfo *ki, u8 out[SIGINFO_SIZE]);

/*
 * A queued siginfo (kernel/core/signal.c). Standard signals sent to a
 * process keep theirs in proc_signals.shared_info instead, so sending them
 * never allocates (the timer and the tty send from interrupts).
 */
struct sigqueue {
	struct list_head link; /* in proc_signals.queue, oldest first */
	u64 tid;	       /* the target thread, 0: the whole process */
	struct ksiginfo info;
};

/* Job-control reports waiting for the parent's wait4 (proc_signals.report). */
#define SIG_REPORT_STOPPED 1
#define SIG_REPORT_CONTINUED 2

/*
 * A process's signal state, embedded in struct process.
 * Locking: shared, shared_info, queue, nr_queued, stopped, stop_sig,
 * cont_report and itimer under the process's lock (p->lock); `shared` and `stopped` are
 * also read without it (atomic). report is under proc_tree_lock (proc.c).
 */
struct itimer;
struct proc_signals {
	u64 shared;				   /* process-directed pending set */
	struct ksiginfo shared_info[SIGRTMIN - 1]; /* info of pending standard signals */
	struct list_head queue;			   /* struct sigqueue */
	u32 nr_queued;
	bool stopped;		   /* group stop: every thread parks in stop_wq */
	int stop_sig;		   /* the signal that stopped it */
	bool cont_report;	   /* continued: the parent is still to be told */
	u32 report;		   /* SIG_REPORT_*; proc_tree_lock */
	struct wait_queue stop_wq; /* threads of a stopped process */
	struct itimer *itimer;	   /* ITIMER_REAL (alarm, setitimer), made on first use */
};

struct thread;
struct process;

/* Send sig to process pid (kill(2) rules are the caller's). 0 or -ESRCH/-EINVAL. */
int signal_send_pid(int pid, int sig);
/* The same with info (NULL: SI_KERNEL); queue_limit as for signal_send_proc_info. */
int signal_send_pid_info(int pid, int sig, const struct ksiginfo *info, bool queue_limit);
int signal_send_pgrp_info(int pgid, int sig, const struct ksiginfo *info);
/* kill(-1, sig): every process but init, the caller and the kernel's own; -ESRCH if none. */
int signal_send_all_info(int sig, const struct ksiginfo *info);
/* To thread tid (of process tgid if tgid > 0) with info: rt_tgsigqueueinfo (proc.c). */
int signal_send_tid_info(int tgid, int tid, int sig, const struct ksiginfo *info, bool queue_limit);
/* Does the calling thread block sig, or its process ignore it (SIG_IGN)? (tty job control) */
bool signal_ignored_or_blocked(int sig);
/* sig's disposition became "ignore": discard its pending instances in the calling process. */
void signal_discard_ignored(int sig);
/* Send sig to every process in group pgid. 0 if any got it, else -ESRCH. */
int signal_send_pgrp(int pgid, int sig);
/* Send sig to thread t itself (SIGPIPE, faults, tkill), with SI_KERNEL info. */
void signal_send_thread(struct thread *t, int sig);

/*
 * The general senders: sig with info to process p (any thread of it that
 * does not block the signal takes it) or to thread t only. info may be NULL
 * (SI_KERNEL). queue_limit: refuse (-EAGAIN) a real-time signal that cannot
 * be queued instead of delivering it without its info (rt_sigqueueinfo).
 * Any context (interrupts too for standard signals to a process), with or
 * without proc_tree_lock; p->lock, the run-queue locks and wait-queue
 * locks are taken inside, never proc_tree_lock. The caller keeps p (or t)
 * from being freed (proc_tree_lock). 0 or -errno.
 */
int signal_send_proc_info(struct process *p, int sig, const struct ksiginfo *info,
			  bool queue_limit);
int signal_send_thread_info(struct thread *t, int sig, const struct ksiginfo *info,
			    bool queue_limit);
/* info for a signal sent by the calling process (kill: SI_USER, tkill: SI_TKILL ...). */
void signal_info_from_current(struct ksiginfo *ki, int sig, int code);

/*
 * Does the calling thread have a pending, unblocked signal that should
 * interrupt a sleep (its own, or its process's if it was picked for them)?
 */
bool signal_pending(void);

/*
 * Threads (for the thread-group code): signal_pick_thread() returns the
 * thread of p that should take a process-directed signal sig (one that does
 * not block it, preferring the caller), or NULL if all block it; p->lock
 * held. signal_recalc() re-decides whether the calling thread has signal
 * work (after its mask changed). signal_thread_exit_locked() drops what
 * was queued for a thread that leaves (already off p->threads; p->lock
 * held), and any pending process signal it was picked for goes to another
 * thread. Fatal signals end the whole process through proc_exit_signal(),
 * which ends every thread of the group.
 */
struct thread *signal_pick_thread(struct process *p, int sig);
void signal_recalc(void);
void signal_thread_exit_locked(struct process *p, struct thread *t);

/* Process life cycle: set up a new process's state; free what is still queued. */
void signal_proc_init(struct process *p);
void signal_proc_free(struct process *p);

/*
 * Temporary signal masks (rt_sigsuspend, ppoll, pselect6, epoll_pwait):
 * install mask for the duration of a wait; the old one comes back on the
 * way to user mode - after a handler frame has saved it, when a signal is
 * delivered, so the handler runs with the temporary mask and sigreturn
 * restores the old one. Call signal_mask_restore() when the call returns
 * without being interrupted (it succeeded or failed otherwise).
 */
void signal_mask_set_temporary(u64 mask);
void signal_mask_restore(void);

/*
 * Child state changes for the parent: a SIGCHLD (CLD_EXITED, CLD_KILLED,
 * CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED) with the child's pid, uid and
 * status. Stops and continues are not signalled if the parent set
 * SA_NOCLDSTOP. proc_tree_lock held (proc.c).
 */
void signal_child_notify_locked(struct process *parent, struct process *child, int code,
				int status);
/* Does the parent want exiting children reaped without wait4 (SIGCHLD ignored, SA_NOCLDWAIT)? */
bool signal_parent_autoreaps(struct process *parent);

/* Restart of an interrupted system call (signal_deliver), Linux's rules. */
enum sig_restart {
	SIG_RESTART_NONE,   /* -EINTR stays */
	SIG_RESTART_SYS,    /* restart unless a handler without SA_RESTART runs */
	SIG_RESTART_NOHAND, /* restart unless a handler runs */
	SIG_RESTART_ALWAYS, /* restart even after a handler (fork, clone) */
	SIG_RESTART_BLOCK,  /* unless a handler runs, continue through restart_syscall (sleeps) */
};
/* The personality's table (kernel/linux/signal.c): how call nr restarts after -EINTR. */
enum sig_restart syscall_restart_kind(u64 nr);
/* The personality's restart_syscall number (SIG_RESTART_BLOCK). */
u64 syscall_restart_block_nr(void);

struct trap_frame;
/*
 * Return-to-user hook (arch code, when thread_sig_work(current_thread())):
 * park while the process is stopped, act on pending signals, restart or
 * end an interrupted system call.
 */
void signal_deliver(struct trap_frame *f);
/* rt_sigreturn: restore the frame saved by the last handler invocation (kills on a bad frame). */
int signal_sigreturn(struct trap_frame *f);

/*
 * ITIMER_REAL of the calling process (kernel/core/itimer.c): arm it for
 * value_ns from now (0: disarm), reloading with interval_ns at each expiry
 * (0: one shot); SIGALRM at each expiry. The old setting (time left,
 * interval) goes to *old_value / *old_interval if non-NULL. 0 or -ENOMEM.
 */
int signal_itimer_set(u64 value_ns, u64 interval_ns, u64 *old_value, u64 *old_interval);
void signal_itimer_get(u64 *value_ns, u64 *interval_ns);
/*
 * Stop and drop p's timer: when its last thread exits (a zombie's timer
 * fires for nobody) and, doing nothing then, from proc_free via signal_proc_free.
 */
void signal_itimer_release(struct process *p);

/*
 * t's alternate signal stack as stack_t.ss_flags reports it, sp being t's
 * user stack pointer: SS_DISABLE (none set), SS_ONSTACK (sp is on it) or 0.
 */
int signal_altstack_flags(const struct thread *t, u64 sp);

/* Dequeue the lowest pending signal of the calling thread in mask (its own first); 0 if none. */
int signal_dequeue(u64 mask, struct ksiginfo *info);
/* Is a signal in mask pending for the calling thread (its own or its process's)? Any lock. */
bool signal_pending_in(u64 mask);

#endif
