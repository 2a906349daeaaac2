/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.c - pending signals. A signal sent to a thread sets its bit in
 * thread.sig_pending (an atomic OR) and wakes the thread if it sleeps, so an
 * interruptible wait (wait_until_intr) sees signal_pending() and returns
 * -EINTR. What happens to a pending signal on the way back to user mode
 * (default action, handler) is the process layer's business.
 */
#include "signal.h"
#include "errno.h"
#include "sched.h"

bool signal_pending(void)
{
	struct thread *t = current_thread();

	if (!t)
		return false;
	return (__atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) &
		(~t->sig_blocked | SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))) != 0;
}

void signal_send_thread(struct thread *t, int sig)
{
	if (sig < 1 || sig > NSIG)
		return;
	__atomic_fetch_or(&t->sig_pending, SIGMASK(sig), __ATOMIC_RELEASE);
	sched_wake(t);
}
