/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_ipc.c - /proc/ipc: every native handle of every process, one
 * line each, for ipcstat (userland/services/ipcstat.c; the walk is
 * ipc_stat_walk in kernel/ipc/ipc_stat.c; docs/design/services.md):
 *
 *     pid comm handle type object rights badge details
 *     8 nameserver 65537 endpoint 5f1c0e2a9d3b7781 send,recv,grant,dup 0 receivers=2 calls=14
 * dead=0 fastcalls=9 fastreplies=12
 *
 * type is endpoint, notification, queue, memory, process or thread; object is an
 * id shared by every handle to the same object; rights are the names of
 * the handle's rights ("-" for none); details depend on the type
 * (endpoints: receive handles, calls delivered, dead, calls and replies
 * through the IPC fast path; queues: slots=;
 * memory objects: size=; threads: pid= tid=, the thread's process and
 * Linux thread id when the handle was opened; others "-").
 */
#include "ipc.h"
#include "lib.h"
#include "procfs_internal.h"

static const char *const type_names[] = {
	[M_OBJ_ENDPOINT] = "endpoint", [M_OBJ_NOTIFY] = "notification", [M_OBJ_QUEUE] = "queue",
	[M_OBJ_MEMOBJ] = "memory",     [M_OBJ_PROCESS] = "process",	[M_OBJ_THREAD] = "thread",
};

static const char *const right_names[8] = {"read", "write", "map",    "grant",
					   "send", "recv",  "manage", "dup"};

static void ipc_line(const struct ipc_stat_entry *e, void *arg)
{
	struct pbuf *t = arg;
	const char *type = e->type < ARRAY_SIZE(type_names) && type_names[e->type]
				   ? type_names[e->type]
				   : "unknown";
	char rights[64];
	size_t r = 0;

	rights[0] = '\0';
	for (u32 i = 0; i < 8; i++)
		if (e->rights & (1u << i))
			r += (size_t)snprintf(rights + r, sizeof(rights) - r, "%s%s", r ? "," : "",
					      right_names[i]);
	pb_printf(t, "%d %s %u %s %016llx %s %llu ", e->pid, e->comm[0] ? e->comm : "-", e->handle,
		  type, (unsigned long long)e->obj_id, r ? rights : "-",
		  (unsigned long long)e->badge);
	switch (e->type) {
	case M_OBJ_ENDPOINT:
		pb_printf(t,
			  "receivers=%llu calls=%llu dead=%llu fastcalls=%llu fastreplies=%llu\n",
			  (unsigned long long)e->info[0], (unsigned long long)e->info[1],
			  (unsigned long long)e->info[2], (unsigned long long)e->info[3],
			  (unsigned long long)e->info[4]);
		break;
	case M_OBJ_QUEUE:
		pb_printf(t, "slots=%llu\n", (unsigned long long)e->info[0]);
		break;
	case M_OBJ_MEMOBJ:
		pb_printf(t, "size=%llu\n", (unsigned long long)e->info[0]);
		break;
	case M_OBJ_THREAD:
		pb_printf(t, "pid=%llu tid=%llu\n", (unsigned long long)e->info[0],
			  (unsigned long long)e->info[1]);
		break;
	default:
		pb_printf(t, "-\n");
		break;
	}
}

s64 procfs_gen_ipc(struct inode *inode, char *buf, size_t size)
{
	struct pbuf t = pb_init(buf, size);
	int err;

	(void)inode;
	pb_printf(&t, "pid comm handle type object rights badge details\n");
	err = ipc_stat_walk(ipc_line, &t);
	if (err)
		return err;
	return (s64)t.len; /* too small: gen_fill retries with this much room */
}
