/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline.h - kernel command line parameters.
 *
 * A subsystem declares a parameter next to the code that uses it:
 *
 *     static int set_loglevel(const char *val) { ... return 0 or -EINVAL; }
 *     CMDLINE_PARAM("loglevel", set_loglevel, CMDLINE_VALUE);
 *
 * The command line is a list of space-separated words: key=value or a bare
 * flag. A value may be double-quoted to contain spaces (init="/bin/sh -l").
 * Unknown keys are warned about; malformed words (empty key, a value given to
 * a flag, a flag given without the value it needs, a value its handler
 * rejects, an unterminated quote) are ignored with a warning.
 */
#ifndef MATRIOSKA_CMDLINE_H
#define MATRIOSKA_CMDLINE_H

#include "types.h"

enum cmdline_kind {
	CMDLINE_FLAG,  /* bare word; handler gets val == NULL */
	CMDLINE_VALUE, /* key=value; handler gets the value (may be "") */
};

struct cmdline_param {
	const char *name;
	int (*set)(const char *val); /* 0, or -EINVAL to reject the value */
	u32 kind;		     /* enum cmdline_kind */
};

#define CMDLINE_PARAM(pname, fn, k)                                                         \
	static const struct cmdline_param __cmdline_##fn __used __section("cmdline_params") \
		__aligned(8) = {pname, fn, k}

/* Warning callback: one complete human-readable message per call. */
typedef void (*cmdline_warn_t)(void *ctx, const char *msg);

/*
 * Parse cmdline against the parameter table [begin, end). Calls handlers in
 * order of appearance. Words longer than CMDLINE_WORD_MAX are malformed.
 * Returns the number of warnings issued.
 */
#define CMDLINE_WORD_MAX 256
int cmdline_parse(const char *cmdline, const struct cmdline_param *begin,
		  const struct cmdline_param *end, cmdline_warn_t warn, void *ctx);

/* Parse the boot command line against every CMDLINE_PARAM in the image, warning via klog. */
int cmdline_parse_boot(const char *cmdline);
/* The line cmdline_parse_boot() was given, cut at CMDLINE_SAVED_MAX - 1 bytes ("" before). */
#define CMDLINE_SAVED_MAX 1024
const char *cmdline_boot_string(void);

#endif
