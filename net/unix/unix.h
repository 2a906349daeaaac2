/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/unix/unix.h - AF_UNIX sockets' private interface, shared by
 * af_unix.c (sockets, names, connections, options, poll, close) and
 * unix_msg.c (the message queues: send and receive).
 *
 * Locking: one mutex, unix_lock, covers every field of every unix_sock
 * and unix_skb marked "lock" below (a deliberate simplification: a
 * connection touches two sockets and a listener, and one lock cannot be
 * taken in the wrong order). It is a mutex because user copies made
 * under it may fault and sleep. Under it no VFS call is made and no file
 * is put (a file's release may be a socket's, which takes unix_lock):
 * names are resolved before it is taken and files are put after it is
 * dropped. Lock order: vfs locks and unix_lock are never nested;
 * unix_lock -> wait-queue spinlocks.
 *
 * Sleeping: every change to a socket that can matter to someone waiting
 * on it or polling it goes through unix_notify(), under unix_lock: it
 * recomputes the poll mask, bumps seq and wakes wq. A sleeper notes seq
 * under unix_lock, drops the lock and waits until seq moves, then looks
 * again (unix_wait_locked), so no wake-up is lost. poll() reads the mask
 * without the lock (it must not sleep); a file's poll registers only its
 * own socket's wq, which lives as long as the file.
 *
 * Lifetime: a unix_sock is reference counted: its file (or, for a
 * connection not yet accepted, the listener's accept queue), each socket
 * whose peer it is, each queued message it sent (skb->from) and each
 * thread waiting on it for a moment. The file's release (unix_release)
 * disconnects it, unbinds it and purges its queue; memory goes with the
 * last reference.
 */
#ifndef MATRIOSKA_NET_UNIX_H
#define MATRIOSKA_NET_UNIX_H

#include "list.h"
#include "socket.h"
#include "sync.h"
#include "types.h"

#define UNIX_SNDBUF_DEFAULT 212992 /* Linux's default wmem: bytes in flight per sender */
#define UNIX_SNDBUF_MIN 4608
#define UNIX_SNDBUF_MAX (2 * 212992) /* twice net.core.wmem_max, as SO_SNDBUF doubles */
#define UNIX_DGRAM_OVERHEAD 32	     /* a datagram may be at most sndbuf - 32 bytes */
#define UNIX_DGRAM_QLEN 10	     /* net.unix.max_dgram_qlen: a receiver full beyond this */
#define UNIX_SKB_MAX 65536	     /* stream writes are queued in pieces of at most this */
#define UNIX_SKB_OVERHEAD 256	     /* what a message costs its sender's wmem beyond its data */
#define UNIX_BACKLOG_MAX 4096	     /* net.core.somaxconn */

enum unix_state {
	UNIX_UNCONNECTED,
	UNIX_LISTENING,
	UNIX_CONNECTED, /* stays so after the peer closes (shut says so), as on Linux */
};

#define UNIX_RCV_SHUT 1
#define UNIX_SEND_SHUT 2
#define UNIX_SHUT_MASK 3

/* A name: the struct sockaddr_un bytes as getsockname reports them. */
struct unix_addr {
	u32 len; /* > SUN_PATH_OFFSET */
	u8 data[SOCKADDR_UN_SIZE];
};

static inline bool unix_addr_abstract(const struct unix_addr *a)
{
	return a->data[SUN_PATH_OFFSET] == 0;
}

/*
 * One queued message (datagram, packet) or piece of a stream. Lives in
 * its receiver's rcvq; all fields under unix_lock.
 */
struct unix_skb {
	struct list_head link;	/* in the receiver's rcvq */
	struct unix_sock *from; /* the sender (referenced); its wmem counts charge */
	u32 charge;		/* len + UNIX_SKB_OVERHEAD + the file pointers, set when queued */
	struct unix_user *user; /* whose files in flight fds count on (unix_gc.c); NULL if none */
	struct file **fds;	/* SCM_RIGHTS files (referenced), kmalloc'd; NULL if none */
	u32 nfds;
	u32 len;		/* bytes of data */
	u32 off;		/* bytes already read (streams) */
	struct sock_ucred cred; /* the sender's pid, uid, gid (SCM_CREDENTIALS) */
	u8 data[];
};

struct unix_sock {
	u32 refcount; /* atomic */
	u16 type;     /* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET; fixed */
	u8 state;     /* enum unix_state; lock */
	u8 shut;      /* UNIX_*_SHUT; lock */
	bool dead;    /* its file is gone; lock */
	bool passcred;
	int err;	    /* pending error (positive errno) for SO_ERROR / the next call; lock */
	u32 sndbuf, rcvbuf; /* lock */
	u64 rcvtimeo, sndtimeo;	  /* SO_RCVTIMEO/SO_SNDTIMEO in ns, 0: wait forever; lock */
	u32 wmem;		  /* charge of its messages not yet received; lock */
	struct unix_sock *peer;	  /* connected peer or datagram destination (referenced); lock */
	struct list_head senders; /* datagram: sockets whose peer is this one; lock */
	struct list_head sender_link; /* in peer->senders (datagram); lock */
	struct unix_addr *addr;	      /* bound name (kmalloc'd), NULL if unbound; lock */
	struct file *node;	      /* file-system name: O_PATH file of the socket node */
	struct file *file;	      /* its open file (not referenced), NULL once released; lock */
	u32 inflight;		      /* queued messages carrying file (unix_gc.c); lock */
	struct list_head gc_link;     /* in the in-flight list while inflight > 0; lock */
	u32 gc_internal;	      /* collector's scratch (unix_gc.c); lock */
	struct unix_sock *gc_next;
	bool gc_candidate, gc_reachable;
	struct list_head bound_link;  /* in unix_bound while addr is set; lock */
	struct list_head rcvq;	      /* struct unix_skb, oldest first; lock */
	u32 rcv_bytes, rcv_count;     /* data bytes and messages in rcvq; lock */
	struct list_head acceptq;     /* listener: connections not yet accepted; lock */
	struct list_head accept_link; /* in the listener's acceptq; lock */
	u32 backlog, nr_pending;      /* listener; lock */
	struct sock_ucred peercred;   /* SO_PEERCRED (a listener: its own, given to clients) */
	u32 seq;		   /* bumped by unix_notify; stored under lock, loaded atomically */
	u32 mask;		   /* poll mask; as seq */
	struct wait_queue wq;	   /* readers, writers, acceptors and pollers of this socket */
	struct wait_queue room_wq; /* senders waiting for room in rcvq (datagrams) */
};

extern struct mutex unix_lock;

void unix_sock_get(struct unix_sock *s);
void unix_sock_put(struct unix_sock *s);
/* Recompute s's poll mask, bump seq, wake wq and room_wq (unix_lock held). */
void unix_notify(struct unix_sock *s);
/*
 * A message left s's queue: recompute the mask and bump seq, but wake only
 * room_wq - readers and pollers gain nothing (no edge-triggered epoll event
 * for taking data, as on Linux); unix_lock held.
 */
void unix_consumed_locked(struct unix_sock *s);
/*
 * Drop unix_lock, sleep until s is notified (or a signal: -EINTR, or the
 * monotonic clock reaching deadline unless it is 0: -EAGAIN, as a socket
 * timeout reports), take the lock again. The caller keeps s alive (its
 * file or a reference).
 */
int unix_wait_locked(struct unix_sock *s, u64 deadline);
/* The same on s->room_wq: a datagram sender waiting for room in s's queue. */
int unix_wait_room_locked(struct unix_sock *s, u64 deadline);
/* The deadline of a call waiting at most timeo ns (SO_RCVTIMEO/SO_SNDTIMEO; 0: none). */
u64 unix_deadline(u64 timeo);
/* The caller's pid and real uid and gid: what SCM_CREDENTIALS reports by default. */
struct sock_ucred unix_current_cred(void);
/* The address of s for a receiver (its bound name or family only). */
void unix_name_of(const struct unix_sock *s, struct sock_addr *out);
/*
 * Find the bound socket named a (referenced in *out): a file-system name
 * is looked up relative to c first. -ENOENT, -ECONNREFUSED (no socket
 * there), -EACCES. unix_lock not held.
 */
int unix_find(const struct vfs_ctx *c, const struct unix_addr *a, struct unix_sock **out);
/* Bind an unbound SO_PASSCRED socket to an autobind name, as Linux does on connect and send. */
int unix_maybe_autobind(struct unix_sock *s);
/* Check and copy a caller's address (connect, sendto): -EINVAL if malformed. */
int unix_addr_import(const struct sock_addr *in, struct unix_addr *out);

/* Host tests: give the sockfs super block back (no socket may be left). */
void unix_shutdown(void);

/* ---- unix_msg.c ---- */
/* The send and receive halves of sendmsg/recvmsg (sock_sendmsg checks f is a socket). */
s64 unix_sendmsg(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock);
s64 unix_recvmsg(struct unix_sock *s, struct sock_msg *m, u32 flags, bool nonblock);
/* Unlink every message of s's queue onto *garbage (unix_lock held). */
void unix_purge_locked(struct unix_sock *s, struct list_head *garbage);
/* Free a message on no queue: its files are put (unix_lock not held if it has files). */
void unix_skb_free(struct unix_skb *skb);

/* ---- unix_gc.c ---- */
struct unix_user;
/*
 * Before queueing a message carrying nfds files (unix_lock held): the
 * caller's in-flight account in *out, to set as skb->user. -ETOOMANYREFS
 * if a user other than root already has more than FD_MAX files in
 * flight, -ENOMEM. If the message is not queued after all, hand the
 * account back with unix_inflight_unused_locked.
 */
int unix_inflight_check_locked(u32 nfds, struct unix_user **out);
void unix_inflight_unused_locked(struct unix_user *u);
/* The sockets among skb's files are (delta > 0) or are no longer (delta < 0) in flight. */
void unix_inflight_add_locked(struct unix_skb *skb, int delta);
/* Purge the queues of sockets only unreachable in-flight messages keep alive, onto *garbage. */
void unix_gc_locked(struct list_head *garbage);
/*
 * Free messages unlinked onto garbage: their files are put (unix_lock not
 * held). Closes this causes free their messages in the same loop, not by
 * recursion; another thread's call may finish the work.
 */
void unix_free_garbage(struct list_head *garbage);
/* Bytes the next read would return (FIONREAD): all queued for streams, the next message else. */
u32 unix_inq_locked(const struct unix_sock *s);

#endif
