/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * futex.h - fast user-space mutex wait queues (kernel/ipc/futex.c), the
 * part of futex(2) that knows nothing about user memory: threads wait on a
 * key, wakers wake up to n waiters of a key (optionally filtered by a
 * bitset), and requeue moves waiters from one key to another.
 *
 * A key names a 32-bit word: (address space, user address) for a private
 * futex, (FUTEX_KEY_PAGE, physical address) for a word in memory shared
 * between address spaces. kernel/linux/futex.c turns user addresses into
 * keys and supplies the "does the word still hold the value" test.
 *
 * Keys hash into a fixed table of buckets, each a spinlock and a FIFO list
 * of waiters; a waiter lives on its sleeping thread's stack.
 */
#ifndef MATRIOSKA_FUTEX_H
#define MATRIOSKA_FUTEX_H

#include "types.h"

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_KEY_PAGE 1 /* key.space of a shared (physical page) key */

struct futex_key {
	u64 space; /* the vm_space of a private futex, or FUTEX_KEY_PAGE */
	u64 addr;  /* user address (private) or physical address (shared) */
};

/*
 * Queue the caller on k (woken only by wakes whose bitset meets bitset),
 * then call still_equal(arg): false means the word changed and the wait
 * ends with -EAGAIN. Otherwise sleep until woken (0), the monotonic
 * deadline_ns passes (-ETIMEDOUT; 0 = no deadline) or a signal is pending
 * (-EINTR). still_equal runs with no lock held (it may fault on user
 * memory); a wake between queueing and the test is never lost, since the
 * waiter is queued before it reads the word and the waker changes the word
 * before it looks at the queue. A waiter that was woken returns 0 even if
 * its deadline or a signal came at the same time.
 */
int futex_wait_key(const struct futex_key *k, u32 bitset, bool (*still_equal)(void *arg), void *arg,
		   u64 deadline_ns);
/* Wake up to nr waiters of k whose bitset meets bitset, oldest first. Returns how many. */
int futex_wake_key(const struct futex_key *k, u32 bitset, int nr);
/*
 * Wake up to nr_wake waiters of k1 and move up to nr_requeue of the rest to
 * k2 (they then wait there as if they had called futex_wait_key on k2).
 * Returns the number woken plus the number moved.
 */
int futex_requeue_key(const struct futex_key *k1, const struct futex_key *k2, int nr_wake,
		      int nr_requeue);
/*
 * Wake up to nr waiters of the calling process's word at user address
 * uaddr, as FUTEX_WAKE without FUTEX_PRIVATE_FLAG (kernel/linux/futex.c;
 * thread exit uses it for CLONE_CHILD_CLEARTID). Count or -errno.
 */
int futex_wake_user(u64 uaddr, int nr);
struct thread;
/*
 * The calling thread t (Linux tid tid) is ending: every robust futex on
 * the list it registered with set_robust_list that it still owns gets
 * FUTEX_OWNER_DIED and one waiter woken (kernel/linux/futex.c).
 */
void futex_exit_robust_list(struct thread *t, int tid);
/* How many threads wait on k (tests). */
int futex_waiters(const struct futex_key *k);

#endif
