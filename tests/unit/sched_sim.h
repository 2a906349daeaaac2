/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_sim.h - a simulated scheduler core for host tests of the scheduling
 * classes (sched_sim.c). It makes the same calls as kernel/sched/core.c and
 * thread.c: classes found through the "sched_classes" section and asked in
 * priority order; schedule() = put_prev(prev), dequeue it with DEQ_SLEEP if
 * it blocked, pick_next, set_curr; a wake-up enqueues with ENQ_WAKEUP and
 * preempts when the idle thread runs, the woken class is higher, or the
 * class's check_preempt says so; the slice timer fires after slice_ns() and
 * calls tick() (armed only while another thread waits).
 *
 * Time is a fake clock per simulated CPU that jumps from event to event:
 * slice ends, the end of a thread's CPU burst, wake-ups. sim_check() checks
 * the classes' private invariants (sched_sim.c #includes the class files)
 * and every thread's runtime_ns against the time the simulation saw it run;
 * sim_run() calls it after every event.
 */
#ifndef SCHED_SIM_H
#define SCHED_SIM_H

#include <stdint.h>

#include "sched.h"

#define MS 1000000ULL
#define US 1000ULL
#define NEVER UINT64_MAX
#define SIM_THREADS 64
#define SIM_LOG 4096

struct sim;

/* A simulated thread: runs burst_ns of CPU (0 = forever), then sleeps sleep_ns. */
struct sim_thread {
	struct thread t;
	struct sim *sim; /* the CPU whose run queue owns it */
	char name;
	u64 burst_ns, sleep_ns;
	u64 burst_left;
	u64 wake_at; /* while blocked */
	bool blocked;
	u64 cpu_ns;		     /* CPU time the simulation saw it get */
	u64 stint_start, max_stint;  /* longest run without a switch */
	u64 woke_at, max_wake_delay; /* longest wait from wake-up to running */
	bool wait_first_run;
};

/* One simulated CPU. */
struct sim {
	struct runqueue rq;
	struct thread idle;
	u64 idle_ns;
	struct sim_thread *th[SIM_THREADS]; /* threads owned by this CPU */
	int n;
	bool need_resched;
	u64 last_min;		/* fair min_vruntime last seen */
	char log_name[SIM_LOG]; /* context switches: to whom ('.' = idle), when */
	u64 log_ns[SIM_LOG];
	int nlog;
};

/* The classes as registered, highest priority first; the one owning a policy. */
const struct sched_class *const *sim_classes(u32 *count);
const struct sched_class *sim_class_for(u32 policy);
extern const struct sched_class *const sim_rt, *const sim_fair, *const sim_idle;

void sim_init(struct sim *s, u64 clock_ns);
void sim_free(struct sim *s); /* frees the class blocks */
void sim_free_threads(struct sim *s);
/* Create a thread; it is queued with ENQ_NEW, or starts blocked until wake_at (if != 0). */
struct sim_thread *sim_add(struct sim *s, char name, u32 policy, int level, u64 burst_ns,
			   u64 sleep_ns, u64 wake_at);
struct sim_thread *sim_thread_of(struct thread *t);
void sim_attach(struct sim *s, struct sim_thread *st);
void sim_detach(struct sim *s, struct sim_thread *st);

/* The core's operations. */
void sim_schedule(struct sim *s);
void sim_enqueue(struct sim *s, struct sim_thread *st, int flags); /* + preemption check */
void sim_block(struct sim *s, u64 sleep_ns);			   /* the running thread */
void sim_wake(struct sim *s, struct sim_thread *st);		   /* onto s */
void sim_set_policy(struct sim *s, struct sim_thread *st, u32 policy, int level);
/* The clock moves on by dt with rq->curr running (no tick). */
void sim_advance(struct sim *s, u64 dt);
/* Run the CPU for dur ns of simulated time, event by event. */
void sim_run(struct sim *s, u64 dur);
/* Check every invariant of s (unit.h CHECKs). */
void sim_check(struct sim *s);

/* White-box views of the classes' private state. */
extern const u64 sim_fair_latency_ns, sim_fair_min_gran_ns;
u64 sim_vruntime(struct thread *t);
void sim_set_vruntime(struct thread *t, u64 v);
u64 sim_min_vruntime(struct sim *s);
u64 sim_fair_inv_weight(int nice);
u64 sim_fair_vdelta(u64 ns, int nice);
u64 sim_rt_bitmap(struct sim *s, int word);

#endif
