/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs.c - the process file system ("proc"): its super block, the
 * directories (/proc, /proc/PID, /proc/PID/fd) and the generated files.
 *
 * Nothing is stored: every directory is synthetic (iop->lookup makes an
 * inode on demand, fop->iterate lists from the process table and fixed
 * tables) and every file's text is produced when it is read at offset 0.
 * The VFS caches what lookup returns as dentries; entries that belong to a
 * process carry (pid, start time) in their procfs_inode and revalidate
 * against the process table, so a process that exited (or a pid that was
 * reused) drops out of the cache on the next walk. Dentries nobody walks
 * again are pruned when /proc (or an fd directory) is looked up or listed,
 * so the cache does not grow with every short-lived process.
 *
 * Generated files keep their text in a per-open buffer (struct procfs_buf):
 * a read at offset 0 produces it afresh, later reads continue in it, so a
 * reader that reads in pieces sees one consistent snapshot.
 *
 * Locking: lookup, revalidate, readlink and iterate run under vfs_ns_lock
 * (they may sleep but call no VFS path function); they read the process
 * table through procfs_pid.c, which takes the process-tree lock only for
 * copies. A procfs_buf's mutex serializes reads of one open file (pread
 * does not take f->lock). procfs_inode data is immutable.
 */
#include "procfs.h"
#include "internal.h"
#include "procfs_internal.h"

#define PROCFS_MAX_FILE (1u << 20) /* largest generated text */
#define ROOT_PID_POS 64		   /* getdents positions of pids in /proc: 64 + pid */
#define PID_INO(pid) ((u64)(pid) << 16)
#define FD_INO_BASE 0x100

static const struct inode_operations root_iops, pid_dir_iops, fd_dir_iops, pid_ent_iops, link_iops,
	pid_link_iops, fd_link_iops;
static const struct file_operations root_fops, pid_dir_fops, fd_dir_fops, gen_fops;
static const struct super_operations procfs_sops;

static s64 link_mounts(struct inode *inode, char *buf, size_t size)
{
	static const char target[] = "self/mounts";
	size_t n = MIN(size, sizeof(target) - 1);

	(void)inode;
	memcpy(buf, target, n);
	return (s64)n;
}

/* /proc: positions 2 + index, then the pids at ROOT_PID_POS + pid. */
const struct procfs_entry procfs_root_entries[] = {
	{"cmdline", S_IFREG | 0444, procfs_gen_cmdline, NULL},
	{"cpuinfo", S_IFREG | 0444, procfs_gen_cpuinfo, NULL},
	{"filesystems", S_IFREG | 0444, procfs_gen_filesystems, NULL},
	{"ipc", S_IFREG | 0444, procfs_gen_ipc, NULL},
	{"loadavg", S_IFREG | 0444, procfs_gen_loadavg, NULL},
	{"meminfo", S_IFREG | 0444, procfs_gen_meminfo, NULL},
	{"mounts", S_IFLNK | 0777, NULL, link_mounts},
	{"self", S_IFLNK | 0777, NULL, procfs_link_self},
	{"stat", S_IFREG | 0444, procfs_gen_stat, NULL},
	{"uptime", S_IFREG | 0444, procfs_gen_uptime, NULL},
	{"version", S_IFREG | 0444, procfs_gen_version, NULL},
};
const size_t procfs_nr_root_entries = ARRAY_SIZE(procfs_root_entries);
STATIC_ASSERT(ARRAY_SIZE(procfs_root_entries) + 2 <= ROOT_PID_POS, "pids follow the fixed entries");

/* /proc/PID: positions 2 + index. */
const struct procfs_entry procfs_pid_entries[] = {
	{"cmdline", S_IFREG | 0444, procfs_gen_pid_cmdline, NULL},
	{"comm", S_IFREG | 0444, procfs_gen_pid_comm, NULL},
	{"cwd", S_IFLNK | 0777, NULL, procfs_link_cwd},
	{"exe", S_IFLNK | 0777, NULL, procfs_link_exe},
	{"fd", S_IFDIR | 0500, NULL, NULL},
	{"mounts", S_IFREG | 0444, procfs_gen_pid_mounts, NULL},
	{"root", S_IFLNK | 0777, NULL, procfs_link_root},
	{"stat", S_IFREG | 0444, procfs_gen_pid_stat, NULL},
	{"statm", S_IFREG | 0444, procfs_gen_pid_statm, NULL},
	{"status", S_IFREG | 0444, procfs_gen_pid_status, NULL},
};
const size_t procfs_nr_pid_entries = ARRAY_SIZE(procfs_pid_entries);
STATIC_ASSERT(ARRAY_SIZE(procfs_pid_entries) + 2 < FD_INO_BASE, "inode numbers do not overlap");

static u32 dt_of(u32 mode)
{
	return (mode >> 12) & 15;
}

/* ---- inodes ---- */

/*
 * A new inode for pi (copied) with the operations its kind and type call
 * for, owned by uid/gid. NULL if out of memory.
 */
static struct inode *procfs_new_inode(struct super_block *sb, u32 mode, u64 ino,
				      const struct procfs_inode *pi, u32 uid, u32 gid)
{
	struct inode *inode = inode_alloc(sb, mode);
	struct procfs_inode *p;
	bool per_pid = pi->kind != PK_ROOT && pi->kind != PK_ROOT_ENT;

	if (!inode)
		return NULL;
	p = kmalloc(sizeof(*p));
	if (!p) {
		inode_put(inode);
		return NULL;
	}
	*p = *pi;
	inode->priv = p;
	inode->ino = ino;
	inode->uid = uid;
	inode->gid = gid;
	switch (pi->kind) {
	case PK_ROOT:
		inode->iop = &root_iops;
		inode->fop = &root_fops;
		break;
	case PK_PID_DIR:
		inode->iop = &pid_dir_iops;
		inode->fop = &pid_dir_fops;
		break;
	case PK_FD_DIR:
		inode->iop = &fd_dir_iops;
		inode->fop = &fd_dir_fops;
		break;
	case PK_FD_LINK:
		inode->iop = &fd_link_iops;
		break;
	default: /* an entry of a fixed table */
		if (S_ISLNK(mode))
			inode->iop = per_pid ? &pid_link_iops : &link_iops;
		else
			inode->iop = per_pid ? &pid_ent_iops : NULL;
		inode->fop = &gen_fops;
		break;
	}
	if (S_ISDIR(mode))
		inode->nlink = 2;
	return inode;
}

static void procfs_evict(struct inode *inode)
{
	kfree(inode->priv);
}

static int procfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	(void)sb;
	memset(st, 0, sizeof(*st));
	st->type = PROCFS_MAGIC;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = NAME_MAX;
	return 0;
}

static const struct super_operations procfs_sops = {
	.evict = procfs_evict,
	.statfs = procfs_statfs,
};

/* ---- revalidation and pruning ---- */

static bool pid_revalidate(struct inode *inode)
{
	struct procfs_inode *pi = procfs_i(inode);

	return procfs_pid_alive(pi->pid, pi->start_ns, NULL, NULL, NULL);
}

static bool fd_revalidate(struct inode *inode)
{
	struct procfs_inode *pi = procfs_i(inode);

	return procfs_fd_open(pi->pid, pi->start_ns, pi->fd, NULL);
}

/* Drop a cached dentry and everything under it (vfs_ns_lock held). */
static void procfs_drop(struct dentry *d)
{
	d_prune_tree(d);
	d_unhash(d);
}

/*
 * Drop the cached directories of processes that are gone (vfs_ns_lock
 * held): they would otherwise stay until a walk revalidates them, which for
 * a process that exited may be never.
 */
static void prune_pids(struct dentry *root)
{
	struct list_head *pos, *next;

	list_for_each_safe (pos, next, &root->children) {
		struct dentry *d = list_entry(pos, struct dentry, child);
		struct procfs_inode *pi = procfs_i(d->inode);

		if (pi->kind == PK_PID_DIR &&
		    !procfs_pid_alive(pi->pid, pi->start_ns, NULL, NULL, NULL))
			procfs_drop(d);
	}
}

/* Same for the entries of closed fds in an fd directory. */
static void prune_fds(struct dentry *dir)
{
	struct list_head *pos, *next;

	list_for_each_safe (pos, next, &dir->children) {
		struct dentry *d = list_entry(pos, struct dentry, child);

		if (!fd_revalidate(d->inode))
			procfs_drop(d);
	}
}

/* ---- names ---- */

/* A decimal number without sign or leading zeros that fits in int; -1 if name is not one. */
static int parse_num(const char *name, size_t len)
{
	int v = 0;

	if (len == 0 || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static const struct procfs_entry *find_entry(const struct procfs_entry *tab, size_t n,
					     const char *name, size_t len, size_t *idx)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, name, len) == 0) {
			*idx = i;
			return &tab[i];
		}
	}
	return NULL;
}

/* ---- /proc ---- */

static int root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct procfs_inode pi = {.kind = PK_ROOT_ENT};
	const struct procfs_entry *e;
	size_t idx;
	u32 uid, gid;
	int pid;

	prune_pids(dir->sb->root);
	e = find_entry(procfs_root_entries, procfs_nr_root_entries, name, len, &idx);
	if (e) {
		pi.ent = e;
		*out = procfs_new_inode(dir->sb, e->mode, 2 + idx, &pi, 0, 0);
		return *out ? 0 : -ENOMEM;
	}
	pid = parse_num(name, len);
	if (pid <= 0 || !procfs_pid_alive(pid, 0, &pi.start_ns, &uid, &gid))
		return -ENOENT;
	pi.kind = PK_PID_DIR;
	pi.pid = pid;
	*out = procfs_new_inode(dir->sb, S_IFDIR | 0555, PID_INO(pid) | 1, &pi, uid, gid);
	return *out ? 0 : -ENOMEM;
}

static int root_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct procfs_pid_ref *refs;
	size_t n, cap = 64;
	int after;
	char name[16];

	for (u64 i = ctx->pos - 2; i < procfs_nr_root_entries; i++) {
		const struct procfs_entry *e = &procfs_root_entries[i];

		if (!ctx->emit(ctx, e->name, strlen(e->name), 2 + i, dt_of(e->mode)))
			return 0;
		ctx->pos = 2 + i + 1;
	}
	if (ctx->pos < ROOT_PID_POS)
		ctx->pos = ROOT_PID_POS;
	prune_pids(f->path.dentry);
	after = (int)MIN(ctx->pos - ROOT_PID_POS, (u64)INT32_MAX) - 1;
	for (;;) {
		refs = kmalloc(cap * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		n = procfs_list_procs(after, refs, cap);
		if (n <= cap)
			break;
		kfree(refs);
		cap = n + 16;
	}
	for (size_t i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), "%d", refs[i].pid);

		if (!ctx->emit(ctx, name, (size_t)len, PID_INO(refs[i].pid) | 1, DT_DIR))
			break;
		ctx->pos = ROOT_PID_POS + (u64)refs[i].pid + 1;
	}
	kfree(refs);
	return 0;
}

/* ---- /proc/PID ---- */

static int pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct procfs_inode *d = procfs_i(dir), pi = *d;
	const struct procfs_entry *e;
	size_t idx;
	u32 uid, gid;

	e = find_entry(procfs_pid_entries, procfs_nr_pid_entries, name, len, &idx);
	if (!e || !procfs_pid_alive(d->pid, d->start_ns, NULL, &uid, &gid))
		return -ENOENT;
	pi.kind = S_ISDIR(e->mode) ? PK_FD_DIR : PK_PID_ENT;
	pi.ent = e;
	*out = procfs_new_inode(dir->sb, e->mode, PID_INO(d->pid) | (2 + idx), &pi, uid, gid);
	return *out ? 0 : -ENOMEM;
}

static int pid_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct procfs_inode *pi = procfs_i(f->inode);

	if (!procfs_pid_alive(pi->pid, pi->start_ns, NULL, NULL, NULL))
		return 0; /* gone while open: an empty directory, as Linux shows it */
	for (u64 i = ctx->pos - 2; i < procfs_nr_pid_entries; i++) {
		const struct procfs_entry *e = &procfs_pid_entries[i];

		if (!ctx->emit(ctx, e->name, strlen(e->name), PID_INO(pi->pid) | (2 + i),
			       dt_of(e->mode)))
			break;
		ctx->pos = 2 + i + 1;
	}
	return 0;
}

/* ---- /proc/PID/fd ---- */

static int fd_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct procfs_inode *d = procfs_i(dir), pi = *d;
	int fd = parse_num(name, len);
	u32 fmode = 0, mode = S_IFLNK;

	if (fd < 0 || fd >= FD_MAX || !procfs_fd_open(d->pid, d->start_ns, fd, &fmode))
		return -ENOENT;
	if (fmode & FMODE_READ)
		mode |= 0500;
	if (fmode & FMODE_WRITE)
		mode |= 0300;
	pi.kind = PK_FD_LINK;
	pi.ent = NULL;
	pi.fd = fd;
	*out = procfs_new_inode(dir->sb, mode, PID_INO(d->pid) | (u64)(FD_INO_BASE + fd), &pi,
				dir->uid, dir->gid);
	return *out ? 0 : -ENOMEM;
}

static int fd_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct procfs_inode *pi = procfs_i(f->inode);
	int *fds, n, from = (int)MIN(ctx->pos - 2, (u64)FD_MAX);
	char name[16];

	prune_fds(f->path.dentry);
	fds = kmalloc(FD_MAX * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	n = procfs_list_fds(pi->pid, pi->start_ns, from, fds, FD_MAX);
	for (int i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), "%d", fds[i]);

		if (!ctx->emit(ctx, name, (size_t)len,
			       PID_INO(pi->pid) | (u64)(FD_INO_BASE + fds[i]), DT_LNK))
			break;
		ctx->pos = 2 + (u64)fds[i] + 1;
	}
	kfree(fds);
	return 0;
}

/* ---- symlinks ---- */

static s64 ent_readlink(struct inode *inode, char *buf, size_t size)
{
	return procfs_i(inode)->ent->link(inode, buf, size);
}

/* ---- generated files ---- */

/* f->priv of an open generated file. */
struct procfs_buf {
	struct mutex lock; /* data, len, filled */
	char *data;
	size_t len;
	bool filled;
};

static int gen_open(struct inode *inode, struct file *f)
{
	struct procfs_buf *b = kzalloc(sizeof(*b));

	(void)inode;
	if (!b)
		return -ENOMEM;
	mutex_init(&b->lock, "procfs_buf");
	f->priv = b;
	return 0;
}

/* Produce the file's text into b (b->lock held), growing the buffer as needed. */
static int gen_fill(struct procfs_buf *b, struct inode *inode)
{
	procfs_gen_t gen = procfs_i(inode)->ent->gen;
	size_t size = 4096;

	for (;;) {
		char *buf = kmalloc(size);
		s64 n;

		if (!buf)
			return -ENOMEM;
		n = gen(inode, buf, size);
		if (n < 0) {
			kfree(buf);
			return (int)n;
		}
		if ((size_t)n < size) {
			kfree(b->data);
			b->data = buf;
			b->len = (size_t)n;
			b->filled = true;
			return 0;
		}
		kfree(buf);
		if ((size_t)n >= PROCFS_MAX_FILE)
			return -EFBIG;
		size = ALIGN_UP((size_t)n + 1, (size_t)4096);
	}
}

static s64 gen_read(struct file *f, struct uio *u, u64 *pos)
{
	struct procfs_buf *b = f->priv;
	s64 ret = 0;
	size_t n;

	mutex_lock(&b->lock);
	if (*pos == 0 || !b->filled) {
		int err = gen_fill(b, f->inode);

		if (err) {
			ret = err;
			goto out;
		}
	}
	if (*pos < b->len) {
		n = MIN(u->len, b->len - (size_t)*pos);
		if (uio_copy_out(u, 0, b->data + *pos, n)) {
			ret = -EFAULT;
			goto out;
		}
		*pos += n;
		ret = (s64)n;
	}
out:
	mutex_unlock(&b->lock);
	return ret;
}

static void gen_release(struct file *f)
{
	struct procfs_buf *b = f->priv;

	if (!b)
		return;
	kfree(b->data);
	kfree(b);
}

/* ---- operation tables ---- */

static const struct inode_operations root_iops = {.lookup = root_lookup};
static const struct file_operations root_fops = {.iterate = root_iterate};
static const struct inode_operations pid_dir_iops = {.lookup = pid_lookup,
						     .revalidate = pid_revalidate};
static const struct file_operations pid_dir_fops = {.iterate = pid_iterate};
static const struct inode_operations fd_dir_iops = {.lookup = fd_lookup,
						    .revalidate = pid_revalidate};
static const struct file_operations fd_dir_fops = {.iterate = fd_iterate};
static const struct inode_operations pid_ent_iops = {.revalidate = pid_revalidate};
static const struct inode_operations link_iops = {.readlink = ent_readlink};
static const struct inode_operations pid_link_iops = {.revalidate = pid_revalidate,
						      .readlink = ent_readlink};
static const struct inode_operations fd_link_iops = {.revalidate = fd_revalidate,
						     .readlink = procfs_fd_readlink};
static const struct file_operations gen_fops = {
	.open = gen_open,
	.read = gen_read,
	.release = gen_release,
};

/* ---- the file-system type ---- */

static int procfs_mount(const struct fs_type *t, const char *source, u64 flags, const void *data,
			struct super_block **out)
{
	struct procfs_inode pi = {.kind = PK_ROOT};
	struct super_block *sb;
	struct inode *root;

	(void)source;
	(void)flags;
	(void)data;
	sb = sb_alloc(t, &procfs_sops, PROCFS_MAGIC);
	if (!sb)
		return -ENOMEM;
	root = procfs_new_inode(sb, S_IFDIR | 0555, 1, &pi, 0, 0);
	if (!root)
		goto out_sb;
	sb->root = d_alloc_root(root);
	if (!sb->root) {
		inode_put(root);
		goto out_sb;
	}
	*out = sb;
	return 0;
out_sb:
	sb_put(sb);
	return -ENOMEM;
}

static struct fs_type procfs_fs_type = {.name = "proc", .mount = procfs_mount};

int procfs_register(void)
{
	int err = vfs_register_fs(&procfs_fs_type);

	return err == -EEXIST ? 0 : err;
}
