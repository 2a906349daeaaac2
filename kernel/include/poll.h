/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * poll.h - waiting for any of several files at once (fs/poll.c): the
 * engine under poll, ppoll, select and pselect6 (kernel/linux/poll.c).
 *
 * A file's poll method reports its current POLL* mask and, given a poll
 * table, calls poll_wait(pt, wq) for each wait queue whose wake-up may
 * change that mask. poll_wait puts one of the table's wait entries on the
 * queue; a waker unlinks it, marks it woken and wakes the polling thread
 * (the ordinary wait-queue protocol of sync.h), so one thread can sleep on
 * many queues although wait_until() waits on one.
 *
 * The contract for a file type that wants poll, select AND epoll (pipes,
 * ttys, eventfd/timerfd/signalfd, sockets): implement
 * file_operations.poll as
 *   - call poll_wait(pt, wq) for every wait queue whose wake-up may change
 *     the mask (pt may be NULL: just report the mask); never sleep;
 *   - return the POLL* bits true now (POLLIN, POLLOUT, POLLERR, POLLHUP,
 *     POLLRDHUP for a peer that shut down writing, POLLPRI, ...), computed
 *     from state read without sleeping locks;
 *   - wake_up_all(wq) after every change that may set a bit;
 *   - keep the queues alive until the file's release method runs: epoll
 *     (fs/epoll.c) leaves observer entries (wait_entry.notify) on them for
 *     as long as the file is watched, and removes them when the last
 *     reference to the file goes, before release is called.
 * Epoll asks the mask again before reporting, so a wake-up that changed
 * nothing costs a look, never a wrong event; for EPOLLET a wake-up is what
 * makes a file reportable again.
 */
#ifndef MATRIOSKA_POLL_H
#define MATRIOSKA_POLL_H

#include "sync.h"
#include "types.h"

/*
 * One descriptor to watch: the layout of Linux's struct pollfd. For
 * do_poll, events are the bits that count as ready (poll(2) adds POLLERR
 * and POLLHUP itself); revents gets mask & events, or POLLNVAL for a
 * descriptor that is not open. A negative fd is skipped (revents 0).
 */
struct pollfd_k {
	int fd;
	u16 events;
	u16 revents;
};

#define POLL_FOREVER UINT64_MAX /* deadline: no timeout */
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* the peer shut down its writing side (sockets); Linux's bit */
#endif

/*
 * Wait until at least one of fds[0..n) is ready, the monotonic clock
 * reaches deadline_ns (POLL_FOREVER: never; a deadline already passed, 0
 * included, means do not wait) or a signal is pending. Descriptors are
 * looked up in the calling process's table. Returns the number of entries
 * with revents != 0, 0 on timeout, -EINTR (a signal, nothing ready) or
 * -ENOMEM. Thread context, no lock held; may sleep.
 */
int do_poll(struct pollfd_k *fds, u32 n, u64 deadline_ns);

/* ---- internals, shared with the host tests ---- */

/* One registration: wait is on *wq while queued (wait.link not empty); under wq->lock. */
struct poll_entry {
	struct wait_entry wait;
	struct wait_queue *wq;
};

#define POLL_INLINE_ENTRIES 16 /* registrations without allocating (most polls) */
#define POLL_CHUNK_ENTRIES 64  /* per kmalloc'd chunk beyond those */

struct poll_chunk {
	struct poll_chunk *next;
	u32 nr;
	struct poll_entry entries[POLL_CHUNK_ENTRIES];
};

/*
 * The registrations of one poll call, owned by the polling thread (on its
 * stack). Only that thread adds or removes entries; wakers touch an entry
 * only under its queue's lock.
 */
struct poll_table {
	/*
	 * Non-NULL: poll_wait(pt, wq) calls queue(pt, wq) instead of using the
	 * fields below (epoll registers its own observer entries this way).
	 */
	void (*queue)(struct poll_table *pt, struct wait_queue *wq);
	struct thread *thread; /* who is woken */
	u32 nr_inline;
	struct poll_entry inline_entries[POLL_INLINE_ENTRIES];
	struct poll_chunk *chunks; /* overflow, newest first */
	int error;		   /* -ENOMEM: a registration was lost, the poll fails */
};

void poll_table_init(struct poll_table *pt, struct thread *t);
/* Has any entry been woken since it was (re)queued? */
bool poll_table_woken(struct poll_table *pt);
/* Put every woken entry back on its queue (before the masks are looked at again). */
void poll_table_requeue(struct poll_table *pt);
/* Take every entry off its queue and free the chunks. */
void poll_table_release(struct poll_table *pt);
/* Number of registrations (tests). */
u32 poll_table_count(const struct poll_table *pt);

#endif
