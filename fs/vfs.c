/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/vfs.c - the name-space calls: mkdir, mknod, symlink, link, unlink,
 * rmdir, rename, readlink, and the attribute calls (stat, access, chmod,
 * chown, truncate, utimens) with Linux's errno for every refusal.
 *
 * Each call follows the same shape: take vfs_ns_lock, walk to the parent
 * (or the object), validate everything (existence, types, permissions,
 * sticky bit, read-only mount, mount points), and only then change the
 * tree and the inodes. Inode fields are written under the inode's mutex,
 * one inode at a time (two inode locks are never held together).
 */
#include "internal.h"
#include "vm.h"

/* Walk flags from AT_* flags: follow unless AT_SYMLINK_NOFOLLOW. */
static int at_walk_flags(int at_flags)
{
	int f = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW;

	if (at_flags & AT_EMPTY_PATH)
		f |= WALK_EMPTY;
	return f;
}

static void touch_dir(struct inode *dir)
{
	struct ktimespec now = vfs_now();

	mutex_lock(&dir->lock);
	dir->mtime = dir->ctime = now;
	mutex_unlock(&dir->lock);
}

/* Add delta to inode's link count and update its ctime. */
static void adjust_nlink(struct inode *inode, int delta, bool zero)
{
	mutex_lock(&inode->lock);
	if (zero)
		inode->nlink = 0;
	else
		inode->nlink = (u32)((s64)inode->nlink + delta);
	inode->ctime = vfs_now();
	mutex_unlock(&inode->lock);
}

/* May cr remove or rename the entry of victim in dir? (write+search, sticky bit) */
static int may_delete(const struct cred *cr, struct path *parent, struct inode *victim)
{
	struct inode *dir = parent->dentry->inode;
	int err = inode_permission(cr, dir, W_OK | X_OK);

	if (err)
		return err;
	if ((dir->mode & S_ISVTX) && !cred_is_root(cr) && cr->fsuid != victim->uid &&
	    cr->fsuid != dir->uid)
		return -EPERM;
	if (mnt_rdonly(parent->mnt))
		return -EROFS;
	return 0;
}

/* Is the object at p a mount point or the root of a mount? */
static bool is_mount_busy(const struct path *p)
{
	return p->dentry->mounted || p->dentry == p->mnt->root;
}

/* ---- creating ---- */

/* A new entry's name: 0 if nothing is called that in parent, -EEXIST or a lookup error otherwise.
 */
static int name_is_free(struct path *parent, const struct last_name *last)
{
	struct path existing;
	int err;

	if (last->dot || last->dotdot)
		return -EEXIST;
	err = vfs_lookup_child(parent, last->name, last->len, &existing);
	if (!err) {
		path_put(&existing);
		return -EEXIST;
	}
	return err == -ENOENT ? 0 : err;
}

static int create_node(const struct vfs_ctx *c, const char *path, u32 mode, u64 rdev,
		       const char *target)
{
	const struct cred *cr = vfs_cred(c);
	struct last_name *last = kmalloc(sizeof(*last));
	struct path parent;
	struct super_block *sb;
	struct inode *dir, *inode;
	size_t tlen = target ? strlen(target) : 0;
	int err;

	if (!last)
		return -ENOMEM;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk_parent(c, path, &parent, last);
	if (err)
		goto out_unlock;
	dir = parent.dentry->inode;
	sb = dir->sb;
	err = name_is_free(&parent, last);
	if (err)
		goto out_parent;
	if (last->trailing_slash && !S_ISDIR(mode)) {
		err = -ENOENT;
		goto out_parent;
	}
	if (dir->nlink == 0) {
		err = -ENOENT;
		goto out_parent;
	}
	err = inode_permission(cr, dir, W_OK | X_OK);
	if (err)
		goto out_parent;
	if (mnt_rdonly(parent.mnt)) {
		err = -EROFS;
		goto out_parent;
	}
	if (!sb->ops || !sb->ops->alloc_inode) {
		err = -EPERM;
		goto out_parent;
	}
	inode = sb->ops->alloc_inode(sb, mode, rdev);
	if (!inode) {
		err = -ENOSPC;
		goto out_parent;
	}
	inode->uid = cr->fsuid;
	inode->gid = cr->fsgid;
	if (dir->mode & S_ISGID) {
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			inode->mode |= S_ISGID;
	}
	if (target) {
		inode->link = kmalloc(tlen + 1);
		if (!inode->link) {
			inode_put(inode);
			err = -ENOMEM;
			goto out_parent;
		}
		memcpy(inode->link, target, tlen + 1);
		inode->size = (s64)tlen;
	}
	if (!d_new_child(parent.dentry, last->name, last->len, inode)) {
		inode_put(inode);
		err = -ENOMEM;
		goto out_parent;
	}
	if (S_ISDIR(mode))
		adjust_nlink(dir, 1, false);
	touch_dir(dir);
	err = 0;
out_parent:
	path_put(&parent);
out_unlock:
	mutex_unlock(&vfs_ns_lock);
	kfree(last);
	return err;
}

static u32 ctx_umask(const struct vfs_ctx *c)
{
	return c && c->fs ? __atomic_load_n(&c->fs->umask, __ATOMIC_RELAXED) : 022;
}

int vfs_mkdir(const struct vfs_ctx *c, const char *path, u32 mode)
{
	return create_node(c, path, S_IFDIR | (mode & 01777 & ~ctx_umask(c)), 0, NULL);
}

int vfs_mknod(const struct vfs_ctx *c, const char *path, u32 mode, u64 dev)
{
	u32 type = mode & S_IFMT;

	switch (type) {
	case 0:
		type = S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!cred_is_root(vfs_cred(c)))
			return -EPERM;
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	if (type != S_IFCHR && type != S_IFBLK)
		dev = 0;
	return create_node(c, path, type | (mode & 07777 & ~ctx_umask(c)), dev, NULL);
}

int vfs_symlink(const char *target, const struct vfs_ctx *c, const char *linkpath)
{
	size_t len;

	if (!target)
		return -EFAULT;
	len = strnlen(target, PATH_MAX);
	if (len == 0)
		return -ENOENT;
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	return create_node(c, linkpath, S_IFLNK | 0777, 0, target);
}

int vfs_link(const struct vfs_ctx *oc, const char *oldpath, const struct vfs_ctx *nc,
	     const char *newpath, int at_flags)
{
	struct last_name *last = kmalloc(sizeof(*last));
	struct path oldp = {NULL, NULL}, parent = {NULL, NULL};
	struct inode *inode, *dir;
	int err;

	if (!last)
		return -ENOMEM;
	if (at_flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
		err = -EINVAL;
		goto out_free;
	}
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(oc, oldpath,
		       ((at_flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0) |
			       ((at_flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
		       &oldp);
	if (err)
		goto out_unlock;
	err = vfs_walk_parent(nc, newpath, &parent, last);
	if (err)
		goto out_unlock;
	inode = oldp.dentry->inode;
	dir = parent.dentry->inode;
	err = name_is_free(&parent, last);
	if (err)
		goto out_unlock;
	if (oldp.mnt != parent.mnt) {
		err = -EXDEV;
		goto out_unlock;
	}
	if (S_ISDIR(inode->mode)) {
		err = -EPERM;
		goto out_unlock;
	}
	if (last->trailing_slash) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (dir->nlink == 0 || inode->nlink == 0) {
		err = -ENOENT;
		goto out_unlock;
	}
	err = inode_permission(vfs_cred(nc), dir, W_OK | X_OK);
	if (err)
		goto out_unlock;
	if (mnt_rdonly(parent.mnt)) {
		err = -EROFS;
		goto out_unlock;
	}
	if (!d_new_child(parent.dentry, last->name, last->len, inode_get(inode))) {
		inode_put(inode);
		err = -ENOMEM;
		goto out_unlock;
	}
	adjust_nlink(inode, 1, false);
	touch_dir(dir);
out_unlock:
	path_put(&parent);
	path_put(&oldp);
	mutex_unlock(&vfs_ns_lock);
out_free:
	kfree(last);
	return err;
}

/* ---- removing ---- */

static int remove_node(const struct vfs_ctx *c, const char *path, bool rmdir)
{
	struct last_name *last = kmalloc(sizeof(*last));
	struct path parent, victim;
	struct inode *inode, *dir;
	int err;

	if (!last)
		return -ENOMEM;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk_parent(c, path, &parent, last);
	if (err)
		goto out_unlock;
	dir = parent.dentry->inode;
	if (last->dot || last->dotdot) {
		if (!rmdir)
			err = -EISDIR;
		else if (last->dotdot)
			err = -ENOTEMPTY;
		else
			err = last->len ? -EINVAL : -EBUSY;
		goto out_parent;
	}
	err = vfs_lookup_child(&parent, last->name, last->len, &victim);
	if (err)
		goto out_parent;
	inode = victim.dentry->inode;
	if (rmdir && !S_ISDIR(inode->mode))
		err = -ENOTDIR;
	else if (!rmdir && S_ISDIR(inode->mode))
		err = -EISDIR;
	else if (!rmdir && last->trailing_slash)
		err = -ENOTDIR;
	else
		err = may_delete(vfs_cred(c), &parent, inode);
	if (!err && is_mount_busy(&victim))
		err = -EBUSY;
	if (!err && rmdir && d_has_children(victim.dentry))
		err = -ENOTEMPTY;
	if (err)
		goto out_victim;

	adjust_nlink(inode, -1, rmdir);
	if (rmdir)
		adjust_nlink(dir, -1, false);
	touch_dir(dir);
	d_unhash(victim.dentry);
out_victim:
	path_put(&victim);
out_parent:
	path_put(&parent);
out_unlock:
	mutex_unlock(&vfs_ns_lock);
	kfree(last);
	return err;
}

int vfs_unlink(const struct vfs_ctx *c, const char *path)
{
	return remove_node(c, path, false);
}

int vfs_rmdir(const struct vfs_ctx *c, const char *path)
{
	return remove_node(c, path, true);
}

/* ---- rename ---- */

struct rename_args {
	struct last_name oldl, newl;
	struct path op, np;	/* parents */
	struct path oldp, newp; /* the entries (newp.dentry NULL if none) */
};

static bool is_ancestor(struct dentry *anc, struct dentry *d)
{
	for (; d; d = d->parent)
		if (d == anc)
			return true;
	return false;
}

/* Every check of rename(2); nothing changes. */
static int rename_check(struct rename_args *a, const struct cred *ocr, const struct cred *ncr,
			u32 flags)
{
	struct inode *oi = a->oldp.dentry->inode, *ni;
	bool exists = a->newp.dentry != NULL;
	int err;

	if (!S_ISDIR(oi->mode) && (a->oldl.trailing_slash || a->newl.trailing_slash))
		return -ENOTDIR;
	if ((flags & RENAME_EXCHANGE) && !exists)
		return -ENOENT;
	if (exists && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	err = may_delete(ocr, &a->op, oi);
	if (!err && exists)
		err = may_delete(ncr, &a->np, a->newp.dentry->inode);
	if (!err && !exists) {
		err = inode_permission(ncr, a->np.dentry->inode, W_OK | X_OK);
		if (!err && mnt_rdonly(a->np.mnt))
			err = -EROFS;
	}
	if (err)
		return err;
	if (a->np.dentry->inode->nlink == 0)
		return -ENOENT;
	if (is_mount_busy(&a->oldp) || (exists && is_mount_busy(&a->newp)))
		return -EBUSY;
	if (exists && a->newp.dentry->inode == oi)
		return 0;
	if (S_ISDIR(oi->mode) && is_ancestor(a->oldp.dentry, a->np.dentry))
		return -EINVAL;
	if (!exists)
		return 0;
	ni = a->newp.dentry->inode;
	if (flags & RENAME_EXCHANGE) {
		if (S_ISDIR(ni->mode) && is_ancestor(a->newp.dentry, a->op.dentry))
			return -EINVAL;
		return 0;
	}
	if (S_ISDIR(oi->mode)) {
		if (!S_ISDIR(ni->mode))
			return -ENOTDIR;
		if (d_has_children(a->newp.dentry))
			return -ENOTEMPTY;
	} else if (S_ISDIR(ni->mode)) {
		return -EISDIR;
	}
	return 0;
}

/* Move a directory's ".." link count from one parent to another. */
static void move_dir_link(struct inode *moved, struct inode *from, struct inode *to)
{
	if (S_ISDIR(moved->mode) && from != to) {
		adjust_nlink(from, -1, false);
		adjust_nlink(to, 1, false);
	}
}

static void rename_do(struct rename_args *a, u32 flags)
{
	struct inode *oi = a->oldp.dentry->inode;
	struct inode *opi = a->op.dentry->inode, *npi = a->np.dentry->inode;

	if (flags & RENAME_EXCHANGE) {
		struct inode *ni = a->newp.dentry->inode;

		d_move(a->oldp.dentry, a->np.dentry, a->newl.name, a->newl.len);
		d_move(a->newp.dentry, a->op.dentry, a->oldl.name, a->oldl.len);
		move_dir_link(oi, opi, npi);
		move_dir_link(ni, npi, opi);
		adjust_nlink(ni, 0, false);
	} else {
		if (a->newp.dentry) {
			struct inode *ni = a->newp.dentry->inode;

			adjust_nlink(ni, -1, S_ISDIR(ni->mode));
			if (S_ISDIR(ni->mode))
				adjust_nlink(npi, -1, false);
			d_unhash(a->newp.dentry);
		}
		d_move(a->oldp.dentry, a->np.dentry, a->newl.name, a->newl.len);
		move_dir_link(oi, opi, npi);
	}
	adjust_nlink(oi, 0, false);
	touch_dir(opi);
	if (npi != opi)
		touch_dir(npi);
}

int vfs_rename(const struct vfs_ctx *oc, const char *oldpath, const struct vfs_ctx *nc,
	       const char *newpath, u32 flags)
{
	struct rename_args *a;
	int err;

	if ((flags & ~(u32)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk_parent(oc, oldpath, &a->op, &a->oldl);
	if (!err)
		err = vfs_walk_parent(nc, newpath, &a->np, &a->newl);
	if (err)
		goto out;
	if (a->op.mnt != a->np.mnt) {
		err = -EXDEV;
		goto out;
	}
	if (a->oldl.dot || a->oldl.dotdot || a->newl.dot || a->newl.dotdot) {
		err = -EBUSY;
		goto out;
	}
	err = vfs_lookup_child(&a->op, a->oldl.name, a->oldl.len, &a->oldp);
	if (err)
		goto out;
	err = vfs_lookup_child(&a->np, a->newl.name, a->newl.len, &a->newp);
	if (err == -ENOENT)
		err = 0;
	if (err)
		goto out;
	err = rename_check(a, vfs_cred(oc), vfs_cred(nc), flags);
	if (err || (a->newp.dentry && a->newp.dentry->inode == a->oldp.dentry->inode))
		goto out;
	rename_do(a, flags);
out:
	path_put(&a->newp);
	path_put(&a->oldp);
	path_put(&a->np);
	path_put(&a->op);
	mutex_unlock(&vfs_ns_lock);
	kfree(a);
	return err;
}

/* ---- reading attributes ---- */

s64 vfs_readlink(const struct vfs_ctx *c, const char *path, char *buf, size_t size)
{
	struct path p;
	struct inode *inode;
	char *tmp = NULL;
	s64 n;

	if (size == 0 || size > (size_t)INT32_MAX)
		return -EINVAL;
	mutex_lock(&vfs_ns_lock);
	n = vfs_walk(c, path, WALK_EMPTY, &p);
	if (n)
		goto out_unlock;
	inode = p.dentry->inode;
	if (!S_ISLNK(inode->mode)) {
		n = -EINVAL;
	} else if (inode->iop && inode->iop->readlink) {
		tmp = kmalloc(PATH_MAX);
		n = tmp ? inode->iop->readlink(inode, tmp, PATH_MAX) : -ENOMEM;
		if (n > 0) {
			n = MIN(n, (s64)size);
			memcpy(buf, tmp, (size_t)n);
		}
	} else if (inode->link) {
		n = MIN((s64)strlen(inode->link), (s64)size);
		memcpy(buf, inode->link, (size_t)n);
	} else {
		n = -EINVAL;
	}
	path_put(&p);
out_unlock:
	mutex_unlock(&vfs_ns_lock);
	kfree(tmp);
	return n;
}

static void fill_stat(struct inode *inode, struct kstat *st)
{
	mutex_lock(&inode->lock);
	st->dev = inode->sb->dev;
	st->ino = inode->ino;
	st->mode = inode->mode;
	st->nlink = inode->nlink;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->rdev = inode->rdev;
	st->size = inode->size;
	st->blksize = PAGE_SIZE;
	st->blocks = inode->blocks;
	st->atime = inode->atime;
	st->mtime = inode->mtime;
	st->ctime = inode->ctime;
	mutex_unlock(&inode->lock);
}

int vfs_stat(const struct vfs_ctx *c, const char *path, int at_flags, struct kstat *st)
{
	struct path p;
	int err;

	if (at_flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, path, at_walk_flags(at_flags), &p);
	if (!err) {
		fill_stat(p.dentry->inode, st);
		path_put(&p);
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	if (!f->inode) {
		memset(st, 0, sizeof(*st));
		st->mode = S_IFIFO | 0600;
		st->nlink = 1;
		st->blksize = PAGE_SIZE;
		return 0;
	}
	fill_stat(f->inode, st);
	return 0;
}

static int sb_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = sb->magic;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = NAME_MAX;
	st->fsid = sb->dev;
	if (sb->ops && sb->ops->statfs)
		return sb->ops->statfs(sb, st);
	return 0;
}

int vfs_statfs(const struct vfs_ctx *c, const char *path, struct kstatfs *st)
{
	struct path p;
	int err;

	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, path, WALK_FOLLOW, &p);
	if (!err) {
		err = sb_statfs(p.dentry->inode->sb, st);
		if (!err && mnt_rdonly(p.mnt))
			st->flags |= 1; /* ST_RDONLY */
		path_put(&p);
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

int vfs_fstatfs(struct file *f, struct kstatfs *st)
{
	if (!f->inode)
		return -EINVAL;
	return sb_statfs(f->inode->sb, st);
}

int vfs_access(const struct vfs_ctx *c, const char *path, int mode, int at_flags)
{
	const struct cred *cr = vfs_cred(c);
	struct cred *real = NULL;
	struct path p;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (at_flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(at_flags & AT_EACCESS) && (cr->fsuid != cr->uid || cr->fsgid != cr->gid)) {
		/* access(2) checks with the real ids. */
		real = kmalloc(sizeof(*real));
		if (!real)
			return -ENOMEM;
		*real = *cr;
		real->fsuid = cr->uid;
		real->fsgid = cr->gid;
		cr = real;
	}
	mutex_lock(&vfs_ns_lock);
	{
		struct vfs_ctx rc = {c ? c->fs : NULL, cr, c ? c->dir : NULL};

		err = vfs_walk(&rc, path, at_walk_flags(at_flags & ~AT_EACCESS), &p);
	}
	if (!err) {
		struct inode *inode = p.dentry->inode;

		if (mode)
			err = inode_permission(cr, inode, mode);
		if (!err && (mode & W_OK) && mnt_rdonly(p.mnt) &&
		    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode)))
			err = -EROFS;
		path_put(&p);
	}
	mutex_unlock(&vfs_ns_lock);
	kfree(real);
	return err;
}

/* ---- changing attributes ---- */

static bool owner_or_root(const struct cred *cr, struct inode *inode)
{
	return cred_is_root(cr) || cr->fsuid == inode->uid;
}

static int setattr_mode(const struct cred *cr, struct path *p, u32 mode)
{
	struct inode *inode = p->dentry->inode;

	if (S_ISLNK(inode->mode))
		return -EOPNOTSUPP;
	if (!owner_or_root(cr, inode))
		return -EPERM;
	if (mnt_rdonly(p->mnt))
		return -EROFS;
	mutex_lock(&inode->lock);
	mode &= 07777;
	if (!cred_is_root(cr) && !cred_in_group(cr, inode->gid))
		mode &= ~(u32)S_ISGID;
	inode->mode = (inode->mode & S_IFMT) | mode;
	inode->ctime = vfs_now();
	mutex_unlock(&inode->lock);
	return 0;
}

static int setattr_owner(const struct cred *cr, struct path *p, u32 uid, u32 gid)
{
	struct inode *inode = p->dentry->inode;
	bool root = cred_is_root(cr);

	if (uid != (u32)-1 && uid != inode->uid && !root)
		return -EPERM;
	if (gid != (u32)-1 && gid != inode->gid && !root &&
	    (cr->fsuid != inode->uid || !cred_in_group(cr, gid)))
		return -EPERM;
	if (!root && cr->fsuid != inode->uid && (uid != (u32)-1 || gid != (u32)-1))
		return -EPERM;
	if (mnt_rdonly(p->mnt))
		return -EROFS;
	mutex_lock(&inode->lock);
	if (uid != (u32)-1)
		inode->uid = uid;
	if (gid != (u32)-1)
		inode->gid = gid;
	if (!S_ISDIR(inode->mode) && (uid != (u32)-1 || gid != (u32)-1)) {
		/* Ownership changed: setuid goes, setgid too if it meant "run as group". */
		inode->mode &= ~(u32)S_ISUID;
		if (inode->mode & 010)
			inode->mode &= ~(u32)S_ISGID;
	}
	inode->ctime = vfs_now();
	mutex_unlock(&inode->lock);
	return 0;
}

static int setattr_size(struct path *p, s64 len)
{
	struct inode *inode = p->dentry->inode;
	int err;

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (mnt_rdonly(p->mnt))
		return -EROFS;
	if (!inode->iop || !inode->iop->truncate)
		return -EINVAL;
	mutex_lock(&inode->lock);
	err = inode->iop->truncate(inode, (u64)len);
	if (!err)
		inode->mtime = inode->ctime = vfs_now();
	mutex_unlock(&inode->lock);
	if (!err) /* mappings drop the pages past the new end (no lock held) */
		vm_object_truncate(inode, ALIGN_UP((u64)len, (u64)PAGE_SIZE) / PAGE_SIZE);
	return err;
}

static bool valid_nsec(s64 nsec)
{
	return (nsec >= 0 && nsec < 1000000000) || nsec == UTIME_NOW || nsec == UTIME_OMIT;
}

static int setattr_times(const struct cred *cr, struct path *p, const struct ktimespec *times)
{
	struct inode *inode = p->dentry->inode;
	struct ktimespec now = vfs_now();
	bool set_now = !times || (times[0].nsec == UTIME_NOW && times[1].nsec == UTIME_NOW);

	if (times) {
		if (!valid_nsec(times[0].nsec) || !valid_nsec(times[1].nsec))
			return -EINVAL;
		if (times[0].nsec == UTIME_OMIT && times[1].nsec == UTIME_OMIT)
			return 0;
	}
	if (!owner_or_root(cr, inode)) {
		if (!set_now)
			return -EPERM;
		if (inode_permission(cr, inode, W_OK))
			return -EACCES;
	}
	if (mnt_rdonly(p->mnt))
		return -EROFS;
	mutex_lock(&inode->lock);
	if (!times) {
		inode->atime = inode->mtime = now;
	} else {
		if (times[0].nsec != UTIME_OMIT)
			inode->atime = times[0].nsec == UTIME_NOW ? now : times[0];
		if (times[1].nsec != UTIME_OMIT)
			inode->mtime = times[1].nsec == UTIME_NOW ? now : times[1];
	}
	inode->ctime = now;
	mutex_unlock(&inode->lock);
	return 0;
}

/* The path calls: walk, then apply one of the setattr_* above. */
enum attr_op { ATTR_MODE, ATTR_OWNER, ATTR_SIZE, ATTR_TIMES };

struct attr_args {
	enum attr_op op;
	u32 mode, uid, gid;
	s64 len;
	const struct ktimespec *times;
};

static int apply_attr(const struct cred *cr, struct path *p, const struct attr_args *a)
{
	int err;

	switch (a->op) {
	case ATTR_MODE:
		return setattr_mode(cr, p, a->mode);
	case ATTR_OWNER:
		return setattr_owner(cr, p, a->uid, a->gid);
	case ATTR_SIZE:
		err = inode_permission(cr, p->dentry->inode, W_OK);
		if (err && !S_ISDIR(p->dentry->inode->mode))
			return err;
		return setattr_size(p, a->len);
	case ATTR_TIMES:
		return setattr_times(cr, p, a->times);
	}
	return -EINVAL;
}

static int path_attr(const struct vfs_ctx *c, const char *path, int at_flags,
		     const struct attr_args *a)
{
	struct path p;
	int err;

	if (at_flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	mutex_lock(&vfs_ns_lock);
	err = vfs_walk(c, path, at_walk_flags(at_flags), &p);
	if (!err) {
		err = apply_attr(vfs_cred(c), &p, a);
		path_put(&p);
	}
	mutex_unlock(&vfs_ns_lock);
	return err;
}

static int file_attr(struct file *f, const struct cred *cr, const struct attr_args *a)
{
	if (!f->inode || !f->path.dentry)
		return a->op == ATTR_SIZE ? -EINVAL : -EBADF;
	if (a->op == ATTR_SIZE) {
		if (!(f->fmode & FMODE_WRITE))
			return -EINVAL;
		return setattr_size(&f->path, a->len);
	}
	if ((f->flags & O_PATH) && a->op != ATTR_TIMES)
		return -EBADF;
	return apply_attr(cr ? cr : &cred_root, &f->path, a);
}

int vfs_chmod(const struct vfs_ctx *c, const char *path, u32 mode, int at_flags)
{
	struct attr_args a = {.op = ATTR_MODE, .mode = mode};

	return path_attr(c, path, at_flags, &a);
}

int vfs_fchmod(struct file *f, const struct cred *cr, u32 mode)
{
	struct attr_args a = {.op = ATTR_MODE, .mode = mode};

	return file_attr(f, cr, &a);
}

int vfs_chown(const struct vfs_ctx *c, const char *path, u32 uid, u32 gid, int at_flags)
{
	struct attr_args a = {.op = ATTR_OWNER, .uid = uid, .gid = gid};

	return path_attr(c, path, at_flags, &a);
}

int vfs_fchown(struct file *f, const struct cred *cr, u32 uid, u32 gid)
{
	struct attr_args a = {.op = ATTR_OWNER, .uid = uid, .gid = gid};

	return file_attr(f, cr, &a);
}

int vfs_truncate(const struct vfs_ctx *c, const char *path, s64 len)
{
	struct attr_args a = {.op = ATTR_SIZE, .len = len};

	return path_attr(c, path, 0, &a);
}

int vfs_ftruncate(struct file *f, const struct cred *cr, s64 len)
{
	struct attr_args a = {.op = ATTR_SIZE, .len = len};

	return file_attr(f, cr, &a);
}

int vfs_utimens(const struct vfs_ctx *c, const char *path, const struct ktimespec *times,
		int at_flags)
{
	struct attr_args a = {.op = ATTR_TIMES, .times = times};

	return path_attr(c, path, at_flags, &a);
}

int vfs_futimens(struct file *f, const struct cred *cr, const struct ktimespec *times)
{
	struct attr_args a = {.op = ATTR_TIMES, .times = times};

	return file_attr(f, cr, &a);
}
