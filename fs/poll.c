/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/poll.c - sleeping on many wait queues at once (poll.h): poll_wait()
 * for file poll methods and do_poll(), the loop under poll/select.
 *
 * The wait: do_poll asks every file for its mask, the first time with a
 * poll table so that each file registers its wait queues (poll_wait puts a
 * wait_entry of the table on the queue, under the queue's lock). If nothing
 * is ready, the thread marks itself THREAD_BLOCKED and only then looks
 * again at what can wake it - an entry marked woken, a pending signal, a
 * fired timeout - before calling sched_block(). A waker that came before
 * the mark left its trace in one of those; one that comes after finds the
 * thread blocked and sched_wake() makes it runnable, so sched_block()
 * returns at once (sched.h). Either way no wake-up is lost. Wakers unlink
 * the entries they wake, so woken entries are queued again before the
 * masks are looked at the next time; masks are re-read without registering
 * anew (the files keep their queues).
 *
 * Timeouts arm a one-shot timer on the stack whose callback wakes the
 * thread and then records that it is done; leaving, the thread cancels the
 * timer or, if it is already firing (maybe on another CPU), waits for that
 * record before the stack frame goes away. If the timer heap refuses the
 * timer, the loop yields and polls the clock instead.
 *
 * Files stay referenced (fd_get) for the whole call, so their queues
 * outlive the entries; every entry still queued is removed under its
 * queue's lock before the files are put.
 */
#include "poll.h"
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "timer.h"
#include "vfs.h"

/* ---- the poll table ---- */

void poll_table_init(struct poll_table *pt, struct thread *t)
{
	pt->queue = NULL;
	pt->thread = t;
	pt->nr_inline = 0;
	pt->chunks = NULL;
	pt->error = 0;
}

/* A free entry, or NULL (out of memory). May allocate; never sleeps. */
static struct poll_entry *poll_table_slot(struct poll_table *pt)
{
	struct poll_chunk *c = pt->chunks;

	if (pt->nr_inline < POLL_INLINE_ENTRIES)
		return &pt->inline_entries[pt->nr_inline++];
	if (!c || c->nr == POLL_CHUNK_ENTRIES) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return NULL;
		c->nr = 0;
		c->next = pt->chunks;
		pt->chunks = c;
	}
	return &c->entries[c->nr++];
}

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_entry *e;
	unsigned long flags;

	if (!pt || !wq)
		return;
	if (pt->queue) {
		pt->queue(pt, wq);
		return;
	}
	e = poll_table_slot(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->wq = wq;
	e->wait.thread = pt->thread;
	e->wait.woken = false;
	e->wait.notify = NULL;
	flags = spin_lock_irqsave(&wq->lock);
	list_add_tail(&e->wait.link, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Call fn on every entry. */
static void poll_table_each(struct poll_table *pt, void (*fn)(struct poll_entry *e, void *arg),
			    void *arg)
{
	struct poll_chunk *c;
	u32 i;

	for (i = 0; i < pt->nr_inline; i++)
		fn(&pt->inline_entries[i], arg);
	for (c = pt->chunks; c; c = c->next)
		for (i = 0; i < c->nr; i++)
			fn(&c->entries[i], arg);
}

static void entry_woken(struct poll_entry *e, void *arg)
{
	if (__atomic_load_n(&e->wait.woken, __ATOMIC_RELAXED))
		*(bool *)arg = true;
}

bool poll_table_woken(struct poll_table *pt)
{
	bool any = false;

	poll_table_each(pt, entry_woken, &any);
	return any;
}

static void entry_requeue(struct poll_entry *e, void *arg)
{
	unsigned long flags = spin_lock_irqsave(&e->wq->lock);

	if (e->wait.woken && list_empty(&e->wait.link)) {
		e->wait.woken = false;
		list_add_tail(&e->wait.link, &e->wq->waiters);
	}
	spin_unlock_irqrestore(&e->wq->lock, flags);
}

void poll_table_requeue(struct poll_table *pt)
{
	poll_table_each(pt, entry_requeue, NULL);
}

static void entry_remove(struct poll_entry *e, void *arg)
{
	unsigned long flags = spin_lock_irqsave(&e->wq->lock);

	if (!list_empty(&e->wait.link))
		list_del(&e->wait.link);
	spin_unlock_irqrestore(&e->wq->lock, flags);
}

void poll_table_release(struct poll_table *pt)
{
	struct poll_chunk *c;

	poll_table_each(pt, entry_remove, NULL);
	while ((c = pt->chunks)) {
		pt->chunks = c->next;
		kfree(c);
	}
	pt->nr_inline = 0;
}

static void entry_count(struct poll_entry *e, void *arg)
{
	(*(u32 *)arg)++;
}

u32 poll_table_count(const struct poll_table *pt)
{
	u32 n = 0;

	poll_table_each((struct poll_table *)pt, entry_count, &n);
	return n;
}

/* ---- the loop ---- */

/* Look at every descriptor (registering with pt if non-NULL); the number ready. */
static int poll_scan(struct pollfd_k *fds, struct file **files, u32 n, struct poll_table *pt)
{
	int ready = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!files[i])
			fds[i].revents = POLLNVAL;
		else
			fds[i].revents = (u16)(vfs_poll(files[i], pt) & fds[i].events);
		if (fds[i].revents)
			ready++;
	}
	return ready;
}

static void set_state(struct thread *t, u32 state)
{
	__atomic_store_n(&t->state, state, __ATOMIC_RELAXED);
}

int do_poll(struct pollfd_k *fds, u32 n, u64 deadline_ns)
{
	struct process *proc = current_proc();
	struct thread *t = current_thread();
	struct wake_timeout to;
	struct file **files = NULL;
	struct poll_table pt; /* ~700 bytes: registrations of most polls need no allocation */
	bool first = true;
	int ret;
	u32 i;

	if (n) {
		files = kzalloc(n * sizeof(*files));
		if (!files)
			return -ENOMEM;
	}
	poll_table_init(&pt, t);
	wake_timeout_init(&to, t);
	for (i = 0; i < n; i++)
		if (fds[i].fd >= 0 && proc)
			files[i] = fd_get(proc->files, fds[i].fd);

	for (;;) {
		ret = poll_scan(fds, files, n, first ? &pt : NULL);
		first = false;
		if (pt.error) {
			ret = pt.error;
			break;
		}
		if (ret)
			break;
		if (clock_ns() >= deadline_ns)
			break; /* ret == 0: timed out (or no wait asked for) */
		if (signal_pending()) {
			ret = -EINTR;
			break;
		}
		if (deadline_ns != POLL_FOREVER && (!to.armed || wake_timeout_fired(&to))) {
			/* No timer pending: arm one and look again, or poll if none can be had. */
			if (!to.dropped)
				wake_timeout_arm(&to, deadline_ns);
			if (to.dropped)
				sched_yield();
			continue;
		}
		set_state(t, THREAD_BLOCKED);
		/* Order the mark before the loads below (a waker stores, then reads our state). */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (poll_table_woken(&pt) || signal_pending() ||
		    (deadline_ns != POLL_FOREVER && wake_timeout_fired(&to)))
			set_state(t, THREAD_RUNNABLE);
		else
			sched_block();
		poll_table_requeue(&pt);
	}

	poll_table_release(&pt);
	wake_timeout_disarm(&to);
	for (i = 0; i < n; i++)
		if (files[i])
			file_put(files[i]);
	kfree(files);
	return ret;
}
