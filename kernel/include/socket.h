/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socket.h - sockets (net/). The only family is AF_UNIX (net/unix/):
 * stream, datagram and sequenced-packet sockets named in the file system
 * or in the abstract name space, socketpair, and descriptor passing
 * (SCM_RIGHTS). The Linux personality (kernel/linux/socket.c) copies
 * addresses, iovecs and control messages between user space and the
 * kernel forms below and calls these functions; the socket itself is an
 * ordinary open file (read, write, poll, fcntl and close work on it).
 *
 * Constants and the layouts marked "Linux's" are the x86_64 ABI's facts.
 * Every function returns 0 (or a byte count) or a negative errno, Linux's
 * for the same refusal. All may sleep (thread context, no lock held).
 */
#ifndef MATRIOSKA_SOCKET_H
#define MATRIOSKA_SOCKET_H

#include "types.h"

struct file;
struct uio;
struct vfs_ctx;

/* ---- constants (Linux values) ---- */

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_MAX 46 /* families are < AF_MAX */

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3 /* AF_UNIX treats it as SOCK_DGRAM, as Linux does */
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000   /* = O_NONBLOCK */
#define SOCK_CLOEXEC 02000000 /* = O_CLOEXEC */

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVTIMEO 20 /* struct timeval (x86_64: two 64-bit fields) */
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253 /* descriptors in one message */

#ifndef POLLRDBAND
#define POLLRDBAND 0x080
#endif
#ifndef POLLWRBAND
#define POLLWRBAND 0x200
#endif
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

/* Linux's struct sockaddr_un: sun_family then up to 108 bytes of name. */
#define UNIX_PATH_MAX 108
#define SUN_PATH_OFFSET 2 /* offsetof(struct sockaddr_un, sun_path) */
#define SOCKADDR_UN_SIZE (SUN_PATH_OFFSET + UNIX_PATH_MAX)
#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage): longest address accepted */

/* An address as the caller passed it or as it is reported: len bytes of a struct sockaddr. */
struct sock_addr {
	u32 len;
	u8 data[SOCKADDR_MAX];
};

/* Linux's struct ucred (SO_PEERCRED). */
struct sock_ucred {
	s32 pid;
	u32 uid;
	u32 gid;
};

/*
 * One sendmsg/recvmsg in kernel form. iov: the data segments (user or
 * kernel memory, each a struct uio). name: send - the destination or
 * NULL; receive - filled with the sender's address (len 0: none to
 * report). fds: send - files to pass (the caller keeps its references);
 * receive - a kmalloc'd array of nfds received files whose references
 * the caller now owns (NULL when none). ctx: the caller's cwd and
 * credentials for a destination named in the file system. flags_out: MSG_TRUNC, MSG_CTRUNC
 * set by a receive.
 */
struct sock_msg {
	const struct uio *iov;
	u32 iovcnt;
	size_t total; /* sum of the iov lengths */
	struct sock_addr *name;
	const struct vfs_ctx *ctx; /* send: where a file-system name is looked up */
	struct file **fds;
	u32 nfds;
	/*
	 * SCM_CREDENTIALS: send - has_cred: cred replaces the sender's own
	 * (the caller checked the claim); receive - has_cred: the sender's,
	 * reported because the receiver set SO_PASSCRED.
	 */
	struct sock_ucred cred;
	bool has_cred;
	u32 flags_out;
};

/* ---- calls ---- */

/* Is f a socket? (Calls on anything else fail with -ENOTSOCK.) */
bool file_is_socket(const struct file *f);

/*
 * A new socket: *out has one reference. type may carry SOCK_NONBLOCK
 * (the file's O_NONBLOCK); SOCK_CLOEXEC is the descriptor table's
 * business. -EAFNOSUPPORT, -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -EINVAL.
 */
int sock_create(int family, int type, int protocol, struct file **out) __must_check;
/* Two sockets connected to each other (socketpair). */
int sock_create_pair(int family, int type, int protocol, struct file **a, struct file **b)
	__must_check;

/* bind: a file-system name is created relative to c (-EADDRINUSE if it exists). */
int sock_bind(struct file *f, const struct vfs_ctx *c, const struct sock_addr *a) __must_check;
int sock_listen(struct file *f, int backlog) __must_check;
/* connect; family AF_UNSPEC disconnects a datagram socket. */
int sock_connect(struct file *f, const struct vfs_ctx *c, const struct sock_addr *a) __must_check;
/* accept: *out = the new connection (flags: SOCK_NONBLOCK); *peer = its peer's address. */
int sock_accept(struct file *f, u32 flags, struct file **out, struct sock_addr *peer) __must_check;
/* getsockname (peer false) or getpeername (peer true; -ENOTCONN). */
int sock_getname(struct file *f, bool peer, struct sock_addr *out) __must_check;
int sock_shutdown(struct file *f, int how) __must_check;

/* Bytes sent or -errno; EPIPE also sends SIGPIPE unless MSG_NOSIGNAL. */
s64 sock_sendmsg(struct file *f, struct sock_msg *m, u32 flags);
/* Bytes received (the full datagram length with MSG_TRUNC) or -errno. */
s64 sock_recvmsg(struct file *f, struct sock_msg *m, u32 flags);

/* SOL_SOCKET options: val/len are kernel memory (an int, or struct sock_ucred). */
int sock_setsockopt(struct file *f, int level, int name, const void *val, u32 len) __must_check;
/* The value (at most SOCKOPT_MAX bytes) into val, its length into *len. */
#define SOCKOPT_MAX 16
int sock_getsockopt(struct file *f, int level, int name, void *val, u32 *len) __must_check;

#endif
