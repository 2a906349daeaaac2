/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched.h - threads and the scheduler.
 *
 * A thread is a kernel stack, saved CPU context (struct arch_thread) and
 * scheduling state; a process (proc.h) groups threads that share an address
 * space. The scheduler core (kernel/sched/core.c) keeps one run queue per
 * CPU and asks the scheduling classes, in strict priority order, which thread
 * runs next. A class is a struct sched_class registered with SCHED_CLASS();
 * the core knows no class by name, so adding one (the learned scheduler, say)
 * means writing its file and nothing else:
 *
 *   rt    (priority 300)  SCHED_FIFO / SCHED_RR, priorities 1..99
 *   fair  (priority 200)  SCHED_NORMAL: CFS-style virtual runtime, nice -20..19
 *   idle  (priority 0)    one idle thread per CPU
 *
 * Run-queue model: a runnable thread that is not running sits in its class's
 * queue; the running thread does not (the class gets it back through
 * put_prev when it stops running but stays runnable). All class callbacks
 * run with the run queue locked and interrupts off.
 */
#ifndef MATRIOSKA_SCHED_H
#define MATRIOSKA_SCHED_H

#include "arch_thread.h"
#include "config.h"
#include "cpu.h"
#include "list.h"
#include "sync.h"
#include "types.h"

/* Policies (Linux's numbers). */
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_IDLE 5

#define NICE_MIN (-20)
#define NICE_MAX 19
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99

enum thread_state {
	THREAD_RUNNABLE, /* running or in a run queue */
	THREAD_BLOCKED,	 /* waiting; sched_wake() makes it runnable */
	THREAD_DEAD,	 /* exited; freed by whoever reaps it */
};

#define THREAD_NAME_MAX 24
#define SCHED_ENTITY_WORDS 10 /* per-class data in struct thread */

struct runqueue;
struct sched_class;
struct kstack;
struct process;
struct ipc_thread;

struct thread {
	struct arch_thread arch; /* saved context; arch code only */
	u64 tid;
	char name[THREAD_NAME_MAX];
	u32 state;		  /* enum thread_state; changes under the thread's rq lock */
	u32 policy;		  /* SCHED_* */
	int nice;		  /* SCHED_NORMAL: -20..19 */
	u32 rt_prio;		  /* SCHED_FIFO/RR: 1..99 */
	u64 affinity;		  /* bit n: may run on CPU n */
	u32 cpu;		  /* CPU whose run queue owns the thread */
	bool on_rq;		  /* in a class queue (not running) */
	struct list_head rq_link; /* in rq->threads while runnable there (for balancing) */
	const struct sched_class *class;
	/* Class-private scheduling entity (fair: vruntime, tree node; rt: list node). */
	u64 sched_data[SCHED_ENTITY_WORDS];
	u64 exec_start_ns; /* when it last started running */
	u64 runtime_ns;	   /* total CPU time */
	u64 nr_switches;
	struct kstack *kstack;
	struct process *proc;	    /* NULL for kernel threads */
	struct vm_space *kvm;	    /* kernel thread: a user space it loaded itself, or NULL */
	struct list_head proc_link; /* in proc->threads */
	struct list_head all_link;  /* in the global thread list */
	void (*entry)(void *arg);
	void *arg;
	int exit_code;
	u64 sig_pending;	 /* SIGMASK() bits sent to this thread; atomic */
	u64 sig_blocked;	 /* the thread's signal mask; changed by itself only */
	u64 sig_real_blocked;	 /* in rt_sigtimedwait: the set it unblocked to wait (else 0) */
	u64 robust_list;	 /* set_robust_list() head (user address), recorded only */
	int user_tid;		 /* Linux thread id (first thread: the pid); 0: kernel thread */
	u64 clear_child_tid;	 /* user address zeroed and futex-woken at exit, or 0 */
	u64 sig_saved_mask;	 /* rt_sigsuspend: the mask to restore after delivery */
	bool sig_restore_mask;	 /* sig_saved_mask is valid */
	u32 sig_notify;		 /* process-directed signal or stop work may be here (signal.c) */
	u64 sas_sp, sas_size;	 /* sigaltstack (size 0: none); changed by itself only */
	u32 sas_flags;		 /* SS_AUTODISARM */
	u64 restart_deadline_ns; /* restart_syscall: the interrupted sleep's deadline (monotonic) */
	u64 restart_urem;	 /* and where its time left goes (0: nowhere) */
	struct completion exited; /* completed once the thread is off its stack for good */
	bool detached;		  /* freed by the scheduler after it exits */
	struct ipc_thread *ipc;	  /* native IPC state (kernel/ipc), made on first use */
};

/*
 * Does t have signal work on its way back to user mode (a pending signal of
 * its own, or process-directed signals or a stop it was picked for)?
 */
static inline bool thread_sig_work(struct thread *t)
{
	return (__atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) |
		__atomic_load_n(&t->sig_notify, __ATOMIC_ACQUIRE)) != 0;
}

/* Flags to enqueue/dequeue. */
#define ENQ_WAKEUP 0x1	/* a blocked thread woke up */
#define ENQ_NEW 0x2	/* a newly created thread */
#define ENQ_MIGRATE 0x4 /* moved from another CPU's queue */
#define DEQ_SLEEP 0x1	/* leaving because it blocks */
#define DEQ_MIGRATE 0x4

/*
 * A scheduling class. Every callback runs with rq->lock held, interrupts
 * off. `curr` is the running thread (not in the queue).
 */
struct sched_class {
	const char *name;
	int priority; /* higher classes are asked first */
	/* Does this class own threads of `policy`? */
	bool (*owns_policy)(u32 policy);
	/* Per-CPU class state: size, and setup of a zeroed block. */
	size_t rq_size;
	void (*init_rq)(struct runqueue *rq, void *data);
	/* A thread joins the class (creation or policy change): set its entity up. */
	void (*init_thread)(struct runqueue *rq, struct thread *t);
	void (*enqueue)(struct runqueue *rq, struct thread *t, int flags);
	void (*dequeue)(struct runqueue *rq, struct thread *t, int flags);
	/* Remove and return the thread that should run next, or NULL. */
	struct thread *(*pick_next)(struct runqueue *rq);
	/*
	 * Optional fast path for a switch: exactly put_prev(curr) then pick_next(),
	 * called when curr (of this class) stays runnable on this CPU and no
	 * higher class has a thread queued, so it never returns NULL.
	 */
	struct thread *(*pick_next_after)(struct runqueue *rq, struct thread *curr);
	/* curr stops running but stays runnable: account its run and queue it. */
	void (*put_prev)(struct runqueue *rq, struct thread *curr);
	/* curr starts running. */
	void (*set_curr)(struct runqueue *rq, struct thread *curr);
	/* Timer tick or slice end while curr runs; return true to preempt curr. */
	bool (*tick)(struct runqueue *rq, struct thread *curr);
	/* t of this class became runnable while curr (also this class) runs: preempt curr? */
	bool (*check_preempt)(struct runqueue *rq, struct thread *curr, struct thread *t);
	/* ns until curr should be looked at again (slice end); 0 = never (FIFO, idle). */
	u64 (*slice_ns)(struct runqueue *rq, struct thread *curr);
	/* curr calls sched_yield(). */
	void (*yield)(struct runqueue *rq, struct thread *curr);
	/* Runnable threads of this class waiting in this queue (for balancing). */
	u32 (*nr_queued)(struct runqueue *rq);
	/*
	 * Optional, for sched_switch_to(): curr (prev) blocks and next, blocked
	 * and of this class, runs at once - exactly dequeue(prev, DEQ_SLEEP)
	 * then set_curr(next) - if the class can do it cheaply; false (nothing
	 * done) sends the core to those two calls.
	 */
	bool (*switch_direct)(struct runqueue *rq, struct thread *prev, struct thread *next);
	u32 id; /* assigned by the core at registration */
};

#define SCHED_CLASS(var)                                                                 \
	static const struct sched_class *const __sched_class_ptr_##var __used __section( \
		"sched_classes") __aligned(8) = &var

#define SCHED_MAX_CLASSES 8

/* Per-CPU run queue. */
struct runqueue {
	struct spinlock lock; /* protects everything below and the threads' sched state */
	u32 cpu;
	u32 nr_running; /* runnable threads incl. the running one, idle excluded */
	struct thread *curr;
	struct thread *idle;
	u64 clock_ns; /* updated at every scheduling event */
	u64 nr_switches;
	struct thread *dead; /* exited thread whose stack is still in use until the switch ends */
	struct thread *push; /* thread leaving for another CPU, re-woken after the switch */
	struct list_head threads; /* runnable threads here, curr included, oldest first */
	u64 nr_pulled;		  /* threads this CPU took from others while idle */
	u64 next_balance_ns;	  /* busy: when the next periodic balance is due */
	u64 nr_balanced;	  /* threads taken from others by periodic balancing */
	u32 class_queued;	  /* bit id: class id may have threads queued (cleared lazily) */
	void *class_data[SCHED_MAX_CLASSES]; /* per-class state, by class id */
};

/* The class-private data of rq for class c. */
static inline void *rq_class_data(struct runqueue *rq, const struct sched_class *c)
{
	return rq->class_data[c->id];
}

/* ---- threads ---- */

struct thread_attr {
	u32 policy; /* default SCHED_NORMAL */
	int nice;
	u32 rt_prio;
	u64 affinity;  /* 0 = all CPUs */
	bool detached; /* freed automatically when it exits; never joined */
};

/*
 * Create a kernel thread running fn(arg) and make it runnable. attr may be
 * NULL (SCHED_NORMAL, nice 0, any CPU). Returns NULL if out of memory.
 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg,
			     const struct thread_attr *attr) __must_check;
/* End the calling thread. */
__noreturn void thread_exit(int code);
/* Wait for t to exit, then free it; returns its exit code. */
int thread_join(struct thread *t);

/* ---- scheduling ---- */

/* Initialize the scheduler on the boot CPU; the caller becomes its first thread. */
void sched_init(void);
/* Bring up the run queue of another CPU (SMP); called on that CPU. */
void sched_init_cpu(void);
/* Run the scheduler: switch to the best runnable thread (maybe the caller). */
void schedule(void);
void sched_yield(void);
/*
 * Block the calling thread: it must already have put itself where a waker
 * will find it. Returns when sched_wake() is called on it. Lost wake-ups are
 * impossible: a wake that happens before the switch leaves it runnable.
 */
void sched_block(void);
/* Make t runnable (no-op if it already is); may preempt the running thread. */
void sched_wake(struct thread *t);
/*
 * Synchronous IPC's direct switch (kernel/sched/core.c): the caller has
 * marked itself THREAD_BLOCKED where its waker finds it; give this CPU to
 * the blocked thread next right away, bypassing the run queue. Returns true
 * once the caller has been woken and runs again; false (nothing done) when
 * a direct switch does not apply - the caller then does sched_wake(next)
 * and sched_block() itself. next must stay allocated until *pin (if not
 * NULL) is cleared, which happens under next's run-queue lock on success.
 */
bool sched_switch_to(struct thread *next, u32 *pin);
/*
 * The same for the IPC fast path: interrupts off (and left off), next last
 * ran here, pin set. On success the caller's kernel stack is left and does
 * not return: cont() runs when the caller runs again, and returns the
 * system call's result (arch_context_switch_cont). False: refused.
 */
bool sched_ipc_switch(struct thread *next, u32 *pin, long (*cont)(void));
/* First thing a continuation (cont above) does: the second half of the switch to it. */
void sched_switch_finish(void);
/*
 * The same inline for the IPC fast path: when the switch left nothing else
 * to do (no exited thread to free, none to push elsewhere) it only releases
 * the run-queue lock (interrupts are off). Returns the current thread.
 */
static inline struct thread *sched_switch_finish_inline(void)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->rq;

	if (unlikely(rq->dead || rq->push)) {
		sched_switch_finish();
		return current_thread();
	}
	spin_unlock_irqoff(c, &rq->lock);
	return c->current; /* this thread: it runs here with interrupts off */
}
/* Sleep for at least ns nanoseconds of the monotonic clock. */
void sched_sleep_ns(u64 ns);
int sched_set_policy(struct thread *t, u32 policy, int prio_or_nice) __must_check;
int sched_set_affinity(struct thread *t, u64 mask) __must_check;
/*
 * Arch interrupt-return hook: switch away if a wake-up or the slice timer
 * asked for it, preemption is allowed, and the interrupted code had
 * interrupts on.
 */
void sched_preempt_irq(bool interrupted_irqs_on);
/* Called from the timer interrupt of this CPU. */
void sched_timer_tick(void);
/*
 * A signal became pending for t (t->sig_pending already set): if t is some
 * CPU's running thread, set that CPU's sig_work (struct cpu) so its way back
 * to user mode calls syscall_exit_work(), and interrupt it if it is another
 * CPU. A thread switched in later gets sig_work from its sig_pending.
 * sched_wake() of a thread that is not blocked does the same.
 */
void sched_notify_signal(struct thread *t);
/* Nice level -> load weight (Linux's table, 1024 at nice 0). */
u32 sched_nice_to_weight(int nice);
/* SCHED_RR quantum (kernel/sched/rt.c): 100 ms, or "sched_rr_ms=N" on the command line. */
extern u64 sched_rr_timeslice_ns;

/* Registered classes, highest priority first (for the core and tests). */
const struct sched_class *const *sched_classes(u32 *count);

#endif
