/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/cred.c - the credential helpers declared in cred.h: the root
 * credentials kernel threads and init start with, and group membership as
 * the VFS's permission checks ask it (fsgid or a supplementary group).
 */
#include "cred.h"

const struct cred cred_root;

bool cred_in_group(const struct cred *c, u32 gid)
{
	u32 n = c->ngroups < NGROUPS_MAX ? c->ngroups : NGROUPS_MAX;

	if (c->fsgid == gid)
		return true;
	for (u32 i = 0; i < n; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}
