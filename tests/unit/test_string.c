/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_string.c - host tests for kernel/lib/string.c.
 *
 * The kernel's functions are built as kmemcpy, kstrlen, ... (see
 * string_rename.h) and compared with the C library's on every small size
 * and alignment, on overlapping moves in both directions, and on byte
 * values above 0x7f. strlcpy is checked against a model (glibc has none),
 * and kstrtou64/kstrtos64 against tables and against strtoull/strtoll on
 * random input. Buffers carry guard bytes so stray writes are caught even
 * where ASan would not see them.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* string_rename.h maps these names to the kernel's k*; here they mean libc's. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

#define GUARD 0xa5

static u64 rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: a fixed-seed generator, so every run tests the same cases. */
static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

UNIT_TEST(memcpy_every_size_and_alignment)
{
	unsigned char src[128], dst[128], want[128];

	for (size_t n = 0; n <= 80; n++) {
		for (size_t so = 0; so < 16; so++) {
			for (size_t doff = 0; doff < 16; doff++) {
				fill_random(src, sizeof(src));
				memset(dst, GUARD, sizeof(dst));
				memset(want, GUARD, sizeof(want));
				memcpy(want + doff, src + so, n);
				CHECK(kmemcpy(dst + doff, src + so, n) == dst + doff);
				CHECK(memcmp(dst, want, sizeof(dst)) == 0);
			}
		}
	}
}

UNIT_TEST(memcpy_large_buffers)
{
	enum { N = 9000 };
	unsigned char *src = malloc(N), *dst = malloc(N);

	for (size_t off = 0; off < 9; off++) {
		size_t n = N - 16 - off * 331;

		fill_random(src, N);
		memset(dst, GUARD, N);
		kmemcpy(dst + off, src + 8, n);
		CHECK(memcmp(dst + off, src + 8, n) == 0);
		CHECK(dst[off + n] == GUARD);
		if (off)
			CHECK(dst[off - 1] == GUARD);
	}
	free(src);
	free(dst);
}

/* Every source/destination offset pair in a window, so both directions overlap. */
UNIT_TEST(memmove_overlapping_both_directions)
{
	unsigned char buf[160], want[160];

	for (size_t n = 0; n <= 72; n++) {
		for (size_t so = 0; so <= 40; so++) {
			for (size_t doff = 0; doff <= 40; doff++) {
				fill_random(buf, sizeof(buf));
				memcpy(want, buf, sizeof(buf));
				memmove(want + doff, want + so, n);
				CHECK(kmemmove(buf + doff, buf + so, n) == buf + doff);
				CHECK(memcmp(buf, want, sizeof(buf)) == 0);
			}
		}
	}
}

UNIT_TEST(memmove_large_overlap)
{
	enum { N = 10000 };
	unsigned char *buf = malloc(N), *want = malloc(N);
	static const size_t shifts[] = {1, 7, 8, 9, 64, 1000, 4097};

	for (size_t i = 0; i < ARRAY_SIZE(shifts); i++) {
		size_t s = shifts[i], n = N - s;

		fill_random(buf, N);
		memcpy(want, buf, N);
		memmove(want + s, want, n);
		kmemmove(buf + s, buf, n);
		CHECK(memcmp(buf, want, N) == 0);
		memmove(want, want + s, n);
		kmemmove(buf, buf + s, n);
		CHECK(memcmp(buf, want, N) == 0);
	}
	free(buf);
	free(want);
}

UNIT_TEST(memset_every_size_and_alignment)
{
	static const int values[] = {0, 0xff, 0x5a, 0x1a5, -1, -128, 0x7f};
	unsigned char buf[128], want[128];

	for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
		for (size_t n = 0; n <= 90; n++) {
			for (size_t off = 0; off < 16; off++) {
				memset(buf, GUARD, sizeof(buf));
				memset(want, GUARD, sizeof(want));
				memset(want + off, values[v], n);
				CHECK(kmemset(buf + off, values[v], n) == buf + off);
				CHECK(memcmp(buf, want, sizeof(buf)) == 0);
			}
		}
	}
}

/* A single differing byte at every position, both ways, including bytes > 0x7f. */
UNIT_TEST(memcmp_sign_at_every_position)
{
	static const unsigned char pairs[][2] = {
		{'a', 'b'}, {0x00, 0x01}, {0x7f, 0x80}, {0x01, 0xff}, {0x80, 0xfe},
	};
	unsigned char a[72], b[72];

	for (size_t n = 0; n <= 64; n++) {
		for (size_t off = 0; off < 8; off++) {
			fill_random(a, sizeof(a));
			memcpy(b, a, sizeof(a));
			CHECK_EQ(kmemcmp(a + off, b + off, n), 0);
			for (size_t i = 0; i < n; i++) {
				const unsigned char *p = pairs[(n + i) % ARRAY_SIZE(pairs)];

				a[off + i] = p[0];
				b[off + i] = p[1];
				CHECK_EQ(sign(kmemcmp(a + off, b + off, n)), -1);
				CHECK_EQ(sign(kmemcmp(b + off, a + off, n)), 1);
				CHECK_EQ(sign(kmemcmp(a + off, b + off, n)),
					 sign(memcmp(a + off, b + off, n)));
				b[off + i] = p[0];
			}
		}
	}
}

UNIT_TEST(strlen_and_strnlen)
{
	char buf[96];

	for (size_t len = 0; len <= 70; len++) {
		for (size_t off = 0; off < 8; off++) {
			memset(buf, 'x', sizeof(buf));
			buf[off + len] = '\0';
			buf[off] = len ? (char)0xff : '\0'; /* a high byte is not a NUL */
			CHECK_EQ(kstrlen(buf + off), len);
			for (size_t max = 0; max <= len + 2; max++)
				CHECK_EQ(kstrnlen(buf + off, max), strnlen(buf + off, max));
		}
	}
}

static void random_string(char *s, size_t cap)
{
	static const char alphabet[] = {'a', 'b', 'c', (char)0x80, (char)0xff};
	size_t len = rnd() % cap;

	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[rnd() % sizeof(alphabet)];
	s[len] = '\0';
}

/* Short strings over a tiny alphabet, so equal prefixes and lengths are common. */
UNIT_TEST(strcmp_and_strncmp_match_libc)
{
	char a[8], b[8];

	for (int i = 0; i < 20000; i++) {
		random_string(a, sizeof(a));
		random_string(b, sizeof(b));
		CHECK_EQ(sign(kstrcmp(a, b)), sign(strcmp(a, b)));
		CHECK_EQ(kstrcmp(a, a), 0);
		for (size_t n = 0; n <= 9; n++)
			CHECK_EQ(sign(kstrncmp(a, b, n)), sign(strncmp(a, b, n)));
	}
	CHECK_EQ(kstrncmp("abc", "abd", 2), 0);
	CHECK_EQ(sign(kstrcmp("", "a")), -1);
	CHECK_EQ(sign(kstrcmp("\x80", "a")), 1); /* compared as unsigned char */
}

UNIT_TEST(strchr_finds_first_and_terminator)
{
	static const char s[] = "hello, w\x80rld\xff!";

	for (int c = 0; c < 256; c++)
		CHECK(kstrchr(s, c) == strchr(s, c));
	CHECK(kstrchr(s, 'l') == s + 2);
	CHECK(kstrchr(s, '\0') == s + sizeof(s) - 1);
	CHECK(kstrchr(s, 'z') == NULL);
	CHECK(kstrchr(s, 0x100 + 'w') == s + 7); /* c is converted to char */
	CHECK(kstrchr(s, -1) == s + 12);
	CHECK(kstrchr("", 'a') == NULL);
}

/* Every destination size from 0 past the source length; bytes beyond size stay. */
UNIT_TEST(strlcpy_truncates_and_terminates)
{
	static const char src[] = "0123456789abcdefghij";
	char dst[32];

	for (size_t len = 0; len < sizeof(src); len++) {
		char s[sizeof(src)];

		memcpy(s, src, len);
		s[len] = '\0';
		for (size_t size = 0; size <= len + 3; size++) {
			size_t n = size ? MIN(len, size - 1) : 0;

			memset(dst, GUARD, sizeof(dst));
			CHECK_EQ(kstrlcpy(dst, s, size), len);
			CHECK(memcmp(dst, s, n) == 0);
			if (size)
				CHECK_EQ(dst[n], '\0');
			for (size_t i = size; i < sizeof(dst); i++)
				CHECK_EQ((unsigned char)dst[i], GUARD);
		}
	}
	CHECK_EQ(kstrlcpy(NULL, "abc", 0), 3); /* size 0 touches nothing */
}

struct u64_case {
	const char *s;
	unsigned int base;
	int ret;
	u64 val;
};

static const struct u64_case u64_cases[] = {
	{"0", 0, 0, 0},
	{"0", 10, 0, 0},
	{"42", 0, 0, 42},
	{"+42", 10, 0, 42},
	{"042", 0, 0, 042},
	{"0x2A", 0, 0, 42},
	{"0X2a", 0, 0, 42},
	{"2a", 16, 0, 42},
	{"0x2a", 16, 0, 42},
	{"52", 8, 0, 42},
	{"052", 8, 0, 42},
	{"101010", 2, 0, 42},
	{"Zz", 36, 0, 35 * 36 + 35},
	{"0x", 36, 0, 33}, /* no prefix outside bases 0 and 16 */
	{"007", 10, 0, 7},
	{"18446744073709551615", 10, 0, UINT64_MAX},
	{"18446744073709551615", 0, 0, UINT64_MAX},
	{"0xffffffffffffffff", 0, 0, UINT64_MAX},
	{"01777777777777777777777", 0, 0, UINT64_MAX},
	{"1777777777777777777777", 8, 0, UINT64_MAX},
	{"1111111111111111111111111111111111111111111111111111111111111111", 2, 0, UINT64_MAX},
	{"18446744073709551616", 10, -ERANGE, 0},
	{"99999999999999999999999999", 0, -ERANGE, 0},
	{"0x10000000000000000", 0, -ERANGE, 0},
	{"10000000000000000", 16, -ERANGE, 0},
	{"02000000000000000000000", 0, -ERANGE, 0},
	{"2000000000000000000000", 8, -ERANGE, 0},
	{"", 0, -EINVAL, 0},
	{"", 10, -EINVAL, 0},
	{"+", 10, -EINVAL, 0},
	{"0x", 0, -EINVAL, 0},
	{"0x", 16, -EINVAL, 0},
	{"0xg", 0, -EINVAL, 0},
	{"-1", 10, -EINVAL, 0},
	{"-0", 0, -EINVAL, 0},
	{"++1", 10, -EINVAL, 0},
	{" 1", 10, -EINVAL, 0},
	{"1 ", 10, -EINVAL, 0},
	{"1\n", 10, -EINVAL, 0},
	{"12a", 10, -EINVAL, 0},
	{"8", 8, -EINVAL, 0},
	{"09", 0, -EINVAL, 0},
	{"2", 2, -EINVAL, 0},
	{"ff", 10, -EINVAL, 0},
	{"1", 1, -EINVAL, 0},
	{"1", 37, -EINVAL, 0},
	{"99999999999999999999999x", 10, -EINVAL, 0}, /* junk beats overflow */
};

UNIT_TEST(kstrtou64_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		u64 v = 0x5555;
		int ret = kstrtou64(c->s, c->base, &v);

		if (ret != c->ret || v != (ret ? 0x5555 : c->val))
			unit_fail(__FILE__, __LINE__, "kstrtou64(\"%s\", %u): ret %d val %llu",
				  c->s, c->base, ret, (unsigned long long)v);
	}
}

struct s64_case {
	const char *s;
	unsigned int base;
	int ret;
	s64 val;
};

static const struct s64_case s64_cases[] = {
	{"0", 0, 0, 0},
	{"-0", 0, 0, 0},
	{"+0", 10, 0, 0},
	{"-1", 10, 0, -1},
	{"-42", 0, 0, -42},
	{"-0x2a", 0, 0, -42},
	{"-052", 0, 0, -42},
	{"-2a", 16, 0, -42},
	{"9223372036854775807", 10, 0, INT64_MAX},
	{"-9223372036854775807", 10, 0, -INT64_MAX},
	{"-9223372036854775808", 10, 0, INT64_MIN},
	{"-0x8000000000000000", 0, 0, INT64_MIN},
	{"0x7fffffffffffffff", 0, 0, INT64_MAX},
	{"9223372036854775808", 10, -ERANGE, 0},
	{"-9223372036854775809", 10, -ERANGE, 0},
	{"0x8000000000000000", 0, -ERANGE, 0},
	{"-18446744073709551615", 10, -ERANGE, 0},
	{"-18446744073709551616", 10, -ERANGE, 0},
	{"", 10, -EINVAL, 0},
	{"-", 10, -EINVAL, 0},
	{"+", 10, -EINVAL, 0},
	{"--1", 10, -EINVAL, 0},
	{"-+1", 10, -EINVAL, 0},
	{"+-1", 10, -EINVAL, 0},
	{"- 1", 10, -EINVAL, 0},
	{"-1x", 10, -EINVAL, 0},
	{"-0x", 0, -EINVAL, 0},
};

UNIT_TEST(kstrtos64_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(s64_cases); i++) {
		const struct s64_case *c = &s64_cases[i];
		s64 v = 0x5555;
		int ret = kstrtos64(c->s, c->base, &v);

		if (ret != c->ret || v != (ret ? 0x5555 : c->val))
			unit_fail(__FILE__, __LINE__, "kstrtos64(\"%s\", %u): ret %d val %lld",
				  c->s, c->base, ret, (long long)v);
	}
}

/* What kstrtou64 should do, derived from strtoull: no leading space or '-'. */
static int ref_strtou64(const char *s, unsigned int base, u64 *out)
{
	char *end;
	unsigned long long v;

	if (s[0] == ' ' || s[0] == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, (int)base);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

static int ref_strtos64(const char *s, unsigned int base, s64 *out)
{
	char *end;
	long long v;

	if (s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, (int)base);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * A random string that is usually a number in base (maybe signed, maybe
 * with a prefix, maybe long enough to overflow) and sometimes junk.
 */
static void random_number_string(char *s, size_t cap, unsigned int base)
{
	static const char junk[] = "0123456789abcdefxXzZ+- ";
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t len = 1 + rnd() % (cap - 4), i = 0;

	if (rnd() % 4 == 0) {
		for (; i < len; i++)
			s[i] = junk[rnd() % (sizeof(junk) - 1)];
		s[i] = '\0';
		return;
	}
	if (rnd() % 3 == 0)
		s[i++] = rnd() % 2 ? '-' : '+';
	if ((base == 0 || base == 16) && rnd() % 2) {
		s[i++] = '0';
		s[i++] = rnd() % 2 ? 'x' : 'X';
	}
	for (; i < len; i++) {
		char d = digits[rnd() % (base ? base : 10)];

		s[i] = rnd() % 2 ? d : (char)(d >= 'a' ? d - 'a' + 'A' : d);
	}
	s[i] = '\0';
}

static const unsigned int test_bases[] = {0, 2, 8, 10, 16, 36};

/* Index for counting outcomes: 0 parsed, 1 -EINVAL, 2 -ERANGE. */
static int outcome(int ret)
{
	return ret == 0 ? 0 : ret == -EINVAL ? 1 : 2;
}

UNIT_TEST(kstrtou64_random_vs_strtoull)
{
	int seen[3] = {0};
	char s[32];

	for (int i = 0; i < 20000; i++) {
		unsigned int base = test_bases[rnd() % ARRAY_SIZE(test_bases)];
		u64 got = 1, want = 1;
		int ret, ref;

		random_number_string(s, sizeof(s), base);
		ret = kstrtou64(s, base, &got);
		ref = ref_strtou64(s, base, &want);
		if (ret != ref || got != want)
			unit_fail(__FILE__, __LINE__, "\"%s\" base %u: got %d/%llu want %d/%llu", s,
				  base, ret, (unsigned long long)got, ref,
				  (unsigned long long)want);
		seen[outcome(ret)]++;
	}
	/* the generator must exercise all three outcomes */
	CHECK(seen[0] > 1000 && seen[1] > 1000 && seen[2] > 1000);
}

UNIT_TEST(kstrtos64_random_vs_strtoll)
{
	int seen[3] = {0};
	char s[32];

	for (int i = 0; i < 20000; i++) {
		unsigned int base = test_bases[rnd() % ARRAY_SIZE(test_bases)];
		s64 got = 1, want = 1;
		int ret, ref;

		random_number_string(s, sizeof(s), base);
		ret = kstrtos64(s, base, &got);
		ref = ref_strtos64(s, base, &want);
		if (ret != ref || got != want)
			unit_fail(__FILE__, __LINE__, "\"%s\" base %u: got %d/%lld want %d/%lld", s,
				  base, ret, (long long)got, ref, (long long)want);
		seen[outcome(ret)]++;
	}
	CHECK(seen[0] > 1000 && seen[1] > 1000 && seen[2] > 1000);
}

/* Random 64-bit values printed by libc in bases 8, 10 and 16 parse back. */
UNIT_TEST(kstrto_roundtrip_libc_output)
{
	char s[40];

	for (int i = 0; i < 5000; i++) {
		u64 v = rnd() >> (rnd() % 64), got = 0;
		s64 sv = (s64)rnd() >> (rnd() % 64), sgot = 0;

		snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
		CHECK(kstrtou64(s, 10, &got) == 0 && got == v);
		snprintf(s, sizeof(s), "%#llo", (unsigned long long)v);
		CHECK(kstrtou64(s, 0, &got) == 0 && got == v);
		snprintf(s, sizeof(s), "%llx", (unsigned long long)v);
		CHECK(kstrtou64(s, 16, &got) == 0 && got == v);
		snprintf(s, sizeof(s), "0x%llX", (unsigned long long)v);
		CHECK(kstrtou64(s, 0, &got) == 0 && got == v);
		snprintf(s, sizeof(s), "%lld", (long long)sv);
		CHECK(kstrtos64(s, 0, &sgot) == 0 && sgot == sv);
		CHECK(kstrtos64(s, 10, &sgot) == 0 && sgot == sv);
	}
}
