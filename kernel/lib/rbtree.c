/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbtree.c - rebalancing, erase and in-order walking for the intrusive
 * red-black trees declared in rbtree.h. The caller owns the keys: it finds
 * the insertion point, links the node red with rb_link_node() and lets
 * rb_insert_color() restore the invariants. Everything here is iterative,
 * touches only the nodes on one root-to-leaf path plus their siblings, and
 * never allocates, so it is safe in any context that holds whatever lock
 * protects the tree (the tree itself has no lock).
 *
 * Invariants (checked by rb_check()):
 *  - every node is red or black; NULL children count as black leaves;
 *  - the root is black and its parent is NULL;
 *  - a red node has no red child;
 *  - every path from a node down to a NULL child crosses the same number
 *    of black nodes (the black height);
 *  - rb_parent(child) is the node that points at child.
 * Together these keep the height below 2 * log2(n + 1).
 */
#include "rbtree.h"

#define RB_BLACK ((uintptr_t)1)

/* Deeper than any valid tree can be (n < 2^64): guards rb_check() against cycles. */
#define RB_MAX_DEPTH 128

static inline bool rb_is_black(const struct rb_node *n)
{
	return !n || (n->parent_color & RB_BLACK);
}

static inline bool rb_is_red(const struct rb_node *n)
{
	return !rb_is_black(n);
}

static inline void rb_set_black(struct rb_node *n)
{
	n->parent_color |= RB_BLACK;
}

static inline void rb_set_red(struct rb_node *n)
{
	n->parent_color &= ~RB_BLACK;
}

static inline void rb_set_parent(struct rb_node *n, struct rb_node *parent)
{
	n->parent_color = (uintptr_t)parent | (n->parent_color & RB_BLACK);
}

/* Make whatever pointed at old (parent's child slot or the root) point at new. */
static inline void rb_replace_child(struct rb_root *root, struct rb_node *parent,
				    struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 *     x               y
 *    / \             / \
 *   a   y    ==>    x   c
 *      / \         / \
 *     b   c       a   b
 */
static void rb_rotate_left(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->right;
	struct rb_node *parent = rb_parent(x);

	x->right = y->left;
	if (y->left)
		rb_set_parent(y->left, x);
	y->left = x;
	rb_set_parent(y, parent);
	rb_replace_child(root, parent, x, y);
	rb_set_parent(x, y);
}

/* The mirror image of rb_rotate_left(). */
static void rb_rotate_right(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->left;
	struct rb_node *parent = rb_parent(x);

	x->left = y->right;
	if (y->right)
		rb_set_parent(y->right, x);
	y->right = x;
	rb_set_parent(y, parent);
	rb_replace_child(root, parent, x, y);
	rb_set_parent(x, y);
}

/*
 * node was just linked red. The only invariant that can be broken is "no red
 * child of a red node", between node and its parent. A red uncle lets us push
 * the problem two levels up by recolouring; a black uncle ends it with one or
 * two rotations.
 */
void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent); /* a red parent is never the root */
		if (parent == gparent->left) {
			uncle = gparent->right;
			if (rb_is_red(uncle)) {
				rb_set_black(parent);
				rb_set_black(uncle);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->right) {
				/* Turn the zig-zag into a straight line. */
				rb_rotate_left(root, parent);
				parent = node;
			}
			rb_set_black(parent);
			rb_set_red(gparent);
			rb_rotate_right(root, gparent);
		} else {
			uncle = gparent->left;
			if (rb_is_red(uncle)) {
				rb_set_black(parent);
				rb_set_black(uncle);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->left) {
				rb_rotate_right(root, parent);
				parent = node;
			}
			rb_set_black(parent);
			rb_set_red(gparent);
			rb_rotate_left(root, gparent);
		}
		break; /* parent (now at gparent's place) is black */
	}
	rb_set_black(root->node);
}

/*
 * A black node was removed above x (x may be NULL, hence the separate parent):
 * every path through x has one black too few. Either x is red and simply
 * turns black, or we borrow from x's sibling w: recolouring w red moves the
 * deficit up to parent; otherwise at most three rotations settle it.
 */
static void rb_erase_fixup(struct rb_node *x, struct rb_node *parent, struct rb_root *root)
{
	struct rb_node *w;

	while (x != root->node && rb_is_black(x)) {
		/* x's side is one black short of w's, so w's side has a black node: w exists. */
		if (x == parent->left) {
			w = parent->right;
			if (rb_is_red(w)) {
				rb_set_black(w);
				rb_set_red(parent);
				rb_rotate_left(root, parent);
				w = parent->right;
			}
			if (rb_is_black(w->left) && rb_is_black(w->right)) {
				rb_set_red(w);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->right)) {
				rb_set_black(w->left);
				rb_set_red(w);
				rb_rotate_right(root, w);
				w = parent->right;
			}
			w->parent_color =
				(w->parent_color & ~RB_BLACK) | (parent->parent_color & RB_BLACK);
			rb_set_black(parent);
			rb_set_black(w->right);
			rb_rotate_left(root, parent);
		} else {
			w = parent->left;
			if (rb_is_red(w)) {
				rb_set_black(w);
				rb_set_red(parent);
				rb_rotate_right(root, parent);
				w = parent->left;
			}
			if (rb_is_black(w->left) && rb_is_black(w->right)) {
				rb_set_red(w);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->left)) {
				rb_set_black(w->right);
				rb_set_red(w);
				rb_rotate_left(root, w);
				w = parent->left;
			}
			w->parent_color =
				(w->parent_color & ~RB_BLACK) | (parent->parent_color & RB_BLACK);
			rb_set_black(parent);
			rb_set_black(w->left);
			rb_rotate_right(root, parent);
		}
		x = root->node;
		break;
	}
	if (x)
		rb_set_black(x);
}

/*
 * Unlink node. With at most one child, that child takes node's place. With
 * two, node's successor y (leftmost of the right subtree, so it has no left
 * child) takes node's place and colour, and y's old right child takes y's
 * place. Either way the colour that vanished from the tree is that of the
 * node physically removed from its slot; if it was black, fix up from there.
 * node's own fields are left as they were.
 */
void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent = rb_parent(node);
	struct rb_node *x, *x_parent, *y;
	bool removed_black;

	if (!node->left || !node->right) {
		x = node->left ? node->left : node->right;
		removed_black = rb_is_black(node);
		rb_replace_child(root, parent, node, x);
		if (x)
			rb_set_parent(x, parent);
		x_parent = parent;
	} else {
		y = node->right;
		while (y->left)
			y = y->left;
		removed_black = rb_is_black(y);
		x = y->right;
		if (rb_parent(y) == node) {
			x_parent = y; /* x stays y's right child */
		} else {
			x_parent = rb_parent(y);
			x_parent->left = x;
			if (x)
				rb_set_parent(x, x_parent);
			y->right = node->right;
			rb_set_parent(y->right, y);
		}
		y->left = node->left;
		rb_set_parent(y->left, y);
		y->parent_color = node->parent_color; /* node's parent and colour */
		rb_replace_child(root, parent, node, y);
	}
	if (removed_black)
		rb_erase_fixup(x, x_parent, root);
}

void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root)
{
	*new = *old;
	rb_replace_child(root, rb_parent(old), old, new);
	if (new->left)
		rb_set_parent(new->left, new);
	if (new->right)
		rb_set_parent(new->right, new);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (!n)
		return NULL;
	while (n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (!n)
		return NULL;
	while (n->right)
		n = n->right;
	return n;
}

/* The leftmost node of the right subtree, else the first ancestor we are left of. */
struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->left) {
		node = node->left;
		while (node->right)
			node = node->right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->left)
		node = parent;
	return parent;
}

/* Black height of the subtree at n (NULL leaves not counted), or -1 if it is broken. */
static int rb_check_subtree(const struct rb_node *n, const struct rb_node *parent, int depth)
{
	int lh, rh;

	if (!n)
		return 0;
	if (depth > RB_MAX_DEPTH || rb_parent(n) != parent)
		return -1;
	if (rb_is_red(n) && rb_is_red(parent))
		return -1;
	if (n->left && n->left == n->right)
		return -1;
	lh = rb_check_subtree(n->left, n, depth + 1);
	if (lh < 0)
		return -1;
	rh = rb_check_subtree(n->right, n, depth + 1);
	if (rh != lh)
		return -1;
	return lh + rb_is_black(n);
}

/*
 * Returns the number of black nodes on every root-to-NULL path (0 for an
 * empty tree) or -1 if an invariant is broken. O(n); recursion depth is
 * bounded by RB_MAX_DEPTH. Key order is the caller's to check.
 */
int rb_check(const struct rb_root *root)
{
	if (!root->node)
		return 0;
	if (rb_is_red(root->node))
		return -1;
	return rb_check_subtree(root->node, NULL, 0);
}
