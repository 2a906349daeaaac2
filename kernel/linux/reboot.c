/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reboot.c - reboot(2): power the machine off, restart it or halt it, with
 * Linux's magic numbers and commands (busybox poweroff/reboot/halt -f, and
 * /sbin/init at the end of its shutdown).
 *
 * Decode, then act: the caller must be root (else -EPERM, checked first as
 * Linux does), both magic numbers must be Linux's (else -EINVAL), and the
 * command one of RESTART, HALT, POWER_OFF, CAD_ON, CAD_OFF (else -EINVAL).
 * CAD_ON and CAD_OFF are accepted and change nothing: no keyboard can send
 * Ctrl-Alt-Del yet. The other three never return: one log line naming the
 * request and who made it, interrupts off, the other CPUs stopped, then
 * arch_restart(), arch_halt() or arch_power_off() (arch.h). A power-off
 * that cannot be done (no usable ACPI, or the machine stayed on) is logged
 * and becomes a halt, as on Linux without a power-off driver. Nothing is
 * flushed first: every file system is in memory.
 *
 * Two callers at once (two CPUs): the first takes the machine down; the
 * other halts its own CPU, which the first is about to stop anyway.
 */
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "linux.h"
#include "proc.h"

/* Linux's values (include/uapi/linux/reboot.h) */
#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_MAGIC2 0x28121969u	 /* 672274793 */
#define LINUX_REBOOT_MAGIC2A 0x05121996u /* 85072278 */
#define LINUX_REBOOT_MAGIC2B 0x16041998u /* 369367448 */
#define LINUX_REBOOT_MAGIC2C 0x20112000u /* 537993216 */

#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_HALT 0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu

static bool going_down; /* set (atomically) by the caller that takes the machine down */

static bool reboot_magic_ok(u32 magic1, u32 magic2)
{
	return magic1 == LINUX_REBOOT_MAGIC1 &&
	       (magic2 == LINUX_REBOOT_MAGIC2 || magic2 == LINUX_REBOOT_MAGIC2A ||
		magic2 == LINUX_REBOOT_MAGIC2B || magic2 == LINUX_REBOOT_MAGIC2C);
}

/* RESTART, HALT or POWER_OFF, already validated. */
static __noreturn void reboot_act(u32 cmd, const struct process *p)
{
	const char *what = cmd == LINUX_REBOOT_CMD_RESTART     ? "restarting system"
			   : cmd == LINUX_REBOOT_CMD_POWER_OFF ? "power down"
							       : "system halted";
	int err;

	(void)arch_irq_save(); /* for good: this CPU runs nothing else from here on */
	if (__atomic_exchange_n(&going_down, true, __ATOMIC_ACQ_REL))
		arch_halt();
	klog(KLOG_EMERG, "reboot: %s (requested by pid %d, %s)", what, p->pid, p->name);
	arch_stop_other_cpus();
	if (cmd == LINUX_REBOOT_CMD_RESTART)
		arch_restart();
	if (cmd == LINUX_REBOOT_CMD_POWER_OFF) {
		err = arch_power_off();
		klog(KLOG_EMERG, "reboot: power-off failed (error %d): system halted", err);
	}
	arch_halt();
}

/* reboot(magic1, magic2, cmd, arg): arg is only used by commands we refuse. */
static long sys_reboot(SYSCALL_ARGS)
{
	u32 magic1 = (u32)a0, magic2 = (u32)a1, cmd = (u32)a2;
	struct process *p = current_proc();

	if (!cred_is_root(&p->cred))
		return -EPERM;
	if (!reboot_magic_ok(magic1, magic2))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_POWER_OFF:
		reboot_act(cmd, p);
	default:
		return -EINVAL; /* RESTART2, KEXEC, SW_SUSPEND and anything else */
	}
}
LINUX_SYSCALL(reboot, sys_reboot);
