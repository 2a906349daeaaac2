/* SPDX-License-Identifier: BSD-2-Clause */
/* userprog.c - find and run the embedded native test programs (userprog.h). */
#include "userprog.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"

extern const struct userprog userprogs[];
extern const u64 userprogs_count;

const struct userprog *userprog_find(const char *name)
{
	for (u64 i = 0; i < userprogs_count; i++)
		if (!strcmp(userprogs[i].name, name))
			return &userprogs[i];
	return NULL;
}

int userprog_run(const char *name)
{
	const struct userprog *u = userprog_find(name);
	struct process *p;

	if (!u)
		return -ENOENT;
	p = proc_spawn_flat(name, u->start, (size_t)(u->end - u->start), USERPROG_LOAD_ADDR,
			    u->entry);
	if (!p)
		return -ENOMEM;
	return proc_wait(p);
}
