/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_printf.c - host tests for kernel/lib/printf.c.
 *
 * The kernel's printer is built as ksnprintf/kvsnprintf/kvcbprintf (see
 * printf_rename.h) and compared with the C library's snprintf: every flag
 * set against widths and precisions for each conversion, every length
 * modifier with the extreme values of its type, every truncation size, and
 * 20000 random formats from a fixed seed. Every comparison also runs the
 * callback engine and checks it produces the same text. The places where
 * we differ from glibc on purpose (%p, NULL %s, unknown conversions) have
 * tests of their own with spelled-out expectations.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* printf_rename.h maps these names to the kernel's k*; here they mean libc's. */
#undef snprintf
#undef vsnprintf
#undef vcbprintf

#define OUT_MAX 512

/* When set, every comparison with libc also runs at every truncation size. */
static bool also_truncate;

static u64 rng_state = 0x2545f4914f6cdd1dull;

/* xorshift64*: a fixed-seed generator, so every run tests the same cases. */
static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x9e3779b97f4a7c15ull;
}

/* kvcbprintf's sink for the tests: appends every piece to a buffer. */
struct collect {
	char text[OUT_MAX];
	size_t len;
	int empty_calls;
};

static void collect_out(void *ctx, const char *s, size_t n)
{
	struct collect *c = ctx;

	if (n == 0)
		c->empty_calls++;
	if (c->len + n <= sizeof(c->text))
		memcpy(c->text + c->len, s, n);
	c->len += n;
}

static int cb_format(struct collect *c, const char *fmt, va_list ap)
{
	c->len = 0;
	c->empty_calls = 0;
	return kvcbprintf(collect_out, c, fmt, ap);
}

/* Text may contain NULs (%c of 0), so show it escaped in failure messages. */
static const char *show(const char *s, size_t n)
{
	static char out[2][OUT_MAX * 4 + 1];
	static int which;
	char *o = out[which ^= 1], *p = o;

	for (size_t i = 0; i < n && i < OUT_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			*p++ = (char)ch;
		else
			p += sprintf(p, "\\x%02x", ch);
	}
	*p = '\0';
	return o;
}

static void vcheck_truncation(int line, const char *fmt, va_list ap);

/*
 * Format with libc and with both of ours (buffer and callback) and compare
 * the return values and the full text. Returns libc's length.
 */
static int vcheck_like_libc(int line, const char *fmt, va_list ap)
{
	char want[OUT_MAX], got[OUT_MAX];
	struct collect cb;
	va_list a1, a2;
	int wn, gn, cn;

	if (also_truncate)
		vcheck_truncation(line, fmt, ap);
	va_copy(a1, ap);
	va_copy(a2, ap);
	wn = vsnprintf(want, sizeof(want), fmt, ap);
	gn = kvsnprintf(got, sizeof(got), fmt, a1);
	cn = cb_format(&cb, fmt, a2);
	va_end(a1);
	va_end(a2);
	if (wn < 0 || wn >= OUT_MAX) {
		unit_fail(__FILE__, line, "test bug: \"%s\" gives %d chars", fmt, wn);
		return wn;
	}
	if (gn != wn || memcmp(want, got, wn + 1) != 0)
		unit_fail(__FILE__, line, "\"%s\": libc \"%s\" (%d), ours \"%s\" (%d)",
			  show(fmt, strlen(fmt)), show(want, wn), wn,
			  show(got, MIN((size_t)gn, sizeof(got) - 1)), gn);
	if (cn != wn || cb.len != (size_t)wn || memcmp(want, cb.text, wn) != 0 || cb.empty_calls)
		unit_fail(__FILE__, line,
			  "\"%s\": callback gave \"%s\" (%d, %zu chars, %d empty calls)",
			  show(fmt, strlen(fmt)), show(cb.text, MIN(cb.len, sizeof(cb.text))), cn,
			  cb.len, cb.empty_calls);
	return wn;
}

static int check_like_libc(int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vcheck_like_libc(line, fmt, ap);
	va_end(ap);
	return n;
}

#define LIKE_LIBC(...) check_like_libc(__LINE__, __VA_ARGS__)

/* Compare with an expected string written out by hand (and the callback). */
static void check_expect(int line, const char *want, const char *fmt, ...)
{
	char got[OUT_MAX];
	struct collect cb;
	va_list ap, a2;
	int n, cn;

	va_start(ap, fmt);
	va_copy(a2, ap);
	n = kvsnprintf(got, sizeof(got), fmt, ap);
	cn = cb_format(&cb, fmt, a2);
	va_end(a2);
	va_end(ap);
	if (n != (int)strlen(want) || strcmp(got, want) != 0)
		unit_fail(__FILE__, line, "\"%s\": want \"%s\", got \"%s\" (%d)", fmt, want, got,
			  n);
	if (cn != n || cb.len != (size_t)n || memcmp(cb.text, want, MIN(cb.len, strlen(want))) != 0)
		unit_fail(__FILE__, line, "\"%s\": callback gave %d", fmt, cn);
}

#define EXPECT(want, ...) check_expect(__LINE__, want, __VA_ARGS__)

/*
 * For every size from 0 to past the full length, ours and libc's must
 * return the same and store the same bytes. Ours writes into a buffer of
 * exactly size bytes (NULL when 0) so ASan catches any overrun.
 */
static void vcheck_truncation(int line, const char *fmt, va_list ap)
{
	char full[OUT_MAX], want[OUT_MAX];
	va_list a;
	int len;

	va_copy(a, ap);
	len = vsnprintf(full, sizeof(full), fmt, a);
	va_end(a);
	for (size_t size = 0; size <= (size_t)len + 2 && size < sizeof(want); size++) {
		char *got = size ? malloc(size) : NULL;
		int wn, gn;

		va_copy(a, ap);
		wn = vsnprintf(want, size, fmt, a);
		va_end(a);
		va_copy(a, ap);
		gn = kvsnprintf(got, size, fmt, a);
		va_end(a);
		if (gn != wn || (size && memcmp(got, want, MIN(size, (size_t)wn + 1)) != 0))
			unit_fail(__FILE__, line, "\"%s\" size %zu: libc %d \"%s\", ours %d \"%s\"",
				  fmt, size, wn, want, gn, size ? got : "");
		free(got);
	}
}

static void check_truncation(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_truncation(line, fmt, ap);
	va_end(ap);
}

#define TRUNCATION(...) check_truncation(__LINE__, __VA_ARGS__)

UNIT_TEST(hand_written_expectations)
{
	EXPECT("", "");
	EXPECT("plain text", "plain text");
	EXPECT("0", "%d", 0);
	EXPECT("   42|", "%5d|", 42);
	EXPECT("42   |", "%-5d|", 42);
	EXPECT("-0042", "%05d", -42);
	EXPECT("+5  5", "%+d % d", 5, 5);
	EXPECT("ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
	EXPECT("10 010 0", "%o %#o %#o", 8, 8, 0);
	EXPECT("", "%.0d", 0);
	EXPECT("00042", "%.5d", 42);
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("44 -1 255", "%hhd %hhd %hhu", 300, 255, -1);
	EXPECT("1     |", "%*d|", -6, 1);
	EXPECT("abc", "%.*s", 3, "abcdef");
	EXPECT("abcdef", "%.*s", -1, "abcdef");
	EXPECT("  x|x  |", "%3c|%-3c|", 'x', 'x');
	EXPECT("100%", "%d%%", 100);
	EXPECT("0x000a", "%#06x", 10);
}

/* Unlike glibc (which prints ""), a precision cuts "(null)" like any string. */
UNIT_TEST(null_string)
{
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("  (null)|", "%8s|", (char *)NULL);
	EXPECT("(null)  |", "%-8s|", (char *)NULL);
	EXPECT("(nu", "%.3s", (char *)NULL);
}

/* glibc prints "0x..." without padding digits and "(nil)" for NULL; ours differs. */
UNIT_TEST(pointer_format)
{
	static const uintptr_t values[] = {0,	       1,	    0x1234,
					   0xdeadbeef, UINTPTR_MAX, 0xffffffff80000000ull};
	char want[64], got[64];
	int local;

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		snprintf(want, sizeof(want), "0x%016lx", (unsigned long)values[i]);
		CHECK_EQ(ksnprintf(got, sizeof(got), "%p", (void *)values[i]), 18);
		CHECK_STREQ(got, want);
	}
	snprintf(want, sizeof(want), "<0x%016lx>", (unsigned long)(uintptr_t)&local);
	ksnprintf(got, sizeof(got), "<%p>", (void *)&local);
	CHECK_STREQ(got, want);
	EXPECT("0x0000000000000000", "%p", NULL);
	EXPECT("  0x00000000000000ff|", "%20p|", (void *)0xff);
	EXPECT("0x00000000000000ff  |", "%-20p|", (void *)0xff);
	EXPECT("0x00000000000000ff", "%5p", (void *)0xff);
	EXPECT("0x00000000deadbeef 7", "%p %d", (void *)0xdeadbeef, 7);
}

/*
 * Unsupported conversions come out as written and take no argument (a '*'
 * inside still takes its int); the runtime format keeps -Wformat quiet.
 */
UNIT_TEST(unknown_conversions_print_literally)
{
	static const struct {
		const char *fmt, *want;
	} cases[] = {
		{"%q", "%q"}, {"a%qb", "a%qb"}, {"%-5q", "%-5q"},   {"%5.2q", "%5.2q"},
		{"%n", "%n"}, {"%f", "%f"},	{"%lq", "%lq"},	    {"%hhq", "%hhq"},
		{"%", "%"},   {"abc%", "abc%"}, {"abc%5", "abc%5"}, {"%ll", "%ll"},
		{"%-", "%-"}, {"%.", "%."},	{"%%", "%"},	    {"%%%%", "%%"},
	};
	const char *fmt_q_d = "%q%d", *fmt_star_q_d = "%*q%d", *fmt_l = "%L";
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *fmt = cases[i].fmt;

		CHECK_EQ(ksnprintf(buf, sizeof(buf), fmt, 0), strlen(cases[i].want));
		CHECK_STREQ(buf, cases[i].want);
	}
	ksnprintf(buf, sizeof(buf), fmt_q_d, 5);
	CHECK_STREQ(buf, "%q5");
	ksnprintf(buf, sizeof(buf), fmt_star_q_d, 3, 7);
	CHECK_STREQ(buf, "%*q7");
	ksnprintf(buf, sizeof(buf), fmt_l, 1);
	CHECK_STREQ(buf, "%L");
}

static const char *const flag_sets[] = {
	"",    "-",   "0",   "+",   " ",    "#",    "-0",   "-+",   "- ",   "-#",    "0+",
	"0 ",  "0#",  "+ ",  "+#",  " #",   "-0+",  "-0 ",  "-0#",  "-+ ",  "-+#",   "- #",
	"0+ ", "0+#", "0 #", "+ #", "-0+ ", "-0+#", "-0 #", "-+ #", "0+ #", "-0+ #",
};

/* Width and precision choices; '*' ones take the int given beside them. */
static const struct {
	const char *text;
	int star;
} widths[] = {{"", 0}, {"1", 0}, {"6", 0}, {"24", 0}, {"*", 9}, {"*", -9}},
  precisions[] = {{"", 0},   {".", 0},	 {".0", 0}, {".1", 0},
		  {".4", 0}, {".23", 0}, {".*", 3}, {".*", -1}};

static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t"};

/* A generated conversion: its format and the '*' ints that come first. */
struct gen {
	char fmt[64];
	int nstar;
	int star[2];
};

static void gen_spec(struct gen *g, const char *flags, size_t w, size_t p, const char *len,
		     char conv)
{
	g->nstar = 0;
	if (widths[w].text[0] == '*')
		g->star[g->nstar++] = widths[w].star;
	if (precisions[p].text[0] && precisions[p].text[1] == '*')
		g->star[g->nstar++] = precisions[p].star;
	snprintf(g->fmt, sizeof(g->fmt), "[%%%s%s%s%s%c]", flags, widths[w].text,
		 precisions[p].text, len, conv);
}

#define WITH_STARS(line, g, v)                                                          \
	do {                                                                            \
		if ((g)->nstar == 0)                                                    \
			check_like_libc(line, (g)->fmt, v);                             \
		else if ((g)->nstar == 1)                                               \
			check_like_libc(line, (g)->fmt, (g)->star[0], v);               \
		else                                                                    \
			check_like_libc(line, (g)->fmt, (g)->star[0], (g)->star[1], v); \
	} while (0)

/* Pass raw as the type the length modifier and conversion expect. */
static void check_integer(int line, const struct gen *g, const char *len, char conv, u64 raw)
{
	bool is_signed = conv == 'd' || conv == 'i';

	if (!strcmp(len, "l") && is_signed)
		WITH_STARS(line, g, (long)raw);
	else if (!strcmp(len, "l"))
		WITH_STARS(line, g, (unsigned long)raw);
	else if (!strcmp(len, "ll") && is_signed)
		WITH_STARS(line, g, (long long)raw);
	else if (!strcmp(len, "ll"))
		WITH_STARS(line, g, (unsigned long long)raw);
	else if ((!strcmp(len, "z") || !strcmp(len, "t")) && is_signed)
		WITH_STARS(line, g, (ptrdiff_t)raw);
	else if (!strcmp(len, "z") || !strcmp(len, "t"))
		WITH_STARS(line, g, (size_t)raw);
	else if (is_signed)
		WITH_STARS(line, g, (int)raw);
	else
		WITH_STARS(line, g, (unsigned int)raw);
}

static const u64 int_values[] = {
	0,
	1,
	(u64)-1,
	7,
	(u64)-42,
	127,
	128,
	255,
	256,
	32767,
	(u64)-32768,
	65535,
	65536,
	INT_MAX,
	(u64)INT_MIN,
	UINT_MAX,
	(u64)LLONG_MIN,
	LLONG_MAX,
	ULLONG_MAX,
	0x123456789abcdefull,
};

static const char int_convs[] = "diuxXo";

/* Every flag set x width x precision x integer conversion, on a few values. */
UNIT_TEST(integer_flags_widths_precisions)
{
	static const u64 few[] = {0, 1, (u64)-1, 42, (u64)-42, (u64)INT_MIN, INT_MAX, 0xabcdef};
	struct gen g;

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
				for (const char *c = int_convs; *c; c++) {
					gen_spec(&g, flag_sets[f], w, p, "", *c);
					for (size_t v = 0; v < ARRAY_SIZE(few); v++)
						check_integer(__LINE__, &g, "", *c, few[v]);
				}
}

/* Every length modifier x integer conversion x value, under a few flag/width mixes. */
UNIT_TEST(integer_length_modifiers)
{
	static const struct {
		const char *flags;
		size_t w, p;
	} mixes[] = {{"", 0, 0},   {"#", 3, 0},	 {"-+", 4, 3},
		     {"0 ", 3, 5}, {"#0", 3, 0}, {"-", 5, 2}};
	struct gen g;

	for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
		for (const char *c = int_convs; *c; c++)
			for (size_t m = 0; m < ARRAY_SIZE(mixes); m++) {
				gen_spec(&g, mixes[m].flags, mixes[m].w, mixes[m].p, lengths[l],
					 *c);
				for (size_t v = 0; v < ARRAY_SIZE(int_values); v++)
					check_integer(__LINE__, &g, lengths[l], *c, int_values[v]);
			}
}

/* %c and %s under every flag set, width and precision (glibc ignores the odd ones too). */
UNIT_TEST(char_and_string_flags_widths_precisions)
{
	static const int chars[] = {'a', 'Z', ' ', 0, 0x7f, 0xe9};
	static const char *const strings[] = {"", "a", "hello", "a string longer than the widths"};
	struct gen g;

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++) {
				gen_spec(&g, flag_sets[f], w, p, "", 'c');
				for (size_t i = 0; i < ARRAY_SIZE(chars); i++)
					WITH_STARS(__LINE__, &g, chars[i]);
				gen_spec(&g, flag_sets[f], w, p, "", 's');
				for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
					WITH_STARS(__LINE__, &g, strings[i]);
			}
}

UNIT_TEST(several_conversions_in_one_format)
{
	LIKE_LIBC("%d %s %c %x %% %o|%-*d|%.*s|", -5, "str", 'q', 0xbeefu, 8u, 7, 3, 2, "abc");
	LIKE_LIBC("%hhd %hd %d %ld %lld %zd %td", -1, -2, -3, -4L, -5LL, (ptrdiff_t)-6,
		  (ptrdiff_t)-7);
	LIKE_LIBC("%hhu %hu %u %lu %llu %zu %tu", 1, 2, 3u, 4UL, 5ULL, (size_t)6, (size_t)7);
	LIKE_LIBC("%lld %d %lld", LLONG_MIN, INT_MIN, LLONG_MAX);
	LIKE_LIBC("%*.*d|%-*.*x|%0*d", 10, 5, -3, 10, 5, 0xabu, -8, 12);
	LIKE_LIBC("%i%i%i", 1, 2, 3);
	LIKE_LIBC("no conversions at all %%");
}

/* Negative '*' width means '-' plus the absolute width, for every conversion. */
UNIT_TEST(negative_star_width)
{
	for (int w = -12; w <= 12; w++) {
		LIKE_LIBC("[%*d]", w, -77);
		LIKE_LIBC("[%0*d]", w, 77);
		LIKE_LIBC("[%*x]", w, 0x77u);
		LIKE_LIBC("[%*s]", w, "ab");
		LIKE_LIBC("[%*c]", w, 'c');
		LIKE_LIBC("[%-*u]", w, 5u);
	}
	LIKE_LIBC("[%*d]", -300, 1); /* wider than any internal run of padding */
}

UNIT_TEST(truncation_at_every_size)
{
	TRUNCATION("");
	TRUNCATION("x");
	TRUNCATION("hello, world");
	TRUNCATION("%d", INT_MIN);
	TRUNCATION("%-20s|", "left");
	TRUNCATION("%020lld", LLONG_MIN);
	TRUNCATION("%#x and %#o", 0xabcu, 0123u);
	TRUNCATION("[%*.*s]", 30, 4, "truncate me");
	TRUNCATION("%c%c%c", 'a', 0, 'b');
	TRUNCATION("%s%s%s", "one", "", "three");
	TRUNCATION("%% %d%%", 1);
	TRUNCATION("%300d", 1); /* longer than any internal run of padding */
}

/* vsnprintf and the callback agree on outputs far longer than any buffer inside. */
UNIT_TEST(long_output_through_callback)
{
	enum { W = 5000 };
	char *buf = malloc(W + 1);
	int n;

	n = ksnprintf(buf, W + 1, "%*d", W, 42);
	CHECK_EQ(n, W);
	CHECK_EQ(strlen(buf), W);
	CHECK(buf[0] == ' ' && buf[W - 2] == '4' && buf[W - 1] == '2');
	n = ksnprintf(NULL, 0, "%-*s|%0*d", W, "x", W, -1);
	CHECK_EQ(n, 2 * W + 1);
	n = ksnprintf(buf, 4, "%*d", W, 42);
	CHECK_EQ(n, W);
	CHECK_STREQ(buf, "   ");
	free(buf);
	CHECK_EQ(LIKE_LIBC("%400s", ""), 400);
	CHECK_EQ(LIKE_LIBC("%.*d", 300, 5), 300);
}

/* The callback sees only non-empty pieces, and their lengths add up to the return value. */
static int cb_printf(struct collect *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cb_format(c, fmt, ap);
	va_end(ap);
	return n;
}

UNIT_TEST(callback_pieces)
{
	struct collect cb;

	CHECK_EQ(cb_printf(&cb, "a%sb%dc", "", 12), 5);
	CHECK_EQ(cb.len, 5);
	CHECK(memcmp(cb.text, "ab12c", 5) == 0);
	CHECK_EQ(cb.empty_calls, 0);
	CHECK_EQ(cb_printf(&cb, "%s", ""), 0);
	CHECK_EQ(cb.len, 0);
	CHECK_EQ(cb_printf(&cb, "%.0d", 0), 0);
	CHECK_EQ(cb.empty_calls, 0);
}

/* Append a literal piece of text, sometimes with "%%" in it. */
static void random_text(char *p, size_t *n)
{
	static const char *const pieces[] = {"", "a", "xyz ", "%%", " [", "] ", "%%%%", "\t"};

	for (int k = rnd() % 3; k > 0; k--)
		*n += sprintf(p + *n, "%s", pieces[rnd() % ARRAY_SIZE(pieces)]);
}

/* Random flags (any order, repeats allowed), width, precision, length and conversion. */
static void random_spec(struct gen *g, char *conv_out, const char **len_out)
{
	static const char convs[] = "diuxXocs";
	char conv = convs[rnd() % (sizeof(convs) - 1)];
	const char *len = conv == 'c' || conv == 's' ? "" : lengths[rnd() % ARRAY_SIZE(lengths)];
	size_t n = 0;

	random_text(g->fmt, &n);
	g->fmt[n++] = '%';
	for (int k = rnd() % 4; k > 0; k--)
		g->fmt[n++] = "-0+ #"[rnd() % 5];
	g->nstar = 0;
	if (rnd() % 3 == 0)
		n += sprintf(g->fmt + n, "%d", (int)(rnd() % 30) + 1);
	else if (rnd() % 3 == 0) {
		g->fmt[n++] = '*';
		g->star[g->nstar++] = (int)(rnd() % 61) - 30;
	}
	if (rnd() % 3 == 0)
		n += sprintf(g->fmt + n, ".%d", (int)(rnd() % 25));
	else if (rnd() % 4 == 0) {
		n += sprintf(g->fmt + n, ".*");
		g->star[g->nstar++] = (int)(rnd() % 41) - 10;
	}
	n += sprintf(g->fmt + n, "%s%c", len, conv);
	random_text(g->fmt, &n);
	g->fmt[n] = '\0';
	*conv_out = conv;
	*len_out = len;
}

static void check_random_value(const struct gen *g, char conv, const char *len)
{
	static const char *const strings[] = {"", "s", "random", "a longer random string"};
	u64 raw = int_values[rnd() % ARRAY_SIZE(int_values)];

	if (rnd() % 2)
		raw = rnd() >> (rnd() % 64);
	if (conv == 'c')
		WITH_STARS(__LINE__, g, (int)(raw & 0xff));
	else if (conv == 's')
		WITH_STARS(__LINE__, g, strings[raw % ARRAY_SIZE(strings)]);
	else
		check_integer(__LINE__, g, len, conv, raw);
}

UNIT_TEST(random_formats_vs_libc)
{
	struct gen g;
	char conv;
	const char *len;

	for (int i = 0; i < 20000; i++) {
		random_spec(&g, &conv, &len);
		check_random_value(&g, conv, len);
	}
}

/* Random formats again, each also at every truncation size. */
UNIT_TEST(random_formats_truncated)
{
	struct gen g;
	char conv;
	const char *len;

	also_truncate = true;
	for (int i = 0; i < 2000; i++) {
		random_spec(&g, &conv, &len);
		check_random_value(&g, conv, len);
	}
	also_truncate = false;
}
