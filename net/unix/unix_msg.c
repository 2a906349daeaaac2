/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/unix/unix_msg.c - AF_UNIX message queues: sending (stream pieces,
 * datagrams, packets, with SCM_RIGHTS files attached) and receiving them
 * (MSG_PEEK, MSG_TRUNC, MSG_WAITALL, sender addresses), and the purge of
 * a closed socket's queue. Locking and lifetime: unix.h.
 *
 * Flow control is Linux's: what a sender's messages not yet received cost
 * (wmem: their bytes plus UNIX_SKB_OVERHEAD and the file pointers each,
 * as Linux counts an skb's truesize, so that even empty messages
 * carrying files are bounded) may not exceed its sndbuf (streams block, or EAGAIN, until the reader
 * takes some); a datagram receiver that is not connected back to the sender is full with more than
 * UNIX_DGRAM_QLEN messages queued. A datagram larger than sndbuf - 32 bytes is EMSGSIZE.
 *
 * Stream reads: a read never joins data sent with descriptors to data
 * before it, and stops after the piece that carried them, so the files
 * arrive with the bytes they were sent with (as on Linux).
 *
 * In-flight files: a message holds a reference to each file it carries.
 * Receiving hands the references to the caller; a message never received
 * is freed with its socket (unix_purge_locked + unix_free_garbage), which
 * puts them. Sockets kept alive only by each other's queued messages are
 * found by the collector in unix_gc.c.
 */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "unix.h"
#include "vfs.h"

/* ---- iov helpers ---- */

/* Copy n bytes at offset off of the message's segments to/from buf. 0 or -EFAULT. */
static int iov_copy(const struct sock_msg *m, size_t off, void *buf, size_t n, bool out)
{
	u32 i;

	for (i = 0; i < m->iovcnt && n; i++) {
		const struct uio *u = &m->iov[i];
		size_t k;
		int err;

		if (off >= u->len) {
			off -= u->len;
			continue;
		}
		k = MIN(u->len - off, n);
		err = out ? uio_copy_out(u, off, buf, k) : uio_copy_in(buf, u, off, k);
		if (err)
			return err;
		buf = (u8 *)buf + k;
		n -= k;
		off = 0;
	}
	return n ? -EFAULT : 0;
}

/* ---- messages ---- */

/*
 * A message of len bytes from offset off of m, carrying m's files
 * (referenced anew) if fds. NULL with *err = -ENOBUFS or -EFAULT.
 */
static struct unix_skb *skb_alloc(const struct sock_msg *m, size_t off, u32 len, bool fds, s64 *err)
{
	struct unix_skb *skb = kmalloc(sizeof(*skb) + len);
	u32 i;

	*err = -ENOBUFS;
	if (!skb)
		return NULL;
	list_init(&skb->link);
	skb->from = NULL;
	skb->fds = NULL;
	skb->nfds = 0;
	skb->user = NULL;
	skb->len = len;
	skb->off = 0;
	skb->cred = m->has_cred ? m->cred : unix_current_cred();
	if (iov_copy(m, off, skb->data, len, false)) {
		kfree(skb);
		*err = -EFAULT;
		return NULL;
	}
	if (fds && m->nfds) {
		skb->fds = kmalloc(m->nfds * sizeof(*skb->fds));
		if (!skb->fds) {
			kfree(skb);
			return NULL;
		}
		for (i = 0; i < m->nfds; i++)
			skb->fds[i] = file_get(m->fds[i]);
		skb->nfds = m->nfds;
	}
	return skb;
}

void unix_skb_free(struct unix_skb *skb)
{
	u32 i;

	for (i = 0; i < skb->nfds; i++)
		file_put(skb->fds[i]);
	kfree(skb->fds);
	unix_sock_put(skb->from);
	kfree(skb);
}

/* Put skb on r's queue, sent by s (unix_lock held). */
static void skb_queue_locked(struct unix_sock *r, struct unix_sock *s, struct unix_skb *skb)
{
	struct unix_sock *x;

	unix_sock_get(s);
	skb->from = s;
	skb->charge = skb->len + UNIX_SKB_OVERHEAD + skb->nfds * (u32)sizeof(struct file *);
	s->wmem += skb->charge;
	unix_inflight_add_locked(skb, 1);
	list_add_tail(&skb->link, &r->rcvq);
	r->rcv_bytes += skb->len;
	r->rcv_count++;
	unix_notify(r);
	unix_notify(s);
	if (r->type == SOCK_DGRAM) /* r's fullness is their POLLOUT */
		list_for_each_entry (x, &r->senders, sender_link)
			unix_notify(x);
}

/* Take skb off r's queue: its sender gets the room back (unix_lock held). */
static void skb_unlink_locked(struct unix_sock *r, struct unix_skb *skb)
{
	struct unix_sock *x;

	list_del(&skb->link);
	unix_inflight_add_locked(skb, -1); /* files still on it: a purge */
	r->rcv_bytes -= skb->len;
	r->rcv_count--;
	if (skb->from) {
		skb->from->wmem -= skb->charge;
		unix_notify(skb->from);
	}
	unix_consumed_locked(r);
	if (r->type == SOCK_DGRAM)
		list_for_each_entry (x, &r->senders, sender_link)
			unix_notify(x);
}

void unix_purge_locked(struct unix_sock *s, struct list_head *garbage)
{
	struct unix_skb *skb;

	while (!list_empty(&s->rcvq)) {
		skb = list_first_entry(&s->rcvq, struct unix_skb, link);
		skb_unlink_locked(s, skb);
		list_add_tail(&skb->link, garbage);
	}
}

u32 unix_inq_locked(const struct unix_sock *s)
{
	const struct unix_skb *skb;

	if (list_empty(&s->rcvq))
		return 0;
	if (s->type == SOCK_STREAM) {
		u32 n = 0;

		list_for_each_entry (skb, &s->rcvq, link)
			n += skb->len - skb->off;
		return n;
	}
	return list_first_entry(&s->rcvq, struct unix_skb, link)->len;
}

/* ---- sending ---- */

static s64 stream_send(struct unix_sock *s, struct sock_msg *m, bool nonblock)
{
	struct unix_user *user;
	u64 deadline;
	size_t sent = 0;
	bool fds = true;
	s64 err = 0;

	mutex_lock(&unix_lock);
	if (m->name && m->name->len) {
		err = s->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		goto out;
	}
	if (s->state != UNIX_CONNECTED || !s->peer) {
		err = -ENOTCONN;
		goto out;
	}
	if (s->shut & UNIX_SEND_SHUT)
		err = -EPIPE;
	deadline = unix_deadline(s->sndtimeo);
	while (!err && sent < m->total) {
		struct unix_sock *p = s->peer;
		struct unix_skb *skb;
		u32 room, n;

		if ((s->shut & UNIX_SEND_SHUT) || p->dead || (p->shut & UNIX_RCV_SHUT)) {
			err = -EPIPE;
			break;
		}
		room = s->sndbuf > s->wmem + UNIX_SKB_OVERHEAD
			       ? s->sndbuf - s->wmem - UNIX_SKB_OVERHEAD
			       : 0;
		if (!room) {
			err = nonblock ? -EAGAIN : unix_wait_locked(s, deadline);
			if (err)
				break;
			continue;
		}
		n = (u32)MIN(MIN(m->total - sent, (size_t)UNIX_SKB_MAX), (size_t)room);
		err = unix_inflight_check_locked(fds ? m->nfds : 0, &user);
		if (err)
			break;
		skb = skb_alloc(m, sent, n, fds, &err);
		if (!skb) {
			unix_inflight_unused_locked(user);
			break;
		}
		skb->user = user;
		fds = false;
		skb_queue_locked(p, s, skb);
		sent += n;
	}
out:
	mutex_unlock(&unix_lock);
	return sent ? (s64)sent : err;
}

/* Can s send len bytes to p now? (unix_lock held) */
static bool dgram_room(struct unix_sock *s, struct unix_sock *p, u32 len, bool *peer_full)
{
	*peer_full = p->peer != s && p->rcv_count > UNIX_DGRAM_QLEN;
	return !*peer_full && (s->wmem == 0 || (u64)s->wmem + len + UNIX_SKB_OVERHEAD <= s->sndbuf);
}

static s64 dgram_send(struct unix_sock *s, struct sock_msg *m, bool nonblock)
{
	struct unix_sock *p = NULL, *old = NULL;
	struct unix_skb *skb;
	bool named = m->name && m->name->len && s->type == SOCK_DGRAM, full;
	u64 deadline;
	s64 err = 0;

	if (m->total > s->sndbuf - UNIX_DGRAM_OVERHEAD)
		return -EMSGSIZE;
	if (named) {
		struct unix_addr *a = kmalloc(sizeof(*a));

		if (!a)
			return -ENOMEM;
		err = unix_addr_import(m->name, a);
		if (!err)
			err = unix_find(m->ctx, a, &p);
		kfree(a);
		if (err)
			return err;
	}
	skb = skb_alloc(m, 0, (u32)m->total, true, &err);
	if (!skb) {
		unix_sock_put(p);
		return err;
	}
	err = 0;
	mutex_lock(&unix_lock);
	if (!p) {
		if (s->type == SOCK_SEQPACKET && s->state != UNIX_CONNECTED)
			err = -ENOTCONN;
		else if (!s->peer)
			err = -ENOTCONN;
		if (err)
			goto out_unlock;
		p = s->peer;
		unix_sock_get(p);
	}
	deadline = unix_deadline(s->sndtimeo);
	for (;;) {
		if (s->shut & UNIX_SEND_SHUT) {
			err = -EPIPE;
		} else if (p->dead) {
			err = s->type == SOCK_SEQPACKET ? -EPIPE : -ECONNREFUSED;
			if (s->type == SOCK_DGRAM && s->peer == p) {
				list_del(&s->sender_link);
				s->peer = NULL;
				old = p;
				unix_notify(s);
			}
		} else if (s->type == SOCK_DGRAM && p->peer && p->peer != s) {
			err = -EPERM;
		} else if (p->shut & UNIX_RCV_SHUT) {
			err = -EPIPE;
		} else if (dgram_room(s, p, skb->len, &full)) {
			err = unix_inflight_check_locked(skb->nfds, &skb->user);
			if (!err)
				break;
		} else if (nonblock) {
			err = -EAGAIN;
		} else {
			err = full ? unix_wait_room_locked(p, deadline)
				   : unix_wait_locked(s, deadline);
		}
		if (err)
			goto out_unlock;
	}
	skb_queue_locked(p, s, skb);
	skb = NULL;
	err = (s64)m->total;
out_unlock:
	mutex_unlock(&unix_lock);
	if (skb)
		unix_skb_free(skb);
	unix_sock_put(p);
	unix_sock_put(old);
	return err;
}

s64 unix_sendmsg(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock)
{
	int err;

	if (s->type == SOCK_STREAM)
		return stream_send(s, m, nonblock);
	err = unix_maybe_autobind(s);
	if (err)
		return err;
	return dgram_send(s, m, nonblock);
}

/* ---- receiving ---- */

/* Hand skb's files to m (MSG_PEEK: new references, skb keeps its own). */
static void take_fds(struct unix_skb *skb, struct sock_msg *m, bool peek)
{
	u32 i;

	if (!skb->nfds)
		return;
	if (peek) {
		m->fds = kmalloc(skb->nfds * sizeof(*m->fds));
		if (!m->fds) {
			m->flags_out |= MSG_CTRUNC;
			return;
		}
		for (i = 0; i < skb->nfds; i++)
			m->fds[i] = file_get(skb->fds[i]);
	} else {
		unix_inflight_add_locked(skb, -1);
		m->fds = skb->fds;
		skb->fds = NULL;
	}
	m->nfds = skb->nfds;
	if (!peek)
		skb->nfds = 0;
}

static s64 stream_recv(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock)
{
	bool peek = flags & MSG_PEEK;
	size_t copied = 0, target = (flags & MSG_WAITALL) && !peek ? m->total : 1;
	struct unix_skb *skb, *next;
	u64 deadline;
	s64 err = 0;

	mutex_lock(&unix_lock);
	deadline = unix_deadline(s->rcvtimeo);
	if (s->state != UNIX_CONNECTED) {
		err = -EINVAL;
		goto out;
	}
	skb = list_empty(&s->rcvq) ? NULL : list_first_entry(&s->rcvq, struct unix_skb, link);
	while (copied < m->total) {
		u32 n;

		if (!skb) {
			if (copied >= target)
				break;
			if (s->err) {
				err = -s->err;
				s->err = 0;
				unix_notify(s);
				break;
			}
			if (s->shut & UNIX_RCV_SHUT)
				break;
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			err = unix_wait_locked(s, deadline);
			if (err)
				break;
			skb = list_empty(&s->rcvq)
				      ? NULL
				      : list_first_entry(&s->rcvq, struct unix_skb, link);
			continue;
		}
		if (copied && skb->nfds)
			break; /* its files go with its own bytes, in the next read */
		if (copied && m->has_cred && memcmp(&skb->cred, &m->cred, sizeof(m->cred)))
			break; /* another sender's credentials: reported by the next read */
		if (!copied && m->name && skb->from && skb->from->addr)
			unix_name_of(skb->from, m->name);
		if (!copied && s->passcred) {
			m->cred = skb->cred;
			m->has_cred = true;
		}
		n = (u32)MIN((size_t)(skb->len - skb->off), m->total - copied);
		if (iov_copy(m, copied, skb->data + skb->off, n, true)) {
			err = -EFAULT;
			break;
		}
		copied += n;
		next = skb->link.next == &s->rcvq
			       ? NULL
			       : list_entry(skb->link.next, struct unix_skb, link);
		if (skb->nfds) {
			take_fds(skb, m, peek);
			next = NULL; /* stop after the piece that carried files */
			target = 0;
		}
		if (!peek) {
			skb->off += n;
			if (skb->off < skb->len)
				break; /* the reader's buffer is full */
			skb_unlink_locked(s, skb);
			unix_skb_free(skb); /* no files left: only a kfree and a put */
		}
		skb = next;
		if (!skb && !target)
			break;
	}
out:
	mutex_unlock(&unix_lock);
	return copied ? (s64)copied : err;
}

static s64 dgram_recv(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock)
{
	bool peek = flags & MSG_PEEK;
	struct unix_skb *skb;
	u64 deadline;
	s64 err = 0;
	u32 n;

	mutex_lock(&unix_lock);
	deadline = unix_deadline(s->rcvtimeo);
	if (s->type == SOCK_SEQPACKET && s->state != UNIX_CONNECTED) {
		err = -ENOTCONN;
		goto out;
	}
	while (list_empty(&s->rcvq)) {
		if (s->err) {
			err = -s->err;
			s->err = 0;
			unix_notify(s);
		} else if (s->shut & UNIX_RCV_SHUT) {
			err = 0;
			goto out;
		} else if (nonblock) {
			err = -EAGAIN;
		} else {
			err = unix_wait_locked(s, deadline);
		}
		if (err)
			goto out;
	}
	skb = list_first_entry(&s->rcvq, struct unix_skb, link);
	n = (u32)MIN((size_t)skb->len, m->total);
	if (iov_copy(m, 0, skb->data, n, true)) {
		err = -EFAULT;
		goto out;
	}
	if (n < skb->len)
		m->flags_out |= MSG_TRUNC;
	if (m->name && skb->from && skb->from->addr)
		unix_name_of(skb->from, m->name);
	if (s->passcred) {
		m->cred = skb->cred;
		m->has_cred = true;
	}
	take_fds(skb, m, peek);
	err = (flags & MSG_TRUNC) ? (s64)skb->len : (s64)n;
	if (!peek) {
		skb_unlink_locked(s, skb);
		unix_skb_free(skb);
	}
out:
	mutex_unlock(&unix_lock);
	return err;
}

s64 unix_recvmsg(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock)
{
	if (m->name)
		m->name->len = 0;
	if (s->type == SOCK_STREAM)
		return stream_recv(s, m, flags, nonblock);
	return dgram_recv(s, m, flags, nonblock);
}
