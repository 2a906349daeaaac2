/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline_boot.c - parse the boot command line against every CMDLINE_PARAM
 * linked into the image. The linker script gathers those declarations into
 * the "cmdline_params" section and brackets it with the two symbols below;
 * warnings go to the kernel log. Kept apart from cmdline.c so that the
 * parser itself is host-tested without klog. The line is kept for
 * /proc/cmdline (written once at boot, before any reader exists).
 */
#include "cmdline.h"
#include "klog.h"

extern const struct cmdline_param __start_cmdline_params[], __stop_cmdline_params[];

static void cmdline_boot_warn(void *ctx, const char *msg)
{
	pr_warn("cmdline: %s", msg);
}

static char boot_cmdline[CMDLINE_SAVED_MAX];

const char *cmdline_boot_string(void)
{
	return boot_cmdline;
}

int cmdline_parse_boot(const char *cmdline)
{
	size_t i;

	for (i = 0; cmdline[i] && i + 1 < sizeof(boot_cmdline); i++)
		boot_cmdline[i] = cmdline[i];
	boot_cmdline[i] = '\0';
	return cmdline_parse(cmdline, __start_cmdline_params, __stop_cmdline_params,
			     cmdline_boot_warn, NULL);
}
