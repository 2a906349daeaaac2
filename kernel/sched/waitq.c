/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * waitq.c - wait queues and the sleeping primitives built on them: mutex,
 * counting semaphore and completion (sync.h).
 *
 * Everything here rests on one protocol that makes lost wake-ups impossible.
 * A waiter, holding the queue's lock, (1) puts a wait_entry on the queue,
 * (2) marks itself THREAD_BLOCKED, (3) re-tests its condition; only if the
 * condition is still false does it drop the lock and call sched_block(). A
 * waker (1) makes the condition true, then (2) takes the queue's lock,
 * unlinks an entry, marks it woken and calls sched_wake() on its thread. If
 * the waker came first, the waiter's re-test in step 3 sees the condition;
 * if the waiter came first, the waker finds its entry, and sched_wake() on a
 * thread that has marked itself blocked but not yet switched away leaves it
 * runnable, so its sched_block() returns at once. Woken waiters always loop
 * and test again: a wake-up is a hint, not a promise (another thread may
 * have taken what the waker released).
 *
 * The mutex, semaphore and completion keep their state under their wait
 * queue's lock, and their conditions consume it (take the mutex, one count,
 * one completion) inside wait_until()'s locked re-test, so a release and the
 * waiter it wakes cannot miss each other. The mutex hands itself straight to
 * the longest waiter on unlock (FIFO, no barging); semaphores and completions
 * wake the longest waiter but let a thread that arrives first take the count.
 *
 * Timeouts arm a one-shot timer whose callback wakes the thread. The timer
 * and its bookkeeping live on the waiter's stack, so before returning the
 * waiter either cancels the timer or, if it already fired, waits until the
 * callback has finished with it (the callback may run on another CPU).
 *
 * Locking: wq->lock (rank LOCK_RANK_WAITQ) is always taken with interrupts
 * off, so wake_up_* may be called from interrupt handlers. sched_wake()
 * (run-queue locks, rank LOCK_RANK_RQ) is called with it held.
 */
#include "arch.h"
#include "config.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "ksyms.h"
#include "panic.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "timer.h"

static void wake_timeout_fn(struct timer *tm)
{
	struct wake_timeout *to = tm->data;

	sched_wake(to->thread);
	__atomic_store_n(&to->fired, 1, __ATOMIC_RELEASE);
}

void wake_timeout_init(struct wake_timeout *to, struct thread *t)
{
	*to = (struct wake_timeout){.thread = t};
	timer_init(&to->timer, wake_timeout_fn, to);
}

bool wake_timeout_fired(struct wake_timeout *to)
{
	return __atomic_load_n(&to->fired, __ATOMIC_ACQUIRE) != 0;
}

/*
 * (Re)arm the timeout. The timer fires only on this CPU, so with interrupts
 * off it cannot fire between timer_arm() and the check: not pending then
 * means timer_arm() dropped it.
 */
void wake_timeout_arm(struct wake_timeout *to, u64 deadline_ns)
{
	unsigned long flags = arch_irq_save();

	to->fired = 0;
	timer_arm(&to->timer, deadline_ns);
	to->armed = timer_pending(&to->timer);
	to->dropped = !to->armed;
	arch_irq_restore(flags);
}

void wake_timeout_disarm(struct wake_timeout *to)
{
	if (!to->armed || timer_cancel(&to->timer))
		return;
	while (!wake_timeout_fired(to))
		arch_cpu_relax();
}

static void set_state(struct thread *t, u32 state)
{
	__atomic_store_n(&t->state, state, __ATOMIC_RELAXED);
}

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_init(&wq->lock, name, LOCK_RANK_WAITQ);
	list_init(&wq->waiters);
}

/* Unlink e, mark it woken, make its thread runnable. Caller holds wq->lock. */
static void wake_entry_locked(struct wait_entry *e)
{
	list_del(&e->link);
	e->woken = true;
	sched_wake(e->thread);
}

/*
 * Wake the longest waiting thread (all of them if all); returns how many.
 * Every observer entry (notify set) is notified either way and stays
 * queued: observers are queued at the head (sync.h), so when the first
 * thread is reached every observer has been told. *first gets the first
 * thread woken (or NULL).
 */
static int wake_up_locked(struct wait_queue *wq, bool all, struct thread **first)
{
	struct list_head *pos = wq->waiters.next, *next;
	struct wait_entry *e;
	int n = 0;

	*first = NULL;
	for (; pos != &wq->waiters; pos = next) {
		next = pos->next;
		e = list_entry(pos, struct wait_entry, link);
		if (e->notify) {
			e->notify(e);
			continue;
		}
		wake_entry_locked(e);
		if (!n++)
			*first = e->thread;
		if (!all)
			break;
	}
	return n;
}

/* Wake the longest waiter; returns its thread, or NULL if nobody waits. */
static struct thread *wake_up_one_locked(struct wait_queue *wq)
{
	struct thread *t;

	wake_up_locked(wq, false, &t);
	return t;
}

static int wake_up_all_locked(struct wait_queue *wq)
{
	struct thread *t;

	return wake_up_locked(wq, true, &t);
}

int wake_up_one(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	int n = wake_up_one_locked(wq) ? 1 : 0;

	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

int wake_up_all_queued(struct wait_queue *wq)
{
	/*
	 * Pairs with the fence in wait_until_ip: either this sees the waiter
	 * queued, or the waiter's cond sees what the caller changed.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!wait_queue_active(wq))
		return 0;
	return wake_up_all(wq);
}

int wake_up_all(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	int n = wake_up_all_locked(wq);

	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

/* Debug builds: blocking with preemption off (a spinlock held) is a bug. */
static void check_may_sleep(uintptr_t ip)
{
	static bool reported;
	char where[96];

	if (preemptible() || reported)
		return;
	reported = true;
	ksym_format(ip, where, sizeof(where));
	pr_err("wait: thread \"%s\" blocks with preemption disabled (preempt_count %u) at %s",
	       current_thread()->name, this_cpu()->preempt_count, where);
}

static int wait_until_ip(struct wait_queue *wq, bool (*cond)(void *arg), void *arg, u64 deadline_ns,
			 bool intr, uintptr_t ip)
{
	struct thread *t = current_thread();
	struct wait_entry e = {.thread = t};
	struct wake_timeout to;
	unsigned long flags;
	int ret;

	list_init(&e.link);
	if (deadline_ns)
		wake_timeout_init(&to, t);
	else
		to.armed = false; /* no timeout: wake_timeout_disarm has nothing to do */
	for (;;) {
		flags = spin_lock_irqsave(&wq->lock);
		if (list_empty(&e.link)) {
			e.woken = false;
			list_add_tail(&e.link, &wq->waiters);
		}
		if (t)
			set_state(t, THREAD_BLOCKED);
		/* Queued before cond looks: wake_up_all_queued's lockless check relies on it. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (cond(arg)) {
			ret = 0;
			break;
		}
		if (deadline_ns && clock_ns() >= deadline_ns) {
			ret = -ETIMEDOUT;
			break;
		}
		if (intr && signal_pending()) {
			ret = -EINTR;
			break;
		}
		if (!t)
			panic("wait on \"%s\" before the scheduler runs", wq->lock.name);
		if (deadline_ns && (!to.armed || wake_timeout_fired(&to))) {
			/* No timer pending: arm one (or, if that failed, poll) and test again. */
			set_state(t, THREAD_RUNNABLE);
			spin_unlock_irqrestore(&wq->lock, flags);
			if (to.dropped)
				sched_yield();
			else
				wake_timeout_arm(&to, deadline_ns);
			continue;
		}
		spin_unlock_irqrestore(&wq->lock, flags);
		if (IS_ENABLED(CONFIG_LOCK_DEBUG))
			check_may_sleep(ip);
		sched_block();
	}
	list_del(&e.link);
	if (t)
		set_state(t, THREAD_RUNNABLE);
	spin_unlock_irqrestore(&wq->lock, flags);
	wake_timeout_disarm(&to);
	return ret;
}

int wait_until(struct wait_queue *wq, bool (*cond)(void *arg), void *arg, u64 deadline_ns)
{
	return wait_until_ip(wq, cond, arg, deadline_ns, false,
			     (uintptr_t)__builtin_return_address(0));
}

int wait_until_intr(struct wait_queue *wq, bool (*cond)(void *arg), void *arg, u64 deadline_ns)
{
	return wait_until_ip(wq, cond, arg, deadline_ns, true,
			     (uintptr_t)__builtin_return_address(0));
}

/* Monotonic deadline timeout_ns from now; never 0 (which means "none"). */
static u64 deadline_after(u64 timeout_ns)
{
	u64 now = clock_ns(), d = now + timeout_ns;

	if (d < now)
		d = ~0ull;
	return d ? d : 1;
}

/* ---- mutex ---- */

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	wait_queue_init(&m->wq, name);
}

static struct thread *mutex_owner(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

/* Release: what the owner did is seen by whoever takes the mutex next, even on the fast path. */
static void mutex_set_owner(struct mutex *m, struct thread *t)
{
	__atomic_store_n(&m->owner, t, __ATOMIC_RELEASE);
}

/* Take a free mutex, or find it handed to us by mutex_unlock(). Under wq.lock. */
static bool mutex_cond(void *arg)
{
	struct mutex *m = arg;
	struct thread *me = current_thread(), *none = NULL;

	/* A CAS even here: mutex_lock's fast path may take it meanwhile. */
	__atomic_compare_exchange_n(&m->owner, &none, me, false, __ATOMIC_ACQUIRE,
				    __ATOMIC_RELAXED);
	return mutex_owner(m) == me;
}

void mutex_lock(struct mutex *m)
{
	struct thread *me = current_thread(), *none = NULL;

	if (!me)
		panic("mutex_lock(\"%s\") before the scheduler runs", m->wq.lock.name);
	/* Only this thread can have made itself the owner, so this racy read is exact. */
	if (mutex_owner(m) == me)
		panic("mutex \"%s\" locked again by its owner \"%s\": would deadlock",
		      m->wq.lock.name, me->name);
	/*
	 * Fast path, without wq.lock: a free mutex is taken with one
	 * compare-and-swap. A waiter only sleeps after seeing an owner under
	 * wq.lock, and every owner unlocks under wq.lock (handing off to the
	 * first waiter), so no wake-up is lost; taking a free mutex here only
	 * races with waiters that would have found it free too.
	 */
	if (__atomic_compare_exchange_n(&m->owner, &none, me, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	wait_until_ip(&m->wq, mutex_cond, m, 0, false, (uintptr_t)__builtin_return_address(0));
}

bool mutex_trylock(struct mutex *m)
{
	struct thread *me = current_thread();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	struct thread *none = NULL;
	bool got = me && __atomic_compare_exchange_n(&m->owner, &none, me, false, __ATOMIC_ACQUIRE,
						     __ATOMIC_RELAXED);

	spin_unlock_irqrestore(&m->wq.lock, flags);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	struct thread *me = current_thread(), *owner;
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	char where[96];

	owner = mutex_owner(m);
	if (owner != me) {
		spin_unlock_irqrestore(&m->wq.lock, flags);
		ksym_format((uintptr_t)__builtin_return_address(0), where, sizeof(where));
		pr_err("mutex \"%s\" unlocked by \"%s\" but owned by \"%s\", at %s; ignored",
		       m->wq.lock.name, me ? me->name : "(no thread)",
		       owner ? owner->name : "(nobody)", where);
		return;
	}
	/* Hand-off: the longest waiter owns it before it even runs. */
	mutex_set_owner(m, wake_up_one_locked(&m->wq));
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

/* ---- semaphore ---- */

void sem_init(struct semaphore *s, const char *name, s64 count)
{
	s->count = count;
	wait_queue_init(&s->wq, name);
}

static bool sem_cond(void *arg)
{
	struct semaphore *s = arg;

	if (s->count <= 0)
		return false;
	s->count--;
	return true;
}

void sem_down(struct semaphore *s)
{
	wait_until_ip(&s->wq, sem_cond, s, 0, false, (uintptr_t)__builtin_return_address(0));
}

int sem_down_timeout(struct semaphore *s, u64 timeout_ns)
{
	return wait_until_ip(&s->wq, sem_cond, s, deadline_after(timeout_ns), false,
			     (uintptr_t)__builtin_return_address(0));
}

void sem_up(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);

	s->count++;
	wake_up_one_locked(&s->wq);
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

/* ---- completion ---- */

void completion_init(struct completion *c, const char *name)
{
	c->done = 0;
	wait_queue_init(&c->wq, name);
}

static bool completion_cond(void *arg)
{
	struct completion *c = arg;

	if (c->done == 0)
		return false;
	if (c->done != COMPLETION_ALL)
		c->done--;
	return true;
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);

	if (c->done < COMPLETION_ALL - 1)
		c->done++;
	wake_up_one_locked(&c->wq);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);

	c->done = COMPLETION_ALL;
	wake_up_all_locked(&c->wq);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

void wait_for_completion(struct completion *c)
{
	wait_until_ip(&c->wq, completion_cond, c, 0, false, (uintptr_t)__builtin_return_address(0));
}

int wait_for_completion_timeout(struct completion *c, u64 timeout_ns)
{
	return wait_until_ip(&c->wq, completion_cond, c, deadline_after(timeout_ns), false,
			     (uintptr_t)__builtin_return_address(0));
}
