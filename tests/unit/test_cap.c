/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cap.c - host tests of kernel/security/cap.c: the capability rules
 * every native system call relies on. A fake object type counts its
 * references, its capabilities by right and its release, so each test can
 * prove that revoked and closed capabilities dropped what they held and
 * that nothing leaks (kmalloc_live back to zero).
 */
#include "cap.h"
#include "errno.h"
#include "fake_kmalloc.h"
#include "unit.h"

struct fake_obj {
	struct kobj k;
	int released;
	int caps;      /* capabilities alive */
	int recv_caps; /* ... of them with M_R_RECV */
};

static void fake_release(struct kobj *o)
{
	container_of(o, struct fake_obj, k)->released++;
}

static void fake_added(struct kobj *o, u32 rights)
{
	struct fake_obj *f = container_of(o, struct fake_obj, k);

	f->caps++;
	if (rights & M_R_RECV)
		f->recv_caps++;
}

static void fake_removed(struct kobj *o, u32 rights)
{
	struct fake_obj *f = container_of(o, struct fake_obj, k);

	f->caps--;
	if (rights & M_R_RECV)
		f->recv_caps--;
}

static const struct kobj_ops fake_ops = {
	.release = fake_release,
	.cap_added = fake_added,
	.cap_removed = fake_removed,
};

static void fake_init(struct fake_obj *f, u32 type)
{
	*f = (struct fake_obj){0};
	kobj_init(&f->k, type, &fake_ops);
}

/* The creator's own reference goes; the object lives on through its capabilities. */
static int create_and_drop(struct cap_table *t, struct fake_obj *f, u32 rights)
{
	int h = cap_create(t, &f->k, rights, 0, 0);

	kobj_put(&f->k);
	return h;
}

UNIT_TEST(handles_name_their_object_with_rights)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj ep;
	struct cap_ref r;
	int h;

	fake_init(&ep, M_OBJ_ENDPOINT);
	h = create_and_drop(t, &ep, M_R_ALL);
	CHECK(h > 0);
	CHECK_EQ(cap_lookup(t, (u32)h, M_OBJ_ENDPOINT, M_R_SEND | M_R_RECV, &r), 0);
	CHECK(r.obj == &ep.k);
	CHECK_EQ(r.rights, M_R_ALL);
	CHECK_EQ(ep.k.refs, 2);
	kobj_put(r.obj);
	CHECK_EQ(cap_lookup(t, (u32)h, M_OBJ_QUEUE, 0, &r), -EBADFD);
	CHECK_EQ(cap_lookup(t, (u32)h + 1, 0, 0, &r), -EBADF);
	CHECK_EQ(cap_lookup(t, 0, 0, 0, &r), -EBADF);
	CHECK_EQ(cap_lookup(t, 0xffffffffu, 0, 0, &r), -EBADF);
	CHECK_EQ(cap_table_count(t), 1);
	cap_table_destroy(t);
	CHECK_EQ(ep.released, 1);
	CHECK_EQ(ep.caps, 0);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(dup_only_reduces_rights)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj mem;
	struct cap_ref r;
	struct cap *c;
	int h, ro;

	fake_init(&mem, M_OBJ_MEMOBJ);
	h = create_and_drop(t, &mem, M_R_READ | M_R_MAP | M_R_DUP | M_R_GRANT);
	c = cap_derive(t, (u32)h, M_R_DUP, M_R_READ | M_R_MAP, 0, 0);
	CHECK(!cap_is_err(c));
	ro = cap_attach(t, c);
	CHECK(ro > 0 && ro != h);
	CHECK_EQ(cap_lookup(t, (u32)ro, M_OBJ_MEMOBJ, M_R_READ, &r), 0);
	CHECK_EQ(r.rights, M_R_READ | M_R_MAP);
	kobj_put(r.obj);
	/* Asking for a right the source lacks gives nothing more. */
	c = cap_derive(t, (u32)h, M_R_DUP, M_R_WRITE | M_R_READ, 0, 0);
	CHECK(!cap_is_err(c));
	CHECK_EQ(c->rights, M_R_READ);
	cap_discard(c);
	/* The reduced handle has no DUP right: it cannot be duplicated at all. */
	CHECK_EQ(cap_ptr_err(cap_derive(t, (u32)ro, M_R_DUP, 0, 0, 0)), -EPERM);
	CHECK_EQ(cap_lookup(t, (u32)ro, M_OBJ_MEMOBJ, M_R_WRITE, &r), -EPERM);
	cap_table_destroy(t);
	CHECK_EQ(mem.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(badges_are_minted_once_on_endpoints)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj ep, n;
	struct cap *c;
	int h, hn, b;
	struct cap_ref r;

	fake_init(&ep, M_OBJ_ENDPOINT);
	fake_init(&n, M_OBJ_NOTIFY);
	h = create_and_drop(t, &ep, M_R_ALL);
	hn = create_and_drop(t, &n, M_R_ALL);
	c = cap_derive(t, (u32)h, M_R_DUP, M_R_SEND | M_R_DUP, 42, 0);
	CHECK(!cap_is_err(c));
	b = cap_attach(t, c);
	CHECK_EQ(cap_lookup(t, (u32)b, M_OBJ_ENDPOINT, M_R_SEND, &r), 0);
	CHECK_EQ(r.badge, 42);
	kobj_put(r.obj);
	CHECK_EQ(cap_ptr_err(cap_derive(t, (u32)b, M_R_DUP, 0, 7, 0)), -EINVAL);
	CHECK_EQ(cap_ptr_err(cap_derive(t, (u32)hn, M_R_DUP, 0, 7, 0)), -EINVAL);
	/* A copy of a badged handle keeps its badge. */
	c = cap_derive(t, (u32)b, M_R_DUP, 0, 0, 0);
	CHECK(!cap_is_err(c));
	CHECK_EQ(c->badge, 42);
	cap_discard(c);
	cap_table_destroy(t);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(transfer_needs_grant_and_lands_in_the_other_table)
{
	struct cap_table *a = cap_table_create(), *b = cap_table_create();
	struct fake_obj ep;
	struct cap *c;
	int h, nogrant, hb;
	struct cap_ref r;

	fake_init(&ep, M_OBJ_ENDPOINT);
	h = create_and_drop(a, &ep, M_R_ALL);
	c = cap_derive(a, (u32)h, M_R_DUP, M_R_SEND | M_R_DUP, 0, 0);
	nogrant = cap_attach(a, c);
	CHECK_EQ(cap_ptr_err(cap_derive(a, (u32)nogrant, M_R_GRANT, 0, 0, 0)), -EPERM);
	c = cap_derive(a, (u32)h, M_R_GRANT, M_R_SEND, 0, 0);
	CHECK(!cap_is_err(c));
	CHECK_EQ(ep.caps, 3); /* in flight counts */
	hb = cap_attach(b, c);
	CHECK(hb > 0);
	CHECK_EQ(cap_lookup(b, (u32)hb, M_OBJ_ENDPOINT, M_R_SEND, &r), 0);
	kobj_put(r.obj);
	CHECK_EQ(cap_lookup(b, (u32)hb, M_OBJ_ENDPOINT, M_R_RECV, &r), -EPERM);
	/* An undelivered message's capability is dropped cleanly. */
	c = cap_derive(a, (u32)h, M_R_GRANT, 0, 0, 0);
	CHECK_EQ(ep.recv_caps, 2);
	cap_discard(c);
	CHECK_EQ(ep.recv_caps, 1);
	cap_table_destroy(a);
	CHECK_EQ(ep.released, 0); /* b still holds it */
	CHECK_EQ(ep.recv_caps, 0);
	cap_table_destroy(b);
	CHECK_EQ(ep.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(revoke_reaches_every_descendant_in_every_table)
{
	struct cap_table *a = cap_table_create(), *b = cap_table_create(), *c3 = cap_table_create();
	struct fake_obj q;
	struct cap_ref r;
	int root, mid, hb, hc, other;
	struct cap *c;

	fake_init(&q, M_OBJ_QUEUE);
	root = create_and_drop(a, &q, M_R_ALL);
	mid = cap_attach(a, cap_derive(a, (u32)root, M_R_DUP, 0, 0, 0));
	hb = cap_attach(b, cap_derive(a, (u32)mid, M_R_GRANT, M_R_ALL & ~M_R_WRITE, 0, 0));
	hc = cap_attach(c3, cap_derive(b, (u32)hb, M_R_GRANT, M_R_READ | M_R_GRANT, 0, 0));
	other = cap_attach(c3, cap_derive(c3, (u32)hc, 0, 0, 0, 0)); /* no DUP needed by the test */
	c = cap_derive(c3, (u32)hc, M_R_GRANT, 0, 0, 0);	     /* in flight */
	CHECK(hb > 0 && hc > 0 && other > 0 && !cap_is_err(c));
	CHECK_EQ(q.caps, 6);
	CHECK_EQ(cap_revoke(a, (u32)root), 5);
	CHECK_EQ(q.caps, 1);
	CHECK_EQ(q.k.refs, 1);
	CHECK_EQ(cap_lookup(a, (u32)mid, 0, 0, &r), -EKEYREVOKED);
	CHECK_EQ(cap_lookup(b, (u32)hb, 0, 0, &r), -EKEYREVOKED);
	CHECK_EQ(cap_lookup(c3, (u32)hc, 0, 0, &r), -EKEYREVOKED);
	CHECK_EQ(cap_lookup(c3, (u32)other, 0, 0, &r), -EKEYREVOKED);
	CHECK_EQ(cap_ptr_err(cap_derive(b, (u32)hb, 0, 0, 0, 0)), -EKEYREVOKED);
	/* The in-flight one is dead too; delivering it gives a revoked handle. */
	CHECK(c->obj == NULL);
	hc = cap_attach(b, c);
	CHECK_EQ(cap_lookup(b, (u32)hc, 0, 0, &r), -EKEYREVOKED);
	/* The root itself still works; revoked handles are closed normally. */
	CHECK_EQ(cap_lookup(a, (u32)root, M_OBJ_QUEUE, M_R_ALL, &r), 0);
	kobj_put(r.obj);
	CHECK_EQ(cap_close(b, (u32)hb), 0);
	CHECK_EQ(cap_close(b, (u32)hb), -EBADF);
	CHECK_EQ(cap_revoke(a, (u32)root), 0);
	cap_table_destroy(c3);
	cap_table_destroy(b);
	CHECK_EQ(q.released, 0);
	cap_table_destroy(a);
	CHECK_EQ(q.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(closing_a_middle_capability_keeps_its_children_revocable)
{
	struct cap_table *a = cap_table_create(), *b = cap_table_create();
	struct fake_obj ep;
	struct cap_ref r;
	int root, mid, leaf;

	fake_init(&ep, M_OBJ_ENDPOINT);
	root = create_and_drop(a, &ep, M_R_ALL);
	mid = cap_attach(a, cap_derive(a, (u32)root, M_R_DUP, 0, 0, 0));
	leaf = cap_attach(b, cap_derive(a, (u32)mid, M_R_GRANT, M_R_SEND, 0, 0));
	CHECK_EQ(cap_close(a, (u32)mid), 0);
	CHECK_EQ(cap_lookup(b, (u32)leaf, M_OBJ_ENDPOINT, M_R_SEND, &r), 0);
	kobj_put(r.obj);
	CHECK_EQ(cap_revoke(a, (u32)root), 1);
	CHECK_EQ(cap_lookup(b, (u32)leaf, 0, 0, &r), -EKEYREVOKED);
	cap_table_destroy(b);
	cap_table_destroy(a);
	CHECK_EQ(ep.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(closed_handle_numbers_do_not_name_the_next_object)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj x, y;
	struct cap_ref r;
	int hx, hy;

	fake_init(&x, M_OBJ_NOTIFY);
	fake_init(&y, M_OBJ_NOTIFY);
	hx = create_and_drop(t, &x, M_R_ALL);
	CHECK_EQ(cap_close(t, (u32)hx), 0);
	CHECK_EQ(x.released, 1);
	hy = create_and_drop(t, &y, M_R_ALL);
	CHECK(hy != hx);
	CHECK_EQ(hy & 0xffff, hx & 0xffff); /* same slot, new generation */
	CHECK_EQ(cap_lookup(t, (u32)hx, 0, 0, &r), -EBADF);
	cap_table_destroy(t);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(tables_grow_and_stop_at_their_limit)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj n;
	int h = 0, made = 0;

	fake_init(&n, M_OBJ_NOTIFY);
	for (int i = 0; i < CAP_TABLE_MAX + 5; i++) {
		h = cap_create(t, &n.k, M_R_ALL, 0, 0);
		if (h < 0)
			break;
		made++;
	}
	CHECK_EQ(made, CAP_TABLE_MAX);
	CHECK_EQ(h, -EMFILE);
	CHECK_EQ(n.caps, CAP_TABLE_MAX);
	kobj_put(&n.k);
	cap_table_destroy(t);
	CHECK_EQ(n.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(fork_copies_only_inheritable_handles_under_the_same_numbers)
{
	struct cap_table *p = cap_table_create(), *c = cap_table_create();
	struct fake_obj a, b;
	struct cap_ref r;
	int ha, hb, inh;

	fake_init(&a, M_OBJ_ENDPOINT);
	fake_init(&b, M_OBJ_MEMOBJ);
	ha = create_and_drop(p, &a, M_R_ALL);
	hb = create_and_drop(p, &b, M_R_ALL);
	for (int i = 0; i < 40; i++) /* push the inheritable one past the child's first block */
		CHECK(cap_attach(p, cap_derive(p, (u32)hb, M_R_DUP, 0, 0, 0)) > 0);
	inh = cap_attach(p, cap_derive(p, (u32)ha, M_R_DUP, M_R_SEND, 0, CAP_F_INHERIT));
	CHECK_EQ(cap_table_fork(p, c), 0);
	CHECK_EQ(cap_table_count(c), 1);
	CHECK_EQ(cap_lookup(c, (u32)inh, M_OBJ_ENDPOINT, M_R_SEND, &r), 0);
	CHECK_EQ(r.rights, M_R_SEND);
	kobj_put(r.obj);
	CHECK_EQ(cap_lookup(c, (u32)ha, 0, 0, &r), -EBADF);
	/* The child's copy derives from the parent's: revoking from the root reaches it. */
	CHECK_EQ(cap_revoke(p, (u32)ha), 2);
	CHECK_EQ(cap_lookup(c, (u32)inh, 0, 0, &r), -EKEYREVOKED);
	cap_table_destroy(c);
	cap_table_destroy(p);
	CHECK_EQ(a.released + b.released, 2);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(a_dead_table_takes_nothing)
{
	struct cap_table *t = cap_table_create(), *u = cap_table_create();
	struct fake_obj n;
	struct cap *c;
	int h;

	fake_init(&n, M_OBJ_NOTIFY);
	h = create_and_drop(u, &n, M_R_ALL);
	cap_table_get(t);
	cap_table_destroy(t); /* the process exited; someone still names the table */
	c = cap_derive(u, (u32)h, M_R_GRANT, 0, 0, 0);
	CHECK_EQ(cap_attach(t, c), -ESRCH);
	CHECK_EQ(cap_create(t, &n.k, M_R_ALL, 0, 0), -ESRCH);
	CHECK_EQ(n.caps, 1);
	cap_table_put(t);
	cap_table_destroy(u);
	CHECK_EQ(n.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

UNIT_TEST(the_table_version_moves_when_a_cached_lookup_could_go_stale)
{
	struct cap_table *a = cap_table_create(), *b = cap_table_create();
	struct fake_obj ep;
	struct cap_ref r;
	u64 va, vb;
	int h, d, hb;

	fake_init(&ep, M_OBJ_ENDPOINT);
	h = create_and_drop(a, &ep, M_R_ALL);
	hb = cap_attach(b, cap_derive(a, (u32)h, M_R_GRANT, M_R_SEND, 0, 0));
	CHECK_EQ(cap_lookup(a, (u32)h, 0, 0, &r), 0);
	kobj_put(r.obj);
	va = r.version;
	CHECK_EQ(cap_lookup(b, (u32)hb, 0, 0, &r), 0);
	kobj_put(r.obj);
	vb = r.version;
	/* New handles leave earlier answers valid. */
	d = cap_attach(a, cap_derive(a, (u32)h, M_R_DUP, 0, 0, 0));
	CHECK_EQ(a->version, va);
	/* Revoking reaches b's handle and d, in a: both versions move (h itself stays). */
	CHECK_EQ(cap_revoke(a, (u32)h), 2);
	CHECK(b->version != vb);
	CHECK(a->version != va); /* d, in a, was revoked too */
	va = a->version;
	CHECK_EQ(cap_close(a, (u32)d), 0);
	CHECK(a->version != va);
	cap_table_destroy(b);
	cap_table_destroy(a);
	CHECK_EQ(ep.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

/*
 * Thread handles follow the same rules as every other type: a thread
 * handle is no process handle (nor the reverse), duplicates only lose
 * rights, travel to another table with GRANT, and a revoke takes them all
 * while the object lives on until its last capability goes.
 */
UNIT_TEST(thread_handles_obey_type_rights_transfer_and_revoke)
{
	struct cap_table *a = cap_table_create(), *b = cap_table_create();
	struct fake_obj th, proc;
	struct cap_ref r;
	struct cap *c;
	int h, hp, ro, hb;

	fake_init(&th, M_OBJ_THREAD);
	fake_init(&proc, M_OBJ_PROCESS);
	h = create_and_drop(a, &th, M_R_ALL);
	hp = create_and_drop(a, &proc, M_R_ALL);
	CHECK_EQ(cap_lookup(a, (u32)h, M_OBJ_PROCESS, M_R_MANAGE, &r), -EBADFD);
	CHECK_EQ(cap_lookup(a, (u32)hp, M_OBJ_THREAD, M_R_READ, &r), -EBADFD);
	ro = cap_attach(a, cap_derive(a, (u32)h, M_R_DUP, M_R_READ | M_R_GRANT, 0, 0));
	CHECK(ro > 0);
	CHECK_EQ(cap_lookup(a, (u32)ro, M_OBJ_THREAD, M_R_MANAGE, &r), -EPERM);
	CHECK_EQ(cap_lookup(a, (u32)ro, M_OBJ_THREAD, M_R_READ, &r), 0);
	kobj_put(r.obj);
	/* A badge is for endpoints only. */
	CHECK_EQ(cap_ptr_err(cap_derive(a, (u32)h, M_R_DUP, 0, 5, 0)), -EINVAL);
	/* Transfer: the receiver gets at most what was sent. */
	c = cap_derive(a, (u32)ro, M_R_GRANT, M_R_READ | M_R_MANAGE, 0, 0);
	CHECK(!cap_is_err(c));
	hb = cap_attach(b, c);
	CHECK_EQ(cap_lookup(b, (u32)hb, M_OBJ_THREAD, M_R_READ, &r), 0);
	CHECK_EQ(r.rights, M_R_READ);
	kobj_put(r.obj);
	CHECK_EQ(th.caps, 3);
	CHECK_EQ(cap_revoke(a, (u32)h), 2);
	CHECK_EQ(cap_lookup(b, (u32)hb, M_OBJ_THREAD, 0, &r), -EKEYREVOKED);
	CHECK_EQ(cap_lookup(a, (u32)ro, M_OBJ_THREAD, 0, &r), -EKEYREVOKED);
	CHECK_EQ(th.caps, 1);
	CHECK_EQ(th.released, 0);
	cap_table_destroy(b);
	cap_table_destroy(a);
	CHECK_EQ(th.released, 1);
	CHECK_EQ(proc.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}

struct walk_seen {
	u32 n;
	u32 h[4];
	const struct kobj *obj[4];
};

static void walk_note(u32 h, const struct cap *c, void *arg)
{
	struct walk_seen *s = arg;

	if (s->n < 4) {
		s->h[s->n] = h;
		s->obj[s->n] = c->obj;
	}
	s->n++;
}

/*
 * ipcstat's walk: every handle that names an object, by the very number
 * cap_lookup takes (a reused slot shows its new generation), revoked and
 * closed ones left out.
 */
UNIT_TEST(the_table_walk_shows_live_handles_by_their_numbers)
{
	struct cap_table *t = cap_table_create();
	struct fake_obj ep, n;
	struct walk_seen s = {0};
	int h, hn, d, hn2;

	fake_init(&ep, M_OBJ_ENDPOINT);
	fake_init(&n, M_OBJ_NOTIFY);
	h = create_and_drop(t, &ep, M_R_ALL);
	hn = cap_create(t, &n.k, M_R_ALL, 0, 0);
	d = cap_attach(t, cap_derive(t, (u32)h, M_R_DUP, 0, 0, 0));
	CHECK(d > 0);
	CHECK_EQ(cap_close(t, (u32)hn), 0);
	hn2 = create_and_drop(t, &n, M_R_ALL); /* the closed slot again */
	CHECK(hn2 != hn);
	CHECK_EQ(cap_revoke(t, (u32)h), 1); /* d stays in its slot, revoked */
	cap_table_for_each(t, walk_note, &s);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.h[0], (u32)h);
	CHECK(s.obj[0] == &ep.k);
	CHECK_EQ(s.h[1], (u32)hn2);
	CHECK(s.obj[1] == &n.k);
	cap_table_destroy(t);
	CHECK_EQ(ep.released, 1);
	CHECK_EQ(n.released, 1);
	CHECK_EQ(kmalloc_live, 0);
}
