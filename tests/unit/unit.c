/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit.c - runner for the host unit tests: runs every registered test in
 * registration order (or only those named on the command line), prints TAP
 * and a summary line, exits 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define UNIT_MAX 1024

static struct {
	const char *name;
	void (*fn)(void);
} tests[UNIT_MAX];
static int nr_tests;
static int cur_failures;

void unit_register(const char *name, void (*fn)(void))
{
	if (nr_tests == UNIT_MAX) {
		fprintf(stderr, "unit: too many tests\n");
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failures++;
	if (cur_failures > 20)
		return; /* enough said about this test */
	printf("#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, n = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < nr_tests; i++)
		n += wanted(argc, argv, tests[i].name);
	printf("1..%d\n", n);
	n = 0;
	for (int i = 0; i < nr_tests; i++) {
		if (!wanted(argc, argv, tests[i].name))
			continue;
		cur_failures = 0;
		tests[i].fn();
		n++;
		if (cur_failures) {
			printf("not ok %d - %s (%d failed checks)\n", n, tests[i].name,
			       cur_failures);
			failed++;
		} else {
			printf("ok %d - %s\n", n, tests[i].name);
			passed++;
		}
	}
	printf("# unit-summary passed=%d failed=%d\n", passed, failed);
	return failed ? 1 : 0;
}
