/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/dcache.c - the VFS's objects and their lifetimes: super blocks,
 * inodes, dentries (the tree of names) and paths, plus the clock and the
 * classic permission check every call uses.
 *
 * Lifetimes: an inode lives while referenced (atomic refcount; dentries and
 * open files hold references) and is evicted at its last inode_put. A
 * dentry lives while it is hashed (linked in its parent) or referenced;
 * refcount and hashed change together under dcache_lock, so exactly one
 * party sees "unhashed and unreferenced" and frees it. A super block lives
 * while it is mounted or has live inodes.
 *
 * Names: every dentry in a parent's children is also in d_hash, a table
 * of chains keyed by (parent, name), so that d_find_child costs one short
 * chain instead of a walk over all the directory's entries (creating and
 * removing files in a big directory was quadratic; docs/benchmarks.md).
 *
 * Locking: dcache_lock (a spinlock) covers dentry refcounts and the hashed
 * flag; the tree's structure (parent, name, children, cookie) and d_hash
 * change only under vfs_ns_lock. Freeing never happens under dcache_lock.
 */
#include "internal.h"
#include "timer.h"

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache", LOCK_RANK_NONE);
static s64 realtime_offset_ns; /* atomic */
static u64 next_dev = 1;       /* atomic; anonymous device numbers (major 0) */

/* ---- time and permissions ---- */

void vfs_set_realtime_offset(s64 ns)
{
	__atomic_store_n(&realtime_offset_ns, ns, __ATOMIC_RELAXED);
}

struct ktimespec vfs_now(void)
{
	s64 ns = (s64)clock_ns() + __atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED);
	struct ktimespec t;

	t.sec = ns / 1000000000;
	t.nsec = ns % 1000000000;
	if (t.nsec < 0) {
		t.nsec += 1000000000;
		t.sec--;
	}
	return t;
}

int inode_permission(const struct cred *cr, struct inode *inode, int mask)
{
	u32 mode = __atomic_load_n(&inode->mode, __ATOMIC_RELAXED);
	u32 bits;

	mask &= R_OK | W_OK | X_OK;
	if (cred_is_root(cr)) {
		/* Root may search any directory, but runs only files someone may run. */
		if ((mask & X_OK) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (cr->fsuid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (cred_in_group(cr, inode->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((u32)mask & ~bits) ? -EACCES : 0;
}

/* ---- super blocks ---- */

struct super_block *sb_alloc(const struct fs_type *t, const struct super_operations *ops, u64 magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->refcount = 1;
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_dev, 1, __ATOMIC_RELAXED));
	sb->magic = magic;
	sb->next_ino = 1;
	sb->type = t;
	sb->ops = ops;
	return sb;
}

void sb_put(struct super_block *sb)
{
	if (__atomic_sub_fetch(&sb->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
	kfree(sb);
}

/* ---- inodes ---- */

struct inode *inode_alloc(struct super_block *sb, u32 mode)
{
	struct inode *inode = kzalloc(sizeof(*inode));

	if (!inode)
		return NULL;
	inode->refcount = 1;
	mutex_init(&inode->lock, "inode");
	inode->ino = __atomic_fetch_add(&sb->next_ino, 1, __ATOMIC_RELAXED);
	inode->mode = mode;
	inode->nlink = 1;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	inode->next_cookie = 2;
	inode->sb = sb;
	__atomic_add_fetch(&sb->refcount, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sb->nr_inodes, 1, __ATOMIC_RELAXED);
	return inode;
}

struct inode *inode_get(struct inode *inode)
{
	__atomic_add_fetch(&inode->refcount, 1, __ATOMIC_RELAXED);
	return inode;
}

void inode_put(struct inode *inode)
{
	struct super_block *sb;

	if (!inode || __atomic_sub_fetch(&inode->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	sb = inode->sb;
	if (sb->ops && sb->ops->evict)
		sb->ops->evict(inode);
	kfree(inode->link);
	kfree(inode);
	__atomic_sub_fetch(&sb->nr_inodes, 1, __ATOMIC_RELAXED);
	sb_put(sb);
}

/* ---- dentries ---- */

#define D_HASH_BITS 10

/* Chains of dentries by (parent, name); under vfs_ns_lock. An empty chain is all zero. */
static struct list_head d_hash[1u << D_HASH_BITS];

static struct list_head *d_hash_chain(const struct dentry *parent, const char *name, size_t len)
{
	u64 h = 0xcbf29ce484222325ull ^ (u64)(uintptr_t)parent;
	struct list_head *chain;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	chain = &d_hash[(h ^ (h >> 32)) & ((1u << D_HASH_BITS) - 1)];
	if (!chain->next)
		list_init(chain);
	return chain;
}

static void d_hash_insert(struct dentry *d)
{
	list_add(&d->hash_link, d_hash_chain(d->parent, d->name, d->namelen));
}

static struct dentry *d_alloc(const char *name, size_t len, struct inode *inode)
{
	struct dentry *d = kmalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->refcount = 0;
	d->hashed = false;
	d->mounted = 0;
	d->cookie = 0;
	d->parent = NULL;
	d->inode = inode;
	list_init(&d->child);
	list_init(&d->children);
	list_init(&d->hash_link);
	d->namelen = (u16)len;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	return d;
}

struct dentry *d_alloc_root(struct inode *inode)
{
	struct dentry *d = d_alloc("/", 1, inode);

	if (d)
		d->hashed = true; /* kept by its super block until d_prune_tree */
	return d;
}

struct dentry *dget(struct dentry *d)
{
	spin_lock(&dcache_lock);
	d->refcount++;
	spin_unlock(&dcache_lock);
	return d;
}

/* Drop one reference; free d (and maybe its ancestors) when nothing keeps it. */
void dput(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		bool dead;

		spin_lock(&dcache_lock);
		d->refcount--;
		dead = d->refcount == 0 && !d->hashed;
		spin_unlock(&dcache_lock);
		if (!dead)
			return;
		parent = d->parent;
		inode_put(d->inode);
		kfree(d);
		d = parent; /* the child's reference on its parent */
	}
}

struct dentry *d_new_child(struct dentry *parent, const char *name, size_t len, struct inode *inode)
{
	struct dentry *d = d_alloc(name, len, inode);

	if (!d)
		return NULL;
	d->parent = dget(parent);
	d->cookie = parent->inode->next_cookie++;
	list_add_tail(&d->child, &parent->children);
	d_hash_insert(d);
	spin_lock(&dcache_lock);
	d->hashed = true;
	spin_unlock(&dcache_lock);
	return d;
}

int d_add_child(struct dentry *parent, const char *name, size_t len, struct inode *inode)
{
	if (len == 0 || len > NAME_MAX)
		return -EINVAL;
	if (d_find_child(parent, name, len))
		return -EEXIST;
	if (!d_new_child(parent, name, len, inode))
		return -ENOMEM;
	return 0;
}

struct dentry *d_find_child(struct dentry *parent, const char *name, size_t len)
{
	struct list_head *chain = d_hash_chain(parent, name, len), *pos;

	list_for_each (pos, chain) {
		struct dentry *d = list_entry(pos, struct dentry, hash_link);

		if (d->parent == parent && d->namelen == len && memcmp(d->name, name, len) == 0)
			return d;
	}
	return NULL;
}

bool d_has_children(struct dentry *d)
{
	return !list_empty(&d->children);
}

void d_unhash(struct dentry *d)
{
	dget(d);
	list_del(&d->child);
	list_del(&d->hash_link);
	spin_lock(&dcache_lock);
	d->hashed = false;
	spin_unlock(&dcache_lock);
	dput(d);
}

void d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len)
{
	struct dentry *old_parent = d->parent;

	list_del(&d->child);
	list_del(&d->hash_link);
	if (new_parent != old_parent)
		d->parent = dget(new_parent);
	d->cookie = new_parent->inode->next_cookie++;
	d->namelen = (u16)len;
	memmove(d->name, name, len);
	d->name[len] = '\0';
	list_add_tail(&d->child, &new_parent->children);
	d_hash_insert(d);
	if (new_parent != old_parent)
		dput(old_parent);
}

void d_prune_tree(struct dentry *root)
{
	struct dentry *d = root;

	/* Iterative depth-first walk: unhash leaves first, then climb. */
	while (d) {
		if (!list_empty(&d->children)) {
			d = list_first_entry(&d->children, struct dentry, child);
			continue;
		}
		if (d == root)
			break;
		struct dentry *parent = d->parent;

		d_unhash(d);
		d = parent;
	}
}

/* ---- paths ---- */

void path_get(struct path *p)
{
	if (p->mnt)
		__atomic_add_fetch(&p->mnt->refcount, 1, __ATOMIC_RELAXED);
	if (p->dentry)
		dget(p->dentry);
}

void path_put(struct path *p)
{
	if (p->dentry)
		dput(p->dentry);
	if (p->mnt)
		__atomic_sub_fetch(&p->mnt->refcount, 1, __ATOMIC_RELEASE);
}

/* ---- dcache-only directories ---- */

/* Emit the children at or after ctx->pos; a child's cookie is its position. */
static int dcache_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct list_head *pos;

	list_for_each (pos, &f->path.dentry->children) {
		struct dentry *d = list_entry(pos, struct dentry, child);

		if (d->cookie < ctx->pos)
			continue;
		if (!ctx->emit(ctx, d->name, d->namelen, d->inode->ino,
			       (d->inode->mode >> 12) & 15))
			break;
		ctx->pos = d->cookie + 1;
	}
	return 0;
}

const struct file_operations dcache_dir_fops = {
	.iterate = dcache_iterate,
};
