/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klog_wait.c - sleeping until the kernel log has a new record: the
 * waiting side of klog.c's deferred wake-up (klog.h), used by /dev/kmsg
 * (read and poll, drivers/char/kmsg.c) and syslog(2) READ.
 *
 * klog() never wakes anyone itself (it runs with any lock held); when it
 * sees a waiter on klog_wq it raises this CPU's deferred-work interrupt,
 * whose handler is klog_irq_work() below. Waiters use the ordinary
 * wait-queue protocol (sync.h): queue, full fence, test klog_next_seq();
 * klog() publishes the record, full fence, looks at the queue. So either
 * the waiter sees the record or klog() sees the waiter.
 *
 * Kept apart from klog.c, which the host unit tests link without the
 * scheduler.
 */
#include "klog.h"
#include "sync.h"
#include "vfs.h"

static bool record_after(void *arg)
{
	return klog_next_seq() > *(u64 *)arg;
}

int klog_wait(u64 seq)
{
	return wait_until_intr(&klog_wq, record_after, &seq, 0);
}

void klog_poll_wait(struct poll_table *pt)
{
	if (!pt)
		return;
	poll_wait(pt, &klog_wq);
	/* Pairs with wake_readers_soon()'s fence: see the record or be seen. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * The deferred-work interrupt (interrupts were on where it arrived, so no
 * interrupt-safe lock is held). Clear the flag first: a record logged
 * after this raises a new interrupt; one logged before is already in.
 */
void klog_irq_work(void)
{
	__atomic_exchange_n(&klog_wake_pending, 0, __ATOMIC_SEQ_CST);
	wake_up_all(&klog_wq);
}
