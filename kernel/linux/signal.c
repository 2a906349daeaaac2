/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.c - Linux signal system calls: kill tkill tgkill rt_sigaction
 * rt_sigprocmask rt_sigreturn rt_sigpending sigaltstack rt_sigtimedwait
 * rt_sigsuspend pause rt_sigqueueinfo rt_tgsigqueueinfo, and the table of
 * how each interrupted call restarts (syscall_restart_kind).
 *
 * Thin: argument checks and ABI structures here, the work in
 * kernel/core/signal.c.
 */
#include "signal.h"
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "proc.h"
#include "sched.h"
#include "sync.h"
#include "timer.h"
#include "uaccess.h"

#define NSEC 1000000000ull

static long sys_kill(SYSCALL_ARGS)
{
	int pid = (int)a0, sig = (int)a1;
	struct ksiginfo ki;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	signal_info_from_current(&ki, sig, SI_USER);
	if (pid > 0)
		return signal_send_pid_info(pid, sig, &ki, false);
	if (pid == 0)
		return signal_send_pgrp_info(proc_current_pgid(), sig, &ki);
	if (pid == -1)
		return signal_send_all_info(sig, &ki);
	return signal_send_pgrp_info(-pid, sig, &ki);
}
LINUX_SYSCALL(kill, sys_kill);

static long sys_tkill(SYSCALL_ARGS)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return signal_send_tid(0, (int)a0, (int)a1);
}
LINUX_SYSCALL(tkill, sys_tkill);

static long sys_tgkill(SYSCALL_ARGS)
{
	if ((int)a0 <= 0 || (int)a1 <= 0)
		return -EINVAL;
	return signal_send_tid((int)a0, (int)a1, (int)a2);
}
LINUX_SYSCALL(tgkill, sys_tgkill);

/*
 * rt_sigqueueinfo / rt_tgsigqueueinfo: a signal with the caller's siginfo
 * (sigqueue's si_value). Only the kernel may claim SI_USER or positive
 * codes, or SI_TKILL, for someone else (Linux's rule).
 */
static long sigqueue_info(int tgid, int tid, int sig, u64 uinfo)
{
	u8 raw[SIGINFO_SIZE];
	struct ksiginfo ki;
	s32 code;
	u32 pid, uid;
	u64 value;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (copy_from_user(raw, UPTR(uinfo), sizeof(raw)))
		return -EFAULT;
	memcpy(&code, raw + 8, 4);
	memcpy(&pid, raw + 16, 4);
	memcpy(&uid, raw + 20, 4);
	memcpy(&value, raw + 24, 8);
	if ((code >= 0 || code == SI_TKILL) && tgid != current_proc()->pid)
		return -EPERM;
	memset(&ki, 0, sizeof(ki));
	ki.signo = sig;
	ki.code = code;
	ki.pid = (int)pid;
	ki.uid = uid;
	ki.value = value;
	if (tid)
		return signal_send_tid_info(tgid, tid, sig, &ki, true);
	return signal_send_pid_info(tgid, sig, &ki, true);
}

static long sys_rt_sigqueueinfo(SYSCALL_ARGS)
{
	if ((int)a0 <= 0)
		return -ESRCH;
	return sigqueue_info((int)a0, 0, (int)a1, a2);
}
LINUX_SYSCALL(rt_sigqueueinfo, sys_rt_sigqueueinfo);

static long sys_rt_tgsigqueueinfo(SYSCALL_ARGS)
{
	if ((int)a0 <= 0 || (int)a1 <= 0)
		return -EINVAL;
	return sigqueue_info((int)a0, (int)a1, (int)a2, a3);
}
LINUX_SYSCALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);

/* ---- signal dispositions and masks ---- */

static long sys_rt_sigaction(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	int sig = (int)a0;
	struct k_sigaction act, old;
	unsigned long f;

	if (a3 != 8 || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (a1) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&act, UPTR(a1), sizeof(act)))
			return -EFAULT;
		act.mask &= ~SIG_UNBLOCKABLE;
	}
	f = spin_lock_irqsave(&p->lock);
	old = p->sigactions[sig - 1];
	if (a1)
		p->sigactions[sig - 1] = act;
	spin_unlock_irqrestore(&p->lock, f);
	if (a1)
		signal_discard_ignored(sig); /* now ignored: pending instances go (POSIX) */
	if (a2 && copy_to_user(UPTR(a2), &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
LINUX_SYSCALL(rt_sigaction, sys_rt_sigaction);

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

static long sys_rt_sigprocmask(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	u64 set, old = t->sig_blocked;

	if (a3 != 8)
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&set, UPTR(a1), sizeof(set)))
			return -EFAULT;
		switch (a0) {
		case SIG_BLOCK:
			t->sig_blocked |= set;
			break;
		case SIG_UNBLOCK:
			t->sig_blocked &= ~set;
			break;
		case SIG_SETMASK:
			t->sig_blocked = set;
			break;
		default:
			return -EINVAL;
		}
		t->sig_blocked &= ~SIG_UNBLOCKABLE;
		signal_recalc();
	}
	if (a2 && copy_to_user(UPTR(a2), &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
LINUX_SYSCALL(rt_sigprocmask, sys_rt_sigprocmask);

static long sys_rt_sigreturn(SYSCALL_ARGS)
{
	struct trap_frame *f = arch_user_frame(current_thread());

	signal_sigreturn(f);
	/* A signal the restored mask lets through is delivered now, as on Linux. */
	if (thread_sig_work(current_thread()))
		signal_deliver(f);
	arch_return_to_user(); /* with every register as the frame says: not SYSRET */
}
LINUX_SYSCALL(rt_sigreturn, sys_rt_sigreturn);

static long sys_rt_sigpending(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	u64 pend = (__atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) |
		    __atomic_load_n(&t->proc->sigs.shared, __ATOMIC_ACQUIRE)) &
		   t->sig_blocked;

	if (a1 != 8)
		return -EINVAL;
	return copy_to_user(UPTR(a0), &pend, sizeof(pend)) ? -EFAULT : 0;
}
LINUX_SYSCALL(rt_sigpending, sys_rt_sigpending);

/* Linux's stack_t. */
struct l_stack {
	u64 ss_sp;
	s32 ss_flags, pad;
	u64 ss_size;
};

/*
 * sigaltstack: the alternate stack for SA_ONSTACK handlers. It cannot be
 * changed while a handler runs on it (EPERM). SS_AUTODISARM is refused.
 */
static long sys_sigaltstack(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	int flags = signal_altstack_flags(t, arch_user_frame_sp(arch_user_frame(t)));
	struct l_stack old = {t->sas_sp, flags, 0, t->sas_size};
	struct l_stack ss;

	if (a0) {
		if (copy_from_user(&ss, UPTR(a0), sizeof(ss)))
			return -EFAULT;
		if (flags == SS_ONSTACK)
			return -EPERM;
		if (ss.ss_flags != 0 && ss.ss_flags != SS_DISABLE && ss.ss_flags != SS_ONSTACK)
			return -EINVAL;
		if (ss.ss_flags == SS_DISABLE) {
			ss.ss_sp = 0;
			ss.ss_size = 0;
		} else if (ss.ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		} else if (ss.ss_sp + ss.ss_size < ss.ss_sp ||
			   ss.ss_sp + ss.ss_size > arch_user_top()) {
			return -EFAULT; /* never usable: frames there would kill the program */
		}
	}
	if (a1 && copy_to_user(UPTR(a1), &old, sizeof(old)))
		return -EFAULT;
	if (a0) {
		t->sas_sp = ss.ss_sp;
		t->sas_size = ss.ss_size;
	}
	return 0;
}
LINUX_SYSCALL(sigaltstack, sys_sigaltstack);

struct sigwait_arg {
	u64 set;
};

static bool sigwait_cond(void *arg)
{
	struct sigwait_arg *w = arg;

	return signal_pending_in(w->set);
}

static bool never_true(void *arg)
{
	(void)arg;
	return false;
}

/* Senders wake the thread directly (sched_wake): nobody needs to wake this queue. */
static struct wait_queue sigwait_wq = {SPINLOCK_INIT("sigwait_wq", LOCK_RANK_WAITQ),
				       LIST_HEAD_INIT(sigwait_wq.waiters)};

/*
 * rt_sigtimedwait: take a signal of set (normally blocked) with its info.
 * While waiting, set is unblocked so that process-directed signals pick
 * this thread (Linux does the same); the mask is back before returning.
 */
static long sys_rt_sigtimedwait(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	struct sigwait_arg w;
	u64 deadline = 0, saved, ns, now;
	struct ksiginfo ki;
	u8 raw[SIGINFO_SIZE];
	long err;
	int sig;

	if (a3 != 8)
		return -EINVAL;
	if (copy_from_user(&w.set, UPTR(a0), sizeof(w.set)))
		return -EFAULT;
	w.set &= ~SIG_UNBLOCKABLE;
	if (a2) {
		struct {
			s64 sec, nsec;
		} ts;

		if (copy_from_user(&ts, UPTR(a2), sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC)
			return -EINVAL;
		/* Saturating: a timeout past the clock's range waits for ever (no wrap). */
		ns = (u64)ts.sec > (~0ull - NSEC) / NSEC ? ~0ull
							 : (u64)ts.sec * NSEC + (u64)ts.nsec;
		now = clock_ns(); /* > 0 after boot: the deadline is never 0 (no timeout) */
		deadline = ns > ~0ull - now ? ~0ull : now + ns;
	}
	saved = t->sig_blocked;
	/* Still "blocked" for the send-time ignore rule: a waited-for SIGCHLD is not dropped. */
	__atomic_store_n(&t->sig_real_blocked, saved & w.set, __ATOMIC_RELAXED);
	t->sig_blocked &= ~w.set;
	signal_recalc();
	for (;;) {
		sig = signal_dequeue(w.set, &ki);
		if (sig)
			break;
		err = wait_until_intr(&sigwait_wq, sigwait_cond, &w, deadline);
		if (err == -ETIMEDOUT) {
			err = -EAGAIN;
			goto out;
		}
		if (err == -EINTR && !sigwait_cond(&w))
			goto out; /* another signal, for a handler */
	}
	err = sig;
	signal_info_to_user(&ki, raw);
	if (a1 && copy_to_user(UPTR(a1), raw, sizeof(raw)))
		err = -EFAULT;
out:
	t->sig_blocked = saved;
	__atomic_store_n(&t->sig_real_blocked, 0, __ATOMIC_RELAXED);
	signal_recalc();
	return err;
}
LINUX_SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait);

/* rt_sigsuspend: wait for a signal with a temporary mask; the old one comes back after delivery. */
static long sys_rt_sigsuspend(SYSCALL_ARGS)
{
	u64 mask;

	if (a1 != 8)
		return -EINVAL;
	if (copy_from_user(&mask, UPTR(a0), sizeof(mask)))
		return -EFAULT;
	signal_mask_set_temporary(mask);
	while (wait_until_intr(&sigwait_wq, never_true, NULL, 0) != -EINTR)
		;
	return -EINTR; /* signal_deliver puts the mask back */
}
LINUX_SYSCALL(rt_sigsuspend, sys_rt_sigsuspend);

static long sys_pause(SYSCALL_ARGS)
{
	while (wait_until_intr(&sigwait_wq, never_true, NULL, 0) != -EINTR)
		;
	return -EINTR;
}
LINUX_SYSCALL(pause, sys_pause);

/*
 * How each call restarts after a signal interrupted it (-EINTR), as Linux
 * decides: blocking I/O and waits restart under SA_RESTART (-ERESTARTSYS);
 * poll/select and the signal waits restart only when no handler ran
 * (-ERESTARTNOHAND); sleeps then go on to their deadline through
 * restart_syscall (-ERESTART_RESTARTBLOCK, kernel/linux/time.c); the rest
 * return -EINTR.
 */
u64 syscall_restart_block_nr(void)
{
	return LNR_restart_syscall;
}

enum sig_restart syscall_restart_kind(u64 nr)
{
	switch (nr) {
	case LNR_read:
	case LNR_write:
	case LNR_readv:
	case LNR_writev:
	case LNR_pread64:
	case LNR_pwrite64:
	case LNR_preadv:
	case LNR_pwritev:
	case LNR_ioctl:
	case LNR_open:
	case LNR_openat:
	case LNR_creat:
	case LNR_wait4:
	case LNR_waitid:
	case LNR_accept:
	case LNR_accept4:
	case LNR_connect:
	case LNR_recvfrom:
	case LNR_recvmsg:
	case LNR_sendto:
	case LNR_sendmsg:
	case LNR_flock:
	case LNR_fcntl:
	case LNR_futex:
	case LNR_sendfile:
	case LNR_splice:
		return SIG_RESTART_SYS;
	case LNR_nanosleep:
	case LNR_clock_nanosleep:
	case LNR_restart_syscall:
		return SIG_RESTART_BLOCK;
	case LNR_pause:
	case LNR_rt_sigsuspend:
	case LNR_poll:
	case LNR_ppoll:
	case LNR_select:
	case LNR_pselect6:
	case LNR_msgrcv:
	case LNR_msgsnd:
	case LNR_semop:
	case LNR_semtimedop:
		return SIG_RESTART_NOHAND;
	case LNR_fork:
	case LNR_vfork:
	case LNR_clone:
		return SIG_RESTART_ALWAYS;
	default:
		return SIG_RESTART_NONE;
	}
}
