/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rw.c - the Linux personality's data-moving calls: read, write, readv,
 * writev, pread64, pwrite64, preadv, pwritev, lseek, sendfile and
 * getdents64. User buffers go to the VFS as struct uio with user = true,
 * after Linux's up-front checks: the descriptor must be open for the
 * direction (EBADF), the buffer inside user space (EFAULT), counts are
 * capped at MAX_RW_COUNT and a zero count moves nothing.
 *
 * Vectored I/O: on a seekable file each segment is one VFS call and the
 * first short transfer ends the loop, as Linux's result would. On a stream
 * (FMODE_NOSEEK: pipes, ttys) the segments go through a kernel bounce
 * buffer in one VFS call, so that readv returns what one read would (it
 * never blocks again after getting data) and a writev of at most PIPE_BUF
 * bytes stays atomic on a pipe.
 */
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "mm.h"
#include "signal.h"
#include "uaccess.h"
#include "vfs.h"

#define MAX_RW_COUNT 0x7ffff000ul /* Linux: INT_MAX rounded down to a page */
#define IOV_MAX 1024		  /* UIO_MAXIOV */
#define BOUNCE_MAX 65536	  /* bounce buffer of stream readv/writev and sendfile */
#define SEEK_HOLE 4

/* Linux's struct iovec on x86_64. */
struct linux_iovec {
	u64 base;
	u64 len;
};
STATIC_ASSERT(sizeof(struct linux_iovec) == 16, "struct iovec is 16 bytes");

/* An open file usable for `fmode` (FMODE_READ or FMODE_WRITE), or NULL. */
static struct file *fget_mode(u64 fdreg, u32 fmode)
{
	struct file *f = lx_fget(lx_fd(fdreg));

	if (f && !(f->fmode & fmode)) {
		file_put(f);
		f = NULL;
	}
	return f;
}

static s64 rw_one(struct file *f, struct uio *u, bool write, s64 pos)
{
	if (pos < 0)
		return write ? vfs_write(f, u) : vfs_read(f, u);
	return write ? vfs_pwrite(f, u, (u64)pos) : vfs_pread(f, u, (u64)pos);
}

/* read/write/pread64/pwrite64; pos < 0: at the file position. */
static long do_rw(u64 fdreg, u64 buf, u64 count, bool write, s64 pos)
{
	struct file *f = fget_mode(fdreg, write ? FMODE_WRITE : FMODE_READ);
	struct uio u;
	long ret;

	if (!f)
		return -EBADF;
	if (pos >= 0 && (f->fmode & FMODE_NOSEEK)) {
		ret = -ESPIPE;
		goto out;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (count == 0) {
		ret = 0; /* whatever the pointer, as on Linux (even NULL) */
		goto out;
	}
	if (!access_ok(UPTR(buf), count)) {
		ret = -EFAULT;
		goto out;
	}
	u = (struct uio){UPTR(buf), count, true};
	ret = rw_one(f, &u, write, pos);
out:
	file_put(f);
	return ret;
}

static long sys_read(SYSCALL_ARGS)
{
	return do_rw(a0, a1, a2, false, -1);
}
LINUX_SYSCALL(read, sys_read);

static long sys_write(SYSCALL_ARGS)
{
	return do_rw(a0, a1, a2, true, -1);
}
LINUX_SYSCALL(write, sys_write);

static long sys_pread64(SYSCALL_ARGS)
{
	if ((s64)a3 < 0)
		return -EINVAL;
	return do_rw(a0, a1, a2, false, (s64)a3);
}
LINUX_SYSCALL(pread64, sys_pread64);

static long sys_pwrite64(SYSCALL_ARGS)
{
	if ((s64)a3 < 0)
		return -EINVAL;
	return do_rw(a0, a1, a2, true, (s64)a3);
}
LINUX_SYSCALL(pwrite64, sys_pwrite64);

/* ---- vectored ---- */

/*
 * Copy in and check cnt iovecs: lengths must not be negative (EINVAL),
 * buffers must be user memory (EFAULT); the total is capped at
 * MAX_RW_COUNT by shortening segments, as Linux does.
 */
static int iov_import(u64 uiov, u64 cnt, struct linux_iovec **out, size_t *total)
{
	struct linux_iovec *iov;
	size_t sum = 0;
	u64 i;

	*out = NULL;
	*total = 0;
	if (cnt > IOV_MAX)
		return -EINVAL;
	if (cnt == 0)
		return 0;
	iov = kmalloc(cnt * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, UPTR(uiov), cnt * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (i = 0; i < cnt; i++) {
		if ((s64)iov[i].len < 0) {
			kfree(iov);
			return -EINVAL;
		}
		if (iov[i].len > MAX_RW_COUNT - sum)
			iov[i].len = MAX_RW_COUNT - sum;
		if (iov[i].len && !access_ok(UPTR(iov[i].base), iov[i].len)) {
			kfree(iov);
			return -EFAULT;
		}
		sum += iov[i].len;
	}
	*out = iov;
	*total = sum;
	return 0;
}

/* Seekable file: one VFS call per segment; stop at the first short one. */
static long rwv_segments(struct file *f, const struct linux_iovec *iov, u64 cnt, bool write,
			 s64 pos)
{
	long done = 0;
	u64 i;

	for (i = 0; i < cnt; i++) {
		struct uio u = {UPTR(iov[i].base), iov[i].len, true};
		s64 n;

		if (!u.len)
			continue;
		n = rw_one(f, &u, write, pos < 0 ? -1 : pos + done);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((size_t)n < u.len)
			break;
	}
	return done;
}

/* Scatter n bytes of buf over the segments; bytes placed or -EFAULT. */
static long iov_scatter(const struct linux_iovec *iov, u64 cnt, const char *buf, size_t n)
{
	size_t done = 0;
	u64 i;

	for (i = 0; i < cnt && done < n; i++) {
		size_t k = MIN((size_t)iov[i].len, n - done);

		if (copy_to_user(UPTR(iov[i].base), buf + done, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

/*
 * Gather up to size bytes starting skip bytes into the segments; bytes
 * gathered (short at a fault) or -EFAULT if the first byte faults.
 */
static long iov_gather(const struct linux_iovec *iov, u64 cnt, size_t skip, char *buf, size_t size)
{
	size_t done = 0;
	u64 i;

	for (i = 0; i < cnt && done < size; i++) {
		size_t len = iov[i].len, k;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		k = MIN(len - skip, size - done);
		if (copy_from_user(buf + done, UPTR(iov[i].base + skip), k))
			return done ? (long)done : -EFAULT;
		done += k;
		skip = 0;
	}
	return (long)done;
}

/* Stream: through a bounce buffer, one VFS call per chunk (a read: one chunk only). */
static long rwv_stream(struct file *f, const struct linux_iovec *iov, u64 cnt, size_t total,
		       bool write)
{
	size_t chunk = MIN(total, (size_t)BOUNCE_MAX), done = 0;
	char *buf = kmalloc(chunk);
	long ret = 0;
	s64 n;

	if (!buf)
		return -ENOMEM;
	if (!write) {
		struct uio u = {buf, chunk, false};

		n = vfs_read(f, &u);
		ret = n > 0 ? iov_scatter(iov, cnt, buf, (size_t)n) : n;
		goto out;
	}
	while (done < total) {
		size_t want = MIN(chunk, total - done);
		long got = iov_gather(iov, cnt, done, buf, want);
		struct uio u = {buf, 0, false};

		if (got < 0) {
			ret = got;
			break;
		}
		u.len = (size_t)got;
		n = vfs_write(f, &u);
		if (n < 0) {
			ret = n;
			break;
		}
		done += (size_t)n;
		if (n < got || (size_t)got < want)
			break; /* a short write, or a fault cut the gather short */
	}
	if (done)
		ret = (long)done;
out:
	kfree(buf);
	return ret;
}

static long do_rwv(u64 fdreg, u64 uiov, u64 cnt, bool write, s64 pos)
{
	struct file *f = fget_mode(fdreg, write ? FMODE_WRITE : FMODE_READ);
	struct linux_iovec *iov = NULL;
	size_t total = 0;
	long ret;

	if (!f)
		return -EBADF;
	if (pos >= 0 && (f->fmode & FMODE_NOSEEK)) {
		ret = -ESPIPE;
		goto out;
	}
	ret = iov_import(uiov, cnt, &iov, &total);
	if (ret || total == 0)
		goto out;
	if ((f->fmode & FMODE_NOSEEK) && cnt > 1)
		ret = rwv_stream(f, iov, cnt, total, write);
	else
		ret = rwv_segments(f, iov, cnt, write, pos);
out:
	kfree(iov);
	file_put(f);
	return ret;
}

static long sys_readv(SYSCALL_ARGS)
{
	return do_rwv(a0, a1, a2, false, -1);
}
LINUX_SYSCALL(readv, sys_readv);

static long sys_writev(SYSCALL_ARGS)
{
	return do_rwv(a0, a1, a2, true, -1);
}
LINUX_SYSCALL(writev, sys_writev);

/* preadv/pwritev(fd, iov, cnt, pos_l, pos_h): on x86_64 pos_l is the whole offset. */
static long sys_preadv(SYSCALL_ARGS)
{
	if ((s64)a3 < 0)
		return -EINVAL;
	return do_rwv(a0, a1, a2, false, (s64)a3);
}
LINUX_SYSCALL(preadv, sys_preadv);

static long sys_pwritev(SYSCALL_ARGS)
{
	if ((s64)a3 < 0)
		return -EINVAL;
	return do_rwv(a0, a1, a2, true, (s64)a3);
}
LINUX_SYSCALL(pwritev, sys_pwritev);

/* ---- lseek ---- */

static long sys_lseek(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));
	u32 whence = (u32)a2;
	long ret;

	if (!f)
		return -EBADF;
	if (whence > SEEK_HOLE)
		ret = -EINVAL;
	else
		ret = vfs_lseek(f, (s64)a1, (int)whence);
	file_put(f);
	return ret;
}
LINUX_SYSCALL(lseek, sys_lseek);

/* ---- sendfile ---- */

/*
 * sendfile(out, in, offset, count): copy through a kernel buffer. Like
 * Linux before 5.12, the input must be seekable (EINVAL otherwise; callers
 * such as busybox then fall back to read/write); an O_APPEND output is
 * EINVAL. With offset, the input's position is left alone and *offset
 * advances by what was written.
 */
static long sys_sendfile(SYSCALL_ARGS)
{
	struct file *out = fget_mode(a0, FMODE_WRITE), *in = fget_mode(a1, FMODE_READ);
	size_t count = MIN((size_t)a3, (size_t)MAX_RW_COUNT), done = 0;
	char *buf = NULL;
	s64 pos = -1;
	long ret = 0;

	if (!out || !in) {
		ret = -EBADF;
		goto out;
	}
	if ((in->fmode & FMODE_NOSEEK) ||
	    (__atomic_load_n(&out->flags, __ATOMIC_RELAXED) & O_APPEND)) {
		ret = -EINVAL;
		goto out;
	}
	if (a2) {
		if (copy_from_user(&pos, UPTR(a2), sizeof(pos))) {
			ret = -EFAULT;
			goto out;
		}
		if (pos < 0) {
			ret = -EINVAL;
			goto out;
		}
	}
	if (!count)
		goto out;
	buf = kmalloc(MIN(count, (size_t)BOUNCE_MAX));
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < count) {
		struct uio u = {buf, MIN(count - done, (size_t)BOUNCE_MAX), false};
		s64 n = pos >= 0 ? vfs_pread(in, &u, (u64)pos) : vfs_read(in, &u), w;

		if (n <= 0) {
			ret = n;
			break;
		}
		u.len = (size_t)n;
		w = vfs_write(out, &u);
		if (w < 0) {
			ret = w;
			w = 0;
		}
		done += (size_t)w;
		if (pos >= 0)
			pos += w;
		else if (w < n)
			vfs_lseek(in, w - n, SEEK_CUR); /* give back what was not written */
		if (w < n || signal_pending())
			break;
	}
	if (done)
		ret = (long)done;
	if (a2 && copy_to_user(UPTR(a2), &pos, sizeof(pos)))
		ret = -EFAULT;
out:
	kfree(buf);
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return ret;
}
LINUX_SYSCALL(sendfile, sys_sendfile);

/* ---- getdents64 ---- */

static long sys_getdents64(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));
	size_t count = (u32)a2;
	struct uio u = {UPTR(a1), count, true};
	long ret;

	if (!f)
		return -EBADF;
	if (count && !access_ok(UPTR(a1), count))
		ret = -EFAULT;
	else
		ret = vfs_getdents64(f, &u);
	file_put(f);
	return ret;
}
LINUX_SYSCALL(getdents64, sys_getdents64);
