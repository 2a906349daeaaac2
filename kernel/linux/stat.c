/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stat.c - the Linux personality's inspection calls: stat, fstat, lstat,
 * newfstatat, statx, statfs, fstatfs, access, faccessat, faccessat2,
 * readlink and readlinkat. The VFS answers in its own structs (struct
 * kstat, struct kstatfs); this file lays them out exactly as x86_64 Linux
 * user space expects them (struct stat: 144 bytes, struct statx: 256,
 * struct statfs: 120) and copies them out whole, padding zeroed.
 *
 * AT_EMPTY_PATH with an empty path means the descriptor itself, whatever
 * it is (a pipe, a device): it is asked with vfs_fstat and friends rather
 * than through a path walk; with AT_FDCWD it means the working directory.
 */
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "mm.h"
#include "uaccess.h"
#include "vfs.h"

#define AT_NO_AUTOMOUNT 0x800
#define AT_STATX_SYNC_TYPE 0x6000 /* FORCE_SYNC 0x2000 | DONT_SYNC 0x4000 */

/* ---- struct stat ---- */

struct linux_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	s64 st_atime_sec, st_atime_nsec;
	s64 st_mtime_sec, st_mtime_nsec;
	s64 st_ctime_sec, st_ctime_nsec;
	s64 reserved[3];
};
STATIC_ASSERT(sizeof(struct linux_stat) == 144, "x86_64 struct stat is 144 bytes");
STATIC_ASSERT(offsetof(struct linux_stat, st_mode) == 24, "st_mode at 24");
STATIC_ASSERT(offsetof(struct linux_stat, st_rdev) == 40, "st_rdev at 40");
STATIC_ASSERT(offsetof(struct linux_stat, st_atime_sec) == 72, "st_atim at 72");

static int put_stat(u64 ubuf, const struct kstat *k)
{
	struct linux_stat s;

	memset(&s, 0, sizeof(s));
	s.st_dev = k->dev;
	s.st_ino = k->ino;
	s.st_nlink = k->nlink;
	s.st_mode = k->mode;
	s.st_uid = k->uid;
	s.st_gid = k->gid;
	s.st_rdev = k->rdev;
	s.st_size = k->size;
	s.st_blksize = k->blksize;
	s.st_blocks = (s64)k->blocks;
	s.st_atime_sec = k->atime.sec;
	s.st_atime_nsec = k->atime.nsec;
	s.st_mtime_sec = k->mtime.sec;
	s.st_mtime_nsec = k->mtime.nsec;
	s.st_ctime_sec = k->ctime.sec;
	s.st_ctime_nsec = k->ctime.nsec;
	return copy_to_user(UPTR(ubuf), &s, sizeof(s)) ? -EFAULT : 0;
}

/* stat of an *at path; an empty path (AT_EMPTY_PATH) is dirfd itself. */
static int at_stat(struct lx_at *at, int flags, struct kstat *st)
{
	if (at->path[0] == '\0')
		return at->ctx.dir ? vfs_fstat(at->ctx.dir, st) : vfs_stat(&at->ctx, ".", 0, st);
	return vfs_stat(&at->ctx, at->path, flags & AT_SYMLINK_NOFOLLOW, st);
}

static long do_fstatat(int dirfd, u64 upath, u64 ubuf, int flags)
{
	struct kstat st;
	struct lx_at at;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = lx_at_get(&at, dirfd, upath, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	err = at_stat(&at, flags, &st);
	lx_at_put(&at);
	return err ? err : put_stat(ubuf, &st);
}

static long sys_stat(SYSCALL_ARGS)
{
	return do_fstatat(AT_FDCWD, a0, a1, 0);
}
LINUX_SYSCALL(stat, sys_stat);

static long sys_lstat(SYSCALL_ARGS)
{
	return do_fstatat(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW);
}
LINUX_SYSCALL(lstat, sys_lstat);

static long sys_newfstatat(SYSCALL_ARGS)
{
	return do_fstatat(lx_fd(a0), a1, a2, (int)a3);
}
LINUX_SYSCALL(newfstatat, sys_newfstatat);

static long sys_fstat(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));
	struct kstat st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &st);
	file_put(f);
	return err ? err : put_stat(a1, &st);
}
LINUX_SYSCALL(fstat, sys_fstat);

/* ---- statx ---- */

#define STATX_TYPE 0x0001
#define STATX_MODE 0x0002
#define STATX_NLINK 0x0004
#define STATX_UID 0x0008
#define STATX_GID 0x0010
#define STATX_ATIME 0x0020
#define STATX_MTIME 0x0040
#define STATX_CTIME 0x0080
#define STATX_INO 0x0100
#define STATX_SIZE 0x0200
#define STATX_BLOCKS 0x0400
#define STATX_BASIC_STATS 0x07ff
#define STATX__RESERVED 0x80000000u

struct linux_statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 reserved;
};

struct linux_statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor;
	u32 stx_dev_major, stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align, stx_dio_offset_align;
	u64 spare3[12];
};
STATIC_ASSERT(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");
STATIC_ASSERT(offsetof(struct linux_statx, stx_ino) == 32, "stx_ino at 32");
STATIC_ASSERT(offsetof(struct linux_statx, stx_atime) == 64, "stx_atime at 64");
STATIC_ASSERT(offsetof(struct linux_statx, stx_rdev_major) == 128, "stx_rdev_major at 128");

static void statx_time(struct linux_statx_timestamp *t, const struct ktimespec *k)
{
	t->tv_sec = k->sec;
	t->tv_nsec = (u32)k->nsec;
}

static int put_statx(u64 ubuf, const struct kstat *k)
{
	struct linux_statx s;

	memset(&s, 0, sizeof(s));
	/* Everything basic is known, whatever was asked for (Linux may also over-deliver). */
	s.stx_mask = STATX_BASIC_STATS;
	s.stx_blksize = k->blksize;
	s.stx_nlink = k->nlink;
	s.stx_uid = k->uid;
	s.stx_gid = k->gid;
	s.stx_mode = (u16)k->mode;
	s.stx_ino = k->ino;
	s.stx_size = (u64)k->size;
	s.stx_blocks = k->blocks;
	statx_time(&s.stx_atime, &k->atime);
	statx_time(&s.stx_mtime, &k->mtime);
	statx_time(&s.stx_ctime, &k->ctime);
	s.stx_rdev_major = MAJOR(k->rdev);
	s.stx_rdev_minor = MINOR(k->rdev);
	s.stx_dev_major = MAJOR(k->dev);
	s.stx_dev_minor = MINOR(k->dev);
	return copy_to_user(UPTR(ubuf), &s, sizeof(s)) ? -EFAULT : 0;
}

static long sys_statx(SYSCALL_ARGS)
{
	int flags = (int)a2;
	u32 mask = (u32)a3;
	struct kstat st;
	struct lx_at at;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
		return -EINVAL;
	err = lx_at_get(&at, lx_fd(a0), a1, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	err = at_stat(&at, flags, &st);
	lx_at_put(&at);
	return err ? err : put_statx(a4, &st);
}
LINUX_SYSCALL(statx, sys_statx);

/* ---- statfs ---- */

struct linux_statfs {
	s64 f_type;
	s64 f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	s32 f_fsid[2];
	s64 f_namelen;
	s64 f_frsize;
	s64 f_flags;
	s64 f_spare[4];
};
STATIC_ASSERT(sizeof(struct linux_statfs) == 120, "x86_64 struct statfs is 120 bytes");

static int put_statfs(u64 ubuf, const struct kstatfs *k)
{
	struct linux_statfs s;

	memset(&s, 0, sizeof(s));
	s.f_type = (s64)k->type;
	s.f_bsize = (s64)k->bsize;
	s.f_blocks = k->blocks;
	s.f_bfree = k->bfree;
	s.f_bavail = k->bavail;
	s.f_files = k->files;
	s.f_ffree = k->ffree;
	s.f_fsid[0] = (s32)(u32)k->fsid;
	s.f_fsid[1] = (s32)(u32)(k->fsid >> 32);
	s.f_namelen = (s64)k->namelen;
	s.f_frsize = (s64)k->frsize;
	s.f_flags = (s64)k->flags;
	return copy_to_user(UPTR(ubuf), &s, sizeof(s)) ? -EFAULT : 0;
}

static long sys_statfs(SYSCALL_ARGS)
{
	struct kstatfs st;
	struct vfs_ctx c;
	char *path;
	int err;

	err = lx_getname(a0, false, &path);
	if (err)
		return err;
	lx_ctx_init(&c);
	err = vfs_statfs(&c, path, &st);
	lx_putname(path);
	return err ? err : put_statfs(a1, &st);
}
LINUX_SYSCALL(statfs, sys_statfs);

static long sys_fstatfs(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));
	struct kstatfs st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fstatfs(f, &st);
	file_put(f);
	return err ? err : put_statfs(a1, &st);
}
LINUX_SYSCALL(fstatfs, sys_fstatfs);

/* ---- access ---- */

static long do_faccessat(int dirfd, u64 upath, u32 mode, int flags)
{
	struct lx_at at;
	int err;

	if (mode & ~(u32)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lx_at_get(&at, dirfd, upath, (flags & AT_EMPTY_PATH) ? LX_AT_EMPTY : 0);
	if (err)
		return err;
	if (at.path[0] == '\0' && at.ctx.dir)
		err = vfs_file_permission(at.ctx.dir, at.ctx.cred, (int)mode);
	else if (at.path[0] == '\0')
		err = vfs_access(&at.ctx, ".", (int)mode, flags & ~AT_EMPTY_PATH);
	else
		err = vfs_access(&at.ctx, at.path, (int)mode, flags);
	lx_at_put(&at);
	return err;
}

static long sys_access(SYSCALL_ARGS)
{
	return do_faccessat(AT_FDCWD, a0, (u32)a1, 0);
}
LINUX_SYSCALL(access, sys_access);

static long sys_faccessat(SYSCALL_ARGS)
{
	return do_faccessat(lx_fd(a0), a1, (u32)a2, 0);
}
LINUX_SYSCALL(faccessat, sys_faccessat);

static long sys_faccessat2(SYSCALL_ARGS)
{
	return do_faccessat(lx_fd(a0), a1, (u32)a2, (int)a3);
}
LINUX_SYSCALL(faccessat2, sys_faccessat2);

/* ---- readlink ---- */

static long do_readlinkat(int dirfd, u64 upath, u64 ubuf, int bufsiz)
{
	size_t size;
	struct lx_at at;
	char *buf;
	s64 n;

	if (bufsiz <= 0)
		return -EINVAL;
	n = lx_at_get(&at, dirfd, upath, 0);
	if (n)
		return n;
	size = MIN((size_t)bufsiz, (size_t)PATH_MAX);
	buf = kmalloc(size);
	if (!buf) {
		n = -ENOMEM;
		goto out;
	}
	n = vfs_readlink(&at.ctx, at.path, buf, size);
	if (n > 0 && copy_to_user(UPTR(ubuf), buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
out:
	lx_at_put(&at);
	return n;
}

static long sys_readlink(SYSCALL_ARGS)
{
	return do_readlinkat(AT_FDCWD, a0, a1, (int)a2);
}
LINUX_SYSCALL(readlink, sys_readlink);

static long sys_readlinkat(SYSCALL_ARGS)
{
	return do_readlinkat(lx_fd(a0), a1, a2, (int)a3);
}
LINUX_SYSCALL(readlinkat, sys_readlinkat);
