/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rbtree.c - host tests for kernel/lib/rbtree.c. Every sequence of
 * inserts and erases is mirrored in a plain reference (a bitmap of present
 * keys, or the insertion order for equal keys); after each operation, or
 * periodically in the 100k-operation runs, the tree must pass rb_check(),
 * iterate forwards and backwards to exactly the reference, and stay within
 * the red-black height bound. Erase is also tried on every node of many
 * small trees, so that each shape (root, leaf, one child, two children with
 * near or far successor, red or black) is known to have been exercised.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rbtree.h"
#include "unit.h"

struct item {
	int key;
	int seq; /* insertion order, for the equal-key tests */
	struct rb_node node;
};

static struct item *item_of(const struct rb_node *n)
{
	return n ? rb_entry(n, struct item, node) : NULL;
}

/* Equal keys go to the right, so they iterate in insertion order. */
static void tree_insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < item_of(parent)->key)
			link = &parent->left;
		else
			link = &parent->right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

static struct item *tree_find(const struct rb_root *root, int key)
{
	struct rb_node *n = root->node;

	while (n) {
		if (key < item_of(n)->key)
			n = n->left;
		else if (key > item_of(n)->key)
			n = n->right;
		else
			return item_of(n);
	}
	return NULL;
}

static int tree_height(const struct rb_node *n)
{
	int l, r;

	if (!n)
		return 0;
	l = tree_height(n->left);
	r = tree_height(n->right);
	return 1 + (l > r ? l : r);
}

static bool is_black(const struct rb_node *n)
{
	return n->parent_color & 1;
}

/* A fixed-seed xorshift64*: the same "random" sequence on every run. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static unsigned rng_below(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static void shuffle(int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rng_below((unsigned)i + 1), tmp = a[i];

		a[i] = a[j];
		a[j] = tmp;
	}
}

/*
 * Check the tree's structure and its size/height relation: with black height
 * bh, a red-black tree has at least 2^bh - 1 nodes and height at most 2 * bh.
 */
static bool verify_shape(const struct rb_root *root, int count)
{
	int bh = rb_check(root), h = tree_height(root->node);

	if (bh < 0) {
		unit_fail(__FILE__, __LINE__, "rb_check failed (%d nodes)", count);
		return false;
	}
	if (h > 2 * bh || (bh < 31 && (1 << bh) - 1 > count)) {
		unit_fail(__FILE__, __LINE__, "height %d black height %d for %d nodes", h, bh,
			  count);
		return false;
	}
	return true;
}

/*
 * The tree must hold exactly the keys set in present[0..nkeys), each once, and
 * iterate to them in order with rb_first/rb_next and rb_last/rb_prev.
 */
static bool verify_keys(const struct rb_root *root, const bool *present, int nkeys)
{
	struct rb_node *n, *prev = NULL;
	int k = -1, count = 0;

	for (n = rb_first(root); n; prev = n, n = rb_next(n)) {
		while (++k < nkeys && !present[k])
			;
		if (k >= nkeys || item_of(n)->key != k || rb_prev(n) != prev) {
			unit_fail(__FILE__, __LINE__, "forward walk: got key %d, expected %d",
				  item_of(n)->key, k);
			return false;
		}
		count++;
	}
	while (++k < nkeys && !present[k])
		;
	if (k < nkeys) {
		unit_fail(__FILE__, __LINE__, "forward walk ended before key %d", k);
		return false;
	}
	if (rb_last(root) != prev) {
		unit_fail(__FILE__, __LINE__, "rb_last is not the last node of the walk");
		return false;
	}
	k = nkeys;
	for (n = rb_last(root); n; n = rb_prev(n)) {
		while (--k >= 0 && !present[k])
			;
		if (k < 0 || item_of(n)->key != k) {
			unit_fail(__FILE__, __LINE__, "backward walk: got key %d, expected %d",
				  item_of(n)->key, k);
			return false;
		}
	}
	while (--k >= 0 && !present[k])
		;
	if (k >= 0) {
		unit_fail(__FILE__, __LINE__, "backward walk ended before key %d", k);
		return false;
	}
	return verify_shape(root, count);
}

UNIT_TEST(empty_tree)
{
	struct rb_root root = RB_ROOT_INIT;

	CHECK(rb_first(&root) == NULL);
	CHECK(rb_last(&root) == NULL);
	CHECK_EQ(rb_check(&root), 0);
}

UNIT_TEST(single_node)
{
	struct rb_root root = RB_ROOT_INIT;
	struct item a = {.key = 5};

	tree_insert(&root, &a);
	CHECK(root.node == &a.node);
	CHECK(is_black(&a.node));
	CHECK(rb_parent(&a.node) == NULL);
	CHECK(rb_first(&root) == &a.node);
	CHECK(rb_last(&root) == &a.node);
	CHECK(rb_next(&a.node) == NULL);
	CHECK(rb_prev(&a.node) == NULL);
	CHECK_EQ(rb_check(&root), 1);
	rb_erase(&a.node, &root);
	CHECK(root.node == NULL);
	CHECK(rb_first(&root) == NULL);
	CHECK_EQ(rb_check(&root), 0);
	/* The tree is reusable after becoming empty. */
	tree_insert(&root, &a);
	CHECK(root.node == &a.node);
	CHECK_EQ(rb_check(&root), 1);
}

/* Insert keys in order ins[], erase them in order del[], verifying after every step. */
static void run_sequence(const int *ins, const int *del, int n)
{
	struct rb_root root = RB_ROOT_INIT;
	struct item *items = calloc((size_t)n, sizeof(*items));
	bool *present = calloc((size_t)n, sizeof(*present));
	bool ok = true;

	for (int i = 0; i < n && ok; i++) {
		items[ins[i]].key = ins[i];
		tree_insert(&root, &items[ins[i]]);
		present[ins[i]] = true;
		ok = verify_keys(&root, present, n);
	}
	for (int i = 0; i < n && ok; i++) {
		rb_erase(&items[del[i]].node, &root);
		present[del[i]] = false;
		ok = verify_keys(&root, present, n);
	}
	CHECK(ok);
	CHECK(root.node == NULL);
	free(items);
	free(present);
}

#define SEQ_N 1000

UNIT_TEST(ascending_and_descending_sequences)
{
	static int up[SEQ_N], down[SEQ_N];

	for (int i = 0; i < SEQ_N; i++) {
		up[i] = i;
		down[i] = SEQ_N - 1 - i;
	}
	run_sequence(up, up, SEQ_N);
	run_sequence(up, down, SEQ_N);
	run_sequence(down, down, SEQ_N);
	run_sequence(down, up, SEQ_N);
}

UNIT_TEST(random_sequences_checked_every_step)
{
	static int ins[SEQ_N], del[SEQ_N];

	rng_seed(0x5eed);
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < SEQ_N; i++)
			ins[i] = del[i] = i;
		shuffle(ins, SEQ_N);
		shuffle(del, SEQ_N);
		run_sequence(ins, del, SEQ_N);
	}
}

/*
 * Random toggles over a key range: a key that is present is erased, an absent
 * one inserted. The first third of the run only inserts (the tree grows to
 * most of the range), the rest toggles, then everything is drained.
 */
static void run_random_toggles(uint64_t seed, int nkeys, int nops, int verify_every)
{
	struct rb_root root = RB_ROOT_INIT;
	struct item *items = calloc((size_t)nkeys, sizeof(*items));
	bool *present = calloc((size_t)nkeys, sizeof(*present));
	int *order = calloc((size_t)nkeys, sizeof(*order));
	int size = 0;
	bool ok = true;

	rng_seed(seed);
	for (int op = 0; op < nops && ok; op++) {
		int k = (int)rng_below((unsigned)nkeys);
		struct item *found = tree_find(&root, k);

		if (found != (present[k] ? &items[k] : NULL)) {
			unit_fail(__FILE__, __LINE__, "op %d: lookup of %d disagrees", op, k);
			ok = false;
			break;
		}
		if (present[k] && op >= nops / 3) {
			rb_erase(&items[k].node, &root);
			present[k] = false;
			size--;
		} else if (!present[k]) {
			items[k].key = k;
			tree_insert(&root, &items[k]);
			present[k] = true;
			size++;
		}
		if ((op + 1) % verify_every == 0)
			ok = verify_keys(&root, present, nkeys);
	}
	CHECK(ok);
	CHECK(verify_keys(&root, present, nkeys));
	CHECK(size > 0);

	for (int i = 0; i < nkeys; i++)
		order[i] = i;
	shuffle(order, nkeys);
	for (int i = 0; i < nkeys && ok; i++) {
		int k = order[i];

		if (!present[k])
			continue;
		rb_erase(&items[k].node, &root);
		present[k] = false;
		size--;
		if (size % verify_every == 0)
			ok = verify_keys(&root, present, nkeys);
	}
	CHECK(ok);
	CHECK_EQ(size, 0);
	CHECK(root.node == NULL);
	free(items);
	free(present);
	free(order);
}

UNIT_TEST(random_toggles_checked_every_step)
{
	run_random_toggles(1, 512, 20000, 1);
	run_random_toggles(2, 64, 5000, 1);
}

UNIT_TEST(random_100k_operations)
{
	run_random_toggles(0xc0ffee, 8192, 100000, 101);
	run_random_toggles(42, 100000, 100000, 4999);
}

UNIT_TEST(sequential_100k_nodes)
{
	enum { N = 100000 };
	struct rb_root root = RB_ROOT_INIT;
	struct item *items = calloc(N, sizeof(*items));
	bool *present = calloc(N, sizeof(*present));
	int h;

	for (int i = 0; i < N; i++) {
		items[i].key = i;
		tree_insert(&root, &items[i]);
		present[i] = true;
	}
	CHECK(verify_keys(&root, present, N));
	h = tree_height(root.node);
	CHECK(h <= 34); /* 2 * log2(N + 1) */
	for (int i = 0; i < N; i += 2) {
		rb_erase(&items[i].node, &root);
		present[i] = false;
	}
	CHECK(verify_keys(&root, present, N));
	for (int i = N - 1; i >= 0; i -= 2) {
		rb_erase(&items[i].node, &root);
		present[i] = false;
	}
	CHECK(root.node == NULL);
	CHECK(verify_keys(&root, present, N));
	free(items);
	free(present);
}

/* What a node looked like just before it was erased. */
enum erase_shape {
	SHAPE_ROOT,
	SHAPE_RED_LEAF,
	SHAPE_BLACK_LEAF,
	SHAPE_ONE_CHILD,
	SHAPE_TWO_CHILDREN_NEAR, /* successor is the right child */
	SHAPE_TWO_CHILDREN_FAR,	 /* successor is deeper in the right subtree */
	SHAPE_BLACK_SUCCESSOR,	 /* two children, successor black: needs a fix-up */
	NR_SHAPES
};

#define SHAPE_MAX_N 48

/*
 * For trees of 1..SHAPE_MAX_N nodes built in several orders, erase each node
 * in turn from a fresh copy of the tree and verify the result.
 */
UNIT_TEST(erase_every_node_of_small_trees)
{
	static const char *const names[NR_SHAPES] = {"root",
						     "red leaf",
						     "black leaf",
						     "one child",
						     "two children, near successor",
						     "two children, far successor",
						     "black successor"};
	struct item items[SHAPE_MAX_N];
	bool present[SHAPE_MAX_N];
	int order[SHAPE_MAX_N], seen[NR_SHAPES] = {0};
	bool ok = true;

	rng_seed(7);
	for (int n = 1; n <= SHAPE_MAX_N && ok; n++) {
		for (int variant = 0; variant < 6 && ok; variant++) {
			for (int victim = 0; victim < n && ok; victim++) {
				struct rb_root root = RB_ROOT_INIT;
				struct rb_node *v, *succ;

				for (int i = 0; i < n; i++) {
					order[i] = variant == 1 ? n - 1 - i : i;
					present[i] = true;
				}
				if (variant >= 2) {
					rng_seed((uint64_t)(n * 16 + variant));
					shuffle(order, n);
				}
				for (int i = 0; i < n; i++) {
					items[order[i]].key = order[i];
					tree_insert(&root, &items[order[i]]);
				}
				v = &items[victim].node;
				if (!rb_parent(v))
					seen[SHAPE_ROOT]++;
				if (!v->left && !v->right)
					seen[is_black(v) ? SHAPE_BLACK_LEAF : SHAPE_RED_LEAF]++;
				else if (!v->left || !v->right)
					seen[SHAPE_ONE_CHILD]++;
				else {
					succ = rb_next(v);
					seen[succ == v->right ? SHAPE_TWO_CHILDREN_NEAR
							      : SHAPE_TWO_CHILDREN_FAR]++;
					if (is_black(succ))
						seen[SHAPE_BLACK_SUCCESSOR]++;
				}
				rb_erase(v, &root);
				present[victim] = false;
				ok = verify_keys(&root, present, n);
				CHECK(tree_find(&root, victim) == NULL);
			}
		}
	}
	CHECK(ok);
	for (int s = 0; s < NR_SHAPES; s++) {
		if (!seen[s])
			unit_fail(__FILE__, __LINE__, "never erased a node of shape '%s'",
				  names[s]);
	}
}

/* The caller decides about equal keys; inserting them to the right keeps insertion order. */
UNIT_TEST(equal_keys_keep_insertion_order)
{
	enum { N = 3000, KEYS = 16 };
	static struct item items[N];
	static const struct item *walk[N];
	struct rb_root root = RB_ROOT_INIT;
	bool ok = true;
	int count;

	rng_seed(99);
	for (int i = 0; i < N && ok; i++) {
		items[i].key = (int)rng_below(KEYS);
		items[i].seq = i;
		tree_insert(&root, &items[i]);
		if (i % 100 == 0)
			ok = rb_check(&root) > 0;
	}
	CHECK(ok);
	for (int pass = 0; pass < 2; pass++) {
		count = 0;
		for (struct rb_node *n = rb_first(&root); n && count < N; n = rb_next(n)) {
			const struct item *it = item_of(n), *prev = count ? walk[count - 1] : NULL;

			if (prev && (it->key < prev->key ||
				     (it->key == prev->key && it->seq <= prev->seq))) {
				unit_fail(__FILE__, __LINE__, "(%d,#%d) after (%d,#%d)", it->key,
					  it->seq, prev->key, prev->seq);
				break;
			}
			walk[count++] = it;
		}
		CHECK_EQ(count, pass == 0 ? N : N / 2);
		/* Backwards is the exact reverse. */
		for (struct rb_node *n = rb_last(&root); n; n = rb_prev(n)) {
			if (count == 0 || item_of(n) != walk[--count]) {
				unit_fail(__FILE__, __LINE__, "backward walk differs at %d", count);
				break;
			}
		}
		CHECK_EQ(count, 0);
		CHECK(rb_check(&root) > 0);
		/* Then erase every other item by insertion order; the rest keeps its order. */
		if (pass == 0) {
			for (int i = 0; i < N; i += 2)
				rb_erase(&items[i].node, &root);
		}
	}
}

/*
 * rb_replace_node: in trees of every size up to 200, each node in turn is
 * replaced by a fresh node with the same key (the only use the contract
 * allows) and then the new node by the old one again; the tree must stay
 * valid with exactly the same keys, and the replaced node must be out of
 * the walk.
 */
UNIT_TEST(replace_node_keeps_tree_and_order)
{
	enum { MAXN = 200 };
	static struct item items[MAXN], spare;
	static bool present[MAXN];
	int done = 0;

	for (int n = 1; n <= MAXN; n += (n < 20 ? 1 : 17)) {
		struct rb_root root = RB_ROOT_INIT;
		int order[MAXN];

		for (int i = 0; i < n; i++) {
			order[i] = i;
			present[i] = true;
		}
		rng_seed((uint64_t)n);
		shuffle(order, n);
		for (int i = 0; i < n; i++) {
			items[order[i]].key = order[i];
			tree_insert(&root, &items[order[i]]);
		}
		for (int k = 0; k < n; k++) {
			bool found = false;

			spare.key = k;
			rb_replace_node(&items[k].node, &spare.node, &root);
			for (struct rb_node *p = rb_first(&root); p; p = rb_next(p)) {
				CHECK(p != &items[k].node);
				found |= p == &spare.node;
			}
			CHECK(found);
			CHECK(tree_find(&root, k) == &spare);
			if (!verify_keys(&root, present, n))
				return;
			rb_replace_node(&spare.node, &items[k].node, &root);
			CHECK(tree_find(&root, k) == &items[k]);
			if (!verify_keys(&root, present, n))
				return;
			done++;
		}
	}
	CHECK(done > 1000);
}

/* rb_check must notice each kind of damage, or the tests above prove little. */
UNIT_TEST(rb_check_detects_broken_trees)
{
	struct rb_root root = RB_ROOT_INIT;
	struct item it[3] = {{.key = 1}, {.key = 2}, {.key = 3}};
	struct rb_node *a = &it[0].node, *b = &it[1].node, *c = &it[2].node;
	uintptr_t saved;

	tree_insert(&root, &it[1]);
	tree_insert(&root, &it[0]);
	tree_insert(&root, &it[2]);
	/* b black at the root, a and c red leaves. */
	CHECK(root.node == b && b->left == a && b->right == c);
	CHECK(is_black(b) && !is_black(a) && !is_black(c));
	CHECK_EQ(rb_check(&root), 1);

	b->parent_color &= ~(uintptr_t)1; /* red root */
	CHECK_EQ(rb_check(&root), -1);
	b->parent_color |= 1;

	a->parent_color |= 1; /* black heights 2 and 1 */
	CHECK_EQ(rb_check(&root), -1);
	a->parent_color &= ~(uintptr_t)1;

	saved = c->parent_color;
	c->parent_color = (uintptr_t)a; /* wrong parent pointer */
	CHECK_EQ(rb_check(&root), -1);
	c->parent_color = saved;

	b->parent_color = (uintptr_t)a | 1; /* root with a parent */
	CHECK_EQ(rb_check(&root), -1);
	b->parent_color = 1;

	/* Red-red: a(black root) -> right b(red) -> right c(red); black heights stay equal. */
	root.node = a;
	a->parent_color = 1;
	a->right = b;
	b->parent_color = (uintptr_t)a;
	b->left = NULL;
	c->parent_color = (uintptr_t)b;
	CHECK(b->right == c && !a->left && !c->left && !c->right);
	CHECK_EQ(rb_check(&root), -1);

	/* The same node as both children. */
	b->right = NULL;
	c->parent_color = (uintptr_t)a | 1;
	a->left = c;
	a->right = c;
	CHECK_EQ(rb_check(&root), -1);
	a->right = NULL;
	c->parent_color = (uintptr_t)a; /* a(black) with one red child: valid */
	CHECK_EQ(rb_check(&root), 1);

	/* A cycle is reported, not followed forever. */
	c->left = a;
	CHECK_EQ(rb_check(&root), -1);
}
