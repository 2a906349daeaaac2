/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mmapx.c - end-to-end checks of the memory system calls beyond private
 * mappings: MAP_SHARED file mappings (writes through the mapping seen by
 * read() and by other mappings and processes, write() seen through the
 * mapping, SIGBUS past the end of the file, truncation taking pages away,
 * msync, mprotect and the O_RDONLY rules), shared anonymous memory across
 * fork, MAP_FIXED / MAP_FIXED_NOREPLACE / address hints, mremap (shrink,
 * grow in place, move, MREMAP_FIXED), madvise (MADV_DONTNEED really drops
 * pages; the other advice is accepted, unknown advice refused), mincore,
 * and the argument checks of all of them as Linux makes them.
 *
 * Prints one "ok N - what" or "not ok N - what" line per check and finally
 * "mmapx: N passed, M failed"; exits 0 only if nothing failed. Works in a
 * fresh directory under /tmp (or $TMPDIR) that it removes at the end.
 * It passes on Linux (that validates the test); no check depends on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif

#define PG 4096

static char dir[256];

/* A call that must fail with err: returned value r (-1 / MAP_FAILED) and errno. */
static void check_err(long r, int err, const char *what)
{
	char buf[200];
	int e = errno;

	snprintf(buf, sizeof(buf), "%s (got %ld, errno %d, want %d)", what, r, r == -1 ? e : 0,
		 err);
	check(r == -1 && e == err, buf);
}

static char *path_of(const char *name)
{
	static char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* A file of npages pages, page i filled with 'a' + i; open O_RDWR. */
static int make_file(const char *name, int npages)
{
	char page[PG];
	int fd = open(path_of(name), O_RDWR | O_CREAT | O_TRUNC, 0600);

	for (int i = 0; fd >= 0 && i < npages; i++) {
		memset(page, 'a' + i, PG);
		if (write(fd, page, PG) != PG)
			return -1;
	}
	return fd;
}

/* Run fn in a child; its wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void touch_read(void *p)
{
	volatile char c = *(volatile char *)p;

	(void)c;
}

static void touch_write(void *p)
{
	*(volatile char *)p = 'x';
}

static int killed_by(int status, int sig)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

static int all_bytes(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static int resident(void *p)
{
	unsigned char v = 0xff;

	if (mincore(p, PG, &v))
		return -1;
	return v & 1;
}

static void test_shared_file(void)
{
	int fd = make_file("shared", 2), fd2, status;
	char buf[PG];
	char *m, *m2;

	check(fd >= 0, "shared: create a two-page file");
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "shared: mmap MAP_SHARED of a tmpfs file");
	if (m == MAP_FAILED)
		return;
	check(m[0] == 'a' && m[PG] == 'b', "shared: the mapping shows the file");
	memcpy(m + 10, "hello", 5);
	check(pread(fd, buf, 5, 10) == 5 && memcmp(buf, "hello", 5) == 0,
	      "shared: a write through the mapping is seen by read()");
	check(pwrite(fd, "WORLD", 5, PG + 20) == 5 && memcmp(m + PG + 20, "WORLD", 5) == 0,
	      "shared: write() is seen through the mapping");

	fd2 = open(path_of("shared"), O_RDWR);
	m2 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	check(m2 != MAP_FAILED && memcmp(m2 + 10, "hello", 5) == 0,
	      "shared: a second mapping (another open) sees the first one's writes");
	if (m2 != MAP_FAILED) {
		m2[100] = 'Q';
		check(m[100] == 'Q', "shared: and the first sees the second's");
		munmap(m2, 2 * PG);
	}
	close(fd2);

	/* Another process maps the file on its own and writes. */
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open(path_of("shared"), O_RDWR);
		char *cm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);

		if (cm == MAP_FAILED)
			_exit(1);
		memcpy(cm + 200, "child", 5);
		_exit(0);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0 && memcmp(m + 200, "child", 5) == 0,
	      "shared: another process's mapping writes into ours");

	/* An inherited shared mapping stays shared after fork. */
	pid = fork();
	if (pid == 0) {
		memcpy(m + 300, "forked", 6);
		_exit(0);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && memcmp(m + 300, "forked", 6) == 0,
	      "shared: a forked child writes through the inherited mapping");

	check(msync(m, 2 * PG, MS_SYNC) == 0, "msync MS_SYNC");
	check(msync(m, PG, MS_ASYNC) == 0, "msync MS_ASYNC");
	check(msync(m, PG, MS_INVALIDATE) == 0, "msync MS_INVALIDATE");
	check(msync(m, 0, MS_SYNC) == 0, "msync of zero bytes");
	check_err(msync(m, PG, MS_SYNC | MS_ASYNC), EINVAL, "msync MS_SYNC|MS_ASYNC -> EINVAL");
	check_err(msync(m, PG, 8), EINVAL, "msync unknown flag -> EINVAL");
	check_err(msync(m + 1, PG, MS_SYNC), EINVAL, "msync misaligned -> EINVAL");

	/* mprotect on a shared mapping. */
	check(mprotect(m, 2 * PG, PROT_READ) == 0, "shared: mprotect PROT_READ");
	status = in_child(touch_write, m);
	check(killed_by(status, SIGSEGV), "shared: a write to the read-only view gets SIGSEGV");
	check(mprotect(m, 2 * PG, PROT_READ | PROT_WRITE) == 0 && (m[400] = 'W', 1) &&
		      pread(fd, buf, 1, 400) == 1 && buf[0] == 'W',
	      "shared: writable again, and the write reaches the file");

	/* Truncation: the pages past the new end leave the mapping. */
	m[PG + 5] = 'T';
	check(ftruncate(fd, PG) == 0, "ftruncate the mapped file to one page");
	status = in_child(touch_read, m + PG);
	check(killed_by(status, SIGBUS), "shared: a page past the new end gets SIGBUS");
	check(resident(m + PG) == 0, "mincore: the truncated page is gone");
	check(m[5] == 'a', "shared: the page before the end stays");
	check(ftruncate(fd, 2 * PG) == 0 && m[PG + 5] == 0,
	      "shared: grown again, the page reads as zeros (not the old data)");
	munmap(m, 2 * PG);
	close(fd);
}

static void test_shared_eof(void)
{
	int fd = make_file("eof", 0), status;
	char *m;

	check(fd >= 0 && write(fd, "0123456789", 10) == 10, "eof: a ten-byte file");
	m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "eof: a three-page shared mapping of it");
	if (m == MAP_FAILED)
		return;
	check(memcmp(m, "0123456789", 10) == 0 && all_bytes(m + 10, PG - 10, 0),
	      "eof: the last page has the bytes, then zeros");
	status = in_child(touch_read, m + PG);
	check(killed_by(status, SIGBUS), "eof: reading the page past the end gets SIGBUS");
	status = in_child(touch_write, m + 2 * PG + 8);
	check(killed_by(status, SIGBUS), "eof: writing two pages past the end gets SIGBUS");
	m[20] = 'z'; /* past i_size inside the last page: not part of the file */
	check(lseek(fd, 0, SEEK_END) == 10,
	      "eof: a write past the end of the last page keeps the size");
	munmap(m, 3 * PG);

	/* A sparse file: the mapping and write() meet in the same page. */
	check(ftruncate(fd, 2 * PG) == 0, "sparse: ftruncate to two pages");
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED && m[PG + 7] == 0, "sparse: the hole reads as zeros");
	if (m == MAP_FAILED)
		return;
	check(pwrite(fd, "hole", 4, PG + 7) == 4 && memcmp(m + PG + 7, "hole", 4) == 0,
	      "sparse: write() into the hole is seen through the mapping");
	munmap(m, 2 * PG);
	close(fd);
}

/*
 * read() into, and write() from, an untouched mapping of the same file: the
 * copy faults the file's own page in while the file is being read or
 * written (no deadlock, the right bytes).
 */
static void test_same_file_io(void)
{
	int fd = make_file("self", 3);
	char *s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char buf[8];

	if (s == MAP_FAILED || p == MAP_FAILED) {
		check(0, "same-file I/O: setup");
		return;
	}
	check(pread(fd, s + PG, 100, 0) == 100 && all_bytes(s + PG, 100, 'a') && s[PG + 100] == 'b',
	      "read() of a file into its own untouched shared mapping");
	check(pwrite(fd, s + 2 * PG, 50, 0) == 50 && pread(fd, buf, 1, 49) == 1 && buf[0] == 'c',
	      "write() to a file from its own untouched shared mapping");
	check(pwrite(fd, p + PG, 60, 2 * PG) == 60 && pread(fd, buf, 1, 2 * PG + 59) == 1 &&
		      buf[0] == 'a', /* page 1 starts with the 'a's read into it above */
	      "write() to a file from its own untouched private mapping");
	check(pread(fd, p + 2 * PG, 10, 0) == 10 && all_bytes(p + 2 * PG, 10, 'c'),
	      "read() of a file into its own untouched private mapping");
	munmap(s, 3 * PG);
	munmap(p, 3 * PG);
	close(fd);
}

static void test_rdonly(void)
{
	int fd = make_file("ro", 1), rfd, wfd;
	char *m;
	char c;

	close(fd);
	rfd = open(path_of("ro"), O_RDONLY);
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EACCES,
		  "O_RDONLY: MAP_SHARED with PROT_WRITE -> EACCES");
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, rfd, 0);
	check(m != MAP_FAILED && m[0] == 'a', "O_RDONLY: MAP_SHARED PROT_READ works");
	if (m != MAP_FAILED) {
		check_err(mprotect(m, PG, PROT_READ | PROT_WRITE), EACCES,
			  "O_RDONLY: mprotect(PROT_WRITE) of the shared view -> EACCES");
		munmap(m, PG);
	}
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, rfd, 0);
	check(m != MAP_FAILED, "O_RDONLY: MAP_PRIVATE with PROT_WRITE works");
	if (m != MAP_FAILED) {
		m[0] = 'P';
		check(pread(rfd, &c, 1, 0) == 1 && c == 'a',
		      "O_RDONLY: private writes stay private");
		munmap(m, PG);
	}
	close(rfd);
	wfd = open(path_of("ro"), O_WRONLY);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, wfd, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EACCES, "O_WRONLY: mmap -> EACCES");
	close(wfd);
}

static void test_shared_anon(void)
{
	char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	check(s != MAP_FAILED && p != MAP_FAILED && s[0] == 0 && s[PG] == 0,
	      "shared anonymous: mapped, zero-filled");
	if (s == MAP_FAILED || p == MAP_FAILED)
		return;
	s[1] = 'p'; /* touched before fork */
	pid = fork();
	if (pid == 0) {
		s[0] = 'c';
		s[1] = 'C';
		s[PG + 1] = 'd'; /* not touched before fork */
		p[0] = 'c';
		_exit(0);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status),
	      "shared anonymous: the child ran");
	check(s[0] == 'c' && s[1] == 'C' && s[PG + 1] == 'd',
	      "shared anonymous: the parent sees the child's writes");
	check(p[0] == 0, "private anonymous: the parent does not");
	check(madvise(s, 2 * PG, MADV_DONTNEED) == 0 && s[0] == 'c',
	      "shared anonymous: MADV_DONTNEED keeps the shared data");
	munmap(s, 2 * PG);
	munmap(p, PG);
}

/* Splitting a file mapping (munmap of its head, mprotect of its middle) keeps each part's offset.
 */
static void test_split_file_mapping(void)
{
	int fd = make_file("split", 4);
	char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char c;

	if (m == MAP_FAILED) {
		check(0, "split: setup");
		return;
	}
	check(munmap(m, PG) == 0 && m[PG] == 'b' && m[3 * PG] == 'd',
	      "split: after munmap of the head, the rest shows the same file pages");
	check(mprotect(m + 2 * PG, PG, PROT_READ) == 0 && m[2 * PG] == 'c' && m[3 * PG] == 'd',
	      "split: mprotect of the middle keeps the offsets");
	m[3 * PG + 1] = 'D';
	check(pread(fd, &c, 1, 3 * PG + 1) == 1 && c == 'D',
	      "split: the tail still writes the file");
	munmap(m + PG, 3 * PG);
	close(fd);
}

/* /dev/zero: a private mapping is anonymous memory, a shared one is shared across fork. */
static void test_dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR), status;
	char *p, *s;
	pid_t pid;

	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(fd >= 0 && p != MAP_FAILED && s != MAP_FAILED && p[0] == 0 && s[0] == 0,
	      "/dev/zero: private and shared mappings read zeros");
	if (p == MAP_FAILED || s == MAP_FAILED)
		return;
	pid = fork();
	if (pid == 0) {
		p[0] = 'c';
		s[0] = 'c';
		_exit(0);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && p[0] == 0 && s[0] == 'c',
	      "/dev/zero: the shared mapping is shared with a child, the private one is not");
	munmap(p, PG);
	munmap(s, PG);
	close(fd);
}

static void test_fixed(void)
{
	char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b, *h;

	check(a != MAP_FAILED, "fixed: a four-page region");
	if (a == MAP_FAILED)
		return;
	memset(a, 'o', 4 * PG);
	b = mmap(a + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	check(b == a + PG, "MAP_FIXED lands at the address");
	check(b[0] == 0 && b[2 * PG - 1] == 0 && a[0] == 'o' && a[3 * PG] == 'o',
	      "MAP_FIXED replaced the middle, kept the rest");
	b = mmap(a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check_err(b == MAP_FAILED ? -1 : 0, EEXIST, "MAP_FIXED_NOREPLACE over a mapping -> EEXIST");
	check(a[PG + 5] == 0 && a[0] == 'o', "the failed MAP_FIXED_NOREPLACE changed nothing");
	check(munmap(a + 3 * PG, PG) == 0, "munmap the last page");
	b = mmap(a + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0);
	check(b == a + 3 * PG, "MAP_FIXED_NOREPLACE on a free range lands there");
	check(munmap(a, 4 * PG) == 0, "munmap the whole range");
	h = mmap(a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(h == a + PG, "a free hint is honoured");
	b = mmap(h, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(b != MAP_FAILED && b != h, "a hint in use is not (and replaces nothing)");
	munmap(h, PG);
	munmap(b, PG);
}

static void test_mremap(void)
{
	char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r, *t;

	if (a == MAP_FAILED) {
		check(0, "mremap: setup");
		return;
	}
	memset(a, 'm', 4 * PG);
	check(munmap(a + 2 * PG, 2 * PG) == 0, "mremap: two pages mapped, two free after them");
	r = mremap(a, 2 * PG, PG, 0);
	check(r == a && resident(a + PG) == -1 && errno == ENOMEM, "mremap shrinks in place");
	r = mremap(a, PG, 3 * PG, 0);
	check(r == a && a[0] == 'm' && a[PG] == 0 && a[2 * PG] == 0,
	      "mremap grows in place into free room");
	/* Block the room after it: growing needs MREMAP_MAYMOVE now. */
	t = mmap(a + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(t == a + 3 * PG, "mremap: the next page is taken");
	r = mremap(a, 3 * PG, 5 * PG, 0);
	check_err(r == MAP_FAILED ? -1 : 0, ENOMEM, "mremap cannot grow in place -> ENOMEM");
	a[2 * PG] = 'z';
	r = mremap(a, 3 * PG, 5 * PG, MREMAP_MAYMOVE);
	check(r != MAP_FAILED && r != a && r[0] == 'm' && r[2 * PG] == 'z' && r[4 * PG] == 0,
	      "mremap MREMAP_MAYMOVE moves the pages and grows");
	check(resident(a) == -1 && errno == ENOMEM, "mremap: the old range is unmapped");
	/* MREMAP_FIXED to a chosen place (replacing what is there). */
	t = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = mremap(r, 5 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	check(a == t && a[0] == 'm' && a[PG] == 0, "mremap MREMAP_FIXED moves to the address");
	a[PG] = 'w';
	check(a[PG] == 'w', "mremap: the moved region keeps its protection");
	munmap(a, 2 * PG);
	munmap(a + 3 * PG, PG);

	/* A moved shared file mapping still shows the file. */
	int fd = make_file("remap", 2);
	char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char c;

	r = m == MAP_FAILED ? MAP_FAILED : mremap(m, PG, 2 * PG, MREMAP_MAYMOVE);
	check(r != MAP_FAILED && r[0] == 'a' && r[PG] == 'b', "mremap of a shared file mapping");
	if (r != MAP_FAILED) {
		r[PG + 1] = 'R';
		check(pread(fd, &c, 1, PG + 1) == 1 && c == 'R',
		      "mremap: still shared with the file");
		munmap(r, 2 * PG);
	}
	close(fd);

	r = mremap(NULL, PG, PG, 8);
	check_err(r == MAP_FAILED ? -1 : 0, EINVAL, "mremap unknown flag -> EINVAL");
	r = mremap(a, PG, PG, MREMAP_FIXED, a + PG);
	check_err(r == MAP_FAILED ? -1 : 0, EINVAL,
		  "mremap MREMAP_FIXED without MAYMOVE -> EINVAL");
	t = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = mremap(t + 1, PG, PG, 0);
	check_err(r == MAP_FAILED ? -1 : 0, EINVAL, "mremap misaligned -> EINVAL");
	r = mremap(t, PG, 0, 0);
	check_err(r == MAP_FAILED ? -1 : 0, EINVAL, "mremap to zero bytes -> EINVAL");
	munmap(t, PG);
	r = mremap(t, PG, 2 * PG, MREMAP_MAYMOVE);
	check_err(r == MAP_FAILED ? -1 : 0, EFAULT, "mremap of an unmapped range -> EFAULT");
}

static void test_madvise(void)
{
	char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = make_file("advise", 2);
	char *f = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *u;

	if (a == MAP_FAILED || f == MAP_FAILED || s == MAP_FAILED) {
		check(0, "madvise: setup");
		return;
	}
	check(resident(a) == 0, "mincore: an untouched anonymous page is not resident");
	memset(a, 'x', 2 * PG);
	check(resident(a) == 1 && resident(a + PG) == 1, "mincore: touched pages are resident");
	check(madvise(a, 2 * PG, MADV_DONTNEED) == 0, "madvise MADV_DONTNEED");
	check(resident(a) == 0, "mincore: the dropped page is gone");
	check(a[0] == 0 && a[2 * PG - 1] == 0, "MADV_DONTNEED: anonymous memory reads back zeros");
	f[0] = 'P';
	f[PG] = 'Q';
	check(madvise(f, 2 * PG, MADV_DONTNEED) == 0 && f[0] == 'a' && f[PG] == 'b',
	      "MADV_DONTNEED: a private file mapping reads the file again");
	s[0] = 'S';
	check(madvise(s, PG, MADV_DONTNEED) == 0 && s[0] == 'S',
	      "MADV_DONTNEED: a shared file mapping keeps the data");
	check(madvise(a, PG, MADV_WILLNEED) == 0 && madvise(a, PG, MADV_NORMAL) == 0 &&
		      madvise(a, PG, MADV_SEQUENTIAL) == 0 && madvise(a, PG, MADV_RANDOM) == 0,
	      "madvise WILLNEED/NORMAL/SEQUENTIAL/RANDOM accepted");
	check(madvise(a, 0, MADV_DONTNEED) == 0, "madvise of zero bytes");
	check_err(madvise(a, PG, 999), EINVAL, "madvise unknown advice -> EINVAL");
	check_err(madvise(a + 1, PG, MADV_NORMAL), EINVAL, "madvise misaligned -> EINVAL");

	u = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(u, PG);
	check_err(madvise(u, PG, MADV_DONTNEED), ENOMEM, "madvise of an unmapped range -> ENOMEM");

	unsigned char v[2];
	check_err(mincore(u, PG, v), ENOMEM, "mincore of an unmapped range -> ENOMEM");
	check_err(mincore(a + 1, PG, v), EINVAL, "mincore misaligned -> EINVAL");
	check_err(mincore(a, PG, (unsigned char *)8), EFAULT,
		  "mincore with a bad vector -> EFAULT");
	munmap(a, 2 * PG);
	munmap(f, 2 * PG);
	munmap(s, 2 * PG);
	close(fd);
}

static void test_args(void)
{
	void *m;
	int fd = open(dir, O_RDONLY);

	m = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EINVAL, "mmap of zero bytes -> EINVAL");
	m = mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EINVAL, "mmap without SHARED or PRIVATE -> EINVAL");
	m = mmap((void *)0x10001000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(m == (void *)0x10001000, "mmap MAP_FIXED at a free user address");
	munmap(m, PG);
	m = mmap((void *)0x10000010, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EINVAL, "mmap MAP_FIXED misaligned -> EINVAL");
	m = mmap(NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, ENOMEM, "mmap of 2^62 bytes -> ENOMEM");
	m = mmap(NULL, (size_t)-PG / 2 * 2, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, ENOMEM, "mmap of nearly 2^64 bytes -> ENOMEM");
	m = mmap(NULL, (size_t)1 << 46, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) /* a kernel may allow it (Linux with overcommit): it costs nothing */
		munmap(m, (size_t)1 << 46);
	check(m != MAP_FAILED || errno == ENOMEM, "mmap of 64 TiB of shared memory: ok or ENOMEM");
	m = mmap((void *)0xffff800000000000ull, PG, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check_err(m == MAP_FAILED ? -1 : 0, ENOMEM, "mmap MAP_FIXED in kernel space -> ENOMEM");
	m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 12345, 0);
	check_err(m == MAP_FAILED ? -1 : 0, EBADF, "mmap of a bad fd -> EBADF");
	m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	check_err(m == MAP_FAILED ? -1 : 0, ENODEV, "mmap of a directory -> ENODEV");
	close(fd);
	fd = make_file("args", 1);
	m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100);
	check_err(m == MAP_FAILED ? -1 : 0, EINVAL, "mmap at a misaligned offset -> EINVAL");
	close(fd);
	check_err(munmap((void *)0x10000010, PG), EINVAL, "munmap misaligned -> EINVAL");
	check_err(munmap((void *)0x10000000, 0), EINVAL, "munmap of zero bytes -> EINVAL");
	/* musl's mprotect() aligns the address itself: ask the kernel directly. */
	check_err(syscall(SYS_mprotect, 0x10000010, PG, PROT_READ), EINVAL,
		  "mprotect misaligned -> EINVAL");
	check_err(mprotect((void *)0x10000000, PG, PROT_READ), ENOMEM,
		  "mprotect of an unmapped range -> ENOMEM");
	check_err(mprotect((void *)0xffff800000000000ull, PG, PROT_READ), ENOMEM,
		  "mprotect in kernel space -> ENOMEM");
	check_err(msync((void *)0x10000000, PG, MS_SYNC), ENOMEM,
		  "msync of an unmapped range -> ENOMEM");
	check_err(mincore((void *)0xffff800000000000ull, PG, (unsigned char *)&fd), ENOMEM,
		  "mincore in kernel space -> ENOMEM");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/mmapx.%d", tmp ? tmp : "/tmp", (int)getpid());
	if (mkdir(dir, 0700)) {
		perror("mkdir");
		return 1;
	}
	test_shared_file();
	test_shared_eof();
	test_same_file_io();
	test_rdonly();
	test_shared_anon();
	test_split_file_mapping();
	test_dev_zero();
	test_fixed();
	test_mremap();
	test_madvise();
	test_args();
	const char *names[] = {"shared", "eof", "self", "split", "ro", "remap", "advise", "args"};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	rmdir(dir);
	return tap_done("mmapx");
}
