/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktest.h - in-kernel tests.
 *
 *     KTEST(lib, snprintf_pads) {
 *             char b[8];
 *             snprintf(b, sizeof(b), "%04d", 7);
 *             KT_EXPECT_STREQ(t, b, "0007");
 *     }
 *
 * Tests live next to the code they test, are collected from the "ktest_cases"
 * linker section, and run at boot when the command line says ktest=all,
 * ktest=GROUP or ktest=GROUP.NAME (comma-separated lists allowed). Results go
 * to serial as TAP version 13; afterwards QEMU is ended through isa-debug-exit
 * with KTEST_EXIT_PASS or KTEST_EXIT_FAIL. KTEST_FATAL tests (they crash the
 * kernel on purpose, e.g. to check the double-fault report) only run when
 * named explicitly, never with "all". So do KTEST_EXPLICIT tests, which need
 * something from outside the kernel (a line typed on the console).
 */
#ifndef MATRIOSKA_KTEST_H
#define MATRIOSKA_KTEST_H

#include "types.h"

struct ktest;
struct ktest_case {
	const char *group;
	const char *name;
	void (*fn)(struct ktest *t);
	bool fatal;
	bool explicit_only; /* only when named as GROUP.NAME (fatal tests too) */
};

/* Per-run state of one test; the assertion macros record into it. */
struct ktest {
	const struct ktest_case *tc;
	u32 failures;
	u32 checks;
};

/* Values written to the isa-debug-exit port; QEMU exits with (v << 1) | 1. */
#define KTEST_EXIT_PASS 0x10  /* QEMU exit status 33 */
#define KTEST_EXIT_FAIL 0x11  /* QEMU exit status 35 */
#define KTEST_EXIT_PANIC 0x12 /* QEMU exit status 37 */

#define __KTEST(grp, nm, is_fatal, is_explicit)                                                  \
	static void ktest_##grp##_##nm(struct ktest *t);                                         \
	static const struct ktest_case __ktest_case_##grp##_##nm __used __section("ktest_cases") \
		__aligned(8) = {#grp, #nm, ktest_##grp##_##nm, is_fatal, is_explicit};           \
	static void ktest_##grp##_##nm(struct ktest *t __unused)

#define KTEST(grp, nm) __KTEST(grp, nm, false, false)
#define KTEST_FATAL(grp, nm) __KTEST(grp, nm, true, true)
#define KTEST_EXPLICIT(grp, nm) __KTEST(grp, nm, false, true)

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...) __printf(4, 5);

#define KT_EXPECT(t, cond)                                                       \
	do {                                                                     \
		(t)->checks++;                                                   \
		if (!(cond))                                                     \
			ktest_fail(t, __FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

#define KT_EXPECT_EQ(t, a, b)                                                                   \
	do {                                                                                    \
		u64 __a = (u64)(a), __b = (u64)(b);                                             \
		(t)->checks++;                                                                  \
		if (__a != __b)                                                                 \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, \
				   (unsigned long long)__a, (unsigned long long)__b);           \
	} while (0)

#define KT_EXPECT_STREQ(t, a, b)                                                                \
	do {                                                                                    \
		const char *__a = (a), *__b = (b);                                              \
		(t)->checks++;                                                                  \
		if (strcmp(__a, __b) != 0)                                                      \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
				   __a, __b);                                                   \
	} while (0)

/* Run the tests selected by spec ("all", "GROUP", "GROUP.NAME", comma list). Returns failures. */
int ktest_run(const char *spec);
/* Run the tests the command line asked for (if any), then end QEMU; returns if it cannot. */
void ktest_boot(void);
/* The spec given on the command line, or NULL. */
const char *ktest_spec(void);
/* True while a ktest run is in progress or was requested (panic exits QEMU then). */
bool ktest_active(void);

#endif
