/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktest.c - the in-kernel test runner (see ktest.h): selects tests from the
 * "ktest_cases" section by the ktest= command-line spec, runs them in link
 * order, prints TAP version 13 on the console and ends QEMU through
 * isa-debug-exit with a pass/fail status.
 */
#include "ktest.h"
#include "arch.h"
#include "cmdline.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

static char spec_buf[128];
static bool spec_set;

static int set_ktest(const char *val)
{
	if (!*val || strlcpy(spec_buf, val, sizeof(spec_buf)) >= sizeof(spec_buf))
		return -EINVAL;
	spec_set = true;
	return 0;
}
CMDLINE_PARAM("ktest", set_ktest, CMDLINE_VALUE);

const char *ktest_spec(void)
{
	return spec_set ? spec_buf : NULL;
}

bool ktest_active(void)
{
	return spec_set;
}

/* Does the comma-separated spec select tc? */
static bool selected(const char *spec, const struct ktest_case *tc)
{
	size_t glen = strlen(tc->group);

	while (*spec) {
		const char *end = strchr(spec, ',');
		size_t len = end ? (size_t)(end - spec) : strlen(spec);

		if (len == 3 && !strncmp(spec, "all", 3) && !tc->explicit_only)
			return true;
		if (len == glen && !strncmp(spec, tc->group, glen) && !tc->explicit_only)
			return true;
		if (len == glen + 1 + strlen(tc->name) && !strncmp(spec, tc->group, glen) &&
		    spec[glen] == '.' && !strncmp(spec + glen + 1, tc->name, len - glen - 1))
			return true;
		spec += len;
		if (*spec == ',')
			spec++;
	}
	return false;
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	kprintf("# %s.%s: %s:%d: ", t->tc->group, t->tc->name, file, line);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

int ktest_run(const char *spec)
{
	const struct ktest_case *tc;
	int total = 0, n = 0, failed = 0;

	for (tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++)
		total += selected(spec, tc);
	kprintf("TAP version 13\n1..%d\n", total);
	if (!total) {
		kprintf("# no test matches ktest=%s\n", spec);
		failed = 1;
	}
	for (tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++) {
		struct ktest t = {.tc = tc};

		if (!selected(spec, tc))
			continue;
		n++;
		if (tc->fatal)
			kprintf("# %s.%s is expected to bring the kernel down\n", tc->group,
				tc->name);
		tc->fn(&t);
		if (!t.checks && !tc->fatal) {
			kprintf("# %s.%s checked nothing\n", tc->group, tc->name);
			t.failures++;
		}
		kprintf("%s %d - %s.%s\n", t.failures ? "not ok" : "ok", n, tc->group, tc->name);
		failed += t.failures ? 1 : 0;
	}
	kprintf("# ktest: %d passed, %d failed\n", n - (failed > n ? n : failed), failed);
	return failed;
}

void ktest_boot(void)
{
	int failed;

	if (!spec_set)
		return;
	failed = ktest_run(spec_buf);
	arch_emulator_exit(failed ? KTEST_EXIT_FAIL : KTEST_EXIT_PASS);
	pr_warn("ktest: no isa-debug-exit device to report through; continuing boot");
}
