/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cmdline.c - host tests for the kernel command-line parser
 * (kernel/core/cmdline.c): word splitting, quoting, the order handlers run
 * in, and the exact warning for every kind of malformed word. The last tests
 * link cmdline_boot.c against a klog stub to check that CMDLINE_PARAM
 * declarations are found through the linker section.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "errno.h"
#include "klog.h"
#include "unit.h"

/* Every handler call is appended to calls as "name(value)" or "name". */
static char calls[4096];
/* Every warning is appended to warns, one per line. */
static char warns[8192];
static int nr_warns;

static void log_call(const char *name, const char *val)
{
	size_t n = strlen(calls);

	if (val)
		snprintf(calls + n, sizeof(calls) - n, "%s(%s)", name, val);
	else
		snprintf(calls + n, sizeof(calls) - n, "%s", name);
}

static int set_quiet(const char *val)
{
	log_call("quiet", val);
	return 0;
}

static int set_debug(const char *val)
{
	log_call("debug", val);
	return -EINVAL; /* a flag that refuses to be set */
}

static int set_loglevel(const char *val)
{
	if (!val || !*val || strspn(val, "0123456789") != strlen(val))
		return -EINVAL;
	log_call("loglevel", val);
	return 0;
}

static int set_init(const char *val)
{
	log_call("init", val);
	return 0;
}

/* The last two entries are damaged; lookups must skip them. */
static const struct cmdline_param params[] = {
	{.name = "quiet", .set = set_quiet, .kind = CMDLINE_FLAG},
	{.name = "debug", .set = set_debug, .kind = CMDLINE_FLAG},
	{.name = "loglevel", .set = set_loglevel, .kind = CMDLINE_VALUE},
	{.name = "init", .set = set_init, .kind = CMDLINE_VALUE},
	{.name = NULL, .set = set_init, .kind = CMDLINE_VALUE},
	{.name = "nohandler", .set = NULL, .kind = CMDLINE_FLAG},
};

static void record_warn(void *ctx, const char *msg)
{
	size_t n = strlen(warns);

	CHECK(ctx == warns);
	snprintf(warns + n, sizeof(warns) - n, "%s\n", msg);
	nr_warns++;
}

static int parse(const char *s)
{
	calls[0] = '\0';
	warns[0] = '\0';
	nr_warns = 0;
	return cmdline_parse(s, params, params + ARRAY_SIZE(params), record_warn, warns);
}

UNIT_TEST(empty_lines)
{
	CHECK_EQ(parse(NULL), 0);
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(parse("   \t \n "), 0);
	CHECK_STREQ(calls, "");
	CHECK_STREQ(warns, "");
}

UNIT_TEST(flags_and_values_in_order)
{
	CHECK_EQ(parse("quiet loglevel=7 init=/sbin/init loglevel=3"), 0);
	CHECK_STREQ(calls, "quietloglevel(7)init(/sbin/init)loglevel(3)");
	CHECK_STREQ(warns, "");
}

UNIT_TEST(blanks_of_every_kind_separate_words)
{
	CHECK_EQ(parse("\tquiet\n\nloglevel=4\r init=x  "), 0);
	CHECK_STREQ(calls, "quietloglevel(4)init(x)");
}

UNIT_TEST(quoted_values)
{
	CHECK_EQ(parse("init=\"/bin/sh -l\" quiet"), 0);
	CHECK_STREQ(calls, "init(/bin/sh -l)quiet");

	CHECK_EQ(parse("init=a\"b c\"d"), 0); /* quotes may sit mid-word */
	CHECK_STREQ(calls, "init(ab cd)");

	CHECK_EQ(parse("\"init=x y\""), 0); /* or around the whole word */
	CHECK_STREQ(calls, "init(x y)");

	CHECK_EQ(parse("init=\"a=b\"=c"), 0); /* '=' inside the value is kept */
	CHECK_STREQ(calls, "init(a=b=c)");
}

UNIT_TEST(empty_value_is_passed)
{
	CHECK_EQ(parse("init= init=\"\""), 0);
	CHECK_STREQ(calls, "init()init()");
}

UNIT_TEST(unknown_parameter)
{
	CHECK_EQ(parse("foo quiet foo=bar"), 2);
	CHECK_STREQ(warns, "unknown parameter 'foo' ignored\n"
			   "unknown parameter 'foo' ignored\n");
	CHECK_STREQ(calls, "quiet");
	CHECK_EQ(nr_warns, 2);

	CHECK_EQ(parse("nohandler"), 1); /* a table entry without a handler */
	CHECK_STREQ(warns, "unknown parameter 'nohandler' ignored\n");
}

UNIT_TEST(empty_name)
{
	CHECK_EQ(parse("=x = \"\""), 3);
	CHECK_STREQ(warns, "malformed parameter '=x' ignored (empty name)\n"
			   "malformed parameter '=' ignored (empty name)\n"
			   "malformed parameter '\"\"' ignored (empty name)\n");
	CHECK_STREQ(calls, "");
}

UNIT_TEST(flag_given_a_value)
{
	CHECK_EQ(parse("quiet=1 quiet="), 2);
	CHECK_STREQ(warns, "parameter 'quiet' takes no value; 'quiet=1' ignored\n"
			   "parameter 'quiet' takes no value; 'quiet=' ignored\n");
	CHECK_STREQ(calls, "");
}

UNIT_TEST(value_missing)
{
	CHECK_EQ(parse("loglevel"), 1);
	CHECK_STREQ(warns, "parameter 'loglevel' needs a value\n");
	CHECK_STREQ(calls, "");
}

UNIT_TEST(value_rejected_by_handler)
{
	CHECK_EQ(parse("loglevel=abc loglevel=5 debug"), 2);
	CHECK_STREQ(warns, "invalid value for 'loglevel': 'abc'\n"
			   "parameter 'debug' was rejected\n");
	CHECK_STREQ(calls, "loglevel(5)debug");
}

UNIT_TEST(unterminated_quote)
{
	CHECK_EQ(parse("quiet init=\"/bin/sh -l"), 1);
	CHECK_STREQ(warns, "unterminated quote in 'init=\"/bin/sh -l'\n");
	CHECK_STREQ(calls, "quiet");
}

UNIT_TEST(word_length_limit)
{
	char line[CMDLINE_WORD_MAX + 64];
	char want[CMDLINE_WORD_MAX + 80];

	/* Exactly CMDLINE_WORD_MAX characters: accepted. */
	strcpy(line, "init=");
	memset(line + 5, 'v', CMDLINE_WORD_MAX - 5);
	line[CMDLINE_WORD_MAX] = '\0';
	CHECK_EQ(parse(line), 0);
	snprintf(want, sizeof(want), "init(%s)", line + 5);
	CHECK_STREQ(calls, want);

	/* One more: refused, with the start of the word quoted. */
	strcat(line, "v quiet");
	CHECK_EQ(parse(line), 1);
	CHECK_STREQ(warns, "parameter 'init=vvvvvvvvvvvvvvvvvvvvvvvvvvv...' longer than 256 "
			   "characters ignored\n");
	CHECK_STREQ(calls, "quiet");

	/* A long quoted value: the blank inside the quotes does not end it. */
	memset(line, 'w', sizeof(line));
	memcpy(line, "init=\"", 6);
	line[100] = ' ';
	memcpy(line + CMDLINE_WORD_MAX + 10, "\" quiet", 8);
	CHECK_EQ(parse(line), 1);
	CHECK_STREQ(calls, "quiet");
}

UNIT_TEST(many_problems_in_one_line)
{
	CHECK_EQ(parse("a=1 quiet =2 loglevel loglevel=x init=ok quiet=y \"b"), 6);
	CHECK_EQ(nr_warns, 6);
	CHECK_STREQ(calls, "quietinit(ok)");
	CHECK_STREQ(warns, "unknown parameter 'a' ignored\n"
			   "malformed parameter '=2' ignored (empty name)\n"
			   "parameter 'loglevel' needs a value\n"
			   "invalid value for 'loglevel': 'x'\n"
			   "parameter 'quiet' takes no value; 'quiet=y' ignored\n"
			   "unterminated quote in '\"b'\n");
}

UNIT_TEST(no_warn_callback_still_counts)
{
	calls[0] = '\0';
	CHECK_EQ(cmdline_parse("x y quiet", params, params + ARRAY_SIZE(params), NULL, NULL), 2);
	CHECK_STREQ(calls, "quiet");
}

UNIT_TEST(empty_table)
{
	CHECK_EQ(cmdline_parse("quiet", params, params, record_warn, warns), 1);
}

/* ---- cmdline_parse_boot: the linker-section table and klog ---- */

static char klog_text[1024];
static int klog_level;

void klog(int level, const char *fmt, ...)
{
	va_list ap;

	klog_level = level;
	va_start(ap, fmt);
	vsnprintf(klog_text, sizeof(klog_text), fmt, ap);
	va_end(ap);
}

static int boot_flag_seen;

static int set_unit_boot_flag(const char *val)
{
	boot_flag_seen += val == NULL;
	return 0;
}
CMDLINE_PARAM("unit_boot_flag", set_unit_boot_flag, CMDLINE_FLAG);

UNIT_TEST(boot_table_comes_from_the_section)
{
	boot_flag_seen = 0;
	klog_text[0] = '\0';
	CHECK_EQ(cmdline_parse_boot("unit_boot_flag"), 0);
	CHECK_EQ(boot_flag_seen, 1);
	CHECK_STREQ(klog_text, "");

	CHECK_EQ(cmdline_parse_boot("unit_boot_flag=1"), 1);
	CHECK_EQ(boot_flag_seen, 1);
	CHECK_EQ(klog_level, KLOG_WARN);
	CHECK_STREQ(klog_text, "cmdline: parameter 'unit_boot_flag' takes no value; "
			       "'unit_boot_flag=1' ignored");
}
