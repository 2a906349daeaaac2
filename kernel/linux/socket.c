/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socket.c - the Linux personality's socket calls: socket, socketpair,
 * bind, listen, accept, accept4, connect, getsockname, getpeername,
 * sendto, recvfrom, sendmsg, recvmsg, shutdown, setsockopt, getsockopt.
 *
 * Each handler looks the descriptor up (EBADF; ENOTSOCK for a file that
 * is not a socket), copies addresses, iovecs and control messages in with
 * Linux's checks (an address longer than struct sockaddr_storage or a
 * negative length is EINVAL, a bad pointer EFAULT), calls the socket
 * layer (socket.h) and copies the results out: an address is truncated
 * to the caller's buffer while the full length is reported, received
 * descriptors (SCM_RIGHTS) are installed as new fds in one control
 * message (after the sender's SCM_CREDENTIALS if the receiver asked for
 * them with SO_PASSCRED), and what does not fit sets MSG_CTRUNC and is
 * closed.
 */
#include "socket.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "mm.h"
#include "uaccess.h"
#include "vfs.h"

#define MAX_RW_COUNT 0x7ffff000ul
#define UIO_MAXIOV 1024
#define CONTROL_MAX 20480 /* net.core.optmem_max: longest control buffer sent */

/* Linux's struct msghdr, struct iovec and struct cmsghdr on x86_64. */
struct linux_msghdr {
	u64 name;
	s32 namelen;
	u32 pad0;
	u64 iov;
	u64 iovlen;
	u64 control;
	u64 controllen;
	s32 flags;
	u32 pad1;
};
STATIC_ASSERT(sizeof(struct linux_msghdr) == 56, "struct msghdr is 56 bytes");

struct linux_iovec {
	u64 base;
	u64 len;
};

struct linux_cmsghdr {
	u64 len;
	s32 level;
	s32 type;
};
#define CMSG_HDR 16
#define CMSG_ALIGN(n) (((n) + 7) & ~(u64)7)

/* The socket at fd (referenced): -EBADF, -ENOTSOCK. */
static int sock_fget(u64 fdreg, struct file **out)
{
	struct file *f = lx_fget(lx_fd(fdreg));

	*out = NULL;
	if (!f)
		return -EBADF;
	if (!file_is_socket(f)) {
		file_put(f);
		return -ENOTSOCK;
	}
	*out = f;
	return 0;
}

static long install(struct file *f, bool cloexec)
{
	int fd = fd_install(lx_proc()->files, f, 0, cloexec);

	if (fd < 0)
		file_put(f);
	return fd;
}

/* A caller's address (len as the int Linux takes). */
static int addr_in(u64 uaddr, u64 ulen, struct sock_addr *a)
{
	s32 len = (s32)ulen;

	if (len < 0 || len > SOCKADDR_MAX)
		return -EINVAL;
	a->len = (u32)len;
	if (len && copy_from_user(a->data, UPTR(uaddr), (size_t)len))
		return -EFAULT;
	return 0;
}

/* Report a: at most *ulenp bytes to uaddr, the full length to *ulenp. */
static int addr_out(const struct sock_addr *a, u64 uaddr, u64 ulenp)
{
	s32 len;

	if (copy_from_user(&len, UPTR(ulenp), sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (MIN((u32)len, a->len) && copy_to_user(UPTR(uaddr), a->data, MIN((u32)len, a->len)))
		return -EFAULT;
	len = (s32)a->len;
	if (copy_to_user(UPTR(ulenp), &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

static void put_files(struct file **fds, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		file_put(fds[i]);
	kfree(fds);
}

/*
 * The start of the calls that take or give an address: a buffer for it
 * (kmalloc'd, *ap) and the socket at fd (referenced, *fp). -ENOMEM, then
 * sock_fget's -EBADF or -ENOTSOCK; on an error nothing is held.
 */
static int sock_fget_addr(u64 fd, struct file **fp, struct sock_addr **ap)
{
	int err;

	*ap = kmalloc(sizeof(**ap));
	if (!*ap)
		return -ENOMEM;
	err = sock_fget(fd, fp);
	if (err) {
		kfree(*ap);
		*ap = NULL;
	}
	return err;
}

/*
 * The start of sendto and recvfrom: the message is one user buffer (its
 * length capped like a write's) described by *u and *m, with an address
 * buffer (kmalloc'd, *ap, and m->name) when uaddr is set, else *ap NULL.
 * -EFAULT for a bad buffer, then -ENOMEM; on an error *ap is NULL.
 */
static int msg_one_buffer(u64 ubuf, u64 ulen, u64 uaddr, struct uio *u, struct sock_msg *m,
			  struct sock_addr **ap)
{
	size_t len = MIN((size_t)ulen, (size_t)MAX_RW_COUNT);

	*u = (struct uio){UPTR(ubuf), len, true};
	*m = (struct sock_msg){.iov = u, .iovcnt = 1, .total = len};
	*ap = NULL;
	if (len && !access_ok(UPTR(ubuf), len))
		return -EFAULT;
	if (uaddr) {
		*ap = kmalloc(sizeof(**ap));
		if (!*ap)
			return -ENOMEM;
		m->name = *ap;
	}
	return 0;
}

/* listen and shutdown: op on the socket at fd with an int argument. */
static long sock_int_call(u64 fd, int (*op)(struct file *f, int arg), u64 arg)
{
	struct file *f;
	long err = sock_fget(fd, &f);

	if (err)
		return err;
	err = op(f, (int)arg);
	file_put(f);
	return err;
}

/* ---- creating ---- */

static long sys_socket(SYSCALL_ARGS)
{
	int family = (int)a0, type = (int)a1;
	struct file *f;
	int err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	err = sock_create(family, type, (int)a2, &f);
	if (err)
		return err;
	return install(f, type & SOCK_CLOEXEC);
}
LINUX_SYSCALL(socket, sys_socket);

static long sys_socketpair(SYSCALL_ARGS)
{
	int family = (int)a0, type = (int)a1;
	int fds[2] = {-1, -1};
	struct file *x, *y;
	long err;

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (copy_to_user(UPTR(a3), fds, sizeof(fds)))
		return -EFAULT;
	err = sock_create_pair(family, type, (int)a2, &x, &y);
	if (err)
		return err;
	err = install(x, type & SOCK_CLOEXEC);
	if (err < 0) {
		file_put(y);
		return err;
	}
	fds[0] = (int)err;
	err = install(y, type & SOCK_CLOEXEC);
	if (err < 0) {
		fd_close(lx_proc()->files, fds[0]);
		return err;
	}
	fds[1] = (int)err;
	if (copy_to_user(UPTR(a3), fds, sizeof(fds))) {
		fd_close(lx_proc()->files, fds[0]);
		fd_close(lx_proc()->files, fds[1]);
		return -EFAULT;
	}
	return 0;
}
LINUX_SYSCALL(socketpair, sys_socketpair);

/* ---- names and connections ---- */

/* bind and connect: (fd, addr, addrlen). */
static long do_bind_connect(u64 fd, u64 uaddr, u64 ulen, bool bind)
{
	struct sock_addr *a;
	struct vfs_ctx c;
	struct file *f;
	long err = sock_fget_addr(fd, &f, &a);

	if (err)
		return err;
	err = addr_in(uaddr, ulen, a);
	if (!err) {
		lx_ctx_init(&c);
		err = bind ? sock_bind(f, &c, a) : sock_connect(f, &c, a);
	}
	file_put(f);
	kfree(a);
	return err;
}

static long sys_bind(SYSCALL_ARGS)
{
	return do_bind_connect(a0, a1, a2, true);
}
LINUX_SYSCALL(bind, sys_bind);

static long sys_connect(SYSCALL_ARGS)
{
	return do_bind_connect(a0, a1, a2, false);
}
LINUX_SYSCALL(connect, sys_connect);

static long sys_listen(SYSCALL_ARGS)
{
	return sock_int_call(a0, sock_listen, a1);
}
LINUX_SYSCALL(listen, sys_listen);

static long do_accept(u64 fd, u64 uaddr, u64 ulenp, u32 flags)
{
	struct sock_addr *a;
	struct file *f, *nf;
	long err;

	if (flags & ~(u32)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	err = sock_fget_addr(fd, &f, &a);
	if (err)
		return err;
	err = sock_accept(f, flags, &nf, a);
	file_put(f);
	if (err)
		goto out_free;
	if (uaddr) {
		err = addr_out(a, uaddr, ulenp);
		if (err) {
			file_put(nf); /* the connection is lost, as on Linux */
			goto out_free;
		}
	}
	err = install(nf, flags & SOCK_CLOEXEC);
out_free:
	kfree(a);
	return err;
}

static long sys_accept(SYSCALL_ARGS)
{
	return do_accept(a0, a1, a2, 0);
}
LINUX_SYSCALL(accept, sys_accept);

static long sys_accept4(SYSCALL_ARGS)
{
	return do_accept(a0, a1, a2, (u32)a3);
}
LINUX_SYSCALL(accept4, sys_accept4);

static long do_getname(u64 fd, u64 uaddr, u64 ulenp, bool peer)
{
	struct sock_addr *a;
	struct file *f;
	long err = sock_fget_addr(fd, &f, &a);

	if (err)
		return err;
	err = sock_getname(f, peer, a);
	file_put(f);
	if (!err)
		err = addr_out(a, uaddr, ulenp);
	kfree(a);
	return err;
}

static long sys_getsockname(SYSCALL_ARGS)
{
	return do_getname(a0, a1, a2, false);
}
LINUX_SYSCALL(getsockname, sys_getsockname);

static long sys_getpeername(SYSCALL_ARGS)
{
	return do_getname(a0, a1, a2, true);
}
LINUX_SYSCALL(getpeername, sys_getpeername);

static long sys_shutdown(SYSCALL_ARGS)
{
	return sock_int_call(a0, sock_shutdown, a1);
}
LINUX_SYSCALL(shutdown, sys_shutdown);

/* ---- options ---- */

static long sys_setsockopt(SYSCALL_ARGS)
{
	u8 val[SOCKOPT_MAX] = {0};
	s32 len = (s32)a4;
	struct file *f;
	long err;

	if (len < 0)
		return -EINVAL;
	err = sock_fget(a0, &f);
	if (err)
		return err;
	if (copy_from_user(val, UPTR(a3), MIN((size_t)len, sizeof(val))))
		err = -EFAULT;
	else
		err = sock_setsockopt(f, (int)a1, (int)a2, val, (u32)len);
	file_put(f);
	return err;
}
LINUX_SYSCALL(setsockopt, sys_setsockopt);

static long sys_getsockopt(SYSCALL_ARGS)
{
	u8 val[SOCKOPT_MAX];
	u32 vlen = 0;
	struct file *f;
	s32 len;
	long err;

	err = sock_fget(a0, &f);
	if (err)
		return err;
	if (copy_from_user(&len, UPTR(a4), sizeof(len))) {
		err = -EFAULT;
		goto out;
	}
	if (len < 0) {
		err = -EINVAL;
		goto out;
	}
	err = sock_getsockopt(f, (int)a1, (int)a2, val, &vlen);
	if (err)
		goto out;
	len = (s32)MIN((u32)len, vlen);
	if ((len && copy_to_user(UPTR(a3), val, (size_t)len)) ||
	    copy_to_user(UPTR(a4), &len, sizeof(len)))
		err = -EFAULT;
out:
	file_put(f);
	return err;
}
LINUX_SYSCALL(getsockopt, sys_getsockopt);

/* ---- data ---- */

/* The iovecs of a message as uio segments (kmalloc'd, *out). */
static int iov_import(u64 uiov, u64 cnt, struct uio **out, size_t *total)
{
	struct linux_iovec v;
	struct uio *u;
	size_t sum = 0;
	u64 i;

	*out = NULL;
	*total = 0;
	if (cnt > UIO_MAXIOV)
		return -EMSGSIZE;
	if (!cnt)
		return 0;
	u = kmalloc(cnt * sizeof(*u));
	if (!u)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		if (copy_from_user(&v, UPTR(uiov + i * sizeof(v)), sizeof(v))) {
			kfree(u);
			return -EFAULT;
		}
		if ((s64)v.len < 0) {
			kfree(u);
			return -EINVAL;
		}
		v.len = MIN(v.len, (u64)(MAX_RW_COUNT - sum));
		if (v.len && !access_ok(UPTR(v.base), v.len)) {
			kfree(u);
			return -EFAULT;
		}
		u[i] = (struct uio){UPTR(v.base), v.len, true};
		sum += v.len;
	}
	*out = u;
	*total = sum;
	return 0;
}

/* Is the caller allowed to claim these credentials (SCM_CREDENTIALS)? */
static bool creds_ok(const struct sock_ucred *uc)
{
	const struct process *p = lx_proc();
	const struct cred *c = &p->cred;

	if (cred_is_root(c))
		return true;
	return uc->pid == p->pid &&
	       (uc->uid == c->uid || uc->uid == c->euid || uc->uid == c->suid) &&
	       (uc->gid == c->gid || uc->gid == c->egid || uc->gid == c->sgid);
}

/* Parse the control messages of a send: SCM_RIGHTS files into m (referenced). */
static int control_import(u64 uctl, u64 len, struct sock_msg *m)
{
	struct linux_cmsghdr h;
	u8 *buf;
	u64 off = 0;
	int err = 0;

	if (len > CONTROL_MAX)
		return -ENOBUFS;
	if (len < CMSG_HDR)
		return 0;
	buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, UPTR(uctl), len)) {
		err = -EFAULT;
		goto out;
	}
	while (off + CMSG_HDR <= len) {
		memcpy(&h, buf + off, sizeof(h));
		if (h.len < CMSG_HDR || h.len > len - off) {
			err = -EINVAL;
			break;
		}
		if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS) {
			u32 n = (u32)((h.len - CMSG_HDR) / sizeof(int)), i;
			struct file **fds;

			if (m->nfds + n > SCM_MAX_FD) {
				err = -EINVAL;
				break;
			}
			fds = kmalloc((m->nfds + n) * sizeof(*fds) + sizeof(*fds));
			if (!fds) {
				err = -ENOMEM;
				break;
			}
			if (m->nfds)
				memcpy(fds, m->fds, m->nfds * sizeof(*fds));
			kfree(m->fds);
			m->fds = fds;
			for (i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, buf + off + CMSG_HDR + i * sizeof(int), sizeof(fd));
				fds[m->nfds] = lx_fget(fd);
				if (!fds[m->nfds]) {
					err = -EBADF;
					break;
				}
				m->nfds++;
			}
			if (err)
				break;
		} else if (h.level == SOL_SOCKET && h.type == SCM_CREDENTIALS) {
			struct sock_ucred uc;

			if (h.len != CMSG_HDR + sizeof(uc)) {
				err = -EINVAL;
				break;
			}
			memcpy(&uc, buf + off + CMSG_HDR, sizeof(uc));
			if (!creds_ok(&uc)) {
				err = -EPERM;
				break;
			}
			m->cred = uc;
			m->has_cred = true;
		} else if (h.level == SOL_SOCKET) {
			err = -EINVAL;
			break;
		}
		off += CMSG_ALIGN(h.len);
	}
out:
	kfree(buf);
	return err;
}

/*
 * Install the received files as one SCM_RIGHTS message in the control
 * buffer of *mh; what does not fit (or cannot be installed) is closed and
 * sets MSG_CTRUNC. Updates mh->controllen to the bytes used.
 */
static void control_export(struct linux_msghdr *mh, struct sock_msg *m, bool cloexec)
{
	u64 room = mh->control ? mh->controllen : 0, used = 0;
	struct linux_cmsghdr h = {0, SOL_SOCKET, SCM_RIGHTS};
	u32 fit, i, k = 0;
	int fd;

	mh->controllen = 0;
	if (m->has_cred) { /* SCM_CREDENTIALS first, as Linux writes them */
		struct linux_cmsghdr ch = {CMSG_HDR + sizeof(m->cred), SOL_SOCKET, SCM_CREDENTIALS};

		if (room < ch.len || copy_to_user(UPTR(mh->control), &ch, sizeof(ch)) ||
		    copy_to_user(UPTR(mh->control + CMSG_HDR), &m->cred, sizeof(m->cred))) {
			m->flags_out |= MSG_CTRUNC;
		} else {
			used = MIN(CMSG_ALIGN(ch.len), room);
			mh->controllen = used;
		}
	}
	fit = room - used > CMSG_HDR ? (u32)((room - used - CMSG_HDR) / sizeof(int)) : 0;
	if (!m->nfds)
		goto out;
	for (i = 0; i < m->nfds && i < fit; i++) {
		fd = (int)install(m->fds[i], cloexec);
		m->fds[i] = NULL;
		if (fd < 0)
			break;
		if (copy_to_user(UPTR(mh->control + used + CMSG_HDR + k * sizeof(int)), &fd,
				 sizeof(fd))) {
			fd_close(lx_proc()->files, fd);
			break;
		}
		k++;
	}
	if (k < m->nfds)
		m->flags_out |= MSG_CTRUNC;
	for (; i < m->nfds; i++)
		if (m->fds[i])
			file_put(m->fds[i]);
	if (k) {
		h.len = CMSG_HDR + k * sizeof(int);
		if (!copy_to_user(UPTR(mh->control + used), &h, sizeof(h)))
			mh->controllen = used + MIN(CMSG_ALIGN(h.len), room - used);
	}
out:
	kfree(m->fds);
	m->fds = NULL;
	m->nfds = 0;
}

static long do_send(u64 fd, struct sock_msg *m, u32 flags)
{
	struct vfs_ctx c;
	struct file *f;
	long err = sock_fget(fd, &f);

	if (err)
		return err;
	lx_ctx_init(&c);
	m->ctx = &c;
	err = sock_sendmsg(f, m, flags);
	file_put(f);
	return err;
}

static long sys_sendto(SYSCALL_ARGS)
{
	struct sock_addr *a;
	struct sock_msg m;
	struct uio u;
	long err = msg_one_buffer(a1, a2, a4, &u, &m, &a);

	if (err)
		return err;
	if (a)
		err = addr_in(a4, a5, a);
	if (!err)
		err = do_send(a0, &m, (u32)a3);
	kfree(a);
	return err;
}
LINUX_SYSCALL(sendto, sys_sendto);

static long sys_sendmsg(SYSCALL_ARGS)
{
	struct linux_msghdr mh;
	struct sock_msg m = {0};
	struct sock_addr *a = NULL;
	struct uio *iov = NULL;
	long err;

	if (copy_from_user(&mh, UPTR(a1), sizeof(mh)))
		return -EFAULT;
	if (mh.name) {
		a = kmalloc(sizeof(*a));
		if (!a)
			return -ENOMEM;
		err = addr_in(mh.name, (u64)(u32)mh.namelen, a);
		if (err)
			goto out;
		m.name = a;
	}
	err = iov_import(mh.iov, mh.iovlen, &iov, &m.total);
	if (err)
		goto out;
	m.iov = iov;
	m.iovcnt = (u32)mh.iovlen;
	err = control_import(mh.control, mh.controllen, &m);
	if (!err)
		err = do_send(a0, &m, (u32)a2);
out:
	put_files(m.fds, m.nfds);
	kfree(iov);
	kfree(a);
	return err;
}
LINUX_SYSCALL(sendmsg, sys_sendmsg);

static long do_recv(u64 fd, struct sock_msg *m, u32 flags)
{
	struct file *f;
	long err = sock_fget(fd, &f);

	if (err)
		return err;
	err = sock_recvmsg(f, m, flags);
	file_put(f);
	return err;
}

static long sys_recvfrom(SYSCALL_ARGS)
{
	struct sock_addr *a;
	struct sock_msg m;
	struct uio u;
	long err = msg_one_buffer(a1, a2, a4, &u, &m, &a);

	if (err)
		return err;
	err = do_recv(a0, &m, (u32)a3);
	put_files(m.fds, m.nfds); /* no control buffer: passed files are closed */
	if (err >= 0 && a4) {
		long e = addr_out(a, a4, a5);

		if (e)
			err = e;
	}
	kfree(a);
	return err;
}
LINUX_SYSCALL(recvfrom, sys_recvfrom);

static long sys_recvmsg(SYSCALL_ARGS)
{
	struct linux_msghdr mh;
	struct sock_msg m = {0};
	struct sock_addr *a = NULL;
	struct uio *iov = NULL;
	u32 flags = (u32)a2;
	long err;

	if (copy_from_user(&mh, UPTR(a1), sizeof(mh)))
		return -EFAULT;
	if (mh.name && mh.namelen < 0)
		return -EINVAL;
	err = iov_import(mh.iov, mh.iovlen, &iov, &m.total);
	if (err)
		return err;
	m.iov = iov;
	m.iovcnt = (u32)mh.iovlen;
	if (mh.name) {
		a = kmalloc(sizeof(*a));
		if (!a) {
			err = -ENOMEM;
			goto out;
		}
		m.name = a;
	}
	err = do_recv(a0, &m, flags & ~(u32)MSG_CMSG_CLOEXEC);
	if (err < 0)
		goto out;
	control_export(&mh, &m, flags & MSG_CMSG_CLOEXEC);
	if (a) {
		u32 n = MIN((u32)mh.namelen, a->len);

		if (n && copy_to_user(UPTR(mh.name), a->data, n)) {
			err = -EFAULT;
			goto out;
		}
		mh.namelen = (s32)a->len;
	} else {
		mh.namelen = 0;
	}
	mh.flags = (s32)m.flags_out;
	if (copy_to_user(UPTR(a1), &mh, sizeof(mh)))
		err = -EFAULT;
out:
	put_files(m.fds, m.nfds);
	kfree(iov);
	kfree(a);
	return err;
}
LINUX_SYSCALL(recvmsg, sys_recvmsg);
