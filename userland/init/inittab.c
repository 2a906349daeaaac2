/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inittab.c - parse /etc/inittab (busybox's format, see inittab.h) and turn
 * an entry into execve arguments. Pure string handling: no system calls, no
 * allocation, so the same file builds with musl for init and with the host
 * compiler for the unit tests. Every rejected line gets a message that names
 * the offending field.
 */
#include <stdio.h>
#include <string.h>

#include "inittab.h"

static const char *const action_names[] = {
	[INITTAB_SYSINIT] = "sysinit",
	[INITTAB_WAIT] = "wait",
	[INITTAB_ONCE] = "once",
	[INITTAB_RESPAWN] = "respawn",
	[INITTAB_ASKFIRST] = "askfirst",
	[INITTAB_SHUTDOWN] = "shutdown",
	[INITTAB_CTRLALTDEL] = "ctrlaltdel",
	[INITTAB_RESTART] = "restart",
};

#define NR_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

/* Characters that make a command need /bin/sh -c (busybox's set plus '#'). */
static const char shell_chars[] = "~`!$^&*()=|\\{}[];\"'<>?#";

const char *inittab_action_name(enum inittab_action a)
{
	if ((unsigned int)a >= NR_ACTIONS)
		return "?";
	return action_names[a];
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Find the next ':' in [p, end), or NULL. */
static const char *find_colon(const char *p, const char *end)
{
	return memchr(p, ':', (size_t)(end - p));
}

static int parse_action(const char *s, size_t n, enum inittab_action *a)
{
	for (unsigned int i = 0; i < NR_ACTIONS; i++) {
		if (strlen(action_names[i]) == n && memcmp(action_names[i], s, n) == 0) {
			*a = (enum inittab_action)i;
			return 0;
		}
	}
	return -1;
}

/* Validate the id field [s, s+n) and store it (without "/dev/") in e->id. */
static int parse_id(const char *s, size_t n, struct inittab_entry *e, char *err, size_t errsz)
{
	if (n >= 5 && memcmp(s, "/dev/", 5) == 0) {
		s += 5;
		n -= 5;
		if (n == 0) {
			snprintf(err, errsz, "tty name '/dev/' names no device");
			return -1;
		}
	}
	if (n > INITTAB_ID_MAX) {
		snprintf(err, errsz, "tty name '%.*s...' is longer than %d characters", 20, s,
			 INITTAB_ID_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i])) {
			snprintf(err, errsz, "tty name '%.*s' contains a blank", (int)n, s);
			return -1;
		}
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.') {
			snprintf(err, errsz, "tty name '%.*s' must name a device under /dev",
				 (int)n, s);
			return -1;
		}
	}
	memcpy(e->id, s, n);
	e->id[n] = '\0';
	return 0;
}

int inittab_parse_line(const char *line, size_t len, struct inittab_entry *e, char *err,
		       size_t errsz)
{
	const char *p = line, *end = line + len, *c1, *c2, *c3;
	enum inittab_action action;

	err[0] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		end--;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if ((size_t)(end - line) > INITTAB_LINE_MAX) {
		snprintf(err, errsz, "line is longer than %d characters", INITTAB_LINE_MAX);
		return -1;
	}
	if (memchr(p, '\0', (size_t)(end - p))) {
		snprintf(err, errsz, "line contains a NUL byte");
		return -1;
	}

	c1 = find_colon(p, end);
	c2 = c1 ? find_colon(c1 + 1, end) : NULL;
	c3 = c2 ? find_colon(c2 + 1, end) : NULL;
	if (!c3) {
		snprintf(err, errsz,
			 "expected <id>:<runlevels>:<action>:<process>, found %d of the 3 ':'",
			 c2   ? 2
			 : c1 ? 1
			      : 0);
		return -1;
	}

	memset(e, 0, sizeof(*e));
	if (parse_id(p, (size_t)(c1 - p), e, err, errsz))
		return -1;
	if (c3 == c2 + 1) {
		snprintf(err, errsz, "missing action (the third field)");
		return -1;
	}
	if (parse_action(c2 + 1, (size_t)(c3 - c2 - 1), &action)) {
		snprintf(err, errsz,
			 "unknown action '%.*s' (expected sysinit, wait, once, respawn, askfirst, "
			 "shutdown, ctrlaltdel or restart)",
			 (int)(c3 - c2 - 1 > 20 ? 20 : c3 - c2 - 1), c2 + 1);
		return -1;
	}
	e->action = action;

	p = c3 + 1;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p < end && *p == '-') {
		e->login = true;
		p++;
		while (p < end && is_blank(*p))
			p++;
	}
	if (p == end) {
		snprintf(err, errsz, "missing process (the fourth field)");
		return -1;
	}
	memcpy(e->process, p, (size_t)(end - p));
	e->process[end - p] = '\0';
	return 1;
}

unsigned int inittab_parse(const char *text, size_t len, struct inittab *tab,
			   inittab_report_fn report, void *ctx)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0, added = 0;
	char err[INITTAB_ERR_MAX];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct inittab_entry e;
		int r;

		lineno++;
		r = inittab_parse_line(p, n, &e, err, sizeof(err));
		p += n + (nl ? 1 : 0);
		if (r < 0) {
			if (report)
				report(ctx, lineno, err);
			continue;
		}
		if (r == 0)
			continue;
		if (tab->n == INITTAB_MAX_ENTRIES) {
			if (report) {
				snprintf(err, sizeof(err), "more than %d entries",
					 INITTAB_MAX_ENTRIES);
				report(ctx, lineno, err);
			}
			continue;
		}
		e.lineno = lineno;
		tab->entries[tab->n++] = e;
		added++;
	}
	return added;
}

static void add_builtin(struct inittab *tab, enum inittab_action action, bool login,
			const char *process)
{
	struct inittab_entry *e;

	if (tab->n == INITTAB_MAX_ENTRIES)
		return;
	e = &tab->entries[tab->n++];
	memset(e, 0, sizeof(*e));
	e->action = action;
	e->login = login;
	snprintf(e->process, sizeof(e->process), "%s", process);
}

void inittab_default(struct inittab *tab, bool have_rcs)
{
	tab->n = 0;
	if (have_rcs)
		add_builtin(tab, INITTAB_SYSINIT, false, "/etc/init.d/rcS");
	add_builtin(tab, INITTAB_RESPAWN, true, "/bin/sh");
}

bool inittab_needs_shell(const char *cmd)
{
	return strpbrk(cmd, shell_chars) != NULL;
}

int inittab_build_argv(const struct inittab_entry *e, struct inittab_argv *a, char *err,
		       size_t errsz)
{
	const char *prefix = e->login ? "-" : "";
	const char *cmd = e->process + strspn(e->process, " \t");
	size_t plen = strlen(prefix), n = strlen(cmd);
	int argc = 0;
	char *p;

	err[0] = '\0';
	memset(a, 0, sizeof(*a));
	if (n == 0) {
		snprintf(err, errsz, "empty command");
		return -1;
	}

	if (inittab_needs_shell(cmd)) {
		/* buf = "[-]/bin/sh\0-c\0<process>\0" */
		static const char sh[] = "/bin/sh";

		if (plen + sizeof(sh) + 3 + n + 1 > sizeof(a->buf)) {
			snprintf(err, errsz, "command is too long");
			return -1;
		}
		p = a->buf;
		a->argv[0] = p;
		p += sprintf(p, "%s%s", prefix, sh) + 1;
		a->argv[1] = p;
		p += sprintf(p, "-c") + 1;
		a->argv[2] = p;
		memcpy(p, cmd, n + 1);
		a->argv[3] = NULL;
		a->path = a->argv[0] + plen;
		return 0;
	}

	if (plen + n + 1 > sizeof(a->buf)) {
		snprintf(err, errsz, "command is too long");
		return -1;
	}
	memcpy(a->buf, prefix, plen);
	memcpy(a->buf + plen, cmd, n + 1);
	/* The '-' prefix is glued to the first word, so splitting skips it. */
	p = a->buf + plen;
	for (;;) {
		while (is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == INITTAB_ARGV_MAX) {
			snprintf(err, errsz, "more than %d words in the command", INITTAB_ARGV_MAX);
			return -1;
		}
		a->argv[argc] = argc == 0 ? a->buf : p;
		argc++;
		while (*p && !is_blank(*p))
			p++;
	}
	a->argv[argc] = NULL;
	a->path = a->argv[0] + plen;
	return 0;
}
