/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sync.h - synchronization (kernel/sched/spinlock.c, waitq.c):
 *
 *  - spinlocks: ticket locks (FIFO fair); spin_lock_irqsave() for data also
 *    touched by interrupt handlers. Holding one disables preemption.
 *    Lock order is checked in debug builds (CONFIG_LOCK_DEBUG): every lock
 *    has a rank, and a CPU may only take a
 *    lock whose rank is higher than every rank it already holds; a violation
 *    is reported once with both locks' names and the call site. The one
 *    exception: several LOCK_RANK_RQ locks may be held at once when taken in
 *    increasing address order (the core locks two run queues to migrate).
 *  - wait queues: a thread sleeps until a condition holds (wait_until);
 *    wakers call wake_up_one/all after making the condition true.
 *  - sleeping locks and signals built on them: mutex, semaphore, completion.
 *
 * No lost wake-ups: a waiter adds itself to the queue and marks itself
 * blocked before re-checking the condition, under the queue's lock; a waker
 * changes the condition before taking that lock. See wait_until().
 */
#ifndef MATRIOSKA_SYNC_H
#define MATRIOSKA_SYNC_H

#include "config.h"
#include "cpu.h"
#include "list.h"
#include "timer.h"
#include "types.h"

/* Lock ranks: take locks in increasing rank. */
#define LOCK_RANK_NONE 0 /* not checked */
#define LOCK_RANK_WAITQ 10
/* fs/epoll.c: its ready list, taken by notify under a queue lock; its own queues */
#define LOCK_RANK_EPOLL 12
#define LOCK_RANK_EPOLL_WQ 14
#define LOCK_RANK_RQ 20 /* run queues (two at once: lower address first) */
#define LOCK_RANK_TIMER 30
#define LOCK_RANK_MM 40
#define LOCK_RANK_KLOG 50

struct spinlock {
	volatile u16 owner; /* ticket being served */
	volatile u16 next;  /* next ticket to hand out */
	u16 rank;
	u16 holder_cpu; /* debug: 1 + CPU holding it (0 or 0xffff = none) */
	const char *name;
};

#define SPINLOCK_INIT(lname, lrank)            \
	{                                      \
		0, 0, (lrank), 0xffff, (lname) \
	}

void spin_init(struct spinlock *l, const char *name, u16 rank);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l) __must_check;
unsigned long spin_lock_irqsave(struct spinlock *l) __must_check;
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags);
bool spin_is_locked(const struct spinlock *l);
/* Lock-order violations seen so far (debug builds; tests assert on it). */
u64 lock_order_violations(void);

/*
 * The ticket lock inline, for hot paths that run with interrupts off on
 * CPU c (the scheduler's run-queue locks, the IPC fast path's endpoint
 * lock): the same fields and protocol as spin_lock()/spin_unlock(), so
 * either may release what the other took, and preemption counted the same
 * way (with interrupts off, dropping the count never has to look for a
 * pending reschedule). Debug builds call spin_lock()/spin_unlock() for
 * their checks. spin_take_ticket() takes a ticket and says whether it is
 * served at once; if not, the caller waits for it with spin_wait_ticket(),
 * out of line, so that an uncontended lock keeps the caller's values in
 * registers (a call inside an inline wait loop made them all spill).
 */
void spin_wait_ticket(struct spinlock *l, u16 ticket);

static inline bool spin_take_ticket(struct cpu *c, struct spinlock *l, u16 *ticket)
{
	if (IS_ENABLED(CONFIG_LOCK_DEBUG)) {
		spin_lock(l);
		return true;
	}
	c->preempt_count++;
	__asm__ volatile("" : : : "memory");
	*ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	return likely(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == *ticket);
}

static inline void spin_lock_irqoff(struct cpu *c, struct spinlock *l)
{
	u16 ticket;

	if (unlikely(!spin_take_ticket(c, l, &ticket)))
		spin_wait_ticket(l, ticket);
}

static inline void spin_unlock_irqoff(struct cpu *c, struct spinlock *l)
{
	if (IS_ENABLED(CONFIG_LOCK_DEBUG)) {
		spin_unlock(l);
		return;
	}
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
	__asm__ volatile("" : : : "memory");
	c->preempt_count--;
}

struct thread;

struct wait_queue {
	struct spinlock lock;	  /* rank LOCK_RANK_WAITQ, taken with interrupts off */
	struct list_head waiters; /* struct wait_entry, oldest first; under lock */
};

/*
 * Is anyone queued on wq? A peek without the lock: a waker orders it after
 * its change with a full fence, which pairs with the waiter's fence after
 * queueing (wait_until), so it sees the waiter or the waiter sees the change.
 */
static inline bool wait_queue_active(const struct wait_queue *wq)
{
	return __atomic_load_n(&wq->waiters.next, __ATOMIC_ACQUIRE) != &wq->waiters;
}

/*
 * A waiting thread (on its stack); a waker unlinks it and sets woken, under
 * wq->lock. An entry with notify set is an observer instead (epoll, fs/epoll.c):
 * every wake_up_one/all calls notify(e) under wq->lock with interrupts off and
 * leaves the entry queued; it counts as nobody woken. Observers are queued at
 * the head (list_add), threads at the tail, so a wake-one that reaches its
 * thread has told every observer. notify must not sleep and may take only
 * locks ranked above LOCK_RANK_WAITQ (LOCK_RANK_EPOLL...).
 */
struct wait_entry {
	struct list_head link;
	struct thread *thread;
	bool woken;
	void (*notify)(struct wait_entry *e);
};

void wait_queue_init(struct wait_queue *wq, const char *name);
/* Wake the longest waiter / every waiter. Any context. Returns how many woke. */
int wake_up_one(struct wait_queue *wq);
int wake_up_all(struct wait_queue *wq);
/*
 * wake_up_all, but without the queue's lock when nobody is queued: for a
 * waker that has just changed what the waiters' cond tests (a full fence
 * orders that change before the look at the queue, as wait_until orders its
 * queueing before cond).
 */
int wake_up_all_queued(struct wait_queue *wq);
/*
 * The waiting primitive: queue the caller, mark it blocked, re-test
 * cond(arg) under the queue lock, and block until woken or until
 * deadline_ns (monotonic; 0 = none). Returns 0 when cond held, -ETIMEDOUT.
 * cond runs with wq->lock held and interrupts off: it must not sleep, and it
 * may consume what it tests (take a semaphore count) since it runs once per
 * check under the lock. Thread context, no spinlock held.
 */
int wait_until(struct wait_queue *wq, bool (*cond)(void *arg), void *arg, u64 deadline_ns);
/* The same, but a pending signal (signal_pending()) ends the wait with -EINTR. */
int wait_until_intr(struct wait_queue *wq, bool (*cond)(void *arg), void *arg, u64 deadline_ns);

/*
 * The timeout of a sleep: a one-shot timer on the sleeper's CPU that wakes
 * the thread (sched_wake) at the deadline. wait_until() and poll use it.
 * Protocol: init; when no timer is pending (!armed or fired) arm it and
 * test the condition again - or, if the timer heap refused it (dropped),
 * yield and poll the clock; disarm before the struct (on the sleeper's
 * stack) goes away - it cancels, or waits until the callback is done.
 */
struct wake_timeout {
	struct timer timer;
	struct thread *thread;
	u32 fired;    /* set last by the callback: it no longer uses this struct */
	bool armed;   /* the timer went into the heap: cancel it or wait for fired */
	bool dropped; /* the heap refused it: poll the clock instead */
};
void wake_timeout_init(struct wake_timeout *to, struct thread *t);
void wake_timeout_arm(struct wake_timeout *to, u64 deadline_ns);
bool wake_timeout_fired(struct wake_timeout *to);
void wake_timeout_disarm(struct wake_timeout *to);

/*
 * A sleeping lock with FIFO hand-off: mutex_unlock() gives the mutex straight
 * to the longest waiter. Thread context only; unlocked by its owner only.
 */
struct mutex {
	struct thread *owner; /* NULL = free; taken by CAS, given up or handed off under wq.lock */
	struct wait_queue wq;
};
void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m) __must_check;
void mutex_unlock(struct mutex *m);

struct semaphore {
	s64 count; /* protected by wq.lock */
	struct wait_queue wq;
};
void sem_init(struct semaphore *s, const char *name, s64 count);
void sem_down(struct semaphore *s);
/* 0, or -ETIMEDOUT after timeout_ns. */
int sem_down_timeout(struct semaphore *s, u64 timeout_ns) __must_check;
void sem_up(struct semaphore *s);

struct completion {
	u32 done; /* complete()s not yet consumed (COMPLETION_ALL: forever); wq.lock */
	struct wait_queue wq;
};
#define COMPLETION_ALL 0xffffffffu
void completion_init(struct completion *c, const char *name);
void complete(struct completion *c);	 /* wakes one waiter (or the next to come) */
void complete_all(struct completion *c); /* every waiter, now and later */
void wait_for_completion(struct completion *c);
int wait_for_completion_timeout(struct completion *c, u64 timeout_ns) __must_check;

#endif
