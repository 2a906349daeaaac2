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
	KLOG_EMERG = 0, /* the machine is going down (reboot(2)), as on Linux */
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
/* The sequence number the next record will get (every record so far, dropped ones too). */
u64 klog_next_seq(void);
/* How many records the ring keeps; older ones are overwritten. */
u32 klog_capacity(void);

/*
 * Waiting for new records (kernel/core/klog_wait.c). klog() runs in any
 * context (interrupts, spinlocks held, the scheduler, panic), so it wakes
 * nobody itself: when someone waits on klog_wq it raises the CPU's
 * deferred-work interrupt (arch_irq_work_raise, a self-IPI, delivered as
 * soon as that CPU has interrupts on) and klog_irq_work(), run by that
 * interrupt with no lock held, wakes the waiters.
 *
 * klog_wait: sleep until a record with sequence number >= seq exists
 * (klog_next_seq() > seq): 0, or -EINTR when a signal is pending. Thread
 * context, no lock held.
 * klog_poll_wait: for a poll method: register pt on klog_wq, then fence,
 * so that the caller's look at klog_next_seq() afterwards and klog()'s
 * look at the queue cannot both miss.
 */
struct poll_table;
struct wait_queue;
extern struct wait_queue klog_wq;
int klog_wait(u64 seq);
void klog_poll_wait(struct poll_table *pt);
void klog_irq_work(void);
extern u32 klog_wake_pending; /* klog.c/klog_wait.c: 1 while a raised wake-up has not run */
/* Wake-ups klog() asked for so far (statistics, tests). */
u64 klog_wakeups_raised(void);

/*
 * Text forms of records for user space (kernel/core/klog_text.c). Like
 * snprintf, each returns the length of the whole text (which may be more
 * than size) and NUL-terminates when size > 0.
 *
 * syslog(2) and dmesg: "<level>[seconds.micros] text\n", seconds padded
 * to 5 columns as Linux prints them.
 */
size_t klog_format_syslog(const struct klog_record *r, char *buf, size_t size);
/* /dev/kmsg: "level,seq,usec,-;text\n", bytes < 0x20, >= 0x7f and '\\' as \xNN. */
size_t klog_format_kmsg(const struct klog_record *r, char *buf, size_t size);
#define KLOG_KMSG_LINE_MAX (4 * KLOG_MSG_MAX + 64) /* longest klog_format_kmsg() text */
/*
 * syslog(2) READ_ALL: the records from seq from on in syslog form, as many
 * of the newest as fit in size bytes (no partial lines); bytes written.
 * May sleep (allocates).
 */
size_t klog_print_all(u64 from, char *buf, size_t size);
/* Bytes the records from seq from on take in syslog form (SIZE_UNREAD). */
size_t klog_print_size(u64 from);

/* Register /dev/kmsg (drivers/char/kmsg.c, device 1,11); boot calls it after vfs_init(). */
int kmsg_register(void);

#endif
