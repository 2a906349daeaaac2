/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline.c - split the kernel command line into words and hand each to the
 * parameter that claims it.
 *
 * A word is a run of non-blank characters; double quotes group blanks into
 * the word and are themselves dropped (init="/bin/sh -l" gives init the value
 * "/bin/sh -l"; "init=/bin/sh -l" does the same). The first '=' separates
 * name from value: names never contain one, values may. Each word is checked
 * completely (length, quoting, name, kind of parameter) before its handler is
 * called; anything wrong is reported through the caller's warning callback
 * and the word skipped, so a typo never stops the boot. This file needs
 * nothing but lib.h; cmdline_boot.c connects it to the parameter table in
 * the image and to klog.
 */
#include "cmdline.h"
#include "errno.h"
#include "lib.h"

#define CMDLINE_MSG_MAX 400
#define CMDLINE_SHOW_LONG 32 /* characters of an over-long word to quote */

struct cmdline_state {
	const struct cmdline_param *begin, *end;
	cmdline_warn_t warn;
	void *ctx;
	int warnings;
};

/* One word: where it was, and its unquoted copy split into name and value. */
struct cmdline_word {
	const char *raw;
	int raw_len;
	bool too_long;
	bool unterminated;
	char buf[CMDLINE_WORD_MAX + 1];
	char *value; /* into buf, after the '='; NULL if there was none */
};

static void cmdline_warn(struct cmdline_state *st, const char *fmt, ...) __printf(2, 3);

static void cmdline_warn(struct cmdline_state *st, const char *fmt, ...)
{
	char msg[CMDLINE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->warnings++;
	if (st->warn)
		st->warn(st->ctx, msg);
}

static bool cmdline_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Read the word starting at s (not blank) into w; return what follows it. */
static const char *cmdline_scan_word(const char *s, struct cmdline_word *w)
{
	bool quoted = false;
	size_t n = 0;

	w->raw = s;
	w->value = NULL;
	for (; *s && (quoted || !cmdline_is_blank(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n == CMDLINE_WORD_MAX)
			continue; /* too long: find its end, reported below */
		if (*s == '=' && !w->value) {
			w->buf[n++] = '\0';
			w->value = &w->buf[n];
			continue;
		}
		w->buf[n++] = *s;
	}
	w->buf[n] = '\0';
	w->too_long = s - w->raw > CMDLINE_WORD_MAX;
	w->raw_len = (int)MIN(s - w->raw, CMDLINE_WORD_MAX);
	w->unterminated = quoted;
	return s;
}

static const struct cmdline_param *cmdline_find(const struct cmdline_state *st, const char *name)
{
	for (const struct cmdline_param *p = st->begin; p < st->end; p++)
		if (p->name && p->set && strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Validate the word against its parameter, then call the handler. */
static void cmdline_apply(struct cmdline_state *st, const struct cmdline_word *w)
{
	const char *name = w->buf;
	const struct cmdline_param *p;

	if (w->too_long) {
		cmdline_warn(st, "parameter '%.*s...' longer than %d characters ignored",
			     CMDLINE_SHOW_LONG, w->raw, CMDLINE_WORD_MAX);
		return;
	}
	if (w->unterminated) {
		cmdline_warn(st, "unterminated quote in '%.*s'", w->raw_len, w->raw);
		return;
	}
	if (name[0] == '\0') {
		cmdline_warn(st, "malformed parameter '%.*s' ignored (empty name)", w->raw_len,
			     w->raw);
		return;
	}
	p = cmdline_find(st, name);
	if (!p) {
		cmdline_warn(st, "unknown parameter '%s' ignored", name);
	} else if (p->kind == CMDLINE_FLAG && w->value) {
		cmdline_warn(st, "parameter '%s' takes no value; '%.*s' ignored", name, w->raw_len,
			     w->raw);
	} else if (p->kind != CMDLINE_FLAG && !w->value) {
		cmdline_warn(st, "parameter '%s' needs a value", name);
	} else if (p->set(w->value) != 0) {
		if (w->value)
			cmdline_warn(st, "invalid value for '%s': '%s'", name, w->value);
		else
			cmdline_warn(st, "parameter '%s' was rejected", name);
	}
}

int cmdline_parse(const char *cmdline, const struct cmdline_param *begin,
		  const struct cmdline_param *end, cmdline_warn_t warn, void *ctx)
{
	struct cmdline_state st = {begin, end, warn, ctx, 0};
	struct cmdline_word w;
	const char *s = cmdline;

	if (!s)
		return 0;
	for (;;) {
		while (cmdline_is_blank(*s))
			s++;
		if (!*s)
			return st.warnings;
		s = cmdline_scan_word(s, &w);
		cmdline_apply(&st, &w);
	}
}
