/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_stub.c - a host fake of what kernel/sched/spinlock.c and waitq.c
 * use from the rest of the kernel: per-CPU state (this_cpu, preemption
 * count), the scheduler's block/wake/yield, one-shot timers, the log,
 * symbol formatting and panic. It records every call so tests can check
 * the bookkeeping of locks and wait queues without real threads. Each host
 * thread (pthread) picks the CPU it plays with stub_set_cpu().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arch_host.h"
#include "klog.h"
#include "ksyms.h"
#include "panic.h"
#include "sched_stub.h"
#include "signal.h"

struct cpu cpus[MAX_CPUS];
u32 nr_cpus = MAX_CPUS;
struct sched_stub stub;

static __thread u32 cpu_id;
static char log_buf[1 << 14];
static size_t log_len;

__attribute__((constructor)) static void stub_init_cpus(void)
{
	for (u32 i = 0; i < MAX_CPUS; i++) {
		cpus[i].self = &cpus[i];
		cpus[i].id = i;
		cpus[i].online = true;
	}
}

void stub_reset(struct thread *t)
{
	memset(&stub, 0, sizeof(stub));
	for (u32 i = 0; i < MAX_CPUS; i++) {
		cpus[i].preempt_count = 0;
		cpus[i].current = NULL;
		cpus[i].need_resched = false;
	}
	cpu_id = 0;
	cpus[0].current = t;
	log_len = 0;
	log_buf[0] = '\0';
	host_clock_set_ns(0);
}

void stub_set_cpu(u32 id)
{
	cpu_id = id;
}

void stub_set_current(struct thread *t)
{
	cpus[cpu_id].current = t;
}

const char *stub_log(void)
{
	return log_buf;
}

static void log_append(const char *fmt, va_list ap)
{
	size_t room = sizeof(log_buf) - log_len;
	int n = vsnprintf(log_buf + log_len, room, fmt, ap);

	if (n > 0)
		log_len += (size_t)n < room ? (size_t)n : room - 1;
	if (log_len + 1 < sizeof(log_buf)) {
		log_buf[log_len++] = '\n';
		log_buf[log_len] = '\0';
	}
}

/* ---- cpu.h ---- */

struct cpu *arch_this_cpu(void)
{
	return &cpus[cpu_id];
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
}

void preempt_enable(void)
{
	if (this_cpu()->preempt_count == 0) {
		fprintf(stderr, "sched_stub: preempt_enable without preempt_disable\n");
		abort();
	}
	this_cpu()->preempt_count--;
}

/* ---- sched.h ---- */

static void run_hook(u32 call)
{
	if (call > 1000) {
		fprintf(stderr, "sched_stub: more than 1000 blocks: the test loops\n");
		abort();
	}
	if (stub.hook)
		stub.hook(call);
}

void sched_block(void)
{
	struct thread *t = current_thread();

	run_hook(++stub.block_calls);
	if (t->state == THREAD_BLOCKED) {
		/* A real kernel would sleep here for good. */
		stub.stuck++;
		t->state = THREAD_RUNNABLE;
	}
}

void sched_yield(void)
{
	run_hook(++stub.yield_calls);
}

void sched_wake(struct thread *t)
{
	if (stub.wakes < STUB_MAX_WAKES)
		stub.woken[stub.wakes] = t;
	stub.wakes++;
	t->state = THREAD_RUNNABLE;
}

/* ---- signal.h ---- */

bool signal_pending(void)
{
	return stub.signal_pending;
}

/* ---- timer.h ---- */

u64 clock_ns(void)
{
	return arch_clock_ns();
}

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data)
{
	t->deadline_ns = 0;
	t->fn = fn;
	t->data = data;
	t->heap_index = TIMER_IDLE;
	t->cpu = 0;
}

void timer_arm(struct timer *t, u64 deadline_ns)
{
	stub.arms++;
	if (stub.drop_timers)
		return;
	t->deadline_ns = deadline_ns;
	t->heap_index = 0;
	t->cpu = this_cpu()->id;
	stub.armed = t;
}

bool timer_cancel(struct timer *t)
{
	bool was = t->heap_index != TIMER_IDLE;

	t->heap_index = TIMER_IDLE;
	stub.cancels += was;
	return was;
}

bool timer_pending(const struct timer *t)
{
	return t->heap_index != TIMER_IDLE;
}

void stub_fire_timer(void)
{
	struct timer *t = stub.armed;

	if (!t || t->heap_index == TIMER_IDLE) {
		fprintf(stderr, "sched_stub: no timer pending to fire\n");
		abort();
	}
	t->heap_index = TIMER_IDLE;
	t->fn(t);
}

/* ---- klog.h, ksyms.h, panic.h ---- */

void vklog(int level, const char *fmt, va_list ap)
{
	(void)level;
	log_append(fmt, ap);
}

void klog(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vklog(level, fmt, ap);
	va_end(ap);
}

void ksym_format(u64 addr, char *buf, size_t size)
{
	snprintf(buf, size, "0x%llx", (unsigned long long)addr);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_append(fmt, ap);
	va_end(ap);
	stub.panics++;
	if (stub.panic_jmp)
		longjmp(*stub.panic_jmp, 1);
	fprintf(stderr, "sched_stub: unexpected panic: %s\n", log_buf);
	abort();
}
