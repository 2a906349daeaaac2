/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbtree.h - intrusive red-black trees (kernel/lib/rbtree.c). The caller
 * embeds a struct rb_node, walks down to the insertion point itself with its
 * own key comparison, links the node with rb_link_node() and then calls
 * rb_insert_color() to rebalance. Lookup, insert and erase are O(log n);
 * nothing allocates. Used for address-space regions now and run queues later.
 */
#ifndef MATRIOSKA_RBTREE_H
#define MATRIOSKA_RBTREE_H

#include "types.h"

struct rb_node {
	uintptr_t parent_color; /* parent pointer | colour in bit 0 (1 = black) */
	struct rb_node *left, *right;
};

struct rb_root {
	struct rb_node *node;
};

#define RB_ROOT_INIT \
	{            \
		NULL \
	}
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->parent_color & ~(uintptr_t)1);
}

/* Link a new red node under parent at *link (a NULL child slot found by the caller). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->parent_color = (uintptr_t)parent; /* red */
	node->left = node->right = NULL;
	*link = node;
}

/* Rebalance after rb_link_node(). */
void rb_insert_color(struct rb_node *node, struct rb_root *root);
/* Remove node from the tree and rebalance. */
void rb_erase(struct rb_node *node, struct rb_root *root);
/*
 * Put new (not in any tree) where old is, and take old out: same parent,
 * children and colour, no rebalancing. The caller guarantees that new's key
 * belongs exactly where old's was in the order.
 */
void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* Debug/test helper: check every red-black invariant; returns the black height or -1. */
int rb_check(const struct rb_root *root);

#endif
