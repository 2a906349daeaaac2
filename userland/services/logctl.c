/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logctl.c - /bin/logctl: the command-line client of logd
 * (docs/design/services.md), through the nameserver and logd.rpc:
 *
 *   logctl show [-n N] [-s SOURCE] [-l LEVEL]   print the ring (the last N)
 *   logctl follow [-s SOURCE] [-l LEVEL]        print new records as they come
 *   logctl log [-s SOURCE] [-l LEVEL] TEXT...   log a message (default user, info)
 *   logctl filter -s SOURCE -l LEVEL|none       keep only SOURCE's records <= LEVEL
 *   logctl filters                              list the filters
 *
 * LEVEL is a syslog level name (emerg .. debug) or number 0..7; show and
 * follow print records at that level or more urgent. Exit status 0, or 1
 * with a message on stderr.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logd_rpc.h"
#include "svcbox.h"

#define LOOKUP_TIMEOUT 3000000000ull /* the nameserver may be restarting */
#define CALL_TIMEOUT 3000000000ull
#define FOLLOW_POLL_NS 200000000l

static const char *const level_names[8] = {"emerg",   "alert",	"crit", "err",
					   "warning", "notice", "info", "debug"};

static int usage(void)
{
	fprintf(stderr, "usage: logctl show [-n N] [-s SOURCE] [-l LEVEL]\n"
			"       logctl follow [-s SOURCE] [-l LEVEL]\n"
			"       logctl log [-s SOURCE] [-l LEVEL] TEXT...\n"
			"       logctl filter -s SOURCE -l LEVEL|none\n"
			"       logctl filters\n");
	return 1;
}

static int parse_level(const char *s)
{
	char *end;
	long n;

	if (strcmp(s, "none") == 0 || strcmp(s, "all") == 0)
		return 8;
	for (int i = 0; i < 8; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	n = strtol(s, &end, 10);
	return (*s && !*end && n >= 0 && n <= 7) ? (int)n : -1;
}

static int fail(const char *what, long err)
{
	fprintf(stderr, "logctl: %s: %s\n", what, strerror((int)-err));
	return 1;
}

static int connect_logd(void)
{
	int h = rpc_lookup("logd", LOOKUP_TIMEOUT);

	if (h < 0)
		fail("cannot find logd", h);
	return h;
}

/* Print records from *from on; 0, or -errno. */
static long print_from(int h, uint64_t *from, uint64_t level, const char *src)
{
	static char lines[M_MSG_MAX_DATA];
	long n;

	do {
		n = logd_read(h, CALL_TIMEOUT, *from, level, src, from, lines, sizeof(lines));
		if (n < 0)
			return n;
		fputs(lines, stdout);
	} while (n > 0);
	fflush(stdout);
	return 0;
}

int logctl_main(int argc, char **argv)
{
	const char *cmd, *src = "";
	long count = -1, r;
	int level = 7, opt, h;
	bool level_given = false;
	uint64_t from = 0;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "n:s:l:")) != -1) {
		switch (opt) {
		case 'n':
			count = strtol(optarg, NULL, 10);
			if (count < 0)
				return usage();
			break;
		case 's':
			src = optarg;
			break;
		case 'l':
			level = parse_level(optarg);
			if (level < 0)
				return usage();
			level_given = true;
			break;
		default:
			return usage();
		}
	}
	if (level == 8 && strcmp(cmd, "filter") != 0)
		level = 7;

	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "follow") == 0) {
		bool follow = cmd[0] == 'f';

		if (optind != argc)
			return usage();
		h = connect_logd();
		if (h < 0)
			return 1;
		if (count >= 0 || follow) {
			r = logd_tail(h, CALL_TIMEOUT, follow && count < 0 ? 0 : (uint64_t)count,
				      (uint64_t)level, src, &from);
			if (r < 0)
				return fail("tail", r);
		}
		for (;;) {
			struct timespec ts = {0, FOLLOW_POLL_NS};

			r = print_from(h, &from, (uint64_t)level, src);
			if (r == -EPIPE && follow) { /* logd restarted: find the new one */
				m_handle_close(h);
				h = connect_logd();
				if (h < 0)
					return 1;
				continue;
			}
			if (r < 0)
				return fail("read", r);
			if (!follow)
				return 0;
			nanosleep(&ts, NULL);
		}
	}
	if (strcmp(cmd, "log") == 0) {
		char text[1024] = "";
		uint64_t seq;
		size_t used = 0;

		if (optind >= argc)
			return usage();
		for (int i = optind; i < argc; i++) {
			int n = snprintf(text + used, sizeof(text) - used, "%s%s",
					 i > optind ? " " : "", argv[i]);
			if (n < 0 || (size_t)n >= sizeof(text) - used)
				break;
			used += (size_t)n;
		}
		h = connect_logd();
		if (h < 0)
			return 1;
		r = logd_log(h, CALL_TIMEOUT, level_given ? (uint64_t)level : 6,
			     src[0] ? src : "user", text, &seq);
		return r < 0 ? fail("log", r) : 0;
	}
	if (strcmp(cmd, "filter") == 0) {
		if (!src[0] || !level_given || optind != argc)
			return usage();
		h = connect_logd();
		if (h < 0)
			return 1;
		r = logd_filter(h, CALL_TIMEOUT, (uint64_t)level, src);
		return r < 0 ? fail("filter", r) : 0;
	}
	if (strcmp(cmd, "filters") == 0) {
		static char lines[M_MSG_MAX_DATA];

		h = connect_logd();
		if (h < 0)
			return 1;
		r = logd_filters(h, CALL_TIMEOUT, lines, sizeof(lines));
		if (r < 0)
			return fail("filters", r);
		fputs(lines, stdout);
		return 0;
	}
	return usage();
}
