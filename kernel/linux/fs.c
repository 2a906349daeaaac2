/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs.c - the Linux personality's descriptor and process-context file
 * calls: open, openat, creat, close, dup, dup2, dup3, pipe, pipe2, umask,
 * getcwd, chdir, fchdir, chroot, sync, syncfs, fsync, fdatasync, mount,
 * umount2 - and the helpers of lxfs.h the other file-call files share.
 *
 * Each handler validates its arguments (flags, descriptors, user strings)
 * before it changes anything, then calls the VFS (vfs.h) and returns its
 * result, or a negative errno, as Linux does.
 */
#include "cred.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "lxfs.h"
#include "mm.h"
#include "pipe.h"
#include "proc.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

/* ---- helpers (lxfs.h) ---- */

struct file *lx_fget(int fd)
{
	struct process *p = lx_proc();

	if (fd < 0 || !p || !p->files)
		return NULL;
	return fd_get(p->files, fd);
}

struct file *lx_fget_nopath(int fd)
{
	struct file *f = lx_fget(fd);

	if (f && (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_PATH)) {
		file_put(f);
		f = NULL;
	}
	return f;
}

int lx_getname(u64 upath, bool allow_empty, char **out)
{
	char *name = kmalloc(PATH_MAX);
	long n;

	*out = NULL;
	if (!name)
		return -ENOMEM;
	n = strncpy_from_user(name, UPTR(upath), PATH_MAX);
	if (n < 0) {
		kfree(name);
		return (int)n;
	}
	if (n == 0 && !allow_empty) {
		kfree(name);
		return -ENOENT;
	}
	*out = name;
	return 0;
}

void lx_putname(char *name)
{
	kfree(name);
}

void lx_ctx_init(struct vfs_ctx *c)
{
	struct process *p = lx_proc();

	c->fs = p->fs;
	c->cred = &p->cred;
	c->dir = NULL;
}

bool lx_file_is_dir(struct file *f)
{
	struct kstat st;

	return vfs_fstat(f, &st) == 0 && S_ISDIR(st.mode);
}

int lx_at_get(struct lx_at *at, int dirfd, u64 upath, u32 how)
{
	int err;

	lx_ctx_init(&at->ctx);
	err = lx_getname(upath, how & LX_AT_EMPTY, &at->path);
	if (err)
		return err;
	if (at->path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	at->ctx.dir = lx_fget(dirfd);
	if (!at->ctx.dir) {
		err = -EBADF;
		goto out_name;
	}
	if (at->path[0] != '\0' && !lx_file_is_dir(at->ctx.dir)) {
		err = -ENOTDIR;
		goto out_dir;
	}
	return 0;

out_dir:
	file_put(at->ctx.dir);
	at->ctx.dir = NULL;
out_name:
	lx_putname(at->path);
	at->path = NULL;
	return err;
}

void lx_at_put(struct lx_at *at)
{
	if (at->ctx.dir)
		file_put(at->ctx.dir);
	at->ctx.dir = NULL;
	lx_putname(at->path);
	at->path = NULL;
}

u32 lx_umask(void)
{
	struct fs_struct *fs = lx_proc()->fs;
	unsigned long flags = spin_lock_irqsave(&fs->lock);
	u32 m = fs->umask;

	spin_unlock_irqrestore(&fs->lock, flags);
	return m;
}

/* Put f in the lowest free slot >= minfd; the fd, or -EMFILE with f put. */
static long lx_install(struct file *f, int minfd, bool cloexec)
{
	int fd = fd_install(lx_proc()->files, f, minfd, cloexec);

	if (fd < 0)
		file_put(f); /* fd_install takes the reference only when it succeeds */
	return fd;
}

/* ---- open, close ---- */

static long do_openat(int dirfd, u64 upath, u32 flags, u32 mode)
{
	bool cloexec = (flags & O_CLOEXEC) != 0;
	struct lx_at at;
	struct file *f;
	int err;

	err = lx_at_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	/* The mode matters only when a file is created; the umask applies to it. */
	mode = (flags & O_CREAT) ? (mode & 07777 & ~lx_umask()) : 0;
	err = vfs_open(&at.ctx, at.path, (int)((flags & ~(u32)O_CLOEXEC) | O_LARGEFILE), mode, &f);
	lx_at_put(&at);
	if (err)
		return err;
	return lx_install(f, 0, cloexec);
}

static long sys_open(SYSCALL_ARGS)
{
	return do_openat(AT_FDCWD, a0, (u32)a1, (u32)a2);
}
LINUX_SYSCALL(open, sys_open);

static long sys_openat(SYSCALL_ARGS)
{
	return do_openat(lx_fd(a0), a1, (u32)a2, (u32)a3);
}
LINUX_SYSCALL(openat, sys_openat);

static long sys_creat(SYSCALL_ARGS)
{
	return do_openat(AT_FDCWD, a0, O_CREAT | O_WRONLY | O_TRUNC, (u32)a1);
}
LINUX_SYSCALL(creat, sys_creat);

static long sys_close(SYSCALL_ARGS)
{
	int fd = lx_fd(a0);

	if (fd < 0)
		return -EBADF;
	return fd_close(lx_proc()->files, fd);
}
LINUX_SYSCALL(close, sys_close);

/* ---- dup ---- */

static long sys_dup(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));

	if (!f)
		return -EBADF;
	return lx_install(f, 0, false);
}
LINUX_SYSCALL(dup, sys_dup);

static long do_dup3(int oldfd, int newfd, bool cloexec)
{
	struct file *f = lx_fget(oldfd);

	if (!f)
		return -EBADF;
	file_put(f);
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	return fd_dup2(lx_proc()->files, oldfd, newfd, cloexec);
}

static long sys_dup2(SYSCALL_ARGS)
{
	int oldfd = lx_fd(a0), newfd = lx_fd(a1);
	struct file *f;

	if (oldfd == newfd) {
		/* Nothing to do, but oldfd must be open. */
		f = lx_fget(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, false);
}
LINUX_SYSCALL(dup2, sys_dup2);

static long sys_dup3(SYSCALL_ARGS)
{
	int oldfd = lx_fd(a0), newfd = lx_fd(a1);
	u32 flags = (u32)a2;

	if ((flags & ~(u32)O_CLOEXEC) || oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}
LINUX_SYSCALL(dup3, sys_dup3);

/* ---- pipes ---- */

static long do_pipe2(u64 ufds, u32 flags)
{
	struct process *p = lx_proc();
	int fds[2] = {-1, -1};
	struct file *rd, *wr;
	long err;

	/* O_DIRECT (packet mode) is not supported: Linux would accept it. */
	if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	/* A bad array fails before any descriptor exists. */
	if (copy_to_user(UPTR(ufds), fds, sizeof(fds)))
		return -EFAULT;
	err = pipe_create(flags, &rd, &wr);
	if (err)
		return err;
	err = lx_install(rd, 0, flags & O_CLOEXEC);
	if (err < 0) {
		file_put(wr);
		return err;
	}
	fds[0] = (int)err;
	err = lx_install(wr, 0, flags & O_CLOEXEC);
	if (err < 0) {
		fd_close(p->files, fds[0]);
		return err;
	}
	fds[1] = (int)err;
	if (copy_to_user(UPTR(ufds), fds, sizeof(fds))) {
		fd_close(p->files, fds[0]);
		fd_close(p->files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe(SYSCALL_ARGS)
{
	return do_pipe2(a0, 0);
}
LINUX_SYSCALL(pipe, sys_pipe);

static long sys_pipe2(SYSCALL_ARGS)
{
	return do_pipe2(a0, (u32)a1);
}
LINUX_SYSCALL(pipe2, sys_pipe2);

/* ---- umask, cwd, root ---- */

static long sys_umask(SYSCALL_ARGS)
{
	struct fs_struct *fs = lx_proc()->fs;
	unsigned long flags = spin_lock_irqsave(&fs->lock);
	u32 old = fs->umask;

	fs->umask = (u32)a0 & 0777;
	spin_unlock_irqrestore(&fs->lock, flags);
	return old;
}
LINUX_SYSCALL(umask, sys_umask);

static long sys_getcwd(SYSCALL_ARGS)
{
	size_t size = (size_t)a1;
	char *buf;
	s64 n;

	if (size == 0)
		return -ERANGE;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = vfs_getcwd(lx_proc()->fs, buf, MIN(size, (size_t)PATH_MAX));
	if (n > 0 && copy_to_user(UPTR(a0), buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n; /* the length with its NUL, as Linux's system call returns */
}
LINUX_SYSCALL(getcwd, sys_getcwd);

static long sys_chdir(SYSCALL_ARGS)
{
	struct vfs_ctx c;
	char *path;
	int err;

	err = lx_getname(a0, false, &path);
	if (err)
		return err;
	lx_ctx_init(&c);
	err = vfs_chdir(&c, path);
	lx_putname(path);
	return err;
}
LINUX_SYSCALL(chdir, sys_chdir);

static long sys_fchdir(SYSCALL_ARGS)
{
	struct file *f = lx_fget(lx_fd(a0));
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fchdir(lx_proc()->fs, f);
	file_put(f);
	return err;
}
LINUX_SYSCALL(fchdir, sys_fchdir);

static long sys_chroot(SYSCALL_ARGS)
{
	struct vfs_ctx c;
	char *path;
	int err;

	err = lx_getname(a0, false, &path);
	if (err)
		return err;
	lx_ctx_init(&c);
	if (!cred_is_root(c.cred))
		err = -EPERM;
	else
		err = vfs_chroot(&c, path);
	lx_putname(path);
	return err;
}
LINUX_SYSCALL(chroot, sys_chroot);

/* ---- sync ---- */

/*
 * Every file system is in memory so far and vfs.h has no "write everything
 * back" entry: there is nothing sync/syncfs could flush. A disk file system
 * will need a vfs_sync() here.
 */
static long sys_sync(SYSCALL_ARGS)
{
	return 0;
}
LINUX_SYSCALL(sync, sys_sync);

static long sys_syncfs(SYSCALL_ARGS)
{
	struct file *f = lx_fget_nopath(lx_fd(a0));

	if (!f)
		return -EBADF;
	file_put(f);
	return 0; /* see sys_sync */
}
LINUX_SYSCALL(syncfs, sys_syncfs);

static long sys_fsync(SYSCALL_ARGS)
{
	struct file *f = lx_fget_nopath(lx_fd(a0));
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f);
	file_put(f);
	return err;
}
LINUX_SYSCALL(fsync, sys_fsync);
LINUX_SYSCALL(fdatasync, sys_fsync);

/* ---- mount ---- */

#define MS_MGC_VAL 0xc0ed0000u /* old magic in the top 16 bits of flags */
#define MS_MGC_MSK 0xffff0000u
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8
#define MOUNT_DATA_MAX PAGE_SIZE

/* A user string that may be NULL (*out NULL then); max bytes with the NUL. */
static int lx_getstr_opt(u64 ustr, size_t max, char **out)
{
	char *s;
	long n;

	*out = NULL;
	if (!ustr)
		return 0;
	s = kmalloc(max);
	if (!s)
		return -ENOMEM;
	n = strncpy_from_user(s, UPTR(ustr), max);
	if (n < 0) {
		kfree(s);
		return (int)n;
	}
	*out = s;
	return 0;
}

static long sys_mount(SYSCALL_ARGS)
{
	char *source = NULL, *target = NULL, *fstype = NULL, *data = NULL;
	u64 flags = a3;
	struct vfs_ctx c;
	int err;

	lx_ctx_init(&c);
	if (!cred_is_root(c.cred))
		return -EPERM;
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(u64)MS_MGC_MSK;
	err = lx_getname(a1, false, &target);
	if (err)
		goto out;
	err = lx_getstr_opt(a0, PATH_MAX, &source);
	if (err)
		goto out;
	err = lx_getstr_opt(a2, PATH_MAX, &fstype);
	if (err)
		goto out;
	err = lx_getstr_opt(a4, MOUNT_DATA_MAX, &data);
	if (err == -ENAMETOOLONG)
		err = -EINVAL;
	if (err)
		goto out;
	err = vfs_mount(&c, source, target, fstype, flags, data);
out:
	kfree(data);
	kfree(fstype);
	kfree(source);
	lx_putname(target);
	return err;
}
LINUX_SYSCALL(mount, sys_mount);

static long sys_umount2(SYSCALL_ARGS)
{
	int flags = (int)a1;
	struct vfs_ctx c;
	char *target;
	int err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	lx_ctx_init(&c);
	if (!cred_is_root(c.cred))
		return -EPERM;
	err = lx_getname(a0, false, &target);
	if (err)
		return err;
	err = vfs_umount(&c, target, flags);
	lx_putname(target);
	return err;
}
LINUX_SYSCALL(umount2, sys_umount2);
