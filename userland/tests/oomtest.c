/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oomtest.c - runs the system out of memory on purpose, for the OOM policy
 * test (tests/integration/t_memory.py). Do not run it on a host you care
 * about: it allocates until something kills it.
 *
 *   oomtest        map and touch anonymous memory, 1 MiB at a time, until
 *                  the kernel kills this process (the shell then reports
 *                  status 137: SIGKILL). Prints "oomtest: N MiB" as it goes.
 *   oomtest fork   the same in a child, while the parent (small) waits for
 *                  it: prints "oomtest: child killed by SIGKILL" and exits 0
 *                  when the child was the one killed, 1 otherwise.
 *   oomtest brk    the same through brk instead of mmap.
 *   oomtest read   the kernel touches the memory: read() from /dev/zero
 *                  into an untouched buffer larger than RAM (the copy's
 *                  faults run out of memory); prints what read returned if
 *                  it ever returns (it should not: the process is killed).
 *   oomtest victim a child takes 60% of RAM and waits, then the parent
 *                  takes 60%: the parent's fault finds no memory, the larger
 *                  child is killed, the parent gets the memory and exits 0.
 *
 * It does not end on its own: mapped memory that cannot be backed is a
 * fault the kernel must resolve or punish, so the way out is a kill (it
 * gives up with status 2 only if the kernel refuses 100 allocations in a
 * row, which address space enough for RAM should never do).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)
#define PG 4096

static void touch(char *p)
{
	for (size_t i = 0; i < CHUNK; i += PG)
		p[i] = (char)(i / PG + 1);
}

/* CHUNK more bytes of heap through brk itself (musl's sbrk only reads the break); NULL if refused.
 */
static char *grow_brk(void)
{
	char *cur = (char *)syscall(SYS_brk, 0);

	return (char *)syscall(SYS_brk, cur + CHUNK) == cur + CHUNK ? cur : NULL;
}

/* Take and touch limit MiB (0: no limit). */
static void hog(int use_brk, unsigned long limit)
{
	int refused = 0;

	for (unsigned long mib = 1; !limit || mib <= limit; mib++) {
		char *p = use_brk ? grow_brk()
				  : mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || !p) {
			printf("oomtest: allocation refused at %lu MiB\n", mib);
			fflush(stdout);
			if (++refused == 100)
				_exit(2);
			mib--;
			continue;
		}
		refused = 0;
		touch(p);
		if (mib % 4 == 0) {
			printf("oomtest: %lu MiB\n", mib);
			fflush(stdout);
		}
	}
}

/*
 * A child takes 60% of RAM and waits; then the parent takes 60% too. The
 * parent's fault runs out of memory, but the child is the larger: it must
 * be the one killed, and the parent must get its memory and finish.
 */
static int victim_mode(void)
{
	unsigned long target = (unsigned long)sysconf(_SC_PHYS_PAGES) / (CHUNK / PG) * 6 / 10;
	int fds[2], hold[2], status;
	char c;
	pid_t pid;

	if (pipe(fds) || pipe(hold))
		return 1;
	pid = fork();
	if (pid == 0) {
		hog(0, target);
		printf("oomtest: child holds %lu MiB\n", target);
		fflush(stdout);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		for (;;) /* wait for the end: nothing is ever written to hold[] */
			if (read(hold[0], &c, 1) < 0)
				_exit(1);
	}
	if (pid < 0 || read(fds[0], &c, 1) != 1)
		return 1;
	hog(0, target);
	printf("oomtest: parent got %lu MiB\n", target);
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGKILL) {
		printf("oomtest: the child was not killed (status %#x)\n", status);
		kill(pid, SIGKILL);
		return 1;
	}
	printf("oomtest: the larger child was killed, the parent carried on\n");
	return 0;
}

/* read() from /dev/zero into a buffer twice the size of RAM, in 16 MiB calls. */
static int read_mode(void)
{
	size_t len = (size_t)sysconf(_SC_PHYS_PAGES) * PG * 2, chunk = 16 * CHUNK;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/zero", O_RDONLY);

	if (buf == MAP_FAILED || fd < 0) {
		perror("oomtest read");
		return 1;
	}
	for (size_t done = 0; done < len; done += chunk) {
		ssize_t n = read(fd, buf + done, chunk);

		if (n != (ssize_t)chunk) {
			printf("oomtest: read returned %ld at %zu MiB\n", (long)n, done / CHUNK);
			fflush(stdout);
		}
	}
	printf("oomtest: read %zu MiB and was not killed\n", len / CHUNK);
	return 1;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc >= 2 && strcmp(argv[1], "victim") == 0)
		return victim_mode();
	if (argc >= 2 && strcmp(argv[1], "read") == 0)
		return read_mode();
	if (argc < 2 || strcmp(argv[1], "fork") != 0) {
		hog(argc >= 2 && strcmp(argv[1], "brk") == 0, 0);
		return 1; /* not reached */
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		hog(0, 0);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		printf("oomtest: child killed by SIGKILL\n");
		return 0;
	}
	printf("oomtest: child ended with status %#x\n", status);
	return 1;
}
