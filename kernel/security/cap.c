/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap.c - capability tables, rights and the derivation tree (cap.h).
 *
 * A handle is (generation << 16) | (slot + 1): never 0, always positive,
 * and a closed handle's number stops working even after its slot is reused
 * (until the 15-bit generation wraps). Tables grow by doubling up to
 * CAP_TABLE_MAX slots.
 *
 * Revocation walks the subtree under cap_tree_lock, iteratively (no
 * recursion on a tree a user can make deep): each descendant loses its
 * object (under its table's lock when it has one, so no lookup can be
 * taking a reference at that moment), drops the object reference, and is
 * cut from the tree. A revoked capability stays where it is (a slot or a
 * message) until its owner closes or delivers it.
 *
 * Locking: see cap.h. The order is cap_tree_lock -> cap_table.lock ->
 * whatever kobj ops take. Lookups never take cap_tree_lock.
 */
#include "cap.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"

#define CAP_TABLE_MIN 16
#define HANDLE_GEN_MASK 0x7fff

static struct spinlock cap_tree_lock = SPINLOCK_INIT("cap_tree", LOCK_RANK_NONE);

/* ---- objects ---- */

void kobj_init(struct kobj *o, u32 type, const struct kobj_ops *ops)
{
	o->type = type;
	o->refs = 1;
	o->ops = ops;
}

void kobj_get(struct kobj *o)
{
	__atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
}

void kobj_put(struct kobj *o)
{
	if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0)
		o->ops->release(o);
}

/* A capability to o (rights) ends: tell the object, drop the reference. */
static void kobj_cap_gone(struct kobj *o, u32 rights)
{
	if (o->ops->cap_removed)
		o->ops->cap_removed(o, rights);
	kobj_put(o);
}

static void kobj_cap_new(struct kobj *o, u32 rights)
{
	kobj_get(o);
	if (o->ops->cap_added)
		o->ops->cap_added(o, rights);
}

/* ---- handles ---- */

static inline u32 handle_make(u32 slot, u16 gen)
{
	return ((u32)(gen & HANDLE_GEN_MASK) << 16) | (slot + 1);
}

/* The slot h names in t, or NULL. Caller holds t->lock. */
static struct cap_slot *slot_of_locked(struct cap_table *t, u32 h)
{
	u32 idx = (h & 0xffff) - 1;

	if ((h >> 31) || idx >= t->nslots || !t->slots[idx].cap ||
	    (t->slots[idx].gen & HANDLE_GEN_MASK) != (h >> 16))
		return NULL;
	return &t->slots[idx];
}

/* Double t's slot array (up to CAP_TABLE_MAX). Caller holds t->lock; kzalloc does not sleep. */
static int table_grow_locked(struct cap_table *t)
{
	struct cap_slot *bigger;
	u32 n;

	if (t->nslots >= CAP_TABLE_MAX)
		return -EMFILE;
	n = t->nslots ? t->nslots * 2 : CAP_TABLE_MIN;
	bigger = kzalloc(n * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	if (t->slots)
		memcpy(bigger, t->slots, t->nslots * sizeof(*bigger));
	kfree(t->slots);
	t->slots = bigger;
	t->nslots = n;
	return 0;
}

/* A free slot index of t (growing it if full), or -errno. Caller holds t->lock. */
static int slot_alloc_locked(struct cap_table *t)
{
	u32 old = t->nslots;
	int err;

	if (t->dead)
		return -ESRCH;
	if (t->used < t->nslots) {
		for (u32 i = 0; i < t->nslots; i++)
			if (!t->slots[i].cap)
				return (int)i;
	}
	err = table_grow_locked(t);
	return err ? err : (int)old;
}

/* Put c in slot idx of t. Caller holds t->lock. */
static u32 slot_fill_locked(struct cap_table *t, u32 idx, struct cap *c)
{
	t->slots[idx].cap = c;
	t->used++;
	c->table = t;
	return handle_make(idx, t->slots[idx].gen);
}

/* A handle of t closes or loses its object: cached lookups must look again. t->lock held. */
static void table_changed_locked(struct cap_table *t)
{
	__atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
}

static void slot_free_locked(struct cap_table *t, struct cap_slot *s)
{
	s->cap = NULL;
	s->gen++;
	t->used--;
	table_changed_locked(t);
}

/* ---- tables ---- */

struct cap_table *cap_table_create(void)
{
	struct cap_table *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	spin_init(&t->lock, "cap_table", LOCK_RANK_NONE);
	t->refs = 1;
	return t;
}

void cap_table_get(struct cap_table *t)
{
	__atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
}

void cap_table_put(struct cap_table *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	kfree(t->slots);
	kfree(t);
}

static struct cap *cap_alloc(struct kobj *o, u32 rights, u64 badge, u32 flags)
{
	struct cap *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->obj = o;
	c->rights = rights;
	c->badge = badge;
	c->flags = flags;
	list_init(&c->children);
	list_init(&c->sibling);
	return c;
}

/* Cut c out of the tree; its children move up to its parent. Caller holds cap_tree_lock. */
static void tree_unlink_locked(struct cap *c)
{
	struct cap *ch, *tmp;

	list_for_each_entry_safe (ch, tmp, &c->children, sibling) {
		list_del(&ch->sibling);
		ch->parent = c->parent;
		if (c->parent)
			list_add_tail(&ch->sibling, &c->parent->children);
		else
			list_init(&ch->sibling);
	}
	if (c->parent)
		list_del(&c->sibling);
	list_init(&c->sibling);
	c->parent = NULL;
}

int cap_create(struct cap_table *t, struct kobj *o, u32 rights, u64 badge, u32 flags)
{
	struct cap *c = cap_alloc(o, rights & M_R_ALL, badge, flags);
	int idx;
	u32 h;

	if (!c)
		return -ENOMEM;
	spin_lock(&t->lock);
	idx = slot_alloc_locked(t);
	if (idx < 0) {
		spin_unlock(&t->lock);
		kfree(c);
		return idx;
	}
	kobj_cap_new(o, c->rights);
	h = slot_fill_locked(t, (u32)idx, c);
	spin_unlock(&t->lock);
	return (int)h;
}

int cap_lookup(struct cap_table *t, u32 h, u32 type, u32 need, struct cap_ref *out)
{
	struct cap_slot *s;
	struct cap *c;
	int err = 0;

	spin_lock(&t->lock);
	s = slot_of_locked(t, h);
	if (!s) {
		err = -EBADF;
		goto out;
	}
	c = s->cap;
	if (!c->obj)
		err = -EKEYREVOKED;
	else if (type && c->obj->type != type)
		err = -EBADFD;
	else if ((c->rights & need) != need)
		err = -EPERM;
	if (err)
		goto out;
	kobj_get(c->obj);
	out->obj = c->obj;
	out->rights = c->rights;
	out->badge = c->badge;
	out->version = t->version;
out:
	spin_unlock(&t->lock);
	return err;
}

struct cap *cap_derive(struct cap_table *t, u32 h, u32 need, u32 mask, u64 badge, u32 flags)
{
	struct cap_slot *s;
	struct cap *src, *c;
	long err = 0;

	c = cap_alloc(NULL, 0, 0, flags);
	if (!c)
		return cap_err_ptr(-ENOMEM);
	spin_lock(&cap_tree_lock); /* src stays in the tree while we link under it */
	spin_lock(&t->lock);
	s = slot_of_locked(t, h);
	src = s ? s->cap : NULL;
	if (!src)
		err = -EBADF;
	else if (!src->obj)
		err = -EKEYREVOKED;
	else if ((src->rights & need) != need)
		err = -EPERM;
	else if (badge && (src->obj->type != M_OBJ_ENDPOINT || src->badge))
		err = -EINVAL;
	if (err) {
		spin_unlock(&t->lock);
		spin_unlock(&cap_tree_lock);
		kfree(c);
		return cap_err_ptr(err);
	}
	c->obj = src->obj;
	c->rights = src->rights & (mask ? mask : M_R_ALL);
	c->badge = badge ? badge : src->badge;
	kobj_cap_new(c->obj, c->rights);
	spin_unlock(&t->lock);
	c->parent = src;
	list_add_tail(&c->sibling, &src->children);
	spin_unlock(&cap_tree_lock);
	return c;
}

/* Destroy capability c (out of any slot already). Caller holds cap_tree_lock. */
static void cap_destroy_locked(struct cap *c)
{
	struct kobj *o = c->obj;

	tree_unlink_locked(c);
	c->obj = NULL;
	if (o)
		kobj_cap_gone(o, c->rights);
	kfree(c);
}

void cap_discard(struct cap *c)
{
	spin_lock(&cap_tree_lock);
	cap_destroy_locked(c);
	spin_unlock(&cap_tree_lock);
}

int cap_attach(struct cap_table *t, struct cap *c)
{
	int idx;
	u32 h;

	spin_lock(&cap_tree_lock); /* c->obj cannot be revoked under us */
	spin_lock(&t->lock);
	idx = slot_alloc_locked(t);
	if (idx < 0) {
		spin_unlock(&t->lock);
		cap_destroy_locked(c);
		spin_unlock(&cap_tree_lock);
		return idx;
	}
	h = slot_fill_locked(t, (u32)idx, c);
	spin_unlock(&t->lock);
	spin_unlock(&cap_tree_lock);
	return (int)h;
}

int cap_close(struct cap_table *t, u32 h)
{
	struct cap_slot *s;
	struct cap *c;

	spin_lock(&cap_tree_lock);
	spin_lock(&t->lock);
	s = slot_of_locked(t, h);
	if (!s) {
		spin_unlock(&t->lock);
		spin_unlock(&cap_tree_lock);
		return -EBADF;
	}
	c = s->cap;
	slot_free_locked(t, s);
	c->table = NULL;
	spin_unlock(&t->lock);
	cap_destroy_locked(c);
	spin_unlock(&cap_tree_lock);
	return 0;
}

/* Revoke one descendant: clear its object under its table's lock, cut it from the tree. */
static void revoke_one_locked(struct cap *c)
{
	struct kobj *o;

	if (c->table)
		spin_lock(&c->table->lock);
	o = c->obj;
	c->obj = NULL;
	if (c->table) {
		table_changed_locked(c->table);
		spin_unlock(&c->table->lock);
	}
	if (o)
		kobj_cap_gone(o, c->rights);
}

int cap_revoke(struct cap_table *t, u32 h)
{
	struct cap_slot *s;
	struct cap *root;
	int n = 0;

	spin_lock(&cap_tree_lock);
	spin_lock(&t->lock);
	s = slot_of_locked(t, h);
	root = s ? s->cap : NULL;
	spin_unlock(&t->lock);
	if (!root) {
		spin_unlock(&cap_tree_lock);
		return -EBADF;
	}
	/* Take leaves first: a node whose children are all gone is revoked and cut. */
	while (!list_empty(&root->children)) {
		struct cap *c = list_first_entry(&root->children, struct cap, sibling);

		while (!list_empty(&c->children))
			c = list_first_entry(&c->children, struct cap, sibling);
		revoke_one_locked(c);
		list_del(&c->sibling);
		list_init(&c->sibling);
		c->parent = NULL;
		n++;
	}
	spin_unlock(&cap_tree_lock);
	return n;
}

int cap_table_fork(struct cap_table *parent, struct cap_table *child)
{
	int err = 0;

	spin_lock(&cap_tree_lock);
	spin_lock(&parent->lock);
	for (u32 i = 0; i < parent->nslots && !err; i++) {
		struct cap *src = parent->slots[i].cap, *c;

		if (!src || !(src->flags & CAP_F_INHERIT) || !src->obj)
			continue;
		c = cap_alloc(src->obj, src->rights, src->badge, src->flags);
		if (!c) {
			err = -ENOMEM;
			break;
		}
		spin_lock(&child->lock);
		while (child->nslots <= i && !err)
			err = table_grow_locked(child);
		if (!err) {
			child->slots[i].gen = parent->slots[i].gen;
			slot_fill_locked(child, i, c);
			kobj_cap_new(c->obj, c->rights);
			c->parent = src;
			list_add_tail(&c->sibling, &src->children);
		} else {
			kfree(c);
		}
		spin_unlock(&child->lock);
	}
	spin_unlock(&parent->lock);
	spin_unlock(&cap_tree_lock);
	return err;
}

void cap_table_destroy(struct cap_table *t)
{
	spin_lock(&cap_tree_lock);
	spin_lock(&t->lock);
	t->dead = true;
	for (u32 i = 0; i < t->nslots; i++) {
		struct cap *c = t->slots[i].cap;

		if (!c)
			continue;
		slot_free_locked(t, &t->slots[i]);
		c->table = NULL;
		spin_unlock(&t->lock);
		cap_destroy_locked(c);
		spin_lock(&t->lock);
	}
	spin_unlock(&t->lock);
	spin_unlock(&cap_tree_lock);
	cap_table_put(t);
}

void cap_table_for_each(struct cap_table *t, void (*fn)(u32 h, const struct cap *c, void *arg),
			void *arg)
{
	spin_lock(&t->lock);
	for (u32 i = 0; i < t->nslots; i++) {
		const struct cap *c = t->slots[i].cap;

		if (c && c->obj) /* in use, not revoked */
			fn(handle_make(i, t->slots[i].gen), c, arg);
	}
	spin_unlock(&t->lock);
}

u32 cap_table_count(struct cap_table *t)
{
	u32 n;

	spin_lock(&t->lock);
	n = t->used;
	spin_unlock(&t->lock);
	return n;
}
