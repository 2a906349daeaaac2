/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_vfs.c - host tests of the VFS (fs/): path walk, tmpfs, open files,
 * getdents64, the name-space calls with their errno, permissions, mounts,
 * devfs and fd tables, plus a randomized run of create/unlink/mkdir/rmdir/
 * rename checked against a model of the tree.
 *
 * The VFS runs unchanged over the scheduler fake (sched_stub.c: one thread
 * playing every caller, so mutexes are taken and released for real), a
 * counting malloc shim for kmalloc, refcounted pages from fake_pages.c
 * (tmpfs shares its pages by reference: get_page), fake user-copy
 * functions (a "user" pointer is plain memory unless it is BAD_UPTR) and a
 * fake get_random_bytes (fs/pipe.c is linked for FIFOs, with fakes of
 * poll_wait and signal_send_thread). Every test starts from vfs_init() and ends with
 * vfs_shutdown() and a leak check: every kmalloc'd object (inodes,
 * dentries, files, ...) and every page must have been given back.
 */
#include <stdlib.h>
#include <string.h>

#include "arch_host.h"
#include "errno.h"
#include "fake_kmalloc.h"
#include "fake_pages.h"
#include "mm.h"
#include "random.h"
#include "sched.h"
#include "sched_stub.h"
#include "uaccess.h"
#include "unit.h"
#include "vfs.h"

/* ---- fakes: allocation, user copies, randomness ---- */

void mm_stats_get(struct mm_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->total_pages = 32768;
	s->free_pages = 30000;
}

#define EOPNOTSUPP_TEST 95 /* Linux's EOPNOTSUPP and EXDEV */
#define EXDEV_TEST 18

#define BAD_UPTR ((char *)0x10)

int copy_to_user(void *udst, const void *src, size_t n)
{
	if ((char *)udst >= BAD_UPTR && (char *)udst < BAD_UPTR + 4096)
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if ((const char *)usrc >= BAD_UPTR && (const char *)usrc < BAD_UPTR + 4096)
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

/* fs/epoll.c's; no file is ever watched here. */
void epoll_file_release(struct file *f)
{
	(void)f;
}

/* fs/poll.c's; the tests never poll with a table. */
void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	(void)pt;
	(void)wq;
}

static int sigpipes;

void signal_send_thread(struct thread *t, int sig)
{
	(void)t;
	(void)sig;
	sigpipes++;
}

static u8 random_next;
static size_t entropy_added;

void get_random_bytes(void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((u8 *)buf)[i] = random_next++;
}

void random_add_entropy(const void *data, size_t len)
{
	(void)data;
	entropy_added += len;
}

/* ---- fixture ---- */

static struct thread me;
static struct fs_struct *fs;
static struct vfs_ctx C;  /* root */
static struct vfs_ctx U;  /* uid 1000, gid 100, groups {100, 50} */
static struct vfs_ctx U2; /* uid 1001, gid 101 */
static struct cred user_cred, user2_cred;

static void setup(void)
{
	memset(&me, 0, sizeof(me));
	me.state = THREAD_RUNNABLE;
	snprintf(me.name, sizeof(me.name), "test");
	stub_reset(&me);
	kmalloc_live = fake_pages_live = 0;
	vfs_init();
	fs = fs_struct_create();
	CHECK(fs != NULL);
	memset(&user_cred, 0, sizeof(user_cred));
	user_cred.uid = user_cred.euid = user_cred.suid = user_cred.fsuid = 1000;
	user_cred.gid = user_cred.egid = user_cred.sgid = user_cred.fsgid = 100;
	user_cred.ngroups = 2;
	user_cred.groups[0] = 100;
	user_cred.groups[1] = 50;
	user2_cred = user_cred;
	user2_cred.uid = user2_cred.euid = user2_cred.suid = user2_cred.fsuid = 1001;
	user2_cred.gid = user2_cred.egid = user2_cred.sgid = user2_cred.fsgid = 101;
	user2_cred.ngroups = 0;
	C = (struct vfs_ctx){fs, &cred_root, NULL};
	U = (struct vfs_ctx){fs, &user_cred, NULL};
	U2 = (struct vfs_ctx){fs, &user2_cred, NULL};
}

static void teardown(void)
{
	fs_struct_put(fs);
	vfs_shutdown();
	CHECK_EQ(kmalloc_live, 0);
	CHECK_EQ(fake_pages_live, 0);
	CHECK_EQ(stub.panics, 0);
	CHECK_EQ(stub.stuck, 0);
	CHECK_EQ(lock_order_violations(), 0);
}

static struct file *xopen(const struct vfs_ctx *c, const char *path, int flags, u32 mode)
{
	struct file *f = NULL;
	int err = vfs_open(c, path, flags, mode, &f);

	if (err) {
		unit_fail(__FILE__, __LINE__, "open %s: %d", path, err);
		return NULL;
	}
	return f;
}

static int try_open(const struct vfs_ctx *c, const char *path, int flags, u32 mode)
{
	struct file *f = NULL;
	int err = vfs_open(c, path, flags, mode, &f);

	if (!err)
		file_put(f);
	return err;
}

static s64 fwrite_(struct file *f, const void *buf, size_t n)
{
	struct uio u = {(char *)buf, n, true};

	return vfs_write(f, &u);
}

static s64 fread_(struct file *f, void *buf, size_t n)
{
	struct uio u = {buf, n, true};

	return vfs_read(f, &u);
}

static void make_file(const char *path, const char *text)
{
	struct file *f = xopen(&C, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (!f)
		return;
	CHECK_EQ(fwrite_(f, text, strlen(text)), (s64)strlen(text));
	file_put(f);
}

/* The whole content of path (up to size-1 bytes) as a string; length or -errno. */
static s64 slurp(const struct vfs_ctx *c, const char *path, char *buf, size_t size)
{
	struct file *f = NULL;
	int err = vfs_open(c, path, O_RDONLY, 0, &f);
	s64 n;

	if (err)
		return err;
	n = fread_(f, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	file_put(f);
	return n;
}

static int stat_(const char *path, struct kstat *st)
{
	return vfs_stat(&C, path, 0, st);
}

static u64 ino_of(const char *path)
{
	struct kstat st;

	if (stat_(path, &st))
		return 0;
	return st.ino;
}

static u32 mode_of(const char *path)
{
	struct kstat st;

	if (vfs_stat(&C, path, AT_SYMLINK_NOFOLLOW, &st))
		return 0;
	return st.mode;
}

/* ---- path walk ---- */

UNIT_TEST(walk_dots_and_slashes)
{
	struct kstat st;

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/a", 0755), 0);
	CHECK_EQ(vfs_mkdir(&C, "/a/b", 0755), 0);
	make_file("/a/b/f", "x");
	CHECK_EQ(stat_("/a/./b/../b//f", &st), 0);
	CHECK_EQ(st.ino, ino_of("/a/b/f"));
	CHECK_EQ(stat_("//a///b/", &st), 0);
	CHECK(S_ISDIR(st.mode));
	CHECK_EQ(ino_of("/../../.."), ino_of("/"));
	CHECK_EQ(ino_of("/a/b/../.."), ino_of("/"));
	CHECK_EQ(stat_("/a/b/f/", &st), -ENOTDIR);
	CHECK_EQ(stat_("/a/b/f/.", &st), -ENOTDIR);
	CHECK_EQ(stat_("/a/b/f/x", &st), -ENOTDIR);
	CHECK_EQ(stat_("", &st), -ENOENT);
	CHECK_EQ(stat_("/nope/x", &st), -ENOENT);
	CHECK_EQ(stat_("/a/nope", &st), -ENOENT);
	/* Relative to the cwd and to an open directory. */
	CHECK_EQ(vfs_chdir(&C, "/a"), 0);
	CHECK_EQ(stat_("b/f", &st), 0);
	CHECK_EQ(ino_of(".."), ino_of("/"));
	{
		struct file *d = xopen(&C, "/a/b", O_RDONLY | O_DIRECTORY, 0);
		struct vfs_ctx at = {fs, &cred_root, d};
		struct file *f = xopen(&C, "/a/b/f", O_RDONLY, 0);
		struct vfs_ctx atf = {fs, &cred_root, f};

		CHECK_EQ(vfs_stat(&at, "f", 0, &st), 0);
		CHECK_EQ(st.ino, ino_of("/a/b/f"));
		CHECK_EQ(vfs_stat(&at, "", AT_EMPTY_PATH, &st), 0);
		CHECK_EQ(st.ino, ino_of("/a/b"));
		CHECK_EQ(vfs_stat(&atf, "x", 0, &st), -ENOTDIR);
		CHECK_EQ(vfs_stat(&atf, "", AT_EMPTY_PATH, &st), 0);
		CHECK_EQ(st.ino, ino_of("/a/b/f"));
		CHECK_EQ(vfs_stat(&atf, "/a", 0, &st), 0); /* absolute ignores dir */
		file_put(d);
		file_put(f);
	}
	teardown();
}

UNIT_TEST(walk_symlinks)
{
	struct kstat st;
	char buf[64];
	char name[16];

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), 0);
	make_file("/d/f", "data");
	CHECK_EQ(vfs_symlink("f", &C, "/d/l1"), 0);	  /* relative */
	CHECK_EQ(vfs_symlink("l1", &C, "/d/l2"), 0);	  /* chain */
	CHECK_EQ(vfs_symlink("/d", &C, "/ld"), 0);	  /* absolute, to a dir */
	CHECK_EQ(vfs_symlink("../d/l2", &C, "/d/l3"), 0); /* with .. */
	CHECK_EQ(slurp(&C, "/d/l2", buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "data");
	CHECK_EQ(slurp(&C, "/ld/l3", buf, sizeof(buf)), 4);
	CHECK_EQ(ino_of("/ld/f"), ino_of("/d/f"));
	CHECK_EQ(ino_of("/ld/../d/f"), ino_of("/d/f")); /* .. of the link target's dir */
	CHECK(S_ISLNK(mode_of("/d/l1")));
	CHECK(S_ISLNK(mode_of("/ld")));
	CHECK(S_ISDIR(mode_of("/ld/"))); /* a trailing slash follows */
	CHECK_EQ(vfs_stat(&C, "/d/l2", AT_SYMLINK_NOFOLLOW, &st), 0);
	CHECK_EQ(st.size, 2);
	/* readlink */
	CHECK_EQ(vfs_readlink(&C, "/d/l3", buf, sizeof(buf)), 7);
	CHECK(memcmp(buf, "../d/l2", 7) == 0);
	CHECK_EQ(vfs_readlink(&C, "/d/l3", buf, 3), 3);
	CHECK_EQ(vfs_readlink(&C, "/d/f", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(vfs_readlink(&C, "/d/l3", buf, 0), -EINVAL);
	/* loops and limits */
	CHECK_EQ(vfs_symlink("loop", &C, "/loop"), 0);
	CHECK_EQ(stat_("/loop", &st), -ELOOP);
	CHECK_EQ(vfs_symlink("/pong", &C, "/ping"), 0);
	CHECK_EQ(vfs_symlink("/ping", &C, "/pong"), 0);
	CHECK_EQ(stat_("/ping/x", &st), -ELOOP);
	CHECK_EQ(vfs_symlink("nothere", &C, "/dangling"), 0);
	CHECK_EQ(stat_("/dangling", &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/dangling", AT_SYMLINK_NOFOLLOW, &st), 0);
	/* A chain of exactly SYMLOOP_MAX links resolves; one more is a loop. */
	CHECK_EQ(vfs_symlink("/d/f", &C, "/c0"), 0);
	for (int i = 1; i <= SYMLOOP_MAX; i++) {
		char target[16];

		snprintf(target, sizeof(target), "c%d", i - 1);
		snprintf(name, sizeof(name), "/c%d", i);
		CHECK_EQ(vfs_symlink(target, &C, name), 0);
	}
	CHECK_EQ(stat_("/c39", &st), 0);
	CHECK_EQ(stat_("/c40", &st), -ELOOP);
	/* O_NOFOLLOW */
	CHECK_EQ(try_open(&C, "/d/l1", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	CHECK_EQ(try_open(&C, "/ld/f", O_RDONLY | O_NOFOLLOW, 0), 0); /* only the last one */
	CHECK_EQ(try_open(&C, "/d/l1", O_PATH | O_NOFOLLOW, 0), 0);
	/* O_CREAT through a symlink to an existing file opens the target. */
	CHECK_EQ(try_open(&C, "/d/l1", O_WRONLY | O_CREAT, 0644), 0);
	CHECK_EQ(try_open(&C, "/d/l1", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	CHECK_EQ(vfs_symlink("", &C, "/empty"), -ENOENT);
	CHECK_EQ(vfs_symlink("x", &C, "/d/f"), -EEXIST);
	teardown();
}

UNIT_TEST(walk_name_too_long)
{
	char *p = malloc(PATH_MAX + 16);
	struct kstat st;

	setup();
	memset(p, 'n', PATH_MAX + 15);
	p[0] = '/';
	p[257] = '\0'; /* a 256-byte component */
	CHECK_EQ(stat_(p, &st), -ENAMETOOLONG);
	CHECK_EQ(try_open(&C, p, O_CREAT | O_WRONLY, 0644), -ENAMETOOLONG);
	p[256] = '\0'; /* 255 is fine */
	CHECK_EQ(try_open(&C, p, O_CREAT | O_WRONLY, 0644), 0);
	CHECK_EQ(stat_(p, &st), 0);
	CHECK_EQ(vfs_unlink(&C, p), 0);
	/* A path of PATH_MAX bytes (no room for the NUL) */
	for (int i = 0; i < PATH_MAX; i++)
		p[i] = (i % 2) ? '/' : '.';
	p[PATH_MAX] = '\0';
	CHECK_EQ(stat_(p, &st), -ENAMETOOLONG);
	p[PATH_MAX - 1] = '\0';
	CHECK_EQ(stat_(p, &st), 0); /* "./././..." of 4095 bytes */
	/* A symlink whose expansion gets too long */
	memset(p, 'a', 3000);
	p[3000] = '\0';
	CHECK_EQ(vfs_symlink(p, &C, "/long"), 0);
	memset(p, '/', 1200);
	memcpy(p, "/long", 5);
	p[1200] = 'x';
	p[1201] = '\0';
	CHECK_EQ(stat_(p, &st), -ENAMETOOLONG);
	free(p);
	teardown();
}

/* ---- files ---- */

UNIT_TEST(file_read_write_seek)
{
	struct file *f;
	char buf[64];
	struct kstat st;

	setup();
	f = xopen(&C, "/f", O_RDWR | O_CREAT, 0644);
	CHECK_EQ(fwrite_(f, "hello world", 11), 11);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), 11);
	CHECK_EQ(fread_(f, buf, 10), 0); /* at EOF */
	CHECK_EQ(vfs_lseek(f, 6, SEEK_SET), 6);
	CHECK_EQ(fread_(f, buf, 63), 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	CHECK_EQ(vfs_lseek(f, -5, SEEK_END), 6);
	CHECK_EQ(vfs_lseek(f, -100, SEEK_CUR), -EINVAL);
	CHECK_EQ(vfs_lseek(f, 0, 99), -EINVAL);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), 6);
	{
		struct uio u = {buf, 5, false};

		CHECK_EQ(vfs_pread(f, &u, 0), 5);
		CHECK(memcmp(buf, "hello", 5) == 0);
		u.base = (char *)"HE";
		u.len = 2;
		CHECK_EQ(vfs_pwrite(f, &u, 0), 2);
		CHECK_EQ(vfs_pread(f, &u, (u64)-1), -EINVAL);
	}
	CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), 6); /* pread/pwrite leave the position */
	CHECK_EQ(slurp(&C, "/f", buf, sizeof(buf)), 11);
	CHECK_STREQ(buf, "HEllo world");
	/* A fault in the user buffer: -EFAULT, nothing moved. */
	{
		struct uio u = {BAD_UPTR, 8, true};

		CHECK_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
		CHECK_EQ(vfs_read(f, &u), -EFAULT);
		CHECK_EQ(vfs_write(f, &u), -EFAULT);
		CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), 0);
	}
	CHECK_EQ(vfs_fstat(f, &st), 0);
	CHECK_EQ(st.size, 11);
	CHECK(S_ISREG(st.mode));
	CHECK_EQ(st.mode & 07777, 0644);
	CHECK_EQ(st.nlink, 1);
	file_put(f);
	/* Access modes */
	f = xopen(&C, "/f", O_RDONLY, 0);
	CHECK_EQ(fwrite_(f, "x", 1), -EBADF);
	file_put(f);
	f = xopen(&C, "/f", O_WRONLY, 0);
	CHECK_EQ(fread_(f, buf, 1), -EBADF);
	file_put(f);
	f = xopen(&C, "/f", O_PATH, 0);
	CHECK_EQ(fread_(f, buf, 1), -EBADF);
	CHECK_EQ(fwrite_(f, "x", 1), -EBADF);
	file_put(f);
	CHECK_EQ(try_open(&C, "/f", 3, 0), -EINVAL);
	teardown();
}

UNIT_TEST(file_sparse_and_truncate)
{
	struct file *f;
	char buf[8192];
	struct kstat st;
	struct uio u = {buf, 0, false};

	setup();
	f = xopen(&C, "/s", O_RDWR | O_CREAT, 0600);
	u.base = (char *)"tail";
	u.len = 4;
	CHECK_EQ(vfs_pwrite(f, &u, 1048576 + 3), 4);
	CHECK_EQ(vfs_fstat(f, &st), 0);
	CHECK_EQ(st.size, 1048576 + 7);
	CHECK_EQ(st.blocks, 8); /* one page */
	CHECK_EQ(fake_pages_live, 1);
	u.base = buf;
	u.len = sizeof(buf);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(vfs_pread(f, &u, 4096), (s64)sizeof(buf)); /* a hole */
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0) {
			CHECK(buf[i] == 0);
			break;
		}
	CHECK_EQ(vfs_pread(f, &u, 1048576), 7);
	CHECK(memcmp(buf, "\0\0\0tail", 7) == 0);
	/* Truncate down into the page, then up: the cut bytes read as zeros. */
	CHECK_EQ(vfs_ftruncate(f, &cred_root, 1048576 + 5), 0);
	CHECK_EQ(vfs_ftruncate(f, &cred_root, 1048576 + 7), 0);
	CHECK_EQ(vfs_pread(f, &u, 1048576), 7);
	CHECK(memcmp(buf, "\0\0\0ta\0\0", 7) == 0);
	CHECK_EQ(vfs_ftruncate(f, &cred_root, 10), 0);
	CHECK_EQ(fake_pages_live, 0);
	CHECK_EQ(vfs_fstat(f, &st), 0);
	CHECK_EQ(st.size, 10);
	CHECK_EQ(st.blocks, 0);
	CHECK_EQ(vfs_ftruncate(f, &cred_root, -1), -EINVAL);
	CHECK_EQ(vfs_ftruncate(f, &cred_root, 1ll << 40), -EFBIG);
	CHECK_EQ(vfs_truncate(&C, "/s", 100), 0);
	CHECK_EQ(vfs_fstat(f, &st), 0);
	CHECK_EQ(st.size, 100);
	CHECK_EQ(vfs_truncate(&C, "/", 0), -EISDIR);
	file_put(f);
	f = xopen(&C, "/s", O_RDONLY, 0);
	CHECK_EQ(vfs_ftruncate(f, &cred_root, 0), -EINVAL); /* not open for writing */
	file_put(f);
	/* A big write crossing pages */
	f = xopen(&C, "/big", O_RDWR | O_CREAT, 0600);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	CHECK_EQ(vfs_lseek(f, 100, SEEK_SET), 100);
	CHECK_EQ(fwrite_(f, buf, sizeof(buf)), (s64)sizeof(buf));
	CHECK_EQ(fake_pages_live, 3);
	{
		char back[sizeof(buf)];
		struct uio r = {back, sizeof(back), false};

		CHECK_EQ(vfs_pread(f, &r, 100), (s64)sizeof(back));
		CHECK(memcmp(back, buf, sizeof(buf)) == 0);
	}
	file_put(f);
	teardown();
}

UNIT_TEST(open_flags)
{
	struct file *f;
	char buf[32];

	setup();
	make_file("/f", "12345");
	CHECK_EQ(try_open(&C, "/f", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
	CHECK_EQ(try_open(&C, "/f", O_CREAT | O_WRONLY, 0644), 0); /* no O_EXCL: opens */
	CHECK_EQ(slurp(&C, "/f", buf, sizeof(buf)), 5);
	/* O_APPEND: every write lands at the end, whatever the position. */
	f = xopen(&C, "/f", O_WRONLY | O_APPEND, 0);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	CHECK_EQ(fwrite_(f, "ab", 2), 2);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), 7);
	file_put(f);
	CHECK_EQ(slurp(&C, "/f", buf, sizeof(buf)), 7);
	CHECK_STREQ(buf, "12345ab");
	/* O_TRUNC */
	f = xopen(&C, "/f", O_WRONLY | O_TRUNC, 0);
	file_put(f);
	CHECK_EQ(slurp(&C, "/f", buf, sizeof(buf)), 0);
	/* directories */
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), 0);
	CHECK_EQ(try_open(&C, "/d", O_WRONLY, 0), -EISDIR);
	CHECK_EQ(try_open(&C, "/d", O_RDWR, 0), -EISDIR);
	CHECK_EQ(try_open(&C, "/d", O_CREAT | O_RDONLY, 0644), -EISDIR);
	CHECK_EQ(try_open(&C, "/d/", O_CREAT | O_WRONLY, 0644), -EISDIR);
	CHECK_EQ(try_open(&C, "/f", O_DIRECTORY, 0), -ENOTDIR);
	CHECK_EQ(try_open(&C, "/d", O_DIRECTORY, 0), 0);
	f = xopen(&C, "/d", O_RDONLY, 0);
	CHECK_EQ(fread_(f, buf, 4), -EISDIR);
	file_put(f);
	CHECK_EQ(try_open(&C, "/nodir/x", O_CREAT | O_WRONLY, 0644), -ENOENT);
	CHECK_EQ(try_open(&C, "/f/x", O_CREAT | O_WRONLY, 0644), -ENOTDIR);
	CHECK_EQ(try_open(&C, "/new", O_RDONLY, 0), -ENOENT);
	/* O_CLOEXEC and friends are not status flags */
	f = xopen(&C, "/f", O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_EQ(f->flags & O_CLOEXEC, 0);
	CHECK(f->flags & O_NONBLOCK);
	file_put(f);
	teardown();
}

UNIT_TEST(unlinked_open_file_stays_readable)
{
	struct file *f;
	char buf[16];
	struct kstat st;

	setup();
	make_file("/f", "still here");
	CHECK_EQ(fake_pages_live, 1);
	f = xopen(&C, "/f", O_RDONLY, 0);
	CHECK_EQ(vfs_unlink(&C, "/f"), 0);
	CHECK_EQ(stat_("/f", &st), -ENOENT);
	CHECK_EQ(fread_(f, buf, sizeof(buf)), 10);
	CHECK(memcmp(buf, "still here", 10) == 0);
	CHECK_EQ(vfs_fstat(f, &st), 0);
	CHECK_EQ(st.nlink, 0);
	CHECK_EQ(fake_pages_live, 1);
	file_put(f);
	CHECK_EQ(fake_pages_live, 0); /* the last reference returned the memory */
	teardown();
}

/* Does page p hold `n` bytes equal to c (from byte `from`)? */
static bool page_is(struct page *p, size_t from, size_t n, char c)
{
	const char *b = page_address(p);

	for (size_t i = from; i < from + n; i++)
		if (b[i] != c)
			return false;
	return true;
}

static const struct file_operations noshare_fops = {0}; /* no get_page */

/*
 * get_page hands out the file's own page with a reference for the caller:
 * the same memory write() fills, zeros after the end of the file, -ENOENT
 * for holes and past the end; the page outlives truncate, unlink and the
 * last close while the caller holds it, and is freed by its last put.
 */
UNIT_TEST(tmpfs_get_page_shares_the_file_pages)
{
	static char data[2 * PAGE_SIZE + 100];
	struct page *p = NULL, *q = NULL;
	struct file *f, *w;
	struct uio u;

	setup();
	memset(data, 'a', PAGE_SIZE);
	memset(data + PAGE_SIZE, 'b', PAGE_SIZE);
	memset(data + 2 * PAGE_SIZE, 'c', 100);
	w = xopen(&C, "/g", O_RDWR | O_CREAT, 0644);
	CHECK_EQ(fwrite_(w, data, sizeof(data)), (s64)sizeof(data));
	u = (struct uio){(char *)"z", 1, false};
	CHECK_EQ(vfs_pwrite(w, &u, 4 * PAGE_SIZE + 9), 1); /* page 3 is a hole, page 4 the last */
	CHECK_EQ(fake_pages_live, 4);
	f = xopen(&C, "/g", O_RDONLY, 0);

	CHECK_EQ(vfs_get_page(f, 0, &p), 0);
	CHECK(page_is(p, 0, PAGE_SIZE, 'a'));
	CHECK_EQ(p->refcount, 2); /* the file's and ours */
	CHECK_EQ(vfs_get_page(f, 0, &q), 0);
	CHECK(q == p); /* the same page every time: nothing is copied */
	CHECK_EQ(p->refcount, 3);
	page_put(q);
	page_put(p);
	CHECK_EQ(p->refcount, 1);
	CHECK_EQ(vfs_get_page(f, 2, &p), 0);
	CHECK(page_is(p, 0, 100, 'c'));
	CHECK(page_is(p, 100, PAGE_SIZE - 100, 0)); /* beyond the end of its data: zeros */
	page_put(p);
	CHECK_EQ(vfs_get_page(f, 3, &p), -ENOENT); /* a hole */
	CHECK_EQ(vfs_get_page(f, 4, &p), 0);
	CHECK(page_is(p, 9, 1, 'z'));
	page_put(p);
	CHECK_EQ(vfs_get_page(f, 5, &p), -ENOENT); /* past the end */
	CHECK_EQ(vfs_get_page(f, 1ull << 40, &p), -ENOENT);
	CHECK_EQ(fake_pages_live, 4);

	/* write() lands in the page handed out (it is the file's, not a copy). */
	CHECK_EQ(vfs_get_page(f, 1, &p), 0);
	u = (struct uio){(char *)"XY", 2, false};
	CHECK_EQ(vfs_pwrite(w, &u, PAGE_SIZE + 10), 2);
	CHECK(page_is(p, 10, 1, 'X') && page_is(p, 11, 1, 'Y'));

	/* Truncate drops the file's reference only: the holder's page stays intact. */
	CHECK_EQ(vfs_ftruncate(w, &cred_root, 0), 0);
	CHECK_EQ(fake_pages_live, 1);
	CHECK_EQ(p->refcount, 1);
	CHECK(page_is(p, 0, 10, 'b') && page_is(p, 12, PAGE_SIZE - 12, 'b'));
	CHECK_EQ(vfs_get_page(f, 1, &q), -ENOENT);
	page_put(p);
	CHECK_EQ(fake_pages_live, 0);

	/* Unlink and last close: the held page outlives the file. */
	u = (struct uio){data, PAGE_SIZE, false};
	CHECK_EQ(vfs_pwrite(w, &u, 0), (s64)PAGE_SIZE);
	CHECK_EQ(vfs_get_page(f, 0, &p), 0);
	CHECK_EQ(vfs_unlink(&C, "/g"), 0);
	file_put(w);
	file_put(f);
	CHECK_EQ(fake_pages_live, 1);
	CHECK(page_is(p, 0, PAGE_SIZE, 'a'));
	page_put(p);
	CHECK_EQ(fake_pages_live, 0);

	/* Only files open for reading; file systems without get_page say -ENODEV. */
	make_file("/h", "hello");
	w = xopen(&C, "/h", O_WRONLY, 0);
	CHECK_EQ(vfs_get_page(w, 0, &p), -EBADF);
	file_put(w);
	f = file_alloc_anon(&noshare_fops, NULL, O_RDONLY);
	CHECK(f != NULL);
	CHECK_EQ(vfs_get_page(f, 0, &p), -ENODEV);
	file_put(f);
	teardown();
}

/* ---- getdents64 ---- */

struct dent {
	u64 ino;
	s64 off;
	u16 reclen;
	u8 type;
	char name[256];
};

/* Parse records in buf[0..n); returns how many, filling out[]. */
static int parse_dents(const char *buf, s64 n, struct dent *out, int max)
{
	int k = 0;

	for (s64 p = 0; p < n && k < max; k++) {
		memcpy(&out[k].ino, buf + p, 8);
		memcpy(&out[k].off, buf + p + 8, 8);
		memcpy(&out[k].reclen, buf + p + 16, 2);
		memcpy(&out[k].type, buf + p + 18, 1);
		snprintf(out[k].name, sizeof(out[k].name), "%s", buf + p + 19);
		if (out[k].reclen == 0 || out[k].reclen % 8 != 0) {
			CHECK(out[k].reclen != 0 && out[k].reclen % 8 == 0);
			return k;
		}
		CHECK(out[k].reclen >= 19 + strlen(out[k].name) + 1);
		p += out[k].reclen;
	}
	return k;
}

#define NFILES 300

UNIT_TEST(getdents_many_entries_small_buffers)
{
	static struct dent d[64];
	static int seen[NFILES];
	char path[64], buf[600];
	struct file *dir;
	int dots = 0, dotdots = 0, total = 0;
	s64 last_off = 0;
	size_t sizes[] = {40, 64, 100, 333, 600};

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), 0);
	CHECK_EQ(vfs_mkdir(&C, "/d/sub", 0755), 0);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/d/%0*d", 1 + i % 20, i);
		make_file(path, "");
	}
	memset(seen, 0, sizeof(seen));
	dir = xopen(&C, "/d", O_RDONLY | O_DIRECTORY, 0);
	for (int call = 0; call < 1000; call++) {
		struct uio u = {buf, sizes[call % 5], true};
		s64 n = vfs_getdents64(dir, &u);
		int k;

		CHECK(n >= 0);
		if (n <= 0)
			break;
		k = parse_dents(buf, n, d, 64);
		for (int i = 0; i < k; i++) {
			CHECK(d[i].off > last_off); /* offsets strictly increase */
			last_off = d[i].off;
			if (strcmp(d[i].name, ".") == 0) {
				dots++;
				CHECK_EQ(d[i].type, DT_DIR);
				CHECK_EQ(d[i].ino, ino_of("/d"));
			} else if (strcmp(d[i].name, "..") == 0) {
				dotdots++;
				CHECK_EQ(d[i].ino, ino_of("/"));
			} else if (strcmp(d[i].name, "sub") == 0) {
				CHECK_EQ(d[i].type, DT_DIR);
				total++;
			} else {
				int idx = atoi(d[i].name);

				CHECK_EQ(d[i].type, DT_REG);
				CHECK(idx >= 0 && idx < NFILES);
				if (idx >= 0 && idx < NFILES)
					seen[idx]++;
				total++;
			}
		}
	}
	CHECK_EQ(dots, 1);
	CHECK_EQ(dotdots, 1);
	CHECK_EQ(total, NFILES + 1);
	for (int i = 0; i < NFILES; i++)
		if (seen[i] != 1) {
			CHECK_EQ(seen[i], 1);
			break;
		}
	/* A buffer too small for the next record */
	CHECK_EQ(vfs_lseek(dir, 0, SEEK_SET), 0);
	{
		struct uio u = {buf, 20, true};

		CHECK_EQ(vfs_getdents64(dir, &u), -EINVAL);
	}
	/* Seeking to a returned d_off resumes right after that entry. */
	{
		struct uio u = {buf, sizeof(buf), true};
		s64 n = vfs_getdents64(dir, &u);
		int k = parse_dents(buf, n, d, 64);
		char next_name[256];

		CHECK(k >= 4);
		snprintf(next_name, sizeof(next_name), "%s", d[3].name);
		CHECK_EQ(vfs_lseek(dir, d[2].off, SEEK_SET), d[2].off);
		u.len = 64;
		n = vfs_getdents64(dir, &u);
		CHECK(parse_dents(buf, n, d, 64) >= 1);
		CHECK_STREQ(d[0].name, next_name);
	}
	/* Entries removed while listing are not repeated; nothing is returned twice. */
	{
		struct uio u = {buf, 200, true};
		int count = 0;

		memset(seen, 0, sizeof(seen));
		CHECK_EQ(vfs_lseek(dir, 0, SEEK_SET), 0);
		for (int call = 0; call < 1000; call++) {
			s64 n = vfs_getdents64(dir, &u);
			int k = parse_dents(buf, n, d, 64);

			if (n <= 0)
				break;
			for (int i = 0; i < k; i++) {
				if (d[i].name[0] == '.' || strcmp(d[i].name, "sub") == 0)
					continue;
				seen[atoi(d[i].name)]++;
				count++;
			}
			if (call == 2) { /* remove every file not listed yet whose index is odd */
				for (int i = 1; i < NFILES; i += 2) {
					if (seen[i])
						continue;
					snprintf(path, sizeof(path), "/d/%0*d", 1 + i % 20, i);
					CHECK_EQ(vfs_unlink(&C, path), 0);
					seen[i] = -1;
				}
			}
		}
		for (int i = 0; i < NFILES; i++)
			CHECK(seen[i] == 1 || seen[i] == -1);
	}
	{
		struct file *f = xopen(&C, "/d/sub", O_RDONLY, 0);
		struct uio u = {buf, sizeof(buf), true};
		s64 n;

		CHECK_EQ(vfs_rmdir(&C, "/d/sub"), 0);
		n = vfs_getdents64(f, &u); /* a removed directory: only . and .. */
		CHECK_EQ(parse_dents(buf, n, d, 64), 2);
		file_put(f);
		f = xopen(&C, "/", O_RDONLY, 0);
		file_put(f);
	}
	{
		struct file *f = xopen(&C, "/d/0", O_RDONLY, 0);
		struct uio u = {buf, sizeof(buf), true};

		CHECK_EQ(vfs_getdents64(f, &u), -ENOTDIR);
		file_put(f);
	}
	file_put(dir);
	teardown();
}

/* ---- name-space calls ---- */

UNIT_TEST(mkdir_rmdir_unlink_errors)
{
	struct kstat st;

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), 0);
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), -EEXIST);
	CHECK_EQ(vfs_mkdir(&C, "/d/", 0755), -EEXIST);
	CHECK_EQ(vfs_mkdir(&C, "/e/", 0755), 0); /* trailing slash is fine for mkdir */
	CHECK_EQ(vfs_mkdir(&C, "/", 0755), -EEXIST);
	CHECK_EQ(vfs_mkdir(&C, "/x/y", 0755), -ENOENT);
	CHECK_EQ(stat_("/", &st), 0);
	CHECK_EQ(st.nlink, 4); /* ., .., d, e */
	make_file("/d/f", "");
	CHECK_EQ(vfs_rmdir(&C, "/d"), -ENOTEMPTY);
	CHECK_EQ(vfs_rmdir(&C, "/d/f"), -ENOTDIR);
	CHECK_EQ(vfs_unlink(&C, "/d"), -EISDIR);
	CHECK_EQ(vfs_unlink(&C, "/d/f/"), -ENOTDIR);
	CHECK_EQ(vfs_unlink(&C, "/d/nope"), -ENOENT);
	CHECK_EQ(vfs_rmdir(&C, "/d/."), -EINVAL);
	CHECK_EQ(vfs_rmdir(&C, "/d/.."), -ENOTEMPTY);
	CHECK_EQ(vfs_rmdir(&C, "/"), -EBUSY);
	CHECK_EQ(vfs_unlink(&C, "/d/f"), 0);
	CHECK_EQ(vfs_rmdir(&C, "/d/"), 0);
	CHECK_EQ(vfs_rmdir(&C, "/e"), 0);
	CHECK_EQ(stat_("/", &st), 0);
	CHECK_EQ(st.nlink, 2);
	/* mknod */
	CHECK_EQ(vfs_mknod(&C, "/fifo", S_IFIFO | 0644, 0), 0);
	CHECK(S_ISFIFO(mode_of("/fifo")));
	/* FIFOs open through fs/pipe.c: no reader yet, so a non-blocking writer gets ENXIO */
	CHECK_EQ(try_open(&C, "/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	{
		struct file *r = xopen(&C, "/fifo", O_RDONLY | O_NONBLOCK, 0);
		struct file *w = xopen(&C, "/fifo", O_WRONLY | O_NONBLOCK, 0);
		char buf[8];

		if (r && w) {
			CHECK(r->fmode & FMODE_NOSEEK);
			CHECK_EQ(fwrite_(w, "via", 3), 3);
			CHECK_EQ(fread_(r, buf, sizeof(buf)), 3);
			CHECK(memcmp(buf, "via", 3) == 0);
			CHECK_EQ(vfs_lseek(r, 0, SEEK_SET), -ESPIPE);
		}
		file_put(w);
		file_put(r);
	}
	CHECK_EQ(vfs_mknod(&C, "/sock", S_IFSOCK | 0644, 0), 0);
	CHECK_EQ(try_open(&C, "/sock", O_RDONLY, 0), -ENXIO);
	CHECK_EQ(vfs_mknod(&C, "/reg", 0644, 0), 0);
	CHECK(S_ISREG(mode_of("/reg")));
	CHECK_EQ(vfs_mknod(&C, "/dir", S_IFDIR | 0755, 0), -EPERM);
	CHECK_EQ(vfs_mknod(&C, "/bad", 0170000 | 0644, 0), -EINVAL);
	CHECK_EQ(vfs_mknod(&U, "/tmp-chr", S_IFCHR | 0644, MKDEV(1, 3)), -EPERM);
	/* A directory removed while it is the cwd: nothing can be created in it. */
	CHECK_EQ(vfs_mkdir(&C, "/gone", 0755), 0);
	CHECK_EQ(vfs_chdir(&C, "/gone"), 0);
	CHECK_EQ(vfs_rmdir(&C, "/gone"), 0);
	CHECK_EQ(try_open(&C, "new", O_CREAT | O_WRONLY, 0644), -ENOENT);
	CHECK_EQ(vfs_mkdir(&C, "sub", 0755), -ENOENT);
	{
		char buf[64];

		CHECK_EQ(vfs_getcwd(fs, buf, sizeof(buf)), -ENOENT);
	}
	CHECK_EQ(vfs_chdir(&C, "/"), 0);
	teardown();
}

UNIT_TEST(rename_cases)
{
	char buf[32];
	struct kstat st;
	u64 ino;

	setup();
	make_file("/a", "A");
	make_file("/b", "B");
	CHECK_EQ(fake_pages_live, 2);
	ino = ino_of("/a");
	CHECK_EQ(vfs_rename(&C, "/a", &C, "/b", 0), 0); /* over an existing file */
	CHECK_EQ(stat_("/a", &st), -ENOENT);
	CHECK_EQ(ino_of("/b"), ino);
	CHECK_EQ(slurp(&C, "/b", buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "A");
	CHECK_EQ(fake_pages_live, 1); /* the replaced file is gone */
	CHECK_EQ(vfs_rename(&C, "/nope", &C, "/x", 0), -ENOENT);
	/* dirs */
	CHECK_EQ(vfs_mkdir(&C, "/d1", 0755), 0);
	CHECK_EQ(vfs_mkdir(&C, "/d2", 0755), 0);
	make_file("/d1/f", "F");
	CHECK_EQ(vfs_rename(&C, "/d1", &C, "/d2", 0), 0); /* over an empty dir */
	CHECK_EQ(slurp(&C, "/d2/f", buf, sizeof(buf)), 1);
	CHECK_EQ(vfs_mkdir(&C, "/d3", 0755), 0);
	CHECK_EQ(vfs_rename(&C, "/d3", &C, "/d2", 0), -ENOTEMPTY);
	CHECK_EQ(vfs_rename(&C, "/d2", &C, "/d2/sub", 0), -EINVAL);
	CHECK_EQ(vfs_mkdir(&C, "/d2/sub", 0755), 0);
	CHECK_EQ(vfs_rename(&C, "/d2", &C, "/d2/sub/x", 0), -EINVAL);
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/d3", 0), -EISDIR);
	CHECK_EQ(vfs_rename(&C, "/d3", &C, "/b", 0), -ENOTDIR);
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/c/", 0), -ENOTDIR);
	CHECK_EQ(vfs_rename(&C, "/d2", &C, "/d2", 0), 0);
	CHECK_EQ(vfs_rename(&C, "/d2/.", &C, "/x", 0), -EBUSY);
	/* flags */
	make_file("/c", "C");
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/c", RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/c", RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/c", 0x80), -EINVAL);
	CHECK_EQ(vfs_rename(&C, "/b", &C, "/nb", RENAME_NOREPLACE), 0);
	CHECK_EQ(vfs_rename(&C, "/nb", &C, "/c", RENAME_EXCHANGE), 0);
	CHECK_EQ(slurp(&C, "/c", buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "A");
	CHECK_EQ(slurp(&C, "/nb", buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "C");
	CHECK_EQ(vfs_rename(&C, "/nb", &C, "/none", RENAME_EXCHANGE), -ENOENT);
	/* Moving a directory moves its ".." link. */
	CHECK_EQ(stat_("/d2", &st), 0);
	CHECK_EQ(st.nlink, 3);
	CHECK_EQ(vfs_rename(&C, "/d2/sub", &C, "/d3/sub", 0), 0);
	CHECK_EQ(stat_("/d2", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(stat_("/d3", &st), 0);
	CHECK_EQ(st.nlink, 3);
	CHECK_EQ(ino_of("/d3/sub/.."), ino_of("/d3"));
	/* Hard links to the same inode: rename does nothing. */
	CHECK_EQ(vfs_link(&C, "/c", &C, "/c2", 0), 0);
	CHECK_EQ(vfs_rename(&C, "/c", &C, "/c2", 0), 0);
	CHECK_EQ(stat_("/c", &st), 0);
	CHECK_EQ(stat_("/c2", &st), 0);
	CHECK_EQ(st.nlink, 2);
	teardown();
}

UNIT_TEST(hard_links)
{
	struct kstat st;
	char buf[8];

	setup();
	make_file("/f", "data");
	CHECK_EQ(vfs_link(&C, "/f", &C, "/g", 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(ino_of("/g"), st.ino);
	CHECK_EQ(vfs_link(&C, "/f", &C, "/g", 0), -EEXIST);
	CHECK_EQ(vfs_link(&C, "/nope", &C, "/h", 0), -ENOENT);
	CHECK_EQ(vfs_mkdir(&C, "/d", 0755), 0);
	CHECK_EQ(vfs_link(&C, "/d", &C, "/d2", 0), -EPERM);
	CHECK_EQ(vfs_unlink(&C, "/f"), 0);
	CHECK_EQ(stat_("/g", &st), 0);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(slurp(&C, "/g", buf, sizeof(buf)), 4);
	/* link to a symlink: the link itself unless AT_SYMLINK_FOLLOW */
	CHECK_EQ(vfs_symlink("g", &C, "/sl"), 0);
	CHECK_EQ(vfs_link(&C, "/sl", &C, "/sl2", 0), 0);
	CHECK(S_ISLNK(mode_of("/sl2")));
	CHECK_EQ(vfs_link(&C, "/sl", &C, "/g2", AT_SYMLINK_FOLLOW), 0);
	CHECK_EQ(ino_of("/g2"), ino_of("/g"));
	CHECK_EQ(stat_("/g", &st), 0);
	CHECK_EQ(st.nlink, 2);
	teardown();
}

/* ---- permissions ---- */

UNIT_TEST(permissions_as_a_user)
{
	struct file *f;
	struct kstat st;

	setup();
	make_file("/secret", "s");
	CHECK_EQ(vfs_chmod(&C, "/secret", 0600, 0), 0);
	make_file("/pub", "p"); /* 0644 root */
	CHECK_EQ(try_open(&U, "/secret", O_RDONLY, 0), -EACCES);
	CHECK_EQ(try_open(&U, "/pub", O_RDONLY, 0), 0);
	CHECK_EQ(try_open(&U, "/pub", O_WRONLY, 0), -EACCES);
	CHECK_EQ(try_open(&U, "/pub", O_RDONLY | O_TRUNC, 0), -EACCES);
	CHECK_EQ(try_open(&U, "/new", O_CREAT | O_WRONLY, 0644), -EACCES); /* / is 0755 root */
	CHECK_EQ(vfs_mkdir(&U, "/ud", 0755), -EACCES);
	CHECK_EQ(vfs_unlink(&U, "/pub"), -EACCES);
	/* search permission on every directory walked */
	CHECK_EQ(vfs_mkdir(&C, "/priv", 0700), 0);
	make_file("/priv/f", "x");
	CHECK_EQ(vfs_chmod(&C, "/priv/f", 0666, 0), 0);
	CHECK_EQ(vfs_stat(&U, "/priv/f", 0, &st), -EACCES);
	CHECK_EQ(try_open(&U, "/priv/f", O_RDONLY, 0), -EACCES);
	CHECK_EQ(vfs_chmod(&C, "/priv", 0711, 0), 0); /* x without r: lookups work */
	CHECK_EQ(vfs_stat(&U, "/priv/f", 0, &st), 0);
	CHECK_EQ(try_open(&U, "/priv", O_RDONLY, 0), -EACCES);
	/* group and other bits */
	CHECK_EQ(vfs_chown(&C, "/secret", 0, 50, 0), 0);
	CHECK_EQ(vfs_chmod(&C, "/secret", 0640, 0), 0);
	CHECK_EQ(try_open(&U, "/secret", O_RDONLY, 0), 0); /* supplementary group 50 */
	CHECK_EQ(try_open(&U2, "/secret", O_RDONLY, 0), -EACCES);
	CHECK_EQ(vfs_chown(&C, "/secret", 1000, (u32)-1, 0), 0);
	CHECK_EQ(vfs_chmod(&C, "/secret", 0044, 0), 0); /* owner bits rule the owner */
	CHECK_EQ(try_open(&U, "/secret", O_RDONLY, 0), -EACCES);
	/* access(): X_OK for root needs some x bit on files */
	CHECK_EQ(vfs_access(&C, "/pub", X_OK, 0), -EACCES);
	CHECK_EQ(vfs_access(&C, "/pub", R_OK | W_OK, 0), 0);
	CHECK_EQ(vfs_chmod(&C, "/pub", 0654, 0), 0);
	CHECK_EQ(vfs_access(&C, "/pub", X_OK, 0), 0);
	CHECK_EQ(vfs_access(&U, "/pub", X_OK, 0), -EACCES); /* others have r-- only */
	CHECK_EQ(vfs_access(&U, "/pub", R_OK, 0), 0);
	CHECK_EQ(vfs_access(&U, "/pub", F_OK, 0), 0);
	CHECK_EQ(vfs_access(&U, "/pub", 8, 0), -EINVAL);
	/* sticky directory */
	CHECK_EQ(vfs_mkdir(&C, "/tmp", 01777), 0);
	fs->umask = 0;
	CHECK_EQ(vfs_mkdir(&C, "/tmp2", 01777), 0);
	CHECK_EQ(mode_of("/tmp2") & 07777, 01777);
	f = xopen(&U, "/tmp2/mine", O_CREAT | O_WRONLY, 0666);
	file_put(f);
	CHECK_EQ(stat_("/tmp2/mine", &st), 0);
	CHECK_EQ(st.uid, 1000);
	CHECK_EQ(st.gid, 100);
	CHECK_EQ(vfs_unlink(&U2, "/tmp2/mine"), -EPERM);
	CHECK_EQ(vfs_rename(&U2, "/tmp2/mine", &U2, "/tmp2/theirs", 0), -EPERM);
	CHECK_EQ(vfs_rename(&U, "/tmp2/mine", &U, "/tmp2/m2", 0), 0);
	CHECK_EQ(vfs_unlink(&U, "/tmp2/m2"), 0);
	f = xopen(&U2, "/tmp2/other", O_CREAT | O_WRONLY, 0666);
	file_put(f);
	CHECK_EQ(vfs_unlink(&C, "/tmp2/other"), 0); /* root may */
	teardown();
}

UNIT_TEST(umask_applies_at_creation)
{
	struct file *f;

	setup();
	fs->umask = 027;
	f = xopen(&C, "/f", O_CREAT | O_WRONLY, 0666);
	file_put(f);
	CHECK_EQ(mode_of("/f"), S_IFREG | 0640);
	CHECK_EQ(vfs_mkdir(&C, "/d", 0777), 0);
	CHECK_EQ(mode_of("/d"), S_IFDIR | 0750);
	CHECK_EQ(vfs_mknod(&C, "/p", S_IFIFO | 0666, 0), 0);
	CHECK_EQ(mode_of("/p"), S_IFIFO | 0640);
	CHECK_EQ(vfs_symlink("f", &C, "/l"), 0);
	CHECK_EQ(mode_of("/l"), S_IFLNK | 0777);
	/* setgid directories hand down their group */
	CHECK_EQ(vfs_chown(&C, "/d", (u32)-1, 77, 0), 0);
	CHECK_EQ(vfs_chmod(&C, "/d", 02777, 0), 0);
	CHECK_EQ(vfs_mkdir(&C, "/d/sub", 0777), 0);
	{
		struct kstat st;

		CHECK_EQ(stat_("/d/sub", &st), 0);
		CHECK_EQ(st.gid, 77);
		CHECK(st.mode & S_ISGID);
	}
	teardown();
}

UNIT_TEST(chmod_chown_rules)
{
	struct kstat st;
	struct file *f;

	setup();
	f = xopen(&C, "/f", O_CREAT | O_WRONLY, 0644);
	CHECK_EQ(vfs_chmod(&U, "/f", 0777, 0), -EPERM);
	CHECK_EQ(vfs_fchmod(f, &user_cred, 0777), -EPERM);
	CHECK_EQ(vfs_chown(&C, "/f", 1000, 100, 0), 0);
	CHECK_EQ(vfs_chmod(&U, "/f", 0700, 0), 0);
	CHECK_EQ(mode_of("/f") & 07777, 0700);
	CHECK_EQ(vfs_fchmod(f, &user_cred, 0750), 0);
	CHECK_EQ(mode_of("/f") & 07777, 0750);
	/* the owner may change the group to one of its own groups only */
	CHECK_EQ(vfs_chown(&U, "/f", (u32)-1, 50, 0), 0);
	CHECK_EQ(vfs_chown(&U, "/f", (u32)-1, 51, 0), -EPERM);
	CHECK_EQ(vfs_chown(&U, "/f", 1001, (u32)-1, 0), -EPERM);
	CHECK_EQ(vfs_chown(&U, "/f", 1000, (u32)-1, 0), 0); /* unchanged: fine */
	CHECK_EQ(vfs_chown(&U2, "/f", (u32)-1, 101, 0), -EPERM);
	CHECK_EQ(vfs_fchown(f, &user2_cred, (u32)-1, 101), -EPERM);
	/* non-member setgid is dropped by chmod; chown drops setuid */
	CHECK_EQ(vfs_chown(&C, "/f", (u32)-1, 99, 0), 0);
	CHECK_EQ(vfs_chmod(&U, "/f", 02755, 0), 0);
	CHECK_EQ(mode_of("/f") & 07777, 0755);
	CHECK_EQ(vfs_chmod(&C, "/f", 06755, 0), 0);
	CHECK_EQ(vfs_chown(&C, "/f", 1001, (u32)-1, 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.mode & 07777, 0755);
	CHECK_EQ(st.uid, 1001);
	CHECK_EQ(st.gid, 99);
	/* chmod on a symlink itself is not supported (Linux) */
	CHECK_EQ(vfs_symlink("f", &C, "/l"), 0);
	CHECK_EQ(vfs_chmod(&C, "/l", 0600, AT_SYMLINK_NOFOLLOW), -EOPNOTSUPP_TEST);
	CHECK_EQ(vfs_chmod(&C, "/l", 0600, 0), 0); /* follows to f */
	CHECK_EQ(mode_of("/f") & 07777, 0600);
	file_put(f);
	teardown();
}

UNIT_TEST(utimens_now_omit_and_rules)
{
	struct kstat st;
	struct ktimespec t[2];

	setup();
	host_clock_set_ns(5000000123ull);
	make_file("/f", "");
	t[0] = (struct ktimespec){100, 1};
	t[1] = (struct ktimespec){200, 2};
	CHECK_EQ(vfs_utimens(&C, "/f", t, 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.atime.sec, 100);
	CHECK_EQ(st.atime.nsec, 1);
	CHECK_EQ(st.mtime.sec, 200);
	CHECK_EQ(st.ctime.sec, 5);
	host_clock_set_ns(7000000000ull);
	t[0].nsec = UTIME_OMIT;
	t[1].nsec = UTIME_NOW;
	CHECK_EQ(vfs_utimens(&C, "/f", t, 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.atime.sec, 100);
	CHECK_EQ(st.mtime.sec, 7);
	CHECK_EQ(st.ctime.sec, 7);
	t[0].nsec = 1000000000;
	CHECK_EQ(vfs_utimens(&C, "/f", t, 0), -EINVAL);
	/* non-owner: explicit times need ownership; "now" needs write access */
	t[0] = (struct ktimespec){1, 0};
	t[1] = (struct ktimespec){1, 0};
	CHECK_EQ(vfs_utimens(&U, "/f", t, 0), -EPERM);
	CHECK_EQ(vfs_utimens(&U, "/f", NULL, 0), -EACCES);
	CHECK_EQ(vfs_chmod(&C, "/f", 0666, 0), 0);
	host_clock_set_ns(9000000000ull);
	CHECK_EQ(vfs_utimens(&U, "/f", NULL, 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.atime.sec, 9);
	CHECK_EQ(st.mtime.sec, 9);
	/* the realtime offset moves timestamps */
	vfs_set_realtime_offset(1000000000000000000ll);
	CHECK_EQ(vfs_utimens(&C, "/f", NULL, 0), 0);
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.mtime.sec, 1000000009);
	vfs_set_realtime_offset(0);
	/* writes move mtime */
	host_clock_set_ns(11000000000ull);
	make_file("/f", "x");
	CHECK_EQ(stat_("/f", &st), 0);
	CHECK_EQ(st.mtime.sec, 11);
	teardown();
}

/* ---- mounts ---- */

UNIT_TEST(mount_crossing_and_umount)
{
	struct kstat st, root_st;
	char buf[512];
	struct file *f;
	size_t n;

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/mnt", 0755), 0);
	make_file("/mnt/hidden", "h");
	CHECK_EQ(vfs_mount(&C, "scratch", "/mnt", "tmpfs", 0, "mode=0700"), 0);
	CHECK_EQ(stat_("/mnt/hidden", &st), -ENOENT);
	CHECK_EQ(mode_of("/mnt") & 07777, 0700);
	make_file("/mnt/x", "x");
	CHECK_EQ(stat_("/mnt/x", &st), 0);
	CHECK_EQ(stat_("/", &root_st), 0);
	CHECK(st.dev != root_st.dev);
	CHECK_EQ(ino_of("/mnt/.."), root_st.ino);
	CHECK_EQ(ino_of("/mnt/../mnt/x"), st.ino);
	CHECK_EQ(vfs_chdir(&C, "/mnt"), 0);
	CHECK_EQ(ino_of(".."), root_st.ino);
	CHECK_EQ(vfs_getcwd(fs, buf, sizeof(buf)), 5);
	CHECK_STREQ(buf, "/mnt");
	CHECK_EQ(vfs_getcwd(fs, buf, 3), -ERANGE);
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), -EBUSY); /* our cwd is in it */
	CHECK_EQ(vfs_chdir(&C, "/"), 0);
	/* across mounts */
	CHECK_EQ(vfs_rename(&C, "/mnt/x", &C, "/x", 0), -EXDEV_TEST);
	CHECK_EQ(vfs_link(&C, "/mnt/x", &C, "/x", 0), -EXDEV_TEST);
	CHECK_EQ(vfs_rmdir(&C, "/mnt"), -EBUSY);
	CHECK_EQ(vfs_rename(&C, "/mnt", &C, "/mnt2", 0), -EBUSY);
	/* /proc/mounts */
	n = vfs_format_mounts(fs, buf, sizeof(buf));
	CHECK_STREQ(buf, "rootfs / tmpfs rw 0 0\nscratch /mnt tmpfs rw 0 0\n");
	CHECK_EQ(n, strlen(buf));
	CHECK_EQ(vfs_format_mounts(fs, buf, 10), n); /* the full length even if cut */
	CHECK_EQ(strlen(buf), 9);
	/* busy with an open file; and with a mount below */
	f = xopen(&C, "/mnt/x", O_RDONLY, 0);
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), -EBUSY);
	file_put(f);
	CHECK_EQ(vfs_mkdir(&C, "/mnt/sub", 0755), 0);
	CHECK_EQ(vfs_mount(&C, "inner", "/mnt/sub", "tmpfs", MS_RDONLY, NULL), 0);
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), -EBUSY);
	CHECK_EQ(ino_of("/mnt/sub/../x"), st.ino);
	/* read-only mount */
	CHECK_EQ(try_open(&C, "/mnt/sub/f", O_CREAT | O_WRONLY, 0644), -EROFS);
	CHECK_EQ(vfs_mkdir(&C, "/mnt/sub/d", 0755), -EROFS);
	CHECK_EQ(vfs_mount(&C, NULL, "/mnt/sub", NULL, MS_REMOUNT, NULL), 0);
	CHECK_EQ(vfs_mkdir(&C, "/mnt/sub/d", 0755), 0);
	CHECK_EQ(vfs_umount(&C, "/mnt/sub", 0), 0);
	CHECK_EQ(stat_("/mnt/sub/d", &st), -ENOENT);
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), 0);
	CHECK_EQ(stat_("/mnt/hidden", &st), 0); /* uncovered */
	CHECK_EQ(stat_("/mnt/x", &st), -ENOENT);
	/* errors */
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), -EINVAL);
	CHECK_EQ(vfs_umount(&C, "/", 0), -EBUSY);
	CHECK_EQ(vfs_umount(&C, "/nope", 0), -ENOENT);
	CHECK_EQ(vfs_mount(&C, "x", "/mnt", "nosuchfs", 0, NULL), -ENODEV);
	CHECK_EQ(vfs_mount(&C, "x", "/mnt/hidden", "tmpfs", 0, NULL), -ENOTDIR);
	CHECK_EQ(vfs_mount(&U, "x", "/mnt", "tmpfs", 0, NULL), -EPERM);
	CHECK_EQ(vfs_umount(&U, "/mnt", 0), -EPERM);
	/* stacked mounts: the newest is seen; umount uncovers the older */
	CHECK_EQ(vfs_mount(&C, "one", "/mnt", "tmpfs", 0, NULL), 0);
	make_file("/mnt/one", "1");
	CHECK_EQ(vfs_mount(&C, "two", "/mnt", "tmpfs", 0, NULL), 0);
	CHECK_EQ(stat_("/mnt/one", &st), -ENOENT);
	CHECK_EQ(vfs_umount(&C, "/mnt", 0), 0);
	CHECK_EQ(stat_("/mnt/one", &st), 0);
	/* bind mounts */
	CHECK_EQ(vfs_mkdir(&C, "/b", 0755), 0);
	CHECK_EQ(vfs_mount(&C, "/mnt", "/b", NULL, MS_BIND, NULL), 0);
	CHECK_EQ(ino_of("/b/one"), ino_of("/mnt/one"));
	CHECK_EQ(vfs_umount(&C, "/b", 0), 0);
	CHECK_EQ(stat_("/b/one", &st), -ENOENT);
	CHECK_EQ(stat_("/mnt/one", &st), 0);
	/* statfs */
	{
		struct kstatfs sfs;

		CHECK_EQ(vfs_statfs(&C, "/mnt", &sfs), 0);
		CHECK_EQ(sfs.type, TMPFS_MAGIC);
		CHECK_EQ(sfs.bsize, 4096);
		CHECK_EQ(sfs.namelen, 255);
		CHECK_EQ(sfs.blocks, 16384);
		CHECK_EQ(sfs.blocks - sfs.bfree, 1);
	}
	teardown(); /* unmounts the rest; everything must be freed */
}

UNIT_TEST(chroot_dotdot_stays_at_root)
{
	char buf[64];

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/jail", 0755), 0);
	CHECK_EQ(vfs_mkdir(&C, "/jail/in", 0755), 0);
	make_file("/outside", "o");
	CHECK_EQ(vfs_chroot(&U, "/jail"), -EPERM);
	CHECK_EQ(vfs_chroot(&C, "/jail"), 0);
	CHECK_EQ(vfs_chdir(&C, "/in"), 0);
	CHECK_EQ(vfs_getcwd(fs, buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "/in");
	{
		struct kstat st;

		CHECK_EQ(stat_("/../../outside", &st), -ENOENT);
		CHECK_EQ(stat_("../..", &st), 0);
		CHECK_EQ(st.ino, ino_of("/"));
	}
	{
		struct file *f = xopen(&C, "/in", O_RDONLY, 0);

		CHECK_EQ(vfs_file_path(f, buf, sizeof(buf)), 9); /* from the real root */
		CHECK_STREQ(buf, "/jail/in");
		CHECK_EQ(vfs_chdir(&C, "/"), 0);
		CHECK_EQ(vfs_fchdir(fs, f), 0);
		CHECK_EQ(vfs_getcwd(fs, buf, sizeof(buf)), 4);
		file_put(f);
	}
	teardown();
}

/* ---- devfs ---- */

static s64 test_dev_read(struct file *f, struct uio *u, u64 *pos)
{
	return uio_copy_out(u, 0, f->priv, 3) ? -EFAULT : 3;
}

static int test_dev_opens;

static int test_dev_open(struct inode *inode, struct file *f)
{
	test_dev_opens++;
	return 0;
}

static const struct file_operations test_dev_fops = {
	.open = test_dev_open,
	.read = test_dev_read,
};

UNIT_TEST(devfs_devices)
{
	char buf[300];
	struct file *f;
	struct kstat st;

	setup();
	CHECK_EQ(vfs_mkdir(&C, "/dev", 0755), 0);
	CHECK_EQ(vfs_mount(&C, "dev", "/dev", "devtmpfs", 0, NULL), 0);
	CHECK_EQ(stat_("/dev/null", &st), 0);
	CHECK_EQ(st.mode, S_IFCHR | 0666);
	CHECK_EQ(st.rdev, MKDEV(1, 3));
	CHECK_EQ(ino_of("/dev/zero") != 0, 1);
	/* null */
	f = xopen(&U, "/dev/null", O_RDWR, 0);
	CHECK_EQ(fread_(f, buf, sizeof(buf)), 0);
	CHECK_EQ(fwrite_(f, buf, 123), 123);
	CHECK_EQ(vfs_lseek(f, 100, SEEK_SET), 0);
	file_put(f);
	/* zero */
	f = xopen(&U, "/dev/zero", O_RDONLY, 0);
	memset(buf, 1, sizeof(buf));
	CHECK_EQ(fread_(f, buf, sizeof(buf)), (s64)sizeof(buf));
	CHECK(buf[0] == 0 && buf[299] == 0 && buf[150] == 0);
	file_put(f);
	/* full */
	f = xopen(&U, "/dev/full", O_RDWR, 0);
	CHECK_EQ(fwrite_(f, "x", 1), -ENOSPC);
	CHECK_EQ(fread_(f, buf, 10), 10);
	file_put(f);
	/* urandom / random use get_random_bytes */
	random_next = 7;
	f = xopen(&U, "/dev/urandom", O_RDWR, 0);
	CHECK_EQ(fread_(f, buf, 4), 4);
	CHECK(buf[0] == 7 && buf[3] == 10);
	entropy_added = 0;
	CHECK_EQ(fwrite_(f, "seed", 4), 4);
	CHECK_EQ(entropy_added, 4);
	file_put(f);
	CHECK_EQ(try_open(&U, "/dev/random", O_RDONLY, 0), 0);
	/* a device registered later appears, also under a subdirectory */
	CHECK_EQ(chrdev_register("tst", MKDEV(4, 64), 0600, &test_dev_fops, "abc"), 0);
	CHECK_EQ(chrdev_register("pts/0", MKDEV(136, 0), 0620, &test_dev_fops, "pts"), 0);
	CHECK_EQ(chrdev_register("tst", MKDEV(4, 65), 0600, &test_dev_fops, NULL), -EEXIST);
	CHECK_EQ(chrdev_register("other", MKDEV(4, 64), 0600, &test_dev_fops, NULL), -EEXIST);
	CHECK_EQ(chrdev_register("a/b/c", MKDEV(4, 66), 0600, &test_dev_fops, NULL), -EINVAL);
	CHECK_EQ(chrdev_register("../x", MKDEV(4, 66), 0600, &test_dev_fops, NULL), -EINVAL);
	CHECK_EQ(chrdev_register("", MKDEV(4, 66), 0600, &test_dev_fops, NULL), -EINVAL);
	CHECK_EQ(mode_of("/dev/tst"), S_IFCHR | 0600);
	CHECK(S_ISDIR(mode_of("/dev/pts")));
	CHECK_EQ(mode_of("/dev/pts/0"), S_IFCHR | 0620);
	test_dev_opens = 0;
	CHECK_EQ(slurp(&C, "/dev/tst", buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "abc");
	CHECK_EQ(test_dev_opens, 1);
	CHECK_EQ(try_open(&U, "/dev/tst", O_RDONLY, 0), -EACCES);
	/* a node made with mknod in tmpfs reaches the same driver */
	CHECK_EQ(vfs_mknod(&C, "/mynull", S_IFCHR | 0644, MKDEV(1, 3)), 0);
	f = xopen(&C, "/mynull", O_WRONLY, 0);
	CHECK_EQ(fwrite_(f, "abc", 3), 3);
	file_put(f);
	CHECK_EQ(vfs_mknod(&C, "/nodev", S_IFCHR | 0644, MKDEV(200, 1)), 0);
	CHECK_EQ(try_open(&C, "/nodev", O_RDONLY, 0), -ENXIO);
	CHECK_EQ(vfs_mknod(&C, "/blk", S_IFBLK | 0644, MKDEV(8, 0)), 0);
	CHECK_EQ(stat_("/blk", &st), 0);
	CHECK_EQ(st.rdev, MKDEV(8, 0));
	CHECK_EQ(try_open(&C, "/blk", O_RDONLY, 0), -ENXIO);
	/* devtmpfs is writable like Linux's, and "devfs" is accepted too */
	CHECK_EQ(vfs_mkdir(&C, "/dev/shm", 01777), 0);
	CHECK_EQ(vfs_mkdir(&C, "/dev2", 0755), 0);
	CHECK_EQ(vfs_mount(&C, "devfs", "/dev2", "devfs", 0, NULL), 0);
	CHECK_EQ(mode_of("/dev2/tst"), S_IFCHR | 0600);
	CHECK_EQ(stat_("/dev2/shm", &st), -ENOENT);
	CHECK_EQ(vfs_umount(&C, "/dev2", 0), 0);
	teardown();
}

/* ---- fd tables ---- */

/* fdtable_for_each callback: count, stop after fd 50. */
static bool count_fds_below_50(int fd, struct file *f, void *arg)
{
	(*(int *)arg)++;
	return fd < 50;
}

UNIT_TEST(fdtable_semantics)
{
	struct fdtable *t, *t2;
	struct file *a, *b, *c, *g;

	setup();
	make_file("/f", "");
	t = fdtable_create();
	a = xopen(&C, "/f", O_RDONLY, 0);
	b = xopen(&C, "/f", O_RDONLY, 0);
	c = xopen(&C, "/f", O_RDONLY, 0);
	CHECK_EQ(fd_install(t, a, 0, false), 0);
	CHECK_EQ(fd_install(t, b, 0, true), 1);
	CHECK_EQ(fd_install(t, c, 10, false), 10);
	CHECK_EQ(fd_get_cloexec(t, 1), 1);
	CHECK_EQ(fd_get_cloexec(t, 0), 0);
	CHECK_EQ(fd_get_cloexec(t, 5), -EBADF);
	CHECK_EQ(fd_close(t, 0), 0);
	CHECK_EQ(fd_close(t, 0), -EBADF);
	CHECK_EQ(fd_close(t, -1), -EBADF);
	CHECK_EQ(fd_close(t, FD_MAX), -EBADF);
	g = fd_get(t, 1);
	CHECK(g == b);
	CHECK_EQ(g->refcount, 2);
	CHECK_EQ(fd_install(t, g, 0, false), 0); /* lowest free again */
	CHECK(fd_get(t, 7) == NULL);
	CHECK(fd_get(t, -3) == NULL);
	CHECK_EQ(fd_install(t, b, -1, false), -EINVAL);
	CHECK_EQ(fd_install(t, b, FD_MAX, false), -EINVAL);
	/* dup2 */
	CHECK_EQ(fd_dup2(t, 10, 1, false), 1); /* closes the old fd 1 */
	CHECK(b->refcount == 1);	       /* only fd 0 holds b now */
	CHECK_EQ(c->refcount, 2);
	CHECK_EQ(fd_get_cloexec(t, 1), 0);
	CHECK_EQ(fd_dup2(t, 10, 10, true), 10);
	CHECK_EQ(fd_get_cloexec(t, 10), 0); /* same fd: nothing changes */
	CHECK_EQ(fd_dup2(t, 3, 4, false), -EBADF);
	CHECK_EQ(fd_dup2(t, 10, FD_MAX, false), -EBADF);
	CHECK_EQ(fd_dup2(t, 10, 20, true), 20);
	CHECK_EQ(fd_get_cloexec(t, 20), 1);
	CHECK_EQ(fd_set_cloexec(t, 1, true), 0);
	CHECK_EQ(fd_set_cloexec(t, 2, true), -EBADF);
	/* fork: a copy with one more reference each */
	t2 = fdtable_clone(t);
	CHECK_EQ(c->refcount, 6);
	CHECK_EQ(b->refcount, 2);
	fdtable_close_on_exec(t2);
	CHECK(fd_get(t2, 20) == NULL);
	CHECK(fd_get(t2, 1) == NULL);
	CHECK_EQ(c->refcount, 4);
	fdtable_put(t2);
	CHECK_EQ(c->refcount, 3);
	/* CLONE_FILES: shared */
	CHECK(fdtable_get(t) == t);
	fdtable_put(t);
	CHECK_EQ(c->refcount, 3);
	/* EMFILE */
	{
		int n = 0, fd;

		while ((fd = fd_install(t, file_get(b), 0, false)) >= 0)
			n++;
		CHECK_EQ(fd, -EMFILE);
		file_put(b); /* the failed install left us our reference */
		CHECK_EQ(n, FD_MAX - 4);
	}
	{
		int count = 0;

		fdtable_for_each(t, count_fds_below_50, &count);
		CHECK_EQ(count, 51);
	}
	fdtable_put(t);
	teardown();
}

/* ---- anonymous files ---- */

static int released;

static void anon_release(struct file *f)
{
	released++;
}

static const struct file_operations anon_fops = {.release = anon_release};

UNIT_TEST(anon_files_and_uio)
{
	struct file *f;
	char buf[8] = "";
	struct uio k = {buf, sizeof(buf), false};

	setup();
	released = 0;
	f = file_alloc_anon(&anon_fops, &released, O_RDWR);
	CHECK(f != NULL);
	CHECK_EQ(f->fmode, FMODE_READ | FMODE_WRITE);
	CHECK(f->priv == &released);
	CHECK_EQ(fread_(f, buf, 1), -EINVAL);
	CHECK_EQ(vfs_ioctl(f, 1, 0), -ENOTTY);
	CHECK_EQ(vfs_poll(f, NULL) & (POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_EQ(vfs_file_path(f, buf, sizeof(buf)), -ENOENT);
	file_get(f);
	file_put(f);
	CHECK_EQ(released, 0);
	file_put(f);
	CHECK_EQ(released, 1);
	CHECK_EQ(uio_copy_out(&k, 6, "abc", 3), -EFAULT);
	CHECK_EQ(uio_copy_out(&k, 5, "abc", 3), 0);
	CHECK(memcmp(buf + 5, "abc", 3) == 0);
	CHECK_EQ(uio_copy_in(buf, &k, 9, 0), -EFAULT);
	teardown();
}

/* ---- randomized: the tree against a model ---- */

#define MODEL_MAX 1024
#define MODEL_SKIP 1000 /* the operation would nest the tree too deep: not done */

struct model_ent {
	char path[64];
	bool dir;
};

static struct model_ent model[MODEL_MAX];
static int model_n;
static u64 rng_state;

static u32 rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (u32)(rng_state >> 33);
}

static int model_find(const char *p)
{
	for (int i = 0; i < model_n; i++)
		if (strcmp(model[i].path, p) == 0)
			return i;
	return -1;
}

static void parent_of(const char *p, char *out)
{
	const char *s = strrchr(p, '/');

	memcpy(out, p, (size_t)(s - p));
	out[s - p] = '\0';
}

/* Does the parent exist as a directory? 0, -ENOENT or -ENOTDIR (walking from /s). */
static int model_parent(const char *p)
{
	char buf[32];
	size_t len = 2;

	parent_of(p, buf);
	/* check each prefix of the parent below /s */
	while (len < strlen(buf)) {
		char pre[32];
		const char *next = strchr(buf + len + 1, '/');
		int i;

		len = next ? (size_t)(next - buf) : strlen(buf);
		memcpy(pre, buf, len);
		pre[len] = '\0';
		i = model_find(pre);
		if (i < 0)
			return -ENOENT;
		if (!model[i].dir)
			return -ENOTDIR;
	}
	return 0;
}

static bool model_has_children(const char *p)
{
	size_t len = strlen(p);

	for (int i = 0; i < model_n; i++)
		if (strncmp(model[i].path, p, len) == 0 && model[i].path[len] == '/')
			return true;
	return false;
}

static void model_remove(int i)
{
	model[i] = model[--model_n];
}

static int model_create(const char *p, bool dir)
{
	int err = model_parent(p);

	if (err)
		return err;
	if (model_find(p) >= 0)
		return -EEXIST;
	CHECK(model_n < MODEL_MAX);
	if (model_n >= MODEL_MAX)
		return MODEL_SKIP;
	snprintf(model[model_n].path, sizeof(model[0].path), "%s", p);
	model[model_n++].dir = dir;
	return 0;
}

static int model_unlink(const char *p, bool rmdir)
{
	int err = model_parent(p), i;

	if (err)
		return err;
	i = model_find(p);
	if (i < 0)
		return -ENOENT;
	if (rmdir && !model[i].dir)
		return -ENOTDIR;
	if (!rmdir && model[i].dir)
		return -EISDIR;
	if (rmdir && model_has_children(p))
		return -ENOTEMPTY;
	model_remove(i);
	return 0;
}

static int model_rename(const char *a, const char *b)
{
	int err = model_parent(a), ia, ib;
	size_t alen = strlen(a);
	char bp[32];

	if (!err)
		err = model_parent(b);
	if (err)
		return err;
	ia = model_find(a);
	if (ia < 0)
		return -ENOENT;
	ib = model_find(b);
	if (ib == ia)
		return 0;
	parent_of(b, bp);
	if (model[ia].dir && (strcmp(bp, a) == 0 || (strncmp(bp, a, alen) == 0 && bp[alen] == '/')))
		return -EINVAL;
	for (int i = 0; i < model_n; i++)
		if (strncmp(model[i].path, a, alen) == 0 &&
		    strlen(b) + strlen(model[i].path) - alen >= sizeof(model[i].path) - 8)
			return MODEL_SKIP;
	if (ib >= 0) {
		if (model[ia].dir && !model[ib].dir)
			return -ENOTDIR;
		if (model[ia].dir && model_has_children(b))
			return -ENOTEMPTY;
		if (!model[ia].dir && model[ib].dir)
			return -EISDIR;
		model_remove(ib);
	}
	for (int i = 0; i < model_n; i++) {
		char np[64];

		if (strcmp(model[i].path, a) == 0 ||
		    (strncmp(model[i].path, a, alen) == 0 && model[i].path[alen] == '/')) {
			snprintf(np, sizeof(np), "%s%s", b, model[i].path + alen);
			memcpy(model[i].path, np, sizeof(model[i].path));
		}
	}
	return 0;
}

static void random_path(char *out)
{
	static const char *names[] = {"a", "b", "c"};
	int depth = 1 + (int)(rng() % 3);

	strcpy(out, "/s");
	for (int i = 0; i < depth; i++) {
		strcat(out, "/");
		strcat(out, names[rng() % 3]);
	}
}

/* Entries below dir (recursively), read with getdents64. */
static int count_tree(const char *dir)
{
	struct file *f = xopen(&C, dir, O_RDONLY | O_DIRECTORY, 0);
	struct dent d[64]; /* not static: this recurses */
	char buf[1024];
	int count = 0;

	if (!f)
		return -1;
	for (;;) {
		struct uio u = {buf, sizeof(buf), true};
		s64 n = vfs_getdents64(f, &u);
		int k = parse_dents(buf, n, d, 64);

		if (n <= 0)
			break;
		for (int i = 0; i < k; i++) {
			char sub[128];

			if (strcmp(d[i].name, ".") == 0 || strcmp(d[i].name, "..") == 0)
				continue;
			count++;
			if (d[i].type == DT_DIR) {
				snprintf(sub, sizeof(sub), "%s/%s", dir, d[i].name);
				count += count_tree(sub);
			}
		}
	}
	file_put(f);
	return count;
}

/* Every possible path's existence and type agrees with the model. */
static void check_tree_matches_model(void)
{
	static const char *names[] = {"a", "b", "c"};
	int found = 0;

	for (int i = 0; i < 39; i++) {
		char p[32];
		int k = i, depth;
		struct kstat st;
		int err;

		/* i -> a path: 0..2 depth 1, 3..11 depth 2, 12..38 depth 3 */
		depth = k < 3 ? 1 : k < 12 ? 2 : 3;
		k -= depth == 1 ? 0 : depth == 2 ? 3 : 12;
		strcpy(p, "/s");
		for (int d = depth - 1; d >= 0; d--) {
			int div = d == 2 ? 9 : d == 1 ? 3 : 1;

			strcat(p, "/");
			strcat(p, names[(k / div) % 3]);
		}
		if (model_find(p) < 0) {
			err = stat_(p, &st);
			CHECK(err == -ENOENT || err == -ENOTDIR);
		}
	}
	for (int mi = 0; mi < model_n; mi++) {
		struct kstat st;
		int err = stat_(model[mi].path, &st);

		CHECK_EQ(err, 0);
		if (!err)
			CHECK_EQ(S_ISDIR(st.mode), model[mi].dir);
		found++;
	}
	/* Nothing else exists: count every entry below /s with getdents. */
	CHECK_EQ(count_tree("/s"), found);
}

UNIT_TEST(randomized_tree_against_model)
{
	int succeeded[5] = {0};

	setup();
	rng_state = 12345;
	model_n = 0;
	CHECK_EQ(vfs_mkdir(&C, "/s", 0755), 0);
	for (int step = 0; step < 4000; step++) {
		char p[32], q[32];
		int op = (int)(rng() % 5), want, got;
		struct file *f = NULL;

		random_path(p);
		random_path(q);
		switch (op) {
		case 0:
			want = model_create(p, false);
			got = vfs_open(&C, p, O_CREAT | O_EXCL | O_WRONLY, 0644, &f);
			if (!got)
				file_put(f);
			break;
		case 1:
			want = model_create(p, true);
			got = vfs_mkdir(&C, p, 0755);
			break;
		case 2:
			want = model_unlink(p, false);
			got = vfs_unlink(&C, p);
			break;
		case 3:
			want = model_unlink(p, true);
			got = vfs_rmdir(&C, p);
			break;
		default:
			want = model_rename(p, q);
			got = want == MODEL_SKIP ? want : vfs_rename(&C, p, &C, q, 0);
			break;
		}
		if (want != got) {
			unit_fail(__FILE__, __LINE__, "step %d op %d %s %s: want %d got %d", step,
				  op, p, q, want, got);
			break;
		}
		if (got == 0)
			succeeded[op]++;
		if (step % 200 == 0)
			check_tree_matches_model();
	}
	check_tree_matches_model();
	for (int op = 0; op < 5; op++) /* every kind of operation really happened */
		if (succeeded[op] < 25)
			unit_fail(__FILE__, __LINE__, "op %d succeeded %d times", op,
				  succeeded[op]);
	teardown();
}
