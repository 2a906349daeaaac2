/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * endpoint.c - synchronous IPC: endpoints and the per-thread IPC state.
 *
 * A call puts the caller's message on the endpoint; a receiver takes it,
 * and the caller then waits on the endpoint's served list until the
 * receiver replies (the receiver keeps a counted reference to it in
 * reply_to, with the call's sequence number, so a reply to a caller that
 * gave up - timeout, signal, death - finds it gone and is dropped). Every
 * match happens under ep->lock and moves the message in kernel memory only
 * (register words, in-flight capabilities, and the long part by swapping
 * the two threads' kbuf blocks); user memory is touched by each thread in
 * its own address space, before (copy in) and after (copy out) the match,
 * in ipc_syscall.c.
 *
 * Fast path: when a call finds a receiver waiting, or a reply_recv's reply
 * finds its caller waiting, the matching thread marks itself blocked and
 * hands its CPU straight to the partner (sched_switch_to), no run queue in
 * between. Until the hand-off is over the partner is pinned (handoff_pin):
 * if a timeout or signal wakes it first it spins until the pin drops
 * before it may leave, so the waker never touches a freed thread.
 *
 * The fast path (last section, docs/design/ipc.md): call and reply_recv
 * with a short message, no timeout, a cached handle and a partner already
 * waiting on this CPU skip the general steps (copy in, move, lookup
 * reference, wait loop, copy out) but keep the same states, lists and
 * messages, so either side may meet a partner on the general path.
 *
 * Server death: when the last capability with M_R_RECV goes (the server
 * process exits, closes it, or it is revoked) the endpoint is dead: every
 * queued caller, every caller awaiting a reply and every receiver wakes
 * with -EPIPE, and later calls fail the same way. A server thread freed
 * while it owes a reply completes that call with -EPIPE.
 *
 * Locking: ep->lock (taken with interrupts off) protects the endpoint and
 * the IPC state of the threads in its lists; sched_wake() is called under
 * it. The thread running the wait loop keeps interrupts off from releasing
 * ep->lock until it has blocked, so it cannot be preempted while it holds
 * a hand-off obligation. Order: cap locks -> ep->lock -> run queues.
 */
#include "arch.h"
#include "arch_uframe.h"
#include "config.h"
#include "cpu.h"
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "sched.h"
#include "signal.h"

/* ---- per-thread state ---- */

struct ipc_thread *ipc_thread_current(void)
{
	struct thread *t = current_thread();
	struct ipc_thread *it = t->ipc;

	if (likely(it))
		return it;
	it = kzalloc(sizeof(*it));
	if (!it)
		return NULL;
	it->refs = 1;
	it->thread = t;
	list_init(&it->link);
	t->ipc = it;
	return it;
}

void ipc_msg_discard(struct ipc_msg *m)
{
	for (u32 i = 0; i < m->ncaps; i++)
		cap_discard(m->caps[i]);
	m->ncaps = 0;
}

/* The last reference to it is gone: free it (ipc_thread_put). */
static void ipc_thread_release(struct ipc_thread *it)
{
	ipc_msg_discard(&it->msg);
	if (it->lc_ref.obj)
		kobj_put(it->lc_ref.obj);
	kfree(it->msg.kbuf);
	kfree(it);
}

void ipc_thread_put(struct ipc_thread *it)
{
	if (__atomic_sub_fetch(&it->refs, 1, __ATOMIC_ACQ_REL) == 0)
		ipc_thread_release(it);
}

/* Move message src into dst: words, long part (blocks swapped) and capabilities. */
static void msg_move(struct ipc_msg *dst, struct ipc_msg *src)
{
	u8 *kb = dst->kbuf;

	dst->info = src->info;
	dst->badge = src->badge;
	for (u32 i = 0; i < M_MSG_REGS; i++)
		dst->mr[i] = src->mr[i];
	dst->kbuf = src->kbuf;
	src->kbuf = kb;
	for (u32 i = 0; i < src->ncaps; i++)
		dst->caps[i] = src->caps[i];
	dst->ncaps = src->ncaps;
	src->ncaps = 0;
}

/*
 * Finish partner's operation with result; it is woken by the caller.
 * ep->lock held. Last: a partner that sees IPC_DONE reads its message and
 * handoff_pin without the lock, so they must be in place first.
 */
static void complete_locked(struct ipc_thread *partner, int result)
{
	list_del(&partner->link);
	list_init(&partner->link);
	partner->result = result;
	__atomic_store_n(&partner->state, IPC_DONE, __ATOMIC_RELEASE);
}

/* The receiver takes the call of s (already off the senders list). ep->lock held. */
static void take_call_locked(struct endpoint *ep, struct ipc_thread *r, struct ipc_thread *s)
{
	msg_move(&r->msg, &s->msg);
	__atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
	kobj_get(&ep->k);
	r->reply_to = s;
	r->reply_ep = ep;
	r->reply_seq = s->call_seq;
	s->state = IPC_WAIT_REPLY;
	list_add_tail(&s->link, &ep->served);
	ep->calls++;
}

/* The reply r owed is done or abandoned: drop its references. */
static void reply_forget(struct ipc_thread *r)
{
	struct ipc_thread *c = r->reply_to;
	struct endpoint *ep = r->reply_ep;

	r->reply_to = NULL;
	r->reply_ep = NULL;
	if (c)
		ipc_thread_put(c);
	if (ep)
		kobj_put(&ep->k);
}

/* Is c still waiting for the reply r owes it? ep->lock held. */
static bool reply_wanted_locked(struct ipc_thread *r, struct ipc_thread *c, struct endpoint *ep)
{
	return c->state == IPC_WAIT_REPLY && c->ep == ep && c->call_seq == r->reply_seq;
}

/* r will never reply (it receives again, or its thread is freed): the caller gets err. */
static void reply_abandon(struct ipc_thread *r, int err)
{
	struct ipc_thread *c = r->reply_to;
	struct endpoint *ep = r->reply_ep;
	unsigned long flags;

	if (!c)
		return;
	flags = spin_lock_irqsave(&ep->lock);
	if (reply_wanted_locked(r, c, ep)) {
		complete_locked(c, err);
		sched_wake(c->thread);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	reply_forget(r);
}

void ipc_thread_free(struct thread *t)
{
	struct ipc_thread *it = t->ipc;

	if (!it)
		return;
	t->ipc = NULL;
	reply_abandon(it, -EPIPE);
	it->thread = NULL;
	ipc_thread_put(it);
}

/* ---- endpoint object ---- */

static void ep_release(struct kobj *k)
{
	kfree(container_of(k, struct endpoint, k));
}

static void ep_cap_added(struct kobj *k, u32 rights)
{
	struct endpoint *ep = container_of(k, struct endpoint, k);
	unsigned long flags;

	if (!(rights & M_R_RECV))
		return;
	flags = spin_lock_irqsave(&ep->lock);
	ep->recv_caps++;
	spin_unlock_irqrestore(&ep->lock, flags);
}

/* Wake everybody in list with -EPIPE. ep->lock held. */
static void fail_all_locked(struct list_head *list)
{
	while (!list_empty(list)) {
		struct ipc_thread *it = list_first_entry(list, struct ipc_thread, link);

		complete_locked(it, -EPIPE);
		sched_wake(it->thread);
	}
}

static void ep_cap_removed(struct kobj *k, u32 rights)
{
	struct endpoint *ep = container_of(k, struct endpoint, k);
	unsigned long flags;

	if (!(rights & M_R_RECV))
		return;
	flags = spin_lock_irqsave(&ep->lock);
	if (--ep->recv_caps == 0) {
		ep->dead = true;
		fail_all_locked(&ep->senders);
		fail_all_locked(&ep->served);
		fail_all_locked(&ep->receivers);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
}

static const struct kobj_ops ep_ops = {
	.release = ep_release,
	.cap_added = ep_cap_added,
	.cap_removed = ep_cap_removed,
};

struct endpoint *endpoint_create(void)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (!ep)
		return NULL;
	kobj_init(&ep->k, M_OBJ_ENDPOINT, &ep_ops);
	spin_init(&ep->lock, "endpoint", LOCK_RANK_NONE);
	list_init(&ep->senders);
	list_init(&ep->receivers);
	list_init(&ep->served);
	return ep;
}

/* ---- waiting ---- */

/* Give up a wait that has not completed: leave the list. ep->lock held. */
static void abort_locked(struct ipc_thread *me)
{
	list_del(&me->link);
	list_init(&me->link);
	if (me->state == IPC_WAIT_REPLY)
		me->call_seq++; /* a late reply finds a different call */
	me->state = IPC_IDLE;
}

/*
 * Hand the CPU to partner (its operation is complete) and sleep, or just
 * sleep. Interrupts are off and no lock is held; the caller's state is
 * THREAD_BLOCKED.
 */
static inline __attribute__((always_inline)) void block_handing_off(struct ipc_thread *partner)
{
	if (!partner) {
		schedule();
		return;
	}
	if (!sched_switch_to(partner->thread, &partner->handoff_pin)) {
		sched_wake(partner->thread);
		__atomic_store_n(&partner->handoff_pin, 0, __ATOMIC_RELEASE);
		schedule();
	}
}

/*
 * Wake partner after a match made under a lock now released (no sleep
 * follows). Not preemptible until the pin is dropped: the partner, once it
 * runs, spins on it - on this very CPU, were we preempted in between.
 */
static void handoff_wake(struct ipc_thread *partner)
{
	preempt_disable();
	sched_wake(partner->thread);
	__atomic_store_n(&partner->handoff_pin, 0, __ATOMIC_RELEASE);
	preempt_enable();
}

/*
 * Wait until a partner completes me (IPC_DONE), the deadline passes or a
 * signal arrives; me is in one of ep's lists. Entered with ep->lock held
 * (interrupt state flags), returns with it released. partner, if set, was
 * completed by the caller (pinned) and gets the CPU when the caller sleeps.
 */
static int wait_locked(struct ipc_thread *me, struct endpoint *ep, u64 deadline,
		       unsigned long flags, struct ipc_thread *partner)
{
	struct thread *t = current_thread();
	struct wake_timeout to;
	bool locked = true;
	int ret;

	if (deadline)
		wake_timeout_init(&to, t);
	for (;;) {
		if (__atomic_load_n(&me->state, __ATOMIC_ACQUIRE) == IPC_DONE) {
			me->state = IPC_IDLE;
			ret = me->result;
			break;
		}
		if (deadline && clock_ns() >= deadline) {
			abort_locked(me);
			ret = -ETIMEDOUT;
			break;
		}
		if (signal_pending()) {
			abort_locked(me);
			ret = -EINTR;
			break;
		}
		if (deadline && (!to.armed || wake_timeout_fired(&to))) {
			/* Armed under the lock, so the hand-off below still happens. */
			if (!to.dropped)
				wake_timeout_arm(&to, deadline);
			if (!to.dropped)
				continue;
			/* The timer heap refused it: poll the clock. */
			spin_unlock_irqrestore(&ep->lock, flags);
			if (partner)
				handoff_wake(partner);
			partner = NULL;
			sched_yield();
			flags = spin_lock_irqsave(&ep->lock);
			continue;
		}
		__atomic_store_n(&t->state, THREAD_BLOCKED, __ATOMIC_RELAXED);
		spin_unlock(&ep->lock); /* interrupts stay off: no preemption before we block */
		block_handing_off(partner);
		partner = NULL;
		arch_irq_restore(flags);
		/*
		 * Completed? Only a partner sets IPC_DONE (under the lock, after
		 * the message) and nobody but this thread changes it afterwards:
		 * no need to take the lock to see it.
		 */
		if (__atomic_load_n(&me->state, __ATOMIC_ACQUIRE) == IPC_DONE) {
			me->state = IPC_IDLE;
			ret = me->result;
			locked = false;
			break;
		}
		flags = spin_lock_irqsave(&ep->lock);
	}
	if (locked)
		spin_unlock_irqrestore(&ep->lock, flags);
	if (partner)
		handoff_wake(partner);
	if (deadline)
		wake_timeout_disarm(&to);
	/* A waker may still be on its way to wake me: it must be done before I may go. */
	while (__atomic_load_n(&me->handoff_pin, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	return ret;
}

/* ---- operations ---- */

/*
 * Call: deliver the calling thread's message (its ipc state's msg, prepared
 * by the caller) to a receiver of ep with badge, and wait for the reply,
 * which is in msg on success. -EPIPE (no server), -ETIMEDOUT, -EINTR.
 */
int endpoint_call(struct endpoint *ep, u64 badge, struct ipc_msg *m, u64 deadline)
{
	struct ipc_thread *me = container_of(m, struct ipc_thread, msg);
	struct ipc_thread *r = NULL;
	unsigned long flags = spin_lock_irqsave(&ep->lock);

	if (ep->dead) {
		spin_unlock_irqrestore(&ep->lock, flags);
		return -EPIPE;
	}
	m->badge = badge;
	me->call_seq++;
	me->ep = ep;
	if (!list_empty(&ep->receivers)) {
		r = list_first_entry(&ep->receivers, struct ipc_thread, link);
		take_call_locked(ep, r, me);
		r->handoff_pin = 1; /* before it can see IPC_DONE */
		complete_locked(r, 0);
	} else {
		me->state = IPC_SENDING;
		list_add_tail(&me->link, &ep->senders);
	}
	return wait_locked(me, ep, deadline, flags, r);
}

/*
 * Receive on ep: take a queued call or wait for one; the message lands in
 * the calling thread's msg, and it owes the caller a reply. partner (a
 * caller just replied to, pinned, may be NULL) gets the CPU if we sleep.
 */
static int recv_handing_off(struct ipc_thread *me, struct endpoint *ep, u64 deadline,
			    struct ipc_thread *partner)
{
	unsigned long flags;

	reply_abandon(me, -EPIPE); /* a reply still owed is never coming */
	flags = spin_lock_irqsave(&ep->lock);
	if (ep->dead) {
		spin_unlock_irqrestore(&ep->lock, flags);
		if (partner)
			handoff_wake(partner);
		return -EPIPE;
	}
	if (!list_empty(&ep->senders)) {
		struct ipc_thread *s = list_first_entry(&ep->senders, struct ipc_thread, link);

		list_del(&s->link);
		take_call_locked(ep, me, s);
		spin_unlock_irqrestore(&ep->lock, flags);
		if (partner)
			handoff_wake(partner);
		return 0;
	}
	me->ep = ep;
	me->state = IPC_RECEIVING;
	list_add_tail(&me->link, &ep->receivers);
	return wait_locked(me, ep, deadline, flags, partner);
}

int endpoint_recv(struct endpoint *ep, u64 deadline)
{
	struct ipc_thread *me = ipc_thread_current();

	return me ? recv_handing_off(me, ep, deadline, NULL) : -ENOMEM;
}

/*
 * Reply with the message in me->msg to the caller me owes (which is left
 * in *woken, pinned and referenced, for the caller to wake). The reply is dropped, and its
 * capabilities with it, when the caller is gone: -EPIPE for a plain reply, ignored by reply_recv.
 */
static int reply_locked_out(struct ipc_thread *me, struct ipc_thread **woken)
{
	struct ipc_thread *c = me->reply_to;
	struct endpoint *ep = me->reply_ep;
	unsigned long flags;
	int ret = -EPIPE;

	*woken = NULL;
	if (!c) {
		ipc_msg_discard(&me->msg);
		return -ENOENT;
	}
	flags = spin_lock_irqsave(&ep->lock);
	if (reply_wanted_locked(me, c, ep)) {
		msg_move(&c->msg, &me->msg);
		c->msg.badge = 0;
		c->handoff_pin = 1;
		complete_locked(c, 0);
		__atomic_fetch_add(&c->refs, 1, __ATOMIC_RELAXED); /* held until woken */
		*woken = c;
		ret = 0;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	reply_forget(me);
	ipc_msg_discard(&me->msg); /* nothing left if it was delivered */
	return ret;
}

int endpoint_reply(struct ipc_thread *me)
{
	struct ipc_thread *c;
	int ret = reply_locked_out(me, &c);

	if (c) {
		handoff_wake(c);
		ipc_thread_put(c);
	}
	return ret;
}

/* Reply (dropped silently if the caller is gone) and receive on ep, handing the CPU over. */
int endpoint_reply_recv(struct ipc_thread *me, struct endpoint *ep, u64 deadline)
{
	struct ipc_thread *c;
	int ret;

	reply_locked_out(me, &c);
	ret = recv_handing_off(me, ep, deadline, c);
	if (c)
		ipc_thread_put(c);
	return ret;
}

/* ---- fast path ---- */

/*
 * Where a fast path does not apply it calls the general one itself, with
 * nothing changed (timeout M_FOREVER, checked by the caller), instead of
 * returning a "missed" value to check: after the hand-off the system
 * call's arguments are then dead, so they do not stay in registers (and
 * spill around every call) to the end.
 */

/*
 * ep->lock on the fast path is sync.h's inline ticket lock, taken with
 * interrupts off. A lock held by another CPU sends the call to the general
 * path in a tail call that first waits for its ticket (fast_contended), so
 * that no value stays live across a call on the fast path.
 */

/*
 * The endpoint behind handle h if the thread's lookup cache holds it with
 * the rights need and is still exact (ipc_syscall.c, ep_lookup): no
 * reference taken, the cache's own keeps the endpoint alive while the
 * thread waits (only the thread itself changes its cache).
 */
static inline struct endpoint *fast_ep(struct ipc_thread *me, u64 h, u32 need)
{
	struct kobj *o = me->lc_ref.obj;

	if (likely(o && me->lc_handle == (u32)h && (me->lc_ref.rights & need) == need &&
		   me->lc_ref.version == __atomic_load_n(&me->lc_table->version, __ATOMIC_ACQUIRE)))
		return container_of(o, struct endpoint, k);
	return NULL;
}

/*
 * Can the fast path hand a short message to waiting partner p? Its message
 * holds no capabilities, and it last ran on this CPU (sched_ipc_switch
 * checks the rest under the run-queue lock; if it refuses, the partner is
 * woken the ordinary way). ep->lock held.
 */
static inline bool fast_partner_ok(struct cpu *c, struct ipc_thread *p)
{
	return p->msg.ncaps == 0 && __atomic_load_n(&p->thread->cpu, __ATOMIC_RELAXED) == c->id;
}

/*
 * The fast path's reference counts, inline: the same atomics as
 * kobj_get()/kobj_put() (cap.c) and ipc_thread_put(), for counts the
 * caller knows another holder keeps above zero (a last drop here is a bug,
 * checked in debug builds): nothing is released, nothing called.
 */
static inline void fast_kobj_get(struct kobj *o)
{
	__atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
}

static inline void fast_kobj_put_held(struct kobj *o)
{
	u32 left = __atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL);

	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		BUG_ON(left == 0);
	(void)left;
}

static inline void fast_thread_put_held(struct ipc_thread *it)
{
	u32 left = __atomic_sub_fetch(&it->refs, 1, __ATOMIC_ACQ_REL);

	if (IS_ENABLED(CONFIG_LOCK_DEBUG))
		BUG_ON(left == 0);
	(void)left;
}

/*
 * Deliver a short message (info: a label only, no long part, no handles)
 * to waiting partner p (ep->lock held): straight into its user frame if it
 * waits in a fast path (its continuation then has nothing to copy), else
 * into its kernel message as the general path expects.
 */
static inline void fast_deliver(struct ipc_thread *p, u64 info, u64 badge, u64 mr0, u64 mr1,
				u64 mr2, u64 mr3)
{
	struct ipc_msg *m = &p->msg;

	if (likely(p->fast == IPC_FAST_WAIT)) {
		arch_fast_ipc_set_words(arch_fast_user_frame(&p->thread->arch), badge, info, mr0,
					mr1, mr2, mr3);
		p->fast = IPC_FAST_IN_FRAME;
		return;
	}
	m->info = info;
	m->badge = badge;
	m->mr[0] = mr0;
	m->mr[1] = mr1;
	m->mr[2] = mr2;
	m->mr[3] = mr3;
}

/* The waker still holds our hand-off pin (see above): out of line, like spin_wait_ticket(). */
static __attribute__((noinline)) void fast_pin_wait(struct ipc_thread *me)
{
	arch_irq_enable();
	while (__atomic_load_n(&me->handoff_pin, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
}

/*
 * The end of a fast-path call or reply_recv once the thread runs again:
 * the usual completion, or the general wait loop if something else (a
 * signal, a timeout elsewhere) woke it; then the message that arrived goes
 * to user space through the thread's user frame. Interrupts off on entry;
 * the usual completion leaves them off (the system-call exit turns them
 * off anyway and returns to user mode with them on).
 */
static inline __attribute__((always_inline)) long fast_finish(struct ipc_thread *me)
{
	struct ipc_msg *m = &me->msg;
	long ret;
	u8 fast;

	if (likely(__atomic_load_n(&me->state, __ATOMIC_ACQUIRE) == IPC_DONE)) {
		me->state = IPC_IDLE;
		ret = me->result;
		if (unlikely(__atomic_load_n(&me->handoff_pin, __ATOMIC_ACQUIRE)))
			fast_pin_wait(me);
	} else {
		arch_irq_enable();
		ret = wait_locked(me, me->ep, 0, spin_lock_irqsave(&me->ep->lock), NULL);
	}
	fast = me->fast; /* listed nowhere now: nobody else changes it */
	me->fast = 0;
	if (likely(fast == IPC_FAST_IN_FRAME)) /* a fast-path partner wrote the registers (ret 0) */
		return ret;
	if (ret)
		return ret;
	if (unlikely(m->ncaps || M_INFO_LEN(m->info))) {
		arch_irq_enable();
		return ipc_msg_copy_out(me);
	}
	arch_fast_ipc_set_regs(arch_fast_user_frame(&me->thread->arch), m->badge,
			       M_INFO(M_INFO_LABEL(m->info), 0, 0), m->mr);
	return 0;
}

/*
 * The continuation of a thread that handed the CPU over on the fast path
 * (sched_ipc_switch, arch_context_switch_cont): it runs on the thread's
 * empty kernel stack when the thread runs again, and its value is the
 * system call's result. Nothing of the system call's C frames is kept, so
 * nothing is saved or restored for them.
 */
static long fast_resume(void)
{
	return fast_finish(sched_switch_finish_inline()->ipc);
}

/*
 * sched_ipc_switch() refused the hand-off to me->handoff_to (completed,
 * pinned): wake it and block the ordinary way, as block_handing_off(),
 * then finish as fast_resume() does. Everything is found again from the
 * current thread, so the fast path keeps nothing across the switch call.
 */
static __attribute__((noinline)) long fast_block_refused(void)
{
	struct ipc_thread *me = current_thread()->ipc;

	block_handing_off(me->handoff_to);
	return fast_finish(me);
}

/*
 * Hand the CPU to partner (its operation completed, pinned): the thread,
 * THREAD_BLOCKED with ep->lock released and interrupts off, continues in
 * fast_resume() when it runs again, or here if the scheduler refuses.
 */
static inline __attribute__((always_inline)) long fast_block(struct ipc_thread *me,
							     struct ipc_thread *partner)
{
	me->handoff_to = partner;
	sched_ipc_switch(partner->thread, &partner->handoff_pin, fast_resume);
	return fast_block_refused();
}

/*
 * The endpoint lock was held by another CPU when a fast path wanted it:
 * wait for our ticket, give the lock back and take the general path (the
 * thread's cached endpoint is the one whose lock it took). Interrupts were
 * turned off by the fast path and go back on.
 */
static __attribute__((noinline, cold)) void fast_contended(u16 ticket)
{
	struct ipc_thread *me = current_thread()->ipc;
	struct endpoint *ep = container_of(me->lc_ref.obj, struct endpoint, k);
	struct cpu *c = this_cpu();

	spin_wait_ticket(&ep->lock, ticket);
	spin_unlock_irqoff(c, &ep->lock);
	arch_irq_enable();
}

static __attribute__((noinline, cold)) long fast_call_contended(u64 h, u64 info, u64 mr0, u64 mr1,
								u64 mr2, u16 ticket)
{
	fast_contended(ticket);
	return ipc_call_general(h, info, M_FOREVER, mr0, mr1, mr2);
}

static __attribute__((noinline, cold)) long fast_reply_recv_contended(u64 h, u64 info, u64 mr0,
								      u64 mr1, u64 mr2, u16 ticket)
{
	fast_contended(ticket);
	return ipc_reply_recv_general(h, info, M_FOREVER, mr0, mr1, mr2);
}

/*
 * Call's fast path: a receiver is waiting on the endpoint (so no caller is
 * queued): the message goes straight into its kernel message, the caller
 * joins the served list and the CPU goes to the receiver. The same steps
 * as endpoint_call() + take_call_locked() + wait_locked(), minus what a
 * short message, no deadline and a cached handle make unnecessary.
 */
static inline __attribute__((always_inline)) long fast_call(struct ipc_thread *me, u64 h, u64 info,
							    u64 mr0, u64 mr1, u64 mr2)
{
	struct endpoint *ep = fast_ep(me, h, M_R_SEND);
	struct thread *t = me->thread;
	struct ipc_thread *r;
	unsigned long irq;
	struct trap_frame *f;
	struct cpu *c;
	u16 ticket;
	u64 mr3;

	if (!ep || me->msg.ncaps || (info & 0xffffffffull)) /* a long part, handles or bad bits */
		return ipc_call_general(h, info, M_FOREVER, mr0, mr1, mr2);
	f = arch_fast_user_frame(&t->arch);
	mr3 = arch_fast_ipc_mr3(f);
	irq = arch_irq_save();
	c = this_cpu();
	if (unlikely(!spin_take_ticket(c, &ep->lock, &ticket)))
		return fast_call_contended(h, info, mr0, mr1, mr2, ticket);
	if (ep->dead || list_empty(&ep->receivers) || thread_sig_work(t))
		goto miss;
	r = list_first_entry(&ep->receivers, struct ipc_thread, link);
	if (!fast_partner_ok(c, r))
		goto miss;
	fast_deliver(r, info, me->lc_ref.badge, mr0, mr1, mr2, mr3);
	me->call_seq++;
	me->ep = ep;
	__atomic_fetch_add(&me->refs, 1, __ATOMIC_RELAXED);
	fast_kobj_get(&ep->k);
	r->reply_to = me;
	r->reply_ep = ep;
	r->reply_seq = me->call_seq;
	me->state = IPC_WAIT_REPLY;
	list_add_tail(&me->link, &ep->served);
	me->fast = IPC_FAST_WAIT;
	ep->calls++;
	ep->fast_calls++;
	r->handoff_pin = 1;
	complete_locked(r, 0);
	__atomic_store_n(&t->state, THREAD_BLOCKED, __ATOMIC_RELAXED);
	spin_unlock_irqoff(c, &ep->lock); /* interrupts stay off: no preemption before we block */
	return fast_block(me, r);
miss:
	spin_unlock_irqoff(c, &ep->lock);
	arch_irq_restore(irq);
	return ipc_call_general(h, info, M_FOREVER, mr0, mr1, mr2);
}

/*
 * Reply_recv's fast path: the caller owed a reply waits for it on the
 * endpoint the thread receives on, and no call is queued there: the reply
 * goes straight into the caller's kernel message, the thread joins the
 * receivers and the CPU goes to the caller. The same steps as
 * reply_locked_out() + recv_handing_off() + wait_locked() for that case.
 */
static inline __attribute__((always_inline)) long
fast_reply_recv(struct ipc_thread *me, u64 h, u64 info, u64 mr0, u64 mr1, u64 mr2)
{
	struct endpoint *ep = fast_ep(me, h, M_R_RECV);
	struct ipc_thread *c = me->reply_to;
	struct thread *t = me->thread;
	unsigned long irq;
	struct trap_frame *f;
	struct cpu *cpu;
	u16 ticket;
	u64 mr3;

	if (!ep || !c || me->reply_ep != ep || me->msg.ncaps || (info & 0xffffffffull))
		return ipc_reply_recv_general(h, info, M_FOREVER, mr0, mr1, mr2);
	f = arch_fast_user_frame(&t->arch);
	mr3 = arch_fast_ipc_mr3(f);
	irq = arch_irq_save();
	cpu = this_cpu();
	if (unlikely(!spin_take_ticket(cpu, &ep->lock, &ticket)))
		return fast_reply_recv_contended(h, info, mr0, mr1, mr2, ticket);
	if (ep->dead || !list_empty(&ep->senders) || !reply_wanted_locked(me, c, ep) ||
	    !fast_partner_ok(cpu, c) || thread_sig_work(t))
		goto miss;
	fast_deliver(c, info, 0, mr0, mr1, mr2, mr3);
	c->handoff_pin = 1;
	complete_locked(c, 0);
	me->ep = ep;
	me->state = IPC_RECEIVING;
	list_add_tail(&me->link, &ep->receivers);
	me->fast = IPC_FAST_WAIT;
	/*
	 * The reply owed is delivered: forget it while the lock is held. Once
	 * it drops, a caller on another CPU may take us from receivers and
	 * set reply_to and reply_ep to its own call (take_call_locked): a
	 * store after the unlock would erase them, leaking both references
	 * and losing that call.
	 */
	me->reply_to = NULL;
	me->reply_ep = NULL;
	ep->fast_replies++;
	__atomic_store_n(&t->state, THREAD_BLOCKED, __ATOMIC_RELAXED);
	spin_unlock_irqoff(cpu, &ep->lock); /* interrupts stay off: no preemption before we block */
	/*
	 * Drop the references reply_to and reply_ep held. Neither is the
	 * last: c's thread holds its own while it waits (pinned, it cannot
	 * stop waiting), our lookup cache holds ep.
	 */
	fast_kobj_put_held(&ep->k);
	fast_thread_put_held(c);
	return fast_block(me, c);
miss:
	spin_unlock_irqoff(cpu, &ep->lock);
	arch_irq_restore(irq);
	return ipc_reply_recv_general(h, info, M_FOREVER, mr0, mr1, mr2);
}

/*
 * The system calls (entry.S calls them straight from the syscall entry on
 * x86_64): the fast path when it applies, else the general one in
 * ipc_syscall.c.
 */
long msys_ipc_call(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_thread *me = current_thread()->ipc;

	if (likely(me && timeout == M_FOREVER))
		return fast_call(me, h, info, mr0, mr1, mr2);
	return ipc_call_general(h, info, timeout, mr0, mr1, mr2);
}

long msys_ipc_reply_recv(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_thread *me = current_thread()->ipc;

	if (likely(me && timeout == M_FOREVER))
		return fast_reply_recv(me, h, info, mr0, mr1, mr2);
	return ipc_reply_recv_general(h, info, timeout, mr0, mr1, mr2);
}
