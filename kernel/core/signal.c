/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.c - sending and acting on POSIX signals.
 *
 * Two pending sets: thread.sig_pending for signals sent to one thread
 * (tkill, SIGPIPE, faults) and proc_signals.shared for signals sent to the
 * process (kill, the tty, timers, SIGCHLD). A process-directed signal is
 * taken by whichever thread dequeues it first; the sender picks one thread
 * that does not block it (signal_pick_thread), sets its sig_notify and
 * wakes it, so exactly that thread's interruptible wait ends with -EINTR
 * and its way back to user mode looks. Standard signals (1..31) coalesce:
 * one pending instance per target, its siginfo in shared_info (process) or
 * in one queue entry (thread). Real-time signals (32..64) queue: every
 * instance has its own entry in proc_signals.queue, in sending order.
 *
 * On every return to user mode with signal work (thread_sig_work) the arch
 * code calls signal_deliver(): it parks the thread while the process is
 * stopped, takes the lowest unblocked pending signal (the thread's own
 * first) and acts on the disposition: ignore, the default action
 * (terminate, terminate with the core bit, stop the whole process,
 * continue) or a user handler through an arch signal frame
 * (arch_signal_frame_setup), on the alternate stack for SA_ONSTACK. A
 * system call that returned -EINTR is restarted or not as its kind
 * (syscall_restart_kind) and SA_RESTART say.
 *
 * Job control: a stop signal's default action stops the process: every
 * thread parks in stop_wq, and the parent hears of it (wait4 WUNTRACED,
 * SIGCHLD with CLD_STOPPED). Sending SIGCONT (even when it is ignored)
 * discards pending stop signals and resumes a stopped process (wait4
 * WCONTINUED, CLD_CONTINUED); sending a stop signal discards a pending
 * SIGCONT. SIGKILL ends a stopped process too. SIGTSTP, SIGTTIN and SIGTTOU
 * are discarded in an orphaned process group (POSIX).
 *
 * A signal whose disposition is "ignore" (SIG_IGN, or SIG_DFL with an
 * ignore default) is discarded when sent, so it never interrupts a sleep,
 * as on Linux. SIGKILL and SIGSTOP cannot be caught, blocked or ignored -
 * except by init (pid 1), which receives only the signals it has handlers
 * for (Linux's rule), so `kill -ALRM 1` or `kill -9 1` cannot panic the
 * kernel. A fault in init itself still ends it (and the kernel says so).
 *
 * Locking: p->lock covers the process's pending state and queue; senders
 * of process-directed signals hold proc_tree_lock around it (proc.c), so
 * the continue report to the parent can be made at once. Order:
 * proc_tree_lock -> p->lock -> run-queue and wait-queue locks.
 */
#include "signal.h"
#include "arch.h"
#include "errno.h"
#include "evfd.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"

#define SIGQUEUE_MAX 1024 /* queued entries per process (Linux: RLIMIT_SIGPENDING) */

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

/* ---- siginfo ---- */

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

void signal_info_to_user(const struct ksiginfo *ki, u8 out[SIGINFO_SIZE])
{
	bool fault = ki->signo == SIGSEGV || ki->signo == SIGBUS || ki->signo == SIGILL ||
		     ki->signo == SIGFPE || ki->signo == SIGTRAP;

	memset(out, 0, SIGINFO_SIZE);
	put32(out + 0, (u32)ki->signo);
	put32(out + 4, (u32)ki->errno_);
	put32(out + 8, (u32)ki->code);
	if (fault && ki->code > 0 && ki->code != SI_KERNEL) {
		put64(out + 16, ki->addr); /* si_addr */
	} else if (ki->signo == SIGCHLD && ki->code > 0 && ki->code != SI_KERNEL) {
		put32(out + 16, (u32)ki->pid);
		put32(out + 20, ki->uid);
		put32(out + 24, (u32)ki->status);
	} else {
		put32(out + 16, (u32)ki->pid);
		put32(out + 20, ki->uid);
		put64(out + 24, ki->value); /* si_value (sigqueue, timers) */
	}
}

void signal_info_from_current(struct ksiginfo *ki, int sig, int code)
{
	struct process *p = current_proc();

	memset(ki, 0, sizeof(*ki));
	ki->signo = sig;
	ki->code = code;
	ki->pid = p ? p->pid : 0;
	ki->uid = p ? p->cred.uid : 0;
}

static void kernel_info(struct ksiginfo *ki, int sig)
{
	memset(ki, 0, sizeof(*ki));
	ki->signo = sig;
	ki->code = SI_KERNEL;
}

/* ---- pending sets ---- */

static u64 shared_pending(struct process *p)
{
	return p ? __atomic_load_n(&p->sigs.shared, __ATOMIC_ACQUIRE) : 0;
}

bool signal_pending(void)
{
	struct thread *t = current_thread();
	u64 pend;

	if (!t)
		return false;
	pend = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&t->sig_notify, __ATOMIC_ACQUIRE))
		pend |= shared_pending(t->proc);
	return (pend & (~t->sig_blocked | SIG_UNBLOCKABLE)) != 0;
}

bool signal_ignored_or_blocked(int sig)
{
	struct thread *t = current_thread();
	struct process *p = t ? t->proc : NULL;

	if (!p || sig < 1 || sig > NSIG)
		return true;
	return (t->sig_blocked & SIGMASK(sig)) ||
	       __atomic_load_n(&p->sigactions[sig - 1].handler, __ATOMIC_RELAXED) == SIG_IGN;
}

/* Would sig be thrown away on arrival in p? */
/*
 * Is sig to be discarded when sent? t is the thread it is sent to (for a
 * process-directed signal its main thread; NULL when a disposition changes):
 * a signal t blocks stays pending whatever its disposition, which may change
 * before it is unblocked (Linux's rule; signalfd and sigwait users block
 * SIGCHLD, whose default is to ignore it).
 */
static bool sig_ignored(struct process *p, struct thread *t, int sig)
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
	if (t && ((__atomic_load_n(&t->sig_blocked, __ATOMIC_RELAXED) |
		   __atomic_load_n(&t->sig_real_blocked, __ATOMIC_RELAXED)) &
		  SIGMASK(sig)))
		return false;
	if (h == SIG_IGN)
		return true;
	return h == SIG_DFL &&
	       (sig_default_action(sig) == SD_IGN || sig_default_action(sig) == SD_CONT);
}

/* Drop the queued entries of the signals in mask (any target); p->lock held. */
static void queue_drop_locked(struct process *p, u64 mask)
{
	struct sigqueue *q, *tmp;

	list_for_each_entry_safe (q, tmp, &p->sigs.queue, link)
		if (mask & SIGMASK(q->info.signo)) {
			list_del(&q->link);
			p->sigs.nr_queued--;
			kfree(q);
		}
}

/* Discard pending signals in mask from the process and all its threads; p->lock held. */
static void discard_locked(struct process *p, u64 mask)
{
	struct thread *t;

	__atomic_fetch_and(&p->sigs.shared, ~mask, __ATOMIC_ACQ_REL);
	list_for_each_entry (t, &p->threads, proc_link)
		__atomic_fetch_and(&t->sig_pending, ~mask, __ATOMIC_ACQ_REL);
	queue_drop_locked(p, mask);
}

void signal_discard_ignored(int sig)
{
	struct process *p = current_proc();
	unsigned long f;

	if (!p || sig < 1 || sig > NSIG)
		return;
	f = spin_lock_irqsave(&p->lock);
	if (sig_ignored(p, NULL, sig))
		discard_locked(p, SIGMASK(sig));
	spin_unlock_irqrestore(&p->lock, f);
}

/* Make t look at its signals: end its interruptible wait, interrupt its user mode. */
static void kick_thread(struct thread *t)
{
	__atomic_store_n(&t->sig_notify, 1, __ATOMIC_SEQ_CST);
	sched_wake(t);
}

struct thread *signal_pick_thread(struct process *p, int sig)
{
	struct thread *self = current_thread(), *t;

	if (self && self->proc == p && !(self->sig_blocked & SIGMASK(sig)))
		return self;
	list_for_each_entry (t, &p->threads, proc_link)
		if (!(t->sig_blocked & SIGMASK(sig)) || (SIGMASK(sig) & SIG_UNBLOCKABLE))
			return t;
	return NULL;
}

/*
 * What sending sig does before it is queued (Linux's prepare_signal): the
 * job-control side effects. A continued process's threads wake in
 * park_while_stopped, and the first tells the parent (cont_report): the
 * sender may hold locks that reporting needs. p->lock held.
 */
static void prepare_locked(struct process *p, int sig)
{
	if (sig == SIGCONT) {
		discard_locked(p, SIG_STOP_MASK);
		if (p->sigs.stopped) {
			__atomic_store_n(&p->sigs.stopped, false, __ATOMIC_RELEASE);
			p->sigs.cont_report = true;
			wake_up_all(&p->sigs.stop_wq);
		}
	} else if (SIGMASK(sig) & SIG_STOP_MASK) {
		discard_locked(p, SIGMASK(SIGCONT));
	} else if (sig == SIGKILL && p->sigs.stopped) {
		wake_up_all(&p->sigs.stop_wq); /* the stopped threads wake up to die */
	}
}

/* Queue sig with info for t (NULL: the process); p->lock held. 0 or -EAGAIN. */
static int queue_locked(struct process *p, struct thread *t, int sig, const struct ksiginfo *info,
			bool queue_limit)
{
	u64 bit = SIGMASK(sig);
	u64 *pend = t ? &t->sig_pending : &p->sigs.shared;
	struct sigqueue *q = NULL;

	if (sig < SIGRTMIN) {
		if (__atomic_load_n(pend, __ATOMIC_ACQUIRE) & bit)
			return 0; /* standard signals coalesce */
		if (!t) {
			p->sigs.shared_info[sig - 1] = *info;
			goto set;
		}
	}
	if (p->sigs.nr_queued < SIGQUEUE_MAX)
		q = kmalloc(sizeof(*q));
	if (!q) {
		/* Linux delivers kill()'s real-time signals even then, without their info. */
		if (queue_limit && sig >= SIGRTMIN)
			return -EAGAIN;
		goto set;
	}
	q->tid = t ? t->tid : 0;
	q->info = *info;
	list_add_tail(&q->link, &p->sigs.queue);
	p->sigs.nr_queued++;
set:
	__atomic_fetch_or(pend, bit, __ATOMIC_RELEASE);
	return 0;
}

int signal_send_proc_info(struct process *p, int sig, const struct ksiginfo *info, bool queue_limit)
{
	struct ksiginfo ki;
	struct thread *t;
	unsigned long f;
	int err = 0;

	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (!info) {
		kernel_info(&ki, sig);
		info = &ki;
	}
	f = spin_lock_irqsave(&p->lock);
	prepare_locked(p, sig);
	if (!sig_ignored(p, p->main_thread, sig)) {
		err = queue_locked(p, NULL, sig, info, queue_limit);
		t = err ? NULL : signal_pick_thread(p, sig);
		if (t)
			kick_thread(t);
	}
	spin_unlock_irqrestore(&p->lock, f);
	signalfd_notify(); /* a signalfd reader or poller may now have one */
	return err;
}

int signal_send_thread_info(struct thread *t, int sig, const struct ksiginfo *info,
			    bool queue_limit)
{
	struct process *p = t->proc;
	struct ksiginfo ki;
	unsigned long f;
	int err = 0;

	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (!info) {
		kernel_info(&ki, sig);
		info = &ki;
	}
	if (!p) { /* a kernel thread: only the bit */
		__atomic_fetch_or(&t->sig_pending, SIGMASK(sig), __ATOMIC_RELEASE);
		sched_wake(t);
		return 0;
	}
	f = spin_lock_irqsave(&p->lock);
	prepare_locked(p, sig);
	if (!sig_ignored(p, t, sig)) {
		err = queue_locked(p, t, sig, info, queue_limit);
		if (!err)
			sched_wake(t); /* a running thread notices on its way back to user mode */
	}
	spin_unlock_irqrestore(&p->lock, f);
	signalfd_notify(); /* a signalfd reader or poller may now have one */
	return err;
}

void signal_send_thread(struct thread *t, int sig)
{
	(void)signal_send_thread_info(t, sig, NULL, false);
}

/* Take sig's info for target tid (0: the process) and clear its bit when none is left. */
static void take_locked(struct process *p, struct thread *t, bool shared, int sig,
			struct ksiginfo *info)
{
	u64 tid = shared ? 0 : t->tid;
	u64 *pend = shared ? &p->sigs.shared : &t->sig_pending;
	struct sigqueue *q, *found = NULL;
	bool more = false;

	if (shared && sig < SIGRTMIN) {
		*info = p->sigs.shared_info[sig - 1];
		__atomic_fetch_and(pend, ~SIGMASK(sig), __ATOMIC_ACQ_REL);
		return;
	}
	list_for_each_entry (q, &p->sigs.queue, link) {
		if (q->tid != tid || q->info.signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (found) {
		*info = found->info;
		list_del(&found->link);
		p->sigs.nr_queued--;
		kfree(found);
	} else {
		memset(info, 0, sizeof(*info)); /* queued without its info */
		info->signo = sig;
		info->code = SI_USER;
	}
	if (!more)
		__atomic_fetch_and(pend, ~SIGMASK(sig), __ATOMIC_ACQ_REL);
}

/* Dequeue for t from mask, its own signals first; p->lock held. */
static int dequeue_locked(struct process *p, struct thread *t, u64 mask, struct ksiginfo *info)
{
	u64 own = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) & mask;
	u64 shared = __atomic_load_n(&p->sigs.shared, __ATOMIC_ACQUIRE) & mask;
	int sig;

	if (own) {
		sig = __builtin_ctzll(own) + 1;
		take_locked(p, t, false, sig, info);
	} else if (shared) {
		sig = __builtin_ctzll(shared) + 1;
		take_locked(p, t, true, sig, info);
	} else {
		return 0;
	}
	return sig;
}

int signal_dequeue(u64 mask, struct ksiginfo *info)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	unsigned long f;
	int sig;

	if (!p)
		return 0;
	f = spin_lock_irqsave(&p->lock);
	sig = dequeue_locked(p, t, mask, info);
	spin_unlock_irqrestore(&p->lock, f);
	return sig;
}

bool signal_pending_in(u64 mask)
{
	struct thread *t = current_thread();

	if (!t || !t->proc)
		return false;
	return ((__atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) |
		 __atomic_load_n(&t->proc->sigs.shared, __ATOMIC_ACQUIRE)) &
		mask) != 0;
}

/* Kick a thread other than t to take each process signal in set (t will not); p->lock held. */
static void repick_locked(struct process *p, struct thread *t, u64 set)
{
	struct thread *other;

	for (; set; set &= set - 1) {
		other = signal_pick_thread(p, __builtin_ctzll(set) + 1);
		if (other && other != t)
			kick_thread(other);
	}
}

void signal_recalc(void)
{
	struct thread *t = current_thread();
	struct process *p = t ? t->proc : NULL;
	u64 shared, mine;
	unsigned long f;

	if (!p)
		return;
	f = spin_lock_irqsave(&p->lock);
	shared = __atomic_load_n(&p->sigs.shared, __ATOMIC_ACQUIRE);
	mine = shared & (~t->sig_blocked | SIG_UNBLOCKABLE);
	__atomic_store_n(&t->sig_notify, mine || p->sigs.stopped || p->sigs.cont_report,
			 __ATOMIC_SEQ_CST);
	repick_locked(p, t, shared & ~mine); /* what t now blocks goes to a thread that does not */
	spin_unlock_irqrestore(&p->lock, f);
	if (mine)
		sched_notify_signal(t);
}

void signal_thread_exit_locked(struct process *p, struct thread *t)
{
	struct sigqueue *q, *tmp;

	list_for_each_entry_safe (q, tmp, &p->sigs.queue, link)
		if (q->tid == t->tid) {
			list_del(&q->link);
			p->sigs.nr_queued--;
			kfree(q);
		}
	__atomic_store_n(&t->sig_pending, 0, __ATOMIC_RELEASE);
	/* t may have been picked for process signals it will never take: pick again. */
	repick_locked(p, t, __atomic_load_n(&p->sigs.shared, __ATOMIC_ACQUIRE));
}

void signal_proc_init(struct process *p)
{
	list_init(&p->sigs.queue);
	wait_queue_init(&p->sigs.stop_wq, "stop_wq");
}

void signal_proc_free(struct process *p)
{
	signal_itimer_release(p);
	queue_drop_locked(p, ~0ull); /* nobody else can see p any more */
}

/* ---- temporary masks ---- */

void signal_mask_set_temporary(u64 mask)
{
	struct thread *t = current_thread();

	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = mask & ~SIG_UNBLOCKABLE;
	signal_recalc();
}

void signal_mask_restore(void)
{
	struct thread *t = current_thread();

	if (!t->sig_restore_mask)
		return;
	t->sig_blocked = t->sig_saved_mask;
	t->sig_restore_mask = false;
	signal_recalc();
}

/* ---- children ---- */

void signal_child_notify_locked(struct process *parent, struct process *child, int code, int status)
{
	struct ksiginfo ki;
	u64 flags = __atomic_load_n(&parent->sigactions[SIGCHLD - 1].flags, __ATOMIC_RELAXED);

	if ((code == CLD_STOPPED || code == CLD_CONTINUED) && (flags & SA_NOCLDSTOP))
		return;
	memset(&ki, 0, sizeof(ki));
	ki.signo = SIGCHLD;
	ki.code = code;
	ki.pid = child->pid;
	ki.uid = child->cred.uid;
	ki.status = status;
	(void)signal_send_proc_info(parent, SIGCHLD, &ki, false);
}

bool signal_parent_autoreaps(struct process *parent)
{
	const struct k_sigaction *ka = &parent->sigactions[SIGCHLD - 1];

	if (parent->pid == 1)
		return false; /* init reaps with wait4 */
	return __atomic_load_n(&ka->handler, __ATOMIC_RELAXED) == SIG_IGN ||
	       (__atomic_load_n(&ka->flags, __ATOMIC_RELAXED) & SA_NOCLDWAIT);
}

/* ---- delivery ---- */

static __noreturn void signal_fatal(int sig, bool core)
{
	proc_exit_signal(sig, core);
}

struct stop_wait {
	struct thread *t;
	struct process *p;
};

static bool stop_over(void *arg)
{
	struct stop_wait *w = arg;
	u64 kill = SIGMASK(SIGKILL);

	return !__atomic_load_n(&w->p->sigs.stopped, __ATOMIC_ACQUIRE) ||
	       (__atomic_load_n(&w->t->sig_pending, __ATOMIC_ACQUIRE) & kill) ||
	       (shared_pending(w->p) & kill);
}

/*
 * A stopped process's threads wait here until SIGCONT or SIGKILL; the
 * first one out after a SIGCONT tells the parent.
 */
static void park_while_stopped(struct thread *t, struct process *p)
{
	struct stop_wait w = {t, p};
	unsigned long f;
	bool report;

	while (!stop_over(&w))
		(void)wait_until(&p->sigs.stop_wq, stop_over, &w, 0);
	f = spin_lock_irqsave(&p->lock);
	report = p->sigs.cont_report;
	p->sigs.cont_report = false;
	spin_unlock_irqrestore(&p->lock, f);
	if (report)
		proc_job_report(p, SIG_REPORT_CONTINUED, SIGCONT);
}

/* The default action of a stop signal: stop every thread and tell the parent. */
static void do_stop(struct process *p, int sig)
{
	unsigned long f = spin_lock_irqsave(&p->lock);
	struct thread *t;
	bool report = !p->sigs.stopped;

	if (report) {
		__atomic_store_n(&p->sigs.stopped, true, __ATOMIC_RELEASE);
		p->sigs.stop_sig = sig;
		list_for_each_entry (t, &p->threads, proc_link)
			if (t != current_thread())
				kick_thread(t);
	}
	spin_unlock_irqrestore(&p->lock, f);
	if (report)
		proc_job_report(p, SIG_REPORT_STOPPED, sig);
}

/* Put the interrupted system call's result right for what happened (Linux's rules). */
static void syscall_restart(struct trap_frame *f, u64 nr, enum sig_restart kind, bool handler,
			    u64 sa_flags)
{
	bool restart;

	switch (kind) {
	case SIG_RESTART_SYS:
		restart = !handler || (sa_flags & SA_RESTART);
		break;
	case SIG_RESTART_NOHAND:
		restart = !handler;
		break;
	case SIG_RESTART_ALWAYS:
		restart = true;
		break;
	case SIG_RESTART_BLOCK:
		if (!handler)
			arch_syscall_restart(f, syscall_restart_block_nr());
		return;
	default:
		return;
	}
	if (restart)
		arch_syscall_restart(f, nr);
}

int signal_altstack_flags(const struct thread *t, u64 sp)
{
	if (!t->sas_size)
		return SS_DISABLE;
	return sp > t->sas_sp && sp - t->sas_sp <= t->sas_size ? SS_ONSTACK : 0;
}

/* Build the handler frame for sig; false if the user stack cannot take it. */
static bool setup_handler(struct trap_frame *f, struct thread *t, int sig,
			  const struct ksiginfo *info, const struct k_sigaction *ka)
{
	struct signal_frame_req req = {
		.sig = sig,
		.info = info,
		.ka = ka,
		.ss_sp = t->sas_sp,
		.ss_size = t->sas_size,
	};
	u64 sp = arch_user_frame_sp(f);

	/* The mask sigreturn restores: the one before a temporary mask, if there is one. */
	req.old_mask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
	t->sig_restore_mask = false;
	req.ss_flags = signal_altstack_flags(t, sp);
	if ((ka->flags & SA_ONSTACK) && req.ss_flags == 0) /* set, and not on it yet */
		req.stack_top = t->sas_sp + t->sas_size;
	if (!(ka->flags & SA_RESTORER) || arch_signal_frame_setup(f, &req) != 0)
		return false;
	t->sig_blocked |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		t->sig_blocked |= SIGMASK(sig);
	t->sig_blocked &= ~SIG_UNBLOCKABLE;
	return true;
}

void signal_deliver(struct trap_frame *f)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	enum sig_restart kind = SIG_RESTART_NONE;
	u64 nr = 0;
	long ret;

	if (!p)
		return;
	if (arch_syscall_frame(f, &nr, &ret) && ret == -EINTR)
		kind = syscall_restart_kind(nr);
	for (;;) {
		struct k_sigaction ka;
		struct ksiginfo info;
		unsigned long flags;
		int sig;

		park_while_stopped(t, p);
		flags = spin_lock_irqsave(&p->lock);
		sig = dequeue_locked(p, t, ~t->sig_blocked | SIG_UNBLOCKABLE, &info);
		if (!sig) {
			spin_unlock_irqrestore(&p->lock, flags);
			break;
		}
		ka = p->sigactions[sig - 1];
		if (ka.handler > SIG_IGN && (ka.flags & SA_RESETHAND))
			p->sigactions[sig - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&p->lock, flags);

		if (sig == SIGKILL)
			signal_fatal(sig, false);
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler == SIG_DFL) {
			if (p->pid == 1)
				continue; /* init: only what it handles (a fault is dealt with
					     earlier) */
			switch (sig_default_action(sig)) {
			case SD_TERM:
				signal_fatal(sig, false);
			case SD_CORE:
				signal_fatal(sig, true);
			case SD_STOP:
				/* Job-control stops from the terminal mean nothing to an orphaned
				 * group. */
				if (sig != SIGSTOP && proc_pgrp_orphaned(p->pgid))
					continue;
				do_stop(p, sig);
				continue;
			default:
				continue;
			}
		}
		syscall_restart(f, nr, kind, true, ka.flags);
		if (!setup_handler(f, t, sig, &info, &ka)) {
			pr_warn("signal: %s (pid %d) cannot take signal %d on its stack: killed",
				p->name, p->pid, sig);
			signal_fatal(SIGSEGV, true);
		}
		signal_recalc();
		return; /* one handler frame at a time; the rest on the next return */
	}
	syscall_restart(f, nr, kind, false, 0);
	if (t->sig_restore_mask) { /* a temporary mask, nothing caught: back to the old one */
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
	signal_recalc();
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
	t->sig_blocked = mask & ~SIG_UNBLOCKABLE;
	signal_recalc();
	return 0;
}
