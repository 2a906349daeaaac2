/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * disk_tree.h - walk a directory tree on the host and report each file's
 * metadata and contents, for tests that must compare kernel structures
 * with real files but cannot include the C library's <sys/stat.h> next to
 * the kernel's vfs.h (both define S_IF* and O_*).
 */
#ifndef DISK_TREE_H
#define DISK_TREE_H

#include "types.h"

struct disk_entry {
	const char *rel; /* "" for the root, else "/a/b" */
	u32 mode, uid, gid, nlink;
	s64 mtime;
	u64 size;
	const u8 *data;	    /* regular files: the contents (size bytes) */
	const char *target; /* symlinks: the target */
};

/* Call fn for every file under root (root included); the number of files, or -1. */
int disk_tree_walk(const char *root, void (*fn)(const struct disk_entry *e, void *arg), void *arg);

#endif
