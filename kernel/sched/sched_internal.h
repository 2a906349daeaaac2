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
struct runqueue *cpu_rq(u32 cpu);
struct runqueue *this_rq(void);
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
/* Load next's address space if it differs from prev's. */
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
