/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/epoll.c - epoll instances (epoll.h): a set of watched files (items)
 * and a ready list that the files' wake-ups fill, so epoll_wait costs the
 * ready files, not all of them.
 *
 * Registration: EPOLL_CTL_ADD calls the file's poll method with a poll
 * table whose queue hook (poll.h) puts an observer entry (an ep_hook, a
 * wait_entry with notify set, sync.h) on every wait queue the file names.
 * A wake-up on such a queue calls ep_hook_notify, which puts the item on
 * the ready list (if it is not there and not disabled by EPOLLONESHOT) and
 * wakes the instance's sleepers and pollers. Nothing is reported from the
 * notify itself: epoll_wait asks each ready item's file for its mask again
 * (ep_send_events) and reports mask & events, so a wake-up that changed
 * nothing costs a look. A level-triggered item that was reported goes back
 * on the ready list (it is looked at again next time and dropped once its
 * file is not ready); an EPOLLET item does not (only the next wake-up puts
 * it back); an EPOLLONESHOT item is disabled (events cleared but for the
 * flags) until EPOLL_CTL_MOD.
 *
 * Lifetime: items do not hold a reference to their file. The file points
 * at its items (file->epoll_items) and file_put calls epoll_file_release
 * when the last reference goes, before the file's release method, which
 * removes the hooks from the queues while they still exist.
 *
 * Locking, in order: epoll_global (a mutex: every file's item list, and
 * item creation and removal) -> ep->mtx (a mutex: the item tree, and
 * ep_send_events, so files cannot go while their masks are read) -> a
 * file's wait-queue lock (LOCK_RANK_WAITQ; hooks are linked and unlinked
 * under it, notify runs under it) -> ep->lock (LOCK_RANK_EPOLL, a spinlock
 * taken with interrupts off since notify may run in interrupt context:
 * the ready list, item->on_rdlist, item->events, nready) -> ep->wq and
 * ep->poll_wq (LOCK_RANK_EPOLL_WQ, woken by notify after ep->lock is
 * dropped). Because notify takes ranks above a queue lock, an epoll cannot
 * watch another epoll (its poll_wq would nest); that is refused (EINVAL).
 */
#include "epoll.h"
#include "errno.h"
#include "lib.h"
#include "list.h"
#include "mm.h"
#include "poll.h"
#include "rbtree.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

/* The bits an item keeps when EPOLLONESHOT disables it. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_ALWAYS (EPOLLERR | EPOLLHUP)

struct eventpoll {
	struct mutex mtx;	   /* items; ep_send_events (see the top) */
	struct spinlock lock;	   /* rank LOCK_RANK_EPOLL: rdlist, on_rdlist, events, nready */
	struct rb_root items;	   /* struct epitem.node by (file, fd); mtx and epoll_global */
	struct list_head rdlist;   /* struct epitem.rd_link of items to look at; lock */
	u32 nready;		   /* entries on rdlist; stored under lock, loaded atomically */
	struct wait_queue wq;	   /* threads in epoll_wait */
	struct wait_queue poll_wq; /* poll/select on the epoll file itself */
};

struct epitem;

/* One observer on one of a file's wait queues. */
struct ep_hook {
	struct wait_entry wait; /* notify = ep_hook_notify; on *wq until the item goes */
	struct wait_queue *wq;
	struct epitem *epi;
	struct ep_hook *next;
};

struct epitem {
	struct eventpoll *ep;
	struct file *file; /* not referenced: the item goes with the file */
	int fd;
	u32 events;		  /* EPOLL* asked for, with ET/ONESHOT; ep->lock */
	u64 data;		  /* ep->mtx */
	bool on_rdlist;		  /* ep->lock */
	struct rb_node node;	  /* in ep->items */
	struct list_head rd_link; /* ep->rdlist while on_rdlist */
	struct epitem *file_next; /* file->epoll_items chain; epoll_global */
	struct ep_hook *hooks;	  /* registrations; ep->mtx */
	int error;		  /* -ENOMEM while registering */
};

static struct mutex epoll_global = {
	.owner = NULL,
	.wq = {.lock = SPINLOCK_INIT("epoll_global", LOCK_RANK_WAITQ),
	       .waiters = LIST_HEAD_INIT(epoll_global.wq.waiters)},
};

static const struct file_operations epoll_fops;

bool file_is_epoll(const struct file *f)
{
	return f->ops == &epoll_fops;
}

/* ---- the ready list ---- */

/* Queue epi for a look unless it is there already. ep->lock held. */
static void rdlist_add_locked(struct eventpoll *ep, struct epitem *epi)
{
	if (epi->on_rdlist)
		return;
	epi->on_rdlist = true;
	list_add_tail(&epi->rd_link, &ep->rdlist);
	__atomic_store_n(&ep->nready, ep->nready + 1, __ATOMIC_RELEASE);
}

static void rdlist_del_locked(struct eventpoll *ep, struct epitem *epi)
{
	if (!epi->on_rdlist)
		return;
	epi->on_rdlist = false;
	list_del(&epi->rd_link);
	__atomic_store_n(&ep->nready, ep->nready - 1, __ATOMIC_RELEASE);
}

/* Move every entry of from, in order, to the front of to. */
static void list_move_all_head(struct list_head *from, struct list_head *to)
{
	struct list_head *first = from->next, *last = from->prev;

	if (list_empty(from))
		return;
	first->prev = to;
	last->next = to->next;
	to->next->prev = last;
	to->next = first;
	list_init(from);
}

static void ep_wake(struct eventpoll *ep)
{
	wake_up_all(&ep->wq);
	wake_up_all(&ep->poll_wq);
}

/* Put epi on the ready list and wake the waiters. Any context. */
static void ep_make_ready(struct eventpoll *ep, struct epitem *epi)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool armed = (epi->events & ~EP_PRIVATE_BITS) != 0;

	if (armed)
		rdlist_add_locked(ep, epi);
	spin_unlock_irqrestore(&ep->lock, flags);
	if (armed)
		ep_wake(ep);
}

/* A watched queue was woken (its lock held, interrupts off). */
static void ep_hook_notify(struct wait_entry *w)
{
	struct ep_hook *h = container_of(w, struct ep_hook, wait);

	ep_make_ready(h->epi->ep, h->epi);
}

/* ---- registration ---- */

struct ep_pt {
	struct poll_table pt;
	struct epitem *epi;
};

/* poll_wait() of the item's file while it is added: hook onto wq. */
static void ep_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *epi = container_of(pt, struct ep_pt, pt)->epi;
	struct ep_hook *h = kmalloc(sizeof(*h));
	unsigned long flags;

	if (!h) {
		epi->error = -ENOMEM;
		return;
	}
	h->wq = wq;
	h->epi = epi;
	h->wait.thread = NULL;
	h->wait.woken = false;
	h->wait.notify = ep_hook_notify;
	h->next = epi->hooks;
	epi->hooks = h;
	flags = spin_lock_irqsave(&wq->lock);
	list_add(&h->wait.link, &wq->waiters); /* observers go first (sync.h) */
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Order of the item tree: by file, then by descriptor. */
static int ep_cmp(const struct file *f, int fd, const struct epitem *epi)
{
	if (f != epi->file)
		return (uintptr_t)f < (uintptr_t)epi->file ? -1 : 1;
	return fd < epi->fd ? -1 : fd > epi->fd;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct rb_node *n = ep->items.node;
	struct epitem *epi;
	int c;

	while (n) {
		epi = rb_entry(n, struct epitem, node);
		c = ep_cmp(f, fd, epi);
		if (!c)
			return epi;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

/* Put epi (not in the tree yet, its key unused there) into ep->items. */
static void ep_tree_insert(struct eventpoll *ep, struct epitem *epi)
{
	struct rb_node **link = &ep->items.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = ep_cmp(epi->file, epi->fd, rb_entry(parent, struct epitem, node)) < 0
			       ? &parent->left
			       : &parent->right;
	}
	rb_link_node(&epi->node, parent, link);
	rb_insert_color(&epi->node, &ep->items);
}

/* Forget epi: off the queues, the ready list and both lists. epoll_global and ep->mtx held. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	struct epitem **pp;
	struct ep_hook *h;
	unsigned long flags;

	while ((h = epi->hooks)) {
		epi->hooks = h->next;
		flags = spin_lock_irqsave(&h->wq->lock);
		list_del(&h->wait.link); /* no notify for this hook after this */
		spin_unlock_irqrestore(&h->wq->lock, flags);
		kfree(h);
	}
	flags = spin_lock_irqsave(&ep->lock);
	rdlist_del_locked(ep, epi);
	spin_unlock_irqrestore(&ep->lock, flags);
	rb_erase(&epi->node, &ep->items);
	for (pp = &epi->file->epoll_items; *pp; pp = &(*pp)->file_next)
		if (*pp == epi) {
			*pp = epi->file_next;
			break;
		}
	kfree(epi);
}

static int ep_insert(struct eventpoll *ep, int fd, struct file *f, const struct epoll_event_k *ev)
{
	struct epitem *epi = kzalloc(sizeof(*epi));
	struct ep_pt ept;
	u32 mask;

	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events | EP_ALWAYS;
	epi->data = ev->data;
	ep_tree_insert(ep, epi);
	epi->file_next = f->epoll_items;
	f->epoll_items = epi;

	poll_table_init(&ept.pt, NULL);
	ept.pt.queue = ep_queue;
	ept.epi = epi;
	mask = vfs_poll(f, &ept.pt);
	if (epi->error) {
		int err = epi->error;

		ep_remove(ep, epi);
		return err;
	}
	if (mask & epi->events)
		ep_make_ready(ep, epi);
	return 0;
}

static void ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event_k *ev)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	epi->events = ev->events | EP_ALWAYS;
	spin_unlock_irqrestore(&ep->lock, flags);
	epi->data = ev->data;
	/* Re-armed (ONESHOT) or asking for more: report what is true now. */
	if (vfs_poll(epi->file, NULL) & epi->events)
		ep_make_ready(ep, epi);
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *target,
		   const struct epoll_event_k *ev)
{
	struct eventpoll *ep;
	struct epitem *epi;
	int ret = 0;

	if (!file_is_epoll(epf) || target == epf || file_is_epoll(target))
		return -EINVAL;
	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		return -EINVAL;
	if (!target->ops->poll)
		return -EPERM;
	/* Unknown bits are ignored, as on Linux; EPOLLEXCLUSIVE only on ADD. */
	if (op == EPOLL_CTL_MOD && (ev->events & EPOLLEXCLUSIVE))
		return -EINVAL;
	ep = epf->priv;
	mutex_lock(&epoll_global);
	mutex_lock(&ep->mtx);
	epi = ep_find(ep, target, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		ret = epi ? -EEXIST : ep_insert(ep, fd, target, ev);
		break;
	case EPOLL_CTL_MOD:
		if (!epi)
			ret = -ENOENT;
		else if (epi->events & EPOLLEXCLUSIVE)
			ret = -EINVAL;
		else
			ep_modify(ep, epi, ev);
		break;
	default:
		if (!epi)
			ret = -ENOENT;
		else
			ep_remove(ep, epi);
		break;
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epoll_global);
	return ret;
}

void epoll_file_release(struct file *f)
{
	struct eventpoll *ep;
	struct epitem *epi;

	mutex_lock(&epoll_global);
	while ((epi = f->epoll_items)) {
		ep = epi->ep;
		mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epoll_global);
}

/* ---- waiting ---- */

/*
 * Look at the ready list: report up to max items whose file is ready now,
 * requeue level-triggered ones, disable one-shot ones. ep->mtx held.
 */
static long ep_send_events(struct eventpoll *ep, void *uevents, u32 max)
{
	struct list_head tx;
	struct epoll_event_k ev;
	struct epitem *epi;
	unsigned long flags;
	long n = 0;
	u32 mask;

	list_init(&tx);
	flags = spin_lock_irqsave(&ep->lock);
	/* Move the list to tx; items there keep on_rdlist so notify leaves them be. */
	list_move_all_head(&ep->rdlist, &tx);
	spin_unlock_irqrestore(&ep->lock, flags);

	while (!list_empty(&tx) && (u32)n < max) {
		epi = list_first_entry(&tx, struct epitem, rd_link);
		flags = spin_lock_irqsave(&ep->lock);
		list_del(&epi->rd_link);
		epi->on_rdlist = false;
		__atomic_store_n(&ep->nready, ep->nready - 1, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&ep->lock, flags);

		mask = vfs_poll(epi->file, NULL) & epi->events & ~EP_PRIVATE_BITS;
		if (!mask)
			continue; /* not ready (any more): off the list until a wake-up */
		ev.events = mask;
		ev.data = epi->data;
		if (copy_to_user((u8 *)uevents + (size_t)n * sizeof(ev), &ev, sizeof(ev))) {
			ep_make_ready(ep, epi);
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		flags = spin_lock_irqsave(&ep->lock);
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET))
			rdlist_add_locked(ep, epi); /* behind the others: they get their turn */
		spin_unlock_irqrestore(&ep->lock, flags);
	}
	/* Not looked at (array full): first in line next time. Still counted in nready. */
	if (!list_empty(&tx)) {
		flags = spin_lock_irqsave(&ep->lock);
		list_move_all_head(&tx, &ep->rdlist);
		spin_unlock_irqrestore(&ep->lock, flags);
	}
	return n;
}

static bool ep_has_ready(void *arg)
{
	struct eventpoll *ep = arg;

	return __atomic_load_n(&ep->nready, __ATOMIC_ACQUIRE) != 0;
}

long epoll_wait_file(struct file *epf, void *uevents, u32 max, u64 deadline_ns)
{
	struct eventpoll *ep = epf->priv;
	long n;
	int err;

	if (!file_is_epoll(epf) || !max)
		return -EINVAL;
	for (;;) {
		mutex_lock(&ep->mtx);
		n = ep_send_events(ep, uevents, max);
		mutex_unlock(&ep->mtx);
		if (n)
			return n;
		if (deadline_ns == 0)
			return 0;
		err = wait_until_intr(&ep->wq, ep_has_ready, ep,
				      deadline_ns == UINT64_MAX ? 0 : deadline_ns);
		if (err == -ETIMEDOUT)
			return 0;
		if (err)
			return err;
	}
}

/* ---- the epoll file ---- */

static u32 epoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;

	poll_wait(pt, &ep->poll_wq);
	/* A candidate may turn out not ready when looked at: a hint, as poll allows. */
	return ep_has_ready(ep) ? POLLIN | POLLRDNORM : 0;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	if (!ep)
		return;
	mutex_lock(&epoll_global);
	mutex_lock(&ep->mtx);
	while (ep->items.node)
		ep_remove(ep, rb_entry(ep->items.node, struct epitem, node));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epoll_global);
	kfree(ep);
}

static const struct file_operations epoll_fops = {
	.poll = epoll_poll,
	.release = epoll_release,
};

int epoll_create_file(u32 flags, struct file **out)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep));
	struct file *f;

	*out = NULL;
	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx, "epoll");
	spin_init(&ep->lock, "epoll_rdlist", LOCK_RANK_EPOLL);
	ep->items = (struct rb_root)RB_ROOT_INIT;
	list_init(&ep->rdlist);
	wait_queue_init(&ep->wq, "epoll_wait");
	spin_init(&ep->wq.lock, "epoll_wait", LOCK_RANK_EPOLL_WQ);
	wait_queue_init(&ep->poll_wq, "epoll_poll");
	spin_init(&ep->poll_wq.lock, "epoll_poll", LOCK_RANK_EPOLL_WQ);
	f = file_alloc_anon(&epoll_fops, ep, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	f->fmode |= FMODE_NOSEEK;
	*out = f;
	return 0;
}
