/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap.h - the TAP-style reporting shared by the test programs in
 * userland/tests: each check prints "ok N - what" or "not ok N - what"
 * (flushed at once, so a later crash or a fork cannot lose or repeat it),
 * and tap_done() prints the last line, "NAME: N passed, M failed", and
 * gives main's exit status (0 only if nothing failed).
 * tests/integration/run.py (run_tap_program) parses exactly these lines.
 *
 * Each program is still compiled as one file (musl-gcc -static -o NAME
 * NAME.c), so everything here is static and the functions are inline: a
 * program that uses only some of them compiles warning-free.
 */
#ifndef MATRIOSKA_USERLAND_TESTS_TAP_H
#define MATRIOSKA_USERLAND_TESTS_TAP_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The counts: tap_n numbers the checks, passed + failed == tap_n. */
static int tap_passed, tap_failed, tap_n;

/* One check: "ok N - what" when cond holds, "not ok N - what" when not. */
static inline void check(int cond, const char *what)
{
	tap_n++;
	if (cond)
		tap_passed++;
	else
		tap_failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", tap_n, what);
	fflush(stdout);
}

/* A check that cannot run here: counted as passed, "ok N - what # SKIP why". */
static inline void tap_skip(const char *what, const char *why)
{
	tap_n++;
	tap_passed++;
	printf("ok %d - %s # SKIP %s\n", tap_n, what, why);
	fflush(stdout);
}

/*
 * A check that says where it failed: "not ok N - what (line L: expr; errno
 * E text)" with the errno the check found, which it leaves unchanged. Used
 * through a macro such as T(cond, what) passing __LINE__ and #cond.
 */
static inline void check_at(int ok, const char *what, int line, const char *expr)
{
	int e = errno;

	tap_n++;
	if (ok) {
		tap_passed++;
		printf("ok %d - %s\n", tap_n, what);
	} else {
		tap_failed++;
		printf("not ok %d - %s (line %d: %s; errno %d %s)\n", tap_n, what, line, expr, e,
		       strerror(e));
	}
	fflush(stdout);
	errno = e;
}

/* The last line, "NAME: N passed, M failed"; main's exit status. */
static inline int tap_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif /* MATRIOSKA_USERLAND_TESTS_TAP_H */
