/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oom.c - what happens when user memory runs out. A page fault (or a
 * population of user memory) that cannot get a page does not fail the
 * access at once: the largest offender - the user process with the most
 * resident pages, never init (which cannot be killed) and never a kernel
 * thread (no process) - is killed with SIGKILL, with one log line naming
 * it, and the fault is retried once its memory is back. If the faulting
 * process is itself the largest, it is the one killed (the caller returns
 * to user mode, where the pending SIGKILL ends it). The kernel's own
 * allocations never come here: they fail with -ENOMEM as before.
 *
 * One victim at a time: while the last victim is still alive (its exit
 * frees its memory), other faults wait for it instead of killing more.
 * A victim that does not go away within OOM_WAIT_NS leaves the waiting
 * process to kill itself, so nothing waits forever.
 *
 * Locking: oom_lock (a spinlock) covers oom_victim; the process list is
 * read through proc_for_each (under proc_tree_lock). Sleeps only with no
 * lock held, so callers must not hold any either (vm_user_fault runs from
 * the fault handler with interrupts enabled, outside the space's
 * operations).
 */
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "vm.h"

#define OOM_POLL_NS (10 * 1000 * 1000ull)	/* how often a waiter looks again */
#define OOM_WAIT_NS (5 * 1000 * 1000 * 1000ull) /* give up waiting for a victim */

static struct spinlock oom_lock = SPINLOCK_INIT("oom", LOCK_RANK_NONE);
static int oom_victim; /* pid of the last victim while it may still be alive; oom_lock */
static u64 oom_kills;  /* victims so far; oom_lock */

struct oom_pick {
	int pid;
	u64 rss;
	char name[PROC_NAME_MAX];
	int alive_pid; /* oom_alive: the pid looked for; 0 when found dead */
	bool alive;
};

/* A process whose memory can be taken back by killing it. */
static bool oom_candidate(const struct process *p)
{
	return p->state == PROC_ALIVE && !p->exiting && p->vm && !p->vm_borrowed && p->pid != 1;
}

static bool oom_consider(struct process *p, void *arg)
{
	struct oom_pick *pick = arg;
	u64 rss;

	if (!oom_candidate(p))
		return true;
	rss = __atomic_load_n(&p->vm->resident_pages, __ATOMIC_RELAXED);
	if (!pick->pid || rss > pick->rss) {
		pick->pid = p->pid;
		pick->rss = rss;
		memcpy(pick->name, p->name, sizeof(pick->name));
		pick->name[PROC_NAME_MAX - 1] = '\0';
	}
	return true;
}

static bool oom_find_alive(struct process *p, void *arg)
{
	struct oom_pick *pick = arg;

	if (p->pid != pick->alive_pid)
		return true;
	pick->alive = oom_candidate(p);
	return false;
}

/* Is the process pid still holding its memory? */
static bool oom_alive(int pid)
{
	struct oom_pick pick = {.alive_pid = pid};

	proc_for_each(oom_find_alive, &pick);
	return pick.alive;
}

/*
 * Kill the largest process unless a victim is still on its way out.
 * Returns the victim's pid (0: none to kill; nothing was done).
 */
static int oom_kill_largest(void)
{
	struct oom_pick pick = {0};
	unsigned long f;
	int victim;

	f = spin_lock_irqsave(&oom_lock);
	victim = oom_victim;
	spin_unlock_irqrestore(&oom_lock, f);
	if (victim && oom_alive(victim))
		return victim;
	proc_for_each(oom_consider, &pick);
	if (!pick.pid)
		return 0;
	f = spin_lock_irqsave(&oom_lock);
	if (oom_victim != victim) {
		/* Someone else chose meanwhile: wait for theirs. */
		victim = oom_victim;
		spin_unlock_irqrestore(&oom_lock, f);
		return victim;
	}
	oom_victim = pick.pid;
	oom_kills++;
	spin_unlock_irqrestore(&oom_lock, f);
	pr_err("oom: out of memory: killed process %d (%s), rss %llu KiB", pick.pid, pick.name,
	       (unsigned long long)(pick.rss * (PAGE_SIZE / 1024)));
	signal_send_pid(pick.pid, SIGKILL);
	return pick.pid;
}

/*
 * One round of the policy for the current process. 0: retry the
 * allocation; -EINTR: the caller is the victim (or gave up), SIGKILL is
 * pending for it.
 */
static int oom_round(u64 *waited_ns)
{
	struct process *self = current_proc();
	int victim = oom_kill_largest();

	if (self && (victim == self->pid || !victim || *waited_ns >= OOM_WAIT_NS)) {
		if (victim != self->pid) {
			pr_err("oom: out of memory: killed process %d (%s) (no memory came back)",
			       self->pid, self->name);
			signal_send_pid(self->pid, SIGKILL);
		}
		return -EINTR;
	}
	if (!self)
		return -EINTR; /* a kernel thread: no policy, fail */
	sched_sleep_ns(OOM_POLL_NS);
	*waited_ns += OOM_POLL_NS;
	return 0;
}

int vm_user_fault(struct vm_space *vs, vaddr_t addr, u32 access)
{
	u64 waited = 0;

	for (;;) {
		bool taken = vm_lock(vs); /* the process's other threads fault and map too */
		int err = vm_handle_fault(vs, addr, access);

		vm_unlock(vs, taken);

		if (err != -ENOMEM)
			return err;
		if (signal_pending())
			return -EINTR; /* killed (or interrupted): let the signal act first */
		err = oom_round(&waited);
		if (err)
			return err;
	}
}

void oom_kill_nowait(void)
{
	if (current_proc())
		oom_kill_largest();
}

bool oom_retry(void)
{
	u64 waited = 0;

	if (signal_pending())
		return false;
	return oom_round(&waited) == 0;
}
