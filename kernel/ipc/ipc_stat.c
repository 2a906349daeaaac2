/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_stat.c - the read-only walk over every process's handles behind
 * /proc/ipc and the ipcstat tool (ipc.h: ipc_stat_walk; the text is made
 * by fs/procfs_ipc.c; docs/design/services.md).
 *
 * The processes are collected first under the process-tree lock, each with
 * a counted reference on its capability table (ipc_proc_table_get, safe
 * against the owner exiting); then each table is walked under its own lock
 * and released. Nothing is changed. Object details are read without the
 * object's lock: they are statistics, a snapshot that may be a moment old.
 *
 * Objects are shown by an id, not their address: the address mixed with a
 * per-boot random key (a bijection, so two live objects never share an id).
 */
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "random.h"

#define STAT_SPARE_PROCS 16 /* room for processes forked while we allocate */

struct stat_proc {
	int pid;
	char comm[PROC_NAME_MAX];
	struct cap_table *t; /* referenced */
};

struct stat_collect {
	struct stat_proc *v;
	u32 n, max;
};

static u64 stat_key; /* atomic; 0 until first use */

static u64 obj_id(const struct kobj *o)
{
	u64 key = __atomic_load_n(&stat_key, __ATOMIC_RELAXED);

	if (!key) {
		u64 fresh = get_random_u64() | 1, zero = 0;

		if (!__atomic_compare_exchange_n(&stat_key, &zero, fresh, false, __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
			fresh = zero;
		key = fresh;
	}
	return ((u64)(uintptr_t)o ^ key) * 0x9e3779b97f4a7c15ull; /* odd: a bijection */
}

/* proc_for_each callback, under the process-tree lock: never sleeps. */
static bool stat_collect_one(struct process *p, void *arg)
{
	struct stat_collect *c = arg;
	struct cap_table *t;

	if (c->n == c->max)
		return false;
	t = ipc_proc_table_get(p);
	if (!t)
		return true;
	c->v[c->n].pid = p->pid;
	memcpy(c->v[c->n].comm, p->name, PROC_NAME_MAX);
	c->v[c->n].comm[PROC_NAME_MAX - 1] = '\0';
	c->v[c->n].t = t;
	c->n++;
	return true;
}

/* One walk over a table: the entry being filled (pid and comm set), and whom to give it. */
struct stat_table_walk {
	struct ipc_stat_entry e;
	void (*fn)(const struct ipc_stat_entry *e, void *arg);
	void *arg;
};

/* cap_table_for_each callback, under the table's lock. */
static void stat_one(u32 h, const struct cap *cap, void *arg)
{
	struct stat_table_walk *w = arg;
	struct ipc_stat_entry *e = &w->e;
	struct kobj *o = cap->obj;

	e->handle = h;
	e->type = o->type;
	e->rights = cap->rights;
	e->badge = cap->badge;
	e->obj_id = obj_id(o);
	memset(e->info, 0, sizeof(e->info));
	switch (o->type) {
	case M_OBJ_ENDPOINT: {
		struct endpoint *ep = container_of(o, struct endpoint, k);

		e->info[0] = __atomic_load_n(&ep->recv_caps, __ATOMIC_RELAXED);
		e->info[1] = __atomic_load_n(&ep->calls, __ATOMIC_RELAXED);
		e->info[2] = __atomic_load_n(&ep->dead, __ATOMIC_RELAXED);
		e->info[3] = __atomic_load_n(&ep->fast_calls, __ATOMIC_RELAXED);
		e->info[4] = __atomic_load_n(&ep->fast_replies, __ATOMIC_RELAXED);
		break;
	}
	case M_OBJ_QUEUE:
		e->info[0] = queue_capacity(o);
		break;
	case M_OBJ_MEMOBJ:
		e->info[0] = memobj_size(o);
		break;
	case M_OBJ_THREAD: {
		int pid, tid;

		threadobj_ids(o, &pid, &tid);
		e->info[0] = (u64)pid;
		e->info[1] = (u64)tid;
		break;
	}
	default:
		break;
	}
	w->fn(e, w->arg);
}

static void stat_table(const struct stat_proc *sp,
		       void (*fn)(const struct ipc_stat_entry *e, void *arg), void *arg)
{
	struct stat_table_walk w = {.fn = fn, .arg = arg};

	w.e.pid = sp->pid;
	memcpy(w.e.comm, sp->comm, MIN(sizeof(w.e.comm), sizeof(sp->comm)));
	w.e.comm[sizeof(w.e.comm) - 1] = '\0';
	cap_table_for_each(sp->t, stat_one, &w);
}

int ipc_stat_walk(void (*fn)(const struct ipc_stat_entry *e, void *arg), void *arg)
{
	struct stat_collect c = {0};

	c.max = (u32)proc_count() + STAT_SPARE_PROCS;
	c.v = kmalloc(c.max * sizeof(*c.v));
	if (!c.v)
		return -ENOMEM;
	proc_for_each(stat_collect_one, &c);
	for (u32 i = 0; i < c.n; i++) {
		stat_table(&c.v[i], fn, arg);
		cap_table_put(c.v[i].t);
	}
	kfree(c.v);
	return 0;
}
