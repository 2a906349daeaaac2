/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/namei.c - path walk: turning a path string into a (mount, dentry)
 * pair, component by component, the way Linux does it: "." and "..",
 * repeated and trailing slashes, mount points crossed both ways (".." at a
 * mount's root climbs to the mount point; ".." at the caller's root stays),
 * symbolic links followed in the middle always and at the end on request,
 * at most SYMLOOP_MAX per walk (-ELOOP), search permission checked on
 * every directory passed through.
 *
 * A symlink is followed by rewriting the rest of the walk: the remaining
 * path becomes target + rest, in a PATH_MAX buffer, so there is no
 * recursion and the link count bounds the work.
 *
 * Locking: every function here runs with vfs_ns_lock held (the tree cannot
 * change under the walk); the walk holds a reference on the path it stands
 * on, because the start (cwd, an open directory) may be unhashed.
 */
#include "internal.h"

struct walk {
	const struct cred *cr;
	struct path root; /* the caller's root (referenced) */
	struct path cur;  /* where the walk stands (referenced) */
	char *buf;	  /* the rest of the path */
	char *tmp;	  /* scratch for symlink rewriting */
	int links;
};

const struct cred *vfs_cred(const struct vfs_ctx *c)
{
	return c && c->cred ? c->cred : &cred_root;
}

struct path vfs_global_root(void)
{
	struct path p = {vfs_root_mnt, vfs_root_mnt->root};

	return p;
}

static void path_set(struct path *dst, const struct path *src)
{
	struct path n = *src;

	path_get(&n);
	path_put(dst);
	*dst = n;
}

/* The topmost mount on (mnt, d), or NULL. */
static struct mount *mount_on(struct mount *mnt, struct dentry *d)
{
	struct list_head *pos;

	for (pos = vfs_mounts.prev; pos != &vfs_mounts; pos = pos->prev) {
		struct mount *m = list_entry(pos, struct mount, link);

		if (m->parent == mnt && m->mountpoint == d)
			return m;
	}
	return NULL;
}

void vfs_cross_mounts(struct path *p)
{
	while (p->dentry->mounted) {
		struct mount *m = mount_on(p->mnt, p->dentry);
		struct path n;

		if (!m)
			break;
		n.mnt = m;
		n.dentry = m->root;
		path_set(p, &n);
	}
}

int vfs_lookup_child(struct path *dir, const char *name, size_t len, struct path *out)
{
	struct inode *di = dir->dentry->inode;
	struct dentry *d;
	struct inode *inode;
	int err;

	if (di->nlink == 0)
		return -ENOENT; /* a removed directory stays empty */
	d = d_find_child(dir->dentry, name, len);
	if (d && d->inode->iop && d->inode->iop->revalidate &&
	    !d->inode->iop->revalidate(d->inode)) {
		d_prune_tree(d); /* its cached children go too (a dead process's files) */
		d_unhash(d);
		d = NULL;
	}
	if (!d) {
		if (!di->iop || !di->iop->lookup)
			return -ENOENT;
		err = di->iop->lookup(di, name, len, &inode);
		if (err)
			return err;
		d = d_new_child(dir->dentry, name, len, inode);
		if (!d) {
			inode_put(inode);
			return -ENOMEM;
		}
	}
	out->mnt = dir->mnt;
	out->dentry = d;
	path_get(out);
	vfs_cross_mounts(out);
	return 0;
}

static void walk_dotdot(struct walk *w)
{
	struct path up;

	for (;;) {
		if (path_equal(&w->cur, &w->root))
			return;
		if (w->cur.dentry != w->cur.mnt->root)
			break;
		if (!w->cur.mnt->parent)
			return;
		up.mnt = w->cur.mnt->parent;
		up.dentry = w->cur.mnt->mountpoint;
		path_set(&w->cur, &up);
	}
	up.mnt = w->cur.mnt;
	up.dentry = w->cur.dentry->parent;
	path_set(&w->cur, &up);
	vfs_cross_mounts(&w->cur);
}

/* Replace the walk's rest of path (from buf[rest]) with target + rest. */
static int walk_follow(struct walk *w, struct inode *link, size_t rest)
{
	size_t rest_len = strlen(w->buf + rest);
	s64 n;
	char *t;

	if (++w->links > SYMLOOP_MAX)
		return -ELOOP;
	if (link->iop && link->iop->readlink)
		n = link->iop->readlink(link, w->tmp, PATH_MAX);
	else if (link->link) {
		n = (s64)strnlen(link->link, PATH_MAX);
		memcpy(w->tmp, link->link, (size_t)n);
	} else
		n = -EINVAL;
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + rest_len >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(w->tmp + n, w->buf + rest, rest_len + 1);
	t = w->buf;
	w->buf = w->tmp;
	w->tmp = t;
	if (w->buf[0] == '/')
		path_set(&w->cur, &w->root);
	return 0;
}

static void fill_last(struct last_name *last, const char *s, size_t len, bool trailing)
{
	memcpy(last->name, s, len);
	last->name[len] = '\0';
	last->len = len;
	last->trailing_slash = trailing;
	last->dot = len == 0 || (len == 1 && s[0] == '.');
	last->dotdot = len == 2 && s[0] == '.' && s[1] == '.';
}

/*
 * Walk w->buf from w->cur. With last != NULL stop before the last
 * component and describe it; otherwise resolve everything.
 */
static int walk_run(struct walk *w, int flags, struct last_name *last)
{
	size_t i = 0;
	bool must_dir = false;
	int err;

	for (;;) {
		size_t s, e, j;
		bool is_last, trailing;
		struct path child;
		struct inode *di;

		while (w->buf[i] == '/')
			i++;
		if (!w->buf[i]) {
			/* Nothing left: "/" or a path that ended in slashes after a link. */
			if (last)
				fill_last(last, "", 0, true);
			break;
		}
		s = i;
		while (w->buf[i] && w->buf[i] != '/')
			i++;
		e = i;
		if (e - s > NAME_MAX)
			return -ENAMETOOLONG;
		j = e;
		while (w->buf[j] == '/')
			j++;
		is_last = w->buf[j] == '\0';
		trailing = is_last && j > e;

		di = w->cur.dentry->inode;
		if (!S_ISDIR(di->mode))
			return -ENOTDIR;
		err = inode_permission(w->cr, di, X_OK);
		if (err)
			return err;
		if (is_last && last) {
			fill_last(last, w->buf + s, e - s, trailing);
			return 0;
		}
		must_dir = trailing;
		if (e - s == 1 && w->buf[s] == '.')
			continue;
		if (e - s == 2 && w->buf[s] == '.' && w->buf[s + 1] == '.') {
			walk_dotdot(w);
			continue;
		}
		err = vfs_lookup_child(&w->cur, w->buf + s, e - s, &child);
		if (err)
			return err;
		if (S_ISLNK(child.dentry->inode->mode) &&
		    (!is_last || trailing || (flags & WALK_FOLLOW))) {
			err = walk_follow(w, child.dentry->inode, e);
			path_put(&child);
			if (err)
				return err;
			i = 0;
			continue;
		}
		path_put(&w->cur);
		w->cur = child;
	}
	if (!last && (must_dir || (flags & WALK_DIRECTORY)) && !S_ISDIR(w->cur.dentry->inode->mode))
		return -ENOTDIR;
	return 0;
}

/* Set up a walk of path: buffers, root and starting directory. */
static int walk_begin(struct walk *w, const struct vfs_ctx *c, const char *path, int flags)
{
	size_t len;
	struct fs_struct *fs = c ? c->fs : NULL;

	w->buf = w->tmp = NULL;
	w->root.mnt = w->cur.mnt = NULL;
	w->root.dentry = w->cur.dentry = NULL;
	w->links = 0;
	w->cr = vfs_cred(c);
	if (!path)
		return -EFAULT;
	len = strnlen(path, PATH_MAX);
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0 && !(flags & WALK_EMPTY))
		return -ENOENT;
	w->buf = kmalloc(PATH_MAX);
	w->tmp = kmalloc(PATH_MAX);
	if (!w->buf || !w->tmp)
		return -ENOMEM;
	memcpy(w->buf, path, len + 1);

	if (fs) {
		spin_lock(&fs->lock);
		w->root = fs->root;
		path_get(&w->root);
		if (path[0] != '/' && !(c && c->dir)) {
			w->cur = fs->cwd;
			path_get(&w->cur);
		}
		spin_unlock(&fs->lock);
	} else {
		w->root = vfs_global_root();
		path_get(&w->root);
		if (path[0] != '/' && !(c && c->dir))
			path_set(&w->cur, &w->root);
	}
	if (path[0] == '/') {
		path_set(&w->cur, &w->root);
	} else if (c && c->dir) {
		if (!c->dir->path.dentry)
			return len ? -ENOTDIR : -EBADF;
		path_set(&w->cur, &c->dir->path);
		if (len && !S_ISDIR(w->cur.dentry->inode->mode))
			return -ENOTDIR;
	}
	return 0;
}

static void walk_end(struct walk *w)
{
	path_put(&w->cur);
	path_put(&w->root);
	kfree(w->buf);
	kfree(w->tmp);
}

int vfs_walk(const struct vfs_ctx *c, const char *path, int flags, struct path *out)
{
	struct walk w;
	int err = walk_begin(&w, c, path, flags);

	if (!err)
		err = walk_run(&w, flags, NULL);
	if (!err) {
		*out = w.cur;
		w.cur.mnt = NULL;
		w.cur.dentry = NULL;
	}
	walk_end(&w);
	return err;
}

int vfs_walk_parent(const struct vfs_ctx *c, const char *path, struct path *parent,
		    struct last_name *last)
{
	struct walk w;
	int err = walk_begin(&w, c, path, 0);

	if (!err)
		err = walk_run(&w, 0, last);
	if (!err && !S_ISDIR(w.cur.dentry->inode->mode))
		err = -ENOTDIR;
	if (!err) {
		*parent = w.cur;
		w.cur.mnt = NULL;
		w.cur.dentry = NULL;
	}
	walk_end(&w);
	return err;
}

s64 vfs_build_path(const struct path *p, const struct path *root, char *buf, size_t size)
{
	struct path cur = *p;
	size_t pos;
	char *tmp;
	s64 ret;

	if (size == 0)
		return -ERANGE;
	tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	pos = PATH_MAX - 1;
	tmp[pos] = '\0';
	for (;;) {
		struct dentry *d = cur.dentry;

		if (path_equal(&cur, root))
			break;
		if (d == cur.mnt->root) {
			if (!cur.mnt->parent)
				break; /* outside the caller's root: report from the top */
			cur.dentry = cur.mnt->mountpoint;
			cur.mnt = cur.mnt->parent;
			continue;
		}
		if (!d->hashed) {
			ret = -ENOENT;
			goto out;
		}
		if (pos < (size_t)d->namelen + 1) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		pos -= d->namelen;
		memcpy(tmp + pos, d->name, d->namelen);
		tmp[--pos] = '/';
		cur.dentry = d->parent;
	}
	if (pos == PATH_MAX - 1)
		tmp[--pos] = '/';
	ret = (s64)(PATH_MAX - pos);
	if ((size_t)ret > size) {
		ret = -ERANGE;
		goto out;
	}
	memcpy(buf, tmp + pos, (size_t)ret);
out:
	kfree(tmp);
	return ret;
}
