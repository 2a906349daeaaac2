/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * namei.c - the Linux personality's calls that change the name space or a
 * file's attributes: mkdir, mkdirat, mknod, mknodat, rmdir, unlink,
 * unlinkat, rename, renameat, renameat2, link, linkat, symlink, symlinkat,
 * chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat, truncate,
 * ftruncate, utimensat, utimes, utime and futimesat.
 *
 * Flags, modes and times are checked here, before the VFS is asked to
 * change anything (EINVAL for unknown flags and out-of-range values, as
 * Linux). The umask is applied to the mode of everything created (the VFS
 * applying it again changes nothing).
 */
#include "cred.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "uaccess.h"
#include "vfs.h"

#define RENAME_WHITEOUT 4

/* ---- mkdir, mknod ---- */

static long do_mkdirat(int dirfd, u64 upath, u32 mode)
{
	struct lx_at at;
	int err;

	err = lx_at_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	err = vfs_mkdir(&at.ctx, at.path, mode & 01777 & ~lx_umask());
	lx_at_put(&at);
	return err;
}

static long sys_mkdir(SYSCALL_ARGS)
{
	return do_mkdirat(AT_FDCWD, a0, (u32)a1);
}
LINUX_SYSCALL(mkdir, sys_mkdir);

static long sys_mkdirat(SYSCALL_ARGS)
{
	return do_mkdirat(lx_fd(a0), a1, (u32)a2);
}
LINUX_SYSCALL(mkdirat, sys_mkdirat);

/* dev is Linux's 32-bit encoding, the low half of MKDEV()'s. */
static long do_mknodat(int dirfd, u64 upath, u32 mode, u32 dev)
{
	u32 type = mode & S_IFMT;
	struct lx_at at;
	int err;

	switch (type) {
	case 0:
		type = S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!cred_is_root(&lx_proc()->cred))
			return -EPERM;
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = lx_at_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	err = vfs_mknod(&at.ctx, at.path, type | (mode & 07777 & ~lx_umask()), dev);
	lx_at_put(&at);
	return err;
}

static long sys_mknod(SYSCALL_ARGS)
{
	return do_mknodat(AT_FDCWD, a0, (u32)a1, (u32)a2);
}
LINUX_SYSCALL(mknod, sys_mknod);

static long sys_mknodat(SYSCALL_ARGS)
{
	return do_mknodat(lx_fd(a0), a1, (u32)a2, (u32)a3);
}
LINUX_SYSCALL(mknodat, sys_mknodat);

/* ---- unlink, rmdir ---- */

static long do_unlinkat(int dirfd, u64 upath, int flags)
{
	struct lx_at at;
	int err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = lx_at_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	if (flags & AT_REMOVEDIR)
		err = vfs_rmdir(&at.ctx, at.path);
	else
		err = vfs_unlink(&at.ctx, at.path);
	lx_at_put(&at);
	return err;
}

static long sys_unlink(SYSCALL_ARGS)
{
	return do_unlinkat(AT_FDCWD, a0, 0);
}
LINUX_SYSCALL(unlink, sys_unlink);

static long sys_rmdir(SYSCALL_ARGS)
{
	return do_unlinkat(AT_FDCWD, a0, AT_REMOVEDIR);
}
LINUX_SYSCALL(rmdir, sys_rmdir);

static long sys_unlinkat(SYSCALL_ARGS)
{
	return do_unlinkat(lx_fd(a0), a1, (int)a2);
}
LINUX_SYSCALL(unlinkat, sys_unlinkat);

/* ---- rename, link, symlink ---- */

static long do_renameat2(int odfd, u64 uold, int ndfd, u64 unew, u32 flags)
{
	struct lx_at o, n;
	int err;

	if (flags & ~(u32)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL; /* no file system here has whiteouts */
	err = lx_at_get(&o, odfd, uold, 0);
	if (err)
		return err;
	err = lx_at_get(&n, ndfd, unew, 0);
	if (err)
		goto out_old;
	err = vfs_rename(&o.ctx, o.path, &n.ctx, n.path, flags);
	lx_at_put(&n);
out_old:
	lx_at_put(&o);
	return err;
}

static long sys_rename(SYSCALL_ARGS)
{
	return do_renameat2(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}
LINUX_SYSCALL(rename, sys_rename);

static long sys_renameat(SYSCALL_ARGS)
{
	return do_renameat2(lx_fd(a0), a1, lx_fd(a2), a3, 0);
}
LINUX_SYSCALL(renameat, sys_renameat);

static long sys_renameat2(SYSCALL_ARGS)
{
	return do_renameat2(lx_fd(a0), a1, lx_fd(a2), a3, (u32)a4);
}
LINUX_SYSCALL(renameat2, sys_renameat2);

static long do_linkat(int odfd, u64 uold, int ndfd, u64 unew, int flags)
{
	struct lx_at o, n;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lx_at_get(&o, odfd, uold, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	err = lx_at_get(&n, ndfd, unew, 0);
	if (err)
		goto out_old;
	err = vfs_link(&o.ctx, o.path, &n.ctx, n.path, flags);
	lx_at_put(&n);
out_old:
	lx_at_put(&o);
	return err;
}

static long sys_link(SYSCALL_ARGS)
{
	return do_linkat(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}
LINUX_SYSCALL(link, sys_link);

static long sys_linkat(SYSCALL_ARGS)
{
	return do_linkat(lx_fd(a0), a1, lx_fd(a2), a3, (int)a4);
}
LINUX_SYSCALL(linkat, sys_linkat);

static long do_symlinkat(u64 utarget, int dirfd, u64 ulink)
{
	struct lx_at at;
	char *target;
	int err;

	err = lx_getname(utarget, false, &target);
	if (err)
		return err;
	err = lx_at_get(&at, dirfd, ulink, 0);
	if (err)
		goto out_target;
	err = vfs_symlink(target, &at.ctx, at.path);
	lx_at_put(&at);
out_target:
	lx_putname(target);
	return err;
}

static long sys_symlink(SYSCALL_ARGS)
{
	return do_symlinkat(a0, AT_FDCWD, a1);
}
LINUX_SYSCALL(symlink, sys_symlink);

static long sys_symlinkat(SYSCALL_ARGS)
{
	return do_symlinkat(a0, lx_fd(a1), a2);
}
LINUX_SYSCALL(symlinkat, sys_symlinkat);

/* ---- chmod, chown ---- */

static long do_fchmodat(int dirfd, u64 upath, u32 mode, int flags)
{
	struct lx_at at;
	int err;

	err = lx_at_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	err = vfs_chmod(&at.ctx, at.path, mode & 07777, flags);
	lx_at_put(&at);
	return err;
}

static long sys_chmod(SYSCALL_ARGS)
{
	return do_fchmodat(AT_FDCWD, a0, (u32)a1, 0);
}
LINUX_SYSCALL(chmod, sys_chmod);

/* fchmodat(2) has no flags argument (that is fchmodat2). */
static long sys_fchmodat(SYSCALL_ARGS)
{
	return do_fchmodat(lx_fd(a0), a1, (u32)a2, 0);
}
LINUX_SYSCALL(fchmodat, sys_fchmodat);

static long sys_fchmod(SYSCALL_ARGS)
{
	struct file *f = lx_fget_nopath(lx_fd(a0));
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fchmod(f, &lx_proc()->cred, (u32)a1 & 07777);
	file_put(f);
	return err;
}
LINUX_SYSCALL(fchmod, sys_fchmod);

static long do_fchownat(int dirfd, u64 upath, u32 uid, u32 gid, int flags)
{
	struct lx_at at;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lx_at_get(&at, dirfd, upath, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	if (at.path[0] == '\0' && at.ctx.dir)
		err = vfs_fchown(at.ctx.dir, at.ctx.cred, uid, gid);
	else
		err = vfs_chown(&at.ctx, at.path[0] ? at.path : ".", uid, gid,
				flags & AT_SYMLINK_NOFOLLOW);
	lx_at_put(&at);
	return err;
}

static long sys_chown(SYSCALL_ARGS)
{
	return do_fchownat(AT_FDCWD, a0, (u32)a1, (u32)a2, 0);
}
LINUX_SYSCALL(chown, sys_chown);

static long sys_lchown(SYSCALL_ARGS)
{
	return do_fchownat(AT_FDCWD, a0, (u32)a1, (u32)a2, AT_SYMLINK_NOFOLLOW);
}
LINUX_SYSCALL(lchown, sys_lchown);

static long sys_fchownat(SYSCALL_ARGS)
{
	return do_fchownat(lx_fd(a0), a1, (u32)a2, (u32)a3, (int)a4);
}
LINUX_SYSCALL(fchownat, sys_fchownat);

static long sys_fchown(SYSCALL_ARGS)
{
	struct file *f = lx_fget_nopath(lx_fd(a0));
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fchown(f, &lx_proc()->cred, (u32)a1, (u32)a2);
	file_put(f);
	return err;
}
LINUX_SYSCALL(fchown, sys_fchown);

/* ---- truncate ---- */

static long sys_truncate(SYSCALL_ARGS)
{
	struct vfs_ctx c;
	char *path;
	int err;

	if ((s64)a1 < 0)
		return -EINVAL;
	err = lx_getname(a0, false, &path);
	if (err)
		return err;
	lx_ctx_init(&c);
	err = vfs_truncate(&c, path, (s64)a1);
	lx_putname(path);
	return err;
}
LINUX_SYSCALL(truncate, sys_truncate);

static long sys_ftruncate(SYSCALL_ARGS)
{
	struct file *f;
	int err;

	if ((s64)a1 < 0)
		return -EINVAL;
	f = lx_fget_nopath(lx_fd(a0));
	if (!f)
		return -EBADF;
	if (!(f->fmode & FMODE_WRITE))
		err = -EINVAL; /* Linux: not open for writing is EINVAL here, not EBADF */
	else
		err = vfs_ftruncate(f, &lx_proc()->cred, (s64)a1);
	file_put(f);
	return err;
}
LINUX_SYSCALL(ftruncate, sys_ftruncate);

/* ---- times ---- */

#define NSEC_PER_SEC 1000000000l
#define USEC_PER_SEC 1000000l

static bool nsec_valid(s64 nsec)
{
	return nsec == UTIME_NOW || nsec == UTIME_OMIT || (nsec >= 0 && nsec < NSEC_PER_SEC);
}

/*
 * Set times (NULL: now) on the path of an *at call; a NULL path means the
 * descriptor dirfd itself (utimensat(fd, NULL, ...), which futimens uses).
 */
static long do_utimes(int dirfd, u64 upath, const struct ktimespec *times, int flags)
{
	struct lx_at at;
	struct file *f;
	int err;

	if (times && times[0].nsec == UTIME_OMIT && times[1].nsec == UTIME_OMIT)
		return 0; /* nothing to change: Linux does not even look the file up */
	if (!upath) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		f = lx_fget_nopath(dirfd);
		if (!f)
			return -EBADF;
		err = vfs_futimens(f, &lx_proc()->cred, times);
		file_put(f);
		return err;
	}
	err = lx_at_get(&at, dirfd, upath, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	if (at.path[0] == '\0' && at.ctx.dir)
		err = vfs_futimens(at.ctx.dir, at.ctx.cred, times);
	else
		err = vfs_utimens(&at.ctx, at.path[0] ? at.path : ".", times,
				  flags & AT_SYMLINK_NOFOLLOW);
	lx_at_put(&at);
	return err;
}

static long sys_utimensat(SYSCALL_ARGS)
{
	struct ktimespec ts[2];
	int flags = (int)a3;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a2) {
		if (copy_from_user(ts, UPTR(a2), sizeof(ts)))
			return -EFAULT;
		if (!nsec_valid(ts[0].nsec) || !nsec_valid(ts[1].nsec))
			return -EINVAL;
	}
	return do_utimes(lx_fd(a0), a1, a2 ? ts : NULL, flags);
}
LINUX_SYSCALL(utimensat, sys_utimensat);

/* struct timeval[2] (NULL: now) -> times; 0, -EFAULT or -EINVAL. */
static int get_timevals(u64 utv, struct ktimespec *ts)
{
	s64 tv[4];
	int i;

	if (copy_from_user(tv, UPTR(utv), sizeof(tv)))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= USEC_PER_SEC)
			return -EINVAL;
		ts[i].sec = tv[2 * i];
		ts[i].nsec = tv[2 * i + 1] * 1000;
	}
	return 0;
}

static long do_futimesat(int dirfd, u64 upath, u64 utv)
{
	struct ktimespec ts[2];
	int err;

	if (utv) {
		err = get_timevals(utv, ts);
		if (err)
			return err;
	}
	return do_utimes(dirfd, upath, utv ? ts : NULL, 0);
}

static long sys_utimes(SYSCALL_ARGS)
{
	if (!a0)
		return -EFAULT;
	return do_futimesat(AT_FDCWD, a0, a1);
}
LINUX_SYSCALL(utimes, sys_utimes);

static long sys_futimesat(SYSCALL_ARGS)
{
	return do_futimesat(lx_fd(a0), a1, a2);
}
LINUX_SYSCALL(futimesat, sys_futimesat);

/* utime(path, struct utimbuf { actime, modtime }) - whole seconds. */
static long sys_utime(SYSCALL_ARGS)
{
	struct ktimespec ts[2];
	s64 tb[2];

	if (!a0)
		return -EFAULT;
	if (a1) {
		if (copy_from_user(tb, UPTR(a1), sizeof(tb)))
			return -EFAULT;
		ts[0] = (struct ktimespec){tb[0], 0};
		ts[1] = (struct ktimespec){tb[1], 0};
	}
	return do_utimes(AT_FDCWD, a0, a1 ? ts : NULL, 0);
}
LINUX_SYSCALL(utime, sys_utime);
