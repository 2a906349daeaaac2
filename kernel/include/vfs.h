/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfs.h - the virtual file system (fs/): open files, path lookup, mounts,
 * per-process file-descriptor tables, and the interface file systems and
 * character devices implement.
 *
 * The constants are Linux's x86_64 values (facts of the ABI), so the Linux
 * personality (kernel/linux/) passes flags and modes through unchanged.
 *
 * Contract used by the rest of the kernel (system calls, exec, initramfs,
 * devices): only what is declared in the "public" sections below. The
 * internals (inodes, dentries, super blocks, file-system types) are
 * described in docs/design/vfs.md.
 */
#ifndef MATRIOSKA_VFS_H
#define MATRIOSKA_VFS_H

#include "cred.h"
#include "list.h"
#include "sync.h"
#include "types.h"

/* ---- constants (Linux values) ---- */

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EACCESS 0x200 /* faccessat only */
#define AT_EMPTY_PATH 0x1000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* access() modes */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

/* utimensat special nanosecond values */
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* poll events (Linux values) */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

/* mount flags used so far */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MNT_FORCE 1
#define MNT_DETACH 2

#define NAME_MAX 255
#define PATH_MAX 4096
#define SYMLOOP_MAX 40 /* symlinks followed in one lookup before ELOOP */

/* Device numbers: Linux's encoding (major 12 bits, minor 20 bits). */
#define MKDEV(ma, mi) ((((u64)(ma)&0xfff) << 8) | ((u64)(mi)&0xff) | (((u64)(mi) & ~0xffull) << 12))
#define MAJOR(d) ((u32)(((d) >> 8) & 0xfff))
#define MINOR(d) ((u32)(((d)&0xff) | (((d) >> 12) & 0xfff00)))

struct ktimespec {
	s64 sec;
	s64 nsec;
};

/* What stat() reports (the Linux layer converts it to struct stat / statx). */
struct kstat {
	u64 dev, ino;
	u32 mode, nlink;
	u32 uid, gid;
	u64 rdev;
	s64 size;
	u32 blksize;
	u64 blocks; /* 512-byte units */
	struct ktimespec atime, mtime, ctime;
};

struct kstatfs {
	u64 type; /* magic, e.g. TMPFS_MAGIC 0x01021994 */
	u64 bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
	u64 fsid;
};

/*
 * A buffer a read or write moves data through: user memory (checked
 * copies, may fault: -EFAULT) or kernel memory (exec, initramfs, procfs).
 */
struct uio {
	char *base;
	size_t len;
	bool user;
};
/* Copy n bytes from src to offset off of u (a read's destination). 0 or -EFAULT. */
int uio_copy_out(const struct uio *u, size_t off, const void *src, size_t n) __must_check;
/* Copy n bytes from offset off of u (a write's source) to dst. 0 or -EFAULT. */
int uio_copy_in(void *dst, const struct uio *u, size_t off, size_t n) __must_check;

/* ---- open files ---- */

struct file;
struct inode;
struct dentry;
struct mount;
struct poll_table;
struct epitem;
struct page;

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* A directory-entry sink for getdents: returns false when the buffer is full. */
struct dir_ctx {
	bool (*emit)(struct dir_ctx *ctx, const char *name, size_t len, u64 ino, u32 type);
	u64 pos; /* file-system cookie: where to continue (the file's pos) */
};
/* d_type values for emit */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/*
 * What a file (regular file, directory, device, pipe, tty, procfs entry)
 * does. Every member may be NULL: read/write then fail with -EINVAL,
 * ioctl with -ENOTTY, poll reports POLLIN|POLLOUT, llseek uses the generic
 * rule (-ESPIPE for pipes and ttys, which set FMODE_NOSEEK).
 */
struct file_operations {
	int (*open)(struct inode *inode, struct file *f); /* after the file is set up */
	/* Move up to u->len bytes at *pos; advance *pos. Bytes moved or -errno. */
	s64 (*read)(struct file *f, struct uio *u, u64 *pos);
	s64 (*write)(struct file *f, struct uio *u, u64 *pos);
	s64 (*llseek)(struct file *f, s64 off, int whence);
	/* arg is the raw syscall argument (often a user pointer). */
	long (*ioctl)(struct file *f, u32 cmd, u64 arg);
	/* POLL* mask now; poll_wait(pt, wq) each queue if pt != NULL. Must not sleep. */
	u32 (*poll)(struct file *f, struct poll_table *pt);
	int (*iterate)(struct file *f, struct dir_ctx *ctx); /* directories */
	int (*fsync)(struct file *f);
	void (*release)(struct file *f); /* last reference dropped */
	/*
	 * Regular files whose data lives in whole pages (tmpfs): *out = the
	 * page holding bytes [index * PAGE_SIZE, (index + 1) * PAGE_SIZE), with
	 * a reference taken for the caller (page_put it). Bytes of it beyond
	 * the end of the file read as zero. -ENOENT: no page there (a hole, or
	 * past the end), which reads as zeros. The page stays the file's: the
	 * caller may map it copy-on-write (vm_map_page) but never write it.
	 * Called without locks held. NULL: the file system cannot share its
	 * pages; callers copy through read (vfs_get_page says -ENODEV).
	 */
	int (*get_page)(struct file *f, u64 index, struct page **out);
	/*
	 * get_page for a shared mapping (MAP_SHARED): the page is written by
	 * the mapping; a hole inside the file gets a new zeroed page that the
	 * file keeps. -ENXIO at or past the end of the file, -ENOMEM.
	 */
	int (*get_page_shared)(struct file *f, u64 index, struct page **out);
};

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_NOSEEK 0x4

/*
 * An open-file description: shared by dup()ed descriptors and across fork.
 * Reference counted; the last file_put() calls ops->release.
 */
struct file {
	u32 refcount; /* atomic */
	u32 flags;    /* O_* status flags (O_APPEND, O_NONBLOCK, ...); under lock */
	u32 fmode;    /* FMODE_* */
	u64 pos;      /* under lock for files with a position */
	struct mutex lock;
	const struct file_operations *ops;
	struct inode *inode; /* NULL for anonymous files (pipes before they get one) */
	struct path path;    /* where it was opened (procfs /proc/PID/fd, fchdir) */
	void *priv;	     /* owner's data (device, pipe, tty, procfs buffer) */
	/* The epoll items watching this file (fs/epoll.c's, under its epoll_global). */
	struct epitem *epoll_items;
};

/* Does f say O_NONBLOCK (fcntl may change it any time: read once)? */
static inline bool file_nonblock(const struct file *f)
{
	return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

struct file *file_get(struct file *f);
void file_put(struct file *f);
/* The last reference to a watched file went: every epoll forgets it (fs/epoll.c). */
void epoll_file_release(struct file *f);
/*
 * A file with no name (pipes, sockets later): fmode from flags' access
 * mode, ops and priv as given, one reference. NULL if out of memory.
 */
struct file *file_alloc_anon(const struct file_operations *ops, void *priv, u32 flags);

/* ---- poll support (fs/poll.c) ---- */

struct wait_queue;
/* Called by a file's poll method: wake the poller when wq is woken. */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

/* ---- per-process state: root, cwd, umask ---- */

struct fs_struct {
	u32 refcount; /* atomic (shared by CLONE_FS) */
	struct spinlock lock;
	struct path root, cwd;
	u32 umask;
};
/* The initial one: root and cwd = the root of the mount tree, umask 022. */
struct fs_struct *fs_struct_create(void);
struct fs_struct *fs_struct_clone(struct fs_struct *fs);
void fs_struct_put(struct fs_struct *fs);

/*
 * Where a path lookup starts and with whose rights: relative paths start at
 * dir (an open directory, for the *at calls) or, when dir is NULL, at
 * fs->cwd; absolute ones at fs->root.
 */
struct vfs_ctx {
	struct fs_struct *fs;
	const struct cred *cred;
	struct file *dir;
};

/* ---- the file-system calls (each checks permissions with ctx->cred) ---- */

void vfs_init(void); /* file-system types registered, tmpfs mounted at /; idempotent */

int vfs_open(const struct vfs_ctx *c, const char *path, int flags, u32 mode, struct file **out)
	__must_check;
s64 vfs_read(struct file *f, struct uio *u);  /* at f->pos, advancing it */
s64 vfs_write(struct file *f, struct uio *u); /* O_APPEND honoured */
s64 vfs_pread(struct file *f, struct uio *u, u64 off);
/*
 * The file system's own page for page `index` of f (see
 * file_operations.get_page), referenced; -ENODEV when the file system
 * does not share its pages, -EBADF when f is not open for reading.
 */
int vfs_get_page(struct file *f, u64 index, struct page **out) __must_check;
/* file_operations.get_page_shared; -ENODEV without it, -EBADF when f is not readable. */
int vfs_get_page_shared(struct file *f, u64 index, struct page **out) __must_check;
/*
 * An unlinked tmpfs file of size bytes, open read-write (the memory object
 * behind MAP_SHARED|MAP_ANONYMOUS). 0 or -ENOMEM/-EFBIG.
 */
int tmpfs_anon_file(u64 size, struct file **out) __must_check;
/* Data pages held by every tmpfs, shared anonymous memory included (/proc/meminfo's Shmem). */
u64 tmpfs_total_pages(void);
s64 vfs_pwrite(struct file *f, struct uio *u, u64 off);
s64 vfs_lseek(struct file *f, s64 off, int whence);
/* Fill u with struct linux_dirent64 records; bytes written, 0 at the end. */
s64 vfs_getdents64(struct file *f, struct uio *u);
long vfs_ioctl(struct file *f, u32 cmd, u64 arg);
u32 vfs_poll(struct file *f, struct poll_table *pt);
int vfs_fsync(struct file *f);

/* at_flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (then path "" means c->dir). */
int vfs_stat(const struct vfs_ctx *c, const char *path, int at_flags, struct kstat *st);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_statfs(const struct vfs_ctx *c, const char *path, struct kstatfs *st);
int vfs_fstatfs(struct file *f, struct kstatfs *st);
int vfs_access(const struct vfs_ctx *c, const char *path, int mode, int at_flags);
int vfs_mkdir(const struct vfs_ctx *c, const char *path, u32 mode);
/* mode includes the type (S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK). */
int vfs_mknod(const struct vfs_ctx *c, const char *path, u32 mode, u64 dev);
int vfs_unlink(const struct vfs_ctx *c, const char *path);
int vfs_rmdir(const struct vfs_ctx *c, const char *path);
int vfs_rename(const struct vfs_ctx *oc, const char *oldpath, const struct vfs_ctx *nc,
	       const char *newpath, u32 flags);
int vfs_link(const struct vfs_ctx *oc, const char *oldpath, const struct vfs_ctx *nc,
	     const char *newpath, int at_flags);
int vfs_symlink(const char *target, const struct vfs_ctx *c, const char *linkpath);
/* Copies at most size bytes (no NUL); returns the length copied. */
s64 vfs_readlink(const struct vfs_ctx *c, const char *path, char *buf, size_t size);
int vfs_chmod(const struct vfs_ctx *c, const char *path, u32 mode, int at_flags);
int vfs_fchmod(struct file *f, const struct cred *cr, u32 mode);
/* uid/gid (u32)-1 = leave unchanged. */
int vfs_chown(const struct vfs_ctx *c, const char *path, u32 uid, u32 gid, int at_flags);
int vfs_fchown(struct file *f, const struct cred *cr, u32 uid, u32 gid);
int vfs_truncate(const struct vfs_ctx *c, const char *path, s64 len);
int vfs_ftruncate(struct file *f, const struct cred *cr, s64 len);
/* times NULL = both now; otherwise [0] atime, [1] mtime, with UTIME_NOW/UTIME_OMIT. */
int vfs_utimens(const struct vfs_ctx *c, const char *path, const struct ktimespec *times,
		int at_flags);
int vfs_futimens(struct file *f, const struct cred *cr, const struct ktimespec *times);
int vfs_chdir(const struct vfs_ctx *c, const char *path);
int vfs_fchdir(struct fs_struct *fs, struct file *dir);
int vfs_chroot(const struct vfs_ctx *c, const char *path);
/* The cwd's absolute path (relative to fs->root) with its NUL; length incl. NUL or -ERANGE. */
s64 vfs_getcwd(struct fs_struct *fs, char *buf, size_t size);
/* The absolute path of an open file (for /proc/PID/fd, /proc/PID/exe). */
s64 vfs_file_path(struct file *f, char *buf, size_t size);
int vfs_mount(const struct vfs_ctx *c, const char *source, const char *target, const char *fstype,
	      u64 flags, const void *data);
int vfs_umount(const struct vfs_ctx *c, const char *target, int flags);
/* One line per mount in /proc/mounts format, into buf; total length (may exceed size). */
size_t vfs_format_mounts(struct fs_struct *fs, char *buf, size_t size);
/* Does cr have `mask` (R_OK|W_OK|X_OK) on the open file's inode? */
int vfs_file_permission(struct file *f, const struct cred *cr, int mask);

/* ---- file-descriptor tables ---- */

#define FD_MAX 1024 /* RLIMIT_NOFILE */

struct fdtable;
struct fdtable *fdtable_create(void);
/* A copy for fork: every open file gets one more reference. */
struct fdtable *fdtable_clone(struct fdtable *t);
struct fdtable *fdtable_get(struct fdtable *t); /* CLONE_FILES sharing */
void fdtable_put(struct fdtable *t);		/* last put closes everything */
/*
 * Install f (consuming the caller's reference) at the lowest free fd >= minfd. fd or -EMFILE
 * (-EINVAL if minfd is out of range); on an error the caller keeps its reference.
 */
int fd_install(struct fdtable *t, struct file *f, int minfd, bool cloexec);
/* A new reference to the file at fd, or NULL (EBADF). */
struct file *fd_get(struct fdtable *t, int fd);
int fd_close(struct fdtable *t, int fd);
/* dup2/dup3: newfd closed first if open; oldfd == newfd returns newfd. */
int fd_dup2(struct fdtable *t, int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(struct fdtable *t, int fd); /* 0/1 or -EBADF */
int fd_set_cloexec(struct fdtable *t, int fd, bool on);
void fdtable_close_on_exec(struct fdtable *t);
/* Call fn for every open fd (procfs listing); stops early when fn returns false. */
void fdtable_for_each(struct fdtable *t, bool (*fn)(int fd, struct file *f, void *arg), void *arg);

/* ---- devices (fs/devfs.c) ---- */

/*
 * Register a character device: it appears as /dev/<name> (name may contain
 * one '/' level, e.g. "pts/0") with the given mode, and opening any inode
 * whose rdev is `dev` (a mknod'ed node in tmpfs too) uses fops with
 * f->priv = priv. -EEXIST if dev or name is taken.
 */
int chrdev_register(const char *name, u64 dev, u32 mode, const struct file_operations *fops,
		    void *priv);

/* ======================================================================
 * Internals: for file-system implementations (tmpfs, devfs, procfs) and
 * host tests only. System calls use the public part above. The model and
 * the locking rules are in docs/design/vfs.md.
 * ====================================================================== */

struct super_block;
struct fs_type;

/*
 * What an inode does beyond the generic behaviour. Every member may be
 * NULL. Called with the namespace lock held (lookup, revalidate, readlink)
 * or with inode->lock held (truncate); none may call back into the VFS's
 * path calls.
 */
struct inode_operations {
	/*
	 * Synthetic directories (procfs): find `name` (len bytes, no NUL) in
	 * dir; *out = a new inode (one reference). -ENOENT if there is none.
	 * NULL: the dentry cache is the whole directory (tmpfs, devfs).
	 */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* Is a cached inode still there (procfs: does its process exist)? NULL: yes. */
	bool (*revalidate)(struct inode *inode);
	/* Symlinks: copy the target (no NUL) into buf; its length or -errno. NULL: inode->link. */
	s64 (*readlink)(struct inode *inode, char *buf, size_t size);
	/* Regular files: change the size; inode->lock held. NULL: -EINVAL. */
	int (*truncate)(struct inode *inode, u64 size);
};

struct super_operations {
	/*
	 * A new inode of type and permissions `mode` (rdev for device nodes)
	 * for mkdir/mknod/creat/symlink, one reference. NULL: the file system
	 * cannot create (-EPERM).
	 */
	struct inode *(*alloc_inode)(struct super_block *sb, u32 mode, u64 rdev);
	/* Free the file system's part of an inode at its last reference. */
	void (*evict)(struct inode *inode);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* The super block goes away (after its last inode). */
	void (*put_super)(struct super_block *sb);
};

/*
 * A mounted file-system instance. refcount counts its live inodes plus one
 * while mounted; the last sb_put calls ops->put_super and frees it.
 */
struct super_block {
	u32 refcount;  /* atomic */
	u32 mounts;    /* struct mount using it; under the namespace lock */
	u64 dev;       /* st_dev of its inodes */
	u64 magic;     /* statfs f_type */
	u64 next_ino;  /* atomic; inode numbers handed out */
	u64 nr_inodes; /* atomic; live inodes */
	struct dentry *root;
	const struct fs_type *type;
	const struct super_operations *ops;
	void *priv;
};

/*
 * An inode: one file-system object. Reference counted (dentries and open
 * files hold references); freed (ops->evict, then memory) at the last
 * inode_put, which for tmpfs happens once the last link and the last open
 * file are gone. The immutable fields (ino, type bits of mode, rdev, sb,
 * iop, fop) never change; the rest is under lock.
 */
struct inode {
	u32 refcount; /* atomic */
	struct mutex lock;
	u64 ino;
	u32 mode, nlink, uid, gid; /* under lock */
	u64 rdev;
	s64 size;			      /* under lock */
	u64 blocks;			      /* 512-byte units in use; under lock */
	struct ktimespec atime, mtime, ctime; /* under lock */
	u64 next_cookie; /* directories: getdents position of the next entry; namespace lock */
	struct super_block *sb;
	const struct inode_operations *iop;
	const struct file_operations *fop; /* what vfs_open gives regular files and dirs */
	char *link;			   /* symlink target (kmalloc'd, NUL-terminated) */
	void *priv;			   /* the file system's data */
};

/*
 * A name in a directory. Dentries form the tree of every file system
 * (tmpfs has no other directory structure). There are no negative
 * dentries: inode is never NULL.
 *
 * A dentry is "hashed" while it is linked into its parent's children. It
 * is freed when it is unhashed and no reference is left: references come
 * from struct path (open files, cwd, root, mounts) and from children
 * (each child holds one on its parent). refcount and hashed change under
 * the dentry lock (fs/dcache.c); parent, name, children, cookie and
 * mounted under the namespace lock.
 */
struct dentry {
	u32 refcount;
	bool hashed;
	u32 mounted;		/* mounts on this dentry */
	u64 cookie;		/* position in the parent for getdents (>= 2) */
	struct dentry *parent;	/* NULL for a super block's root */
	struct inode *inode;	/* holds a reference */
	struct list_head child; /* in parent->children, in cookie order */
	struct list_head children;
	struct list_head hash_link; /* in the name hash (dcache.c) while in a parent's children */
	u16 namelen;
	char name[NAME_MAX + 1];
};

/* A mount: sb's tree, from `root`, attached at mountpoint in parent. */
struct mount {
	u32 refcount;		   /* atomic: struct path references (busy when > 0) */
	struct mount *parent;	   /* NULL for the root of the tree */
	struct dentry *mountpoint; /* in parent; holds a reference */
	struct dentry *root;	   /* holds a reference */
	struct super_block *sb;
	u64 flags;	       /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
	struct list_head link; /* in the mount table, oldest first */
	char source[64];
};

/* A file-system type, found by name by mount(2). */
struct fs_type {
	const char *name;
	/* A new super block with its root dentry (sb->root) and one reference. */
	int (*mount)(const struct fs_type *t, const char *source, u64 flags, const void *data,
		     struct super_block **out);
	struct list_head link;
};

int vfs_register_fs(struct fs_type *t); /* -EEXIST if the name is taken */

/* Super blocks: refcount 1, a fresh device number. NULL if out of memory. */
struct super_block *sb_alloc(const struct fs_type *t, const struct super_operations *ops,
			     u64 magic);
void sb_put(struct super_block *sb);

/*
 * A new inode on sb (refcount 1, nlink 1, ino assigned, times now, owner
 * root, iop/fop/priv NULL for the caller to fill). NULL if out of memory.
 */
struct inode *inode_alloc(struct super_block *sb, u32 mode);
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);

/* The root dentry of a new super block (takes over the caller's inode reference). */
struct dentry *d_alloc_root(struct inode *inode);
/*
 * Link inode (taking over the caller's reference) under parent as `name`;
 * the namespace lock must be held, except while building a super block
 * nobody can see yet. -EEXIST if the name is there, -ENOMEM.
 */
int d_add_child(struct dentry *parent, const char *name, size_t len, struct inode *inode);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);

/* lseek without a method: SEEK_SET/CUR/END against f->pos and inode->size. */
s64 generic_llseek(struct file *f, s64 off, int whence);

/* The directory file operations of a dcache-only directory (tmpfs, devfs). */
extern const struct file_operations dcache_dir_fops;

/* Current wall-clock time: clock_ns() plus the realtime offset. */
struct ktimespec vfs_now(void);
void vfs_set_realtime_offset(s64 ns);
/* Permission check of mask (R_OK|W_OK|X_OK) on inode by cr (classic mode bits). */
int inode_permission(const struct cred *cr, struct inode *inode, int mask);

/* Host tests: unmount everything and free the tree (no reference may be left). */
void vfs_shutdown(void);

#define TMPFS_MAGIC 0x01021994

#endif
