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
 *
 * Waking readers (/dev/kmsg, syslog(2) READ, poll/epoll on /dev/kmsg) is
 * deferred, as klog() may run with any lock held: after a record is in,
 * klog() looks (lock-free, after a full fence) whether anyone is queued
 * on klog_wq; if so and no wake-up is pending yet (klog_wake_pending 0 -> 1),
 * it raises this CPU's deferred-work interrupt (arch_irq_work_raise). That
 * interrupt arrives as soon as the CPU has interrupts on, which is never
 * inside a section holding an interrupt-safe lock, and runs
 * klog_irq_work() (klog_wait.c): clear wake_pending, wake_up_all. Nothing
 * periodic: an idle system with a blocked reader takes exactly one
 * interrupt per burst of records, none when nothing is logged. A record
 * logged while the wake-up is pending is covered by it (it is in before
 * the pending flag is cleared, and the waiters test after their wake-up).
 */
#include "klog.h"
#include "arch.h"
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "list.h"
#include "sync.h"

#define KLOG_RECORDS 256

static struct klog_record ring[KLOG_RECORDS];
static u64 next_seq;
static int console_level = KLOG_INFO;

/* Readers of new records: kmsg and syslog sleepers, poll and epoll entries. */
struct wait_queue klog_wq = {
	.lock = SPINLOCK_INIT("klog", LOCK_RANK_WAITQ),
	.waiters = LIST_HEAD_INIT(klog_wq.waiters),
};
u32 klog_wake_pending; /* 1: a deferred wake-up is raised and has not run yet */
static u64 wakeups_raised;

/* A record is in: have the waiters woken soon, from a safe place (see the top). */
static void wake_readers_soon(void)
{
	/* Pairs with the fence after queueing (wait_until, klog_poll_wait). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!wait_queue_active(&klog_wq))
		return;
	if (__atomic_exchange_n(&klog_wake_pending, 1, __ATOMIC_SEQ_CST))
		return; /* the wake-up already raised has not run: it covers this record */
	if (arch_irq_work_raise())
		__atomic_fetch_add(&wakeups_raised, 1, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&klog_wake_pending, 0, __ATOMIC_SEQ_CST);
}

u64 klog_wakeups_raised(void)
{
	return __atomic_load_n(&wakeups_raised, __ATOMIC_RELAXED);
}

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
	u64 seq;
	char text[KLOG_MSG_MAX + 1];
	int len = vsnprintf(text, sizeof(text), fmt, ap);

	if (len > KLOG_MSG_MAX)
		len = KLOG_MSG_MAX;
	flags = arch_irq_save();
	seq = next_seq;
	r = &ring[seq % KLOG_RECORDS];
	r->seq = seq;
	r->time_ns = arch_clock_ns();
	r->level = level;
	memcpy(r->text, text, (size_t)len + 1);
	/* Counted only once complete: a reader that sees next_seq past it reads it whole. */
	__atomic_store_n(&next_seq, seq + 1, __ATOMIC_RELEASE);
	if (level <= console_level) {
		arch_console_write(text, (size_t)len);
		arch_console_write("\n", 1);
	}
	arch_irq_restore(flags);
	wake_readers_soon();
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
	return __atomic_load_n(&next_seq, __ATOMIC_ACQUIRE);
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
