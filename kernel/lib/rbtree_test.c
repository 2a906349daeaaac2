/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbtree_test.c - ktests for kernel/lib/rbtree.c built with the kernel's own
 * flags. tests/unit/test_rbtree.c covers the algorithm in depth on the host;
 * these check, on a static array of nodes, that insert, iteration and erase
 * behave the same inside the kernel.
 */
#include "ktest.h"
#include "rbtree.h"

#define RBT_N 64

struct rbt_item {
	u32 key;
	struct rb_node node;
};

static struct rbt_item rbt_items[RBT_N];

static u32 rbt_key(const struct rb_node *n)
{
	return rb_entry(n, struct rbt_item, node)->key;
}

static void rbt_insert(struct rb_root *root, struct rbt_item *it)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < rbt_key(parent) ? &parent->left : &parent->right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

/* Insert keys 0..RBT_N-1 in a scrambled order (37 is coprime with 64). */
static void rbt_fill(struct rb_root *root)
{
	for (u32 i = 0; i < RBT_N; i++) {
		struct rbt_item *it = &rbt_items[(i * 37) % RBT_N];

		it->key = (u32)(it - rbt_items);
		rbt_insert(root, it);
	}
}

KTEST(rbtree, empty)
{
	struct rb_root root = RB_ROOT_INIT;

	KT_EXPECT(t, rb_first(&root) == NULL);
	KT_EXPECT(t, rb_last(&root) == NULL);
	KT_EXPECT_EQ(t, rb_check(&root), 0);
}

KTEST(rbtree, insert_iterates_in_order)
{
	struct rb_root root = RB_ROOT_INIT;
	struct rb_node *n;
	u32 k;

	rbt_fill(&root);
	KT_EXPECT(t, rb_check(&root) > 0);
	k = 0;
	for (n = rb_first(&root); n; n = rb_next(n))
		KT_EXPECT_EQ(t, rbt_key(n), k++);
	KT_EXPECT_EQ(t, k, RBT_N);
	for (n = rb_last(&root); n; n = rb_prev(n))
		KT_EXPECT_EQ(t, rbt_key(n), --k);
	KT_EXPECT_EQ(t, k, 0);
}

KTEST(rbtree, erase_keeps_invariants)
{
	struct rb_root root = RB_ROOT_INIT;
	struct rb_node *n;
	u32 k, old_root;

	rbt_fill(&root);
	/* Erase the root (it has two children), then the other even keys, then the rest. */
	old_root = rbt_key(root.node);
	KT_EXPECT(t, root.node->left && root.node->right);
	rb_erase(root.node, &root);
	KT_EXPECT(t, rb_check(&root) > 0);
	for (u32 i = 0; i < RBT_N; i += 2) {
		if (i != old_root) {
			rb_erase(&rbt_items[i].node, &root);
			KT_EXPECT(t, rb_check(&root) > 0);
		}
	}
	/* What is left: the odd keys, less the old root if it was odd. */
	k = 1;
	for (n = rb_first(&root); n; n = rb_next(n)) {
		if (k == old_root)
			k += 2;
		KT_EXPECT_EQ(t, rbt_key(n), k);
		k += 2;
	}
	if (k == old_root)
		k += 2;
	KT_EXPECT_EQ(t, k, RBT_N + 1);
	for (u32 i = 1; i < RBT_N; i += 2) {
		if (i != old_root)
			rb_erase(&rbt_items[i].node, &root);
	}
	KT_EXPECT(t, root.node == NULL);
	KT_EXPECT_EQ(t, rb_check(&root), 0);
}
