/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/eventfd.c - eventfd (evfd.h): a 64-bit counter as a file. write(2)
 * adds an 8-byte value, read(2) takes the whole count (or 1 in
 * EFD_SEMAPHORE mode) and resets it (or decrements it).
 *
 * Linux's rules: reads and writes shorter than 8 bytes fail with EINVAL,
 * and so does writing UINT64_MAX; the count never exceeds
 * 0xfffffffffffffffe, so a write that would overflow it blocks until a
 * read makes room (EAGAIN with O_NONBLOCK); a read of a zero count blocks
 * until a write (EAGAIN with O_NONBLOCK). poll: POLLIN while the count is
 * non-zero, POLLOUT while at least 1 can be added.
 *
 * Locking: the counter is kept under the wait queue's own spinlock: the
 * conditions of wait_until run under it and consume what they test (take
 * the count, add the value), so a reader and a writer never miss each
 * other and no separate lock is needed. poll reads it atomically. Every
 * change wakes the queue (both readers and writers wait on it; epoll's
 * observers see each change).
 */
#include "errno.h"
#include "evfd.h"
#include "lib.h"
#include "mm.h"
#include "poll.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

struct eventfd {
	struct wait_queue wq; /* readers and writers; wq.lock also covers count */
	u64 count;	      /* <= EVENTFD_MAX; stored under wq.lock, loaded atomically */
	bool semaphore;
};

/* What one read or write is doing, for its wait condition. */
struct efd_op {
	struct eventfd *efd;
	u64 value; /* write: to add; read: what was taken */
};

static void count_store(struct eventfd *efd, u64 v)
{
	__atomic_store_n(&efd->count, v, __ATOMIC_RELAXED);
}

/* Take the count (or 1) if non-zero. Under wq.lock. */
static bool efd_take(void *arg)
{
	struct efd_op *op = arg;
	struct eventfd *efd = op->efd;

	if (!efd->count)
		return false;
	op->value = efd->semaphore ? 1 : efd->count;
	count_store(efd, efd->count - op->value);
	return true;
}

/* Add the value if it fits. Under wq.lock. */
static bool efd_add(void *arg)
{
	struct efd_op *op = arg;
	struct eventfd *efd = op->efd;

	if (op->value > EVENTFD_MAX - efd->count)
		return false;
	count_store(efd, efd->count + op->value);
	return true;
}

/* Try op once under the lock, then (blocking files) wait for it. 0, -EAGAIN or -EINTR. */
static int efd_do(struct file *f, bool (*cond)(void *arg), struct efd_op *op)
{
	struct eventfd *efd = op->efd;
	unsigned long flags = spin_lock_irqsave(&efd->wq.lock);
	bool done = cond(op);
	int err = 0;

	spin_unlock_irqrestore(&efd->wq.lock, flags);
	if (!done) {
		if (file_nonblock(f))
			return -EAGAIN;
		err = wait_until_intr(&efd->wq, cond, op, 0);
		if (err)
			return err;
	}
	wake_up_all(&efd->wq); /* the other side, and epoll */
	return 0;
}

static s64 eventfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct efd_op op = {f->priv, 0};
	int err;

	if (u->len < sizeof(u64))
		return -EINVAL;
	err = efd_do(f, efd_take, &op);
	if (err)
		return err;
	/* As on Linux, a fault here loses the value taken. */
	if (uio_copy_out(u, 0, &op.value, sizeof(op.value)))
		return -EFAULT;
	return sizeof(u64);
}

static s64 eventfd_write(struct file *f, struct uio *u, u64 *pos)
{
	struct efd_op op = {f->priv, 0};
	int err;

	if (u->len < sizeof(u64))
		return -EINVAL;
	if (uio_copy_in(&op.value, u, 0, sizeof(op.value)))
		return -EFAULT;
	if (op.value == UINT64_MAX)
		return -EINVAL;
	err = efd_do(f, efd_add, &op);
	return err ? err : (s64)sizeof(u64);
}

static u32 eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *efd = f->priv;
	u64 c;
	u32 mask = 0;

	poll_wait(pt, &efd->wq);
	c = __atomic_load_n(&efd->count, __ATOMIC_RELAXED);
	if (c)
		mask |= POLLIN | POLLRDNORM;
	if (c < EVENTFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_operations eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

int eventfd_create(u64 initval, u32 flags, struct file **out)
{
	struct eventfd *efd = kzalloc(sizeof(*efd));
	struct file *f;

	*out = NULL;
	if (!efd)
		return -ENOMEM;
	wait_queue_init(&efd->wq, "eventfd");
	efd->count = initval;
	efd->semaphore = (flags & EFD_SEMAPHORE) != 0;
	f = file_alloc_anon(&eventfd_fops, efd, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(efd);
		return -ENOMEM;
	}
	f->fmode |= FMODE_NOSEEK;
	*out = f;
	return 0;
}
