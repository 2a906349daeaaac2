/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procobj.c - process objects: what a M_OBJ_PROCESS handle names. It keeps
 * a reference on the process's capability table, not on the process, so a
 * handle outliving its process is harmless: the table is dead then and
 * m_handle_give fails with -ESRCH. A process handle comes from
 * m_proc_open(pid) for the caller itself or one of its children
 * (ipc_syscall.c).
 */
#include "errno.h"
#include "ipc_internal.h"
#include "mm.h"

struct procobj {
	struct kobj k;
	struct cap_table *table; /* referenced */
};

static void procobj_release(struct kobj *k)
{
	struct procobj *po = container_of(k, struct procobj, k);

	cap_table_put(po->table);
	kfree(po);
}

static const struct kobj_ops procobj_ops = {.release = procobj_release};

/* Called under the process tree lock: allocates, never sleeps. */
struct kobj *procobj_create(struct process *p)
{
	struct cap_table *t = proc_caps(p);
	struct procobj *po;

	if (!t)
		return NULL;
	po = kzalloc(sizeof(*po));
	if (!po)
		return NULL;
	kobj_init(&po->k, M_OBJ_PROCESS, &procobj_ops);
	cap_table_get(t);
	po->table = t;
	return &po->k;
}

struct cap_table *procobj_table(struct kobj *o)
{
	return container_of(o, struct procobj, k)->table;
}
