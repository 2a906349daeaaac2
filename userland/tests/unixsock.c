/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unixsock.c - end-to-end checks of AF_UNIX sockets: socket/socketpair
 * for stream, datagram and seqpacket with SOCK_NONBLOCK/SOCK_CLOEXEC; a
 * server and a forked client over a path in /tmp (bind, listen, accept,
 * connect, getsockname/getpeername, SO_PEERCRED); EADDRINUSE,
 * ECONNREFUSED, ENOENT; nonblocking accept; shutdown; EPIPE with and
 * without SIGPIPE; datagram boundaries, sender addresses, MSG_TRUNC,
 * EMSGSIZE, connected datagrams; MSG_PEEK, MSG_DONTWAIT, readv/writev;
 * abstract names and autobind; SCM_RIGHTS (a pipe and an open file passed
 * to another process and used there, several fds in one message,
 * MSG_CTRUNC, files released when never received); poll readiness; a
 * writer blocking until the reader drains; socket options; bad input.
 * Prints "ok N - what" / "not ok N - what" and "unixsock: N passed, M
 * failed"; exits 0 only if everything passed. Runs on Linux too (that
 * validates the test itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t sigpipes;
static volatile unsigned long bad_addr = 8; /* an unmapped address, hidden from the compiler */

static void on_pipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* An abstract name: "\0" + text, its length counted exactly. */
static socklen_t mkabstract(struct sockaddr_un *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, text, strlen(text));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(text));
}

static int send_fds(int sock, const int *fds, int nfds, const char *data)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 100)];
	struct iovec iov = {(void *)data, strlen(data)};
	struct msghdr mh = {0};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	return (int)sendmsg(sock, &mh, 0);
}

/* Receive into buf; fds received go to out (at most max); returns bytes, *got = fds. */
static int recv_fds(int sock, char *buf, size_t len, int *out, int max, int *got, int *mflags,
		    size_t ctl_room)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = {buf, len};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	int r;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = ctl_room;
	*got = 0;
	r = (int)recvmsg(sock, &mh, 0);
	if (r < 0)
		return r;
	*mflags = mh.msg_flags;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), i;

			for (i = 0; i < k && *got < max; i++)
				memcpy(&out[(*got)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		}
	}
	return r;
}

static short revents(int fd, short events)
{
	struct pollfd p = {fd, events, 0};

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static void test_create(void)
{
	struct stat st;
	int s, p[2], flags;

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	check(s >= 0 && fstat(s, &st) == 0 && S_ISSOCK(st.st_mode),
	      "socket(AF_UNIX) is a socket (fstat)");
	{
		char link[64], target[64] = {0}, want[64];

		snprintf(link, sizeof(link), "/proc/self/fd/%d", s);
		snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
		check(readlink(link, target, sizeof(target) - 1) > 0 && !strcmp(target, want),
		      "/proc/self/fd shows socket:[inode]");
	}
	close(s);
	errno = 0;
	check(socket(1000, SOCK_STREAM, 0) < 0 && errno == EAFNOSUPPORT,
	      "unknown family: EAFNOSUPPORT");
	errno = 0;
	check(socket(AF_UNIX, 4 /* SOCK_RDM */, 0) < 0 && errno == ESOCKTNOSUPPORT,
	      "SOCK_RDM: ESOCKTNOSUPPORT");
	errno = 0;
	check(socket(AF_UNIX, 0x77, 0) < 0 && errno == EINVAL, "bad type bits: EINVAL");
	errno = 0;
	check(socket(AF_UNIX, SOCK_STREAM, 5) < 0 && errno == EPROTONOSUPPORT,
	      "bad protocol: EPROTONOSUPPORT");
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	flags = fcntl(s, F_GETFL);
	check(s >= 0 && (flags & O_NONBLOCK) && fcntl(s, F_GETFD) == FD_CLOEXEC,
	      "SOCK_NONBLOCK and SOCK_CLOEXEC set O_NONBLOCK and FD_CLOEXEC");
	close(s);
	pipe(p);
	errno = 0;
	check(listen(p[0], 1) < 0 && errno == ENOTSOCK, "listen on a pipe: ENOTSOCK");
	errno = 0;
	check(shutdown(999, SHUT_RD) < 0 && errno == EBADF, "shutdown on a closed fd: EBADF");
	close(p[0]);
	close(p[1]);
}

static void test_pair_stream(void)
{
	int sv[2], r;
	char buf[64] = {0};
	struct iovec wv[3] = {{"ab", 2}, {"cde", 3}, {"f", 1}}, rv[2];
	char r1[4] = {0}, r2[8] = {0};

	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(SOCK_STREAM)");
	check(write(sv[0], "hello", 5) == 5 && read(sv[1], buf, sizeof(buf)) == 5 &&
		      !memcmp(buf, "hello", 5),
	      "stream pair: write one end, read the other");
	check(write(sv[1], "back", 4) == 4 && read(sv[0], buf, sizeof(buf)) == 4 &&
		      !memcmp(buf, "back", 4),
	      "stream pair: both directions");
	check(writev(sv[0], wv, 3) == 6, "writev on a socket");
	rv[0] = (struct iovec){r1, 3};
	rv[1] = (struct iovec){r2, 8};
	check(readv(sv[1], rv, 2) == 6 && !memcmp(r1, "abc", 3) && !memcmp(r2, "def", 3),
	      "readv on a socket scatters the stream");
	send(sv[0], "xyz", 3, 0);
	memset(buf, 0, sizeof(buf));
	r = (int)recv(sv[1], buf, sizeof(buf), MSG_PEEK);
	check(r == 3 && !memcmp(buf, "xyz", 3) && recv(sv[1], buf, 2, 0) == 2 &&
		      recv(sv[1], buf, sizeof(buf), 0) == 1 && buf[0] == 'z',
	      "MSG_PEEK leaves the data; later reads take it in order");
	errno = 0;
	check(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	      "MSG_DONTWAIT on an empty socket: EAGAIN");
	send(sv[0], "12345", 5, 0);
	r = -1;
	check(ioctl(sv[1], FIONREAD, &r) == 0 && r == 5, "FIONREAD counts the queued bytes");
	recv(sv[1], buf, sizeof(buf), 0);

	/* shutdown(SHUT_WR): the peer reads end of file; writing is EPIPE. */
	check(shutdown(sv[0], SHUT_WR) == 0 && read(sv[1], buf, sizeof(buf)) == 0,
	      "shutdown(SHUT_WR): the peer reads 0 (end of file)");
	errno = 0;
	check(send(sv[0], "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE,
	      "writing after shutdown(SHUT_WR): EPIPE");
	check(write(sv[1], "still", 5) == 5 && read(sv[0], buf, sizeof(buf)) == 5,
	      "the other direction still works after SHUT_WR");
	close(sv[0]);
	close(sv[1]);

	/* EPIPE and SIGPIPE to a closed peer. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	signal(SIGPIPE, on_pipe);
	sigpipes = 0;
	errno = 0;
	r = (int)write(sv[0], "x", 1);
	check(r < 0 && errno == EPIPE && sigpipes == 1,
	      "write to a closed peer: EPIPE and SIGPIPE");
	errno = 0;
	r = (int)send(sv[0], "x", 1, MSG_NOSIGNAL);
	check(r < 0 && errno == EPIPE && sigpipes == 1, "MSG_NOSIGNAL: EPIPE without SIGPIPE");
	check(read(sv[0], buf, sizeof(buf)) == 0, "reading from a closed peer: end of file");
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);

	/* Not connected. */
	sv[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	check(send(sv[0], "x", 1, MSG_NOSIGNAL) < 0 && errno == ENOTCONN,
	      "send on an unconnected stream socket: ENOTCONN");
	errno = 0;
	check(recv(sv[0], buf, 1, 0) < 0 && errno == EINVAL,
	      "recv on an unconnected stream socket: EINVAL");
	errno = 0;
	check(getpeername(sv[0], (struct sockaddr *)buf, &(socklen_t){sizeof(buf)}) < 0 &&
		      errno == ENOTCONN,
	      "getpeername unconnected: ENOTCONN");
	close(sv[0]);
}

static void test_pair_dgram(void)
{
	static char big[300000];
	char buf[64] = {0};
	struct iovec iov = {buf, 4};
	struct msghdr mh = {0};
	int sv[2], r;

	check(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair(SOCK_DGRAM)");
	send(sv[0], "one", 3, 0);
	send(sv[0], "second", 6, 0);
	send(sv[0], "", 0, 0);
	send(sv[0], "3rd", 3, 0);
	check(recv(sv[1], buf, sizeof(buf), 0) == 3 && recv(sv[1], buf, sizeof(buf), 0) == 6 &&
		      !memcmp(buf, "second", 6) && recv(sv[1], buf, sizeof(buf), 0) == 0 &&
		      recv(sv[1], buf, sizeof(buf), 0) == 3,
	      "datagram boundaries kept (including an empty datagram)");
	send(sv[0], "truncated!", 10, 0);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	r = (int)recvmsg(sv[1], &mh, 0);
	check(r == 4 && (mh.msg_flags & MSG_TRUNC) && !memcmp(buf, "trun", 4),
	      "short buffer: datagram truncated, MSG_TRUNC in msg_flags");
	errno = 0;
	check(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	      "the rest of a truncated datagram is discarded");
	send(sv[0], "0123456789", 10, 0);
	check(recv(sv[1], buf, 2, MSG_TRUNC) == 10, "MSG_TRUNC flag: the real length is returned");
	errno = 0;
	check(send(sv[0], big, sizeof(big), 0) < 0 && errno == EMSGSIZE,
	      "datagram larger than the send buffer: EMSGSIZE");
	check(send(sv[0], big, 100000, 0) == 100000 && recv(sv[1], big, sizeof(big), 0) == 100000,
	      "a 100000-byte datagram goes through whole");
	close(sv[0]);
	close(sv[1]);

	check(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair(SOCK_SEQPACKET)");
	send(sv[0], "ab", 2, 0);
	send(sv[0], "cde", 3, 0);
	check(recv(sv[1], buf, sizeof(buf), 0) == 2 && recv(sv[1], buf, sizeof(buf), 0) == 3,
	      "seqpacket keeps boundaries");
	close(sv[0]);
	check(recv(sv[1], buf, sizeof(buf), 0) == 0,
	      "seqpacket: end of file after the peer closes");
	close(sv[1]);
}

#define SRV "/tmp/unixsock.srv"

static void test_server_client(void)
{
	struct sockaddr_un a, got;
	socklen_t len = mkaddr(&a, SRV), glen;
	struct ucred uc;
	socklen_t uclen = sizeof(uc);
	char buf[64] = {0};
	struct stat st;
	int srv, c, st2 = -1, one;
	pid_t pid;

	unlink(SRV);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	check(bind(srv, (struct sockaddr *)&a, len) == 0, "bind to " SRV);
	check(stat(SRV, &st) == 0 && S_ISSOCK(st.st_mode),
	      "bind made a socket node in the file system");
	glen = sizeof(got);
	check(getsockname(srv, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
		      !strcmp(got.sun_path, SRV),
	      "getsockname returns the path");
	{
		struct sockaddr_un o;
		socklen_t olen = mkaddr(&o, "/tmp/unixsock.other");

		errno = 0;
		check(bind(srv, (struct sockaddr *)&o, olen) < 0 && errno == EINVAL &&
			      access("/tmp/unixsock.other", F_OK) < 0,
		      "binding a bound socket again: EINVAL, no node left");
	}
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	check(bind(c, (struct sockaddr *)&a, len) < 0 && errno == EADDRINUSE,
	      "binding an existing path: EADDRINUSE");
	errno = 0;
	check(connect(c, (struct sockaddr *)&a, len) < 0 && errno == ECONNREFUSED,
	      "connect to a bound socket that is not listening: ECONNREFUSED");
	close(c);
	check(listen(srv, 4) == 0, "listen");

	pid = fork();
	if (pid == 0) {
		int cs = socket(AF_UNIX, SOCK_STREAM, 0), ok = 1;

		if (connect(cs, (struct sockaddr *)&a, len) != 0)
			_exit(2);
		if (write(cs, "ping", 4) != 4)
			ok = 0;
		memset(buf, 0, sizeof(buf));
		if (read(cs, buf, sizeof(buf)) != 4 || memcmp(buf, "pong", 4))
			ok = 0;
		/* The server closes: end of file. */
		if (read(cs, buf, sizeof(buf)) != 0)
			ok = 0;
		_exit(ok ? 0 : 1);
	}
	glen = sizeof(got);
	memset(&got, 0xff, sizeof(got));
	c = accept(srv, (struct sockaddr *)&got, &glen);
	check(c >= 0, "accept a connection from a forked client");
	check(glen == offsetof(struct sockaddr_un, sun_path) && got.sun_family == AF_UNIX,
	      "accept: an unbound client's address is the family only");
	check(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &uclen) == 0 && uc.pid == pid &&
		      uc.uid == geteuid(),
	      "SO_PEERCRED names the client process");
	check(read(c, buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4) && write(c, "pong", 4) == 4,
	      "server and client exchange data");
	glen = sizeof(got);
	check(getsockname(c, (struct sockaddr *)&got, &glen) == 0 && !strcmp(got.sun_path, SRV),
	      "the accepted socket's name is the listener's");
	close(c);
	check(waitpid(pid, &st2, 0) == pid && WIFEXITED(st2) && WEXITSTATUS(st2) == 0,
	      "client saw the reply and end of file");

	/* Nonblocking accept with nothing pending. */
	fcntl(srv, F_SETFL, O_NONBLOCK);
	errno = 0;
	check(accept(srv, NULL, NULL) < 0 && errno == EAGAIN, "nonblocking accept: EAGAIN");
	check(!(revents(srv, POLLIN) & POLLIN), "listener without connections: no POLLIN");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	check(connect(c, (struct sockaddr *)&a, len) == 0 && (revents(srv, POLLIN) & POLLIN),
	      "a pending connection makes the listener readable");
	one = accept4(srv, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	check(one >= 0 && (fcntl(one, F_GETFL) & O_NONBLOCK) && fcntl(one, F_GETFD) == FD_CLOEXEC,
	      "accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC");
	close(one);
	close(c);
	close(srv);
	/* The node outlives the socket; nobody is listening on it now. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	check(connect(c, (struct sockaddr *)&a, len) < 0 && errno == ECONNREFUSED,
	      "connect to a stale socket node: ECONNREFUSED");
	unlink(SRV);
	errno = 0;
	check(connect(c, (struct sockaddr *)&a, len) < 0 && errno == ENOENT,
	      "connect to a missing path: ENOENT");
	len = mkaddr(&a, "/tmp/unixsock.file");
	close(open("/tmp/unixsock.file", O_CREAT | O_WRONLY, 0600));
	errno = 0;
	check(connect(c, (struct sockaddr *)&a, len) < 0 && errno == ECONNREFUSED,
	      "connect to a regular file: ECONNREFUSED");
	unlink("/tmp/unixsock.file");
	close(c);
}

static void test_dgram_named(void)
{
	struct sockaddr_un a, b, from;
	socklen_t alen = mkaddr(&a, "/tmp/unixsock.a"), blen = mkaddr(&b, "/tmp/unixsock.b"), flen;
	char buf[32] = {0};
	int sa, sb, su;

	unlink("/tmp/unixsock.a");
	unlink("/tmp/unixsock.b");
	sa = socket(AF_UNIX, SOCK_DGRAM, 0);
	sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	su = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(sa, (struct sockaddr *)&a, alen);
	bind(sb, (struct sockaddr *)&b, blen);
	errno = 0;
	check(send(su, "x", 1, 0) < 0 && errno == ENOTCONN,
	      "send on an unconnected datagram socket: ENOTCONN");
	check(sendto(sa, "from-a", 6, 0, (struct sockaddr *)&b, blen) == 6, "sendto a bound path");
	flen = sizeof(from);
	check(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 6 &&
		      flen == alen && !strcmp(from.sun_path, "/tmp/unixsock.a"),
	      "recvfrom returns the sender's address");
	sendto(su, "anon", 4, 0, (struct sockaddr *)&b, blen);
	flen = sizeof(from);
	check(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 4 && flen == 0,
	      "an unbound sender has no address (length 0)");
	check(connect(sa, (struct sockaddr *)&b, blen) == 0 && send(sa, "conn", 4, 0) == 4 &&
		      recv(sb, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "conn", 4),
	      "connected datagram socket sends without an address");
	flen = sizeof(from);
	check(getpeername(sa, (struct sockaddr *)&from, &flen) == 0 &&
		      !strcmp(from.sun_path, "/tmp/unixsock.b"),
	      "getpeername of a connected datagram socket");
	check(connect(sb, (struct sockaddr *)&a, alen) == 0, "connect the other way");
	errno = 0;
	check(sendto(su, "x", 1, 0, (struct sockaddr *)&b, blen) < 0 && errno == EPERM,
	      "sending to a datagram socket connected elsewhere: EPERM");
	close(sb);
	errno = 0;
	check(send(sa, "x", 1, 0) < 0 && errno == ECONNREFUSED,
	      "sending to a closed datagram peer: ECONNREFUSED");
	close(sa);
	close(su);
	unlink("/tmp/unixsock.a");
	unlink("/tmp/unixsock.b");
}

static void test_abstract(void)
{
	struct sockaddr_un a, got;
	socklen_t len, glen;
	char name[64];
	int l, c, s = -1;

	snprintf(name, sizeof(name), "matrioska-unixsock-%d", (int)getpid());
	len = mkabstract(&a, name);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	check(bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 2) == 0,
	      "bind and listen on an abstract name (seqpacket)");
	glen = sizeof(got);
	check(getsockname(l, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
		      got.sun_path[0] == 0 && !memcmp(got.sun_path + 1, name, strlen(name)),
	      "getsockname returns the abstract name");
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	errno = 0;
	check(bind(c, (struct sockaddr *)&a, len) < 0 && errno == EADDRINUSE,
	      "abstract name in use: EADDRINUSE");
	check(connect(c, (struct sockaddr *)&a, len) == 0 && (s = accept(l, NULL, NULL)) >= 0,
	      "connect and accept over an abstract name");
	check(send(c, "pkt1", 4, 0) == 4 && send(c, "p2", 2, 0) == 2 && recv(s, name, 64, 0) == 4 &&
		      recv(s, name, 64, 0) == 2,
	      "seqpacket connection keeps boundaries");
	close(s);
	close(c);
	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	check(connect(c, (struct sockaddr *)&a, len) < 0 && errno == ECONNREFUSED,
	      "abstract name gone with its socket: ECONNREFUSED");
	close(c);

	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	a.sun_family = AF_UNIX;
	glen = sizeof(got);
	check(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)) == 0 &&
		      getsockname(s, (struct sockaddr *)&got, &glen) == 0 &&
		      glen == offsetof(struct sockaddr_un, sun_path) + 6 && got.sun_path[0] == 0,
	      "autobind (address of the family only) picks an abstract name");
	close(s);
}

static void test_scm_rights(void)
{
	const char *path = "/tmp/unixsock.data";
	int sv[2], p[2], fd, fds[3], got = 0, mflags = 0, r, st = -1, ok;
	char buf[64] = {0};
	pid_t pid;

	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	write(fd, "0123456789", 10);
	lseek(fd, 0, SEEK_SET);
	pipe(p);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		int in[4], k = 0, fl = 0;
		char b[16] = {0};

		close(sv[0]);
		ok = recv_fds(sv[1], b, sizeof(b), in, 4, &k, &fl, sizeof(char[CMSG_SPACE(32)])) ==
			     3 &&
		     k == 2;
		/* in[0]: the pipe's write end; in[1]: the open file. */
		if (ok && write(in[0], "via-pipe", 8) != 8)
			ok = 0;
		if (ok && (read(in[1], b, 5) != 5 || memcmp(b, "01234", 5)))
			ok = 0;
		_exit(ok ? 0 : 1);
	}
	close(sv[1]);
	fds[0] = p[1];
	fds[1] = fd;
	check(send_fds(sv[0], fds, 2, "fds") == 3, "sendmsg with SCM_RIGHTS (a pipe and a file)");
	close(p[1]);
	check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the receiving process got two new fds and used them");
	check(read(p[0], buf, sizeof(buf)) == 8 && !memcmp(buf, "via-pipe", 8),
	      "data written to the passed pipe reaches the original reader");
	check(lseek(fd, 0, SEEK_CUR) == 5,
	      "the passed file shares the open file description (offset moved)");
	check(read(p[0], buf, sizeof(buf)) == 0, "the pipe's last writer is gone: end of file");
	close(p[0]);
	close(sv[0]);

	/* Three fds in one message, one of them a socket; room for one only: MSG_CTRUNC. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	fds[0] = fd;
	fds[1] = sv[0];
	fds[2] = 1;
	send_fds(sv[0], fds, 3, "m");
	{
		int in[8];

		r = recv_fds(sv[1], buf, sizeof(buf), in, 8, &got, &mflags,
			     sizeof(char[CMSG_SPACE(32)]));
		check(r == 1 && got == 3 && in[0] != fd && in[1] != sv[0],
		      "three fds (file, socket, stdout) in one message arrive as new fds");
		if (got == 3) {
			struct stat s1, s2;

			check(fstat(in[1], &s1) == 0 && S_ISSOCK(s1.st_mode) &&
				      fstat(in[0], &s2) == 0 && S_ISREG(s2.st_mode),
			      "received fds refer to a socket and a regular file");
			close(in[0]);
			close(in[1]);
			close(in[2]);
		}
		send_fds(sv[0], fds, 2, "t");
		r = recv_fds(sv[1], buf, sizeof(buf), in, 8, &got, &mflags, CMSG_LEN(sizeof(int)));
		check(r == 1 && got == 1 && (mflags & MSG_CTRUNC),
		      "control buffer for one fd of two: one installed, MSG_CTRUNC");
		if (got)
			close(in[0]);
	}
	close(sv[0]);
	close(sv[1]);

	/* Never received: the passed write end is released when the socket closes. */
	pipe(p);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send_fds(sv[0], &p[1], 1, "q");
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	ok = read(p[0], buf, sizeof(buf)) == 0;
	check(ok, "fds queued on a closed socket are released (pipe reader sees end of file)");
	close(p[0]);
	close(fd);
	unlink(path);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	fds[0] = 12345;
	errno = 0;
	check(send_fds(sv[0], fds, 1, "x") < 0 && errno == EBADF,
	      "SCM_RIGHTS with a bad fd: EBADF");
	fds[0] = 0;
	send_fds(sv[0], fds, 1, "y");
	{
		char cb[CMSG_SPACE(sizeof(int))], d;
		struct iovec iov = {&d, 1};
		struct msghdr mh = {0};
		int nfd = -1;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cb;
		mh.msg_controllen = sizeof(cb);
		if (recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC) == 1 && CMSG_FIRSTHDR(&mh))
			memcpy(&nfd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(nfd));
		check(nfd >= 0 && fcntl(nfd, F_GETFD) == FD_CLOEXEC,
		      "MSG_CMSG_CLOEXEC: the received fd is close-on-exec");
		close(nfd);
	}
	close(sv[0]);
	close(sv[1]);
}

/* Receive one message; *uc gets SCM_CREDENTIALS (pid -1 if none), *nfds the SCM_RIGHTS count
 * (closed). */
static int recv_creds(int sock, struct ucred *uc, int *nfds)
{
	char buf[16], cbuf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	int r, i, fd;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	uc->pid = -1;
	*nfds = 0;
	r = (int)recvmsg(sock, &mh, 0);
	for (c = r >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
			memcpy(uc, CMSG_DATA(c), sizeof(*uc));
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			*nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (i = 0; i < *nfds; i++) {
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				close(fd);
			}
		}
	}
	return r;
}

static void test_credentials(void)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {"e", 1};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	struct ucred uc, mine = {getpid(), getuid(), getgid()};
	int sv[2], one = 1, k, fds[1] = {0};

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "a", 1, 0);
	check(recv_creds(sv[1], &uc, &k) == 1 && uc.pid == -1,
	      "no SCM_CREDENTIALS without SO_PASSCRED");
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	send(sv[0], "b", 1, 0);
	check(recv_creds(sv[1], &uc, &k) == 1 && uc.pid == getpid() && uc.uid == getuid() &&
		      uc.gid == getgid(),
	      "SO_PASSCRED: the sender's pid, uid and gid arrive as SCM_CREDENTIALS");
	send_fds(sv[0], fds, 1, "c");
	check(recv_creds(sv[1], &uc, &k) == 1 && uc.pid == getpid() && k == 1,
	      "SCM_CREDENTIALS and SCM_RIGHTS in one receive");
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(mine));
	memcpy(CMSG_DATA(c), &mine, sizeof(mine));
	check(sendmsg(sv[0], &mh, 0) == 1 && recv_creds(sv[1], &uc, &k) == 1 && uc.pid == mine.pid,
	      "explicit SCM_CREDENTIALS with one's own ids are accepted and delivered");
	close(sv[0]);
	close(sv[1]);

	/* An unbound SO_PASSCRED socket gets an autobind name when it sends. */
	{
		struct sockaddr_un ra, from, me;
		socklen_t rlen, flen = sizeof(from), mlen = sizeof(me);
		char name[64], b;
		int r = socket(AF_UNIX, SOCK_DGRAM, 0), u = socket(AF_UNIX, SOCK_DGRAM, 0);

		snprintf(name, sizeof(name), "matrioska-unixsock-pc-%d", (int)getpid());
		rlen = mkabstract(&ra, name);
		bind(r, (struct sockaddr *)&ra, rlen);
		setsockopt(u, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
		check(sendto(u, "p", 1, 0, (struct sockaddr *)&ra, rlen) == 1 &&
			      recvfrom(r, &b, 1, 0, (struct sockaddr *)&from, &flen) == 1 &&
			      flen == offsetof(struct sockaddr_un, sun_path) + 6 &&
			      from.sun_path[0] == 0 &&
			      getsockname(u, (struct sockaddr *)&me, &mlen) == 0 && mlen == flen &&
			      !memcmp(&me, &from, flen),
		      "an unbound SO_PASSCRED sender is autobound: the receiver sees its name");
		close(r);
		close(u);
	}
}

/*
 * A user other than root may have at most RLIMIT_NOFILE files in flight
 * (Matrioska: 1024, its fixed limit): 100 a message, the twelfth message
 * finds more than 1024 queued and fails with ETOOMANYREFS.
 */
static void test_inflight_limit(void)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit rl = {1024, 1024};
		int sv[2], fds[100], i, sent = 0, err = 0;

		setrlimit(RLIMIT_NOFILE, &rl); /* Matrioska's is fixed (EPERM): already 1024 */
		if (setgid(1000) || setuid(1000))
			_exit(3);
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			_exit(4);
		for (i = 0; i < 100; i++)
			fds[i] = 0;
		for (i = 0; i < 20; i++) {
			if (send_fds(sv[0], fds, 100, "m") == 1) {
				sent++;
			} else {
				err = errno;
				break;
			}
		}
		_exit(sent == 11 && err == ETOOMANYREFS ? 0 : 1);
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a non-root user with more than 1024 files in flight: ETOOMANYREFS");
}

static void test_poll_and_blocking(void)
{
	static char chunk[4096];
	int sv[2], st = -1;
	long total = 0;
	ssize_t w;
	pid_t pid;
	short ev;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ev = revents(sv[0], POLLIN | POLLOUT);
	check(ev == POLLOUT, "fresh pair: POLLOUT, no POLLIN");
	write(sv[1], "x", 1);
	check(revents(sv[0], POLLIN) & POLLIN, "data queued: POLLIN");
	/* Fill without reading: the writer cannot go on forever. */
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	while ((w = write(sv[1], chunk, sizeof(chunk))) > 0 && total < (64l << 20))
		total += w;
	check(w < 0 && errno == EAGAIN && total > 0,
	      "buffers are bounded: a nonblocking writer gets EAGAIN");
	check(!(revents(sv[1], POLLOUT) & POLLOUT), "full: no POLLOUT");
	/* A blocking writer waits until the reader drains. */
	fcntl(sv[1], F_SETFL, 0);
	pid = fork();
	if (pid == 0) {
		static char sink[65536];
		long want = total + 1 + (long)sizeof(chunk), got = 0;
		ssize_t r;

		close(sv[1]);
		while (got < want && (r = read(sv[0], sink, sizeof(sink))) > 0)
			got += r;
		_exit(got == want ? 0 : 1);
	}
	check(write(sv[1], chunk, sizeof(chunk)) == (ssize_t)sizeof(chunk),
	      "a blocked writer completes once the reader drains");
	check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the reader got every byte");
	close(sv[0]);
	ev = revents(sv[1], POLLIN | POLLOUT | POLLRDHUP);
	check((ev & POLLHUP) && (ev & POLLIN) && (ev & POLLRDHUP),
	      "peer closed: POLLHUP, POLLIN, POLLRDHUP");
	close(sv[1]);
}

/* Sockets under epoll: a listener, level- and edge-triggered data, EPOLLRDHUP, EPOLLOUT. */
static void test_epoll(void)
{
	struct sockaddr_un a;
	socklen_t len;
	struct epoll_event ev, out[4];
	char name[64], buf[16];
	int ep = epoll_create1(EPOLL_CLOEXEC), l, c, s;

	snprintf(name, sizeof(name), "matrioska-unixsock-ep-%d", (int)getpid());
	len = mkabstract(&a, name);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&a, len);
	listen(l, 4);
	ev.events = EPOLLIN;
	ev.data.fd = l;
	check(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == 0,
	      "epoll watches a listening socket");
	check(epoll_wait(ep, out, 4, 0) == 0, "epoll: no connection yet, nothing ready");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, len);
	check(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.fd == l && (out[0].events & EPOLLIN),
	      "epoll: a pending connection makes the listener ready");
	s = accept(l, NULL, NULL);
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
	ev.data.fd = s;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	check(epoll_wait(ep, out, 4, 0) == 0, "epoll: accepted socket without data, nothing ready");
	write(c, "abc", 3);
	check(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.fd == s && (out[0].events & EPOLLIN),
	      "epoll (edge-triggered): data arrival reported");
	check(epoll_wait(ep, out, 4, 0) == 0,
	      "epoll (edge-triggered): not reported again without new data");
	write(c, "d", 1);
	check(epoll_wait(ep, out, 4, 0) == 1, "epoll (edge-triggered): new data reported again");
	check(read(s, buf, 3) == 3 && epoll_wait(ep, out, 4, 0) == 0,
	      "epoll (edge-triggered): reading some of the data is no new event");
	check(read(s, buf, sizeof(buf)) == 1, "all four bytes read");
	shutdown(c, SHUT_WR);
	check(epoll_wait(ep, out, 4, 0) == 1 && (out[0].events & EPOLLRDHUP),
	      "epoll: the peer's shutdown(SHUT_WR) is EPOLLRDHUP");
	ev.events = EPOLLOUT;
	ev.data.fd = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL);
	check(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.fd == c && (out[0].events & EPOLLOUT),
	      "epoll: a connected socket with room is EPOLLOUT");
	close(s);
	close(c);
	close(l);
	close(ep);
}

static void test_options_and_bad_input(void)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v = -1, d;
	socklen_t len = sizeof(v);

	check(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM &&
		      len == sizeof(int),
	      "SO_TYPE");
	len = sizeof(v);
	check(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "SO_ERROR is 0");
	v = 1;
	check(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)) == 0, "SO_PASSCRED accepted");
	v = 65536;
	len = sizeof(v);
	check(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0 &&
		      getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v >= 65536,
	      "SO_SNDBUF set and read back");
	len = sizeof(v);
	check(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v > 0, "SO_RCVBUF");
	{
		struct timeval tv = {0, 20000}, back = {0, 0};
		socklen_t tl = sizeof(back);
		int p2[2];
		char c;

		socketpair(AF_UNIX, SOCK_STREAM, 0, p2);
		check(setsockopt(p2[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
			      getsockopt(p2[0], SOL_SOCKET, SO_RCVTIMEO, &back, &tl) == 0 &&
			      back.tv_sec == 0 && back.tv_usec == 20000,
		      "SO_RCVTIMEO set and read back");
		errno = 0;
		check(read(p2[0], &c, 1) < 0 && errno == EAGAIN,
		      "a read with SO_RCVTIMEO on an empty socket ends with EAGAIN");
		tv.tv_usec = 2000000;
		errno = 0;
		check(setsockopt(p2[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 &&
			      errno == EDOM,
		      "SO_SNDTIMEO with tv_usec out of range: EDOM");
		close(p2[0]);
		close(p2[1]);
	}
	errno = 0;
	check(getsockopt(s, SOL_SOCKET, 9999, &v, &len) < 0 && errno == ENOPROTOOPT,
	      "unknown option: ENOPROTOOPT");
	errno = 0;
	check(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 2) < 0 && errno == EINVAL,
	      "setsockopt with a short value: EINVAL");
	errno = 0;
	check(listen(s, 1) < 0 && errno == EINVAL, "listen on an unbound stream socket: EINVAL");
	errno = 0;
	check(accept(s, NULL, NULL) < 0 && errno == EINVAL,
	      "accept on a non-listening socket: EINVAL");
	errno = 0;
	check(connect(s, (struct sockaddr *)bad_addr, sizeof(a)) < 0 && errno == EFAULT,
	      "connect with a bad address pointer: EFAULT");
	mkaddr(&a, "/tmp/x");
	errno = 0;
	check(connect(s, (struct sockaddr *)&a, 200) < 0 && errno == EINVAL,
	      "connect with an address length beyond sockaddr_storage: EINVAL");
	errno = 0;
	check(connect(s, (struct sockaddr *)&a, 1) < 0 && errno == EINVAL,
	      "connect with a too short address: EINVAL");
	a.sun_family = 2;
	errno = 0;
	check(bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EINVAL,
	      "bind with another family: EINVAL");
	errno = 0;
	check(shutdown(s, 7) < 0 && errno == EINVAL, "shutdown with a bad how: EINVAL");
	errno = 0;
	check(getsockname(s, (struct sockaddr *)&a, (socklen_t *)bad_addr) < 0 && errno == EFAULT,
	      "getsockname with a bad length pointer: EFAULT");
	close(s);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	errno = 0;
	check(listen(d, 1) < 0 && errno == EOPNOTSUPP, "listen on a datagram socket: EOPNOTSUPP");
	close(d);
	errno = 0;
	check(socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)bad_addr) < 0 && errno == EFAULT,
	      "socketpair with a bad array: EFAULT");
}

/* "unixsock --bind PATH": bind a socket there and exit (the node stays), for shell checks. */
static int bind_only(const char *path)
{
	struct sockaddr_un a;
	socklen_t len;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(a.sun_path))
		return 2;
	len = mkaddr(&a, path);
	if (bind(s, (struct sockaddr *)&a, len) != 0) {
		perror("bind");
		return 1;
	}
	return 0;
}

/*
 * "unixsock --chain N": N socket pairs, each queued (SCM_RIGHTS) on the
 * next, then closed from the outside, then sockets queued on themselves
 * (cycles only a collector frees). On a kernel that frees nested queues
 * by recursion, a long chain overflows its stack.
 */
static int chain(int pairs)
{
	int prev[2] = {-1, -1}, sv[2], i;

	for (i = 0; i < pairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return 1;
		if (prev[0] >= 0) {
			if (send_fds(sv[0], prev, 2, "c") != 1)
				return 1;
			close(prev[0]);
			close(prev[1]);
		}
		prev[0] = sv[0];
		prev[1] = sv[1];
	}
	close(prev[0]);
	close(prev[1]);
	for (i = 0; i < 16; i++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0 || send_fds(sv[0], sv, 2, "s") != 1)
			return 1;
		close(sv[0]);
		close(sv[1]);
	}
	printf("chain of %d pairs and 16 cycles closed\n", pairs);
	return 0;
}

/* One stress worker: pairs, passed pipes, self-cycles, a listener's connections. */
static int stress_worker(int rounds, const struct sockaddr_un *la, socklen_t llen)
{
	char buf[4096], b;
	int r, sv[2], p[2], in[4], got, fl, c;

	memset(buf, 'x', sizeof(buf));
	for (r = 0; r < rounds; r++) {
		if (socketpair(AF_UNIX, r % 2 ? SOCK_STREAM : SOCK_DGRAM, 0, sv) || pipe(p))
			return 1;
		if (send_fds(sv[0], &p[1], 1, "p") != 1)
			return 1;
		close(p[1]);
		if (recv_fds(sv[1], &b, 1, in, 4, &got, &fl, sizeof(char[CMSG_SPACE(32)])) != 1 ||
		    got != 1 || write(in[0], "q", 1) != 1 || read(p[0], &b, 1) != 1)
			return 1;
		close(in[0]);
		close(p[0]);
		if (write(sv[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    read(sv[1], buf, sizeof(buf)) <= 0)
			return 1;
		send_fds(sv[0], sv, 2, "c"); /* a cycle the collector must free */
		close(sv[0]);
		close(sv[1]);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (const struct sockaddr *)la, llen) == 0)
			write(c, "h", 1);
		close(c);
	}
	return 0;
}

/* "unixsock --stress N": 4 processes run N rounds each against one listener. */
static int stress(int rounds)
{
	struct sockaddr_un a;
	char name[64], b;
	socklen_t len;
	int l, i, st, bad = 0, c, done = 0;
	pid_t pids[4];

	snprintf(name, sizeof(name), "matrioska-unixsock-stress-%d", (int)getpid());
	len = mkabstract(&a, name);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (bind(l, (struct sockaddr *)&a, len) || listen(l, 64))
		return 1;
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(stress_worker(rounds, &a, len));
	}
	while (done < 4) {
		struct pollfd pf = {l, POLLIN, 0};

		poll(&pf, 1, 50);
		while ((c = accept(l, NULL, NULL)) >= 0) {
			read(c, &b, 1);
			close(c);
		}
		for (i = 0; i < 4; i++) {
			if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				pids[i] = 0;
				done++;
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					bad++;
			}
		}
	}
	close(l);
	printf("stress: 4 x %d rounds, %d failed\n", rounds, bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--stress"))
		return stress(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "--bind"))
		return bind_only(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--chain"))
		return chain(atoi(argv[2]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_create();
	test_pair_stream();
	test_pair_dgram();
	test_server_client();
	test_dgram_named();
	test_abstract();
	test_scm_rights();
	test_credentials();
	test_inflight_limit();
	test_poll_and_blocking();
	test_epoll();
	test_options_and_bad_input();
	return tap_done("unixsock");
}
