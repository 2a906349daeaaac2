/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fsapi.c - end-to-end test of the Linux file-system calls (kernel/linux/
 * fs.c, rw.c, stat.c, namei.c, fcntl.c, poll.c, fs/pipe.c): files, offsets,
 * vectored and positioned I/O, stat/statx sizes and modes, directory
 * listings, names (rename, link, symlink, mkdir, rmdir, unlink), the
 * working directory, attributes (chmod, chown, truncate, utimensat),
 * access, umask, descriptors (dup*, fcntl, ioctl), pipes with fork, FIFOs,
 * poll and select, and the error paths: bad pointers give EFAULT, bad
 * descriptors EBADF, bad flags EINVAL.
 *
 * Prints one "ok N - what" or "not ok N - what (details)" line per check
 * and finally "fsapi: N passed, M failed"; exits 0 only if nothing failed.
 * Works in a fresh directory under /tmp (or $TMPDIR) that it removes at the
 * end. It passes on Linux, which is how the test itself is checked; no
 * check depends on timing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define BAD_PTR ((void *)1) /* never mapped */

#define T(cond, what) check_at((cond) != 0, what, __LINE__, #cond)
/* A call that must fail with errno e. */
#define TERR(call, e, what)                                                                  \
	do {                                                                                 \
		errno = 0;                                                                   \
		long r_ = (long)(call);                                                      \
		check_at(r_ == -1 && errno == (e), what, __LINE__, #call " fails with " #e); \
	} while (0)

static long rawsys(long nr, long a, long b, long c, long d, long e)
{
	return syscall(nr, a, b, c, d, e);
}

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) == (ssize_t)n;
}

static int file_is(const char *path, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* ---- files, offsets, I/O ---- */

static void test_files(void)
{
	char buf[64];
	struct stat st;
	mode_t old;
	int fd, fd2;

	old = umask(022);
	T(umask(077) == 022, "umask returns the previous mask");
	umask(old);
	umask(022);

	fd = creat("a", 0666);
	T(fd >= 0, "creat makes a file");
	T(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644,
	  "the new file's mode is 0666 minus umask 022");
	T(st.st_size == 0 && st.st_nlink == 1, "a new file is empty with one link");
	TERR(open("a", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST,
	     "O_CREAT|O_EXCL on an existing file");
	TERR(read(fd, buf, 1), EBADF, "read on a write-only descriptor is EBADF");
	T(write(fd, buf, 0) == 0, "a write of 0 bytes returns 0");
	T(rawsys(SYS_write, fd, 0, 0, 0, 0) == 0, "even from a NULL buffer");
	T(write(fd, "hello world", 11) == 11, "write returns the count");
	close(fd);

	fd = open("a", O_RDWR);
	T(fd >= 0, "open O_RDWR");
	T(lseek(fd, 0, SEEK_END) == 11, "lseek SEEK_END is the size");
	T(lseek(fd, -6, SEEK_CUR) == 5, "lseek SEEK_CUR moves relative");
	TERR(lseek(fd, -100, SEEK_CUR), EINVAL, "lseek before the start is EINVAL");
	TERR(lseek(fd, 0, 99), EINVAL, "lseek with a bad whence is EINVAL");
	T(lseek(fd, 0, SEEK_SET) == 0, "lseek SEEK_SET");
	T(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "read gets the data");
	T(read(fd, buf, 0) == 0, "a read of 0 bytes returns 0");
	T(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "world", 5) == 0, "pread reads at an offset");
	T(lseek(fd, 0, SEEK_CUR) == 5, "pread leaves the position alone");
	T(pwrite(fd, "J", 1, 0) == 1 && lseek(fd, 0, SEEK_CUR) == 5, "pwrite leaves the position");
	TERR(pread(fd, buf, 1, -1), EINVAL, "pread at a negative offset is EINVAL");
	T(pread(fd, buf, 10, 100) == 0, "pread past the end returns 0");
	T(file_is("a", "Jello world"), "pwrite changed the right byte");

	{
		struct iovec w[3] = {{"ab", 2}, {NULL, 0}, {"cdef", 4}};
		struct iovec r[2];
		char x[3], y[10];

		T(lseek(fd, 0, SEEK_END) == 11 && writev(fd, w, 3) == 6,
		  "writev writes every segment");
		r[0] = (struct iovec){x, 3};
		r[1] = (struct iovec){y, sizeof(y)};
		T(lseek(fd, 9, SEEK_SET) == 9 && readv(fd, r, 2) == 8, "readv reads up to the end");
		T(memcmp(x, "lda", 3) == 0 && memcmp(y, "bcdef", 5) == 0,
		  "readv fills the segments in order");
		T(preadv(fd, r, 2, 0) == 13 && memcmp(x, "Jel", 3) == 0,
		  "preadv reads at an offset");
		T(pwritev(fd, w, 1, 0) == 2 && file_is("a", "abllo worldabcdef"),
		  "pwritev writes at an offset");
		TERR(readv(fd, r, -1), EINVAL, "readv with a negative count is EINVAL");
		TERR(readv(fd, BAD_PTR, 2), EFAULT, "readv with a bad iovec array is EFAULT");
		T(readv(fd, r, 0) == 0, "readv of no segments returns 0");
	}

	T(fstat(fd, &st) == 0 && st.st_size == 17, "fstat sees the size");
	T(ftruncate(fd, 5) == 0 && size_of("a") == 5, "ftruncate shrinks");
	T(truncate("a", 100) == 0 && size_of("a") == 100, "truncate grows");
	T(pread(fd, buf, 10, 50) == 10 && buf[0] == 0 && buf[9] == 0, "grown bytes read as zeros");
	TERR(ftruncate(fd, -1), EINVAL, "ftruncate to a negative size is EINVAL");
	T(ftruncate(fd, 5) == 0, "back to 5 bytes");
	close(fd);

	fd = open("a", O_RDONLY);
	TERR(ftruncate(fd, 0), EINVAL, "ftruncate on a read-only descriptor is EINVAL");
	TERR(write(fd, "x", 1), EBADF, "write on a read-only descriptor is EBADF");
	close(fd);

	fd = open("a", O_WRONLY | O_APPEND);
	T(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "!", 1) == 1, "O_APPEND write");
	T(file_is("a", "abllo!"), "O_APPEND writes at the end whatever the position");
	close(fd);

	fd = open("a", O_RDONLY);
	fd2 = open("a", O_RDONLY);
	T(fd >= 0 && fd2 > fd, "a second open gets the next descriptor");
	T(read(fd, buf, 2) == 2 && lseek(fd2, 0, SEEK_CUR) == 0,
	  "separate opens have separate offsets");
	close(fd);
	close(fd2);

	T(fsync(STDOUT_FILENO) == 0 || errno == EINVAL, "fsync on stdout answers");
	fd = open("a", O_RDWR);
	T(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync and fdatasync on a file");
	sync();
	T(1, "sync returns");
	TERR(open("a", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file is ENOTDIR");
	TERR(open("nonexistent", O_RDONLY), ENOENT, "open of a missing file is ENOENT");
	TERR(open("", O_RDONLY), ENOENT, "open of an empty path is ENOENT");
	{
		int fdl = openat(fd, "x", O_RDONLY);

		check_at(fdl == -1 && errno == ENOTDIR, "openat relative to a file is ENOTDIR",
			 __LINE__, "openat(filefd)");
	}
	{
		int afd = openat(fd, "/", O_RDONLY | O_DIRECTORY);

		T(afd >= 0, "openat ignores dirfd for an absolute path");
		close(afd);
	}
	close(fd);
}

/* ---- stat and statx ---- */

struct statx_raw {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct {
		int64_t sec;
		uint32_t nsec;
		int32_t reserved;
	} atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

static void test_stat(void)
{
	struct statx_raw sx;
	struct stat st, st2;
	struct statfs sfs;
	int fd;

	T(sizeof(struct stat) == 144 && sizeof(sx) == 256, "struct stat is 144 bytes, statx 256");
	T(stat("a", &st) == 0 && st.st_size == 6 && S_ISREG(st.st_mode),
	  "stat reports size and type");
	T(st.st_blksize > 0, "stat reports a block size");
	T(stat(".", &st2) == 0 && S_ISDIR(st2.st_mode), "stat of . is a directory");
	T(st.st_dev == st2.st_dev && st.st_ino != st2.st_ino, "one device, distinct inode numbers");
	memset(&sx, 0xff, sizeof(sx));
	T(rawsys(SYS_statx, AT_FDCWD, (long)"a", 0, 0x7ff, (long)&sx) == 0, "statx succeeds");
	T((sx.mask & 0x7ff) == 0x7ff, "statx fills the basic stats");
	T(sx.size == 6 && sx.mode == st.st_mode && sx.ino == st.st_ino && sx.nlink == 1,
	  "statx agrees with stat");
	T(sx.mtime.sec == st.st_mtim.tv_sec && sx.mtime.nsec == (uint32_t)st.st_mtim.tv_nsec,
	  "statx timestamps agree with stat");
	TERR(rawsys(SYS_statx, AT_FDCWD, (long)"a", 0x6000, 0x7ff, (long)&sx), EINVAL,
	     "statx with both sync flags is EINVAL");
	TERR(rawsys(SYS_statx, AT_FDCWD, (long)"a", 0, 0x7ff, (long)BAD_PTR), EFAULT,
	     "statx into a bad buffer is EFAULT");
	fd = open("a", O_RDONLY);
	T(fstatat(fd, "", &st2, AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino,
	  "fstatat AT_EMPTY_PATH stats the descriptor");
	TERR(fstatat(fd, "", &st2, 0), ENOENT, "an empty path without AT_EMPTY_PATH is ENOENT");
	TERR(fstatat(AT_FDCWD, "a", &st2, 0x4000000), EINVAL, "fstatat with a bad flag is EINVAL");
	close(fd);
	T(statfs(".", &sfs) == 0 && sfs.f_bsize > 0, "statfs answers");
	fd = open(".", O_RDONLY | O_DIRECTORY);
	T(fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_namelen >= 255, "fstatfs answers");
	close(fd);

	T(access("a", F_OK) == 0 && access("a", R_OK | W_OK) == 0, "access on an existing file");
	TERR(access("missing", F_OK), ENOENT, "access on a missing file is ENOENT");
	TERR(access("a", 0777), EINVAL, "access with a bad mode is EINVAL");
	T(faccessat(AT_FDCWD, "a", R_OK, 0) == 0, "faccessat");
	T(rawsys(SYS_faccessat2, AT_FDCWD, (long)"a", R_OK, 0, 0) == 0 || errno == ENOSYS,
	  "faccessat2");
}

/* ---- directories and names ---- */

struct dirent64_raw {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
};

/* Which of the names want[] does the directory fd list (bit i = want[i])? -1 on error. */
static int list_dir(int fd, const char *const *want, int nwant, unsigned char *types)
{
	char buf[512];
	int found = 0;
	long n;

	for (;;) {
		n = rawsys(SYS_getdents64, fd, (long)buf, sizeof(buf), 0, 0);
		if (n < 0)
			return -1;
		if (n == 0)
			return found;
		for (long off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);

			if (d->reclen == 0 || d->reclen % 8 || off + d->reclen > n)
				return -1;
			for (int i = 0; i < nwant; i++) {
				if (strcmp(d->name, want[i]) == 0) {
					found |= 1 << i;
					types[i] = d->type;
				}
			}
			off += d->reclen;
		}
	}
}

static void test_names(void)
{
	static const char *const names[] = {".", "..", "a", "d", "s"};
	unsigned char types[5] = {0};
	char buf[256], cwd[512];
	struct stat st;
	long n;
	int fd, dfd;

	T(mkdir("d", 0755) == 0, "mkdir");
	TERR(mkdir("d", 0755), EEXIST, "mkdir of an existing name is EEXIST");
	T(stat("d", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755,
	  "the directory has the mode asked for");
	T(symlink("a", "s") == 0, "symlink");
	T(lstat("s", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the link");
	T(stat("s", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6, "stat follows the link");
	n = readlink("s", buf, sizeof(buf));
	T(n == 1 && buf[0] == 'a', "readlink returns the target without a NUL");
	TERR(rawsys(SYS_readlink, (long)"s", (long)buf, 0, 0, 0), EINVAL,
	     "readlink with a zero size is EINVAL");
	TERR(readlink("a", buf, sizeof(buf)), EINVAL, "readlink of a non-link is EINVAL");

	fd = open(".", O_RDONLY | O_DIRECTORY);
	T(list_dir(fd, names, 5, types) == 0x1f, "getdents64 lists . .. a d s");
	T(types[3] == DT_DIR && types[4] == DT_LNK && types[2] == DT_REG,
	  "getdents64 gives the types");
	T(lseek(fd, 0, SEEK_SET) == 0 && list_dir(fd, names, 5, types) == 0x1f,
	  "a rewound directory lists again");
	T(lseek(fd, 0, SEEK_SET) == 0, "rewind the directory");
	TERR(rawsys(SYS_getdents64, fd, (long)buf, 10, 0, 0), EINVAL,
	     "getdents64 with a tiny buffer is EINVAL");
	TERR(read(fd, buf, sizeof(buf)), EISDIR, "read on a directory is EISDIR");
	close(fd);
	fd = open("a", O_RDONLY);
	TERR(rawsys(SYS_getdents64, fd, (long)buf, sizeof(buf), 0, 0), ENOTDIR,
	     "getdents64 on a file is ENOTDIR");
	close(fd);
	TERR(open("d", O_WRONLY), EISDIR, "opening a directory for writing is EISDIR");

	T(rename("a", "c") == 0, "rename");
	TERR(stat("a", &st), ENOENT, "the old name is gone");
	T(file_is("c", "abllo!"), "the new name has the data");
	T(link("c", "e") == 0 && stat("c", &st) == 0 && st.st_nlink == 2, "link adds a name");
	TERR(rawsys(SYS_renameat2, AT_FDCWD, (long)"c", AT_FDCWD, (long)"e", 1), EEXIST,
	     "renameat2 RENAME_NOREPLACE onto a name is EEXIST");
	TERR(link("c", "e"), EEXIST, "link onto an existing name is EEXIST");
	T(unlink("e") == 0 && stat("c", &st) == 0 && st.st_nlink == 1, "unlink removes a name");
	TERR(unlink("e"), ENOENT, "unlink of a missing name is ENOENT");
	TERR(unlink("d"), EISDIR, "unlink of a directory is EISDIR");
	TERR(unlinkat(AT_FDCWD, "c", 0x1), EINVAL, "unlinkat with a bad flag is EINVAL");
	T(rename("c", "a") == 0, "rename back");

	T(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	n = rawsys(SYS_getcwd, (long)buf, sizeof(buf), 0, 0, 0);
	T(n == (long)strlen(cwd) + 1 && strcmp(buf, cwd) == 0,
	  "the getcwd system call returns the length with the NUL");
	TERR(rawsys(SYS_getcwd, (long)buf, 2, 0, 0, 0), ERANGE,
	     "getcwd into a small buffer is ERANGE");
	T(chdir("d") == 0 && getcwd(buf, sizeof(buf)) && strlen(buf) == strlen(cwd) + 2 &&
		  strcmp(buf + strlen(cwd), "/d") == 0,
	  "chdir into d changes the cwd");
	fd = open("x", O_CREAT | O_WRONLY, 0600);
	T(fd >= 0 && write_all(fd, "in d"), "relative names resolve in the new cwd");
	close(fd);
	T(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, cwd) == 0, "chdir ..");
	TERR(chdir("a"), ENOTDIR, "chdir to a file is ENOTDIR");

	dfd = open("d", O_RDONLY | O_DIRECTORY);
	T(dfd >= 0 && file_is("d/x", "in d"), "the file is in d");
	T(fstatat(dfd, "x", &st, 0) == 0 && st.st_size == 4, "fstatat relative to a directory fd");
	fd = openat(dfd, "y", O_CREAT | O_RDWR, 0644);
	T(fd >= 0 && faccessat(dfd, "y", W_OK, 0) == 0,
	  "openat creates relative to the directory fd");
	close(fd);
	T(mkdirat(dfd, "sub", 0700) == 0 && unlinkat(dfd, "sub", AT_REMOVEDIR) == 0,
	  "mkdirat and unlinkat AT_REMOVEDIR");
	T(renameat(dfd, "y", AT_FDCWD, "y2") == 0 && access("y2", F_OK) == 0,
	  "renameat across directory fds");
	T(linkat(AT_FDCWD, "y2", dfd, "y3", 0) == 0 && symlinkat("y3", dfd, "y4") == 0,
	  "linkat and symlinkat");
	n = readlinkat(dfd, "y4", buf, sizeof(buf));
	T(n == 2 && memcmp(buf, "y3", 2) == 0, "readlinkat");
	TERR(rmdir("d"), ENOTEMPTY, "rmdir of a non-empty directory is ENOTEMPTY");
	TERR(rmdir("a"), ENOTDIR, "rmdir of a file is ENOTDIR");
	T(fchdir(dfd) == 0 && access("x", F_OK) == 0 && chdir("..") == 0, "fchdir");
	fd = open("a", O_RDONLY);
	TERR(fchdir(fd), ENOTDIR, "fchdir to a file is ENOTDIR");
	close(fd);
	T(unlinkat(dfd, "x", 0) == 0 && unlinkat(dfd, "y3", 0) == 0 &&
		  unlinkat(dfd, "y4", 0) == 0 && unlink("y2") == 0,
	  "unlinkat relative to a directory fd");
	close(dfd);
	T(rmdir("d") == 0 && access("d", F_OK) == -1 && errno == ENOENT,
	  "rmdir of an empty directory");

	{
		char *longpath = malloc(5000);

		memset(longpath, 'x', 4999);
		longpath[4999] = '\0';
		TERR(open(longpath, O_RDONLY), ENAMETOOLONG,
		     "a path over PATH_MAX is ENAMETOOLONG");
		longpath[300] = '\0';
		TERR(open(longpath, O_RDONLY), ENAMETOOLONG,
		     "a name over NAME_MAX is ENAMETOOLONG");
		free(longpath);
	}
}

/* ---- attributes ---- */

static void test_attrs(void)
{
	struct timespec ts[2];
	struct timeval tv[2];
	struct stat st;
	int fd;

	T(chmod("a", 0600) == 0 && stat("a", &st) == 0 && (st.st_mode & 07777) == 0600, "chmod");
	fd = open("a", O_RDONLY);
	T(fchmod(fd, 0640) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640, "fchmod");
	T(fchmodat(AT_FDCWD, "a", 0644, 0) == 0 && stat("a", &st) == 0 &&
		  (st.st_mode & 0777) == 0644,
	  "fchmodat");
	T(chown("a", (uid_t)-1, (gid_t)-1) == 0 && fchown(fd, getuid(), getgid()) == 0,
	  "chown and fchown to oneself");
	T(lchown("s", (uid_t)-1, (gid_t)-1) == 0 &&
		  fchownat(AT_FDCWD, "a", (uid_t)-1, (gid_t)-1, AT_SYMLINK_NOFOLLOW) == 0,
	  "lchown and fchownat");

	ts[0] = (struct timespec){1000000, 5};
	ts[1] = (struct timespec){2000000, 7};
	T(utimensat(AT_FDCWD, "a", ts, 0) == 0 && stat("a", &st) == 0 &&
		  st.st_atim.tv_sec == 1000000 && st.st_mtim.tv_sec == 2000000 &&
		  st.st_mtim.tv_nsec == 7,
	  "utimensat sets both times");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){3000000, 0};
	T(utimensat(AT_FDCWD, "a", ts, 0) == 0 && stat("a", &st) == 0 &&
		  st.st_atim.tv_sec == 1000000 && st.st_mtim.tv_sec == 3000000,
	  "UTIME_OMIT keeps a time");
	ts[0].tv_nsec = 1000000000;
	TERR(utimensat(AT_FDCWD, "a", ts, 0), EINVAL, "utimensat with a bad nanosecond is EINVAL");
	TERR(utimensat(AT_FDCWD, "a", ts, 0x4), EINVAL, "utimensat with a bad flag is EINVAL");
	ts[0] = (struct timespec){4000000, 0};
	ts[1] = (struct timespec){4000001, 0};
	T(futimens(fd, ts) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 4000001,
	  "futimens (utimensat on the descriptor)");
	tv[0] = (struct timeval){5000000, 3};
	tv[1] = (struct timeval){6000000, 4};
	T(utimes("a", tv) == 0 && stat("a", &st) == 0 && st.st_mtim.tv_sec == 6000000 &&
		  st.st_mtim.tv_nsec == 4000,
	  "utimes takes microseconds");
	{
		time_t t0 = time(NULL), t1;

		T(utimensat(AT_FDCWD, "a", NULL, 0) == 0 && stat("a", &st) == 0,
		  "utimensat with NULL times");
		t1 = time(NULL);
		T(st.st_mtim.tv_sec >= t0 - 1 && st.st_mtim.tv_sec <= t1 + 1 &&
			  st.st_atim.tv_sec == st.st_mtim.tv_sec,
		  "NULL times mean now, by the same clock as time()");
	}
	/* The older calls, raw (musl implements them with utimensat). */
	tv[1] = (struct timeval){7000000, 0};
	T(rawsys(SYS_utimes, (long)"a", (long)tv, 0, 0, 0) == 0 && stat("a", &st) == 0 &&
		  st.st_mtim.tv_sec == 7000000,
	  "the utimes system call");
	tv[1] = (struct timeval){7000001, 0};
	T(rawsys(SYS_futimesat, AT_FDCWD, (long)"a", (long)tv, 0, 0) == 0 && stat("a", &st) == 0 &&
		  st.st_mtim.tv_sec == 7000001,
	  "the futimesat system call");
	tv[1].tv_usec = 1000000;
	TERR(rawsys(SYS_futimesat, AT_FDCWD, (long)"a", (long)tv, 0, 0), EINVAL,
	     "futimesat with a bad microsecond is EINVAL");
	{
		int64_t ub[2] = {8000000, 8000002};

		T(rawsys(SYS_utime, (long)"a", (long)ub, 0, 0, 0) == 0 && stat("a", &st) == 0 &&
			  st.st_atim.tv_sec == 8000000 && st.st_mtim.tv_sec == 8000002,
		  "the utime system call");
	}
	T(rawsys(SYS_syncfs, fd, 0, 0, 0, 0) == 0, "syncfs");
	close(fd);
	fd = (int)rawsys(SYS_creat, (long)"cr", 0600, 0, 0, 0);
	T(fd >= 0 && write(fd, "c", 1) == 1 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY,
	  "the creat system call opens for writing");
	close(fd);
	T(unlink("cr") == 0, "unlink it");
}

/* ---- descriptors ---- */

static void test_fds(void)
{
	int fd, fd2, fl;

	fd = open("a", O_RDWR);
	fd2 = dup(fd);
	T(fd2 == fd + 1, "dup takes the lowest free descriptor");
	T(lseek(fd, 3, SEEK_SET) == 3 && lseek(fd2, 0, SEEK_CUR) == 3, "dup shares the offset");
	T(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 3, "dup2 onto a chosen number");
	T(dup2(fd, fd) == fd, "dup2 onto itself returns it");
	T(dup2(fd2, 20) == 20, "dup2 onto an open descriptor replaces it");
	/* Raw calls: musl checks these cases itself. */
	TERR(rawsys(SYS_dup3, fd, fd, 0, 0, 0), EINVAL, "dup3 onto itself is EINVAL");
	TERR(rawsys(SYS_dup3, fd, 21, 0x1, 0, 0), EINVAL, "dup3 with a bad flag is EINVAL");
	T(dup3(fd, 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
	T(fcntl(20, F_GETFD) == 0, "dup2 clears close-on-exec");
	T(fcntl(fd, F_DUPFD, 30) >= 30, "F_DUPFD takes a descriptor at or above the minimum");
	fl = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	T(fl >= 0 && fcntl(fl, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
	close(fl);
	TERR(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD with a negative minimum is EINVAL");
	T(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC &&
		  fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0,
	  "F_SETFD and F_GETFD");
	fl = fcntl(fd, F_GETFL);
	T(fl >= 0 && (fl & O_ACCMODE) == O_RDWR, "F_GETFL gives the access mode");
	T(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK) == 0 &&
		  (fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) == (O_APPEND | O_NONBLOCK),
	  "F_SETFL sets O_APPEND and O_NONBLOCK");
	T((fcntl(fd2, F_GETFL) & O_APPEND) != 0, "status flags are shared by dup'ed descriptors");
	T(fcntl(fd, F_SETFL, O_RDONLY) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
	  "F_SETFL cannot change the access mode");
	TERR(fcntl(fd, 12345), EINVAL, "an unknown fcntl command is EINVAL");
	T(ioctl(fd, FIOCLEX) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "FIOCLEX");
	T(ioctl(fd, FIONCLEX) == 0 && fcntl(fd, F_GETFD) == 0, "FIONCLEX");
	TERR(ioctl(fd, TCGETS, &fl), ENOTTY, "a tty ioctl on a file is ENOTTY");
	close(fd);
	close(fd2);
	close(20);
	close(21);
	for (int i = 30; i < 40; i++)
		close(i);
}

/* ---- pipes, FIFOs, poll, select ---- */

static void test_pipes(void)
{
	struct pollfd pfd[3];
	char buf[128];
	int p[2], q[2], status, n, total;
	pid_t pid;

	T(pipe(p) == 0 && p[1] == p[0] + 1, "pipe gives two descriptors");
	TERR(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe is ESPIPE");
	TERR(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe is ESPIPE");
	TERR(write(p[0], "x", 1), EBADF, "write on the read end is EBADF");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "ping", 4) == 4 ? 0 : 1);
	}
	close(p[1]);
	n = 0;
	total = 0;
	while ((n = (int)read(p[0], buf + total, sizeof(buf) - (size_t)total)) > 0)
		total += n;
	T(n == 0 && total == 4 && memcmp(buf, "ping", 4) == 0,
	  "a child's write reaches the parent, then EOF");
	T(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	  "the writer exits cleanly");
	close(p[0]);

	/* SIGPIPE kills a writer with no reader. */
	T(pipe(p) == 0, "pipe");
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		(void)write(p[1], "x", 1);
		_exit(0);
	}
	T(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	  "writing to a pipe without readers raises SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	TERR(write(p[1], "x", 1), EPIPE, "with SIGPIPE ignored the write is EPIPE");
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);

	T(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2 O_NONBLOCK|O_CLOEXEC");
	T((fcntl(p[0], F_GETFL) & O_NONBLOCK) && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
	  "pipe2 sets the flags on both ends");
	TERR(read(p[0], buf, 1), EAGAIN, "reading an empty nonblocking pipe is EAGAIN");
	T(fcntl(p[0], F_GETPIPE_SZ) == 65536, "F_GETPIPE_SZ is 64 KiB");
	total = 0;
	{
		static char chunk[4096];

		while ((n = (int)write(p[1], chunk, sizeof(chunk))) > 0)
			total += n;
	}
	T(n == -1 && errno == EAGAIN && total == 65536,
	  "a nonblocking pipe takes 64 KiB then EAGAIN");
	T(ioctl(p[0], FIONREAD, &n) == 0 && n == 65536, "FIONREAD counts the buffered bytes");
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	pfd[1] = (struct pollfd){p[1], POLLOUT, 0};
	T(poll(pfd, 2, 0) == 1 && pfd[0].revents == POLLIN && pfd[1].revents == 0,
	  "poll: a full pipe is readable, not writable");
	close(p[0]);
	close(p[1]);
	TERR(pipe2(p, 0x1), EINVAL, "pipe2 with a bad flag is EINVAL");
	TERR(rawsys(SYS_pipe, (long)BAD_PTR, 0, 0, 0, 0), EFAULT,
	     "pipe into a bad array is EFAULT");

	T(pipe(p) == 0 && pipe(q) == 0, "two pipes");
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	pfd[1] = (struct pollfd){q[1], POLLOUT, 0};
	pfd[2] = (struct pollfd){-1, POLLIN, 0x7};
	T(poll(pfd, 3, 0) == 1 && pfd[0].revents == 0 && pfd[1].revents == POLLOUT &&
		  pfd[2].revents == 0,
	  "poll with timeout 0: only the write end is ready, fd -1 is ignored");
	T(poll(pfd, 1, 30) == 0 && pfd[0].revents == 0, "poll with a timeout times out");
	T(write(p[1], "abc", 3) == 3 && poll(pfd, 1, -1) == 1 && pfd[0].revents == POLLIN,
	  "poll reports data");
	T(ioctl(p[0], FIONREAD, &n) == 0 && n == 3, "FIONREAD");
	T(read(p[0], buf, sizeof(buf)) == 3, "read returns what is there");
	pfd[0] = (struct pollfd){999, POLLIN, 0};
	T(poll(pfd, 1, 0) == 1 && pfd[0].revents == POLLNVAL, "poll marks a closed fd POLLNVAL");
	TERR(poll(BAD_PTR, 1, 0), EFAULT, "poll with a bad array is EFAULT");

	pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 20 * 1000 * 1000};

		nanosleep(&d, NULL);
		_exit(write(p[1], "z", 1) == 1 ? 0 : 1);
	}
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	T(poll(pfd, 1, -1) == 1 && pfd[0].revents == POLLIN,
	  "poll sleeps until another process writes");
	T(waitpid(pid, &status, 0) == pid && read(p[0], buf, 1) == 1, "the child wrote one byte");

	{
		fd_set r, w;
		struct timeval tv = {0, 0};

		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(p[0], &r);
		FD_SET(q[1], &w);
		T(select(q[1] + 1, &r, &w, NULL, &tv) == 1 && !FD_ISSET(p[0], &r) &&
			  FD_ISSET(q[1], &w),
		  "select: an empty pipe is not readable, a write end is writable");
		T(write(p[1], "x", 1) == 1, "write one byte");
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(p[0], &r);
		FD_SET(q[1], &w);
		T(select(q[1] + 1, &r, &w, NULL, NULL) == 2 && FD_ISSET(p[0], &r) &&
			  FD_ISSET(q[1], &w),
		  "select counts every ready bit");
		FD_ZERO(&r);
		FD_SET(q[0], &r);
		tv = (struct timeval){0, 20000};
		T(select(q[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(q[0], &r),
		  "select times out and clears the set");
		FD_ZERO(&r);
		FD_SET(60, &r);
		tv = (struct timeval){0, 0};
		TERR(select(61, &r, NULL, NULL, &tv), EBADF, "select with a closed fd is EBADF");
		tv = (struct timeval){-1, 0};
		TERR(rawsys(SYS_select, 0, 0, 0, 0, (long)&tv), EINVAL,
		     "select with a negative timeout is EINVAL");
		TERR(select(q[1] + 1, BAD_PTR, NULL, NULL, NULL), EFAULT,
		     "select with a bad set is EFAULT");
		{
			struct timespec zero = {0, 0};

			FD_ZERO(&r);
			FD_SET(p[0], &r);
			T(pselect(p[0] + 1, &r, NULL, NULL, &zero, NULL) == 1 && FD_ISSET(p[0], &r),
			  "pselect");
			pfd[0] = (struct pollfd){p[0], POLLIN, 0};
			T(ppoll(pfd, 1, &zero, NULL) == 1 && pfd[0].revents == POLLIN, "ppoll");
		}
	}
	close(p[1]);
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	T(poll(pfd, 1, 0) == 1 && (pfd[0].revents & POLLHUP) && (pfd[0].revents & POLLIN),
	  "after the writer closes: POLLHUP (and the byte left is POLLIN)");
	close(q[0]);
	pfd[0] = (struct pollfd){q[1], POLLOUT, 0};
	T(poll(pfd, 1, 0) == 1 && (pfd[0].revents & POLLERR),
	  "a write end without readers is POLLERR");
	close(p[0]);
	close(q[1]);

	{
		struct iovec v[2] = {{"ab", 2}, {"cd", 2}};
		struct iovec r[2];
		char x[3], y[8];

		T(pipe(p) == 0 && writev(p[1], v, 2) == 4, "writev into a pipe");
		r[0] = (struct iovec){x, sizeof(x)};
		r[1] = (struct iovec){y, sizeof(y)};
		T(readv(p[0], r, 2) == 4 && memcmp(x, "abc", 3) == 0 && y[0] == 'd',
		  "readv from a pipe spreads one read over the segments");
		T(ioctl(p[0], FIONBIO, &(int){1}) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK),
		  "FIONBIO sets O_NONBLOCK");
		TERR(read(p[0], x, 1), EAGAIN, "and the read end says EAGAIN");
		close(p[0]);
		close(p[1]);
	}

	{
		struct stat st;
		int r, w;

		T(mkfifo("f", 0600) == 0 && stat("f", &st) == 0 && S_ISFIFO(st.st_mode), "mkfifo");
		TERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO,
		     "opening a FIFO to write with no reader is ENXIO");
		r = open("f", O_RDONLY | O_NONBLOCK);
		T(r >= 0, "a nonblocking FIFO reader opens at once");
		T(read(r, buf, 1) == 0, "with no writer it reads end of file");
		w = open("f", O_WRONLY);
		T(w >= 0 && write(w, "fifo", 4) == 4 && read(r, buf, sizeof(buf)) == 4 &&
			  memcmp(buf, "fifo", 4) == 0,
		  "data goes through the FIFO");
		T(fstatat(r, "", &st, AT_EMPTY_PATH) == 0 && S_ISFIFO(st.st_mode),
		  "fstatat AT_EMPTY_PATH on a FIFO descriptor");
		close(w);
		close(r);
		T(mknod("f2", S_IFIFO | 0600, 0) == 0 && unlink("f2") == 0, "mknod makes a FIFO");
		TERR(mknod("f3", S_IFDIR | 0700, 0), EPERM, "mknod of a directory is EPERM");
		T(unlink("f") == 0, "unlink the FIFO");
	}
	{
		int in = open("a", O_RDONLY),
		    out = open("copy", O_CREAT | O_WRONLY | O_TRUNC, 0600);
		off_t off = 1;

		T(in >= 0 && out >= 0 && sendfile(out, in, &off, 3) == 3 && off == 4 &&
			  lseek(in, 0, SEEK_CUR) == 0,
		  "sendfile with an offset");
		close(in);
		close(out);
		T(file_is("copy", "bll") && unlink("copy") == 0, "sendfile copied the bytes");
	}
}

/* ---- bad pointers and bad descriptors ---- */

static void test_errors(void)
{
	char buf[16];
	struct stat st;
	int fd = open("a", O_RDWR);

	TERR(rawsys(SYS_read, fd, (long)BAD_PTR, 10, 0, 0), EFAULT,
	     "read into a bad buffer is EFAULT");
	TERR(rawsys(SYS_write, fd, (long)BAD_PTR, 10, 0, 0), EFAULT,
	     "write from a bad buffer is EFAULT");
	TERR(rawsys(SYS_open, (long)BAD_PTR, O_RDONLY, 0, 0, 0), EFAULT,
	     "open of a bad path is EFAULT");
	TERR(rawsys(SYS_stat, (long)"a", (long)BAD_PTR, 0, 0, 0), EFAULT,
	     "stat into a bad buffer is EFAULT");
	TERR(rawsys(SYS_fstat, fd, (long)BAD_PTR, 0, 0, 0), EFAULT,
	     "fstat into a bad buffer is EFAULT");
	TERR(rawsys(SYS_getcwd, (long)BAD_PTR, 100, 0, 0, 0), EFAULT,
	     "getcwd into a bad buffer is EFAULT");
	TERR(rawsys(SYS_readlink, (long)"s", (long)BAD_PTR, 10, 0, 0), EFAULT,
	     "readlink into a bad buffer is EFAULT");
	TERR(rawsys(SYS_mkdir, (long)BAD_PTR, 0700, 0, 0, 0), EFAULT,
	     "mkdir of a bad path is EFAULT");
	{
		int dfd = open(".", O_RDONLY | O_DIRECTORY);

		TERR(rawsys(SYS_getdents64, dfd, (long)BAD_PTR, 100, 0, 0), EFAULT,
		     "getdents64 into a bad buffer is EFAULT");
		close(dfd);
	}

	TERR(read(999, buf, 1), EBADF, "read on a closed fd is EBADF");
	TERR(write(-5, buf, 1), EBADF, "write on a negative fd is EBADF");
	TERR(close(999), EBADF, "close of a closed fd is EBADF");
	TERR(fstat(999, &st), EBADF, "fstat of a closed fd is EBADF");
	TERR(dup(999), EBADF, "dup of a closed fd is EBADF");
	TERR(dup2(999, 5), EBADF, "dup2 of a closed fd is EBADF");
	TERR(dup2(fd, -1), EBADF, "dup2 onto a negative fd is EBADF");
	TERR(fcntl(999, F_GETFL), EBADF, "fcntl on a closed fd is EBADF");
	TERR(lseek(999, 0, SEEK_SET), EBADF, "lseek on a closed fd is EBADF");
	TERR(ioctl(999, FIONREAD, buf), EBADF, "ioctl on a closed fd is EBADF");
	TERR(fsync(999), EBADF, "fsync on a closed fd is EBADF");
	TERR(fchdir(999), EBADF, "fchdir on a closed fd is EBADF");
	TERR(fchmod(999, 0600), EBADF, "fchmod on a closed fd is EBADF");
	TERR(ftruncate(999, 0), EBADF, "ftruncate on a closed fd is EBADF");
	TERR(openat(999, "a", O_RDONLY), EBADF, "openat with a closed dirfd is EBADF");
	TERR(rawsys(SYS_getdents64, 999, (long)buf, sizeof(buf), 0, 0), EBADF,
	     "getdents64 on a closed fd is EBADF");
	close(fd);
}

static char dir[256];

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	signal(SIGPIPE, SIG_DFL);
	snprintf(dir, sizeof(dir), "%s/fsapi.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (mkdir(dir, 0700) != 0 || chdir(dir) != 0) {
		printf("not ok 1 - cannot make and enter %s: %s\n", dir, strerror(errno));
		printf("fsapi: 0 passed, 1 failed\n");
		return 1;
	}
	test_files();
	test_stat();
	test_names();
	test_attrs();
	test_fds();
	test_pipes();
	test_errors();

	T(unlink("a") == 0 && unlink("s") == 0, "remove the files");
	T(chdir("/") == 0 && rmdir(dir) == 0, "remove the scratch directory");
	return tap_done("fsapi");
}
