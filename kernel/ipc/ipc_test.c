/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_test.c - ktests (ktest=ipc) and a benchmark (bench=ipc) of the
 * synchronous IPC core between kernel threads: endpoint_call, recv,
 * reply and reply_recv without the system-call layer (which the user
 * program userland/tests/ipc.c covers). Kernel threads have IPC state like
 * any thread, so the same paths run: the match, the direct switch, the
 * timeouts, a dead server, a caller gone before the reply.
 */
#include "errno.h"
#include "ipc_internal.h"
#include "kbench.h"
#include "ktest.h"
#include "sched.h"

#define MS 1000000ull

struct srv_args {
	struct endpoint *ep;
	u32 served;
	int last_err;
	u64 deadline_ns; /* relative, for each wait */
};

/* Serve until a call with label 0xdead: words + 1, label echoed. */
static void echo_server(void *arg)
{
	struct srv_args *a = arg;
	struct ipc_thread *me = ipc_thread_current();
	int err;

	if (!me)
		return;
	err = endpoint_recv(a->ep, 0);
	while (!err) {
		if (M_INFO_LABEL(me->msg.info) == 0xdead) {
			endpoint_reply(me);
			break;
		}
		a->served++;
		for (int i = 0; i < M_MSG_REGS; i++)
			me->msg.mr[i]++;
		me->msg.info = M_INFO(M_INFO_LABEL(me->msg.info), 0, 0);
		err = endpoint_reply_recv(me, a->ep, 0);
	}
	a->last_err = err;
}

/* An endpoint with a receive capability counted (as a server's handle would be). */
static struct endpoint *ep_with_server(void)
{
	struct endpoint *ep = endpoint_create();

	if (ep)
		ep->k.ops->cap_added(&ep->k, M_R_RECV);
	return ep;
}

static void ep_done(struct endpoint *ep)
{
	ep->k.ops->cap_removed(&ep->k, M_R_RECV);
	kobj_put(&ep->k);
}

static int call_words(struct endpoint *ep, u32 label, u64 w, u64 deadline)
{
	struct ipc_thread *me = ipc_thread_current();

	if (!me)
		return -ENOMEM;
	me->msg.info = M_INFO(label, 0, 0);
	for (int i = 0; i < M_MSG_REGS; i++)
		me->msg.mr[i] = w + (u64)i;
	return endpoint_call(ep, 5, &me->msg, deadline);
}

static void stop_server(struct endpoint *ep, struct thread *t)
{
	call_words(ep, 0xdead, 0, 0);
	thread_join(t);
}

KTEST(ipc, call_reply_between_threads_on_one_cpu)
{
	struct thread_attr one = {.affinity = 1};
	struct srv_args a = {.ep = ep_with_server()};
	struct thread *srv = thread_create("ipc-echo", echo_server, &a, &one);
	struct ipc_thread *me;
	u32 bad = 0;

	KT_EXPECT(t, srv != NULL);
	if (!srv)
		return;
	KT_EXPECT_EQ(t, sched_set_affinity(current_thread(), 1), 0);
	for (u64 i = 0; i < 2000; i++) {
		int err = call_words(a.ep, 7, i * 10, 0);

		me = current_thread()->ipc; /* made by the first call when this thread had none */
		if (err != 0 || !me)
			bad++;
		else
			for (int w = 0; w < M_MSG_REGS; w++)
				bad += me->msg.mr[w] != i * 10 + (u64)w + 1;
	}
	stop_server(a.ep, srv);
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, a.served, 2000);
	KT_EXPECT_EQ(t, sched_set_affinity(current_thread(), ~0ull), 0);
	ep_done(a.ep);
}

KTEST(ipc, call_reply_across_cpus)
{
	struct thread_attr other = {.affinity = nr_cpus > 1 ? 2 : 1};
	struct srv_args a = {.ep = ep_with_server()};
	struct thread *srv = thread_create("ipc-echo2", echo_server, &a, &other);
	u32 bad = 0;

	KT_EXPECT(t, srv != NULL);
	if (!srv)
		return;
	for (u64 i = 0; i < 2000; i++)
		if (call_words(a.ep, 1, i, 0) != 0 || current_thread()->ipc->msg.mr[3] != i + 4)
			bad++;
	stop_server(a.ep, srv);
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, a.served, 2000);
	ep_done(a.ep);
}

KTEST(ipc, every_blocking_operation_times_out)
{
	struct endpoint *ep = ep_with_server();
	struct ipc_thread *me = ipc_thread_current();
	u64 t0 = clock_ns();

	KT_EXPECT_EQ(t, endpoint_recv(ep, clock_ns() + 10 * MS), -ETIMEDOUT);
	KT_EXPECT(t, clock_ns() - t0 >= 10 * MS);
	KT_EXPECT_EQ(t, call_words(ep, 1, 0, clock_ns() + 10 * MS), -ETIMEDOUT);
	KT_EXPECT_EQ(t, endpoint_recv(ep, clock_ns()), -ETIMEDOUT);
	KT_EXPECT(t, list_empty(&ep->senders) && list_empty(&ep->receivers));
	KT_EXPECT_EQ(t, me->state, IPC_IDLE);
	ep_done(ep);
}

static void late_server(void *arg)
{
	struct srv_args *a = arg;
	struct ipc_thread *me = ipc_thread_current();

	if (!me || endpoint_recv(a->ep, 0) != 0)
		return;
	sched_sleep_ns(30 * MS); /* the caller gives up meanwhile */
	a->last_err = endpoint_reply(me);
	a->served = 1;
}

KTEST(ipc, reply_to_a_caller_that_gave_up_is_dropped)
{
	struct srv_args a = {.ep = ep_with_server()};
	struct thread *srv = thread_create("ipc-late", late_server, &a, NULL);

	KT_EXPECT(t, srv != NULL);
	if (!srv)
		return;
	KT_EXPECT_EQ(t, call_words(a.ep, 1, 0, clock_ns() + 5 * MS), -ETIMEDOUT);
	thread_join(srv);
	KT_EXPECT_EQ(t, a.served, 1);
	KT_EXPECT_EQ(t, a.last_err, -EPIPE);
	KT_EXPECT(t, list_empty(&a.ep->served));
	ep_done(a.ep);
}

static void blocked_caller(void *arg)
{
	struct srv_args *a = arg;

	a->last_err = call_words(a->ep, 1, 0, 0);
}

KTEST(ipc, last_receive_capability_gone_wakes_callers_with_epipe)
{
	struct srv_args a = {.ep = ep_with_server(), .last_err = 1};
	struct thread *c = thread_create("ipc-caller", blocked_caller, &a, NULL);

	KT_EXPECT(t, c != NULL);
	if (!c)
		return;
	while (list_empty(&a.ep->senders))
		sched_sleep_ns(MS);
	a.ep->k.ops->cap_removed(&a.ep->k, M_R_RECV); /* the server exits */
	thread_join(c);
	KT_EXPECT_EQ(t, a.last_err, -EPIPE);
	KT_EXPECT(t, a.ep->dead);
	KT_EXPECT_EQ(t, call_words(a.ep, 1, 0, 0), -EPIPE);
	KT_EXPECT_EQ(t, endpoint_recv(a.ep, 0), -EPIPE);
	kobj_put(&a.ep->k);
}

/* Kernel part of the fast path: call + reply_recv round trips between two threads of CPU 0. */
KBENCH(ipc, kernel_call_roundtrip)
{
	struct thread_attr one = {.affinity = 1};
	struct srv_args a = {.ep = ep_with_server()};
	struct thread *srv;
	u64 t0, t1;

	if (sched_set_affinity(current_thread(), 1) != 0)
		return;
	srv = thread_create("ipc-bench", echo_server, &a, &one);
	if (!srv)
		return;
	for (int i = 0; i < 100; i++)
		call_words(a.ep, 1, 0, 0);
	t0 = kbench_cycles();
	for (int i = 0; i < 10000; i++)
		call_words(a.ep, 1, 0, 0);
	t1 = kbench_cycles();
	stop_server(a.ep, srv);
	kbench_report("ipc_kernel_call_roundtrip", (t1 - t0) / 10000, "insns");
	if (sched_set_affinity(current_thread(), ~0ull) != 0)
		return;
	ep_done(a.ep);
}
