/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpu.h - per-CPU state. Each CPU has one struct cpu, reached in O(1) with
 * this_cpu() (x86_64: through the GS base). Fields are only written by their
 * own CPU unless a comment says otherwise.
 */
#ifndef MATRIOSKA_CPU_H
#define MATRIOSKA_CPU_H

#include "arch_cpu.h"
#include "types.h"

#define MAX_CPUS 16

struct thread;
struct runqueue;

struct cpu {
	struct cpu *self;	/* first: this_cpu() loads it through %gs:0 */
	u32 id;			/* 0 .. nr_cpus-1, boot CPU is 0 */
	u32 apic_id;		/* hardware id (x86 local APIC id) */
	struct thread *current; /* running thread */
	struct thread *idle;	/* this CPU's idle thread */
	struct runqueue *rq;	/* this CPU's run queue */
	u64 kernel_rsp;	      /* arch: stack for syscall entry (x86: loaded by the syscall stub) */
	u64 user_rsp_scratch; /* arch: user %rsp saved by the syscall stub */
	u32 preempt_count;    /* > 0: no preemption (spinlocks held, irq handlers) */
	/*
	 * Work for the way back to user mode, one word so that the syscall exit
	 * tests it with one instruction (entry.S; syscall_exit_work() does it).
	 * need_resched: set by wake-ups and ticks, also checked on irq return.
	 * sig_work: a signal may be pending for the current thread (set by
	 * sched_notify_signal() and at each switch; may be written by other CPUs).
	 */
	union {
		u32 exit_work;
		struct {
			bool need_resched;
			bool sig_work;
		};
	};
	bool online;
	u64 irq_count; /* interrupts handled (statistics) */
	u64 ipi_count;
	u64 exit_work_calls; /* syscalls that returned through syscall_exit_work (statistics) */
	void *arch;	     /* arch-private per-CPU data (x86: GDT, TSS) */
};

extern struct cpu cpus[MAX_CPUS];
extern u32 nr_cpus; /* CPUs brought online */

/* This CPU's struct cpu (x86_64: one load through GS). */
static inline struct cpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline struct thread *current_thread(void)
{
	return this_cpu()->current;
}

void preempt_disable(void);
void preempt_enable(void); /* may reschedule if need_resched and count drops to 0 */
static inline bool preemptible(void)
{
	return this_cpu()->preempt_count == 0;
}

#endif
