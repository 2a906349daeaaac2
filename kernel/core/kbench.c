/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kbench.c - the in-kernel benchmark runner (see kbench.h): bench= on the
 * command line selects cases from the "kbench_cases" section; each prints
 * its figures; QEMU is then ended through isa-debug-exit.
 */
#include "kbench.h"
#include "arch.h"
#include "cmdline.h"
#include "errno.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"

extern const struct kbench_case __start_kbench_cases[], __stop_kbench_cases[];

static char spec[128];

static int set_bench(const char *val)
{
	if (!*val || strlcpy(spec, val, sizeof(spec)) >= sizeof(spec))
		return -EINVAL;
	return 0;
}
CMDLINE_PARAM("bench", set_bench, CMDLINE_VALUE);

static bool wanted(const struct kbench_case *bc)
{
	const char *s = spec;
	size_t glen = strlen(bc->group);

	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if ((len == 3 && !strncmp(s, "all", 3)) ||
		    (len == glen && !strncmp(s, bc->group, glen)))
			return true;
		s += len + (end ? 1 : 0);
	}
	return false;
}

u64 kbench_cycles(void)
{
	return arch_cycles();
}

void kbench_report(const char *name, u64 value, const char *unit)
{
	kprintf("kbench %s %llu %s\n", name, (unsigned long long)value, unit);
}

void kbench_boot(void)
{
	int n = 0;

	if (!spec[0])
		return;
	for (const struct kbench_case *bc = __start_kbench_cases; bc < __stop_kbench_cases; bc++) {
		if (!wanted(bc))
			continue;
		bc->fn();
		n++;
	}
	kprintf("kbench done (%d benchmarks)\n", n);
	arch_emulator_exit(n ? KTEST_EXIT_PASS : KTEST_EXIT_FAIL);
	pr_warn("kbench: no isa-debug-exit device to report through; continuing boot");
}
