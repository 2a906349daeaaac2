/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evfd.h - descriptors that turn events into readable files: eventfd (a
 * 64-bit counter, fs/eventfd.c), timerfd (a timer's expirations,
 * fs/timerfd.c) and signalfd (the caller's pending signals, fs/signalfd.c).
 * All three can be read, polled and watched by epoll (poll.h). The Linux
 * calls are in kernel/linux/events.c; the semantics are Linux's.
 */
#ifndef MATRIOSKA_EVFD_H
#define MATRIOSKA_EVFD_H

#include "types.h"

struct file;

/* ---- eventfd ---- */

#define EFD_SEMAPHORE 1
#define EVENTFD_MAX 0xfffffffffffffffeull /* the counter never exceeds this */

/*
 * A new eventfd with counter initval. flags: EFD_SEMAPHORE (a read takes
 * 1, not the whole count) and O_NONBLOCK. 0 or -ENOMEM.
 */
int eventfd_create(u64 initval, u32 flags, struct file **out) __must_check;

/* ---- timerfd ---- */

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

/* A new, disarmed timer file; flags: O_NONBLOCK. 0 or -ENOMEM. */
int timerfd_create_file(int clockid, u32 flags, struct file **out) __must_check;
bool file_is_timerfd(const struct file *f);
/*
 * Arm (value_ns != 0) or disarm the timer: the first expiration at
 * monotonic time first_ns (already converted from the caller's clock and
 * made absolute; value 0 disarms), then every interval_ns (0: once). The
 * previous setting is returned in *old_value_ns (time to the next
 * expiration, 0 if disarmed) and *old_interval_ns. Thread context.
 */
void timerfd_settime_file(struct file *f, bool arm, u64 first_ns, u64 interval_ns,
			  u64 *old_value_ns, u64 *old_interval_ns);
/* The current setting, as settime's old values. */
void timerfd_gettime_file(struct file *f, u64 *value_ns, u64 *interval_ns);
/* The clock id the timer was created with. */
int timerfd_clockid(struct file *f);

/* ---- signalfd ---- */

/*
 * A new signalfd reading the signals in mask (SIGKILL and SIGSTOP are
 * dropped from it); flags: O_NONBLOCK. 0 or -ENOMEM.
 */
int signalfd_create_file(u64 mask, u32 flags, struct file **out) __must_check;
bool file_is_signalfd(const struct file *f);
void signalfd_set_mask(struct file *f, u64 mask);
/* A signal became pending somewhere: wake signalfd pollers (signal.c calls it). */
void signalfd_notify(void);

#endif
