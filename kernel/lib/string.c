/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * string.c - memory and string functions, and integer parsing, for the
 * kernel (declared and documented in lib.h).
 *
 * Plain portable C: there are no arch hooks here, and the same file is
 * compiled into the host unit test tests/unit/test_string.c (under renamed
 * symbols) and compared against the C library there. memcpy, memmove and
 * memset move a machine word at a time once source and destination are
 * aligned, and a byte at a time otherwise. The loops are kept simple so the
 * compiler has no reason to replace them with a call to the function being
 * defined (the kernel is also built with -ffreestanding, and with gcc
 * -fno-tree-loop-distribute-patterns). memcpy and memset are weak: an arch
 * may define faster ones (kernel/arch/x86_64/string.c does).
 */
#include "errno.h"
#include "lib.h"

/* A word that may alias anything, so word copies are valid on any buffer. */
typedef unsigned long __attribute__((__may_alias__)) word_t;

#define WORD_SIZE sizeof(word_t)

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & (WORD_SIZE - 1)) == 0;
}

/* Copy low to high addresses; safe for overlap when d < s. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (((uintptr_t)d ^ (uintptr_t)s) % WORD_SIZE == 0) {
		for (; n && !word_aligned(d); n--)
			*d++ = *s++;
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	for (; n; n--)
		*d++ = *s++;
}

/* Copy high to low addresses; safe for overlap when d > s. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (((uintptr_t)d ^ (uintptr_t)s) % WORD_SIZE == 0) {
		for (; n && !word_aligned(d); n--)
			*--d = *--s;
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	for (; n; n--)
		*--d = *--s;
}

__weak void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	/* Compared as integers: the buffers may be unrelated objects. */
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		copy_forward(dst, src, n); /* dst below src, or no overlap */
	else
		copy_backward(dst, src, n);
	return dst;
}

__weak void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char byte = (unsigned char)c;
	word_t pattern = (word_t)byte * (~(word_t)0 / 0xff);

	for (; n && !word_aligned(d); n--)
		*d++ = byte;
	for (; n >= WORD_SIZE; n -= WORD_SIZE) {
		*(word_t *)d = pattern;
		d += WORD_SIZE;
	}
	for (; n; n--)
		*d++ = byte;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* The value of digit c in bases up to 36, or 36 if c is not a digit. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/*
 * Resolve base 0 from the prefix ("0x" hex, "0" octal, else decimal) and
 * skip a "0x" prefix in base 16. A lone "0" stays as the octal digit 0.
 */
static unsigned int take_base_prefix(const char **sp, unsigned int base)
{
	const char *s = *sp;
	bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (base == 0) {
		if (hex_prefix)
			base = 16;
		else if (s[0] == '0')
			base = 8;
		else
			base = 10;
	}
	if (base == 16 && hex_prefix)
		*sp = s + 2;
	return base;
}

/*
 * Parse an unsigned number (no sign) that must make up all of s. A bad
 * digit anywhere is -EINVAL even if the digits before it overflowed.
 */
static int parse_unsigned(const char *s, unsigned int base, u64 *out)
{
	bool overflow = false;
	u64 v = 0;

	if (base == 1 || base > 36)
		return -EINVAL;
	base = take_base_prefix(&s, base);
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = digit_value(*s);

		if (d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int kstrtou64(const char *s, unsigned int base, u64 *out)
{
	if (*s == '+')
		s++;
	return parse_unsigned(s, base, out);
}

int kstrtos64(const char *s, unsigned int base, s64 *out)
{
	bool neg = *s == '-';
	u64 v;
	int err;

	if (*s == '+' || *s == '-')
		s++;
	err = parse_unsigned(s, base, &v);
	if (err)
		return err;
	if (v > (u64)INT64_MAX + neg)
		return -ERANGE;
	/* v - 1 keeps -2^63 from passing through an overflowing +2^63. */
	*out = neg ? (v ? -(s64)(v - 1) - 1 : 0) : (s64)v;
	return 0;
}
