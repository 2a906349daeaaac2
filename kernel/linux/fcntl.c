/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fcntl.c - the Linux personality's fcntl and ioctl.
 *
 * fcntl: F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL
 * (O_APPEND and O_NONBLOCK change; other bits are ignored as Linux ignores
 * what it cannot set), F_GETPIPE_SZ and F_SETPIPE_SZ (fs/pipe.c). Record locks (F_GETLK, F_SETLK,
 * F_SETLKW and the OFD variants) are not implemented and fail with ENOLCK
 * rather than pretend to lock. Other commands: EINVAL.
 *
 * ioctl: FIONBIO, FIOCLEX and FIONCLEX work on any descriptor; everything
 * else goes to the file's own ioctl (vfs_ioctl; ENOTTY if it has none).
 *
 * f->flags is changed under f->lock and stored atomically, since pipes and
 * ttys read O_NONBLOCK without that lock.
 */
#include "errno.h"
#include "linux.h"
#include "lxfs.h"
#include "pipe.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

#define SETFL_MASK ((u32)(O_APPEND | O_NONBLOCK))

/* Replace the status flags in mask with val's. */
static void file_set_flags(struct file *f, u32 mask, u32 val)
{
	mutex_lock(&f->lock);
	__atomic_store_n(&f->flags, (f->flags & ~mask) | (val & mask), __ATOMIC_RELAXED);
	mutex_unlock(&f->lock);
}

/* F_GETFL: the status flags with the access mode the file was opened with. */
static u32 file_get_flags(struct file *f)
{
	u32 fl = __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & ~(u32)O_ACCMODE;

	if ((f->fmode & (FMODE_READ | FMODE_WRITE)) == (FMODE_READ | FMODE_WRITE))
		fl |= O_RDWR;
	else if (f->fmode & FMODE_WRITE)
		fl |= O_WRONLY;
	return fl;
}

static bool opath_allowed(u32 cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

static long sys_fcntl(SYSCALL_ARGS)
{
	int fd = lx_fd(a0);
	u32 cmd = (u32)a1;
	struct fdtable *t = lx_proc()->files;
	struct file *f = lx_fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	if ((__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_PATH) && !opath_allowed(cmd)) {
		ret = -EBADF;
		goto out;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a2 >= FD_MAX) {
			ret = -EINVAL;
			break;
		}
		ret = fd_install(t, file_get(f), (int)a2, cmd == F_DUPFD_CLOEXEC);
		if (ret < 0)
			file_put(f); /* the reference fd_install did not take */
		break;
	case F_GETFD:
		ret = fd_get_cloexec(t, fd);
		if (ret > 0)
			ret = FD_CLOEXEC;
		break;
	case F_SETFD:
		ret = fd_set_cloexec(t, fd, (a2 & FD_CLOEXEC) != 0);
		break;
	case F_GETFL:
		ret = file_get_flags(f);
		break;
	case F_SETFL:
		file_set_flags(f, SETFL_MASK, (u32)a2);
		ret = 0;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		ret = -ENOLCK; /* no record locks yet */
		break;
	case F_GETPIPE_SZ:
		ret = pipe_get_size(f);
		break;
	case F_SETPIPE_SZ:
		/* Linux takes the size as an unsigned int; above the limit needs privilege. */
		ret = pipe_set_size(f, (u32)a2, lx_proc()->cred.euid == 0);
		break;
	default:
		ret = -EINVAL;
		break;
	}
out:
	file_put(f);
	return ret;
}
LINUX_SYSCALL(fcntl, sys_fcntl);

static long sys_ioctl(SYSCALL_ARGS)
{
	int fd = lx_fd(a0);
	u32 cmd = (u32)a1;
	struct file *f = lx_fget_nopath(fd);
	long ret;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIONBIO:
		if (copy_from_user(&on, UPTR(a2), sizeof(on))) {
			ret = -EFAULT;
			break;
		}
		file_set_flags(f, O_NONBLOCK, on ? O_NONBLOCK : 0);
		ret = 0;
		break;
	case FIOCLEX:
	case FIONCLEX:
		ret = fd_set_cloexec(lx_proc()->files, fd, cmd == FIOCLEX);
		break;
	default:
		ret = vfs_ioctl(f, cmd, a2);
		break;
	}
	file_put(f);
	return ret;
}
LINUX_SYSCALL(ioctl, sys_ioctl);
