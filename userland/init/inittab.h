/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inittab.h - the /etc/inittab parser of Matrioska's init, kept free of
 * system calls so it can be tested on the host (tests/unit/test_inittab.c).
 *
 * The format is busybox init's: one entry per line,
 *
 *     <id>:<runlevels>:<action>:<process>
 *
 * <id> is a tty name under /dev ("ttyS0", "/dev/ttyS0" is accepted too) or
 * empty for the console; <runlevels> is ignored; <action> is one of sysinit,
 * wait, once, respawn, askfirst, shutdown, ctrlaltdel, restart; <process> is
 * everything after the third ':' (it may contain ':'), and a leading '-'
 * asks for a login shell (argv[0] gets a '-' prefix). Blank lines and lines
 * whose first non-blank character is '#' are ignored.
 *
 * Also here: turning an entry into an argv (through /bin/sh -c when the
 * command has shell metacharacters) and the respawn rate limit.
 */
#ifndef MATRIOSKA_INIT_INITTAB_H
#define MATRIOSKA_INIT_INITTAB_H

#include <stdbool.h>
#include <stddef.h>

#define INITTAB_LINE_MAX 255   /* longest accepted line, without its newline */
#define INITTAB_ID_MAX 31      /* longest tty name, without "/dev/" */
#define INITTAB_MAX_ENTRIES 32 /* entries kept; later ones are reported and dropped */
#define INITTAB_ARGV_MAX 32    /* words of a command run without the shell */
#define INITTAB_ERR_MAX 128    /* room for one error message */

enum inittab_action {
	INITTAB_SYSINIT,
	INITTAB_WAIT,
	INITTAB_ONCE,
	INITTAB_RESPAWN,
	INITTAB_ASKFIRST,
	INITTAB_SHUTDOWN,
	INITTAB_CTRLALTDEL,
	INITTAB_RESTART,
};

struct inittab_entry {
	char id[INITTAB_ID_MAX + 1]; /* tty under /dev; "" is the console */
	enum inittab_action action;
	bool login;			    /* process was written with a leading '-' */
	char process[INITTAB_LINE_MAX + 1]; /* the command, without the '-' */
	unsigned int lineno;		    /* 0 for built-in entries */
};

struct inittab {
	struct inittab_entry entries[INITTAB_MAX_ENTRIES];
	unsigned int n;
};

/* Called for every line that is skipped, with a message saying why. */
typedef void (*inittab_report_fn)(void *ctx, unsigned int lineno, const char *msg);

/*
 * Parse one line (len bytes, no newline; a trailing '\r' is ignored).
 * Returns 1 and fills *e for an entry, 0 for a blank or comment line, and -1
 * with a message in err (errsz bytes) for a malformed one.
 */
int inittab_parse_line(const char *line, size_t len, struct inittab_entry *e, char *err,
		       size_t errsz);

/*
 * Parse a whole file (len bytes, need not be NUL-terminated) into *tab,
 * appending to the entries already there. Malformed lines, overlong lines
 * and entries beyond INITTAB_MAX_ENTRIES are reported through report (may
 * be NULL) and skipped. Returns the number of entries added.
 */
unsigned int inittab_parse(const char *text, size_t len, struct inittab *tab,
			   inittab_report_fn report, void *ctx);

/*
 * The built-in inittab used when /etc/inittab is missing or has no usable
 * entry: "::sysinit:/etc/init.d/rcS" when have_rcs, and "::respawn:-/bin/sh".
 */
void inittab_default(struct inittab *tab, bool have_rcs);

/* "sysinit", "respawn", ... */
const char *inittab_action_name(enum inittab_action a);

/* Does cmd need /bin/sh -c (quotes, redirections, variables, globs, ...)? */
bool inittab_needs_shell(const char *cmd);

struct inittab_argv {
	const char *path; /* the program to execve */
	char *argv[INITTAB_ARGV_MAX + 1];
	char buf[INITTAB_LINE_MAX + 16]; /* argv strings point in here */
};

/*
 * Build the execve arguments for e into *a: ["/bin/sh", "-c", process] when
 * the command needs the shell, the blank-separated words otherwise. For a
 * login entry argv[0] gets a '-' prefix ("-/bin/sh", "-sh" for the shell
 * form). Returns 0, or -1 with a message in err (empty command, too many
 * words).
 */
int inittab_build_argv(const struct inittab_entry *e, struct inittab_argv *a, char *err,
		       size_t errsz);

#endif
