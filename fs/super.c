/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/super.c - file-system types, the mount table and the per-process view
 * of it: vfs_init (tmpfs at /), mount(2) and umount(2), /proc/mounts lines,
 * struct fs_struct (root, cwd, umask) with chdir, fchdir, chroot, getcwd.
 *
 * The mount table is a list, oldest mount first; a dentry with mounts on it
 * counts them in d->mounted and the walk takes the newest (topmost). All of
 * it is under vfs_ns_lock. A mount is busy while any struct path points
 * into it (open files, cwd, root): umount then fails with -EBUSY.
 * fs_struct fields are under fs->lock (a spinlock); a path copied out of
 * it gets its own reference before the lock is dropped.
 */
#include "internal.h"

struct mutex vfs_ns_lock;
struct list_head vfs_mounts = LIST_HEAD_INIT(vfs_mounts);
struct mount *vfs_root_mnt;

static struct list_head fs_types = LIST_HEAD_INIT(fs_types); /* under vfs_ns_lock */

static struct fs_type *find_fs_type(const char *name)
{
	struct list_head *pos;

	list_for_each (pos, &fs_types) {
		struct fs_type *t = list_entry(pos, struct fs_type, link);

		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

int vfs_register_fs_locked(struct fs_type *t)
{
	if (find_fs_type(t->name))
		return -EEXIST;
	list_add_tail(&t->link, &fs_types);
	return 0;
}

int vfs_register_fs(struct fs_type *t)
{
	int err;

	mutex_lock(&vfs_ns_lock);
	err = vfs_register_fs_locked(t);
	mutex_unlock(&vfs_ns_lock);
	return err;
}

/* A mount of sb's tree from root (references taken) at mountpoint in parent. */
static struct mount *mount_alloc(struct super_block *sb, struct dentry *root, const char *source,
				 u64 flags)
{
	struct mount *m = kzalloc(sizeof(*m));
	size_t n;

	if (!m)
		return NULL;
	m->sb = sb;
	m->root = dget(root);
	m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	source = source ? source : "none";
	n = MIN(strlen(source), sizeof(m->source) - 1);
	memcpy(m->source, source, n);
	m->source[n] = '\0';
	list_init(&m->link);
	sb->mounts++;
	return m;
}

static void mount_attach(struct mount *m, struct path *at)
{
	m->parent = at->mnt;
	m->mountpoint = dget(at->dentry);
	at->dentry->mounted++;
	list_add_tail(&m->link, &vfs_mounts);
}

/* Remove m from the table and free it; its sb's tree goes with its last mount. */
static void mount_free(struct mount *m)
{
	struct super_block *sb = m->sb;

	list_del(&m->link);
	if (m->mountpoint) {
		m->mountpoint->mounted--;
		dput(m->mountpoint);
	}
	dput(m->root);
	if (--sb->mounts == 0) {
		d_prune_tree(sb->root);
		d_unhash(sb->root);
		sb_put(sb);
	}
	kfree(m);
}

void vfs_init(void)
{
	struct super_block *sb;

	if (vfs_root_mnt)
		return; /* already done (a ktest may run before stage 4) */
	mutex_init(&vfs_ns_lock, "vfs_ns");
	list_init(&fs_types);
	list_init(&vfs_mounts);
	(void)vfs_register_fs_locked(&tmpfs_fs_type);
	devfs_init();
	if (tmpfs_fs_type.mount(&tmpfs_fs_type, "rootfs", 0, NULL, &sb))
		return; /* out of memory at boot: vfs_root_mnt stays NULL */
	vfs_root_mnt = mount_alloc(sb, sb->root, "rootfs", 0);
	if (!vfs_root_mnt)
		return;
	list_add_tail(&vfs_root_mnt->link, &vfs_mounts);
}

void vfs_shutdown(void)
{
	mutex_lock(&vfs_ns_lock);
	while (!list_empty(&vfs_mounts))
		mount_free(list_entry(vfs_mounts.prev, struct mount, link));
	vfs_root_mnt = NULL;
	mutex_unlock(&vfs_ns_lock);
	devfs_shutdown();
}

/* ---- mount(2), umount(2) ---- */

static int do_bind(struct path *src, struct path *at, u64 flags)
{
	struct mount *m;

	if (S_ISDIR(src->dentry->inode->mode) != S_ISDIR(at->dentry->inode->mode))
		return -ENOTDIR;
	m = mount_alloc(src->mnt->sb, src->dentry, src->mnt->source, flags);
	if (!m)
		return -ENOMEM;
	mount_attach(m, at);
	return 0;
}

static int do_new_mount(const char *source, struct path *at, const char *fstype, u64 flags,
			const void *data)
{
	struct fs_type *t;
	struct super_block *sb;
	struct mount *m;
	int err;

	if (!fstype)
		return -EINVAL;
	t = find_fs_type(fstype);
	if (!t)
		return -ENODEV;
	if (!S_ISDIR(at->dentry->inode->mode))
		return -ENOTDIR;
	err = t->mount(t, source, flags, data, &sb);
	if (err)
		return err;
	m = mount_alloc(sb, sb->root, source, flags);
	if (!m) {
		d_prune_tree(sb->root);
		d_unhash(sb->root);
		sb_put(sb);
		return -ENOMEM;
	}
	mount_attach(m, at);
	return 0;
}

int vfs_mount(const struct vfs_ctx *c, const char *source, const char *target, const char *fstype,
	      u64 flags, const void *data)
{
	struct path at, src = {NULL, NULL};
	int err;

	if (!cred_is_root(vfs_cred(c)))
		return -EPERM;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, target, WALK_FOLLOW, &at);
	if (err)
		goto out_unlock;
	if (flags & MS_REMOUNT) {
		if (at.dentry != at.mnt->root) {
			err = -EINVAL;
		} else {
			at.mnt->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
		}
	} else if (flags & MS_BIND) {
		err = source ? vfs_walk(c, source, WALK_FOLLOW, &src) : -EFAULT;
		if (!err)
			err = do_bind(&src, &at, flags);
		path_put(&src);
	} else {
		err = do_new_mount(source, &at, fstype, flags, data);
	}
	path_put(&at);
out_unlock:
	mutex_unlock(&vfs_ns_lock);
	return err;
}

static bool has_child_mounts(struct mount *m)
{
	struct list_head *pos;

	list_for_each (pos, &vfs_mounts)
		if (list_entry(pos, struct mount, link)->parent == m)
			return true;
	return false;
}

int vfs_umount(const struct vfs_ctx *c, const char *target, int flags)
{
	struct path p;
	struct mount *m;
	int err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | 8 /* UMOUNT_NOFOLLOW */))
		return -EINVAL;
	if (!cred_is_root(vfs_cred(c)))
		return -EPERM;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, target, (flags & 8) ? 0 : WALK_FOLLOW, &p);
	if (err)
		goto out_unlock;
	m = p.mnt;
	if (p.dentry != m->root) {
		err = -EINVAL;
	} else if (!m->parent) {
		err = -EBUSY; /* the root of the tree */
	} else if (has_child_mounts(m) || __atomic_load_n(&m->refcount, __ATOMIC_ACQUIRE) > 1) {
		err = -EBUSY; /* our own walk holds one reference */
	}
	path_put(&p);
	if (!err)
		mount_free(m);
out_unlock:
	mutex_unlock(&vfs_ns_lock);
	return err;
}

size_t vfs_format_filesystems(char *buf, size_t size)
{
	struct list_head *pos;
	size_t total = 0;

	if (size)
		buf[0] = '\0';
	mutex_lock(&vfs_ns_lock);
	list_for_each (pos, &fs_types) {
		struct fs_type *t = list_entry(pos, struct fs_type, link);
		/* No file system needs a block device yet: every one is "nodev". */
		int n = snprintf(total < size ? buf + total : NULL, total < size ? size - total : 0,
				 "nodev\t%s\n", t->name);

		if (n > 0)
			total += (size_t)n;
	}
	mutex_unlock(&vfs_ns_lock);
	return total;
}

size_t vfs_format_mounts(struct fs_struct *fs, char *buf, size_t size)
{
	struct list_head *pos;
	struct path root;
	size_t total = 0;
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return 0;
	if (size)
		buf[0] = '\0';
	mutex_lock(&vfs_ns_lock);
	if (fs) {
		spin_lock(&fs->lock);
		root = fs->root;
		path_get(&root);
		spin_unlock(&fs->lock);
	} else {
		root = vfs_global_root();
		path_get(&root);
	}
	list_for_each (pos, &vfs_mounts) {
		struct mount *m = list_entry(pos, struct mount, link);
		struct path mp = {m, m->root};
		int n;

		if (vfs_build_path(&mp, &root, path, PATH_MAX) < 0)
			continue;
		n = snprintf(total < size ? buf + total : NULL, total < size ? size - total : 0,
			     "%s %s %s %s%s%s%s 0 0\n", m->source, path, m->sb->type->name,
			     mnt_rdonly(m) ? "ro" : "rw", (m->flags & MS_NOSUID) ? ",nosuid" : "",
			     (m->flags & MS_NODEV) ? ",nodev" : "",
			     (m->flags & MS_NOEXEC) ? ",noexec" : "");
		if (n > 0)
			total += (size_t)n;
	}
	path_put(&root);
	mutex_unlock(&vfs_ns_lock);
	kfree(path);
	return total;
}

/* ---- fs_struct ---- */

struct fs_struct *fs_struct_create(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_init(&fs->lock, "fs_struct", LOCK_RANK_NONE);
	fs->umask = 022;
	mutex_lock(&vfs_ns_lock);
	fs->root = vfs_global_root();
	path_get(&fs->root);
	fs->cwd = fs->root;
	path_get(&fs->cwd);
	mutex_unlock(&vfs_ns_lock);
	return fs;
}

struct fs_struct *fs_struct_clone(struct fs_struct *fs)
{
	struct fs_struct *n = kzalloc(sizeof(*n));

	if (!n)
		return NULL;
	n->refcount = 1;
	spin_init(&n->lock, "fs_struct", LOCK_RANK_NONE);
	spin_lock(&fs->lock);
	n->root = fs->root;
	n->cwd = fs->cwd;
	n->umask = fs->umask;
	path_get(&n->root);
	path_get(&n->cwd);
	spin_unlock(&fs->lock);
	return n;
}

void fs_struct_put(struct fs_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}

/* Replace fs->cwd or fs->root with p (consuming p's reference). */
static void fs_set(struct fs_struct *fs, struct path *slot, struct path *p)
{
	struct path old;

	spin_lock(&fs->lock);
	old = *slot;
	*slot = *p;
	spin_unlock(&fs->lock);
	path_put(&old);
}

static int walk_dir_for(const struct vfs_ctx *c, const char *path, struct path *out)
{
	int err;

	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, path, WALK_FOLLOW | WALK_DIRECTORY, out);
	if (!err) {
		err = inode_permission(vfs_cred(c), out->dentry->inode, X_OK);
		if (err)
			path_put(out);
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

int vfs_chdir(const struct vfs_ctx *c, const char *path)
{
	struct path p;
	int err;

	if (!c || !c->fs)
		return -EINVAL;
	err = walk_dir_for(c, path, &p);
	if (!err)
		fs_set(c->fs, &c->fs->cwd, &p);
	return err;
}

int vfs_fchdir(struct fs_struct *fs, struct file *dir)
{
	struct path p;

	if (!dir->path.dentry)
		return -ENOTDIR;
	if (!S_ISDIR(dir->path.dentry->inode->mode))
		return -ENOTDIR;
	p = dir->path;
	path_get(&p);
	fs_set(fs, &fs->cwd, &p);
	return 0;
}

int vfs_chroot(const struct vfs_ctx *c, const char *path)
{
	struct path p;
	int err;

	if (!c || !c->fs)
		return -EINVAL;
	err = walk_dir_for(c, path, &p);
	if (err)
		return err;
	if (!cred_is_root(vfs_cred(c))) {
		path_put(&p);
		return -EPERM;
	}
	fs_set(c->fs, &c->fs->root, &p);
	return 0;
}

s64 vfs_getcwd(struct fs_struct *fs, char *buf, size_t size)
{
	struct path root, cwd;
	s64 n;

	mutex_lock(&vfs_ns_lock);
	spin_lock(&fs->lock);
	root = fs->root;
	cwd = fs->cwd;
	path_get(&root);
	path_get(&cwd);
	spin_unlock(&fs->lock);
	n = vfs_build_path(&cwd, &root, buf, size);
	path_put(&cwd);
	path_put(&root);
	mutex_unlock(&vfs_ns_lock);
	return n;
}
