/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxfs.h - helpers shared by the Linux personality's file system calls
 * (kernel/linux/fs.c, rw.c, stat.c, namei.c, fcntl.c, poll.c): copying a
 * path name in from user space, building the struct vfs_ctx of a plain or
 * *at call, and looking a descriptor up in the calling process's table.
 *
 * Path names live in a PATH_MAX kmalloc'd buffer, never on the 16 KiB
 * kernel stack. Every helper that returns an object with a reference or a
 * buffer has a matching put.
 */
#ifndef MATRIOSKA_LINUX_LXFS_H
#define MATRIOSKA_LINUX_LXFS_H

#include "errno.h"
#include "linux.h"
#include "proc.h"
#include "types.h"
#include "vfs.h"

/* The calling process: system calls come from user threads, which have one. */
static inline struct process *lx_proc(void)
{
	return current_proc();
}

/* A file descriptor argument: Linux takes it as an int (upper bits ignored). */
static inline int lx_fd(u64 reg)
{
	return (int)(u32)reg;
}

/* A new reference to the calling process's file at fd, or NULL (EBADF). */
struct file *lx_fget(int fd);
/* The same, but an O_PATH descriptor counts as not open (calls that act on the file). */
struct file *lx_fget_nopath(int fd);

/*
 * Copy the user path at upath into a new PATH_MAX buffer (*out, freed with
 * lx_putname). 0, -EFAULT, -ENAMETOOLONG, -ENOMEM, or -ENOENT for an empty
 * path unless allow_empty.
 */
int lx_getname(u64 upath, bool allow_empty, char **out);
void lx_putname(char *name);

/* The context of a plain (non-*at) call: the caller's cwd and credentials. */
void lx_ctx_init(struct vfs_ctx *c);

/* A path argument of an *at call and where its lookup starts. */
struct lx_at {
	struct vfs_ctx ctx; /* ctx.dir: dirfd's file (referenced) or NULL */
	char *path;	    /* kmalloc'd */
};

#define LX_AT_EMPTY 0x1 /* an empty path is allowed (AT_EMPTY_PATH) */

/*
 * Copy the path and resolve dirfd: an absolute path or AT_FDCWD leaves
 * ctx.dir NULL; otherwise dirfd must be open (-EBADF) and, unless the path
 * is empty (LX_AT_EMPTY: ctx.dir is then whatever file dirfd is), a
 * directory (-ENOTDIR). On failure nothing is held.
 */
int lx_at_get(struct lx_at *at, int dirfd, u64 upath, u32 how);
void lx_at_put(struct lx_at *at);

/* Is the open file a directory? */
bool lx_file_is_dir(struct file *f);

/* The calling process's umask (under fs->lock). */
u32 lx_umask(void);

#endif
