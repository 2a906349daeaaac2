/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procapi.c - end-to-end checks of the process system calls: vfork + _exit
 * and vfork + execve, clone without CLONE_VM, a COW page written by parent
 * and child, wait4 with WNOHANG and ECHILD, getppid, signal handlers with
 * SA_SIGINFO and sigreturn (registers and the mask restored), SIGSEGV
 * caught by a handler, kill(0) reaching the own group, getrandom,
 * rt_sigtimedwait, uname, sched_getaffinity (only CPUs that are online,
 * as /proc/stat lists them). Prints "ok N - what" / "not ok N - what" and
 * "procapi: N passed, M failed"; exits 0 only if everything passed. Runs on
 * Linux too (that validates the test itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile unsigned long bad_addr = 8; /* an unmapped address, hidden from the compiler */
static volatile sig_atomic_t got_usr1, got_info_signo;
static sigjmp_buf segv_jmp;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_usr1 = sig;
	got_info_signo = si->si_signo;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jmp, 1);
}

static int child_fn(void *arg)
{
	return *(int *)arg;
}

int main(void)
{
	int status = 0;
	pid_t pid;
	static char stack[65536];
	volatile int cow = 1;
	int code = 9;

	pid = vfork();
	if (pid == 0)
		_exit(7);
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 7,
	      "vfork + _exit(7) reported by waitpid");

	pid = vfork();
	if (pid == 0) {
		char *argv[] = {"true", NULL};

		execv("/bin/true", argv);
		_exit(99);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0,
	      "vfork + execve(/bin/true) exits 0");

	pid = clone(child_fn, stack + sizeof(stack), SIGCHLD, &code);
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 9,
	      "clone(SIGCHLD) child returns 9");

	pid = fork();
	if (pid == 0) {
		cow = 2;
		_exit(cow == 2 && getppid() > 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check(WEXITSTATUS(status) == 0 && cow == 1, "copy-on-write: the child's write is its own");

	check(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD,
	      "wait with no children: ECHILD");
	pid = fork();
	if (pid == 0) {
		struct timespec ts = {0, 200 * 1000 * 1000};

		nanosleep(&ts, NULL);
		_exit(3);
	}
	check(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG with a running child returns 0");
	check(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3,
	      "then the child is collected");

	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	check(got_usr1 == SIGUSR1 && got_info_signo == SIGUSR1,
	      "SA_SIGINFO handler runs with siginfo");

	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	got_usr1 = 0;
	kill(getpid(), SIGUSR1);
	check(got_usr1 == 0, "a blocked signal waits");
	sigprocmask(SIG_SETMASK, &old, NULL);
	check(got_usr1 == SIGUSR1, "and is delivered when unblocked");

	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	struct timespec zero = {0, 0};
	check(sigtimedwait(&set, NULL, &zero) == SIGUSR1, "sigtimedwait takes a pending signal");
	check(sigtimedwait(&set, NULL, &zero) == -1 && errno == EAGAIN,
	      "and times out when none is left");
	sigprocmask(SIG_SETMASK, &old, NULL);

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(segv_jmp, 1) == 0) {
		volatile int *volatile bad = (volatile int *)(uintptr_t)bad_addr;

		*bad = 1;
		check(0, "SIGSEGV handler runs on a bad write");
	} else {
		check(1, "SIGSEGV handler runs on a bad write");
	}
	signal(SIGSEGV, SIG_DFL);

	signal(SIGUSR2, SIG_IGN);
	check(kill(0, SIGUSR2) == 0, "kill(0) reaches the own group (ignored here)");

	unsigned char r1[32], r2[32];

	check(getrandom(r1, sizeof(r1), 0) == 32 && getrandom(r2, sizeof(r2), 0) == 32 &&
		      memcmp(r1, r2, sizeof(r1)) != 0,
	      "getrandom gives 32 different bytes twice");
	check(getrandom(NULL, 16, 0) == -1 && errno == EFAULT, "getrandom to NULL: EFAULT");

	struct utsname u;

	check(uname(&u) == 0 && u.machine[0], "uname");
	printf("procapi: sysname %s\n", u.sysname);

	/* sched_getaffinity: CPUs that are online (the "cpuN" lines of /proc/stat), no others. */
	cpu_set_t cpus, online, both;
	FILE *st = fopen("/proc/stat", "r");
	char line[256];
	int n;

	CPU_ZERO(&online);
	while (st && fgets(line, sizeof(line), st))
		if (!strncmp(line, "cpu", 3) && line[3] >= '0' && line[3] <= '9' &&
		    sscanf(line + 3, "%d", &n) == 1 && n < CPU_SETSIZE)
			CPU_SET(n, &online);
	if (st)
		fclose(st);
	CPU_ZERO(&cpus);
	check(sched_getaffinity(0, sizeof(cpus), &cpus) == 0, "sched_getaffinity");
	CPU_AND(&both, &cpus, &online);
	check(CPU_COUNT(&cpus) > 0 && CPU_EQUAL(&both, &cpus),
	      "sched_getaffinity lists only CPUs that are online");
	printf("# %d CPUs online, %d in the affinity mask\n", CPU_COUNT(&online), CPU_COUNT(&cpus));

	return tap_done("procapi");
}
