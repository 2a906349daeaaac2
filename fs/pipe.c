/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/pipe.c - pipes and FIFOs (pipe.h): a ring buffer (64 KiB unless
 * F_SETPIPE_SZ changed it) shared by the read and write ends, with Linux's
 * blocking, end-of-file, EPIPE/SIGPIPE, O_NONBLOCK, PIPE_BUF atomicity and
 * poll rules.
 *
 * Capacity: size is a power-of-two number of pages, PIPE_SIZE at first.
 * pipe_set_size replaces the buffer (copying what is buffered) under
 * pipe->lock and refuses (EBUSY) a size below the bytes buffered; a writer
 * waiting for room re-reads size when it wakes, so growing wakes writers.
 *
 * An anonymous pipe (pipe_create) starts with one reader and one writer,
 * its two files. A FIFO's pipe is created by the first open of its inode
 * and found again by later opens through fifo_list (keyed by the inode
 * pointer, which stays valid while a file holds the inode); it is freed,
 * with any buffered bytes, when the last open end goes, as on Linux.
 *
 * Blocking: readers wait on rd_wq for data or for the last writer to go,
 * writers on wr_wq for room or for the last reader to go; FIFO opens wait
 * on the same queues for a partner. Waits are interruptible
 * (wait_until_intr): a signal ends them with -EINTR, or with the count of
 * bytes already moved if there was progress.
 *
 * Locking: pipe->lock (a mutex, since user copies may fault and sleep)
 * serializes every reader and writer and covers head, len, the counters
 * and the buffer. len, readers and writers are also read without it, with
 * atomic loads, by poll (which must not sleep) and by the wait conditions
 * (which run under a wait queue's spinlock); they are stored atomically
 * under pipe->lock and the matching queue is woken afterwards, so the
 * wait-queue protocol (sync.h) loses no wake-up. Lock order: fifo_lock ->
 * pipe->lock -> wait-queue spinlocks.
 *
 * Lifetime: a pipe lives while readers + writers > 0; everyone who touches
 * it holds a file counted there (or is a FIFO opener, counted before it
 * waits). The end that brings both to zero frees it after dropping
 * pipe->lock, having done its wake-ups under it.
 */
#include "pipe.h"
#include "errno.h"
#include "lib.h"
#include "list.h"
#include "mm.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

struct pipe {
	struct mutex lock;
	u8 *buf;		    /* size bytes; lock */
	u32 size;		    /* capacity, a power of two >= PAGE_SIZE; as len */
	u32 head;		    /* index of the oldest buffered byte; lock */
	u32 len;		    /* bytes buffered; stored under lock, loaded atomically */
	u32 readers;		    /* open read ends (incl. waiting FIFO openers); as len */
	u32 writers;		    /* open write ends (incl. waiting FIFO openers); as len */
	u32 r_counter;		    /* read opens ever; FIFO writers wait for it to move; as len */
	u32 w_counter;		    /* write opens ever; FIFO readers wait for it to move; as len */
	struct wait_queue rd_wq;    /* readers: data, end of file; FIFO readers: a writer */
	struct wait_queue wr_wq;    /* writers: room, no readers; FIFO writers: a reader */
	struct inode *inode;	    /* FIFO: its inode (fifo_list key); NULL if anonymous */
	struct list_head fifo_link; /* in fifo_list; fifo_lock */
};

/* Pipes of open FIFOs, found by inode; fifo_lock is taken before any pipe->lock. */
static struct mutex fifo_lock = {
	.owner = NULL,
	.wq = {.lock = SPINLOCK_INIT("fifo_list", LOCK_RANK_WAITQ),
	       .waiters = LIST_HEAD_INIT(fifo_lock.wq.waiters)},
};
static struct list_head fifo_list = LIST_HEAD_INIT(fifo_list);

static u32 load(const u32 *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static void store(u32 *v, u32 x)
{
	__atomic_store_n(v, x, __ATOMIC_RELAXED);
}

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->size = PIPE_SIZE;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	mutex_init(&p->lock, "pipe");
	wait_queue_init(&p->rd_wq, "pipe_rd");
	wait_queue_init(&p->wr_wq, "pipe_wr");
	list_init(&p->fifo_link);
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* ---- the ring buffer (pipe->lock held) ---- */

/* Append n bytes from offset off of u; n <= free room. 0 or -EFAULT (nothing added). */
static int ring_put(struct pipe *p, const struct uio *u, size_t off, u32 n)
{
	u32 tail = (p->head + p->len) & (p->size - 1);
	u32 first = MIN(n, p->size - tail);

	if (uio_copy_in(p->buf + tail, u, off, first))
		return -EFAULT;
	if (n > first && uio_copy_in(p->buf, u, off + first, n - first))
		return -EFAULT;
	store(&p->len, p->len + n);
	return 0;
}

/* Move the n oldest bytes (n <= len) to the start of u. 0 or -EFAULT (nothing taken). */
static int ring_get(struct pipe *p, const struct uio *u, u32 n)
{
	u32 first = MIN(n, p->size - p->head);

	if (uio_copy_out(u, 0, p->buf + p->head, first))
		return -EFAULT;
	if (n > first && uio_copy_out(u, first, p->buf, n - first))
		return -EFAULT;
	p->head = (p->head + n) & (p->size - 1);
	store(&p->len, p->len - n);
	if (p->len == 0)
		p->head = 0; /* keeps small transfers in one piece */
	return 0;
}

/* ---- read and write ---- */

static bool pipe_readable(void *arg)
{
	struct pipe *p = arg;

	return load(&p->len) != 0 || load(&p->writers) == 0;
}

static s64 pipe_read(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = f->priv;
	s64 ret;
	int err;

	if (u->len == 0)
		return 0;
	mutex_lock(&p->lock);
	for (;;) {
		if (p->len) {
			u32 n = (u32)MIN((size_t)p->len, u->len);

			ret = ring_get(p, u, n);
			if (ret == 0) {
				ret = n;
				wake_up_all_queued(&p->wr_wq); /* usually nobody waits for room */
			}
			break;
		}
		if (!p->writers) {
			ret = 0; /* end of file */
			break;
		}
		if (file_nonblock(f)) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		err = wait_until_intr(&p->rd_wq, pipe_readable, p, 0);
		mutex_lock(&p->lock);
		if (err) {
			ret = err;
			break;
		}
	}
	mutex_unlock(&p->lock);
	return ret;
}

struct pipe_room {
	struct pipe *p;
	u32 need; /* bytes that must fit at once */
};

static bool pipe_writable(void *arg)
{
	struct pipe_room *r = arg;

	return load(&r->p->readers) == 0 || load(&r->p->size) - load(&r->p->len) >= r->need;
}

static s64 pipe_write(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = f->priv;
	/* A write of at most PIPE_BUF bytes goes in whole; larger ones in any pieces. */
	struct pipe_room room = {p, u->len <= PIPE_BUF ? (u32)u->len : 1};
	size_t done = 0;
	s64 ret = 0;
	int err;

	if (u->len == 0)
		return 0;
	mutex_lock(&p->lock);
	while (done < u->len) {
		u32 space = p->size - p->len;

		if (!p->readers) {
			signal_send_thread(current_thread(), SIGPIPE);
			ret = -EPIPE;
			break;
		}
		if (space >= room.need) {
			u32 n = (u32)MIN((size_t)space, u->len - done);

			ret = ring_put(p, u, done, n);
			if (ret)
				break;
			done += n;
			wake_up_all(&p->rd_wq);
			continue;
		}
		if (file_nonblock(f)) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		err = wait_until_intr(&p->wr_wq, pipe_writable, &room, 0);
		mutex_lock(&p->lock);
		if (err) {
			ret = err;
			break;
		}
	}
	mutex_unlock(&p->lock);
	return done ? (s64)done : ret;
}

/* ---- poll, ioctl ---- */

static u32 pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	u32 mask = 0, len;

	if (f->fmode & FMODE_READ)
		poll_wait(pt, &p->rd_wq);
	if (f->fmode & FMODE_WRITE)
		poll_wait(pt, &p->wr_wq);
	len = load(&p->len);
	if (f->fmode & FMODE_READ) {
		if (len)
			mask |= POLLIN | POLLRDNORM;
		/* f->pos: the w_counter a nonblocking FIFO reader saw with no writer (see open). */
		if (!load(&p->writers) && f->pos != load(&p->w_counter))
			mask |= POLLHUP;
	}
	if (f->fmode & FMODE_WRITE) {
		if (load(&p->size) - len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!load(&p->readers))
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct pipe *p = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int)load(&p->len);
	if (copy_to_user((void *)(uintptr_t)arg, &n, sizeof(n)))
		return -EFAULT;
	return 0;
}

/* ---- closing ---- */

/* One end (fmode's READ and/or WRITE) goes away; the last one frees the pipe. */
static void pipe_drop(struct pipe *p, u32 fmode)
{
	bool fifo = p->inode != NULL, last;

	if (fifo)
		mutex_lock(&fifo_lock);
	mutex_lock(&p->lock);
	if (fmode & FMODE_READ)
		store(&p->readers, p->readers - 1);
	if (fmode & FMODE_WRITE)
		store(&p->writers, p->writers - 1);
	last = p->readers == 0 && p->writers == 0;
	if (last && fifo)
		list_del(&p->fifo_link);
	wake_up_all(&p->rd_wq);
	wake_up_all(&p->wr_wq);
	mutex_unlock(&p->lock);
	if (fifo)
		mutex_unlock(&fifo_lock);
	if (last)
		pipe_free(p);
}

static void pipe_release(struct file *f)
{
	if (f->priv) /* NULL: pipe_create failed half-way */
		pipe_drop(f->priv, f->fmode & (FMODE_READ | FMODE_WRITE));
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

const struct file_operations pipe_fifo_fops = {
	.open = pipe_open_fifo,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

bool file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_fops || f->ops == &pipe_fifo_fops;
}

/* ---- capacity (F_GETPIPE_SZ, F_SETPIPE_SZ) ---- */

long pipe_get_size(struct file *f)
{
	if (!file_is_pipe(f) || !f->priv)
		return -EBADF;
	return load(&((struct pipe *)f->priv)->size);
}

/* Linux's rounding: at least a page, else the next power of two; 0 if too big. */
static u32 pipe_round_size(u64 req)
{
	u32 size = PAGE_SIZE;

	if (req > (1u << 31))
		return 0;
	while (size < req)
		size <<= 1;
	return size;
}

long pipe_set_size(struct file *f, u64 req, bool privileged)
{
	struct pipe *p;
	u32 size = pipe_round_size(req), first;
	u8 *buf;

	if (!file_is_pipe(f) || !f->priv)
		return -EBADF;
	p = f->priv;
	if (!size)
		return -EINVAL;
	if (size > PIPE_MAX_SIZE && !privileged)
		return -EPERM;
	buf = kmalloc(size);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&p->lock);
	if (p->len > size) {
		mutex_unlock(&p->lock);
		kfree(buf);
		return -EBUSY;
	}
	first = MIN(p->len, p->size - p->head);
	memcpy(buf, p->buf + p->head, first);
	memcpy(buf + first, p->buf, p->len - first);
	kfree(p->buf);
	p->buf = buf;
	p->head = 0;
	store(&p->size, size);
	wake_up_all(&p->wr_wq); /* room may have grown */
	mutex_unlock(&p->lock);
	return size;
}

/* ---- anonymous pipes ---- */

int pipe_create(u32 flags, struct file **rd, struct file **wr)
{
	u32 nb = flags & O_NONBLOCK;
	struct file *r, *w;
	struct pipe *p;

	*rd = *wr = NULL;
	p = pipe_alloc();
	if (!p)
		return -ENOMEM;
	/* priv stays NULL until both exist, so a failed half releases nothing. */
	r = file_alloc_anon(&pipe_fops, NULL, O_RDONLY | nb);
	w = file_alloc_anon(&pipe_fops, NULL, O_WRONLY | nb);
	if (!r || !w) {
		file_put(r);
		file_put(w);
		pipe_free(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	r->fmode = FMODE_READ | FMODE_NOSEEK;
	w->fmode = FMODE_WRITE | FMODE_NOSEEK;
	r->priv = w->priv = p;
	*rd = r;
	*wr = w;
	return 0;
}

/* ---- FIFOs ---- */

struct fifo_wait {
	struct pipe *p;
	const u32 *counter; /* &p->w_counter (a reader waits) or &p->r_counter */
	u32 seen;
};

/* A partner opened since we looked (even if it has closed again). */
static bool fifo_partner_came(void *arg)
{
	struct fifo_wait *w = arg;

	return load(w->counter) != w->seen;
}

/* The pipe of inode, created if it has none (fifo_lock held). */
static struct pipe *fifo_pipe_locked(struct inode *inode)
{
	struct list_head *pos;
	struct pipe *p;

	list_for_each (pos, &fifo_list) {
		p = list_entry(pos, struct pipe, fifo_link);
		if (p->inode == inode)
			return p;
	}
	p = pipe_alloc();
	if (p) {
		p->inode = inode;
		list_add_tail(&p->fifo_link, &fifo_list);
	}
	return p;
}

int pipe_open_fifo(struct inode *inode, struct file *f)
{
	u32 mode = f->fmode & (FMODE_READ | FMODE_WRITE);
	bool nonblock = file_nonblock(f);
	struct fifo_wait wait = {NULL, NULL, 0};
	struct wait_queue *wq = NULL;
	struct pipe *p;
	int err;

	if (!mode || !inode)
		return -EINVAL;
	mutex_lock(&fifo_lock);
	p = fifo_pipe_locked(inode);
	if (!p) {
		mutex_unlock(&fifo_lock);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	if (mode == FMODE_WRITE && !p->readers && nonblock) {
		bool unused = !p->writers; /* made by this open: nobody else has it */

		mutex_unlock(&p->lock);
		if (unused)
			list_del(&p->fifo_link);
		mutex_unlock(&fifo_lock);
		if (unused)
			pipe_free(p);
		return -ENXIO;
	}
	if (mode & FMODE_READ) {
		store(&p->r_counter, p->r_counter + 1);
		store(&p->readers, p->readers + 1);
	}
	if (mode & FMODE_WRITE) {
		store(&p->w_counter, p->w_counter + 1);
		store(&p->writers, p->writers + 1);
	}
	wake_up_all(&p->rd_wq);
	wake_up_all(&p->wr_wq);
	if (mode == FMODE_READ && !p->writers) {
		if (nonblock)
			f->pos = p->w_counter; /* no POLLHUP before a writer came */
		else
			wait = (struct fifo_wait){p, &p->w_counter, p->w_counter};
		wq = &p->rd_wq;
	} else if (mode == FMODE_WRITE && !p->readers) {
		wait = (struct fifo_wait){p, &p->r_counter, p->r_counter};
		wq = &p->wr_wq;
	}
	mutex_unlock(&p->lock);
	mutex_unlock(&fifo_lock);

	if (wait.p) {
		err = wait_until_intr(wq, fifo_partner_came, &wait, 0);
		if (err) {
			pipe_drop(p, mode);
			return err;
		}
	}
	f->fmode |= FMODE_NOSEEK;
	f->priv = p;
	return 0;
}
