/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_unix.c - host tests of AF_UNIX sockets (net/unix/) through their
 * kernel interface (socket.h): stream and datagram queues, flow control
 * (a stream writer fills exactly sndbuf, then blocks until a reader - the
 * scheduler fake's hook, run while the writer sleeps - drains it; a
 * datagram receiver holds 11 messages), SCM_RIGHTS (the receiver gets the
 * same open file; MSG_PEEK takes new references; files in flight are
 * released when their socket closes unreceived), listeners closed with
 * connections pending, names in a tmpfs (EADDRINUSE, ENOENT,
 * ECONNREFUSED, EACCES without write permission), poll masks, EINTR.
 *
 * Everything runs over the real VFS and the real locks and wait queues on
 * the scheduler fake (sched_stub.c). Each test ends with a leak check:
 * every kmalloc'd message, socket, file and inode must have been freed,
 * and no lock-order violation may have been seen.
 */
#include <stdlib.h>
#include <string.h>

#include "arch_host.h"
#include "errno.h"
#include "fake_kmalloc.h"
#include "fake_pages.h"
#include "mm.h"
#include "pipe.h"
#include "random.h"
#include "sched.h"
#include "sched_stub.h"
#include "socket.h"
#include "uaccess.h"
#include "unit.h"
#include "unix.h"
#include "vfs.h"

/* ---- fakes ---- */

void mm_stats_get(struct mm_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->total_pages = 32768;
	s->free_pages = 30000;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	memcpy(dst, usrc, n);
	return 0;
}

void epoll_file_release(struct file *f)
{
	(void)f;
}

static u32 poll_waits;

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	(void)pt;
	(void)wq;
	poll_waits++;
}

static int sigpipes;

void signal_send_thread(struct thread *t, int sig)
{
	(void)t;
	if (sig == 13)
		sigpipes++;
}

struct process *current_proc(void)
{
	return NULL;
}

static u8 random_next;

void get_random_bytes(void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((u8 *)buf)[i] = random_next++;
}

void random_add_entropy(const void *data, size_t len)
{
	(void)data;
	(void)len;
}

/* ---- fixture ---- */

static struct thread me;
static struct fs_struct *fs;
static struct vfs_ctx C; /* root */
static struct vfs_ctx U; /* uid 1000 */
static struct cred user_cred;

static void setup(void)
{
	memset(&me, 0, sizeof(me));
	me.state = THREAD_RUNNABLE;
	stub_reset(&me);
	kmalloc_live = fake_pages_live = 0;
	sigpipes = 0;
	vfs_init();
	fs = fs_struct_create();
	CHECK(fs != NULL);
	memset(&user_cred, 0, sizeof(user_cred));
	user_cred.uid = user_cred.euid = user_cred.suid = user_cred.fsuid = 1000;
	user_cred.gid = user_cred.egid = user_cred.sgid = user_cred.fsgid = 100;
	C = (struct vfs_ctx){fs, &cred_root, NULL};
	U = (struct vfs_ctx){fs, &user_cred, NULL};
}

static void teardown(void)
{
	unix_shutdown();
	fs_struct_put(fs);
	vfs_shutdown();
	CHECK_EQ(kmalloc_live, 0);
	CHECK_EQ(fake_pages_live, 0);
	CHECK_EQ(stub.panics, 0);
	CHECK_EQ(stub.stuck, 0);
	CHECK_EQ(lock_order_violations(), 0);
}

static struct file *xsock(int type)
{
	struct file *f = NULL;

	CHECK_EQ(sock_create(AF_UNIX, type, 0, &f), 0);
	return f;
}

static void xpair(int type, struct file **a, struct file **b)
{
	CHECK_EQ(sock_create_pair(AF_UNIX, type, 0, a, b), 0);
}

static s64 send_msg(struct file *f, const void *buf, size_t n, u32 flags,
		    const struct sock_addr *to, struct file **fds, u32 nfds)
{
	struct uio u = {(char *)buf, n, false};
	struct sock_addr a;
	struct sock_msg m = {
		.iov = &u, .iovcnt = 1, .total = n, .ctx = &C, .fds = fds, .nfds = nfds};

	if (to) {
		a = *to;
		m.name = &a;
	}
	return sock_sendmsg(f, &m, flags);
}

static s64 ssend(struct file *f, const void *buf, size_t n, u32 flags)
{
	return send_msg(f, buf, n, flags, NULL, NULL, 0);
}

/* Receive into buf; *m gets the files, name and flags (put them with put_msg). */
static s64 recv_msg(struct file *f, void *buf, size_t n, u32 flags, struct sock_msg *m,
		    struct uio *u, struct sock_addr *from)
{
	*u = (struct uio){buf, n, false};
	*m = (struct sock_msg){.iov = u, .iovcnt = 1, .total = n, .name = from};
	return sock_recvmsg(f, m, flags);
}

static s64 srecv(struct file *f, void *buf, size_t n, u32 flags)
{
	struct sock_msg m;
	struct uio u;
	s64 r = recv_msg(f, buf, n, flags, &m, &u, NULL);

	CHECK_EQ(m.nfds, 0);
	return r;
}

static void put_msg(struct sock_msg *m)
{
	for (u32 i = 0; i < m->nfds; i++)
		file_put(m->fds[i]);
	kfree(m->fds);
	m->fds = NULL;
	m->nfds = 0;
}

static struct sock_addr path_addr(const char *path)
{
	struct sock_addr a;
	u16 family = AF_UNIX;

	memset(&a, 0, sizeof(a));
	memcpy(a.data, &family, 2);
	memcpy(a.data + 2, path, strlen(path) + 1);
	a.len = (u32)(2 + strlen(path) + 1);
	return a;
}

/* ---- streams ---- */

UNIT_TEST(stream_pair_bytes_peek_shutdown_epipe)
{
	struct file *a, *b;
	char buf[32] = {0};

	setup();
	xpair(SOCK_STREAM, &a, &b);
	CHECK_EQ(ssend(a, "hello", 5, 0), 5);
	CHECK_EQ(ssend(a, " world", 6, 0), 6);
	CHECK_EQ(srecv(b, buf, 3, MSG_PEEK), 3);
	CHECK(!memcmp(buf, "hel", 3));
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), 11); /* pieces join in one read */
	CHECK(!memcmp(buf, "hello world", 11));
	CHECK_EQ(srecv(b, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	CHECK_EQ(sock_shutdown(a, SHUT_WR), 0);
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), 0);
	CHECK_EQ(ssend(a, "x", 1, 0), -EPIPE);
	CHECK_EQ(sigpipes, 1);
	CHECK_EQ(ssend(a, "x", 1, MSG_NOSIGNAL), -EPIPE);
	CHECK_EQ(sigpipes, 1);
	CHECK_EQ(ssend(b, "back", 4, 0), 4);
	CHECK_EQ(srecv(a, buf, sizeof(buf), 0), 4);
	file_put(b);
	CHECK_EQ(srecv(a, buf, sizeof(buf), 0), 0);
	CHECK_EQ(ssend(a, "x", 1, MSG_NOSIGNAL), -EPIPE);
	file_put(a);
	teardown();
}

static struct file *drain_from;
static size_t drained;

/*
 * After a hook played another thread (whose mutex_lock calls leave the
 * sleeper marked runnable): the sleeper stays blocked unless that work
 * woke it (sched_wake, the only thread here being the sleeper), so a
 * missing wake-up shows as stub.stuck.
 */
static void keep_blocked_unless_woken(u32 wakes_before)
{
	me.state = stub.wakes > wakes_before ? THREAD_RUNNABLE : THREAD_BLOCKED;
}

/* Run while the writer sleeps: the reader takes 64 KiB. */
static void drain_hook(u32 call)
{
	static char sink[65536];
	u32 wakes = stub.wakes;
	s64 r = srecv(drain_from, sink, sizeof(sink), MSG_DONTWAIT);

	(void)call;
	if (r > 0)
		drained += (size_t)r;
	keep_blocked_unless_woken(wakes);
}

UNIT_TEST(stream_writer_fills_sndbuf_then_blocks_until_read)
{
	static char chunk[4096];
	struct file *a, *b;
	size_t total = 0;
	s64 r;

	setup();
	xpair(SOCK_STREAM, &a, &b);
	while ((r = ssend(a, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		total += (size_t)r;
	CHECK_EQ(r, -EAGAIN);
	/* Every piece costs its bytes and UNIX_SKB_OVERHEAD: sndbuf is filled to within one
	 * piece's. */
	CHECK(total + (total / sizeof(chunk) + 1) * UNIX_SKB_OVERHEAD <= UNIX_SNDBUF_DEFAULT);
	CHECK(total + (total / sizeof(chunk) + 2) * UNIX_SKB_OVERHEAD > UNIX_SNDBUF_DEFAULT);
	CHECK_EQ(vfs_poll(a, NULL) & POLLOUT, 0);
	drain_from = b;
	drained = 0;
	stub.hook = drain_hook;
	CHECK_EQ(ssend(a, chunk, sizeof(chunk), 0), (s64)sizeof(chunk));
	stub.hook = NULL;
	CHECK(stub.block_calls >= 1);
	CHECK_EQ(drained, 65536);
	while ((r = srecv(b, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		drained += (size_t)r;
	CHECK_EQ(drained, total + sizeof(chunk));
	file_put(a);
	file_put(b);
	teardown();
}

UNIT_TEST(blocked_reader_interrupted_by_signal)
{
	struct file *a, *b;
	char buf[4];

	setup();
	xpair(SOCK_STREAM, &a, &b);
	stub.signal_pending = true;
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), -EINTR);
	stub.signal_pending = false;
	file_put(a);
	file_put(b);
	teardown();
}

/* ---- datagrams ---- */

UNIT_TEST(dgram_boundaries_trunc_emsgsize)
{
	static char big[UNIX_SNDBUF_DEFAULT];
	struct file *a, *b;
	struct sock_msg m;
	struct uio u;
	char buf[16] = {0};

	setup();
	xpair(SOCK_DGRAM, &a, &b);
	CHECK_EQ(ssend(a, "one", 3, 0), 3);
	CHECK_EQ(ssend(a, "", 0, 0), 0);
	CHECK_EQ(ssend(a, "truncated", 9, 0), 9);
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), 3);
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), 0);
	CHECK_EQ(recv_msg(b, buf, 4, 0, &m, &u, NULL), 4);
	CHECK(m.flags_out & MSG_TRUNC);
	CHECK_EQ(srecv(b, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	CHECK_EQ(ssend(a, "0123456789", 10, 0), 10);
	CHECK_EQ(srecv(b, buf, 2, MSG_TRUNC), 10);
	CHECK_EQ(ssend(a, big, UNIX_SNDBUF_DEFAULT - UNIX_DGRAM_OVERHEAD + 1, 0), -EMSGSIZE);
	CHECK_EQ(ssend(a, big, UNIX_SNDBUF_DEFAULT - UNIX_DGRAM_OVERHEAD, 0),
		 UNIX_SNDBUF_DEFAULT - UNIX_DGRAM_OVERHEAD);
	file_put(a);
	file_put(b); /* with the big datagram still queued */
	teardown();
}

UNIT_TEST(dgram_receiver_queue_limit_and_sender_address)
{
	struct sock_addr ra = path_addr("/r"), sa = path_addr("/s"), from;
	struct file *r, *s, *u;
	struct sock_msg m;
	struct uio uu;
	char buf[8];
	int sent = 0;

	setup();
	r = xsock(SOCK_DGRAM);
	s = xsock(SOCK_DGRAM);
	u = xsock(SOCK_DGRAM);
	CHECK_EQ(sock_bind(r, &C, &ra), 0);
	CHECK_EQ(sock_bind(s, &C, &sa), 0);
	while (send_msg(u, "m", 1, MSG_DONTWAIT, &ra, NULL, 0) == 1 && sent < 100)
		sent++;
	CHECK_EQ(sent, UNIX_DGRAM_QLEN + 1);
	CHECK_EQ(send_msg(u, "m", 1, MSG_DONTWAIT, &ra, NULL, 0), -EAGAIN);
	CHECK_EQ(recv_msg(r, buf, sizeof(buf), 0, &m, &uu, &from), 1);
	CHECK_EQ(from.len, 0); /* an unbound sender */
	CHECK_EQ(send_msg(s, "n", 1, MSG_DONTWAIT, &ra, NULL, 0), 1);
	for (int i = 0; i < sent - 1; i++) /* the rest of u's */
		CHECK_EQ(srecv(r, buf, sizeof(buf), MSG_DONTWAIT), 1);
	CHECK_EQ(recv_msg(r, buf, sizeof(buf), 0, &m, &uu, &from), 1);
	CHECK_EQ(from.len, sa.len);
	CHECK(!memcmp(from.data, sa.data, sa.len));
	file_put(r);
	CHECK_EQ(send_msg(s, "x", 1, 0, &ra, NULL, 0), -ECONNREFUSED); /* stale node */
	file_put(s);
	file_put(u);
	teardown();
}

/* ---- SCM_RIGHTS ---- */

UNIT_TEST(scm_rights_same_file_peek_references)
{
	struct file *a, *b, *rd, *wr, *fds[2];
	struct sock_msg m;
	struct uio u;
	char buf[8];

	setup();
	CHECK_EQ(pipe_create(0, &rd, &wr), 0);
	xpair(SOCK_STREAM, &a, &b);
	fds[0] = wr;
	fds[1] = rd;
	CHECK_EQ(ssend(a, "ab", 2, 0), 2);
	CHECK_EQ(send_msg(a, "fd", 2, 0, NULL, fds, 2), 2);
	CHECK_EQ(ssend(a, "cd", 2, 0), 2);
	/* Bytes before the files are read alone; the files come with their own bytes. */
	CHECK_EQ(recv_msg(b, buf, sizeof(buf), 0, &m, &u, NULL), 2);
	CHECK_EQ(m.nfds, 0);
	CHECK_EQ(recv_msg(b, buf, sizeof(buf), MSG_PEEK, &m, &u, NULL), 2);
	CHECK_EQ(m.nfds, 2);
	CHECK(m.fds[0] == wr && m.fds[1] == rd);
	put_msg(&m); /* peek's references */
	CHECK_EQ(recv_msg(b, buf, sizeof(buf), 0, &m, &u, NULL), 2);
	CHECK(!memcmp(buf, "fd", 2));
	CHECK_EQ(m.nfds, 2);
	CHECK(m.fds[0] == wr && m.fds[1] == rd); /* the same open files */
	put_msg(&m);
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), 2);
	file_put(a);
	file_put(b);
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(scm_rights_in_flight_released_on_close)
{
	struct file *a, *b, *rd, *wr, *sock_in_flight;
	char buf[4];
	struct uio u = {buf, sizeof(buf), false};

	setup();
	CHECK_EQ(pipe_create(O_NONBLOCK, &rd, &wr), 0);
	xpair(SOCK_DGRAM, &a, &b);
	sock_in_flight = xsock(SOCK_STREAM);
	{
		struct file *fds[2] = {wr, sock_in_flight};

		CHECK_EQ(send_msg(a, "x", 1, 0, NULL, fds, 2), 1);
	}
	file_put(wr);
	file_put(sock_in_flight);
	CHECK_EQ(vfs_read(rd, &u), -EAGAIN); /* the write end is alive in the queue */
	file_put(a);
	file_put(b);
	CHECK_EQ(vfs_read(rd, &u), 0); /* released with the queue: end of file */
	file_put(rd);
	teardown();
}

/* ---- connections and names ---- */

UNIT_TEST(connect_accept_names_and_errors)
{
	struct sock_addr la = path_addr("/l"), none = path_addr("/none"), peer, name;
	struct file *l, *c, *c2, *s = NULL, *f;
	char buf[8];

	setup();
	l = xsock(SOCK_STREAM);
	c = xsock(SOCK_STREAM);
	CHECK_EQ(sock_listen(l, 1), -EINVAL); /* unbound */
	CHECK_EQ(sock_bind(l, &C, &la), 0);
	c2 = xsock(SOCK_STREAM);
	CHECK_EQ(sock_bind(c2, &C, &la), -EADDRINUSE);
	CHECK_EQ(sock_connect(c, &C, &la), -ECONNREFUSED); /* not listening */
	CHECK_EQ(sock_connect(c, &C, &none), -ENOENT);
	CHECK_EQ(sock_listen(l, 0), 0);
	CHECK_EQ(sock_connect(c, &U, &la), -EACCES); /* node 0755, owned by root */
	l->flags |= O_NONBLOCK;			     /* fcntl(F_SETFL) */
	CHECK_EQ(sock_accept(l, 0, &s, &peer), -EAGAIN);
	l->flags &= ~(u32)O_NONBLOCK;
	CHECK_EQ(sock_connect(c, &C, &la), 0);
	CHECK_EQ(sock_connect(c, &C, &la), -EISCONN);
	CHECK_EQ(ssend(c, "early", 5, 0), 5); /* before accept */
	CHECK(vfs_poll(l, NULL) & POLLIN);
	CHECK_EQ(sock_accept(l, 0, &s, &peer), 0);
	CHECK_EQ(peer.len, 2);
	CHECK_EQ(sock_getname(s, false, &name), 0);
	CHECK_EQ(name.len, la.len);
	CHECK_EQ(srecv(s, buf, sizeof(buf), 0), 5);
	/* A second client stays pending; the listener closes with it queued, data and a file in it.
	 */
	CHECK_EQ(sock_connect(c2, &C, &la), 0);
	f = xsock(SOCK_DGRAM);
	CHECK_EQ(send_msg(c2, "z", 1, 0, NULL, &f, 1), 1);
	file_put(f);
	file_put(l);
	CHECK_EQ(srecv(c2, buf, sizeof(buf), 0), -ECONNRESET);
	CHECK_EQ(srecv(c2, buf, sizeof(buf), 0), 0);
	CHECK_EQ(sock_connect(c, &C, &la),
		 -ECONNREFUSED); /* the name is looked up first, as on Linux */
	file_put(c2);
	c2 = xsock(SOCK_STREAM);
	CHECK_EQ(sock_connect(c2, &C, &la), -ECONNREFUSED); /* the node stays, nobody is bound */
	CHECK_EQ(vfs_unlink(&C, "/l"), 0);
	file_put(c2);
	file_put(c);
	file_put(s);
	teardown();
}

UNIT_TEST(poll_masks)
{
	struct file *a, *b;
	char buf[4];

	setup();
	xpair(SOCK_STREAM, &a, &b);
	CHECK_EQ(vfs_poll(a, NULL), POLLOUT | POLLWRNORM | POLLWRBAND);
	CHECK_EQ(ssend(b, "x", 1, 0), 1);
	CHECK_EQ(vfs_poll(a, NULL), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLWRBAND);
	CHECK_EQ(srecv(a, buf, sizeof(buf), 0), 1);
	file_put(b);
	CHECK_EQ(vfs_poll(a, NULL) & (POLLHUP | POLLIN | POLLRDHUP), POLLHUP | POLLIN | POLLRDHUP);
	file_put(a);
	a = xsock(SOCK_STREAM);
	CHECK_EQ(vfs_poll(a, NULL) & POLLHUP, POLLHUP); /* unconnected stream, as on Linux */
	file_put(a);
	teardown();
}

UNIT_TEST(create_errors)
{
	struct file *f = NULL, *g = NULL;

	setup();
	CHECK_EQ(sock_create(AF_UNIX + 1, SOCK_STREAM, 0, &f), -EAFNOSUPPORT);
	CHECK_EQ(sock_create(AF_UNIX, 4, 0, &f), -ESOCKTNOSUPPORT);
	CHECK_EQ(sock_create(AF_UNIX, 12, 0, &f), -EINVAL);
	CHECK_EQ(sock_create(AF_UNIX, SOCK_STREAM | 0x100, 0, &f), -EINVAL);
	CHECK_EQ(sock_create(AF_UNIX, SOCK_STREAM, 7, &f), -EPROTONOSUPPORT);
	CHECK(f == NULL);
	CHECK_EQ(sock_create_pair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, &f, &g), 0);
	CHECK(f->flags & O_NONBLOCK);
	CHECK_EQ(srecv(f, NULL, 0, 0), -EAGAIN);
	CHECK_EQ(sock_listen(f, 1), -EINVAL); /* connected */
	file_put(f);
	file_put(g);
	teardown();
}

/* ---- sockets in flight: the collector and long chains ---- */

/* Close a fresh socket: every close runs the collector. */
static void run_gc(void)
{
	file_put(xsock(SOCK_STREAM));
}

UNIT_TEST(gc_collects_a_socket_queued_on_itself)
{
	struct file *a, *b, *fds[2];

	setup();
	xpair(SOCK_DGRAM, &a, &b);
	fds[0] = a;
	fds[1] = b;
	CHECK_EQ(send_msg(a, "x", 1, 0, NULL, fds, 2), 1); /* queued on b, carrying both */
	file_put(a);
	file_put(b); /* nothing is released: each is held by the message */
	CHECK(kmalloc_live > 0);
	run_gc();
	teardown(); /* the leak check proves both sockets and the message went */
}

UNIT_TEST(gc_collects_a_two_socket_cycle_and_keeps_reachable_ones)
{
	struct file *a, *b, *c, *d, *e, *f;
	struct sock_msg m;
	struct uio u;
	char buf[4];

	setup();
	xpair(SOCK_STREAM, &a, &b);
	xpair(SOCK_STREAM, &c, &d);
	xpair(SOCK_STREAM, &e, &f);
	CHECK_EQ(send_msg(a, "1", 1, 0, NULL, &d, 1), 1); /* d queued on b */
	CHECK_EQ(send_msg(c, "2", 1, 0, NULL, &b, 1), 1); /* b queued on d: a cycle */
	CHECK_EQ(send_msg(e, "3", 1, 0, NULL, &c, 1), 1); /* c queued on f, which we keep */
	file_put(b);
	file_put(d);
	file_put(c);
	file_put(a); /* a closes: the collector runs and frees the b-d cycle */
	/* c is only in flight, but reachable through f's queue: still usable. */
	CHECK_EQ(recv_msg(f, buf, sizeof(buf), 0, &m, &u, NULL), 1);
	CHECK_EQ(m.nfds, 1);
	if (m.nfds == 1) {
		c = m.fds[0];
		CHECK_EQ(ssend(c, "ok", 2, MSG_NOSIGNAL), -EPIPE); /* d, its peer, was collected */
	}
	put_msg(&m);
	file_put(e);
	file_put(f);
	run_gc();
	teardown();
}

UNIT_TEST(long_chain_of_queued_sockets_is_freed)
{
	struct file *x = NULL, *y = NULL, *px = NULL, *py = NULL, *fds[2];
	int i;

	setup();
	for (i = 0; i < 300; i++) {
		xpair(SOCK_STREAM, &x, &y);
		if (px) {
			fds[0] = px;
			fds[1] = py;
			CHECK_EQ(send_msg(x, "c", 1, 0, NULL, fds, 2), 1);
			file_put(px);
			file_put(py);
		}
		px = x;
		py = y;
	}
	file_put(x);
	file_put(y); /* 600 sockets, each pair queued on the next */
	teardown();
}

/* ---- SO_RCVTIMEO / SO_SNDTIMEO ---- */

/* Run while a caller sleeps: time passes beyond any test timeout and the timer fires. */
static void time_passes_hook(u32 call)
{
	(void)call;
	host_clock_set_ns(clock_ns() + 10000000000ull);
	if (stub.armed)
		stub_fire_timer();
}

UNIT_TEST(socket_timeouts_end_waits_with_eagain)
{
	s64 tv[2] = {0, 250000}, back[2] = {0, 0};
	static char chunk[65536];
	struct file *a, *b;
	u32 len = sizeof(back);
	char buf[4];

	setup();
	host_clock_set_ns(1000);
	xpair(SOCK_STREAM, &a, &b);
	CHECK_EQ(sock_setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 0);
	CHECK_EQ(sock_getsockopt(b, SOL_SOCKET, SO_RCVTIMEO, back, &len), 0);
	CHECK(len == sizeof(back) && back[0] == 0 && back[1] == 250000);
	stub.hook = time_passes_hook;
	CHECK_EQ(srecv(b, buf, sizeof(buf), 0), -EAGAIN);
	CHECK(stub.block_calls >= 1);
	CHECK_EQ(sock_setsockopt(a, SOL_SOCKET, SO_SNDTIMEO, tv, sizeof(tv)), 0);
	while (ssend(a, chunk, sizeof(chunk), MSG_DONTWAIT) > 0)
		;
	CHECK_EQ(ssend(a, chunk, sizeof(chunk), 0), -EAGAIN); /* full, and the time is up */
	stub.hook = NULL;
	tv[1] = 1000000;
	CHECK_EQ(sock_setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), -EDOM);
	CHECK_EQ(sock_setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, tv, 8), -EINVAL);
	file_put(a);
	file_put(b);
	teardown();
}

UNIT_TEST(passcred_reports_sender_credentials)
{
	struct file *a, *b;
	struct sock_msg m;
	struct uio u;
	char buf[4];
	s32 one = 1;

	setup();
	xpair(SOCK_STREAM, &a, &b);
	CHECK_EQ(ssend(a, "x", 1, 0), 1);
	CHECK_EQ(recv_msg(b, buf, sizeof(buf), 0, &m, &u, NULL), 1);
	CHECK(!m.has_cred);
	CHECK_EQ(sock_setsockopt(b, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	CHECK_EQ(ssend(a, "y", 1, 0), 1);
	CHECK_EQ(recv_msg(b, buf, sizeof(buf), 0, &m, &u, NULL), 1);
	CHECK(m.has_cred && m.cred.pid == 0 && m.cred.uid == 0); /* no process: the kernel's ids */
	file_put(a);
	file_put(b);
	teardown();
}

UNIT_TEST(empty_messages_carrying_files_are_bounded)
{
	struct file *a, *b, *f;
	int sent = 0;

	setup();
	xpair(SOCK_DGRAM, &a, &b); /* connected both ways: no queue-length limit */
	f = xsock(SOCK_STREAM);
	while (send_msg(a, "", 0, MSG_DONTWAIT, NULL, &f, 1) == 0 && sent < 100000)
		sent++;
	CHECK(sent > 0);
	CHECK((u64)sent * (UNIX_SKB_OVERHEAD + sizeof(struct file *)) <=
	      UNIX_SNDBUF_DEFAULT + UNIX_SKB_OVERHEAD);
	CHECK_EQ(send_msg(a, "", 0, MSG_DONTWAIT, NULL, &f, 1), -EAGAIN);
	file_put(f);
	file_put(a);
	file_put(b); /* hundreds of references to f go with b's queue */
	teardown();
}

static struct file *take_from;

/* Run while a datagram sender sleeps on a full receiver: the receiver takes one. */
static void take_one_hook(u32 call)
{
	u32 wakes = stub.wakes;
	char b[4];

	(void)call;
	CHECK_EQ(srecv(take_from, b, sizeof(b), MSG_DONTWAIT), 1);
	keep_blocked_unless_woken(wakes);
}

UNIT_TEST(dgram_sender_blocked_on_full_receiver_wakes_when_it_reads)
{
	struct sock_addr ra = path_addr("/full");
	struct file *r, *u;
	int sent = 0;

	setup();
	r = xsock(SOCK_DGRAM);
	u = xsock(SOCK_DGRAM);
	CHECK_EQ(sock_bind(r, &C, &ra), 0);
	while (send_msg(u, "m", 1, MSG_DONTWAIT, &ra, NULL, 0) == 1 && sent < 100)
		sent++;
	CHECK_EQ(sent, UNIX_DGRAM_QLEN + 1);
	take_from = r;
	stub.hook = take_one_hook;
	CHECK_EQ(send_msg(u, "n", 1, 0, &ra, NULL, 0), 1);
	stub.hook = NULL;
	CHECK_EQ(stub.block_calls, 1);
	file_put(u);
	file_put(r);
	teardown();
}
