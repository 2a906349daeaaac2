/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klog.c - the kernel log (see klog.h): a ring of fixed-size records that
 * dmesg reads, mirrored to the console for levels at or below the console
 * log level. Also the console printers kprintf/vkprintf, and the "loglevel=",
 * "quiet" and "debug" command-line parameters.
 *
 * Locking: the ring and next_seq are updated with interrupts disabled
 * (arch_irq_save); with SMP this becomes an IRQ-safe spinlock, klog_lock.
 * Invariant: slot seq % KLOG_RECORDS holds record seq for every seq in
 * [next_seq - KLOG_RECORDS, next_seq) that is >= 0.
 */
#include "klog.h"
#include "arch.h"
#include "cmdline.h"
#include "errno.h"
#include "lib.h"

#define KLOG_RECORDS 256

static struct klog_record ring[KLOG_RECORDS];
static u64 next_seq;
static int console_level = KLOG_INFO;

static void console_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	arch_console_write(s, n);
}

void vkprintf(const char *fmt, va_list ap)
{
	vcbprintf(console_out, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void vklog(int level, const char *fmt, va_list ap)
{
	struct klog_record *r;
	unsigned long flags;
	char text[KLOG_MSG_MAX + 1];
	int len = vsnprintf(text, sizeof(text), fmt, ap);

	if (len > KLOG_MSG_MAX)
		len = KLOG_MSG_MAX;
	flags = arch_irq_save();
	r = &ring[next_seq % KLOG_RECORDS];
	r->seq = next_seq++;
	r->time_ns = arch_clock_ns();
	r->level = level;
	memcpy(r->text, text, (size_t)len + 1);
	if (level <= console_level) {
		arch_console_write(text, (size_t)len);
		arch_console_write("\n", 1);
	}
	arch_irq_restore(flags);
}

void klog(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vklog(level, fmt, ap);
	va_end(ap);
}

bool klog_read(u64 *seq, struct klog_record *rec)
{
	unsigned long flags = arch_irq_save();
	bool found = false;
	u64 oldest = next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;

	if (*seq < oldest)
		*seq = oldest;
	if (*seq < next_seq) {
		*rec = ring[*seq % KLOG_RECORDS];
		*seq += 1;
		found = true;
	}
	arch_irq_restore(flags);
	return found;
}

u64 klog_dropped(void)
{
	return next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;
}

u64 klog_next_seq(void)
{
	return __atomic_load_n(&next_seq, __ATOMIC_RELAXED);
}

u32 klog_capacity(void)
{
	return KLOG_RECORDS;
}

int klog_console_level(void)
{
	return console_level;
}

void klog_set_console_level(int level)
{
	console_level = level;
}

static int set_loglevel(const char *val)
{
	u64 v;

	if (kstrtou64(val, 10, &v) || v > KLOG_DEBUG)
		return -EINVAL;
	console_level = (int)v;
	return 0;
}
CMDLINE_PARAM("loglevel", set_loglevel, CMDLINE_VALUE);

static int set_quiet(const char *val)
{
	(void)val;
	console_level = KLOG_WARN;
	return 0;
}
CMDLINE_PARAM("quiet", set_quiet, CMDLINE_FLAG);

static int set_debug(const char *val)
{
	(void)val;
	console_level = KLOG_DEBUG;
	return 0;
}
CMDLINE_PARAM("debug", set_debug, CMDLINE_FLAG);
