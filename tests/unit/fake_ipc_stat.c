/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_ipc_stat.c - ipc_stat_walk for host tests that build procfs without
 * the IPC subsystem (procfs.mk): one endpoint handle of pid 1, so
 * /proc/ipc (fs/procfs_ipc.c) has something to format.
 */
#include "ipc.h"
#include "lib.h"

int ipc_stat_walk(void (*fn)(const struct ipc_stat_entry *e, void *arg), void *arg)
{
	struct ipc_stat_entry e = {
		.pid = 1,
		.handle = 1,
		.type = M_OBJ_ENDPOINT,
		.rights = M_R_SEND | M_R_RECV,
		.obj_id = 0x1234,
		.info = {1, 0, 0},
	};

	memcpy(e.comm, "init", 5);
	fn(&e, arg);
	return 0;
}
