/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/devfs.c - character devices and the file system that lists them.
 *
 * chrdev_register() records (name, device number, mode, driver) in a small
 * registry; vfs_open() of any character-device inode with that rdev (in
 * devfs or a node mknod'ed in tmpfs) uses the driver. The file-system type
 * "devtmpfs" (also "devfs") is a tmpfs whose root is filled with one node
 * per registered device when it is mounted, and which gains the nodes of
 * devices registered later; like Linux's devtmpfs it stays writable
 * (mkdir /dev/pts, /dev/shm, symlinks).
 *
 * Built-in devices: null (1,3), zero (1,5), full (1,7), random (1,8),
 * urandom (1,9), all mode 0666.
 *
 * Locking: the registry is under chrdev_lock (a spinlock; nothing is
 * allocated or called under it). Adding nodes to mounted instances takes
 * vfs_ns_lock, which is why mount (already holding it) uses the _locked
 * variant.
 */
#include "internal.h"
#include "random.h"

#define CHRDEV_MAX 64
#define CHRDEV_NAME 32

struct chrdev {
	bool used;
	char name[CHRDEV_NAME];
	u64 dev;
	u32 mode;
	const struct file_operations *fops;
	void *priv;
};

static struct spinlock chrdev_lock = SPINLOCK_INIT("chrdev", LOCK_RANK_NONE);
static struct chrdev chrdevs[CHRDEV_MAX]; /* under chrdev_lock */
static bool devfs_mounted;		  /* atomic: a devfs was mounted once */

static struct fs_type devtmpfs_fs_type, devfs_fs_type;

int chrdev_lookup(u64 dev, const struct file_operations **fops, void **priv)
{
	int err = -ENXIO;

	spin_lock(&chrdev_lock);
	for (int i = 0; i < CHRDEV_MAX; i++) {
		if (chrdevs[i].used && chrdevs[i].dev == dev) {
			*fops = chrdevs[i].fops;
			*priv = chrdevs[i].priv;
			err = 0;
			break;
		}
	}
	spin_unlock(&chrdev_lock);
	return err;
}

/* Add the node of c under root (vfs_ns_lock held); a "dir/name" gets its directory. */
static int devfs_add_node(struct dentry *root, const struct chrdev *c)
{
	struct super_block *sb = root->inode->sb;
	const char *slash = strchr(c->name, '/');
	const char *base = c->name;
	struct dentry *dir = root;
	struct inode *inode;
	int err;

	if (slash) {
		size_t dlen = (size_t)(slash - c->name);

		dir = d_find_child(root, c->name, dlen);
		if (!dir) {
			inode = tmpfs_alloc_inode(sb, S_IFDIR | 0755, 0);
			if (!inode)
				return -ENOMEM;
			dir = d_new_child(root, c->name, dlen, inode);
			if (!dir) {
				inode_put(inode);
				return -ENOMEM;
			}
			mutex_lock(&root->inode->lock);
			root->inode->nlink++;
			mutex_unlock(&root->inode->lock);
		} else if (!S_ISDIR(dir->inode->mode)) {
			return -ENOTDIR;
		}
		base = slash + 1;
	}
	inode = tmpfs_alloc_inode(sb, S_IFCHR | (c->mode & 07777), c->dev);
	if (!inode)
		return -ENOMEM;
	err = d_add_child(dir, base, strlen(base), inode);
	if (err)
		inode_put(inode);
	return err;
}

static bool is_devfs(const struct super_block *sb)
{
	return sb->type == &devtmpfs_fs_type || sb->type == &devfs_fs_type;
}

static bool valid_name(const char *name)
{
	size_t len = strnlen(name, CHRDEV_NAME);
	const char *slash = strchr(name, '/');

	if (len == 0 || len == CHRDEV_NAME || name[0] == '/' || name[len - 1] == '/')
		return false;
	if (slash && strchr(slash + 1, '/'))
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strncmp(name, "./", 2) == 0 ||
	    strncmp(name, "../", 3) == 0)
		return false;
	if (slash && (strcmp(slash, "/.") == 0 || strcmp(slash, "/..") == 0))
		return false;
	return true;
}

int chrdev_register(const char *name, u64 dev, u32 mode, const struct file_operations *fops,
		    void *priv)
{
	struct chrdev c;
	int slot = -1, err = 0;

	if (!name || !fops || !valid_name(name))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	memcpy(c.name, name, strlen(name));
	c.used = true;
	c.dev = dev;
	c.mode = mode & 07777;
	c.fops = fops;
	c.priv = priv;

	spin_lock(&chrdev_lock);
	for (int i = 0; i < CHRDEV_MAX; i++) {
		if (!chrdevs[i].used) {
			if (slot < 0)
				slot = i;
		} else if (chrdevs[i].dev == dev || strcmp(chrdevs[i].name, name) == 0) {
			err = -EEXIST;
		}
	}
	if (!err && slot < 0)
		err = -ENOSPC;
	if (!err)
		chrdevs[slot] = c;
	spin_unlock(&chrdev_lock);
	if (err || !__atomic_load_n(&devfs_mounted, __ATOMIC_ACQUIRE))
		return err;

	/* Show it in every mounted devfs. */
	mutex_lock(&vfs_ns_lock);
	{
		struct list_head *pos;

		list_for_each (pos, &vfs_mounts) {
			struct mount *m = list_entry(pos, struct mount, link);

			if (is_devfs(m->sb))
				(void)devfs_add_node(m->sb->root, &c);
		}
	}
	mutex_unlock(&vfs_ns_lock);
	return 0;
}

static int devfs_mount(const struct fs_type *t, const char *source, u64 flags, const void *data,
		       struct super_block **out)
{
	struct chrdev *snap = kmalloc(sizeof(chrdevs));
	int err;

	if (!snap)
		return -ENOMEM;
	err = tmpfs_new_super_mode(t, TMPFS_MAGIC, 0755, out);
	if (err)
		goto out;
	spin_lock(&chrdev_lock);
	memcpy(snap, chrdevs, sizeof(chrdevs));
	__atomic_store_n(&devfs_mounted, true, __ATOMIC_RELEASE);
	spin_unlock(&chrdev_lock);
	for (int i = 0; i < CHRDEV_MAX; i++)
		if (snap[i].used)
			(void)devfs_add_node((*out)->root, &snap[i]);
out:
	kfree(snap);
	return err;
}

static struct fs_type devtmpfs_fs_type = {.name = "devtmpfs", .mount = devfs_mount};
static struct fs_type devfs_fs_type = {.name = "devfs", .mount = devfs_mount};

/* ---- the built-in devices ---- */

static const char zeros[256];

static s64 null_read(struct file *f, struct uio *u, u64 *pos)
{
	return 0;
}

static s64 sink_write(struct file *f, struct uio *u, u64 *pos)
{
	return (s64)u->len;
}

static s64 full_write(struct file *f, struct uio *u, u64 *pos)
{
	return u->len ? -ENOSPC : 0;
}

static s64 zero_read(struct file *f, struct uio *u, u64 *pos)
{
	size_t done = 0;

	while (done < u->len) {
		size_t n = MIN(sizeof(zeros), u->len - done);

		if (uio_copy_out(u, done, zeros, n))
			return done ? (s64)done : -EFAULT;
		done += n;
	}
	return (s64)done;
}

static s64 random_read(struct file *f, struct uio *u, u64 *pos)
{
	char buf[256];
	size_t done = 0;

	while (done < u->len) {
		size_t n = MIN(sizeof(buf), u->len - done);

		get_random_bytes(buf, n);
		if (uio_copy_out(u, done, buf, n))
			return done ? (s64)done : -EFAULT;
		done += n;
	}
	memset(buf, 0, sizeof(buf));
	return (s64)done;
}

static s64 random_write(struct file *f, struct uio *u, u64 *pos)
{
	char buf[256];
	size_t done = 0;

	while (done < u->len) {
		size_t n = MIN(sizeof(buf), u->len - done);

		if (uio_copy_in(buf, u, done, n))
			return done ? (s64)done : -EFAULT;
		random_add_entropy(buf, n);
		done += n;
	}
	return (s64)done;
}

/* Seeking these devices is allowed and always lands at 0 (as on Linux). */
static s64 zero_llseek(struct file *f, s64 off, int whence)
{
	return 0;
}

static const struct file_operations null_fops = {
	.read = null_read,
	.write = sink_write,
	.llseek = zero_llseek,
};
static const struct file_operations zero_fops = {
	.read = zero_read,
	.write = sink_write,
	.llseek = zero_llseek,
};
static const struct file_operations full_fops = {
	.read = zero_read,
	.write = full_write,
	.llseek = zero_llseek,
};
static const struct file_operations random_fops = {
	.read = random_read,
	.write = random_write,
	.llseek = zero_llseek,
};

void devfs_init(void)
{
	(void)vfs_register_fs_locked(&devtmpfs_fs_type);
	(void)vfs_register_fs_locked(&devfs_fs_type);
	(void)chrdev_register("null", MKDEV(1, 3), 0666, &null_fops, NULL);
	(void)chrdev_register("zero", MKDEV(1, 5), 0666, &zero_fops, NULL);
	(void)chrdev_register("full", MKDEV(1, 7), 0666, &full_fops, NULL);
	(void)chrdev_register("random", MKDEV(1, 8), 0666, &random_fops, NULL);
	(void)chrdev_register("urandom", MKDEV(1, 9), 0666, &random_fops, NULL);
}

void devfs_shutdown(void)
{
	spin_lock(&chrdev_lock);
	memset(chrdevs, 0, sizeof(chrdevs));
	__atomic_store_n(&devfs_mounted, false, __ATOMIC_RELEASE);
	spin_unlock(&chrdev_lock);
}
