/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread.c - thread life cycle: creation (stack, context, class), exit and
 * join, sleeping, policy and affinity changes, CPU selection, and each CPU's
 * idle thread.
 *
 * Lifetime: a thread is created runnable; thread_exit() marks it DEAD and
 * switches away for good; the next thread on that CPU completes t->exited
 * once the dead thread's stack is no longer in use; thread_join() waits for
 * that and frees the stack, FPU area and struct. Every thread created must
 * be joined exactly once (kernel threads that never exit are the exception).
 *
 * Locking: all_threads and next_tid are protected by threads_lock; the
 * scheduling fields by the thread's run-queue lock (see core.c).
 */
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "ipc.h"
#include "klog.h"
#include "kstack.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "sched_internal.h"
#include "timer.h"
#include "vm.h"

static struct spinlock threads_lock = SPINLOCK_INIT("threads", LOCK_RANK_NONE);
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static u64 next_tid = 1;
static struct thread boot_thread;
static struct thread idle_threads[MAX_CPUS];

static u64 all_cpus_mask(void)
{
	return nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
}

static void thread_setup(struct thread *t, const char *name, const struct thread_attr *attr)
{
	unsigned long f;

	strlcpy(t->name, name, sizeof(t->name));
	t->state = THREAD_RUNNABLE;
	t->policy = attr ? attr->policy : SCHED_NORMAL;
	t->nice = attr ? attr->nice : 0;
	t->rt_prio = attr ? attr->rt_prio : 0;
	t->affinity = attr && attr->affinity ? attr->affinity : ~0ull;
	t->detached = attr && attr->detached;
	completion_init(&t->exited, "thread exit");
	list_init(&t->proc_link);
	list_init(&t->rq_link);
	f = spin_lock_irqsave(&threads_lock);
	t->tid = next_tid++;
	list_add_tail(&t->all_link, &all_threads);
	spin_unlock_irqrestore(&threads_lock, f);
}

struct runqueue *select_rq_locked(struct runqueue *rq, struct thread *t)
{
	u64 allowed = t->affinity & all_cpus_mask();
	u32 best = rq->cpu;

	if (!allowed)
		allowed = 1; /* nothing allowed is online: CPU 0 */
	if (allowed == 1ull << rq->cpu)
		return rq; /* pinned here: nothing to choose */
	/* Stay unless not allowed here, or busy here while an allowed CPU idles. */
	if (!(allowed & (1ull << rq->cpu)) || rq->nr_running > 0) {
		u32 fallback = MAX_CPUS;

		for (u32 c = 0; c < nr_cpus; c++) {
			if (!(allowed & (1ull << c)))
				continue;
			if (fallback == MAX_CPUS)
				fallback = c;
			if (cpu_rq(c)->nr_running == 0 && cpu_rq(c)->curr == cpu_rq(c)->idle) {
				fallback = c;
				break;
			}
		}
		if (!(allowed & (1ull << rq->cpu)) || cpu_rq(fallback)->nr_running == 0)
			best = fallback;
	}
	if (best == rq->cpu)
		return rq;
	t->cpu = best;
	spin_unlock(&rq->lock);
	rq = cpu_rq(best);
	spin_lock(&rq->lock);
	return rq;
}

void sched_switch_mm(struct thread *prev, struct thread *next)
{
	/*
	 * A kernel thread gets the kernel's table or the space it loaded itself,
	 * never one left behind by the thread before it: a space is loaded only
	 * where a thread that uses it runs, so a process's last thread can free
	 * its space after unloading it from its own CPU (vm_space_destroy).
	 */
	struct vm_space *want = next->proc ? next->proc->vm : next->kvm;

	/*
	 * Threads of two processes (an IPC round trip): the spaces differ, so a
	 * load is due whatever vm_current() would say (were next's space
	 * already loaded, the load would only be redundant).
	 */
	if (prev->proc && next->proc && want && prev->proc->vm != want) {
		vm_space_activate(want);
		return;
	}
	if (want != vm_current())
		vm_space_activate(want);
}

static void thread_start(void)
{
	struct thread *t;

	sched_thread_first_run();
	t = current_thread();
	t->entry(t->arg);
	thread_exit(0);
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg,
			     const struct thread_attr *attr)
{
	struct thread *t = kzalloc(sizeof(*t));
	struct runqueue *rq;
	unsigned long irq;

	if (!t)
		return NULL;
	t->class = sched_class_for(attr ? attr->policy : SCHED_NORMAL);
	if (!t->class)
		goto out_free;
	t->kstack = kstack_alloc(name);
	if (!t->kstack)
		goto out_free;
	if (arch_thread_init(t, thread_start))
		goto out_stack;
	t->entry = fn;
	t->arg = arg;
	thread_setup(t, name, attr);
	irq = arch_irq_save();
	rq = this_rq();
	spin_lock(&rq->lock);
	t->cpu = rq->cpu;
	rq = select_rq_locked(rq, t);
	rq->clock_ns = clock_ns();
	if (t->class->init_thread)
		t->class->init_thread(rq, t);
	enqueue_locked(rq, t, ENQ_NEW);
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
	sched_preempt_check(); /* a thread of a higher class runs at once */
	return t;

out_stack:
	kstack_free(t->kstack);
out_free:
	kfree(t);
	return NULL;
}

void thread_exit(int code)
{
	struct thread *t = current_thread();
	unsigned long irq = arch_irq_save();
	struct runqueue *rq = lock_thread_rq(t);

	t->exit_code = code;
	t->state = THREAD_DEAD;
	spin_unlock(&rq->lock);
	schedule();
	arch_irq_restore(irq);
	panic("thread %s ran after exiting", t->name);
}

/* Free an exited thread whose stack is no longer in use. */
void thread_free(struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&threads_lock);

	list_del(&t->all_link);
	spin_unlock_irqrestore(&threads_lock, f);
	ipc_thread_free(t);
	arch_thread_free(t);
	kstack_free(t->kstack);
	kfree(t);
}

int thread_join(struct thread *t)
{
	int code;

	wait_for_completion(&t->exited);
	code = t->exit_code;
	thread_free(t);
	return code;
}

static void sleep_timer_fn(struct timer *tm)
{
	sched_wake(tm->data);
}

void sched_sleep_ns(u64 ns)
{
	struct thread *t = current_thread();
	u64 deadline = clock_ns() + ns;
	struct timer tm;

	timer_init(&tm, sleep_timer_fn, t);
	while (clock_ns() < deadline) {
		unsigned long irq = arch_irq_save();
		struct runqueue *rq = lock_thread_rq(t);

		t->state = THREAD_BLOCKED;
		spin_unlock(&rq->lock);
		timer_arm(&tm, deadline);
		arch_irq_restore(irq);
		sched_block();
	}
	timer_cancel(&tm);
}

int sched_set_policy(struct thread *t, u32 policy, int prio_or_nice)
{
	const struct sched_class *c = sched_class_for(policy);
	struct runqueue *rq;
	unsigned long irq;
	bool queued, running;

	if (!c)
		return -EINVAL;
	if ((policy == SCHED_FIFO || policy == SCHED_RR) &&
	    (prio_or_nice < RT_PRIO_MIN || prio_or_nice > RT_PRIO_MAX))
		return -EINVAL;
	if (policy == SCHED_NORMAL && (prio_or_nice < NICE_MIN || prio_or_nice > NICE_MAX))
		return -EINVAL;
	irq = arch_irq_save();
	rq = lock_thread_rq(t);
	rq->clock_ns = clock_ns();
	queued = t->on_rq;
	running = rq->curr == t;
	if (queued) {
		dequeue_locked(rq, t, 0);
	} else if (running) {
		/* the running thread leaves its old class as if it blocked */
		t->class->put_prev(rq, t);
		t->class->dequeue(rq, t, 0);
	}
	t->policy = policy;
	if (policy == SCHED_NORMAL)
		t->nice = prio_or_nice;
	else
		t->rt_prio = (u32)prio_or_nice;
	t->class = c;
	if (c->init_thread)
		c->init_thread(rq, t);
	if (queued) {
		enqueue_locked(rq, t, 0);
	} else if (running) {
		/* make the running thread's new class see it as running */
		c->enqueue(rq, t, 0);
		c->dequeue(rq, t, 0);
		if (c->set_curr)
			c->set_curr(rq, t);
		if (rq->cpu == this_cpu()->id)
			this_cpu()->need_resched = true;
		else
			arch_send_reschedule(rq->cpu);
	}
	spin_unlock(&rq->lock);
	arch_irq_restore(irq);
	if (running && t == current_thread())
		schedule();
	else
		sched_preempt_check();
	return 0;
}

int sched_set_affinity(struct thread *t, u64 mask)
{
	struct runqueue *rq;
	unsigned long irq;
	bool kick = false;

	if (!(mask & all_cpus_mask()))
		return -EINVAL;
	irq = arch_irq_save();
	rq = lock_thread_rq(t);
	t->affinity = mask;
	if (rq->nr_running >= 2)
		kick_idle_cpu(rq); /* a wider mask may let an idle CPU take it */
	if (!(mask & (1ull << rq->cpu))) {
		if (t->on_rq) {
			/* queued on a CPU it may no longer use: move it now */
			dequeue_locked(rq, t, DEQ_MIGRATE);
			rq = select_rq_locked(rq, t);
			enqueue_locked(rq, t, ENQ_MIGRATE);
		} else if (rq->curr == t) {
			kick = true; /* running: schedule() there pushes it away */
		}
	}
	spin_unlock(&rq->lock);
	if (kick) {
		if (t == current_thread()) {
			arch_irq_restore(irq);
			schedule();
			return 0;
		}
		arch_send_reschedule(t->cpu);
	}
	arch_irq_restore(irq);
	sched_preempt_check();
	return 0;
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		arch_irq_disable();
		if (!this_cpu()->need_resched && this_rq()->nr_running == 0) {
			if (nr_cpus > 1 && sched_idle_pull()) {
				arch_irq_enable();
				schedule();
				continue;
			}
			arch_idle(); /* returns with interrupts on, after an interrupt */
			continue;
		}
		arch_irq_enable();
		schedule();
	}
}

/* Make the calling context thread t, running on this CPU. */
static void adopt_current(struct thread *t, const char *name, const struct sched_class *c)
{
	thread_setup(t, name, NULL);
	t->class = c;
	t->cpu = this_cpu()->id;
	arch_thread_adopt(t);
	this_cpu()->current = t;
}

void sched_init(void)
{
	struct runqueue *rq;
	struct thread *idle = &idle_threads[0];

	sched_core_init();
	/* The boot context (kmain) becomes a normal thread; CPU 0 gets an idle thread. */
	adopt_current(&boot_thread, "kmain", sched_class_for(SCHED_NORMAL));
	thread_setup(idle, "idle0", NULL);
	idle->class = sched_idle_class();
	idle->kstack = kstack_alloc("idle0");
	BUG_ON(!idle->kstack || arch_thread_init(idle, thread_start));
	idle->entry = idle_loop;
	rq_init(0, idle);
	rq = cpu_rq(0);
	rq->curr = &boot_thread;
	rq->nr_running = 1;
	list_add_tail(&boot_thread.rq_link, &rq->threads);
	if (boot_thread.class->init_thread)
		boot_thread.class->init_thread(rq, &boot_thread);
	boot_thread.exec_start_ns = clock_ns();
	if (boot_thread.class->set_curr)
		boot_thread.class->set_curr(rq, &boot_thread);
}

void sched_init_cpu(void)
{
	struct cpu *c = this_cpu();
	struct thread *idle = &idle_threads[c->id];
	char name[16];

	snprintf(name, sizeof(name), "idle%u", c->id);
	adopt_current(idle, name, sched_idle_class());
	rq_init(c->id, idle);
	arch_irq_enable();
	idle_loop(NULL);
}
