/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * disk_tree.c - see disk_tree.h: nftw() over a host directory, with lstat
 * metadata, file contents and symlink targets handed to a callback.
 */
#define _GNU_SOURCE /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_tree.h"

static void (*walk_fn)(const struct disk_entry *e, void *arg);
static void *walk_arg;
static size_t root_len;
static int walk_count;

static u8 *read_all(const char *path, size_t size)
{
	FILE *fp = fopen(path, "rb");
	u8 *data = malloc(size ? size : 1);

	if (!fp || !data || fread(data, 1, size, fp) != size) {
		free(data);
		data = NULL;
	}
	if (fp)
		fclose(fp);
	return data;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char target[4096] = "";
	struct disk_entry e = {
		.rel = path + root_len,
		.mode = st->st_mode,
		.uid = st->st_uid,
		.gid = st->st_gid,
		.nlink = (u32)st->st_nlink,
		.mtime = st->st_mtime,
		.size = (u64)st->st_size,
	};
	u8 *data = NULL;

	if (S_ISREG(st->st_mode)) {
		data = read_all(path, (size_t)st->st_size);
		if (!data)
			return -1;
		e.data = data;
	}
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n < 0)
			return -1;
		target[n] = '\0';
		e.target = target;
	}
	walk_count++;
	walk_fn(&e, walk_arg);
	free(data);
	return 0;
}

int disk_tree_walk(const char *root, void (*fn)(const struct disk_entry *e, void *arg), void *arg)
{
	walk_fn = fn;
	walk_arg = arg;
	root_len = strlen(root);
	walk_count = 0;
	if (nftw(root, visit, 8, FTW_PHYS) != 0)
		return -1;
	return walk_count;
}
