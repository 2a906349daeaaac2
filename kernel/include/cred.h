/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cred.h - credentials: who a process acts as. Permission checks in the VFS
 * (fs/) and the Linux personality read them; a process owns one struct cred
 * (copied on fork, changed by setuid/setgid/setgroups).
 *
 * The file-system ids (fsuid/fsgid) are what permission checks use; they
 * follow the effective ids unless set separately (as on Linux).
 */
#ifndef MATRIOSKA_CRED_H
#define MATRIOSKA_CRED_H

#include "types.h"

#define NGROUPS_MAX 32

struct cred {
	u32 uid, euid, suid, fsuid;
	u32 gid, egid, sgid, fsgid;
	u32 ngroups;
	u32 groups[NGROUPS_MAX]; /* supplementary groups */
};

/* The all-zero root credentials kernel threads and init start with. */
extern const struct cred cred_root;

/* Is gid the caller's fsgid or one of its supplementary groups? */
bool cred_in_group(const struct cred *c, u32 gid);
/* Does c have full privilege (fsuid 0)? Capabilities will refine this. */
static inline bool cred_is_root(const struct cred *c)
{
	return c->fsuid == 0;
}

#endif
