/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/unix/af_unix.c - AF_UNIX sockets (socket.h): creating them and
 * socketpair, names (file-system nodes made by bind, abstract names,
 * autobind), listen/connect/accept, getsockname/getpeername, shutdown,
 * socket options, poll and close. The message queues (send, receive,
 * SCM_RIGHTS) are in unix_msg.c; the locking and lifetime rules in
 * unix.h; sockets in flight and their collector in unix_gc.c.
 *
 * A socket is an open file whose priv is its unix_sock and whose inode
 * is an S_IFSOCK inode of a private "sockfs" super block, so fstat says
 * "socket". A file-system name is a socket node made with vfs_mknod;
 * the socket keeps an O_PATH file of it (the node's inode identifies the
 * socket to connect and sendto), as Linux keeps the node's path. The
 * node outlives the socket until unlinked, as on Linux; connecting to a
 * node nobody is bound to is ECONNREFUSED.
 *
 * A stream connect makes the server's end at once (an "embryo" on the
 * listener's accept queue, connected to the client), so the client can
 * write before accept; accept gives the embryo a file.
 */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "pipe.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "timer.h"
#include "uaccess.h"
#include "unix.h"
#include "vfs.h"

struct mutex unix_lock = {
	.owner = NULL,
	.wq = {.lock = SPINLOCK_INIT("unix_lock", LOCK_RANK_WAITQ),
	       .waiters = LIST_HEAD_INIT(unix_lock.wq.waiters)},
};

/* Every bound socket (file-system and abstract names); unix_lock. */
static struct list_head unix_bound = LIST_HEAD_INIT(unix_bound);
static u32 autobind_next; /* unix_lock */

/* The super block of socket inodes; made at the first socket, never freed. */
static struct fs_type sockfs_type = {.name = "sockfs"};
static struct super_block *sockfs_sb; /* unix_lock */
#define SOCKFS_MAGIC 0x534F434B

static const struct file_operations unix_fops;

void unix_shutdown(void)
{
	struct super_block *sb;

	mutex_lock(&unix_lock);
	sb = sockfs_sb;
	sockfs_sb = NULL;
	mutex_unlock(&unix_lock);
	if (sb)
		sb_put(sb);
}

static u32 load(const u32 *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* ---- objects ---- */

void unix_sock_get(struct unix_sock *s)
{
	__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
}

void unix_sock_put(struct unix_sock *s)
{
	if (!s || __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	kfree(s->addr);
	kfree(s);
}

static struct unix_sock *unix_sock_alloc(u16 type)
{
	struct unix_sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refcount = 1;
	s->type = type;
	s->state = UNIX_UNCONNECTED;
	s->sndbuf = s->rcvbuf = UNIX_SNDBUF_DEFAULT;
	s->peercred = (struct sock_ucred){0, (u32)-1, (u32)-1};
	list_init(&s->senders);
	list_init(&s->sender_link);
	list_init(&s->bound_link);
	list_init(&s->rcvq);
	list_init(&s->acceptq);
	list_init(&s->accept_link);
	list_init(&s->gc_link);
	wait_queue_init(&s->wq, "unix");
	wait_queue_init(&s->room_wq, "unix_room");
	return s;
}

/* The caller's pid and effective ids (SO_PEERCRED), as at connect time on Linux. */
static struct sock_ucred current_ucred(void)
{
	struct process *p = current_proc();

	if (!p)
		return (struct sock_ucred){0, 0, 0};
	return (struct sock_ucred){p->pid, p->cred.euid, p->cred.egid};
}

struct sock_ucred unix_current_cred(void)
{
	struct process *p = current_proc();

	if (!p)
		return (struct sock_ucred){0, 0, 0};
	return (struct sock_ucred){p->pid, p->cred.uid, p->cred.gid};
}

static u32 unix_mask_locked(const struct unix_sock *s)
{
	bool writable = (u64)s->wmem * 4 <= s->sndbuf;
	u32 m = 0;

	if (s->err)
		m |= POLLERR;
	if (s->shut & UNIX_RCV_SHUT)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (s->shut == UNIX_SHUT_MASK)
		m |= POLLHUP;
	if (!list_empty(&s->rcvq) || !list_empty(&s->acceptq))
		m |= POLLIN | POLLRDNORM;
	if (s->type != SOCK_DGRAM) {
		if (s->state == UNIX_UNCONNECTED)
			m |= POLLHUP;
		if (s->state == UNIX_LISTENING)
			writable = false;
	} else if (s->peer && s->peer->peer != s && s->peer->rcv_count > UNIX_DGRAM_QLEN) {
		writable = false; /* the destination's queue is full */
	}
	if (writable)
		m |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return m;
}

void unix_consumed_locked(struct unix_sock *s)
{
	__atomic_store_n(&s->mask, unix_mask_locked(s), __ATOMIC_RELAXED);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	wake_up_all(&s->room_wq);
}

void unix_notify(struct unix_sock *s)
{
	unix_consumed_locked(s);
	wake_up_all(&s->wq);
}

struct unix_seqwait {
	struct unix_sock *s;
	u32 seen;
};

static bool unix_seq_moved(void *arg)
{
	struct unix_seqwait *w = arg;

	return __atomic_load_n(&w->s->seq, __ATOMIC_ACQUIRE) != w->seen;
}

static int wait_on_locked(struct unix_sock *s, struct wait_queue *wq, u64 deadline)
{
	struct unix_seqwait w = {s, s->seq};
	int err;

	mutex_unlock(&unix_lock);
	err = wait_until_intr(wq, unix_seq_moved, &w, deadline);
	mutex_lock(&unix_lock);
	return err == -ETIMEDOUT ? -EAGAIN : err;
}

int unix_wait_locked(struct unix_sock *s, u64 deadline)
{
	return wait_on_locked(s, &s->wq, deadline);
}

int unix_wait_room_locked(struct unix_sock *s, u64 deadline)
{
	return wait_on_locked(s, &s->room_wq, deadline);
}

u64 unix_deadline(u64 timeo)
{
	return timeo ? clock_ns() + timeo : 0;
}

/* ---- files ---- */

bool file_is_socket(const struct file *f)
{
	return f && f->ops == &unix_fops;
}

/* A socket file for s (or, s NULL, one to attach a socket to later): one reference. */
static struct file *unix_file_alloc(struct unix_sock *s, u32 flags)
{
	struct sock_ucred who = current_ucred();
	struct inode *inode;
	struct file *f;

	mutex_lock(&unix_lock);
	if (!sockfs_sb)
		sockfs_sb = sb_alloc(&sockfs_type, NULL, SOCKFS_MAGIC);
	inode = sockfs_sb ? inode_alloc(sockfs_sb, S_IFSOCK | 0777) : NULL;
	mutex_unlock(&unix_lock);
	if (!inode)
		return NULL;
	inode->uid = who.uid;
	inode->gid = who.gid;
	f = file_alloc_anon(&unix_fops, s, O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0));
	if (!f) {
		inode_put(inode);
		return NULL;
	}
	f->fmode |= FMODE_NOSEEK;
	f->inode = inode;
	return f;
}

static int type_check(int family, int type, int protocol, u16 *out)
{
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	switch (type & SOCK_TYPE_MASK) {
	case SOCK_STREAM:
	case SOCK_SEQPACKET:
	case SOCK_DGRAM:
		*out = (u16)(type & SOCK_TYPE_MASK);
		break;
	case SOCK_RAW:
		*out = SOCK_DGRAM;
		break;
	default: /* a type of another family (below SOCK_MAX, 11) or none at all */
		return (type & SOCK_TYPE_MASK) < 11 ? -ESOCKTNOSUPPORT : -EINVAL;
	}
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return 0;
}

int sock_create(int family, int type, int protocol, struct file **out)
{
	struct unix_sock *s;
	u16 t;
	int err = type_check(family, type, protocol, &t);

	*out = NULL;
	if (err)
		return err;
	s = unix_sock_alloc(t);
	if (!s)
		return -ENOMEM;
	*out = unix_file_alloc(s, (u32)type);
	if (!*out) {
		unix_sock_put(s);
		return -ENOMEM;
	}
	mutex_lock(&unix_lock);
	s->file = *out;
	unix_notify(s);
	mutex_unlock(&unix_lock);
	return 0;
}

int sock_create_pair(int family, int type, int protocol, struct file **a, struct file **b)
{
	struct sock_ucred who = current_ucred();
	struct unix_sock *sa, *sb;
	int err;

	*a = *b = NULL;
	err = sock_create(family, type, protocol, a);
	if (err)
		return err;
	err = sock_create(family, type, protocol, b);
	if (err) {
		file_put(*a);
		*a = NULL;
		return err;
	}
	sa = (*a)->priv;
	sb = (*b)->priv;
	mutex_lock(&unix_lock);
	unix_sock_get(sa);
	unix_sock_get(sb);
	sa->peer = sb;
	sb->peer = sa;
	if (sa->type == SOCK_DGRAM) {
		list_add_tail(&sa->sender_link, &sb->senders);
		list_add_tail(&sb->sender_link, &sa->senders);
	}
	sa->state = sb->state = UNIX_CONNECTED;
	sa->peercred = sb->peercred = who;
	unix_notify(sa);
	unix_notify(sb);
	mutex_unlock(&unix_lock);
	return 0;
}

/* ---- names ---- */

int unix_addr_import(const struct sock_addr *in, struct unix_addr *out)
{
	u16 family;

	if (in->len <= SUN_PATH_OFFSET || in->len > SOCKADDR_UN_SIZE)
		return -EINVAL;
	memcpy(&family, in->data, sizeof(family));
	if (family != AF_UNIX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out->data, in->data, in->len);
	out->len = in->len;
	if (!unix_addr_abstract(out)) /* a path: up to its NUL, which is counted */
		out->len = SUN_PATH_OFFSET +
			   (u32)strnlen((char *)out->data + SUN_PATH_OFFSET,
					in->len - SUN_PATH_OFFSET) +
			   1;
	return 0;
}

void unix_name_of(const struct unix_sock *s, struct sock_addr *out)
{
	u16 family = AF_UNIX;

	memset(out, 0, sizeof(*out));
	if (s->addr) {
		out->len = s->addr->len;
		memcpy(out->data, s->addr->data, s->addr->len);
	} else {
		out->len = SUN_PATH_OFFSET;
		memcpy(out->data, &family, sizeof(family));
	}
}

/* The bound socket with abstract name a, or NULL (unix_lock held). */
static struct unix_sock *find_abstract_locked(const struct unix_addr *a)
{
	struct unix_sock *s;

	list_for_each_entry (s, &unix_bound, bound_link)
		if (!s->node && s->addr->len == a->len && !memcmp(s->addr->data, a->data, a->len))
			return s;
	return NULL;
}

int unix_find(const struct vfs_ctx *c, const struct unix_addr *a, struct unix_sock **out)
{
	struct file *node = NULL;
	struct unix_sock *s, *found = NULL;
	int err;

	*out = NULL;
	if (!unix_addr_abstract(a)) {
		err = vfs_open(c, (const char *)a->data + SUN_PATH_OFFSET, O_PATH, 0, &node);
		if (err)
			return err;
		if (!S_ISSOCK(node->inode->mode)) {
			file_put(node);
			return -ECONNREFUSED;
		}
		err = vfs_file_permission(node, c->cred, W_OK);
		if (err) {
			file_put(node);
			return err;
		}
	}
	mutex_lock(&unix_lock);
	if (node) {
		list_for_each_entry (s, &unix_bound, bound_link) {
			if (s->node && s->node->inode == node->inode) {
				found = s;
				break;
			}
		}
	} else {
		found = find_abstract_locked(a);
	}
	if (found)
		unix_sock_get(found);
	mutex_unlock(&unix_lock);
	if (node)
		file_put(node);
	*out = found;
	return found ? 0 : -ECONNREFUSED;
}

/* An abstract name nobody has: "\0" and five hex digits (unix_lock held). */
static int autobind_name_locked(struct unix_addr *a)
{
	static const char hex[] = "0123456789abcdef";
	u16 family = AF_UNIX;
	u32 tries, i, n;

	for (tries = 0; tries < 0x100000; tries++) {
		n = autobind_next++ & 0xfffff;
		memset(a, 0, sizeof(*a));
		memcpy(a->data, &family, sizeof(family));
		for (i = 0; i < 5; i++)
			a->data[SUN_PATH_OFFSET + 5 - i] = (u8)hex[(n >> (4 * i)) & 0xf];
		a->len = SUN_PATH_OFFSET + 6;
		if (!find_abstract_locked(a))
			return 0;
	}
	return -ENOSPC;
}

int unix_maybe_autobind(struct unix_sock *s)
{
	struct unix_addr *a;
	bool need;
	int err = 0;

	mutex_lock(&unix_lock);
	need = s->passcred && !s->addr;
	mutex_unlock(&unix_lock);
	if (!need)
		return 0;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	mutex_lock(&unix_lock);
	if (!s->addr) {
		err = autobind_name_locked(a);
		if (!err) {
			s->addr = a;
			list_add_tail(&s->bound_link, &unix_bound);
			a = NULL;
		}
	}
	mutex_unlock(&unix_lock);
	kfree(a);
	return err;
}

int sock_bind(struct file *f, const struct vfs_ctx *c, const struct sock_addr *in)
{
	struct unix_sock *s = f->priv;
	struct unix_addr *a;
	struct file *node = NULL;
	bool autobind = in->len == SUN_PATH_OFFSET;
	u16 family;
	int err;

	if (in->len < SUN_PATH_OFFSET)
		return -EINVAL;
	memcpy(&family, in->data, sizeof(family));
	if (family != AF_UNIX)
		return -EINVAL;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (!autobind) {
		err = unix_addr_import(in, a);
		if (err)
			goto out_free;
	}
	mutex_lock(&unix_lock);
	err = s->addr ? -EINVAL : 0;
	mutex_unlock(&unix_lock);
	if (err)
		goto out_free;
	if (!autobind && !unix_addr_abstract(a)) {
		/* Make the node, then hold it (a race with an unlink in between is harmless). */
		const char *path = (const char *)a->data + SUN_PATH_OFFSET;

		err = vfs_mknod(c, path, S_IFSOCK | 0777, 0);
		if (err == -EEXIST)
			err = -EADDRINUSE;
		if (!err)
			err = vfs_open(c, path, O_PATH | O_NOFOLLOW, 0, &node);
		if (err)
			goto out_free;
	}
	mutex_lock(&unix_lock);
	if (s->addr)
		err = -EINVAL; /* bound meanwhile by another thread */
	else if (autobind)
		err = autobind_name_locked(a);
	else if (!node && find_abstract_locked(a))
		err = -EADDRINUSE;
	if (!err) {
		s->addr = a;
		s->node = node;
		list_add_tail(&s->bound_link, &unix_bound);
		a = NULL;
		node = NULL;
	}
	mutex_unlock(&unix_lock);
	if (node) { /* lost a race with another bind: the node made here goes, as on Linux */
		file_put(node);
		vfs_unlink(c, (const char *)a->data + SUN_PATH_OFFSET);
	}
out_free:
	kfree(a);
	return err;
}

int sock_getname(struct file *f, bool peer, struct sock_addr *out)
{
	struct unix_sock *s = f->priv;
	int err = 0;

	mutex_lock(&unix_lock);
	if (!peer)
		unix_name_of(s, out);
	else if (s->peer)
		unix_name_of(s->peer, out);
	else
		err = -ENOTCONN;
	mutex_unlock(&unix_lock);
	return err;
}

/* ---- connections ---- */

int sock_listen(struct file *f, int backlog)
{
	struct unix_sock *s = f->priv;
	int err = 0;

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if ((u32)backlog > UNIX_BACKLOG_MAX)
		backlog = UNIX_BACKLOG_MAX;
	mutex_lock(&unix_lock);
	if (!s->addr || s->state == UNIX_CONNECTED) {
		err = -EINVAL;
	} else {
		if (s->state != UNIX_LISTENING)
			s->peercred = current_ucred();
		s->state = UNIX_LISTENING;
		s->backlog = (u32)backlog;
		unix_notify(s);
	}
	mutex_unlock(&unix_lock);
	return err;
}

/* Unlink s from its datagram peer (unix_lock held); the reference goes to *put. */
static void dgram_disconnect_locked(struct unix_sock *s, struct unix_sock **put)
{
	if (!s->peer)
		return;
	list_del(&s->sender_link);
	*put = s->peer;
	s->peer = NULL;
	unix_notify(s);
}

static int dgram_connect(struct unix_sock *s, const struct vfs_ctx *c, const struct sock_addr *in)
{
	struct unix_sock *p = NULL, *old = NULL;
	struct unix_addr *a;
	u16 family = AF_UNSPEC;
	int err;

	if (in->len >= sizeof(family))
		memcpy(&family, in->data, sizeof(family));
	if (family == AF_UNSPEC && in->len >= sizeof(family)) {
		mutex_lock(&unix_lock);
		dgram_disconnect_locked(s, &old);
		mutex_unlock(&unix_lock);
		unix_sock_put(old);
		return 0;
	}
	a = kmalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	err = unix_addr_import(in, a);
	if (!err)
		err = unix_find(c, a, &p);
	kfree(a);
	if (err)
		return err;
	mutex_lock(&unix_lock);
	if (p->dead)
		err = -ECONNREFUSED;
	else if (p->type != s->type)
		err = -EPROTOTYPE;
	else if (p->peer && p->peer != s)
		err = -EPERM;
	if (!err) {
		dgram_disconnect_locked(s, &old);
		s->peer = p; /* takes over unix_find's reference */
		list_add_tail(&s->sender_link, &p->senders);
		p = NULL;
		unix_notify(s);
	}
	mutex_unlock(&unix_lock);
	unix_sock_put(p);
	unix_sock_put(old);
	return err;
}

static int stream_connect(struct unix_sock *s, const struct vfs_ctx *c, const struct sock_addr *in,
			  bool nonblock)
{
	struct unix_sock *l = NULL, *n;
	struct unix_addr *a;
	u64 deadline;
	int err;

	a = kmalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	err = unix_addr_import(in, a);
	if (!err)
		err = unix_find(c, a, &l);
	kfree(a);
	if (err)
		return err;
	n = unix_sock_alloc(s->type); /* the server's end */
	if (!n) {
		unix_sock_put(l);
		return -ENOMEM;
	}
	mutex_lock(&unix_lock);
	deadline = unix_deadline(s->sndtimeo);
	for (;;) {
		if (s->state == UNIX_CONNECTED)
			err = -EISCONN;
		else if (s->state == UNIX_LISTENING)
			err = -EINVAL;
		else if (l->dead || l->state != UNIX_LISTENING)
			err = -ECONNREFUSED;
		else if (l->type != s->type)
			err = -EPROTOTYPE;
		else if (l->nr_pending > l->backlog)
			err = nonblock ? -EAGAIN : unix_wait_locked(l, deadline);
		else
			break;
		if (err)
			goto out_unlock;
	}
	/* n: connected to s, queued on l (the queue owns n's first reference). */
	n->state = UNIX_CONNECTED;
	n->peercred = current_ucred();
	n->sndbuf = l->sndbuf;
	if (l->addr) {
		n->addr = kmalloc(sizeof(*n->addr));
		if (n->addr)
			*n->addr = *l->addr;
	}
	unix_sock_get(s);
	n->peer = s;
	unix_sock_get(n);
	s->peer = n;
	s->state = UNIX_CONNECTED;
	s->peercred = l->peercred;
	list_add_tail(&n->accept_link, &l->acceptq);
	l->nr_pending++;
	n = NULL;
	unix_notify(s);
	unix_notify(l);
out_unlock:
	mutex_unlock(&unix_lock);
	unix_sock_put(n);
	unix_sock_put(l);
	return err;
}

int sock_connect(struct file *f, const struct vfs_ctx *c, const struct sock_addr *in)
{
	struct unix_sock *s = f->priv;
	int err = unix_maybe_autobind(s);

	if (err)
		return err;

	if (s->type == SOCK_DGRAM)
		return dgram_connect(s, c, in);
	return stream_connect(s, c, in, file_nonblock(f));
}

int sock_accept(struct file *f, u32 flags, struct file **out, struct sock_addr *peer)
{
	struct unix_sock *l = f->priv, *n = NULL;
	struct file *nf;
	u64 deadline;
	int err = 0;

	*out = NULL;
	if (l->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (flags & ~(u32)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	nf = unix_file_alloc(NULL, flags);
	if (!nf)
		return -ENOMEM;
	mutex_lock(&unix_lock);
	deadline = unix_deadline(l->rcvtimeo);
	for (;;) {
		if (l->state != UNIX_LISTENING)
			err = -EINVAL;
		else if (!list_empty(&l->acceptq))
			break;
		else if (file_nonblock(f))
			err = -EAGAIN;
		else
			err = unix_wait_locked(l, deadline);
		if (err)
			goto out_unlock;
	}
	n = list_first_entry(&l->acceptq, struct unix_sock, accept_link);
	list_del(&n->accept_link);
	l->nr_pending--;
	nf->priv = n; /* the file takes over the queue's reference */
	n->file = nf;
	unix_name_of(n->peer, peer);
	unix_notify(n);
	unix_notify(l);
	*out = nf;
	nf = NULL;
out_unlock:
	mutex_unlock(&unix_lock);
	if (nf)
		file_put(nf);
	return err;
}

int sock_shutdown(struct file *f, int how)
{
	struct unix_sock *s = f->priv, *p;
	u8 mode, peer_mode = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = (u8)(how + 1); /* SHUT_RD -> RCV, SHUT_WR -> SEND, SHUT_RDWR -> both */
	if (mode & UNIX_RCV_SHUT)
		peer_mode |= UNIX_SEND_SHUT;
	if (mode & UNIX_SEND_SHUT)
		peer_mode |= UNIX_RCV_SHUT;
	mutex_lock(&unix_lock);
	s->shut |= mode;
	unix_notify(s);
	p = s->peer;
	if (p && s->type != SOCK_DGRAM && s->state == UNIX_CONNECTED) {
		p->shut |= peer_mode;
		unix_notify(p);
	}
	mutex_unlock(&unix_lock);
	return 0;
}

/* ---- closing ---- */

/*
 * s's file is gone (embryo: a connection its listener dropped unaccepted):
 * disconnect it, unbind it, purge its queue (unix_lock held). Unaccepted
 * connections of a listener go onto *embryos, messages onto *garbage and
 * the name's node file into *node, for the caller to finish.
 */
static void unix_release_locked(struct unix_sock *s, bool embryo, struct list_head *garbage,
				struct list_head *embryos, struct file **node)
{
	struct unix_sock *p = s->peer, *x, *tmp;
	bool unread = !list_empty(&s->rcvq);

	s->dead = true;
	if (s->addr && !list_empty(&s->bound_link)) {
		list_del(&s->bound_link);
		*node = s->node;
		s->node = NULL;
	}
	list_for_each_entry_safe (x, tmp, &s->acceptq, accept_link) {
		list_del(&x->accept_link);
		list_add_tail(&x->accept_link, embryos);
		s->nr_pending--;
	}
	if (p && s->type != SOCK_DGRAM) {
		p->shut = UNIX_SHUT_MASK;
		if (unread || embryo)
			p->err = ECONNRESET;
		unix_notify(p);
	} else if (p) {
		list_del(&s->sender_link);
		unix_notify(p);
	}
	if (p) {
		s->peer = NULL;
		unix_sock_put(p); /* p is referenced elsewhere or dead: no more than a kfree */
	}
	/* Datagram sockets sending to s: their next send fails (ECONNREFUSED). */
	list_for_each_entry (x, &s->senders, sender_link)
		unix_notify(x);
	unix_purge_locked(s, garbage);
	unix_notify(s);
}

static void unix_release(struct file *f)
{
	struct unix_sock *s = f->priv, *n;
	struct list_head garbage = LIST_HEAD_INIT(garbage);
	struct list_head embryos = LIST_HEAD_INIT(embryos);
	struct file *node = NULL, *none = NULL;

	if (!s)
		return; /* an accept that found nothing */
	mutex_lock(&unix_lock);
	s->file = NULL;
	unix_release_locked(s, false, &garbage, &embryos, &node);
	while (!list_empty(&embryos)) {
		n = list_first_entry(&embryos, struct unix_sock, accept_link);
		list_del(&n->accept_link);
		unix_release_locked(n, true, &garbage, &embryos, &none);
		unix_sock_put(n); /* the accept queue's reference */
	}
	unix_gc_locked(&garbage);
	mutex_unlock(&unix_lock);
	unix_free_garbage(&garbage);
	if (node)
		file_put(node);
	unix_sock_put(s);
}

/* ---- file operations ---- */

static s64 unix_read(struct file *f, struct uio *u, u64 *pos)
{
	struct sock_msg m = {.iov = u, .iovcnt = 1, .total = u->len};

	return sock_recvmsg(f, &m, 0);
}

static s64 unix_write(struct file *f, struct uio *u, u64 *pos)
{
	struct sock_msg m = {.iov = u, .iovcnt = 1, .total = u->len};

	return sock_sendmsg(f, &m, 0);
}

static u32 unix_poll(struct file *f, struct poll_table *pt)
{
	struct unix_sock *s = f->priv;

	poll_wait(pt, &s->wq);
	return load(&s->mask);
}

#define SIOCOUTQ 0x5411 /* TIOCOUTQ: bytes sent, not yet received */

static long unix_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct unix_sock *s = f->priv;
	int n;

	mutex_lock(&unix_lock);
	if (cmd == FIONREAD)
		n = s->state == UNIX_LISTENING ? -EINVAL : (int)unix_inq_locked(s);
	else if (cmd == SIOCOUTQ)
		n = (int)s->wmem;
	else
		n = -ENOTTY;
	mutex_unlock(&unix_lock);
	if (n < 0)
		return n;
	if (copy_to_user((void *)(uintptr_t)arg, &n, sizeof(n)))
		return -EFAULT;
	return 0;
}

static const struct file_operations unix_fops = {
	.read = unix_read,
	.write = unix_write,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.release = unix_release,
};

/* ---- data (the halves are in unix_msg.c) ---- */

s64 sock_sendmsg(struct file *f, struct sock_msg *m, u32 flags)
{
	struct unix_sock *s = f->priv;
	s64 ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	ret = unix_sendmsg(s, m, flags, file_nonblock(f) || (flags & MSG_DONTWAIT));
	if (ret == -EPIPE && s->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL))
		signal_send_thread(current_thread(), SIGPIPE);
	return ret;
}

s64 sock_recvmsg(struct file *f, struct sock_msg *m, u32 flags)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	return unix_recvmsg(f->priv, m, flags, file_nonblock(f) || (flags & MSG_DONTWAIT));
}

/* ---- options ---- */

static u32 clamp_buf(s32 v)
{
	u64 d = v < 0 ? 0 : 2 * (u64)v;

	return (u32)MIN(MAX(d, (u64)UNIX_SNDBUF_MIN), (u64)UNIX_SNDBUF_MAX);
}

/* SO_RCVTIMEO/SO_SNDTIMEO: a struct timeval to ns (0: forever), Linux's checks. */
static int timeval_to_timeo(const void *val, u32 len, u64 *out)
{
	s64 tv[2];

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(tv, val, sizeof(tv));
	if (tv[1] < 0 || tv[1] >= 1000000)
		return -EDOM;
	if (tv[0] < 0)
		*out = 1; /* already expired: do not wait */
	else if (tv[0] > 1000000000)
		*out = 0; /* beyond any deadline: forever */
	else
		*out = (u64)tv[0] * 1000000000ull + (u64)tv[1] * 1000ull;
	return 0;
}

int sock_setsockopt(struct file *f, int level, int name, const void *val, u32 len)
{
	struct unix_sock *s = f->priv;
	u64 timeo;
	s32 v;
	int err;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		err = timeval_to_timeo(val, len, &timeo);
		if (err)
			return err;
		mutex_lock(&unix_lock);
		if (name == SO_RCVTIMEO)
			s->rcvtimeo = timeo;
		else
			s->sndtimeo = timeo;
		mutex_unlock(&unix_lock);
		return 0;
	}
	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	mutex_lock(&unix_lock);
	switch (name) {
	case SO_PASSCRED:
		s->passcred = v != 0;
		break;
	case SO_SNDBUF:
		s->sndbuf = clamp_buf(v);
		unix_notify(s);
		break;
	case SO_RCVBUF:
		s->rcvbuf = clamp_buf(v);
		break;
	case SO_REUSEADDR: /* accepted, meaningless here, as on Linux */
	case SO_KEEPALIVE:
	case SO_DEBUG:
	case SO_BROADCAST:
	case SO_DONTROUTE:
	case SO_LINGER:
		break;
	default:
		mutex_unlock(&unix_lock);
		return -ENOPROTOOPT;
	}
	mutex_unlock(&unix_lock);
	return 0;
}

int sock_getsockopt(struct file *f, int level, int name, void *val, u32 *len)
{
	struct unix_sock *s = f->priv;
	s32 v = 0;
	int err = 0;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	mutex_lock(&unix_lock);
	switch (name) {
	case SO_TYPE:
		v = s->type;
		break;
	case SO_ERROR:
		v = s->err;
		s->err = 0;
		unix_notify(s);
		break;
	case SO_PASSCRED:
		v = s->passcred;
		break;
	case SO_SNDBUF:
		v = (s32)s->sndbuf;
		break;
	case SO_RCVBUF:
		v = (s32)s->rcvbuf;
		break;
	case SO_ACCEPTCONN:
		v = s->state == UNIX_LISTENING;
		break;
	case SO_DOMAIN:
		v = AF_UNIX;
		break;
	case SO_PROTOCOL:
		v = 0;
		break;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_DEBUG:
	case SO_BROADCAST:
	case SO_DONTROUTE:
		break;
	case SO_PEERCRED:
		memcpy(val, &s->peercred, sizeof(s->peercred));
		*len = sizeof(s->peercred);
		mutex_unlock(&unix_lock);
		return 0;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		u64 t = name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo;
		s64 tv[2] = {(s64)(t / 1000000000ull), (s64)(t % 1000000000ull / 1000ull)};

		memcpy(val, tv, sizeof(tv));
		*len = sizeof(tv);
		mutex_unlock(&unix_lock);
		return 0;
	}
	default:
		err = -ENOPROTOOPT;
	}
	mutex_unlock(&unix_lock);
	if (!err) {
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
	}
	return err;
}
