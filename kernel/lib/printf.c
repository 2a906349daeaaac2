/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf.c - the kernel's formatted printer: vcbprintf (the engine, which
 * hands its output to a callback in pieces) and vsnprintf/snprintf on top
 * of it. The supported subset is described in lib.h.
 *
 * Output matches the C library for everything in that subset, including
 * flags that C leaves without effect or undefined for a conversion ('#' on
 * %d, '0' on %s, precision on %c), which are ignored as glibc does. The
 * differences are deliberate: %p is always "0x" and 16 hex digits, a NULL
 * %s is the string "(null)" (cut by a precision like any string), an
 * unsupported conversion (%n, %f, %q, ...) is copied to the output as
 * written and takes no argument of its own (a '*' in it still takes its
 * int), and a format ending inside a conversion is copied as written too.
 *
 * No floating point and no allocation; any context that can call the
 * callback may print. The tests are tests/unit/test_printf.c.
 */
#include "lib.h"

enum {
	FL_LEFT = 1 << 0,  /* '-' */
	FL_ZERO = 1 << 1,  /* '0' */
	FL_PLUS = 1 << 2,  /* '+' */
	FL_SPACE = 1 << 3, /* ' ' */
	FL_ALT = 1 << 4,   /* '#' */
	FL_UPPER = 1 << 5, /* %X */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T };

/* One parsed conversion: %[flags][width][.precision][length]conv. */
struct conv_spec {
	unsigned int flags;
	size_t width;
	size_t prec; /* meaningful only if has_prec */
	bool has_prec;
	enum length len;
	char conv;
};

/* Where output goes, and how much has been produced so far. */
struct out_state {
	fmt_out_t out;
	void *ctx;
	size_t count;
};

/* Precision and width beyond this are clamped (the result must fit an int). */
#define FIELD_MAX ((size_t)INT32_MAX)

STATIC_ASSERT(sizeof(ptrdiff_t) == sizeof(size_t), "%zd and %tu reuse the other type");

static void emit(struct out_state *st, const char *s, size_t n)
{
	if (n)
		st->out(st->ctx, s, n);
	st->count += n;
}

/* Emit n copies of c, which must be ' ' or '0'. */
static void emit_repeat(struct out_state *st, char c, size_t n)
{
	static const char spaces[] = "                                ";
	static const char zeros[] = "00000000000000000000000000000000";
	const char *run = c == '0' ? zeros : spaces;

	while (n) {
		size_t k = MIN(n, sizeof(spaces) - 1);

		emit(st, run, k);
		n -= k;
	}
}

/* Parse a decimal field at *fmtp, clamped to FIELD_MAX. */
static size_t parse_field(const char **fmtp)
{
	const char *f = *fmtp;
	size_t v = 0;

	for (; *f >= '0' && *f <= '9'; f++)
		v = MIN(v * 10 + (size_t)(*f - '0'), FIELD_MAX);
	*fmtp = f;
	return v;
}

static unsigned int parse_flags(const char **fmtp)
{
	static const char chars[] = "-0+ #"; /* in FL_* bit order */
	unsigned int flags = 0;
	const char *hit;

	while (**fmtp && (hit = strchr(chars, **fmtp)) != NULL) {
		flags |= 1u << (hit - chars);
		(*fmtp)++;
	}
	return flags;
}

/* Width: digits, or '*' taking an int where a negative value means '-'. */
static void parse_width(const char **fmtp, struct conv_spec *sp, va_list *ap)
{
	if (**fmtp == '*') {
		int w = va_arg(*ap, int);

		(*fmtp)++;
		if (w < 0)
			sp->flags |= FL_LEFT;
		sp->width = MIN(w < 0 ? -(size_t)w : (size_t)w, FIELD_MAX);
	} else {
		sp->width = parse_field(fmtp);
	}
}

/* Precision: '.', then digits or '*'; a negative '*' means "none". */
static void parse_precision(const char **fmtp, struct conv_spec *sp, va_list *ap)
{
	if (**fmtp != '.')
		return;
	(*fmtp)++;
	sp->has_prec = true;
	if (**fmtp == '*') {
		int p = va_arg(*ap, int);

		(*fmtp)++;
		sp->has_prec = p >= 0;
		sp->prec = p >= 0 ? (size_t)p : 0;
	} else {
		sp->prec = parse_field(fmtp);
	}
}

static enum length parse_length(const char **fmtp)
{
	const char *f = *fmtp;
	enum length len = LEN_NONE;

	if (f[0] == 'h')
		len = f[1] == 'h' ? LEN_HH : LEN_H;
	else if (f[0] == 'l')
		len = f[1] == 'l' ? LEN_LL : LEN_L;
	else if (f[0] == 'z')
		len = LEN_Z;
	else if (f[0] == 't')
		len = LEN_T;
	*fmtp = f + (len == LEN_HH || len == LEN_LL ? 2 : len != LEN_NONE);
	return len;
}

/* Parse the conversion after '%'; *fmtp ends after it (or at the NUL). */
static void parse_spec(const char **fmtp, struct conv_spec *sp, va_list *ap)
{
	sp->flags = parse_flags(fmtp);
	sp->has_prec = false;
	sp->prec = 0;
	parse_width(fmtp, sp, ap);
	parse_precision(fmtp, sp, ap);
	sp->len = parse_length(fmtp);
	sp->conv = **fmtp;
	if (sp->conv)
		(*fmtp)++;
}

/* Fetch a signed integer argument of the spec's length. */
static s64 fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetch an unsigned integer argument of the spec's length. */
static u64 fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Write v's digits at the end of buf; returns where they start. */
static char *format_digits(char *end, u64 v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

/*
 * Emit an integer: [spaces][sign or 0x][zeros][digits][spaces]. sign is
 * '-', '+', ' ' or 0; the precision is the minimum digit count.
 */
static void emit_number(struct out_state *st, const struct conv_spec *sp, u64 v, unsigned int base,
			char sign)
{
	char buf[24]; /* 22 octal digits for 2^64 - 1 */
	char *digits = format_digits(buf + sizeof(buf), v, base, sp->flags & FL_UPPER);
	size_t ndigits = buf + sizeof(buf) - digits;
	char prefix[2] = {sign, 0};
	size_t nprefix = sign != 0;
	size_t nzeros = 0, body;

	if (sp->has_prec && sp->prec == 0 && v == 0)
		ndigits = 0; /* "%.0d" of 0 prints no digits */
	if (sp->has_prec && sp->prec > ndigits)
		nzeros = sp->prec - ndigits;
	if ((sp->flags & FL_ALT) && base == 8 && nzeros == 0 && (ndigits == 0 || *digits != '0'))
		nzeros = 1; /* "%#o" always starts with 0 */
	if ((sp->flags & FL_ALT) && base == 16 && v != 0) {
		prefix[0] = '0';
		prefix[1] = sp->flags & FL_UPPER ? 'X' : 'x';
		nprefix = 2;
	}
	body = nprefix + nzeros + ndigits;
	if ((sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO && !sp->has_prec && sp->width > body) {
		nzeros += sp->width - body;
		body = sp->width;
	}
	if (!(sp->flags & FL_LEFT) && sp->width > body)
		emit_repeat(st, ' ', sp->width - body);
	emit(st, prefix, nprefix);
	emit_repeat(st, '0', nzeros);
	emit(st, digits, ndigits);
	if ((sp->flags & FL_LEFT) && sp->width > body)
		emit_repeat(st, ' ', sp->width - body);
}

/* Emit n bytes of s padded with spaces to the field width. */
static void emit_padded(struct out_state *st, const struct conv_spec *sp, const char *s, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!(sp->flags & FL_LEFT))
		emit_repeat(st, ' ', pad);
	emit(st, s, n);
	if (sp->flags & FL_LEFT)
		emit_repeat(st, ' ', pad);
}

static void emit_signed(struct out_state *st, const struct conv_spec *sp, va_list *ap)
{
	s64 v = fetch_signed(ap, sp->len);
	u64 mag = v < 0 ? -(u64)v : (u64)v;
	char sign = 0;

	if (v < 0)
		sign = '-';
	else if (sp->flags & FL_PLUS)
		sign = '+';
	else if (sp->flags & FL_SPACE)
		sign = ' ';
	emit_number(st, sp, mag, 10, sign);
}

static void emit_string(struct out_state *st, const struct conv_spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);

	if (!s)
		s = "(null)";
	emit_padded(st, sp, s, strnlen(s, sp->has_prec ? sp->prec : SIZE_MAX));
}

static void emit_pointer(struct out_state *st, const struct conv_spec *sp, va_list *ap)
{
	u64 v = (uintptr_t)va_arg(*ap, void *);
	char buf[18];

	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 17; i >= 2; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 0xf];
	emit_padded(st, sp, buf, sizeof(buf));
}

/*
 * Emit one conversion. Returns false if conv is not one we support; then
 * nothing was emitted and no argument was consumed.
 */
static bool emit_conversion(struct out_state *st, struct conv_spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		emit_signed(st, sp, ap);
		return true;
	case 'u':
		emit_number(st, sp, fetch_unsigned(ap, sp->len), 10, 0);
		return true;
	case 'o':
		emit_number(st, sp, fetch_unsigned(ap, sp->len), 8, 0);
		return true;
	case 'X':
		sp->flags |= FL_UPPER;
		/* fall through */
	case 'x':
		emit_number(st, sp, fetch_unsigned(ap, sp->len), 16, 0);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(st, sp, &c, 1);
		return true;
	case 's':
		emit_string(st, sp, ap);
		return true;
	case 'p':
		emit_pointer(st, sp, ap);
		return true;
	case '%':
		emit(st, "%", 1);
		return true;
	default:
		return false;
	}
}

int vcbprintf(fmt_out_t out, void *ctx, const char *fmt, va_list ap)
{
	struct out_state st = {.out = out, .ctx = ctx, .count = 0};
	struct conv_spec spec;
	va_list args;

	/* A copy we can pass by pointer to the helpers (va_list may be an array). */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&st, start, fmt - start);
		if (!*fmt)
			break;
		start = fmt++;
		parse_spec(&fmt, &spec, &args);
		if (!emit_conversion(&st, &spec, &args))
			emit(&st, start, fmt - start); /* unknown or cut short: as written */
	}
	va_end(args);
	return (int)MIN(st.count, (size_t)INT32_MAX);
}

/* vsnprintf's callback state: buf holds used bytes; room for a NUL is kept. */
struct buf_sink {
	char *buf;
	size_t size;
	size_t used;
};

static void buf_sink_out(void *ctx, const char *s, size_t n)
{
	struct buf_sink *sink = ctx;

	if (sink->used + 1 < sink->size) {
		size_t k = MIN(n, sink->size - 1 - sink->used);

		memcpy(sink->buf + sink->used, s, k);
		sink->used += k;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink sink = {.buf = buf, .size = size, .used = 0};
	int ret = vcbprintf(buf_sink_out, &sink, fmt, ap);

	if (size)
		buf[sink.used] = '\0';
	return ret;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
