/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/internal.h - declarations shared by the VFS's own files (fs/) and
 * nobody else: the namespace lock, the path walk, the mount table, the
 * built-in file systems' set-up and the character-device registry.
 *
 * Lock order (outermost first; see docs/design/vfs.md):
 *   file->lock  ->  vfs_ns_lock  ->  inode->lock  ->  spinlocks
 * (dentry lock, fd-table locks, fs_struct locks, the chrdev registry).
 * Two inode locks are never held at once. No spinlock is held across a
 * call that may sleep or allocate.
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "vfs.h"

/* Linux's values of errnos errno.h does not have yet. */
#ifndef EXDEV
#define EXDEV 18
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/*
 * The namespace lock: every change to the tree (dentries' parent, name,
 * children, mounts) and every path walk happens under it. One lock for the
 * whole name space keeps rename, link and mount free of lock-order puzzles;
 * file data and attributes use the per-inode mutexes instead.
 */
extern struct mutex vfs_ns_lock;

/* The mount table (oldest first) and the root of the tree; under vfs_ns_lock. */
extern struct list_head vfs_mounts;
extern struct mount *vfs_root_mnt;

/* Register a file-system type; vfs_ns_lock held, or inside vfs_init. */
int vfs_register_fs_locked(struct fs_type *t);
/* /proc/filesystems: "nodev\tNAME\n" per registered type into buf; the total length. */
size_t vfs_format_filesystems(char *buf, size_t size);

/* ---- dcache.c ---- */
/* A new hashed child (namespace lock held); takes over the inode reference. */
struct dentry *d_new_child(struct dentry *parent, const char *name, size_t len,
			   struct inode *inode);
/* The hashed child called name, or NULL (no reference taken; namespace lock held). */
struct dentry *d_find_child(struct dentry *parent, const char *name, size_t len);
/* Unlink d from its parent (namespace lock held); freed when its last reference goes. */
void d_unhash(struct dentry *d);
/* Move d under new_parent as name (namespace lock held; the name is not taken there). */
void d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len);
/* Unhash a whole tree below d, depth first (umount; namespace lock held). */
void d_prune_tree(struct dentry *d);
/* Any hashed child? */
bool d_has_children(struct dentry *d);

/* ---- paths ---- */
void path_get(struct path *p);
void path_put(struct path *p);
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* ---- namei.c: path walk (all under vfs_ns_lock) ---- */
#define WALK_FOLLOW 0x1	   /* follow a symlink in the last component */
#define WALK_DIRECTORY 0x2 /* the result must be a directory */
#define WALK_EMPTY 0x4	   /* "" means the start directory (AT_EMPTY_PATH) */

/* The last component of a path, as vfs_walk_parent leaves it. */
struct last_name {
	char name[NAME_MAX + 1];
	size_t len;
	bool trailing_slash; /* the path ended in '/' */
	bool dot;	     /* "." (or an empty last part: "/", "a/.") */
	bool dotdot;	     /* ".." */
};

/* Resolve path to *out (with a reference). 0 or -errno. */
int vfs_walk(const struct vfs_ctx *c, const char *path, int flags, struct path *out);
/*
 * Resolve all but the last component (following every symlink) to the
 * directory *parent (with a reference), and describe the last one in *last.
 */
int vfs_walk_parent(const struct vfs_ctx *c, const char *path, struct path *parent,
		    struct last_name *last);
/* Find name in the directory at dir: *out = the child (with a reference), mounts crossed. */
int vfs_lookup_child(struct path *dir, const char *name, size_t len, struct path *out);
/* Follow mounts stacked on p (p's reference moves along). */
void vfs_cross_mounts(struct path *p);
/* The credentials of a context (cred_root if none). */
const struct cred *vfs_cred(const struct vfs_ctx *c);
/* Write the path of p relative to root into buf; length with NUL, -ERANGE, -ENOENT. */
s64 vfs_build_path(const struct path *p, const struct path *root, char *buf, size_t size);
/* The global root path (no reference taken). */
struct path vfs_global_root(void);

/* ---- file.c ---- */
struct file *file_alloc(const struct file_operations *ops, struct path *p, u32 flags);

/* ---- tmpfs.c ---- */
extern struct fs_type tmpfs_fs_type;
/* A fresh empty tmpfs super block of type t whose root has root_mode (devfs reuses it). */
int tmpfs_new_super_mode(const struct fs_type *t, u64 magic, u32 root_mode,
			 struct super_block **out);
/* A new tmpfs inode on sb (for devfs's nodes). */
struct inode *tmpfs_alloc_inode(struct super_block *sb, u32 mode, u64 rdev);

/* ---- devfs.c ---- */
void devfs_init(void);
void devfs_shutdown(void);
/* The registered driver of a character device: 0 and fops/priv, or -ENXIO. */
int chrdev_lookup(u64 dev, const struct file_operations **fops, void **priv);

/* ---- vfs.c ---- */
static inline bool mnt_rdonly(const struct mount *m)
{
	return (m->flags & MS_RDONLY) != 0;
}

#endif
