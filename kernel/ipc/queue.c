/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * queue.c - bounded message queues: a ring of max_msgs slots of up to
 * max_size bytes, any number of senders and receivers. A send into a full
 * queue waits (or fails with -EAGAIN under M_NONBLOCK or timeout 0); a
 * receive from an empty one likewise. Messages are copied twice (user ->
 * kernel bounce block -> slot, and back), so no user memory is touched
 * under a lock.
 *
 * Locking: q->wq.lock protects the ring; the wait conditions move a
 * message in or out under it (wait_until() allows conditions that consume
 * what they test), so a woken waiter cannot lose its slot or message to a
 * thread arriving later. Both directions share one wait queue and every
 * change wakes all of its waiters.
 */
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"

#define MQ_MAX_MSGS 1024
#define MQ_MAX_BYTES (256 * 1024) /* max_msgs * max_size */

struct mqueue {
	struct kobj k;
	struct wait_queue wq;
	u32 max_msgs, max_size;
	u32 head, count; /* ring: slots head .. head + count - 1 (mod max_msgs); wq.lock */
	u32 *lens;
	u8 *data; /* max_msgs * max_size */
};

static void mq_release(struct kobj *k)
{
	struct mqueue *q = container_of(k, struct mqueue, k);

	kfree(q->lens);
	kfree(q->data);
	kfree(q);
}

static const struct kobj_ops mq_ops = {.release = mq_release};

struct kobj *queue_create(u32 max_msgs, u32 max_size)
{
	struct mqueue *q = kzalloc(sizeof(*q));

	if (!q)
		return NULL;
	kobj_init(&q->k, M_OBJ_QUEUE, &mq_ops);
	wait_queue_init(&q->wq, "mqueue");
	q->max_msgs = max_msgs;
	q->max_size = max_size;
	q->lens = kzalloc(max_msgs * sizeof(u32));
	q->data = kmalloc((size_t)max_msgs * max_size);
	if (!q->lens || !q->data) {
		mq_release(&q->k);
		return NULL;
	}
	return &q->k;
}

u64 queue_capacity(struct kobj *o)
{
	return container_of(o, struct mqueue, k)->max_msgs;
}

struct mq_op {
	struct mqueue *q;
	u8 *buf;
	u32 len;	/* send: the length; receive: the buffer size, then the length */
	bool too_small; /* receive: the head message does not fit */
};

static bool mq_put(void *arg)
{
	struct mq_op *op = arg;
	struct mqueue *q = op->q;
	u32 slot;

	if (q->count == q->max_msgs)
		return false;
	slot = (q->head + q->count) % q->max_msgs;
	memcpy(q->data + (size_t)slot * q->max_size, op->buf, op->len);
	q->lens[slot] = op->len;
	q->count++;
	return true;
}

static bool mq_take(void *arg)
{
	struct mq_op *op = arg;
	struct mqueue *q = op->q;

	if (!q->count)
		return false;
	if (q->lens[q->head] > op->len) {
		op->too_small = true;
		return true;
	}
	op->len = q->lens[q->head];
	memcpy(op->buf, q->data + (size_t)q->head * q->max_size, op->len);
	q->head = (q->head + 1) % q->max_msgs;
	q->count--;
	return true;
}

/*
 * The start of send and receive: flags other than M_NONBLOCK are -EINVAL;
 * then the queue at handle h with the right need, referenced in *r and set
 * in op->q (ipc_lookup's errors).
 */
static int mq_begin(u64 h, u64 flags, u32 need, struct cap_ref *r, struct mq_op *op)
{
	int err;

	if (flags & ~(u64)M_NONBLOCK)
		return -EINVAL; /* before the table is made on first use */
	err = ipc_lookup(h, M_OBJ_QUEUE, need, r);
	if (err)
		return err;
	op->q = container_of(r->obj, struct mqueue, k);
	return 0;
}

/*
 * Wait until cond (mq_put or mq_take) has moved a message, not at all under
 * M_NONBLOCK or timeout 0: 0, or wait_until_intr's error, its -ETIMEDOUT
 * being -EAGAIN for a wait that was not to block.
 */
static int mq_wait(struct mq_op *op, bool (*cond)(void *arg), u64 flags, u64 timeout)
{
	int err = wait_until_intr(&op->q->wq, cond, op,
				  ipc_deadline((flags & M_NONBLOCK) ? 0 : timeout));

	return err == -ETIMEDOUT && ((flags & M_NONBLOCK) || timeout == 0) ? -EAGAIN : err;
}

long msys_mq_create(u64 max_msgs, u64 max_size, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct kobj *q;
	int h;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (!max_msgs || !max_size || max_msgs > MQ_MAX_MSGS || max_size > M_MSG_MAX_DATA ||
	    max_msgs * max_size > MQ_MAX_BYTES)
		return -EINVAL;
	if (!t)
		return -ENOMEM;
	q = queue_create((u32)max_msgs, (u32)max_size);
	if (!q)
		return -ENOMEM;
	h = cap_create(t, q, M_R_ALL, 0, 0);
	kobj_put(q);
	return h;
}

long msys_mq_send(u64 h, u64 ubuf, u64 len, u64 flags, u64 timeout, u64 a5)
{
	struct mq_op op = {0};
	struct cap_ref r;
	long err;

	(void)a5;
	err = mq_begin(h, flags, M_R_WRITE, &r, &op);
	if (err)
		return err;
	if (len > op.q->max_size) {
		err = -EMSGSIZE;
		goto out;
	}
	op.len = (u32)len;
	op.buf = kmalloc(op.q->max_size);
	if (!op.buf) {
		err = -ENOMEM;
		goto out;
	}
	if (copy_from_user(op.buf, (const void *)(uintptr_t)ubuf, len)) {
		err = -EFAULT;
		goto out_free;
	}
	err = mq_wait(&op, mq_put, flags, timeout);
	if (!err)
		wake_up_all(&op.q->wq);
out_free:
	kfree(op.buf);
out:
	kobj_put(r.obj);
	return err;
}

long msys_mq_recv(u64 h, u64 ubuf, u64 size, u64 flags, u64 timeout, u64 a5)
{
	struct mq_op op = {0};
	struct cap_ref r;
	long err;

	(void)a5;
	err = mq_begin(h, flags, M_R_READ, &r, &op);
	if (err)
		return err;
	op.len = (u32)MIN(size, (u64)op.q->max_size);
	if (!access_ok((void *)(uintptr_t)ubuf, op.len)) {
		err = -EFAULT;
		goto out;
	}
	op.buf = kmalloc(op.q->max_size);
	if (!op.buf) {
		err = -ENOMEM;
		goto out;
	}
	err = mq_wait(&op, mq_take, flags, timeout);
	if (!err && op.too_small) {
		err = -EMSGSIZE;
	} else if (!err) {
		wake_up_all(&op.q->wq);
		/* Checked writable above; a fault now (unmapped meanwhile) loses the message. */
		err = copy_to_user((void *)(uintptr_t)ubuf, op.buf, op.len) ? -EFAULT
									    : (long)op.len;
	}
	kfree(op.buf);
out:
	kobj_put(r.obj);
	return err;
}
