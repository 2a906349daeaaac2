/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klog_wait_test.c - ktests (group "klog") for the deferred wake-up of the
 * kernel log's readers (klog.c, klog_wait.c): a thread asleep in
 * klog_wait() is woken by a record logged with interrupts off and a
 * spinlock held - after that section, never inside it - and by one logged
 * from a timer callback (interrupt context); a burst of records raises one
 * deferred interrupt; with nobody waiting none is raised. A reader that is
 * never woken hangs the run (its timeout fails it); nothing is timed.
 */
#include "arch.h"
#include "klog.h"
#include "ktest.h"
#include "list.h"
#include "sched.h"
#include "sync.h"
#include "timer.h"

#define MS 1000000ull

static struct completion kt_woken;
static u64 kt_from;
static int kt_ret;

static void kt_reader(void *arg)
{
	(void)arg;
	kt_ret = klog_wait(kt_from);
	complete(&kt_woken);
}

/* A thread waiting for the record after the newest, once it is queued and marked asleep. */
static struct thread *kt_start_reader(void)
{
	struct thread *th;

	kt_from = klog_next_seq();
	kt_ret = 1;
	completion_init(&kt_woken, "ktest klog woken");
	th = thread_create("ktest-klog-rd", kt_reader, NULL, NULL);
	if (!th)
		return NULL;
	/* wait_until queues the entry before it marks the thread blocked. */
	while (__atomic_load_n(&th->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED)
		sched_sleep_ns(MS);
	return th;
}

static bool kt_nobody_waits(void)
{
	return !wait_queue_active(&klog_wq);
}

KTEST(klog, record_under_spinlock_wakes_reader_after_the_section)
{
	static struct spinlock lock = SPINLOCK_INIT("ktest klog", LOCK_RANK_NONE);
	struct thread *th = kt_start_reader();
	u64 raised = klog_wakeups_raised();
	unsigned long flags;
	u32 state;

	KT_EXPECT(t, th != NULL);
	if (!th)
		return;
	flags = spin_lock_irqsave(&lock);
	klog(KLOG_DEBUG, "ktest: logged with a spinlock held and interrupts off");
	state = __atomic_load_n(&th->state, __ATOMIC_ACQUIRE);
	spin_unlock_irqrestore(&lock, flags);
	/* Not woken from inside the section (the wake-up waits for interrupts on). */
	KT_EXPECT_EQ(t, state, THREAD_BLOCKED);
	wait_for_completion(&kt_woken);
	KT_EXPECT_EQ(t, kt_ret, 0);
	KT_EXPECT(t, klog_wakeups_raised() > raised);
	thread_join(th);
}

static void kt_log_from_timer(struct timer *tm)
{
	(void)tm;
	klog(KLOG_DEBUG, "ktest: logged from a timer callback (interrupt context)");
}

KTEST(klog, record_from_interrupt_wakes_reader)
{
	struct thread *th = kt_start_reader();
	struct timer tm;

	KT_EXPECT(t, th != NULL);
	if (!th)
		return;
	timer_init(&tm, kt_log_from_timer, NULL);
	timer_arm(&tm, clock_ns() + MS);
	wait_for_completion(&kt_woken);
	KT_EXPECT_EQ(t, kt_ret, 0);
	timer_cancel(&tm);
	thread_join(th);
}

KTEST(klog, burst_raises_one_wakeup)
{
	struct thread *th = kt_start_reader();
	u64 raised = klog_wakeups_raised();
	unsigned long flags;

	KT_EXPECT(t, th != NULL);
	if (!th)
		return;
	flags = arch_irq_save();
	for (int i = 0; i < 20; i++)
		klog(KLOG_DEBUG, "ktest: burst record %d", i);
	arch_irq_restore(flags);
	wait_for_completion(&kt_woken);
	KT_EXPECT_EQ(t, kt_ret, 0);
	KT_EXPECT_EQ(t, klog_wakeups_raised() - raised, 1);
	thread_join(th);
}

KTEST(klog, nobody_waiting_raises_nothing)
{
	u64 raised = klog_wakeups_raised();

	if (!kt_nobody_waits()) {
		kprintf("# someone waits on the kernel log: skipped\n");
		return;
	}
	klog(KLOG_DEBUG, "ktest: logged with no reader");
	KT_EXPECT_EQ(t, klog_wakeups_raised(), raised);
}
