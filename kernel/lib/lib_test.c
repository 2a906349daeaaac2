/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib_test.c - ktests for kernel/lib built with the kernel's own flags (no
 * SSE, -mcmodel=kernel): the host unit tests compare the same code against
 * the C library in depth; these check that the kernel build behaves alike.
 */
#include "errno.h"
#include "ktest.h"
#include "lib.h"

KTEST(lib, snprintf_formats)
{
	char b[96];

	snprintf(b, sizeof(b), "%d|%5i|%-4u|%04x|%X|%c|%s|%%", -42, 7, 3u, 0xbeef, 0xabcu, 'z',
		 "s");
	KT_EXPECT_STREQ(t, b, "-42|    7|3   |beef|ABC|z|s|%");
	snprintf(b, sizeof(b), "%lld %llu %zu %lx", -9223372036854775807LL - 1,
		 18446744073709551615ULL, (size_t)12345, 0xffffffffffffffffUL);
	KT_EXPECT_STREQ(t, b, "-9223372036854775808 18446744073709551615 12345 ffffffffffffffff");
	snprintf(b, sizeof(b), "%.3s|%8.3d|%p", "abcdef", 5, (void *)0xffffffff80100000ull);
	KT_EXPECT_STREQ(t, b, "abc|     005|0xffffffff80100000");
}

KTEST(lib, snprintf_truncates)
{
	char b[8];
	int n = snprintf(b, sizeof(b), "%s", "0123456789");

	KT_EXPECT_EQ(t, n, 10);
	KT_EXPECT_STREQ(t, b, "0123456");
}

KTEST(lib, string_functions)
{
	char b[16];

	memset(b, 'a', sizeof(b));
	memcpy(b, "hello", 6);
	memmove(b + 1, b, 6);
	KT_EXPECT_STREQ(t, b, "hhello");
	KT_EXPECT_EQ(t, strlen("matrioska"), 9);
	KT_EXPECT(t, strcmp("abc", "abd") < 0);
	KT_EXPECT(t, memcmp("abc", "abc", 3) == 0);
	KT_EXPECT_EQ(t, strlcpy(b, "truncated string", 5), 16);
	KT_EXPECT_STREQ(t, b, "trun");
}

KTEST(lib, kstrtou64_parses)
{
	u64 v = 0;

	KT_EXPECT_EQ(t, kstrtou64("0x1f", 0, &v), 0);
	KT_EXPECT_EQ(t, v, 31);
	KT_EXPECT_EQ(t, kstrtou64("18446744073709551615", 10, &v), 0);
	KT_EXPECT_EQ(t, v, ~0ull);
	KT_EXPECT_EQ(t, kstrtou64("18446744073709551616", 10, &v), (u64)-ERANGE);
	KT_EXPECT_EQ(t, kstrtou64("12z", 10, &v), (u64)-EINVAL);
	KT_EXPECT_EQ(t, kstrtou64("", 10, &v), (u64)-EINVAL);
}
