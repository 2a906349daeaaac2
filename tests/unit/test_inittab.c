/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_inittab.c - host tests for init's /etc/inittab parser
 * (userland/init/inittab.c): valid lines of every action, comments and
 * blank lines, the exact message for each kind of malformed line, whole
 * files with line numbers, the built-in default, building argv (directly
 * or through /bin/sh -c, login '-' prefix), and the respawn rate limit
 * (userland/init/respawn.c). A fuzz loop feeds random lines to the parser.
 */
#include <stdio.h>
#include <string.h>

#include "inittab.h"
#include "respawn.h"
#include "unit.h"

static struct inittab_entry ent;
static char err[INITTAB_ERR_MAX];

static int parse(const char *line)
{
	memset(&ent, 0x5a, sizeof(ent));
	return inittab_parse_line(line, strlen(line), &ent, err, sizeof(err));
}

/* Does err contain want? Prints the message when it does not. */
static int err_has(const char *want)
{
	if (strstr(err, want))
		return 1;
	fprintf(stderr, "# error message was: \"%s\"\n", err);
	return 0;
}

UNIT_TEST(inittab_console_sysinit)
{
	CHECK_EQ(parse("::sysinit:/etc/init.d/rcS"), 1);
	CHECK_STREQ(ent.id, "");
	CHECK_EQ(ent.action, INITTAB_SYSINIT);
	CHECK(!ent.login);
	CHECK_STREQ(ent.process, "/etc/init.d/rcS");
	CHECK_STREQ(err, "");
}

UNIT_TEST(inittab_tty_login_respawn)
{
	CHECK_EQ(parse("ttyS0::respawn:-/bin/sh"), 1);
	CHECK_STREQ(ent.id, "ttyS0");
	CHECK_EQ(ent.action, INITTAB_RESPAWN);
	CHECK(ent.login);
	CHECK_STREQ(ent.process, "/bin/sh");
}

UNIT_TEST(inittab_dev_prefix_and_runlevels)
{
	CHECK_EQ(parse("/dev/tty1:2345:askfirst:/bin/login -f root"), 1);
	CHECK_STREQ(ent.id, "tty1");
	CHECK_EQ(ent.action, INITTAB_ASKFIRST);
	CHECK_STREQ(ent.process, "/bin/login -f root");
}

UNIT_TEST(inittab_process_keeps_colons_and_is_trimmed)
{
	CHECK_EQ(parse("  ::once:   /bin/echo a:b:c  \t\r"), 1);
	CHECK_EQ(ent.action, INITTAB_ONCE);
	CHECK_STREQ(ent.process, "/bin/echo a:b:c");
	CHECK_EQ(parse("::wait:- /bin/sh"), 1);
	CHECK(ent.login);
	CHECK_STREQ(ent.process, "/bin/sh");
}

UNIT_TEST(inittab_every_action_name)
{
	static const char *const names[] = {"sysinit",	"wait",	    "once",	  "respawn",
					    "askfirst", "shutdown", "ctrlaltdel", "restart"};
	static const enum inittab_action want[] = {
		INITTAB_SYSINIT,  INITTAB_WAIT,	    INITTAB_ONCE,	INITTAB_RESPAWN,
		INITTAB_ASKFIRST, INITTAB_SHUTDOWN, INITTAB_CTRLALTDEL, INITTAB_RESTART};
	char line[64];

	for (int i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "::%s:/bin/true", names[i]);
		CHECK_EQ(parse(line), 1);
		CHECK_EQ(ent.action, want[i]);
		CHECK_STREQ(inittab_action_name(want[i]), names[i]);
	}
	CHECK_STREQ(inittab_action_name((enum inittab_action)99), "?");
	/* Action names are exact: no case folding, no prefixes. */
	CHECK_EQ(parse("::Respawn:/bin/sh"), -1);
	CHECK_EQ(parse("::respawnx:/bin/sh"), -1);
	CHECK_EQ(parse("::respaw:/bin/sh"), -1);
}

UNIT_TEST(inittab_comments_and_blank_lines)
{
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(parse("   \t "), 0);
	CHECK_EQ(parse("\r"), 0);
	CHECK_EQ(parse("# ::respawn:/bin/sh"), 0);
	CHECK_EQ(parse("\t  #comment"), 0);
	CHECK_STREQ(err, "");
}

UNIT_TEST(inittab_unknown_action)
{
	CHECK_EQ(parse("::sometimes:/bin/sh"), -1);
	CHECK(err_has("unknown action 'sometimes' (expected sysinit, wait, once, respawn, "
		      "askfirst, shutdown, ctrlaltdel or restart)"));
}

UNIT_TEST(inittab_missing_action)
{
	CHECK_EQ(parse(":::/bin/sh"), -1);
	CHECK_STREQ(err, "missing action (the third field)");
}

UNIT_TEST(inittab_missing_fields)
{
	CHECK_EQ(parse("just some words"), -1);
	CHECK_STREQ(err, "expected <id>:<runlevels>:<action>:<process>, found 0 of the 3 ':'");
	CHECK_EQ(parse("tty1:"), -1);
	CHECK_STREQ(err, "expected <id>:<runlevels>:<action>:<process>, found 1 of the 3 ':'");
	CHECK_EQ(parse("::respawn"), -1);
	CHECK_STREQ(err, "expected <id>:<runlevels>:<action>:<process>, found 2 of the 3 ':'");
}

UNIT_TEST(inittab_missing_process)
{
	CHECK_EQ(parse("::respawn:"), -1);
	CHECK_STREQ(err, "missing process (the fourth field)");
	CHECK_EQ(parse("::respawn:   \t"), -1);
	CHECK_STREQ(err, "missing process (the fourth field)");
	CHECK_EQ(parse("::respawn:-"), -1);
	CHECK_STREQ(err, "missing process (the fourth field)");
}

UNIT_TEST(inittab_overlong_line)
{
	char line[INITTAB_LINE_MAX + 2];
	size_t fixed = strlen("::once:/");

	/* Exactly INITTAB_LINE_MAX characters: accepted, process kept whole. */
	memcpy(line, "::once:/", fixed);
	memset(line + fixed, 'a', INITTAB_LINE_MAX - fixed);
	line[INITTAB_LINE_MAX] = '\0';
	CHECK_EQ(parse(line), 1);
	CHECK_EQ(strlen(ent.process), INITTAB_LINE_MAX - strlen("::once:"));
	/* One more: rejected with the limit in the message. */
	line[INITTAB_LINE_MAX] = 'a';
	line[INITTAB_LINE_MAX + 1] = '\0';
	CHECK_EQ(parse(line), -1);
	CHECK_STREQ(err, "line is longer than 255 characters");
}

UNIT_TEST(inittab_bad_tty_names)
{
	CHECK_EQ(parse("abcdefghijklmnopqrstuvwxyz01234::respawn:/bin/sh"), 1);	  /* 31 */
	CHECK_EQ(parse("abcdefghijklmnopqrstuvwxyz012345::respawn:/bin/sh"), -1); /* 32 */
	CHECK(err_has("is longer than 31 characters"));
	CHECK_EQ(parse("tty 1::respawn:/bin/sh"), -1);
	CHECK_STREQ(err, "tty name 'tty 1' contains a blank");
	CHECK_EQ(parse("../etc/passwd::respawn:/bin/sh"), -1);
	CHECK_STREQ(err, "tty name '../etc/passwd' must name a device under /dev");
	CHECK_EQ(parse("/dev/::respawn:/bin/sh"), -1);
	CHECK_STREQ(err, "tty name '/dev/' names no device");
}

UNIT_TEST(inittab_nul_byte)
{
	static const char line[] = "::once:/bin/a\0b";

	CHECK_EQ(inittab_parse_line(line, sizeof(line) - 1, &ent, err, sizeof(err)), -1);
	CHECK_STREQ(err, "line contains a NUL byte");
}

/* Reports collected as "N:message" lines. */
static char reports[4096];

static void collect(void *ctx, unsigned int lineno, const char *msg)
{
	size_t n = strlen(reports);

	CHECK(ctx == reports);
	snprintf(reports + n, sizeof(reports) - n, "%u:%s\n", lineno, msg);
}

UNIT_TEST(inittab_whole_file_reports_line_numbers)
{
	static const char text[] = "# Matrioska\n"
				   "\n"
				   "::sysinit:/etc/init.d/rcS\r\n"
				   "::bogus:/bin/x\n"
				   "ttyS1::respawn:-/bin/sh\n"
				   "no colons here\n"
				   "::shutdown:/bin/sync"; /* no final newline */
	static struct inittab tab;
	unsigned int n;

	reports[0] = '\0';
	tab.n = 0;
	n = inittab_parse(text, strlen(text), &tab, collect, reports);
	CHECK_EQ(n, 3);
	CHECK_EQ(tab.n, 3);
	CHECK_EQ(tab.entries[0].action, INITTAB_SYSINIT);
	CHECK_EQ(tab.entries[0].lineno, 3);
	CHECK_STREQ(tab.entries[0].process, "/etc/init.d/rcS");
	CHECK_EQ(tab.entries[1].lineno, 5);
	CHECK_STREQ(tab.entries[1].id, "ttyS1");
	CHECK_EQ(tab.entries[2].action, INITTAB_SHUTDOWN);
	CHECK_EQ(tab.entries[2].lineno, 7);
	CHECK_STREQ(tab.entries[2].process, "/bin/sync");
	CHECK_STREQ(reports, "4:unknown action 'bogus' (expected sysinit, wait, once, respawn, "
			     "askfirst, shutdown, ctrlaltdel or restart)\n"
			     "6:expected <id>:<runlevels>:<action>:<process>, found 0 of the 3 "
			     "':'\n");
}

UNIT_TEST(inittab_overlong_line_in_file_is_skipped)
{
	static char text[1024];
	static struct inittab tab;
	size_t n = 0;

	n += (size_t)sprintf(text + n, "::once:/");
	memset(text + n, 'x', 300);
	n += 300;
	n += (size_t)sprintf(text + n, "\n::respawn:/bin/sh\n");
	reports[0] = '\0';
	tab.n = 0;
	CHECK_EQ(inittab_parse(text, n, &tab, collect, reports), 1);
	CHECK_EQ(tab.entries[0].lineno, 2);
	CHECK_STREQ(reports, "1:line is longer than 255 characters\n");
}

UNIT_TEST(inittab_too_many_entries)
{
	static char text[8192];
	static struct inittab tab;
	size_t n = 0;

	for (int i = 0; i < INITTAB_MAX_ENTRIES + 2; i++)
		n += (size_t)sprintf(text + n, "::once:/bin/echo %d\n", i);
	reports[0] = '\0';
	tab.n = 0;
	CHECK_EQ(inittab_parse(text, n, &tab, collect, reports), INITTAB_MAX_ENTRIES);
	CHECK_EQ(tab.n, INITTAB_MAX_ENTRIES);
	CHECK_STREQ(tab.entries[INITTAB_MAX_ENTRIES - 1].process, "/bin/echo 31");
	CHECK_STREQ(reports, "33:more than 32 entries\n34:more than 32 entries\n");
	/* A NULL report function is allowed. */
	tab.n = 0;
	CHECK_EQ(inittab_parse("junk\n::once:/x\n", 15, &tab, NULL, NULL), 1);
}

UNIT_TEST(inittab_builtin_default)
{
	static struct inittab tab;

	tab.n = 7;
	inittab_default(&tab, true);
	CHECK_EQ(tab.n, 2);
	CHECK_EQ(tab.entries[0].action, INITTAB_SYSINIT);
	CHECK_STREQ(tab.entries[0].process, "/etc/init.d/rcS");
	CHECK_EQ(tab.entries[1].action, INITTAB_RESPAWN);
	CHECK(tab.entries[1].login);
	CHECK_STREQ(tab.entries[1].process, "/bin/sh");
	CHECK_STREQ(tab.entries[1].id, "");
	inittab_default(&tab, false);
	CHECK_EQ(tab.n, 1);
	CHECK_EQ(tab.entries[0].action, INITTAB_RESPAWN);
}

UNIT_TEST(inittab_shell_metacharacters)
{
	CHECK(!inittab_needs_shell("/bin/sh"));
	CHECK(!inittab_needs_shell("/bin/ls -l /tmp"));
	CHECK(inittab_needs_shell("echo $HOME"));
	CHECK(inittab_needs_shell("echo hi > /dev/null"));
	CHECK(inittab_needs_shell("a; b"));
	CHECK(inittab_needs_shell("echo 'quoted'"));
	CHECK(inittab_needs_shell("FOO=1 prog"));
	CHECK(inittab_needs_shell("ls *"));
}

static struct inittab_argv av;

static int build(const char *process, bool login)
{
	memset(&ent, 0, sizeof(ent));
	snprintf(ent.process, sizeof(ent.process), "%s", process);
	ent.login = login;
	return inittab_build_argv(&ent, &av, err, sizeof(err));
}

UNIT_TEST(inittab_argv_split_on_blanks)
{
	CHECK_EQ(build("/bin/echo  a \t b", false), 0);
	CHECK_STREQ(av.path, "/bin/echo");
	CHECK_STREQ(av.argv[0], "/bin/echo");
	CHECK_STREQ(av.argv[1], "a");
	CHECK_STREQ(av.argv[2], "b");
	CHECK(av.argv[3] == NULL);
}

UNIT_TEST(inittab_argv_login_prefix)
{
	CHECK_EQ(build("/bin/sh", true), 0);
	CHECK_STREQ(av.path, "/bin/sh");
	CHECK_STREQ(av.argv[0], "-/bin/sh");
	CHECK(av.argv[1] == NULL);
	CHECK_EQ(build("  /bin/sh -i", true), 0);
	CHECK_STREQ(av.argv[0], "-/bin/sh");
	CHECK_STREQ(av.argv[1], "-i");
	CHECK_STREQ(av.path, "/bin/sh");
}

UNIT_TEST(inittab_argv_through_the_shell)
{
	CHECK_EQ(build("echo hi > /dev/null", false), 0);
	CHECK_STREQ(av.path, "/bin/sh");
	CHECK_STREQ(av.argv[0], "/bin/sh");
	CHECK_STREQ(av.argv[1], "-c");
	CHECK_STREQ(av.argv[2], "echo hi > /dev/null");
	CHECK(av.argv[3] == NULL);
	CHECK_EQ(build("exec /bin/sh </dev/ttyS1", true), 0);
	CHECK_STREQ(av.argv[0], "-/bin/sh");
	CHECK_STREQ(av.path, "/bin/sh");
}

UNIT_TEST(inittab_argv_errors)
{
	char cmd[INITTAB_LINE_MAX];
	size_t n = 0;

	CHECK_EQ(build("   ", false), -1);
	CHECK_STREQ(err, "empty command");
	for (int i = 0; i < INITTAB_ARGV_MAX; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "w ");
	CHECK_EQ(build(cmd, false), 0); /* exactly the maximum */
	CHECK_STREQ(av.argv[INITTAB_ARGV_MAX - 1], "w");
	CHECK(av.argv[INITTAB_ARGV_MAX] == NULL);
	snprintf(cmd + n, sizeof(cmd) - n, "w");
	CHECK_EQ(build(cmd, false), -1);
	CHECK_STREQ(err, "more than 32 words in the command");
	/* The longest process plus the shell prefix still fits. */
	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[0] = '$';
	cmd[sizeof(cmd) - 1] = '\0';
	CHECK_EQ(build(cmd, true), 0);
	CHECK_EQ(strlen(av.argv[2]), INITTAB_LINE_MAX - 1);
}

UNIT_TEST(respawn_five_fast_restarts_then_a_pause)
{
	struct respawn_limit r = {0};
	long long t = 1000000;

	for (int i = 0; i < RESPAWN_BURST; i++) {
		CHECK_EQ(respawn_delay_ms(&r, t), 0);
		respawn_note_restart(&r, t);
		t += 100;
	}
	/* The sixth restart within 10 s waits 5 s; asking does not change state. */
	CHECK_EQ(respawn_delay_ms(&r, t), RESPAWN_PAUSE_MS);
	CHECK_EQ(respawn_delay_ms(&r, t), RESPAWN_PAUSE_MS);
	/* Once the oldest restart is 10 s old, no pause. */
	CHECK_EQ(respawn_delay_ms(&r, 1000000 + RESPAWN_WINDOW_MS - 1), RESPAWN_PAUSE_MS);
	CHECK_EQ(respawn_delay_ms(&r, 1000000 + RESPAWN_WINDOW_MS), 0);
}

UNIT_TEST(respawn_slow_restarts_never_pause)
{
	struct respawn_limit r = {0};

	/* One restart every 2.5 s: at most four fall in any 10 s window. */
	for (long long t = 0; t < 200000; t += 2500) {
		CHECK_EQ(respawn_delay_ms(&r, t), 0);
		respawn_note_restart(&r, t);
	}
}

UNIT_TEST(respawn_keeps_pausing_a_crash_loop)
{
	struct respawn_limit r = {0};
	long long times[40], t = 0;
	int most = 0;

	/* A program that dies 10 ms after each start: restart unless told to wait. */
	for (int i = 0; i < 40; i++) {
		t += respawn_delay_ms(&r, t);
		times[i] = t;
		respawn_note_restart(&r, t);
		t += 10;
	}
	/* The burst is immediate, the sixth restart waits. */
	CHECK_EQ(times[4], 40);
	CHECK_EQ(times[5], 50 + RESPAWN_PAUSE_MS);
	/* No 10 s window holds more than the burst plus the delayed restart... */
	for (int i = 0; i < 40; i++) {
		int n = 0;

		for (int j = i; j < 40 && times[j] < times[i] + RESPAWN_WINDOW_MS; j++)
			n++;
		if (n > most)
			most = n;
	}
	CHECK(most <= RESPAWN_BURST + 1);
	/* ...and on average there are at most RESPAWN_BURST per window. */
	CHECK(times[39] >= (40 / RESPAWN_BURST - 1) * RESPAWN_WINDOW_MS);
}

/* Deterministic xorshift so a failure reproduces. */
static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned int next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)rng;
}

UNIT_TEST(inittab_fuzz_lines)
{
	static const char alphabet[] = "::::-#/ \t\r\nabsyinwtrepawkfd0\0";
	char line[INITTAB_LINE_MAX + 40];

	for (int iter = 0; iter < 200000; iter++) {
		size_t len = next_rand() % sizeof(line);
		int r;

		for (size_t i = 0; i < len; i++)
			line[i] = (next_rand() & 7) ? alphabet[next_rand() % (sizeof(alphabet) - 1)]
						    : (char)next_rand();
		/* Sometimes a valid prefix, so deeper paths are reached. */
		if (len > 12 && (iter & 3) == 0)
			memcpy(line, "::respawn:-/", 12);
		r = inittab_parse_line(line, len, &ent, err, sizeof(err));
		CHECK(r >= -1 && r <= 1);
		CHECK((r == -1) == (err[0] != '\0'));
		if (r == 1) {
			CHECK(strlen(ent.id) <= INITTAB_ID_MAX);
			CHECK(ent.process[0] != '\0');
			CHECK(strlen(ent.process) <= INITTAB_LINE_MAX);
			if (inittab_build_argv(&ent, &av, err, sizeof(err)) == 0)
				CHECK(av.path != NULL && av.argv[0] != NULL && av.path[0] != '-');
			else
				CHECK(err[0] != '\0');
		}
	}
}
