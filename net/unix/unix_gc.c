/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/unix/unix_gc.c - sockets in flight: the count of messages carrying
 * each socket's file, a garbage collector for sockets that only queued
 * messages keep alive, and the freeing of purged messages without
 * recursion.
 *
 * The problem: passing a socket over a socket (SCM_RIGHTS) lets files
 * reference each other in a cycle - A's file queued on A itself, or A on
 * B and B on A - so that after every descriptor is closed each file is
 * still held by a queued message and none is ever released.
 *
 * The collector (run by every socket close while sockets are in flight,
 * under unix_lock): a candidate is a socket whose file's references all
 * come from queued messages (refcount == inflight). Count, for each
 * candidate, the references held by messages queued on candidates
 * (including their unaccepted connections). A candidate with more
 * in-flight references than that is reachable from outside; so is any
 * candidate queued on a reachable one (repeated until nothing changes).
 * The queues of the candidates left are purged: their messages are freed,
 * which puts the files and breaks the cycles. Under unix_lock a candidate
 * cannot gain a reference: only receiving a message (which takes the
 * lock) could hand one out.
 *
 * Per user, files in flight are limited (ETOOMANYREFS), as on Linux.
 *
 * Freeing without recursion: putting a queued socket's file closes it,
 * which purges its own queue, which may hold the next socket, and so on -
 * a chain as long as user space likes. unix_free_garbage therefore moves
 * messages onto one deferred list; the first caller drains it (taking
 * what nested closes add), and nested callers return at once.
 */
#include "cred.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "unix.h"
#include "vfs.h"

/* Sockets with inflight > 0, through gc_link; unix_lock. */
static struct list_head unix_inflight = LIST_HEAD_INIT(unix_inflight);
/* Purged messages waiting to be freed, and the thread freeing them; unix_lock. */
static struct list_head unix_deferred = LIST_HEAD_INIT(unix_deferred);
static struct thread *unix_drainer;

/* The socket behind a passed file, or NULL if it is not a socket. */
static struct unix_sock *file_sock(struct file *f)
{
	return file_is_socket(f) ? f->priv : NULL;
}

/*
 * Files in flight per user (the sender's real uid), as Linux counts them:
 * a user other than root may not have more than FD_MAX (RLIMIT_NOFILE)
 * in flight, or sockets holding sockets could take memory without bound.
 */
struct unix_user {
	struct list_head link; /* in unix_users; unix_lock */
	u32 uid;
	u32 inflight; /* files in queued messages sent by uid; freed at 0; unix_lock */
};
static struct list_head unix_users = LIST_HEAD_INIT(unix_users);

int unix_inflight_check_locked(u32 nfds, struct unix_user **out)
{
	struct process *p = current_proc();
	u32 uid = p ? p->cred.uid : 0;
	struct unix_user *u;

	*out = NULL;
	if (!nfds)
		return 0;
	list_for_each_entry (u, &unix_users, link) {
		if (u->uid == uid) {
			*out = u;
			break;
		}
	}
	if (*out && (*out)->inflight > FD_MAX && p && !cred_is_root(&p->cred)) {
		*out = NULL;
		return -ETOOMANYREFS;
	}
	if (!*out) {
		u = kzalloc(sizeof(*u));
		if (!u)
			return -ENOMEM;
		u->uid = uid;
		list_add_tail(&u->link, &unix_users);
		*out = u;
	}
	return 0;
}

/* Drop an entry nothing is counted on (unix_lock held). */
static void user_put_locked(struct unix_user *u)
{
	if (u && !u->inflight) {
		list_del(&u->link);
		kfree(u);
	}
}

void unix_inflight_unused_locked(struct unix_user *u)
{
	user_put_locked(u);
}

void unix_inflight_add_locked(struct unix_skb *skb, int delta)
{
	struct unix_sock *s;
	u32 i;

	if (skb->user && skb->nfds) {
		if (delta > 0) {
			skb->user->inflight += skb->nfds;
		} else {
			skb->user->inflight -= skb->nfds;
			user_put_locked(skb->user);
			skb->user = NULL;
		}
	}
	for (i = 0; i < skb->nfds; i++) {
		s = file_sock(skb->fds[i]);
		if (!s)
			continue;
		if (delta > 0 && s->inflight++ == 0)
			list_add_tail(&s->gc_link, &unix_inflight);
		else if (delta < 0 && --s->inflight == 0)
			list_del(&s->gc_link);
	}
}

/* Call fn on every socket passed in a message queued on s. */
static void each_sock_in_queue(struct unix_sock *s, void (*fn)(struct unix_sock *x))
{
	struct unix_skb *skb;
	u32 i;

	list_for_each_entry (skb, &s->rcvq, link)
		for (i = 0; i < skb->nfds; i++)
			if (file_sock(skb->fds[i]))
				fn(file_sock(skb->fds[i]));
}

/* The same for s and its pending connections. */
static void each_queued_sock(struct unix_sock *s, void (*fn)(struct unix_sock *x))
{
	struct unix_sock *n;

	each_sock_in_queue(s, fn);
	list_for_each_entry (n, &s->acceptq, accept_link)
		each_sock_in_queue(n, fn);
}

static void count_internal(struct unix_sock *x)
{
	if (x->gc_candidate)
		x->gc_internal++;
}

/* Candidates found reachable and not yet scanned, through gc_next; unix_lock. */
static struct unix_sock *gc_stack;

static void mark_reachable(struct unix_sock *x)
{
	if (!x->gc_candidate || x->gc_reachable)
		return;
	x->gc_reachable = true;
	x->gc_next = gc_stack;
	gc_stack = x;
}

void unix_gc_locked(struct list_head *garbage)
{
	struct unix_sock *s, *n, *dead = NULL;

	list_for_each_entry (s, &unix_inflight, gc_link) {
		s->gc_candidate = s->file && __atomic_load_n(&s->file->refcount,
							     __ATOMIC_RELAXED) == s->inflight;
		s->gc_internal = 0;
		s->gc_reachable = false;
	}
	list_for_each_entry (s, &unix_inflight, gc_link)
		if (s->gc_candidate)
			each_queued_sock(s, count_internal);
	gc_stack = NULL;
	list_for_each_entry (s, &unix_inflight, gc_link)
		if (s->gc_candidate && s->gc_internal < s->inflight)
			mark_reachable(s); /* held from outside the candidates too */
	while ((s = gc_stack)) {
		gc_stack = s->gc_next;
		each_queued_sock(s, mark_reachable);
	}
	/* The rest is garbage. Collect it first: purging changes the in-flight list. */
	list_for_each_entry (s, &unix_inflight, gc_link) {
		if (s->gc_candidate && !s->gc_reachable) {
			s->gc_next = dead;
			dead = s;
		}
	}
	for (s = dead; s; s = s->gc_next) { /* each still held by a message on garbage */
		unix_purge_locked(s, garbage);
		list_for_each_entry (n, &s->acceptq, accept_link)
			unix_purge_locked(n, garbage);
	}
}

void unix_free_garbage(struct list_head *garbage)
{
	struct unix_skb *skb;

	mutex_lock(&unix_lock);
	while (!list_empty(garbage)) {
		skb = list_first_entry(garbage, struct unix_skb, link);
		list_del(&skb->link);
		list_add_tail(&skb->link, &unix_deferred);
	}
	if (unix_drainer) { /* a nested close, or another thread: it frees ours too */
		mutex_unlock(&unix_lock);
		return;
	}
	unix_drainer = current_thread();
	while (!list_empty(&unix_deferred)) {
		skb = list_first_entry(&unix_deferred, struct unix_skb, link);
		list_del(&skb->link);
		mutex_unlock(&unix_lock);
		unix_skb_free(skb);
		mutex_lock(&unix_lock);
	}
	unix_drainer = NULL;
	mutex_unlock(&unix_lock);
}
