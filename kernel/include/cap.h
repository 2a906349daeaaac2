/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap.h - capabilities (kernel/security/cap.c): reference-counted kernel
 * objects, per-process capability tables of handles with rights, and the
 * derivation tree that makes revocation reach every copy.
 *
 * A kernel object (endpoint, notification, queue, memory object, process,
 * thread) starts with a struct kobj: its type, a reference count and its
 * ops. A capability (struct cap) names one object with rights and a badge;
 * it sits either in one slot of a table (a handle) or "in flight" in a
 * message between a sender and a receiver (table NULL). Every capability but the
 * first one made for an object was derived from another (dup, transfer,
 * fork inheritance, give) and is its child in the derivation tree; revoking
 * a capability invalidates all its descendants wherever they are: their
 * object pointer is cleared (later use: -EKEYREVOKED), the object reference
 * they held is dropped, and they leave the tree. The handle stays allocated
 * until its owner closes it. Closing a capability moves its children up to
 * its parent, so revoking an ancestor still reaches them.
 *
 * Objects learn when capabilities to them appear and disappear (ops
 * cap_added/cap_removed with the capability's rights): endpoints count the
 * handles that may receive, so the last server going away wakes its clients.
 *
 * Locking (lock order, outer first): cap_tree_lock (global: parent/children
 * links of every cap, and each cap's obj while it is being revoked) ->
 * cap_table.lock (the slots, and obj of the caps in them) -> object locks.
 * A lookup takes only the table's lock and a reference on the object, so
 * the hot path never touches the global lock. Objects' cap_removed and
 * release callbacks may run with these locks held: they must not sleep.
 */
#ifndef MATRIOSKA_CAP_H
#define MATRIOSKA_CAP_H

#include "../../abi/matrioska/ipc.h"
#include "list.h"
#include "sync.h"
#include "types.h"

struct kobj;

struct kobj_ops {
	/* Last reference gone: free the object. Must not sleep. */
	void (*release)(struct kobj *o);
	/* A capability with these rights to o was created / destroyed (optional). */
	void (*cap_added)(struct kobj *o, u32 rights);
	void (*cap_removed)(struct kobj *o, u32 rights);
};

struct kobj {
	u32 type; /* M_OBJ_* */
	u32 refs; /* atomic; each capability holds one, and so does each user */
	const struct kobj_ops *ops;
};

/* One reference for the caller. */
void kobj_init(struct kobj *o, u32 type, const struct kobj_ops *ops);
void kobj_get(struct kobj *o);
void kobj_put(struct kobj *o);

#define CAP_F_INHERIT 0x1 /* copied into children at fork (M_DUP_INHERIT) */

struct cap_table;

/*
 * A capability. obj and the tree links as described at the top; rights,
 * badge and flags never change after creation.
 */
struct cap {
	struct kobj *obj;	   /* NULL once revoked */
	u32 rights;		   /* M_R_* */
	u32 flags;		   /* CAP_F_* */
	u64 badge;		   /* endpoints: given to the receiver of each call */
	struct cap_table *table;   /* NULL while in flight */
	struct cap *parent;	   /* cap_tree_lock */
	struct list_head children; /* cap_tree_lock */
	struct list_head sibling;  /* in parent->children; cap_tree_lock */
};

struct cap_slot {
	struct cap *cap; /* NULL: free */
	u16 gen;	 /* bumped each time the slot is freed */
};

/*
 * A process's capability table. refs: the process holds one, and so does
 * each process object that names it (so m_handle_give can check dead under
 * the lock after the process has gone).
 */
struct cap_table {
	struct spinlock lock; /* slots, nslots, used, dead, and obj of the caps in slots */
	struct cap_slot *slots;
	u32 nslots, used;
	bool dead; /* the process exited: nothing can be installed any more */
	u32 refs;  /* atomic */
	/*
	 * Bumped (under lock, release) whenever a handle of this table closes
	 * or loses its object: a lookup cached at one version is still what a
	 * lookup would return while the version has not moved.
	 */
	u64 version;
};

#define CAP_TABLE_MAX 4096 /* handles per process */

/* What a successful lookup hands back: the object (referenced) and the handle's terms. */
struct cap_ref {
	struct kobj *obj;
	u32 rights;
	u64 badge;
	u64 version; /* the table's version the answer was read at */
};

struct cap_table *cap_table_create(void) __must_check;
/* Copy every CAP_F_INHERIT capability of parent into child under the same handle number. */
int cap_table_fork(struct cap_table *parent, struct cap_table *child) __must_check;
/* The process exits: close every handle, refuse new ones, drop the process's reference. */
void cap_table_destroy(struct cap_table *t);
void cap_table_get(struct cap_table *t);
void cap_table_put(struct cap_table *t);

/*
 * A new root capability to o with rights (o's creator): returns the handle
 * or -EMFILE / -ENOMEM / -ESRCH (table dead). Takes its own reference on o.
 */
int cap_create(struct cap_table *t, struct kobj *o, u32 rights, u64 badge, u32 flags);

/*
 * Resolve handle h: it must name an object of type (0: any) and carry every
 * right in need. 0 with *out filled (out->obj referenced: kobj_put it), or
 * -EBADF (no such handle), -EKEYREVOKED, -EBADFD (wrong type), -EPERM.
 */
int cap_lookup(struct cap_table *t, u32 h, u32 type, u32 need, struct cap_ref *out);

/*
 * Derive an in-flight child of handle h with rights & mask (mask 0: all of
 * them) and, if badge is non-zero, that badge (only on an unbadged endpoint
 * capability: -EINVAL otherwise). h needs every right in need. Returns the
 * child or an error pointer (errors as cap_lookup, -ENOMEM).
 */
struct cap *cap_derive(struct cap_table *t, u32 h, u32 need, u32 mask, u64 badge, u32 flags);
/* Put an in-flight capability into t: returns its handle, or an error (c is discarded). */
int cap_attach(struct cap_table *t, struct cap *c);
/* Drop an in-flight capability (a message that was never delivered). */
void cap_discard(struct cap *c);

/* Close handle h: 0 or -EBADF. Children move up to its parent. */
int cap_close(struct cap_table *t, u32 h);
/* Revoke every capability derived from h (not h itself): how many were revoked, or -errno. */
int cap_revoke(struct cap_table *t, u32 h);

/*
 * Call fn for every handle of t that names an object (revoked ones are
 * skipped), in slot order, under t->lock: fn must not sleep (ipcstat).
 */
void cap_table_for_each(struct cap_table *t, void (*fn)(u32 h, const struct cap *c, void *arg),
			void *arg);
/* Handles in use in t (tests, ipcstat). */
u32 cap_table_count(struct cap_table *t);

/* Error pointers for cap_derive. */
static inline void *cap_err_ptr(long err)
{
	return (void *)err;
}
static inline bool cap_is_err(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-4095;
}
static inline long cap_ptr_err(const void *p)
{
	return (long)(intptr_t)p;
}

#endif
