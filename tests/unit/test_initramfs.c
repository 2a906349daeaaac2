/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_initramfs.c - host tests for the initramfs unpacker (fs/initramfs.c)
 * against a fake of the VFS calls it uses.
 *
 * The fake is a small in-memory tree (dentries naming inodes, so hard links
 * share data) that behaves like the real thing where it matters: -ENOENT
 * when a parent is missing, -EEXIST, -EISDIR when unlinking a directory,
 * the umask applied on creation, short writes, parent mtimes changed by
 * creation. It also polices the caller: every path must be absolute and
 * normalized (no "..", ".", "//"), the context must be root's, symlinks
 * must never be followed or chmod'ed. Every call is logged, failures can be
 * injected per call and per path, and kmalloc can be made to fail.
 *
 * The GNU cpio tree of tests/unit/cpio.mk is unpacked and compared with the
 * files on disk (types, modes, owners, mtimes including directories',
 * contents, link targets, hard links); hand-made archives cover names,
 * overriding an earlier archive, hard links per archive, device nodes,
 * malformed archives, VFS errors and out-of-memory unwinding.
 */
#include <stdarg.h>

#include "cpio_util.h"
#include "disk_tree.h"
#include "errno.h"
#include "klog.h"
#include "mm.h"
#include "unit.h"
#include "vfs.h"

/* ---- the fake VFS ---- */

#define MAX_NODES 512
#define FAKE_NOW 777 /* what creating an entry sets its parent's mtime to */
#define UMASK 022

struct finode {
	u32 mode, uid, gid;
	s64 mtime;
	u64 rdev;
	u8 data[8192];
	size_t len;
	char target[PATH_MAX];
	int nlink;
};

struct fdent {
	char path[PATH_MAX];
	int ino; /* -1: free slot */
};

static struct finode *inodes[MAX_NODES];
static struct fdent dents[MAX_NODES];
static char calls[1 << 16];
static u32 violations;
static char violation_msg[256];
static u32 fs_creates, fs_puts;
static bool fail_fs_create;
static int kmalloc_fail_at; /* 1-based kmalloc call that fails (0: none) */
static int kmalloc_calls;
static size_t write_chunk; /* most bytes one vfs_write takes (0: all) */
static bool write_zero;	   /* vfs_write makes no progress */
static const char *fail_op, *fail_path;
static int fail_err;
static char log_err[4096], log_warn[8192], log_info[1024];
static int nr_err;

const struct cred cred_root;

static void logcall(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logcall(const char *fmt, ...)
{
	size_t n = strlen(calls);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(calls + n, sizeof(calls) - n, fmt, ap);
	va_end(ap);
	n = strlen(calls);
	if (n + 1 < sizeof(calls)) {
		calls[n] = '\n';
		calls[n + 1] = '\0';
	}
}

static void violation(const char *what, const char *path)
{
	if (!violations++)
		snprintf(violation_msg, sizeof(violation_msg), "%s: \"%s\"", what, path);
}

static bool normalized(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || (n > 1 && p[n - 1] == '/') || strstr(p, "//") || strstr(p, "/./") ||
	    strstr(p, "/../"))
		return false;
	return !(n >= 2 && strcmp(p + n - 2, "/.") == 0) &&
	       !(n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

/* Every call: root's context, a normalized path, maybe an injected failure. */
static int enter(const char *op, const struct vfs_ctx *c, const char *path)
{
	if (!c || c->cred != &cred_root || !c->fs || c->dir)
		violation("not root's context", path);
	if (!normalized(path))
		violation("path not normalized", path);
	if (fail_op && strcmp(op, fail_op) == 0 && (!fail_path || strcmp(path, fail_path) == 0))
		return fail_err;
	return 0;
}

static int find(const char *path)
{
	for (int i = 0; i < MAX_NODES; i++)
		if (dents[i].ino >= 0 && strcmp(dents[i].path, path) == 0)
			return i;
	return -1;
}

static struct finode *node(const char *path)
{
	int d = find(path);

	return d < 0 ? NULL : inodes[dents[d].ino];
}

/* The parent directory of path, or NULL with *err set. */
static struct finode *parent(const char *path, int *err)
{
	char p[PATH_MAX];
	char *slash;
	struct finode *dir;

	snprintf(p, sizeof(p), "%s", path);
	slash = strrchr(p, '/');
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	dir = node(p);
	*err = !dir ? -ENOENT : !S_ISDIR(dir->mode) ? -ENOTDIR : 0;
	return *err ? NULL : dir;
}

static int add_dent(const char *path, int ino)
{
	for (int i = 0; i < MAX_NODES; i++)
		if (dents[i].ino < 0) {
			snprintf(dents[i].path, sizeof(dents[i].path), "%s", path);
			dents[i].ino = ino;
			inodes[ino]->nlink++;
			return 0;
		}
	return -ENOSPC;
}

/* A new inode named path (parent checked by the caller). */
static int create_node(const char *path, u32 mode, u64 rdev)
{
	int err;
	struct finode *dir = parent(path, &err);

	if (!dir)
		return err;
	if (find(path) >= 0)
		return -EEXIST;
	for (int i = 0; i < MAX_NODES; i++)
		if (!inodes[i]) {
			inodes[i] = calloc(1, sizeof(*inodes[i]));
			inodes[i]->mode = mode;
			inodes[i]->rdev = rdev;
			dir->mtime = FAKE_NOW;
			err = add_dent(path, i);
			return err ? err : i;
		}
	return -ENOSPC;
}

static void fake_reset(void)
{
	for (int i = 0; i < MAX_NODES; i++) {
		free(inodes[i]);
		inodes[i] = NULL;
		dents[i].ino = -1;
	}
	inodes[0] = calloc(1, sizeof(*inodes[0]));
	inodes[0]->mode = S_IFDIR | 0755;
	add_dent("/", 0);
	calls[0] = log_err[0] = log_warn[0] = log_info[0] = '\0';
	violations = 0;
	nr_err = 0;
	fs_creates = fs_puts = 0;
	fail_fs_create = false;
	kmalloc_fail_at = kmalloc_calls = 0;
	write_chunk = 0;
	write_zero = false;
	fail_op = fail_path = NULL;
}

struct fs_struct *fs_struct_create(void)
{
	static struct fs_struct fs;

	if (fail_fs_create)
		return NULL;
	fs_creates++;
	return &fs;
}

void fs_struct_put(struct fs_struct *fs)
{
	fs_puts++;
}

int vfs_mkdir(const struct vfs_ctx *c, const char *path, u32 mode)
{
	int err = enter("mkdir", c, path);

	logcall("mkdir %s %o", path, mode);
	if (err)
		return err;
	err = create_node(path, S_IFDIR | (mode & 07777 & ~UMASK), 0);
	return err < 0 ? err : 0;
}

int vfs_open(const struct vfs_ctx *c, const char *path, int flags, u32 mode, struct file **out)
{
	int err = enter("open", c, path), d;
	struct file *f;

	logcall("open %s %#o %o", path, flags, mode);
	if (err)
		return err;
	d = find(path);
	if (d >= 0 && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (d >= 0 && S_ISLNK(inodes[dents[d].ino]->mode))
		violation("open follows a symlink", path);
	if (d >= 0 && S_ISDIR(inodes[dents[d].ino]->mode))
		return -EISDIR;
	if (d < 0) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		err = create_node(path, S_IFREG | (mode & 07777 & ~UMASK), 0);
		if (err < 0)
			return err;
		d = find(path);
	}
	if (flags & O_TRUNC)
		inodes[dents[d].ino]->len = 0;
	f = calloc(1, sizeof(*f));
	f->priv = inodes[dents[d].ino];
	f->pos = 0;
	*out = f;
	return 0;
}

s64 vfs_write(struct file *f, struct uio *u)
{
	struct finode *in = f->priv;
	size_t n = u->len;

	if (u->user)
		violation("user uio for kernel data", "");
	if (write_zero)
		return 0;
	if (write_chunk && n > write_chunk)
		n = write_chunk;
	if (f->pos + n > sizeof(in->data))
		return -EFBIG;
	memcpy(in->data + f->pos, u->base, n);
	f->pos += n;
	if (f->pos > in->len)
		in->len = f->pos;
	logcall("write %zu", n);
	return (s64)n;
}

void file_put(struct file *f)
{
	logcall("close");
	free(f);
}

int vfs_symlink(const char *target, const struct vfs_ctx *c, const char *linkpath)
{
	int err = enter("symlink", c, linkpath);

	logcall("symlink %s -> %s", linkpath, target);
	if (err)
		return err;
	err = create_node(linkpath, S_IFLNK | 0777, 0);
	if (err < 0)
		return err;
	snprintf(inodes[err]->target, sizeof(inodes[err]->target), "%s", target);
	return 0;
}

int vfs_mknod(const struct vfs_ctx *c, const char *path, u32 mode, u64 dev)
{
	int err = enter("mknod", c, path);

	logcall("mknod %s %o %llx", path, mode, (unsigned long long)dev);
	if (err)
		return err;
	err = create_node(path, (mode & S_IFMT) | (mode & 07777 & ~UMASK), dev);
	return err < 0 ? err : 0;
}

int vfs_unlink(const struct vfs_ctx *c, const char *path)
{
	int err = enter("unlink", c, path), d;
	struct finode *dir;

	logcall("unlink %s", path);
	if (err)
		return err;
	dir = parent(path, &err);
	d = find(path);
	if (!dir || d < 0)
		return dir ? -ENOENT : err;
	if (S_ISDIR(inodes[dents[d].ino]->mode))
		return -EISDIR;
	if (--inodes[dents[d].ino]->nlink == 0) {
		free(inodes[dents[d].ino]);
		inodes[dents[d].ino] = NULL;
	}
	dents[d].ino = -1;
	dir->mtime = FAKE_NOW;
	return 0;
}

int vfs_link(const struct vfs_ctx *oc, const char *oldpath, const struct vfs_ctx *nc,
	     const char *newpath, int at_flags)
{
	int err = enter("link", oc, oldpath), d;
	struct finode *dir;

	if (!err)
		err = enter("link", nc, newpath);
	logcall("link %s %s", oldpath, newpath);
	if (err)
		return err;
	d = find(oldpath);
	if (d < 0)
		return -ENOENT;
	if (S_ISDIR(inodes[dents[d].ino]->mode))
		return -EPERM;
	dir = parent(newpath, &err);
	if (!dir)
		return err;
	if (find(newpath) >= 0)
		return -EEXIST;
	dir->mtime = FAKE_NOW;
	return add_dent(newpath, dents[d].ino);
}

int vfs_chown(const struct vfs_ctx *c, const char *path, u32 uid, u32 gid, int at_flags)
{
	int err = enter("chown", c, path);
	struct finode *in = node(path);

	logcall("chown %s %u %u%s", path, uid, gid,
		at_flags & AT_SYMLINK_NOFOLLOW ? " nofollow" : "");
	if (err)
		return err;
	if (!in)
		return -ENOENT;
	if (S_ISLNK(in->mode) && !(at_flags & AT_SYMLINK_NOFOLLOW))
		violation("chown follows a symlink", path);
	in->uid = uid;
	in->gid = gid;
	if (!S_ISDIR(in->mode) && !S_ISLNK(in->mode))
		in->mode &= ~(u32)(S_ISUID | S_ISGID); /* as chown does */
	return 0;
}

int vfs_chmod(const struct vfs_ctx *c, const char *path, u32 mode, int at_flags)
{
	int err = enter("chmod", c, path);
	struct finode *in = node(path);

	logcall("chmod %s %o", path, mode);
	if (err)
		return err;
	if (!in)
		return -ENOENT;
	if (S_ISLNK(in->mode))
		violation("chmod on a symlink", path);
	in->mode = (in->mode & S_IFMT) | (mode & 07777);
	return 0;
}

int vfs_utimens(const struct vfs_ctx *c, const char *path, const struct ktimespec *times,
		int at_flags)
{
	int err = enter("utimens", c, path);
	struct finode *in = node(path);

	logcall("utimens %s %lld", path, times ? (long long)times[1].sec : -1LL);
	if (err)
		return err;
	if (!in)
		return -ENOENT;
	if (!times || times[1].nsec == UTIME_NOW || times[1].nsec == UTIME_OMIT)
		violation("utimens without an explicit mtime", path);
	else
		in->mtime = times[1].sec;
	return 0;
}

void *kmalloc(size_t size)
{
	if (kmalloc_fail_at && ++kmalloc_calls == kmalloc_fail_at)
		return NULL;
	return malloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	free((void *)p);
}

void klog(int level, const char *fmt, ...)
{
	char line[512], *dst = level == KLOG_ERR    ? log_err
			       : level == KLOG_WARN ? log_warn
						    : log_info;
	size_t dsz = level == KLOG_ERR	  ? sizeof(log_err)
		     : level == KLOG_WARN ? sizeof(log_warn)
					  : sizeof(log_info);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level == KLOG_ERR)
		nr_err++;
	snprintf(dst + strlen(dst), dsz - strlen(dst), "%s\n", line);
}

/* ---- helpers ---- */

static struct cpio_builder B;

static void add(const char *name, u32 mode, const char *data)
{
	struct cpio_spec s = {
		.name = name, .mode = mode, .data = data, .size = data ? strlen(data) : 0};

	s.mtime = 1000;
	cpio_add(&B, &s);
}

static void check_file(const char *path, const char *content, u32 perm, int line)
{
	struct finode *in = node(path);

	if (!in || !S_ISREG(in->mode) || in->len != strlen(content) ||
	    memcmp(in->data, content, in->len) != 0 || (in->mode & 07777) != perm)
		unit_fail(__FILE__, line, "%s: want a file \"%s\" %o, have %s %o \"%.*s\"", path,
			  content, perm, in ? "mode" : "nothing", in ? in->mode : 0,
			  in ? (int)in->len : 0, in ? (const char *)in->data : "");
}

static void check_no_violations(void)
{
	if (violations)
		unit_fail(__FILE__, __LINE__, "%u violations, first: %s", violations,
			  violation_msg);
	CHECK_EQ(fs_creates, fs_puts);
}

/* ---- the GNU cpio tree, unpacked and compared with the disk ---- */

static u32 mismatches;

static void compare_one(const struct disk_entry *d, void *arg)
{
	const char *fake = *d->rel ? d->rel : "/";
	struct finode *in = node(fake);

	if (!in) {
		unit_fail(__FILE__, __LINE__, "%s: not unpacked", fake);
		mismatches++;
		return;
	}
	if (in->mode != d->mode || in->uid != d->uid || in->gid != d->gid ||
	    in->mtime != d->mtime) {
		unit_fail(__FILE__, __LINE__, "%s: mode %o/%o uid %u/%u gid %u/%u mtime %lld/%lld",
			  fake, in->mode, d->mode, in->uid, d->uid, in->gid, d->gid,
			  (long long)in->mtime, (long long)d->mtime);
		mismatches++;
	}
	if (S_ISREG(d->mode) && (in->len != d->size || memcmp(d->data, in->data, d->size) ||
				 (u32)in->nlink != d->nlink)) {
		unit_fail(__FILE__, __LINE__, "%s: contents or link count differ", fake);
		mismatches++;
	}
	if (S_ISLNK(d->mode) && strcmp(d->target, in->target) != 0) {
		unit_fail(__FILE__, __LINE__, "%s: target %s, want %s", fake, in->target,
			  d->target);
		mismatches++;
	}
}

static void unpack_tree(const char *file)
{
	size_t len = 0, ndents = 0;
	u8 *a = cpio_slurp(file, &len);
	int checked;

	if (!a)
		return;
	fake_reset();
	CHECK_EQ(initramfs_unpack(a, len, "tree"), 0);
	mismatches = 0;
	checked = disk_tree_walk(CPIO_TREE, compare_one, NULL);
	CHECK(checked > 15);
	CHECK_EQ(mismatches, 0);
	for (int i = 0; i < MAX_NODES; i++)
		ndents += dents[i].ino >= 0;
	CHECK_EQ(ndents, (size_t)checked); /* nothing extra */
	CHECK(node("/bin/big") && node("/bin/big") == node("/bin/big2"));
	CHECK_STREQ(log_err, "");
	CHECK_STREQ(log_warn, "");
	CHECK(strstr(log_info, "initramfs tree: ") != NULL);
	check_no_violations();
	free(a);
}

UNIT_TEST(unpacks_gnu_cpio_newc_like_the_disk)
{
	unpack_tree(CPIO_NEWC);
}

UNIT_TEST(unpacks_gnu_cpio_crc_like_the_disk)
{
	unpack_tree(CPIO_CRC);
}

/* ---- hand-made archives ---- */

UNIT_TEST(names_are_normalized_and_dotdot_refused)
{
	struct cpio_spec root = {.name = ".", .mode = S_IFDIR | 0700, .mtime = 42, .uid = 3};

	fake_reset();
	B.len = 0;
	cpio_add(&B, &root);
	add("./a", S_IFREG | 0644, "A");
	add("/b", S_IFDIR | 0755, NULL);
	add("c//d/./e", S_IFREG | 0600, "E");
	add("x/../etc", S_IFREG | 0644, "evil");
	add("../up", S_IFREG | 0644, "evil");
	add("..", S_IFDIR | 0755, NULL);
	add("b/..", S_IFDIR | 0755, NULL);
	add("/", S_IFREG | 0644, "not a dir");
	add("ok/..x/...", S_IFREG | 0644, "dots in names are fine");
	cpio_add_trailer(&B, false);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "names"), -EINVAL);
	check_file("/a", "A", 0644, __LINE__);
	CHECK(node("/b") && S_ISDIR(node("/b")->mode));
	CHECK(node("/c") && (node("/c")->mode & 07777) == 0755); /* created parents */
	CHECK(node("/c/d") && S_ISDIR(node("/c/d")->mode));
	check_file("/c/d/e", "E", 0600, __LINE__);
	check_file("/ok/..x/...", "dots in names are fine", 0644, __LINE__);
	CHECK(!node("/etc") && !node("/up") && !node("/x") && !node("/x/etc"));
	CHECK_EQ(node("/")->mode, S_IFDIR | 0700); /* "." gave the root its attributes */
	CHECK_EQ(node("/")->uid, 3);
	CHECK_EQ(node("/")->mtime, 42);
	CHECK(strstr(log_warn, "\"x/../etc\"") && strstr(log_warn, "\"../up\"") &&
	      strstr(log_warn, "\"b/..\"") && strstr(log_warn, "\"/\": create (the root"));
	CHECK_STREQ(log_err, "");
	check_no_violations();
}

UNIT_TEST(call_sequence_for_one_file)
{
	struct cpio_spec f = {.name = "bin/su",
			      .mode = S_IFREG | 04755,
			      .uid = 0,
			      .gid = 100,
			      .mtime = 1234,
			      .data = "hello",
			      .size = 5};

	fake_reset();
	B.len = 0;
	cpio_add(&B, &f);
	cpio_add_trailer(&B, false);
	write_chunk = 2; /* short writes */
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "seq"), 0);
	/* Parent missing: tried, parents made, tried again; chmod after chown keeps set-uid. */
	CHECK_STREQ(calls, "unlink /bin/su\n"
			   "open /bin/su 01301 4755\n"
			   "mkdir /bin 755\n"
			   "unlink /bin/su\n"
			   "open /bin/su 01301 4755\n"
			   "write 2\nwrite 2\nwrite 1\n"
			   "close\n"
			   "chown /bin/su 0 100 nofollow\n"
			   "chmod /bin/su 4755\n"
			   "utimens /bin/su 1234\n");
	check_file("/bin/su", "hello", 04755, __LINE__);
	check_no_violations();
}

UNIT_TEST(a_later_archive_overrides_an_earlier_one)
{
	fake_reset();
	B.len = 0;
	add("etc", S_IFDIR | 0755, NULL);
	add("etc/x", S_IFREG | 0644, "one");
	add("etc/y", S_IFLNK | 0777, "/etc/x");
	add("z", S_IFREG | 0644, "file");
	add("d", S_IFDIR | 0755, NULL);
	add("d/f", S_IFREG | 0644, "in d");
	cpio_add_trailer(&B, false);
	cpio_zeros(&B, 512);
	add("etc/y", S_IFREG | 0640, "two"); /* replaces the symlink, not its target */
	add("etc/x", S_IFLNK | 0777, "y");   /* a symlink replaces a file */
	add("z", S_IFDIR | 0711, NULL);	     /* a directory replaces a file */
	add("d", S_IFREG | 0644, "oops");    /* a file cannot replace a directory */
	add("d", S_IFDIR | 0750, NULL);	     /* an existing directory takes new attributes */
	cpio_add_trailer(&B, true);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "two archives"), -EEXIST);
	check_file("/etc/y", "two", 0640, __LINE__);
	CHECK(node("/etc/x") && S_ISLNK(node("/etc/x")->mode));
	CHECK_STREQ(node("/etc/x") ? node("/etc/x")->target : "", "y");
	CHECK(node("/z") && node("/z")->mode == (S_IFDIR | 0711));
	CHECK(node("/d") && node("/d")->mode == (S_IFDIR | 0750));
	check_file("/d/f", "in d", 0644, __LINE__);
	CHECK(strstr(log_warn, "\"d\": create failed (error -17)") != NULL);
	check_no_violations();
}

UNIT_TEST(hard_links_within_each_archive)
{
	struct cpio_spec l = {.mode = S_IFREG | 0644, .nlink = 2, .ino = 5, .mtime = 9};

	fake_reset();
	B.len = 0;
	l.name = "h1";
	cpio_add(&B, &l);
	l.name = "h2";
	l.data = "AB";
	l.size = 2;
	cpio_add(&B, &l);
	l.name = "p/q/l1"; /* first name's parents missing: created, then the name */
	l.ino = 6;
	l.size = 0;
	cpio_add(&B, &l);
	l.name = "p/l2";
	l.data = "L";
	l.size = 1;
	cpio_add(&B, &l);
	l.ino = 7; /* data with the first name: a later empty name must not truncate it */
	l.name = "k1";
	l.data = "KK";
	l.size = 2;
	cpio_add(&B, &l);
	l.name = "k2";
	l.size = 0;
	cpio_add(&B, &l);
	cpio_add_trailer(&B, false);
	l.ino = 5; /* the same inode number in the next archive is another file */
	l.name = "h3";
	l.size = 0;
	cpio_add(&B, &l);
	l.name = "h4";
	l.data = "CD";
	l.size = 2;
	cpio_add(&B, &l);
	cpio_add_trailer(&B, false);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "links"), 0);
	check_file("/h1", "AB", 0644, __LINE__);
	check_file("/h3", "CD", 0644, __LINE__);
	check_file("/p/q/l1", "L", 0644, __LINE__);
	check_file("/k2", "KK", 0644, __LINE__);
	CHECK(node("/k1") == node("/k2"));
	CHECK(node("/h1") == node("/h2") && node("/h3") == node("/h4"));
	CHECK(node("/h1") != node("/h3"));
	CHECK(node("/p/l2") == node("/p/q/l1"));
	CHECK_EQ(node("/h1")->nlink, 2);
	CHECK_STREQ(log_warn, "");
	check_no_violations();
}

UNIT_TEST(device_nodes_fifos_and_sockets)
{
	struct cpio_spec s[] = {
		{.name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5, .rdevminor = 1},
		{.name = "dev/sda", .mode = S_IFBLK | 0660, .gid = 6, .rdevmajor = 8},
		{.name = "dev/big",
		 .mode = S_IFCHR | 0666,
		 .rdevmajor = 0xabc,
		 .rdevminor = 0x12345},
		{.name = "run/fifo", .mode = S_IFIFO | 0644, .rdevmajor = 1, .rdevminor = 1},
		{.name = "run/sock", .mode = S_IFSOCK | 0755},
		{.name = "weird", .mode = 0644},
	};

	fake_reset();
	B.len = 0;
	for (u32 i = 0; i < ARRAY_SIZE(s); i++)
		cpio_add(&B, &s[i]);
	cpio_add_trailer(&B, false);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "nodes"), -EINVAL); /* "weird" has no type */
	CHECK(node("/dev/console") && node("/dev/console")->mode == (S_IFCHR | 0600));
	CHECK_EQ(node("/dev/console")->rdev, MKDEV(5, 1));
	CHECK(node("/dev/sda") && node("/dev/sda")->mode == (S_IFBLK | 0660));
	CHECK_EQ(node("/dev/sda")->rdev, MKDEV(8, 0));
	CHECK_EQ(node("/dev/sda")->gid, 6);
	CHECK_EQ(node("/dev/big")->rdev, MKDEV(0xabc, 0x12345));
	CHECK(node("/run/fifo") && node("/run/fifo")->mode == (S_IFIFO | 0644));
	CHECK_EQ(node("/run/fifo")->rdev, 0);
	CHECK(node("/run/sock") && node("/run/sock")->mode == (S_IFSOCK | 0755));
	CHECK(!node("/weird"));
	CHECK(strstr(log_warn, "\"weird\": create failed (error -22)") != NULL);
	check_no_violations();
}

UNIT_TEST(bad_symlink_targets)
{
	static char longt[PATH_MAX + 1];
	struct cpio_spec nul = {.name = "nul", .mode = S_IFLNK | 0777, .data = "a\0b", .size = 3};
	struct cpio_spec lng = {
		.name = "long", .mode = S_IFLNK | 0777, .data = longt, .size = PATH_MAX};

	memset(longt, 'a', PATH_MAX);
	fake_reset();
	B.len = 0;
	add("empty", S_IFLNK | 0777, NULL);
	cpio_add(&B, &nul);
	cpio_add(&B, &lng);
	lng.name = "longest";
	lng.size = PATH_MAX - 1;
	cpio_add(&B, &lng);
	cpio_add_trailer(&B, false);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "links"), -EINVAL);
	CHECK(!node("/empty") && !node("/nul") && !node("/long"));
	CHECK(node("/longest") && strlen(node("/longest")->target) == PATH_MAX - 1);
	CHECK(strstr(log_warn, "\"long\": create failed (error -36)") != NULL);
	check_no_violations();
}

UNIT_TEST(malformed_archive_stops_with_one_error_line)
{
	size_t bad;

	fake_reset();
	B.len = 0;
	add("a", S_IFREG | 0644, "A");
	add("b", S_IFDIR | 0755, NULL);
	add("b/inner", S_IFREG | 0644, "I"); /* changes b's mtime to FAKE_NOW */
	bad = cpio_add(&B, &(struct cpio_spec){.name = "c", .mode = S_IFREG | 0644});
	cpio_add_trailer(&B, false);
	B.buf[bad + 3] = 'X';
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "initrd"), -EINVAL);
	check_file("/a", "A", 0644, __LINE__);
	CHECK(node("/b") != NULL);
	CHECK(!node("/c"));
	CHECK_EQ(nr_err, 1);
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "initramfs initrd: unpacking stopped: cpio: bad magic at offset %zu\n",
			 bad);
		CHECK_STREQ(log_err, want);
	}
	CHECK_EQ(node("/b")->mtime, 1000); /* directory times still set at the end */
	check_file("/b/inner", "I", 0644, __LINE__);

	/* Garbage from the start: nothing created, still one line, no crash. */
	fake_reset();
	CHECK_EQ(initramfs_unpack("this is not an archive", 22, NULL), -EINVAL);
	CHECK_EQ(nr_err, 1);
	CHECK(strstr(log_err, "initramfs initramfs: unpacking stopped: cpio: bad magic") != NULL);
	check_no_violations();
}

UNIT_TEST(vfs_errors_skip_the_entry_and_are_returned)
{
	fake_reset();
	B.len = 0;
	add("a", S_IFREG | 0644, "A");
	add("b", S_IFREG | 0644, "B");
	add("c", S_IFREG | 0644, "C");
	add("d", S_IFDIR | 0755, NULL);
	cpio_add_trailer(&B, false);
	fail_op = "open";
	fail_path = "/b";
	fail_err = -EIO;
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "errs"), -EIO);
	check_file("/a", "A", 0644, __LINE__);
	check_file("/c", "C", 0644, __LINE__);
	CHECK(!node("/b"));
	CHECK(strstr(log_warn, "initramfs errs: \"b\": create failed (error -5); skipped") != NULL);

	/* A write that makes no progress is an error, not a hang. */
	fake_reset();
	write_zero = true;
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "errs"), -EIO);
	/* Attribute and directory-time failures count too. */
	fake_reset();
	fail_op = "utimens";
	fail_path = "/d";
	fail_err = -EROFS;
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "errs"), -EROFS);
	CHECK(strstr(log_warn, "\"/d\": setting the mtime failed") != NULL);
	fake_reset();
	fail_op = "chmod";
	fail_path = NULL;
	fail_err = -EPERM;
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "errs"), -EPERM);
	check_no_violations();
}

UNIT_TEST(many_failures_are_summarized)
{
	char name[16];

	fake_reset();
	B.len = 0;
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "../f%d", i);
		add(name, S_IFREG | 0644, "x");
	}
	cpio_add_trailer(&B, false);
	CHECK_EQ(initramfs_unpack(B.buf, B.len, "many"), -EINVAL);
	CHECK(strstr(log_warn, "initramfs many: 12 more entries skipped") != NULL);
	CHECK(!strstr(log_warn, "../f8"));
	CHECK(strstr(log_warn, "../f7") != NULL);
}

UNIT_TEST(out_of_memory_unwinds)
{
	struct cpio_spec l = {.mode = S_IFREG | 0644, .nlink = 2, .ino = 5};
	int ok = 0;

	fake_reset();
	fail_fs_create = true;
	CHECK_EQ(initramfs_unpack("", 0, "oom"), -ENOMEM);

	B.len = 0;
	add("d", S_IFDIR | 0755, NULL);
	add("d/e", S_IFDIR | 0755, NULL);
	l.name = "x";
	cpio_add(&B, &l);
	l.name = "y";
	l.data = "Y";
	l.size = 1;
	cpio_add(&B, &l);
	cpio_add_trailer(&B, false);
	/* Fail each allocation in turn: -ENOMEM, nothing leaks (LeakSanitizer at exit). */
	for (int n = 1; n < 10; n++) {
		int ret;

		fake_reset();
		kmalloc_fail_at = n;
		ret = initramfs_unpack(B.buf, B.len, "oom");
		CHECK(ret == -ENOMEM || ret == 0);
		ok += ret == 0;
		CHECK_EQ(fs_creates, fs_puts);
		if (ret == -ENOMEM && n > 1)
			CHECK(strstr(log_err, "stopped by the consumer (error -12)") != NULL);
	}
	CHECK(ok > 0); /* past the last allocation, it works */
}

/* Random damage to a small archive: no crash, and the VFS only ever sees clean paths. */
UNIT_TEST(fuzz_unpack)
{
	static u8 tmpl[4096], buf[4096];
	size_t tlen;
	u64 rng = 0x1234567887654321ull;

	B.len = 0;
	add(".", S_IFDIR | 0755, NULL);
	add("bin", S_IFDIR | 0755, NULL);
	add("bin/busybox", S_IFREG | 0755, "\177ELF....");
	add("bin/sh", S_IFLNK | 0777, "busybox");
	add("./etc/../x", S_IFREG | 0644, "x");
	add("dev/null", S_IFCHR | 0666, NULL);
	add("/a/b/c/d", S_IFREG | 0600, "deep");
	cpio_add_trailer(&B, false);
	memcpy(tmpl, B.buf, B.len);
	tlen = B.len;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = tlen;
		int n = 1 + (int)(rng % 4);

		memcpy(buf, tmpl, tlen);
		for (int i = 0; i < n; i++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			if (!len)
				break;
			if (rng % 10 == 0)
				len = rng % (tlen + 1);
			else if (rng % 3 == 0) /* names are where the interesting bytes are */
				buf[rng % len] = "./\0a"[(rng >> 20) % 4];
			else
				buf[rng % len] ^= (u8)(1u << ((rng >> 32) % 8));
		}
		fake_reset();
		initramfs_unpack(buf, len, "fuzz");
		if (violations || fs_creates != fs_puts) {
			unit_fail(__FILE__, __LINE__, "iteration %d: %s", iter, violation_msg);
			break;
		}
	}
	fake_reset();
}
