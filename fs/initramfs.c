/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * initramfs.c - unpack a cpio archive (the initramfs a boot loader hands
 * over, or one built into the kernel) into the root file system, through
 * the VFS's public calls only, as root.
 *
 * Each entry is decoded and checked by cpio_parse() before it reaches
 * unpack_entry(); its name is then normalized (leading "/" and "./", "."
 * and empty components dropped; ".." refused) and the entry created:
 *
 *  - a non-directory first removes whatever non-directory has that name
 *    (so a later archive overrides an earlier one), then is created with
 *    O_EXCL / mknod / symlink, so nothing is ever written through a symlink
 *    left by an earlier archive;
 *  - hard links (nlink > 1, same device and inode number within one
 *    archive) become vfs_link()s to the first name seen; GNU cpio's newc
 *    writes the data with the last name, which is then written through the
 *    shared inode, as Linux does;
 *  - owner, then permission bits (chmod after chown, which clears set-id
 *    bits, and because creation applied the umask), then mtime; directory
 *    mtimes are set at the end, since creating their children changes them;
 *  - when a call fails with -ENOENT the missing parents are created (0755)
 *    and the entry is tried once more.
 *
 * State lives in one kmalloc'd struct unpack (not on the stack: two
 * PATH_MAX buffers), owned by the one thread running initramfs_unpack().
 */
#include "cpio.h"
#include "cred.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "vfs.h"

#define MAX_REPORTS 8 /* entries reported one by one; the rest are counted */

/* The first name of a hard-linked inode of the current archive. */
struct hardlink {
	struct hardlink *next;
	u32 devmajor, devminor, type;
	u64 ino;
	char path[]; /* normalized, NUL-terminated */
};

/* A directory whose mtime is set when everything else is done. */
struct dir_time {
	struct dir_time *next;
	u64 mtime;
	char path[];
};

struct unpack {
	struct vfs_ctx ctx;
	const char *what;
	u32 archive;		/* archive the links list belongs to */
	struct hardlink *links; /* of the current archive */
	struct dir_time *dirs;
	int first_err;
	u32 failed;
	char path[PATH_MAX];   /* the current entry's normalized name */
	char target[PATH_MAX]; /* the current symlink's target */
};

/*
 * Turn an archive name into an absolute path in out: "./bin/sh",
 * "bin//sh" and "/bin/./sh" all become "/bin/sh"; "." and "/" become "/".
 * Returns the length, -EINVAL for a ".." component, -ENAMETOOLONG.
 */
static int normalize(const char *name, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 1;

	if (outsz < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	while (i < n) {
		size_t start, clen;

		while (i < n && name[i] == '/')
			i++;
		start = i;
		while (i < n && name[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && name[start] == '.'))
			continue;
		if (clen == 2 && name[start] == '.' && name[start + 1] == '.')
			return -EINVAL;
		if (clen + (o > 1) >= outsz - o)
			return -ENAMETOOLONG;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, name + start, clen);
		o += clen;
	}
	out[o] = '\0';
	return (int)o;
}

static void report(struct unpack *u, const struct cpio_entry *e, const char *what, int err)
{
	if (!u->first_err)
		u->first_err = err;
	if (u->failed++ < MAX_REPORTS)
		pr_warn("initramfs %s: \"%.80s\": %s failed (error %d); skipped", u->what, e->name,
			what, err);
}

/* Create every missing directory above u->path. */
static int make_parents(struct unpack *u)
{
	for (char *p = u->path + 1; *p; p++) {
		int err;

		if (*p != '/')
			continue;
		*p = '\0';
		err = vfs_mkdir(&u->ctx, u->path, 0755);
		*p = '/';
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

/* Owner, permission bits (unless a symlink), and mtime (unless deferred). */
static int set_attrs(struct unpack *u, const struct cpio_entry *e, bool chmod, bool mtime)
{
	struct ktimespec times[2] = {{(s64)e->mtime, 0}, {(s64)e->mtime, 0}};
	int err;

	err = vfs_chown(&u->ctx, u->path, e->uid, e->gid, AT_SYMLINK_NOFOLLOW);
	if (!err && chmod)
		err = vfs_chmod(&u->ctx, u->path, e->mode & 07777, 0);
	if (!err && mtime)
		err = vfs_utimens(&u->ctx, u->path, times, AT_SYMLINK_NOFOLLOW);
	return err;
}

static int remember_dir(struct unpack *u, u64 mtime)
{
	size_t n = strlen(u->path) + 1;
	struct dir_time *d = kmalloc(sizeof(*d) + n);

	if (!d)
		return -ENOMEM;
	d->mtime = mtime;
	memcpy(d->path, u->path, n);
	d->next = u->dirs;
	u->dirs = d;
	return 0;
}

static int make_dir(struct unpack *u, const struct cpio_entry *e)
{
	int err = 0;

	if (u->path[1]) { /* "/" itself exists: it only takes the attributes */
		err = vfs_mkdir(&u->ctx, u->path, e->mode & 07777);
		/* Something is there: a non-directory is replaced, a directory kept. */
		if (err == -EEXIST && vfs_unlink(&u->ctx, u->path) == 0)
			err = vfs_mkdir(&u->ctx, u->path, e->mode & 07777);
		else if (err == -EEXIST)
			err = 0;
	}
	if (err)
		return err;
	err = set_attrs(u, e, true, false);
	if (err)
		return err;
	return remember_dir(u, e->mtime);
}

static struct hardlink *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (struct hardlink *h = u->links; h; h = h->next)
		if (h->ino == e->ino && h->devmajor == e->devmajor && h->devminor == e->devminor &&
		    h->type == (e->mode & S_IFMT))
			return h;
	return NULL;
}

static int add_link(struct unpack *u, const struct cpio_entry *e)
{
	size_t n = strlen(u->path) + 1;
	struct hardlink *h = kmalloc(sizeof(*h) + n);

	if (!h)
		return -ENOMEM;
	h->ino = e->ino;
	h->devmajor = e->devmajor;
	h->devminor = e->devminor;
	h->type = e->mode & S_IFMT;
	memcpy(h->path, u->path, n);
	h->next = u->links;
	u->links = h;
	return 0;
}

static void free_links(struct unpack *u)
{
	while (u->links) {
		struct hardlink *h = u->links;

		u->links = h->next;
		kfree(h);
	}
}

/*
 * If e is a later name of a hard-linked inode, link it to the first name:
 * 1 when linked, 0 when e is to be created (and is remembered if it may
 * get more names), or -errno.
 */
static int maybe_link(struct unpack *u, const struct cpio_entry *e)
{
	struct hardlink *h;
	int err;

	if (e->nlink < 2)
		return 0;
	if (u->archive != e->archive) { /* inode numbers start over in each archive */
		free_links(u);
		u->archive = e->archive;
	}
	h = find_link(u, e);
	if (!h)
		return add_link(u, e);
	if (strcmp(h->path, u->path) == 0)
		return 0;	      /* the first name itself, tried again after make_parents() */
	vfs_unlink(&u->ctx, u->path); /* replace a leftover; -ENOENT is the usual answer */
	err = vfs_link(&u->ctx, h->path, &u->ctx, u->path, 0);
	return err ? err : 1;
}

static int write_all(struct file *f, const void *data, size_t size)
{
	size_t done = 0;

	while (done < size) {
		struct uio uio = {
			.base = (char *)(uintptr_t)data + done, /* a write only reads it */
			.len = size - done,
			.user = false,
		};
		s64 n = vfs_write(f, &uio);

		if (n < 0)
			return (int)n;
		if (n == 0 || (u64)n > size - done)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int make_file(struct unpack *u, const struct cpio_entry *e)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_TRUNC;
	struct file *f;
	int err, linked;

	linked = maybe_link(u, e);
	if (linked < 0)
		return linked;
	if (linked) {
		if (e->size == 0)
			goto out_attrs; /* the data comes with another name of the group */
		flags = O_WRONLY | O_TRUNC;
	} else {
		vfs_unlink(&u->ctx, u->path); /* replace a leftover; -ENOENT is the usual answer */
	}
	err = vfs_open(&u->ctx, u->path, flags, e->mode & 07777, &f);
	if (err)
		return err;
	err = write_all(f, e->data, e->size);
	file_put(f);
	if (err)
		return err;
out_attrs:
	return set_attrs(u, e, true, true);
}

static int make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	int err;

	if (e->size == 0 || e->size >= sizeof(u->target))
		return e->size ? -ENAMETOOLONG : -EINVAL;
	memcpy(u->target, e->data, e->size);
	u->target[e->size] = '\0';
	if (strlen(u->target) != e->size)
		return -EINVAL; /* a NUL inside the target */
	vfs_unlink(&u->ctx, u->path);
	err = vfs_symlink(u->target, &u->ctx, u->path);
	if (err)
		return err;
	return set_attrs(u, e, false, true);
}

static int make_node(struct unpack *u, const struct cpio_entry *e)
{
	u32 type = e->mode & S_IFMT;
	u64 dev = (type == S_IFCHR || type == S_IFBLK) ? MKDEV(e->rdevmajor, e->rdevminor) : 0;
	int err, linked;

	linked = maybe_link(u, e);
	if (linked < 0)
		return linked;
	if (!linked) {
		vfs_unlink(&u->ctx, u->path);
		err = vfs_mknod(&u->ctx, u->path, type | (e->mode & 07777), dev);
		if (err)
			return err;
	}
	return set_attrs(u, e, true, true);
}

static int create(struct unpack *u, const struct cpio_entry *e)
{
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		return make_dir(u, e);
	case S_IFREG:
		return make_file(u, e);
	case S_IFLNK:
		return make_symlink(u, e);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return make_node(u, e);
	default:
		return -EINVAL;
	}
}

/* cpio_parse callback: 0 to go on, -ENOMEM to stop. */
static int unpack_entry(const struct cpio_entry *e, void *arg)
{
	struct unpack *u = arg;
	int err = normalize(e->name, e->namelen, u->path, sizeof(u->path));

	if (err < 0) {
		report(u, e, err == -EINVAL ? "name check (\"..\")" : "name check", err);
		return 0;
	}
	if (!u->path[1] && !S_ISDIR(e->mode)) {
		report(u, e, "create (the root is not a directory)", -EINVAL);
		return 0;
	}
	err = create(u, e);
	if (err == -ENOENT) {
		err = make_parents(u);
		if (!err)
			err = create(u, e);
	}
	if (err)
		report(u, e, "create", err);
	return err == -ENOMEM ? err : 0;
}

/* Directory mtimes, last: creating their entries changed them. */
static void finish_dirs(struct unpack *u)
{
	while (u->dirs) {
		struct dir_time *d = u->dirs;
		struct ktimespec times[2] = {{(s64)d->mtime, 0}, {(s64)d->mtime, 0}};
		int err = vfs_utimens(&u->ctx, d->path, times, 0);

		if (err) {
			if (!u->first_err)
				u->first_err = err;
			pr_warn("initramfs %s: \"%.80s\": setting the mtime failed (error %d)",
				u->what, d->path, err);
		}
		u->dirs = d->next;
		kfree(d);
	}
}

int initramfs_unpack(const void *buf, size_t len, const char *what)
{
	char msg[160];
	struct unpack *u;
	int ret;

	if (!what)
		what = "initramfs";
	u = kzalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->what = what;
	u->ctx.cred = &cred_root;
	u->ctx.fs = fs_struct_create();
	if (!u->ctx.fs) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = cpio_parse(buf, len, unpack_entry, u, msg, sizeof(msg));
	if (ret < 0) {
		pr_err("initramfs %s: unpacking stopped: %s", what, msg);
		u->first_err = ret; /* a malformed archive (or -ENOMEM) says the most */
	} else {
		pr_info("initramfs %s: %d entries unpacked (%zu bytes)%s", what,
			ret - (int)u->failed, len, u->failed ? ", some skipped" : "");
	}
	if (u->failed > MAX_REPORTS)
		pr_warn("initramfs %s: %u more entries skipped", what, u->failed - MAX_REPORTS);
	finish_dirs(u);
	free_links(u);
	fs_struct_put(u->ctx.fs);
	ret = u->first_err;
out_free:
	kfree(u);
	return ret;
}
