/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.c - sending and acting on POSIX signals.
 *
 * Pending signals live in thread.sig_pending (atomic OR by senders); a
 * process-directed signal goes to the process's main thread (processes are
 * single-threaded for now). Sending wakes the thread, so an interruptible
 * wait (wait_until_intr) sees signal_pending() and returns -EINTR.
 *
 * On every return to user mode the arch code calls signal_deliver() when
 * sig_pending is non-zero. It takes the lowest unblocked pending signal and
 * acts on the disposition: ignore, the default action (terminate, terminate
 * with core, ignore, stop/continue - stopping is not implemented yet and
 * is treated as ignore, documented in docs/design/signals.md), or a user
 * handler through an arch signal frame (arch_signal_frame_setup).
 *
 * A signal whose disposition is "ignore" (SIG_IGN, or SIG_DFL with an
 * ignore default) is discarded when sent, so it never interrupts a sleep,
 * as on Linux. SIGKILL and SIGSTOP cannot be caught, blocked or ignored -
 * except by init (pid 1), which receives only the signals it has handlers
 * for (Linux's rule), so `kill -ALRM 1` or `kill -9 1` cannot panic the
 * kernel. A fault in init itself still ends it (and the kernel says so).
 */
#include "signal.h"
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "proc.h"
#include "sched.h"

#define UNBLOCKABLE (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))

enum sig_default { SD_TERM, SD_CORE, SD_IGN, SD_STOP, SD_CONT };

static enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SD_CORE;
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SD_IGN;
	case SIGCONT:
		return SD_CONT;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SD_STOP;
	default:
		return SD_TERM; /* incl. real-time signals 32..64 */
	}
}

bool signal_pending(void)
{
	struct thread *t = current_thread();

	if (!t)
		return false;
	return (__atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) &
		(~t->sig_blocked | UNBLOCKABLE)) != 0;
}

/* Would sig be thrown away on arrival in p? */
static bool sig_ignored(struct process *p, int sig)
{
	u64 h;

	if (!p)
		return false;
	h = __atomic_load_n(&p->sigactions[sig - 1].handler, __ATOMIC_RELAXED);
	/* init (pid 1) only gets the signals it handles, as on Linux: nothing can kill it by
	 * accident. */
	if (p->pid == 1 && h <= SIG_IGN)
		return true;
	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	if (h == SIG_IGN)
		return true;
	/* Stop signals are not acted on yet; discard them so they do not interrupt sleeps. */
	return h == SIG_DFL &&
	       (sig_default_action(sig) == SD_IGN || sig_default_action(sig) == SD_STOP ||
		sig_default_action(sig) == SD_CONT);
}

void signal_send_thread(struct thread *t, int sig)
{
	if (sig < 1 || sig > NSIG || sig_ignored(t->proc, sig))
		return;
	__atomic_fetch_or(&t->sig_pending, SIGMASK(sig), __ATOMIC_RELEASE);
	sched_wake(t);
	/* A thread running on another CPU notices on its next return to user mode. */
}

/* The process-level part is in proc.c (it needs the process table). */

static __noreturn void signal_fatal(int sig, bool core)
{
	proc_exit_signal(sig, core);
}

void signal_deliver(struct trap_frame *f)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;

	while (p) {
		u64 pend = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) &
			   (~t->sig_blocked | UNBLOCKABLE);
		struct k_sigaction ka;
		unsigned long flags;
		u64 old_mask;
		int sig;

		if (!pend) {
			if (t->sig_restore_mask) { /* rt_sigsuspend, nothing caught: back to the old
						      mask */
				t->sig_blocked = t->sig_saved_mask;
				t->sig_restore_mask = false;
			}
			return;
		}
		sig = __builtin_ctzll(pend) + 1;
		__atomic_fetch_and(&t->sig_pending, ~SIGMASK(sig), __ATOMIC_ACQ_REL);
		flags = spin_lock_irqsave(&p->lock);
		ka = p->sigactions[sig - 1];
		if (ka.handler > SIG_IGN && (ka.flags & SA_RESETHAND))
			p->sigactions[sig - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&p->lock, flags);

		if (sig == SIGKILL)
			signal_fatal(sig, false);
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler == SIG_DFL) {
			switch (sig_default_action(sig)) {
			case SD_TERM:
				signal_fatal(sig, false);
			case SD_CORE:
				signal_fatal(sig, true);
			default:
				continue;
			}
		}
		/* The mask sigreturn restores: the one before rt_sigsuspend, if it replaced it. */
		old_mask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
		t->sig_restore_mask = false;
		if (!(ka.flags & SA_RESTORER) ||
		    arch_signal_frame_setup(f, sig, &ka, old_mask) != 0) {
			pr_warn("signal: %s (pid %d) cannot take signal %d on its stack: killed",
				p->name, p->pid, sig);
			signal_fatal(SIGSEGV, true);
		}
		t->sig_blocked |= ka.mask;
		if (!(ka.flags & SA_NODEFER))
			t->sig_blocked |= SIGMASK(sig);
		t->sig_blocked &= ~UNBLOCKABLE;
		return; /* one handler frame at a time; the rest on the next return */
	}
}

int signal_sigreturn(struct trap_frame *f)
{
	struct thread *t = current_thread();
	u64 mask;
	int err = arch_signal_frame_restore(f, &mask);

	if (err) {
		pr_warn("signal: %s: bad signal frame in rt_sigreturn: killed",
			t->proc ? t->proc->name : "?");
		signal_fatal(SIGSEGV, true);
	}
	t->sig_blocked = mask & ~UNBLOCKABLE;
	return 0;
}
