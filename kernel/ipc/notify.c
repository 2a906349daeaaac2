/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * notify.c - notifications: a word of signal bits. signal ORs bits in and
 * wakes the waiters; wait blocks until some bit is set and takes (clears)
 * them all; poll takes them without blocking. Made to carry interrupts to
 * user-space drivers later: signalling never sleeps and works from any
 * context.
 *
 * Locking: n->wq.lock protects bits (the wait condition consumes them
 * under it, as wait_until() allows).
 */
#include "errno.h"
#include "ipc_internal.h"
#include "mm.h"
#include "uaccess.h"

struct notify {
	struct kobj k;
	struct wait_queue wq;
	u64 bits; /* wq.lock */
};

static void notify_release(struct kobj *k)
{
	kfree(container_of(k, struct notify, k));
}

static const struct kobj_ops notify_ops = {.release = notify_release};

struct kobj *notify_create(void)
{
	struct notify *n = kzalloc(sizeof(*n));

	if (!n)
		return NULL;
	kobj_init(&n->k, M_OBJ_NOTIFY, &notify_ops);
	wait_queue_init(&n->wq, "notify");
	return &n->k;
}

void notify_signal(struct kobj *o, u64 bits)
{
	struct notify *n = container_of(o, struct notify, k);
	unsigned long flags = spin_lock_irqsave(&n->wq.lock);

	n->bits |= bits;
	spin_unlock_irqrestore(&n->wq.lock, flags);
	wake_up_all(&n->wq);
}

struct take_arg {
	struct notify *n;
	u64 got;
};

static bool take_bits(void *arg)
{
	struct take_arg *a = arg;

	a->got = a->n->bits;
	a->n->bits = 0;
	return a->got != 0;
}

long notify_wait(struct kobj *o, u64 deadline, u64 *bits)
{
	struct take_arg a = {.n = container_of(o, struct notify, k)};
	int err = wait_until_intr(&a.n->wq, take_bits, &a, deadline);

	*bits = a.got;
	return err;
}

/* Bits come back as the (positive) result: 63 of them. */
#define NTFN_BITS_MASK 0x7fffffffffffffffull

long msys_ntfn_create(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct kobj *n;
	int h;

	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!t)
		return -ENOMEM;
	n = notify_create();
	if (!n)
		return -ENOMEM;
	h = cap_create(t, n, M_R_ALL, 0, 0);
	kobj_put(n);
	return h;
}

long msys_ntfn_signal(u64 h, u64 bits, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_ref r;
	int err;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (bits & ~NTFN_BITS_MASK)
		return -EINVAL;
	err = ipc_lookup(h, M_OBJ_NOTIFY, M_R_WRITE, &r);
	if (err)
		return err;
	if (bits)
		notify_signal(r.obj, bits);
	kobj_put(r.obj);
	return 0;
}

long msys_ntfn_wait(u64 h, u64 timeout, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_ref r;
	u64 bits = 0;
	long err;

	(void)a2, (void)a3, (void)a4, (void)a5;
	err = ipc_lookup(h, M_OBJ_NOTIFY, M_R_RECV, &r);
	if (err)
		return err;
	err = notify_wait(r.obj, ipc_deadline(timeout), &bits);
	kobj_put(r.obj);
	if (err)
		return err == -ETIMEDOUT && timeout == 0 ? -EAGAIN : err;
	return (long)(bits & NTFN_BITS_MASK);
}

long msys_ntfn_poll(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct take_arg a;
	struct cap_ref r;
	unsigned long flags;
	int err;

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	err = ipc_lookup(h, M_OBJ_NOTIFY, M_R_RECV, &r);
	if (err)
		return err;
	a.n = container_of(r.obj, struct notify, k);
	flags = spin_lock_irqsave(&a.n->wq.lock);
	take_bits(&a);
	spin_unlock_irqrestore(&a.n->wq.lock, flags);
	kobj_put(r.obj);
	return (long)(a.got & NTFN_BITS_MASK);
}
