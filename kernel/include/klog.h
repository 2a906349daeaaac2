/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klog.h - the kernel log.
 *
 * Every message goes into a ring buffer of records (sequence number, time
 * since boot, level, text) that dmesg reads, and to the console when its
 * level is at or below the console log level (cmdline "loglevel=N", "quiet"
 * = warnings and errors only). When the ring is full the oldest records are
 * overwritten and counted as dropped.
 */
#ifndef MATRIOSKA_KLOG_H
#define MATRIOSKA_KLOG_H

#include "types.h"

enum klog_level {
	KLOG_EMERG = 0, /* unused so far; kept for the Linux numbering */
	KLOG_ERR = 3,
	KLOG_WARN = 4,
	KLOG_INFO = 6,
	KLOG_DEBUG = 7,
};

#define KLOG_MSG_MAX 240

void klog(int level, const char *fmt, ...) __printf(2, 3);
void vklog(int level, const char *fmt, va_list ap) __printf(2, 0);

#define pr_err(...) klog(KLOG_ERR, __VA_ARGS__)
#define pr_warn(...) klog(KLOG_WARN, __VA_ARGS__)
#define pr_info(...) klog(KLOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(KLOG_DEBUG, __VA_ARGS__)

/* Print straight to the console, bypassing the ring (panic, ktest TAP). */
void kprintf(const char *fmt, ...) __printf(1, 2);
void vkprintf(const char *fmt, va_list ap) __printf(1, 0);

int klog_console_level(void);
void klog_set_console_level(int level);

/* A record as dmesg sees it. */
struct klog_record {
	u64 seq;
	u64 time_ns;
	int level;
	char text[KLOG_MSG_MAX + 1];
};

/*
 * Copy the record with the smallest sequence number >= *seq into rec and set
 * *seq past it. Returns false when there is none. Records overwritten before
 * they were read are skipped (their count is in klog_dropped()).
 */
bool klog_read(u64 *seq, struct klog_record *rec);
u64 klog_dropped(void);

#endif
