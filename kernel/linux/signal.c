/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.c - Linux signal system calls: kill tkill tgkill rt_sigaction
 * rt_sigprocmask rt_sigreturn rt_sigpending sigaltstack rt_sigtimedwait
 * rt_sigsuspend.
 *
 * Thin: argument checks and ABI structures here, the work in
 * kernel/core/signal.c.
 */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "timer.h"
#include "uaccess.h"

static long sys_kill(SYSCALL_ARGS)
{
	int pid = (int)a0, sig = (int)a1;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0)
		return signal_send_pid(pid, sig);
	if (pid == 0)
		return signal_send_pgrp(proc_current_pgid(), sig);
	if (pid == -1)
		return -EPERM; /* broadcast: not supported yet */
	return signal_send_pgrp(-pid, sig);
}
LINUX_SYSCALL(kill, sys_kill);

static long sys_tkill(SYSCALL_ARGS)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return signal_send_pid((int)a0, (int)a1);
}
LINUX_SYSCALL(tkill, sys_tkill);

static long sys_tgkill(SYSCALL_ARGS)
{
	if ((int)a0 <= 0 || (int)a1 <= 0)
		return -EINVAL;
	if (a0 != a1)
		return -ESRCH;
	return signal_send_pid((int)a1, (int)a2);
}
LINUX_SYSCALL(tgkill, sys_tgkill);

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
	}
	f = spin_lock_irqsave(&p->lock);
	old = p->sigactions[sig - 1];
	if (a1)
		p->sigactions[sig - 1] = act;
	spin_unlock_irqrestore(&p->lock, f);
	if (a1 && (act.handler == SIG_IGN)) /* pending instances are discarded */
		__atomic_fetch_and(&current_thread()->sig_pending, ~SIGMASK(sig), __ATOMIC_RELAXED);
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
		t->sig_blocked &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
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
	arch_return_to_user(); /* with every register as the frame says: not SYSRET */
}
LINUX_SYSCALL(rt_sigreturn, sys_rt_sigreturn);

static long sys_rt_sigpending(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	u64 pend = t->sig_pending & t->sig_blocked;

	if (a1 != 8)
		return -EINVAL;
	return copy_to_user(UPTR(a0), &pend, sizeof(pend)) ? -EFAULT : 0;
}
LINUX_SYSCALL(rt_sigpending, sys_rt_sigpending);

/* sigaltstack: no alternate stacks yet; report "disabled" and refuse to set one. */
static long sys_sigaltstack(SYSCALL_ARGS)
{
	struct {
		u64 sp;
		s32 flags, pad;
		u64 size;
	} ss = {0, 2 /* SS_DISABLE */, 0, 0};

	if (a1 && copy_to_user(UPTR(a1), &ss, sizeof(ss)))
		return -EFAULT;
	if (a0)
		return -ENOMEM;
	return 0;
}
LINUX_SYSCALL(sigaltstack, sys_sigaltstack);

struct sigwait_arg {
	struct thread *t;
	u64 set;
};

static bool sigwait_cond(void *arg)
{
	struct sigwait_arg *w = arg;

	return (__atomic_load_n(&w->t->sig_pending, __ATOMIC_ACQUIRE) & w->set) != 0;
}

static bool never_true(void *arg)
{
	(void)arg;
	return false;
}

/* Senders wake the thread directly (sched_wake): nobody needs to wake this queue. */
static struct wait_queue sigwait_wq = {SPINLOCK_INIT("sigwait_wq", LOCK_RANK_WAITQ),
				       LIST_HEAD_INIT(sigwait_wq.waiters)};

static long sys_rt_sigtimedwait(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	struct sigwait_arg w = {.t = t};
	u64 deadline = 0;
	long err;

	if (a3 != 8)
		return -EINVAL;
	if (copy_from_user(&w.set, UPTR(a0), sizeof(w.set)))
		return -EFAULT;
	w.set &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
	if (a2) {
		struct {
			s64 sec, nsec;
		} ts;

		if (copy_from_user(&ts, UPTR(a2), sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		deadline = clock_ns() + (u64)ts.sec * 1000000000ull + (u64)ts.nsec;
		if (!deadline)
			deadline = 1;
	}
	for (;;) {
		u64 pend = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) & w.set;

		if (pend) {
			int sig = __builtin_ctzll(pend) + 1;
			struct {
				s32 signo, errno_, code, pad;
				u8 rest[112];
			} info;

			if (!(__atomic_fetch_and(&t->sig_pending, ~SIGMASK(sig), __ATOMIC_ACQ_REL) &
			      SIGMASK(sig)))
				continue; /* someone else took it */
			memset(&info, 0, sizeof(info));
			info.signo = sig;
			if (a1 && copy_to_user(UPTR(a1), &info, sizeof(info)))
				return -EFAULT;
			return sig;
		}
		err = wait_until_intr(&sigwait_wq, sigwait_cond, &w, deadline);
		if (err == -ETIMEDOUT)
			return -EAGAIN;
		if (err == -EINTR && !sigwait_cond(&w))
			return -EINTR;
	}
}
LINUX_SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait);

/* rt_sigsuspend: wait for a signal with a temporary mask; the old one comes back after delivery. */
static long sys_rt_sigsuspend(SYSCALL_ARGS)
{
	struct thread *t = current_thread();
	u64 mask;

	if (a1 != 8)
		return -EINVAL;
	if (copy_from_user(&mask, UPTR(a0), sizeof(mask)))
		return -EFAULT;
	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = mask & ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
	while (wait_until_intr(&sigwait_wq, never_true, NULL, 0) != -EINTR)
		;
	return -EINTR;
}
LINUX_SYSCALL(rt_sigsuspend, sys_rt_sigsuspend);
