/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/file.c - open-file descriptions: opening a path (O_CREAT, O_EXCL,
 * O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_PATH, device nodes), reading and
 * writing through a struct uio, seeking, getdents64 records, handing out
 * a file's pages for sharing (vfs_get_page), and the reference counting
 * that ends in ops->release.
 *
 * FIFOs open through fs/pipe.c (pipe_fifo_fops), which may wait for the
 * other end; that happens after vfs_ns_lock is dropped.
 *
 * Locking: f->lock serializes users of f->pos (read, write, lseek,
 * getdents on the same description); it is taken before vfs_ns_lock
 * (getdents) and before the inode lock the file system takes in its read
 * and write. Files that cannot seek (FMODE_NOSEEK: pipes, ttys) are read
 * and written without f->lock so a blocked reader does not stall others.
 */
#include "internal.h"
#include "pipe.h"
#include "uaccess.h"
#include "vm.h"

/* ---- uio ---- */

int uio_copy_out(const struct uio *u, size_t off, const void *src, size_t n)
{
	if (off > u->len || n > u->len - off)
		return -EFAULT;
	if (!n)
		return 0;
	if (u->user)
		return copy_to_user(u->base + off, src, n);
	memcpy(u->base + off, src, n);
	return 0;
}

int uio_copy_in(void *dst, const struct uio *u, size_t off, size_t n)
{
	if (off > u->len || n > u->len - off)
		return -EFAULT;
	if (!n)
		return 0;
	if (u->user)
		return copy_from_user(dst, u->base + off, n);
	memcpy(dst, u->base + off, n);
	return 0;
}

/* ---- file objects ---- */

static const struct file_operations no_fops;

static u32 fmode_of(u32 flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return FMODE_READ;
	case O_WRONLY:
		return FMODE_WRITE;
	case O_RDWR:
		return FMODE_READ | FMODE_WRITE;
	default:
		return 0;
	}
}

struct file *file_alloc(const struct file_operations *ops, struct path *p, u32 flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	f->flags = flags & ~(u32)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->fmode = (flags & O_PATH) ? 0 : fmode_of(flags);
	mutex_init(&f->lock, "file");
	f->ops = ops ? ops : &no_fops;
	if (p) {
		f->path = *p;
		path_get(&f->path);
		f->inode = inode_get(p->dentry->inode);
	}
	return f;
}

struct file *file_alloc_anon(const struct file_operations *ops, void *priv, u32 flags)
{
	struct file *f = file_alloc(ops, NULL, flags);

	if (f)
		f->priv = priv;
	return f;
}

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->epoll_items)
		epoll_file_release(f); /* before release: epoll is on the file's queues */
	if (f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	path_put(&f->path);
	kfree(f);
}

/* ---- open ---- */

/* Checks on an existing inode before opening it with flags (namespace lock held). */
static int may_open(const struct cred *cr, struct path *p, int flags)
{
	struct inode *inode = p->dentry->inode;
	u32 acc = (u32)flags & O_ACCMODE;
	int mask = 0, err;

	if (S_ISLNK(inode->mode) && (flags & O_NOFOLLOW) && !(flags & O_PATH))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC) || (flags & O_CREAT)))
		return -EISDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= R_OK;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= W_OK;
	err = inode_permission(cr, inode, mask);
	if (err)
		return err;
	if ((mask & W_OK) && mnt_rdonly(p->mnt) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode)))
		return -EROFS;
	if ((S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) && (p->mnt->flags & MS_NODEV))
		return -EACCES;
	return 0;
}

/* Create name in parent as a regular file (namespace lock held): *out referenced. */
static int open_create(const struct vfs_ctx *c, struct path *parent, struct last_name *last,
		       u32 mode, struct path *out)
{
	struct inode *dir = parent->dentry->inode, *inode;
	const struct cred *cr = vfs_cred(c);
	struct super_block *sb = dir->sb;
	struct dentry *d;
	u32 umask = c && c->fs ? c->fs->umask : 022;
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	err = inode_permission(cr, dir, W_OK | X_OK);
	if (err)
		return err;
	if (mnt_rdonly(parent->mnt))
		return -EROFS;
	if (!sb->ops || !sb->ops->alloc_inode)
		return -EACCES;
	inode = sb->ops->alloc_inode(sb, S_IFREG | (mode & 07777 & ~umask), 0);
	if (!inode)
		return -ENOMEM;
	inode->uid = cr->fsuid;
	inode->gid = (dir->mode & S_ISGID) ? dir->gid : cr->fsgid;
	d = d_new_child(parent->dentry, last->name, last->len, inode);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	mutex_lock(&dir->lock);
	dir->mtime = dir->ctime = inode->ctime;
	mutex_unlock(&dir->lock);
	out->mnt = parent->mnt;
	out->dentry = d;
	path_get(out);
	return 0;
}

/* Resolve (and maybe create) the file to open; namespace lock held. */
static int open_lookup(const struct vfs_ctx *c, const char *path, int flags, u32 mode,
		       struct path *out)
{
	struct path parent;
	struct last_name *last;
	int wflags = (flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW;
	int err;

	if (flags & O_DIRECTORY)
		wflags |= WALK_DIRECTORY;
	if (!(flags & O_CREAT))
		return vfs_walk(c, path, wflags, out);

	last = kmalloc(sizeof(*last));
	if (!last)
		return -ENOMEM;
	err = vfs_walk_parent(c, path, &parent, last);
	if (err)
		goto out_free;
	if (last->dot || last->dotdot || last->trailing_slash) {
		err = -EISDIR;
		goto out_parent;
	}
	err = vfs_lookup_child(&parent, last->name, last->len, out);
	if (err == -ENOENT) {
		err = open_create(c, &parent, last, mode, out);
		goto out_parent;
	}
	if (err)
		goto out_parent;
	if (flags & O_EXCL) {
		path_put(out);
		out->mnt = NULL;
		out->dentry = NULL;
		err = -EEXIST;
	} else if (S_ISLNK(out->dentry->inode->mode) && !(flags & O_NOFOLLOW)) {
		/* An existing symlink: resolve the whole path again, following it. */
		path_put(out);
		out->mnt = NULL;
		out->dentry = NULL;
		err = vfs_walk(c, path, wflags, out);
	}
out_parent:
	path_put(&parent);
out_free:
	kfree(last);
	return err;
}

static int open_truncate(struct inode *inode)
{
	int err = 0;

	if (!S_ISREG(inode->mode))
		return 0;
	mutex_lock(&inode->lock);
	if (inode->size != 0) {
		if (inode->iop && inode->iop->truncate)
			err = inode->iop->truncate(inode, 0);
		else
			err = -EINVAL;
	}
	if (!err)
		inode->mtime = inode->ctime = vfs_now();
	mutex_unlock(&inode->lock);
	if (!err)
		vm_object_truncate(inode, 0); /* mappings drop the pages (no lock held) */
	return err;
}

int vfs_open(const struct vfs_ctx *c, const char *path, int flags, u32 mode, struct file **out)
{
	const struct file_operations *ops = NULL;
	struct path p = {NULL, NULL};
	void *priv = NULL;
	struct inode *inode;
	struct file *f;
	int err;

	*out = NULL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	else if ((flags & O_ACCMODE) == 3)
		return -EINVAL;

	mutex_lock(&vfs_ns_lock);
	err = open_lookup(c, path, flags, mode, &p);
	if (!err)
		err = may_open(vfs_cred(c), &p, flags);
	if (!err && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		err = open_truncate(p.dentry->inode);
	mutex_unlock(&vfs_ns_lock);
	if (err)
		goto out_path;

	inode = p.dentry->inode;
	if (!(flags & O_PATH)) {
		if (S_ISCHR(inode->mode)) {
			err = chrdev_lookup(inode->rdev, &ops, &priv);
		} else if (S_ISREG(inode->mode) || S_ISDIR(inode->mode)) {
			ops = inode->fop;
		} else if (S_ISFIFO(inode->mode)) {
			ops = &pipe_fifo_fops; /* its open finds or makes the pipe */
		} else {
			err = -ENXIO; /* block devices and sockets: not yet */
		}
		if (err)
			goto out_path;
	}
	f = file_alloc(ops, &p, (u32)flags);
	if (!f) {
		err = -ENOMEM;
		goto out_path;
	}
	f->priv = priv;
	if (f->ops->open) {
		err = f->ops->open(inode, f);
		if (err) {
			f->ops = &no_fops; /* opened nothing: no release */
			file_put(f);
			goto out_path;
		}
	}
	*out = f;
out_path:
	path_put(&p);
	return err;
}

/* ---- read, write, seek ---- */

static bool is_dir_file(struct file *f)
{
	return f->inode && S_ISDIR(f->inode->mode);
}

static s64 do_read(struct file *f, struct uio *u, u64 *pos)
{
	if (!(f->fmode & FMODE_READ))
		return -EBADF;
	if (is_dir_file(f))
		return -EISDIR;
	if (!f->ops->read)
		return -EINVAL;
	if (u->len > (size_t)INT64_MAX)
		return -EINVAL;
	return f->ops->read(f, u, pos);
}

static s64 do_write(struct file *f, struct uio *u, u64 *pos)
{
	if (!(f->fmode & FMODE_WRITE))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (u->len > (size_t)INT64_MAX)
		return -EINVAL;
	return f->ops->write(f, u, pos);
}

s64 vfs_read(struct file *f, struct uio *u)
{
	u64 pos;
	s64 n;

	if (f->fmode & FMODE_NOSEEK) {
		pos = 0;
		return do_read(f, u, &pos);
	}
	mutex_lock(&f->lock);
	pos = f->pos;
	n = do_read(f, u, &pos);
	if (n >= 0)
		f->pos = pos;
	mutex_unlock(&f->lock);
	return n;
}

s64 vfs_write(struct file *f, struct uio *u)
{
	u64 pos;
	s64 n;

	if (f->fmode & FMODE_NOSEEK) {
		pos = 0;
		return do_write(f, u, &pos);
	}
	mutex_lock(&f->lock);
	pos = f->pos;
	n = do_write(f, u, &pos);
	if (n >= 0)
		f->pos = pos;
	mutex_unlock(&f->lock);
	return n;
}

s64 vfs_pread(struct file *f, struct uio *u, u64 off)
{
	if (f->fmode & FMODE_NOSEEK)
		return -ESPIPE;
	if ((s64)off < 0)
		return -EINVAL;
	return do_read(f, u, &off);
}

int vfs_get_page(struct file *f, u64 index, struct page **out)
{
	if (!(f->fmode & FMODE_READ))
		return -EBADF;
	if (!f->ops->get_page)
		return -ENODEV;
	return f->ops->get_page(f, index, out);
}

int vfs_get_page_shared(struct file *f, u64 index, struct page **out)
{
	if (!(f->fmode & FMODE_READ))
		return -EBADF;
	if (!f->ops->get_page_shared)
		return -ENODEV;
	return f->ops->get_page_shared(f, index, out);
}

s64 vfs_pwrite(struct file *f, struct uio *u, u64 off)
{
	if (f->fmode & FMODE_NOSEEK)
		return -ESPIPE;
	if ((s64)off < 0)
		return -EINVAL;
	return do_write(f, u, &off);
}

s64 vfs_lseek(struct file *f, s64 off, int whence)
{
	if (f->fmode & FMODE_NOSEEK)
		return -ESPIPE;
	if (f->ops->llseek)
		return f->ops->llseek(f, off, whence);
	return generic_llseek(f, off, whence);
}

s64 generic_llseek(struct file *f, s64 off, int whence)
{
	s64 base, pos;

	mutex_lock(&f->lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		if (!f->inode) {
			pos = -EINVAL;
			goto out;
		}
		mutex_lock(&f->inode->lock);
		base = f->inode->size;
		mutex_unlock(&f->inode->lock);
		break;
	default:
		pos = -EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, off, &pos)) {
		pos = -EOVERFLOW;
		goto out;
	}
	if (pos < 0) {
		pos = -EINVAL;
		goto out;
	}
	f->pos = (u64)pos;
out:
	mutex_unlock(&f->lock);
	return pos;
}

/* ---- getdents64 ---- */

struct dirent_sink {
	struct dir_ctx ctx;
	char *buf;
	size_t size, used;
	size_t last; /* offset of the previous record, or SIZE_MAX */
	bool full;   /* a record did not fit */
};

#define DIRENT_HDR 19 /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */

static void set_prev_off(struct dirent_sink *s)
{
	s64 off = (s64)s->ctx.pos;

	if (s->last != SIZE_MAX)
		memcpy(s->buf + s->last + 8, &off, 8);
}

static bool dirent_emit(struct dir_ctx *ctx, const char *name, size_t len, u64 ino, u32 type)
{
	struct dirent_sink *s = container_of(ctx, struct dirent_sink, ctx);
	size_t reclen = ALIGN_UP(DIRENT_HDR + len + 1, (size_t)8);
	char *r = s->buf + s->used;
	u16 rl = (u16)reclen;
	u8 t = (u8)type;
	s64 off = 0;

	if (len > NAME_MAX || reclen > s->size - s->used) {
		s->full = true;
		return false;
	}
	set_prev_off(s);
	memset(r, 0, reclen);
	memcpy(r, &ino, 8);
	memcpy(r + 8, &off, 8);
	memcpy(r + 16, &rl, 2);
	memcpy(r + 18, &t, 1);
	memcpy(r + DIRENT_HDR, name, len);
	s->last = s->used;
	s->used += reclen;
	return true;
}

static u64 parent_ino(struct file *f)
{
	struct path p = f->path;

	while (p.dentry == p.mnt->root && p.mnt->parent) {
		p.dentry = p.mnt->mountpoint;
		p.mnt = p.mnt->parent;
	}
	return p.dentry->parent ? p.dentry->parent->inode->ino : p.dentry->inode->ino;
}

s64 vfs_getdents64(struct file *f, struct uio *u)
{
	struct dirent_sink s;
	s64 ret;
	int err = 0;

	if (!(f->fmode & FMODE_READ) || !f->inode)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode) || !f->ops->iterate)
		return -ENOTDIR;
	s.size = MIN(u->len, (size_t)65536);
	s.buf = kmalloc(s.size ? s.size : 1);
	if (!s.buf)
		return -ENOMEM;
	s.used = 0;
	s.last = SIZE_MAX;
	s.full = false;
	s.ctx.emit = dirent_emit;

	mutex_lock(&f->lock);
	s.ctx.pos = f->pos;
	mutex_lock(&vfs_ns_lock);
	if (s.ctx.pos == 0) {
		if (dirent_emit(&s.ctx, ".", 1, f->inode->ino, DT_DIR))
			s.ctx.pos = 1;
	}
	if (s.ctx.pos == 1) {
		if (dirent_emit(&s.ctx, "..", 2, parent_ino(f), DT_DIR))
			s.ctx.pos = 2;
	}
	if (s.ctx.pos >= 2 && f->inode->nlink != 0)
		err = f->ops->iterate(f, &s.ctx);
	mutex_unlock(&vfs_ns_lock);
	set_prev_off(&s);

	if (err < 0)
		ret = err;
	else if (s.used == 0 && s.full)
		ret = -EINVAL; /* not even one record fit */
	else
		ret = uio_copy_out(u, 0, s.buf, s.used) ? -EFAULT : (s64)s.used;
	if (ret >= 0)
		f->pos = s.ctx.pos;
	mutex_unlock(&f->lock);
	kfree(s.buf);
	return ret;
}

/* ---- the rest of the per-file calls ---- */

long vfs_ioctl(struct file *f, u32 cmd, u64 arg)
{
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}

u32 vfs_poll(struct file *f, struct poll_table *pt)
{
	if (!f->ops->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return f->ops->poll(f, pt);
}

int vfs_fsync(struct file *f)
{
	if (f->ops->fsync)
		return f->ops->fsync(f);
	return f->inode ? 0 : -EINVAL;
}

int vfs_file_permission(struct file *f, const struct cred *cr, int mask)
{
	if (!f->inode)
		return -EBADF;
	return inode_permission(cr, f->inode, mask);
}

s64 vfs_file_path(struct file *f, char *buf, size_t size)
{
	struct path root;
	s64 n;

	if (!f->path.dentry)
		return -ENOENT;
	mutex_lock(&vfs_ns_lock);
	root = vfs_global_root();
	n = vfs_build_path(&f->path, &root, buf, size);
	mutex_unlock(&vfs_ns_lock);
	return n;
}
