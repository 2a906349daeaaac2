/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/tmpfs.c - tmpfs: the file system in memory that is mounted at / and
 * can be mounted again ("tmpfs"). Directories are the dentry tree itself
 * (no other structure); regular files keep their data in whole pages from
 * the page allocator, found through a two-level table (a growing top
 * array of 512-entry leaves), so a sparse file costs only the pages
 * written and holes read as zeros. Symlinks keep their target in
 * inode->link; device nodes, FIFOs and sockets are plain inodes whose
 * type and rdev vfs_open looks at.
 *
 * Invariant: bytes of an allocated page beyond i_size are zero (truncate
 * clears the tail it cuts), so growing a file never exposes old data.
 *
 * Sharing: get_page hands a file's page itself to exec and mmap, which map
 * it copy-on-write (vm_map_page) instead of copying it. The file holds one
 * reference on each of its pages (page->refcount), every mapping one more;
 * the file drops its reference when the page leaves it (truncate, evict),
 * so a page still mapped stays valid for its mappings, and while it is the
 * file's its count stays above 1 in any mapping, so a write fault copies it.
 * Writes through write() land in the shared page (mappings that have not
 * written the page see them, as on Linux). get_page_shared hands a page to
 * a shared mapping (MAP_SHARED), which writes it in place: it fills holes
 * so that every mapping and read() see one page, and says -ENXIO past the
 * end (SIGBUS). Shared anonymous memory is an unlinked file of an internal
 * tmpfs (tmpfs_anon_file).
 *
 * Locking: read, write and truncate hold the inode mutex (truncate is
 * called with it), which orders them and covers the size. The page table
 * itself (and the block count) is also under the file's spinlock
 * (tmpfs_file.lock), held only around lookups and changes, never across a
 * user copy: get_page and get_page_shared take just that spinlock, because
 * a mapping faults them in from inside read() or write() of the same file
 * (read(fd, a mapping of fd, n)) with the inode mutex held. Shrinking sets
 * the size and drops the pages under the spinlock too, so get_page_shared
 * (which checks the size under it) never fills a page past the new end.
 * The per-super-block page count is atomic. Memory goes back to the page
 * allocator in evict, at the inode's last reference (last link and last
 * open file gone).
 *
 * Size: like Linux's default, each mounted tmpfs holds at most half of RAM
 * in data pages (what statfs reports); past that, writes get ENOSPC, so a
 * program filling /tmp meets a full file system instead of the OOM killer,
 * which could only pick some process (file pages are in nobody's resident
 * set). The check and the count are not one atomic step: concurrent writers
 * may overshoot by a page each. Shared anonymous memory is not limited.
 */
#include "internal.h"

#define LEAF_ENTRIES (PAGE_SIZE / sizeof(void *))
#define TMPFS_MAX_BYTES (1ull << 36) /* 64 GiB per file: a top array of 32768 leaves */

struct tmpfs_sb {
	u64 pages;	/* atomic: data pages in use */
	bool unlimited; /* the internal one of shared anonymous memory: no size limit */
};

struct tmpfs_file {
	struct spinlock lock; /* top, ntop, the leaves and inode->blocks (see above) */
	void ***top;	      /* top[i][j]: page (i * LEAF_ENTRIES + j), or NULL (a hole) */
	u64 ntop;
};

static const char zero_page[PAGE_SIZE];
static u64 tmpfs_all_pages; /* atomic: data pages of every tmpfs (/proc/meminfo's Shmem) */

static const struct inode_operations tmpfs_file_iops;
static const struct inode_operations tmpfs_other_iops;
static const struct file_operations tmpfs_file_fops;
static const struct super_operations tmpfs_sops;

static struct tmpfs_sb *tsb(struct inode *inode)
{
	return inode->sb->priv;
}

/*
 * Half of RAM as last read (atomic). RAM handed to the page allocator only
 * grows (the initramfs's pages come back after boot), so a count below this
 * is below the real limit: only near it is the allocator asked again
 * (mm_stats_get takes its lock and sums every CPU's cache).
 */
static u64 tmpfs_half_ram;

/* May sb take one more data page? (the size limit above) */
static bool tmpfs_has_room(struct tmpfs_sb *s)
{
	u64 used = __atomic_load_n(&s->pages, __ATOMIC_RELAXED);
	struct mm_stats ms;

	if (s->unlimited || used < __atomic_load_n(&tmpfs_half_ram, __ATOMIC_RELAXED))
		return true;
	mm_stats_get(&ms);
	__atomic_store_n(&tmpfs_half_ram, ms.total_pages / 2, __ATOMIC_RELAXED);
	return used < ms.total_pages / 2;
}

/*
 * The page at index idx of a regular file, allocated if alloc; NULL: hole,
 * no memory or the file system is full. The file's spinlock is held.
 */
static char *tmpfs_page(struct inode *inode, u64 idx, bool alloc)
{
	struct tmpfs_file *tf = inode->priv;
	u64 t = idx / LEAF_ENTRIES, l = idx % LEAF_ENTRIES;
	void **leaf;

	if (t >= tf->ntop) {
		u64 n = MAX(t + 1, tf->ntop * 2);
		void ***top;

		if (!alloc)
			return NULL;
		top = kzalloc(n * sizeof(*top));
		if (!top)
			return NULL;
		if (tf->ntop)
			memcpy(top, tf->top, tf->ntop * sizeof(*top));
		kfree(tf->top);
		tf->top = top;
		tf->ntop = n;
	}
	leaf = tf->top[t];
	if (!leaf) {
		if (!alloc)
			return NULL;
		leaf = kzalloc(LEAF_ENTRIES * sizeof(*leaf));
		if (!leaf)
			return NULL;
		tf->top[t] = leaf;
	}
	if (!leaf[l] && alloc) {
		if (!tmpfs_has_room(tsb(inode)))
			return NULL;
		leaf[l] = page_alloc_addr(0, PAF_ZERO);
		if (leaf[l]) {
			inode->blocks += PAGE_SIZE / 512;
			__atomic_add_fetch(&tsb(inode)->pages, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&tmpfs_all_pages, 1, __ATOMIC_RELAXED);
		}
	}
	return leaf[l];
}

/* Free every page at index >= first (and leaves left empty); the file's spinlock is held. */
static void tmpfs_free_from(struct inode *inode, u64 first)
{
	struct tmpfs_file *tf = inode->priv;

	for (u64 t = first / LEAF_ENTRIES; t < tf->ntop; t++) {
		void **leaf = tf->top[t];
		u64 l0 = t == first / LEAF_ENTRIES ? first % LEAF_ENTRIES : 0;

		if (!leaf)
			continue;
		for (u64 l = l0; l < LEAF_ENTRIES; l++) {
			if (!leaf[l])
				continue;
			page_put(virt_to_page(leaf[l])); /* mappings may still hold it */
			leaf[l] = NULL;
			inode->blocks -= PAGE_SIZE / 512;
			__atomic_sub_fetch(&tsb(inode)->pages, 1, __ATOMIC_RELAXED);
			__atomic_sub_fetch(&tmpfs_all_pages, 1, __ATOMIC_RELAXED);
		}
		if (l0 == 0) {
			kfree(leaf);
			tf->top[t] = NULL;
		}
	}
}

static int tmpfs_truncate(struct inode *inode, u64 size)
{
	struct tmpfs_file *tf = inode->priv;

	if (size > TMPFS_MAX_BYTES)
		return -EFBIG;
	spin_lock(&tf->lock);
	if (size < (u64)inode->size) {
		u64 in = size % PAGE_SIZE;

		tmpfs_free_from(inode, ALIGN_UP(size, (u64)PAGE_SIZE) / PAGE_SIZE);
		if (in) {
			char *page = tmpfs_page(inode, size / PAGE_SIZE, false);

			if (page)
				memset(page + in, 0, PAGE_SIZE - in);
		}
	}
	__atomic_store_n(&inode->size, (s64)size, __ATOMIC_RELAXED);
	spin_unlock(&tf->lock);
	return 0;
}

/* tmpfs_page under the file's spinlock (read and write: never held across a user copy). */
static char *tmpfs_page_locked(struct inode *inode, u64 idx, bool alloc)
{
	struct tmpfs_file *tf = inode->priv;
	char *page;

	spin_lock(&tf->lock);
	page = tmpfs_page(inode, idx, alloc);
	spin_unlock(&tf->lock);
	return page;
}

static s64 tmpfs_read(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0, len;
	s64 ret = 0;

	mutex_lock(&inode->lock);
	if (*pos >= (u64)inode->size)
		goto out;
	len = (size_t)MIN((u64)u->len, (u64)inode->size - *pos);
	while (done < len) {
		u64 off = *pos + done;
		size_t in = off % PAGE_SIZE, n = MIN(PAGE_SIZE - in, len - done);
		const char *page = tmpfs_page_locked(inode, off / PAGE_SIZE, false);

		if (uio_copy_out(u, done, page ? page + in : zero_page, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	if (done) {
		*pos += done;
		ret = (s64)done;
	}
out:
	mutex_unlock(&inode->lock);
	return ret;
}

static s64 tmpfs_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0, len;
	s64 ret = 0;
	u64 start;

	mutex_lock(&inode->lock);
	start = (f->flags & O_APPEND) ? (u64)inode->size : *pos;
	if (u->len == 0)
		goto out;
	if (start >= TMPFS_MAX_BYTES) {
		ret = -EFBIG;
		goto out;
	}
	len = (size_t)MIN((u64)u->len, TMPFS_MAX_BYTES - start);
	while (done < len) {
		u64 off = start + done;
		size_t in = off % PAGE_SIZE, n = MIN(PAGE_SIZE - in, len - done);
		char *page = tmpfs_page_locked(inode, off / PAGE_SIZE, true);

		if (!page) {
			ret = -ENOSPC;
			break;
		}
		if (uio_copy_in(page + in, u, done, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	if (done) {
		if (start + done > (u64)inode->size)
			__atomic_store_n(&inode->size, (s64)(start + done), __ATOMIC_RELAXED);
		inode->mtime = inode->ctime = vfs_now();
		*pos = start + done;
		ret = (s64)done;
	}
out:
	mutex_unlock(&inode->lock);
	return ret;
}

static s64 tmpfs_llseek(struct file *f, s64 off, int whence);

/*
 * The page at index, referenced for the caller; -ENOENT for a hole or past
 * the end. Only the file's spinlock: a fault from inside read()/write() of
 * this very file comes here with the inode mutex held.
 */
static int tmpfs_get_page(struct file *f, u64 index, struct page **out)
{
	struct inode *inode = f->inode;
	struct tmpfs_file *tf = inode->priv;
	int err = -ENOENT;
	char *page;

	spin_lock(&tf->lock);
	page = tmpfs_page(inode, index, false);
	if (page) {
		*out = virt_to_page(page);
		page_get(*out);
		err = 0;
	}
	spin_unlock(&tf->lock);
	return err;
}

/* The page at index for a shared mapping: a hole gets a page; -ENXIO past the end. */
static int tmpfs_get_page_shared(struct file *f, u64 index, struct page **out)
{
	struct inode *inode = f->inode;
	struct tmpfs_file *tf = inode->priv;
	int err = -ENXIO;
	char *page;

	spin_lock(&tf->lock); /* not the inode mutex: see tmpfs_get_page */
	if (index < ALIGN_UP((u64)__atomic_load_n(&inode->size, __ATOMIC_RELAXED), (u64)PAGE_SIZE) /
			    PAGE_SIZE) {
		page = tmpfs_page(inode, index, true);
		err = -ENOMEM;
		if (page) {
			*out = virt_to_page(page);
			page_get(*out);
			err = 0;
		}
	}
	spin_unlock(&tf->lock);
	return err;
}

static const struct inode_operations tmpfs_file_iops = {
	.truncate = tmpfs_truncate,
};

static const struct inode_operations tmpfs_other_iops;

static const struct file_operations tmpfs_file_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = tmpfs_llseek,
	.get_page = tmpfs_get_page,
	.get_page_shared = tmpfs_get_page_shared,
};

/* Generic seeking, plus Linux's SEEK_DATA (3) / SEEK_HOLE (4) treating the file as all data. */
static s64 tmpfs_llseek(struct file *f, s64 off, int whence)
{
	s64 size;

	if (whence != 3 && whence != 4)
		return generic_llseek(f, off, whence);
	mutex_lock(&f->inode->lock);
	size = f->inode->size;
	mutex_unlock(&f->inode->lock);
	if (off < 0 || off >= size)
		return -ENXIO;
	mutex_lock(&f->lock);
	f->pos = (u64)(whence == 3 ? off : size);
	mutex_unlock(&f->lock);
	return whence == 3 ? off : size;
}

struct inode *tmpfs_alloc_inode(struct super_block *sb, u32 mode, u64 rdev)
{
	struct inode *inode = inode_alloc(sb, mode);

	if (!inode)
		return NULL;
	inode->iop = &tmpfs_other_iops;
	if (S_ISREG(mode)) {
		inode->priv = kzalloc(sizeof(struct tmpfs_file));
		if (!inode->priv) {
			inode_put(inode);
			return NULL;
		}
		spin_init(&((struct tmpfs_file *)inode->priv)->lock, "tmpfs_file", LOCK_RANK_NONE);
		inode->iop = &tmpfs_file_iops;
		inode->fop = &tmpfs_file_fops;
	} else if (S_ISDIR(mode)) {
		inode->fop = &dcache_dir_fops;
		inode->nlink = 2;
	} else if (S_ISCHR(mode) || S_ISBLK(mode)) {
		inode->rdev = rdev;
	}
	return inode;
}

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_file *tf = inode->priv;

	if (!S_ISREG(inode->mode) || !tf)
		return;
	tmpfs_free_from(inode, 0);
	kfree(tf->top);
	kfree(tf);
	inode->priv = NULL;
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb *s = sb->priv;
	struct mm_stats ms;
	u64 used = __atomic_load_n(&s->pages, __ATOMIC_RELAXED);
	u64 limit;

	mm_stats_get(&ms);
	limit = MAX(ms.total_pages / 2, used); /* Linux's default size: half of RAM */
	st->blocks = limit;
	st->bfree = st->bavail = MIN(limit - used, ms.free_pages);
	st->files = limit;
	st->ffree = limit - MIN(limit, __atomic_load_n(&sb->nr_inodes, __ATOMIC_RELAXED));
	return 0;
}

static void tmpfs_put_super(struct super_block *sb)
{
	kfree(sb->priv);
}

static const struct super_operations tmpfs_sops = {
	.alloc_inode = tmpfs_alloc_inode,
	.evict = tmpfs_evict,
	.statfs = tmpfs_statfs,
	.put_super = tmpfs_put_super,
};

/* "mode=OCTAL" in a comma-separated option string sets the root's mode. */
static u32 root_mode_option(const char *data, u32 def)
{
	const char *p = data;

	while (p && *p) {
		if (strncmp(p, "mode=", 5) == 0) {
			u32 m = 0;

			for (p += 5; *p >= '0' && *p <= '7'; p++)
				m = (m << 3) | (u32)(*p - '0');
			if (!*p || *p == ',')
				return m & 07777;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return def;
}

int tmpfs_new_super_mode(const struct fs_type *t, u64 magic, u32 root_mode,
			 struct super_block **out)
{
	struct super_block *sb = sb_alloc(t, &tmpfs_sops, magic);
	struct inode *root;

	if (!sb)
		return -ENOMEM;
	sb->priv = kzalloc(sizeof(struct tmpfs_sb));
	if (!sb->priv)
		goto out_sb;
	root = tmpfs_alloc_inode(sb, S_IFDIR | root_mode, 0);
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

static int tmpfs_mount(const struct fs_type *t, const char *source, u64 flags, const void *data,
		       struct super_block **out)
{
	/* The root file system is 0755; later tmpfs mounts are 1777 like Linux's. */
	u32 def = source && strcmp(source, "rootfs") == 0 ? 0755 : 01777;

	return tmpfs_new_super_mode(t, TMPFS_MAGIC, root_mode_option(data, def), out);
}

u64 tmpfs_total_pages(void)
{
	return __atomic_load_n(&tmpfs_all_pages, __ATOMIC_RELAXED);
}

/* The internal tmpfs of shared anonymous memory, made on first use and kept. */
static struct super_block *tmpfs_anon_sb;

int tmpfs_anon_file(u64 size, struct file **out)
{
	struct super_block *sb = __atomic_load_n(&tmpfs_anon_sb, __ATOMIC_ACQUIRE), *none = NULL;
	struct inode *inode;
	struct file *f;
	int err;

	if (size > TMPFS_MAX_BYTES)
		return -EFBIG;
	if (!sb) {
		err = tmpfs_new_super_mode(&tmpfs_fs_type, TMPFS_MAGIC, 01777, &sb);
		if (err)
			return err;
		((struct tmpfs_sb *)sb->priv)->unlimited = true;
		if (!__atomic_compare_exchange_n(&tmpfs_anon_sb, &none, sb, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			sb_put(sb); /* another caller made it first */
			sb = none;
		}
	}
	inode = tmpfs_alloc_inode(sb, S_IFREG | 0600, 0);
	if (!inode)
		return -ENOMEM;
	inode->nlink = 0; /* never linked anywhere */
	inode->size = (s64)size;
	f = file_alloc_anon(&tmpfs_file_fops, NULL, O_RDWR);
	if (!f) {
		inode_put(inode);
		return -ENOMEM;
	}
	f->inode = inode; /* the file's reference */
	*out = f;
	return 0;
}

struct fs_type tmpfs_fs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
};
