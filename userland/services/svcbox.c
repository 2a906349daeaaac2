/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * svcbox.c - the services' multi-call binary, /sbin/svcbox, linked as
 * /sbin/nameserver, /sbin/logd, /bin/logctl and /bin/ipcstat
 * (docs/design/services.md): runs the program its name says, or the one
 * named by its first argument ("svcbox logctl show"). One executable keeps
 * the initramfs and the memory at the prompt small: the C library and the
 * RPC runtime are there once, and the two resident services share their
 * text pages.
 */
#include <stdio.h>
#include <string.h>

#include "svcbox.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} programs[] = {
	{"nameserver", nameserver_main},
	{"logd", logd_main},
	{"logctl", logctl_main},
	{"ipcstat", ipcstat_main},
};

static int run(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(name, programs[i].name) == 0)
			return programs[i].main(argc, argv);
	return -1;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int r;

	name = name ? name + 1 : (argc > 0 ? argv[0] : "");
	r = run(name, argc, argv);
	if (r >= 0)
		return r;
	if (argc > 1) {
		r = run(argv[1], argc - 1, argv + 1);
		if (r >= 0)
			return r;
	}
	fprintf(stderr, "usage: svcbox nameserver|logd|logctl|ipcstat [ARGS...]\n");
	return 1;
}
