/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_stub.h - controls of the host fake of the scheduler, CPU, timer,
 * log and panic interfaces (sched_stub.c) that kernel/sched/spinlock.c and
 * waitq.c are linked against in tests/unit/test_sync.c. There are no real
 * threads: a test plays every thread itself, switching "current" by hand,
 * and a hook run from sched_block() stands in for whatever other threads
 * would do while the caller sleeps.
 */
#ifndef SCHED_STUB_H
#define SCHED_STUB_H

#include <setjmp.h>

#include "cpu.h"
#include "sched.h"
#include "timer.h"

#define STUB_MAX_WAKES 64

struct sched_stub {
	u32 block_calls;     /* sched_block() calls */
	u32 yield_calls;     /* sched_yield() calls */
	bool signal_pending; /* what signal_pending() answers */
	u32 stuck;	     /* sched_block() returned with nobody having woken the thread */
	u32 wakes;	     /* sched_wake() calls; the threads in woken[] */
	struct thread *woken[STUB_MAX_WAKES];
	u32 arms, cancels;   /* timer_arm / successful timer_cancel calls */
	struct timer *armed; /* last timer armed */
	bool drop_timers;    /* timer_arm refuses (as with a full heap) */
	/* Run from sched_block() and sched_yield(), with the call's number (1, 2, ...). */
	void (*hook)(u32 call);
	jmp_buf *panic_jmp; /* panic() longjmps here if set (else aborts) */
	u32 panics;
};

extern struct sched_stub stub;

/* Fresh state: CPU 0, current = t (may be NULL), counters zero, log empty, clock 0. */
void stub_reset(struct thread *t);
/* The calling host thread acts as CPU id from now on. */
void stub_set_cpu(u32 id);
void stub_set_current(struct thread *t);
/* Expire the last armed timer: mark it idle and run its callback. */
void stub_fire_timer(void);
/* Everything pr_err()/klog() and panic() printed since stub_reset, one line each. */
const char *stub_log(void);

#endif
