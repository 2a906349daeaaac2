/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * forkwait.c - test program for fork, exit and wait: the child exits 42,
 * the parent waits for it and prints "child status 42". Exits 0 when the
 * status is right, 1 (with a message) otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		printf("forkwait: fork failed: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(42);
	if (waitpid(pid, &status, 0) != pid) {
		printf("forkwait: waitpid failed: %s\n", strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status)) {
		printf("forkwait: child did not exit normally (wait status %#x)\n",
		       (unsigned int)status);
		return 1;
	}
	printf("child status %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status) == 42 ? 0 : 1;
}
