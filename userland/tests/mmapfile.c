/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mmapfile.c - end-to-end test of private file mappings (mmap with
 * MAP_PRIVATE on a regular file, kernel/linux/mm.c). On tmpfs the kernel
 * maps the file's own pages copy-on-write instead of copying them, so this
 * checks what a program must see either way: the file's bytes at the right
 * offsets, zeros after the end of the file, writes through the mapping that
 * stay private (the file, other mappings and a forked child's copy keep
 * their data), a mapping that outlives unlink and close, and, as on Linux,
 * writes to the file showing through pages the mapping has not written.
 *
 * Prints one "ok N - what" or "not ok N - what (details)" line per check
 * and finally "mmapfile: N passed, M failed"; exits 0 only if nothing
 * failed. Works in a fresh directory under /tmp (or $TMPDIR) that it
 * removes at the end. It passes on Linux; no check depends on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define PG 4096
#define FILE_SIZE (3 * PG + 100) /* pages 'A', 'B', 'C', then 100 bytes of 'D' */

#define T(cond, what) check_at((cond) != 0, what, __LINE__, #cond)

/* Are the n bytes at p all c? */
static int all(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static int make_file(const char *name)
{
	static char buf[FILE_SIZE];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);

	for (int i = 0; i < FILE_SIZE; i++)
		buf[i] = (char)('A' + i / PG);
	if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE)
		return -1;
	return fd;
}

static char file_byte(int fd, off_t off)
{
	char c = 0;

	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

static void test_read_only(int fd)
{
	char *m = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	char *o;

	T(m != MAP_FAILED, "mmap 4 pages PROT_READ MAP_PRIVATE");
	if (m == MAP_FAILED)
		return;
	T(all(m, PG, 'A') && all(m + PG, PG, 'B') && all(m + 2 * PG, PG, 'C'),
	  "the whole pages read as the file");
	T(all(m + 3 * PG, 100, 'D'), "the last, partial page reads as the file");
	T(all(m + 3 * PG + 100, PG - 100, 0), "bytes after the end of the file read as zero");
	o = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
	T(o != MAP_FAILED && o[0] == 'B' && o[PG] == 'C', "a mapping at offset 4096 starts at 'B'");
	if (o != MAP_FAILED)
		T(munmap(o, 2 * PG) == 0, "munmap the offset mapping");
	T(munmap(m, 4 * PG) == 0, "munmap");
}

static void test_private_writes(int fd)
{
	char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *n = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	int status = -1;
	pid_t pid;

	T(m != MAP_FAILED && n != MAP_FAILED, "two private mappings of the file");
	if (m == MAP_FAILED || n == MAP_FAILED)
		return;
	memset(m, 'x', 10);
	m[3 * PG + 200] = 'y'; /* past the end of the file, in its last page */
	T(all(m, 10, 'x') && m[10] == 'A', "a write through the mapping is seen by it");
	T(file_byte(fd, 0) == 'A' && file_byte(fd, 9) == 'A', "the file keeps its bytes");
	T(all(n, PG, 'A'), "the other mapping keeps the file's bytes");
	T(m[3 * PG] == 'D' && n[3 * PG + 200] == 0, "the last page is private too");

	/* Linux: a page not yet written through a private mapping shows the file. */
	T(pwrite(fd, "zz", 2, PG) == 2, "pwrite into page 1 of the file");
	T(m[PG] == 'z' && n[PG + 1] == 'z', "unwritten pages of both mappings show the write");
	m[PG + 2] = 'w';
	T(pwrite(fd, "qq", 2, PG + 4) == 2, "pwrite into page 1 again");
	T(m[PG + 4] == 'B' && m[PG + 2] == 'w', "a written page is the mapping's own");
	T(n[PG + 4] == 'q' && file_byte(fd, PG + 2) == 'B', "the file and the other mapping");

	/* fork: the child's writes stay in the child. */
	m[2 * PG] = 'p';
	pid = fork();
	if (pid == 0) {
		int ok = m[2 * PG] == 'p' && n[2 * PG] == 'C';

		m[2 * PG] = 'c';
		m[2 * PG + 1] = 'c';
		ok = ok && m[2 * PG] == 'c';
		_exit(ok ? 0 : 1);
	}
	T(pid > 0 && waitpid(pid, &status, 0) == pid, "fork and wait");
	T(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	  "the child saw the parent's data and its own");
	T(m[2 * PG] == 'p' && m[2 * PG + 1] == 'C', "the parent does not see the child's writes");
	T(file_byte(fd, 2 * PG) == 'C', "neither does the file");
	T(munmap(m, 4 * PG) == 0 && munmap(n, 4 * PG) == 0, "munmap both");
}

static void test_outlives_file(void)
{
	int fd = make_file("gone");
	char *m;

	T(fd >= 0, "create a second file");
	if (fd < 0)
		return;
	m = mmap(NULL, 3 * PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	T(m != MAP_FAILED, "mmap it PROT_READ|PROT_EXEC");
	T(unlink("gone") == 0 && close(fd) == 0, "unlink and close it");
	if (m == MAP_FAILED)
		return;
	T(all(m, PG, 'A') && all(m + 2 * PG, PG, 'C'), "the mapping still reads the file's bytes");
	T(mprotect(m, PG, PROT_READ | PROT_WRITE) == 0, "mprotect a page writable");
	m[0] = 'k';
	T(m[0] == 'k' && m[1] == 'A', "and write it");
	T(munmap(m, 3 * PG) == 0, "munmap");
}

static void test_errors(int fd)
{
	int wfd = open("m", O_WRONLY);

	errno = 0;
	T(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wfd, 0) == MAP_FAILED && errno == EACCES,
	  "a write-only descriptor cannot be mapped (EACCES)");
	errno = 0;
	T(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL,
	  "an unaligned offset is EINVAL");
	close(wfd);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[128];
	int fd;

	snprintf(dir, sizeof(dir), "%s/mmapfile.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (mkdir(dir, 0700) != 0 || chdir(dir) != 0) {
		printf("not ok 1 - cannot make and enter %s: %s\n", dir, strerror(errno));
		printf("mmapfile: 0 passed, 1 failed\n");
		return 1;
	}
	fd = make_file("m");
	T(fd >= 0, "create a 3-page + 100-byte file");
	if (fd >= 0) {
		test_read_only(fd);
		test_private_writes(fd);
		test_errors(fd);
		close(fd);
	}
	test_outlives_file();
	T(unlink("m") == 0, "remove the file");
	T(chdir("/") == 0 && rmdir(dir) == 0, "remove the scratch directory");
	return tap_done("mmapfile");
}
