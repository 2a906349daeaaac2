/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline_boot.c - parse the boot command line against every CMDLINE_PARAM
 * linked into the image. The linker script gathers those declarations into
 * the "cmdline_params" section and brackets it with the two symbols below;
 * warnings go to the kernel log. Kept apart from cmdline.c so that the
 * parser itself is host-tested without klog.
 */
#include "cmdline.h"
#include "klog.h"

extern const struct cmdline_param __start_cmdline_params[], __stop_cmdline_params[];

static void cmdline_boot_warn(void *ctx, const char *msg)
{
	pr_warn("cmdline: %s", msg);
}

int cmdline_parse_boot(const char *cmdline)
{
	return cmdline_parse(cmdline, __start_cmdline_params, __stop_cmdline_params,
			     cmdline_boot_warn, NULL);
}
