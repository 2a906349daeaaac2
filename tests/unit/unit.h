/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit.h - a tiny host unit-test framework.
 *
 * Each tests/unit/test_*.c is a program that links the generic kernel sources
 * it tests (unchanged) plus the host arch layer. Tests register themselves:
 *
 *     UNIT_TEST(pads_with_zeros) { CHECK_STREQ(buf, "0007"); }
 *
 * The runner prints one TAP line per test and a last line
 * "# unit-summary passed=N failed=M" that scripts/check.sh adds up.
 * Checks keep going after a failure so one run shows every broken case.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void));
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define UNIT_TEST(name)                                                \
	static void name(void);                                        \
	__attribute__((constructor)) static void unit_reg_##name(void) \
	{                                                              \
		unit_register(#name, name);                            \
	}                                                              \
	static void name(void)

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);                              \
		if (__a != __b)                                                                    \
			unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, __a, __b); \
	} while (0)

#define CHECK_STREQ(a, b)                                                                   \
	do {                                                                                \
		const char *__a = (a), *__b = (b);                                          \
		if (!__a || !__b || strcmp(__a, __b) != 0)                                  \
			unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
				  __a ? __a : "(NULL)", __b ? __b : "(NULL)");              \
	} while (0)

#endif
