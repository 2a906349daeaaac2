/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rebootargs.c - reboot(2)'s checks, without ever taking the machine down:
 * only root may call it (EPERM, checked before the magic numbers), both
 * magic numbers must be Linux's (all four second magics accepted, compared
 * as 32-bit ints), unknown and unsupported commands are EINVAL, and the
 * Ctrl-Alt-Del commands (CAD_ON, CAD_OFF) succeed. The only real commands
 * it passes (POWER_OFF, HALT) go with a bad magic or from a non-root child,
 * so a kernel that skipped a check would turn the machine off and fail the
 * test loudly. Prints "ok N - what" / "not ok N - what" and "rebootargs: N
 * passed, M failed"; exits 0 only if everything passed. Run as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/* Linux's values (linux/reboot.h) */
#define MAGIC1 0xfee1deadL
#define MAGIC2 672274793L
#define MAGIC2A 85072278L
#define MAGIC2B 369367448L
#define MAGIC2C 537993216L
#define CMD_RESTART 0x01234567L
#define CMD_HALT 0xcdef0123L
#define CMD_CAD_ON 0x89abcdefL
#define CMD_CAD_OFF 0x00000000L
#define CMD_POWER_OFF 0x4321fedcL
#define CMD_RESTART2 0xa1b2c3d4L
#define CMD_SW_SUSPEND 0xd000fce2L
#define CMD_KEXEC 0x45584543L

/* The raw call: 0, or -1 with errno. */
static long sys_reboot(long magic1, long magic2, long cmd)
{
	return syscall(SYS_reboot, magic1, magic2, cmd, 0L);
}

static int fails_with(long magic1, long magic2, long cmd, int err)
{
	errno = 0;
	return sys_reboot(magic1, magic2, cmd) == -1 && errno == err;
}

/* In a child that gave up root: reboot(magic1, magic2, cmd) must fail with EPERM. */
static int eperm_for_non_root(long magic1, long magic2, long cmd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(fails_with(magic1, magic2, cmd, EPERM) ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(void)
{
	check(getuid() == 0, "running as root");
	check(eperm_for_non_root(MAGIC1, MAGIC2, CMD_POWER_OFF), "non-root POWER_OFF is EPERM");
	check(eperm_for_non_root(0x1234, MAGIC2, CMD_HALT), "non-root with a bad magic is EPERM");
	check(fails_with(0x1234, MAGIC2, CMD_POWER_OFF, EINVAL), "bad magic1 is EINVAL");
	check(fails_with(MAGIC1, 0x1234, CMD_HALT, EINVAL), "bad magic2 is EINVAL");
	check(fails_with(MAGIC2, MAGIC1, CMD_POWER_OFF, EINVAL), "swapped magics are EINVAL");
	check(sys_reboot(MAGIC1, MAGIC2, CMD_CAD_OFF) == 0, "CAD_OFF with MAGIC2");
	check(sys_reboot(MAGIC1, MAGIC2A, CMD_CAD_OFF) == 0, "CAD_OFF with MAGIC2A");
	check(sys_reboot(MAGIC1, MAGIC2B, CMD_CAD_OFF) == 0, "CAD_OFF with MAGIC2B");
	check(sys_reboot(MAGIC1, MAGIC2C, CMD_CAD_OFF) == 0, "CAD_OFF with MAGIC2C");
	check(sys_reboot(MAGIC1, MAGIC2, CMD_CAD_ON) == 0, "CAD_ON");
	/* The arguments are ints: bits above 31 do not count. */
	check(sys_reboot((long)0xffffffff00000000UL | MAGIC1, 0x100000000L | MAGIC2,
			 0x700000000L | CMD_CAD_OFF) == 0,
	      "magics and command compared as 32-bit ints");
	check(fails_with(MAGIC1, MAGIC2, CMD_RESTART2, EINVAL), "RESTART2 is EINVAL");
	check(fails_with(MAGIC1, MAGIC2, CMD_KEXEC, EINVAL), "KEXEC is EINVAL");
	check(fails_with(MAGIC1, MAGIC2, CMD_SW_SUSPEND, EINVAL), "SW_SUSPEND is EINVAL");
	check(fails_with(MAGIC1, MAGIC2, 0x12345678L, EINVAL), "an unknown command is EINVAL");
	check(fails_with(MAGIC1, MAGIC2, CMD_RESTART ^ 1, EINVAL),
	      "RESTART off by one bit is EINVAL");
	return tap_done("rebootargs");
}
