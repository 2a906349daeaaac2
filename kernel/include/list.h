/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * list.h - intrusive circular doubly linked lists. A struct embeds a
 * struct list_head; the list's own head is a struct list_head that points to
 * itself when empty. All operations are O(1) and never allocate.
 */
#ifndef MATRIOSKA_LIST_H
#define MATRIOSKA_LIST_H

#include "types.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void __list_insert(struct list_head *n, struct list_head *prev,
				 struct list_head *next)
{
	n->next = next;
	n->prev = prev;
	prev->next = n;
	next->prev = n;
}

/* Insert n right after h (at the front). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_insert(n, h, h->next);
}

/* Insert n right before h (at the back). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_insert(n, h->prev, h);
}

/* Unlink n; n is left pointing at itself so a second list_del is harmless. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each(pos, h) for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, tmp, h) \
	for (pos = (h)->next, tmp = pos->next; pos != (h); pos = tmp, tmp = pos->next)
/* Iterate over the structures (of pos's type) linked through member. */
#define list_for_each_entry(pos, h, member)                                              \
	for (pos = list_entry((h)->next, __typeof__(*pos), member); &pos->member != (h); \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))
/* The same, allowing pos to be removed from the list while iterating. */
#define list_for_each_entry_safe(pos, tmp, h, member)                     \
	for (pos = list_entry((h)->next, __typeof__(*pos), member),       \
	    tmp = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (h);                                         \
	     pos = tmp, tmp = list_entry(tmp->member.next, __typeof__(*tmp), member))

#endif
