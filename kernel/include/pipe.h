/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pipe.h - pipes (fs/pipe.c): anonymous pipes made by pipe()/pipe2() and
 * named FIFOs opened through the file system. Both are a ring buffer of 64
 * KiB (F_SETPIPE_SZ: a power-of-two number of pages) with one wait queue
 * for readers and one for writers; writes of at most PIPE_BUF bytes are
 * never interleaved with other writes.
 *
 * Semantics are Linux's: read returns what is there (blocking only while
 * the pipe is empty and a writer exists), 0 at end of file once every
 * writer has closed; write blocks while there is no room, fails with EPIPE
 * and sends SIGPIPE once every reader has closed; O_NONBLOCK turns each
 * would-block into EAGAIN; poll reports POLLIN/POLLOUT/POLLHUP/POLLERR;
 * FIONREAD gives the bytes buffered.
 */
#ifndef MATRIOSKA_PIPE_H
#define MATRIOSKA_PIPE_H

#include "types.h"

struct file;
struct inode;
struct file_operations;

#define PIPE_BUF 4096	      /* writes up to this size are atomic */
#define PIPE_SIZE 65536	      /* bytes a new pipe buffers (F_GETPIPE_SZ) */
#define PIPE_MAX_SIZE 1048576 /* /proc/sys/fs/pipe-max-size: the unprivileged limit */
#ifndef FIONREAD
#define FIONREAD 0x541B /* ioctl: int bytes ready to read (Linux's number) */
#endif

/*
 * A new anonymous pipe: *rd (O_RDONLY) and *wr (O_WRONLY), one reference
 * each, both FMODE_NOSEEK. flags: only O_NONBLOCK is used (set on both
 * ends); O_CLOEXEC is the fd table's business. 0 or -ENOMEM.
 */
int pipe_create(u32 flags, struct file **rd, struct file **wr) __must_check;

/*
 * Open a FIFO: the VFS calls this (as pipe_fifo_fops.open) once the file f
 * for inode is set up with its flags and fmode. Every open of the same
 * inode shares one pipe while any of them is open. O_RDONLY waits for a
 * writer and O_WRONLY for a reader unless O_NONBLOCK (then O_WRONLY with no
 * reader fails with ENXIO); O_RDWR never waits. May sleep; -EINTR if a
 * signal arrives while waiting. On failure f is left as it was (no
 * release needed).
 */
int pipe_open_fifo(struct inode *inode, struct file *f) __must_check;

/* The operations for FIFO inodes: .open is pipe_open_fifo. */
extern const struct file_operations pipe_fifo_fops;

/* Is f an end of a pipe or an open FIFO? */
bool file_is_pipe(const struct file *f);

/* F_GETPIPE_SZ: f's capacity in bytes, or -EBADF if f is not a pipe. */
long pipe_get_size(struct file *f);
/*
 * F_SETPIPE_SZ: make f's capacity req rounded up to a power-of-two number
 * of pages (at least one page) and return it. -EBADF: not a pipe; -EINVAL:
 * req above 2^31; -EPERM: above PIPE_MAX_SIZE and not privileged; -EBUSY:
 * more bytes are buffered than the new size holds; -ENOMEM. May sleep.
 */
long pipe_set_size(struct file *f, u64 req, bool privileged);

#endif
