/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_internal.h - declarations shared by the scheduler core files
 * (core.c, thread.c); not for other subsystems.
 */
#ifndef MATRIOSKA_SCHED_INTERNAL_H
#define MATRIOSKA_SCHED_INTERNAL_H

#include "sched.h"

void sched_core_init(void);
void rq_init(u32 cpu, struct thread *idle);
struct runqueue *this_rq(void);

extern struct runqueue sched_runqueues[MAX_CPUS]; /* core.c; CPU i's is [i] */

static inline struct runqueue *cpu_rq(u32 cpu)
{
	return &sched_runqueues[cpu];
}

/*
 * A reschedule was asked for (need_resched) while interrupts were off: do it
 * now if the caller may be preempted. Call right after restoring interrupts
 * when a wake-up or enqueue may have asked for one.
 */
void sched_preempt_check(void);
const struct sched_class *sched_class_for(u32 policy);
const struct sched_class *sched_idle_class(void);
/* Lock the run queue t belongs to (interrupts already off). */
struct runqueue *lock_thread_rq(struct thread *t);
void enqueue_locked(struct runqueue *rq, struct thread *t, int flags);
void dequeue_locked(struct runqueue *rq, struct thread *t, int flags);
/*
 * The run queue a waking or new thread t should join, starting from rq
 * (locked). May switch the lock to another run queue; returns the locked one.
 */
struct runqueue *select_rq_locked(struct runqueue *rq, struct thread *t);
/* Load next's address space (a kernel thread's: the kernel's, or its kvm) if not loaded. */
void sched_switch_mm(struct thread *prev, struct thread *next);
/* rq has waiting work: wake an idle CPU so it can pull (rq locked). */
void kick_idle_cpu(struct runqueue *rq);
/* An idle CPU takes a waiting thread from the busiest run queue; true if it did. */
bool sched_idle_pull(void);
/* Free an exited thread (its stack no longer in use). */
void thread_free(struct thread *t);
/* First code of every new thread: release the run-queue lock schedule() held. */
void sched_thread_first_run(void);

#endif
