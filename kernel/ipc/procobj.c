/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procobj.c - process objects: what a M_OBJ_PROCESS handle names. It keeps
 * a reference on the process's capability table, not on the process, so a
 * handle outliving its process is harmless: the table is dead then and
 * m_handle_give fails with -ESRCH. A process handle comes from
 * m_proc_open(pid) for the caller itself or one of its children
 * (ipc_syscall.c).
 *
 * The object also records the pid, to find the process again (thread
 * handles, threadobj.c): a process found under that pid is the one named
 * only if its table is the referenced one - a table lives as long as a
 * reference to it, so a reused pid never matches.
 */
#include "errno.h"
#include "ipc_internal.h"
#include "mm.h"
#include "proc.h"

struct procobj {
	struct kobj k;
	struct cap_table *table; /* referenced */
	int pid;
};

static void procobj_release(struct kobj *k)
{
	struct procobj *po = container_of(k, struct procobj, k);

	cap_table_put(po->table);
	kfree(po);
}

static const struct kobj_ops procobj_ops = {.release = procobj_release};

/*
 * Called under the process tree lock: allocates, never sleeps. The table is
 * taken with ipc_proc_table_get_create (under the lock p's exit retires its
 * table with), so p exiting at this moment cannot free it under us.
 * 0 with *out referenced, -ENOMEM, or -ESRCH (p is exiting).
 */
int procobj_create(struct process *p, struct kobj **out)
{
	struct procobj *po = kzalloc(sizeof(*po));
	int err;

	if (!po)
		return -ENOMEM;
	err = ipc_proc_table_get_create(p, &po->table);
	if (err) {
		kfree(po);
		return err;
	}
	kobj_init(&po->k, M_OBJ_PROCESS, &procobj_ops);
	po->pid = p->pid;
	*out = &po->k;
	return 0;
}

struct cap_table *procobj_table(struct kobj *o)
{
	return container_of(o, struct procobj, k)->table;
}

int procobj_pid(struct kobj *o)
{
	return container_of(o, struct procobj, k)->pid;
}
