/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * futex.c - the wait queues behind futex(2), keyed by (address space,
 * address) or a physical address (see futex.h). No user memory here: the
 * Linux layer (kernel/linux/futex.c) computes keys and reads the words, so
 * this file also runs on the host (tests/unit/test_futex.c).
 *
 * Data structures: FUTEX_BUCKETS buckets, each a spinlock and a FIFO list
 * of struct futex_waiter. A waiter lives on the sleeping thread's stack and
 * has its own wait_queue, on which only that thread sleeps.
 *
 * Invariants and locking:
 *  - a waiter is in exactly the list of w->bucket while !w->woken; key,
 *    bucket and link change only under that bucket's lock (requeue holds
 *    both buckets' locks, lower address first, to move one);
 *  - a waker unlinks the waiter, sets woken and wakes its wait queue, all
 *    under the bucket lock; the waiter, whatever ended its sleep, takes its
 *    (current) bucket's lock before it returns, so no waker still uses the
 *    waiter once it is gone from the stack;
 *  - bucket locks are leaves (only waiter wait-queue locks and the
 *    scheduler's are taken inside them) and are never held across a user
 *    memory access.
 */
#include "futex.h"
#include "errno.h"
#include "list.h"
#include "sync.h"

#define FUTEX_HASH_BITS 8
#define FUTEX_BUCKETS (1u << FUTEX_HASH_BITS)

struct futex_bucket {
	struct spinlock lock;	  /* zero-initialised is a valid unlocked, unranked lock */
	struct list_head waiters; /* struct futex_waiter.link, oldest first; under lock */
};

struct futex_waiter {
	struct list_head link;	     /* in bucket->waiters while !woken */
	struct futex_key key;	     /* what it waits on (requeue changes it) */
	u32 bitset;		     /* wakes must share a bit with it */
	struct futex_bucket *bucket; /* its bucket; changes under both old and new lock */
	bool woken;		     /* unlinked by a waker; set under the bucket lock */
	struct wait_queue wq;	     /* the waiter alone sleeps here */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	u64 h = (k->space ^ (k->addr >> 2) ^ (k->addr << 17)) * 0x9e3779b97f4a7c15ull;

	return &buckets[h >> (64 - FUTEX_HASH_BITS)];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* Lock b (interrupts off); the list is set up on first use, so the table needs no init call. */
static unsigned long bucket_lock(struct futex_bucket *b)
{
	unsigned long f = spin_lock_irqsave(&b->lock);

	if (!b->waiters.next)
		list_init(&b->waiters);
	return f;
}

/* Lock the bucket w is queued in (it may move under us while we wait for the lock). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w, unsigned long *f)
{
	for (;;) {
		struct futex_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);

		*f = bucket_lock(b);
		if (__atomic_load_n(&w->bucket, __ATOMIC_RELAXED) == b)
			return b;
		spin_unlock_irqrestore(&b->lock, *f);
	}
}

/* Unlink w and wake its thread; w's bucket lock held. */
static void wake_waiter_locked(struct futex_waiter *w)
{
	list_del(&w->link);
	__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
	wake_up_all(&w->wq);
}

static bool waiter_woken(void *arg)
{
	struct futex_waiter *w = arg;

	return __atomic_load_n(&w->woken, __ATOMIC_ACQUIRE);
}

int futex_wait_key(const struct futex_key *k, u32 bitset, bool (*still_equal)(void *arg), void *arg,
		   u64 deadline_ns)
{
	struct futex_waiter w = {.key = *k, .bitset = bitset};
	struct futex_bucket *b = bucket_of(k);
	unsigned long f;
	int err;

	if (!bitset)
		return -EINVAL;
	wait_queue_init(&w.wq, "futex");
	w.bucket = b;
	f = bucket_lock(b);
	list_add_tail(&w.link, &b->waiters);
	spin_unlock_irqrestore(&b->lock, f);
	/*
	 * Queued before reading the word, with a full barrier in between; a
	 * waker stores the word before its (locked, so fully ordered) look at
	 * the queue. So either we see its new value or it sees us.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	err = still_equal(arg) ? wait_until_intr(&w.wq, waiter_woken, &w, deadline_ns) : -EAGAIN;

	b = lock_waiter_bucket(&w, &f);
	if (w.woken)
		err = 0; /* a wake counted us: report it, whatever else happened */
	else
		list_del(&w.link);
	spin_unlock_irqrestore(&b->lock, f);
	return err;
}

int futex_wake_key(const struct futex_key *k, u32 bitset, int nr)
{
	struct futex_bucket *b = bucket_of(k);
	struct futex_waiter *w, *tmp;
	unsigned long f;
	int n = 0;

	if (!bitset)
		return -EINVAL;
	f = bucket_lock(b);
	list_for_each_entry_safe (w, tmp, &b->waiters, link) {
		if (n >= nr)
			break;
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			wake_waiter_locked(w);
			n++;
		}
	}
	spin_unlock_irqrestore(&b->lock, f);
	return n;
}

int futex_requeue_key(const struct futex_key *k1, const struct futex_key *k2, int nr_wake,
		      int nr_requeue)
{
	struct futex_bucket *b1 = bucket_of(k1), *b2 = bucket_of(k2);
	struct futex_bucket *lo = b1 < b2 ? b1 : b2, *hi = b1 < b2 ? b2 : b1;
	struct futex_waiter *w, *tmp;
	unsigned long f, f2 = 0;
	int woken = 0, moved = 0;

	f = bucket_lock(lo);
	if (hi != lo)
		f2 = bucket_lock(hi);
	list_for_each_entry_safe (w, tmp, &b1->waiters, link) {
		if (!key_eq(&w->key, k1))
			continue;
		if (woken < nr_wake) {
			wake_waiter_locked(w);
			woken++;
		} else if (moved < nr_requeue) {
			w->key = *k2;
			if (b2 != b1) {
				list_del(&w->link);
				list_add_tail(&w->link, &b2->waiters);
				__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
			}
			moved++;
		} else {
			break;
		}
	}
	if (hi != lo)
		spin_unlock_irqrestore(&hi->lock, f2);
	spin_unlock_irqrestore(&lo->lock, f);
	return woken + moved;
}

int futex_waiters(const struct futex_key *k)
{
	struct futex_bucket *b = bucket_of(k);
	struct futex_waiter *w;
	unsigned long f = bucket_lock(b);
	int n = 0;

	list_for_each_entry (w, &b->waiters, link)
		n += key_eq(&w->key, k);
	spin_unlock_irqrestore(&b->lock, f);
	return n;
}
