/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threadobj.c - thread objects: what an M_OBJ_THREAD handle names
 * (m_thread_open, ipc_syscall.c; docs/design/capabilities.md).
 *
 * The object holds no pointer to its thread. It names the thread by its
 * process's pid and its kernel thread id (thread->tid: given once from a
 * counter, never reused), and every operation finds the thread again under
 * proc_tree_lock (proc_for_each): a process found under the pid whose
 * thread list holds that kernel id. A thread that has exited - and may have
 * been freed long ago - is simply not found: the operation returns -ESRCH
 * (m_thread_info reports M_THREAD_EXITED), and no freed memory is ever
 * reached through a handle. A reused pid names another process, whose
 * threads all have other kernel ids.
 *
 * Under proc_tree_lock a thread cannot leave its process (proc_do_exit
 * unlinks it under that lock, and only then exits), so what is done to the
 * thread found is done to a live thread. The operations done there never
 * sleep: reading its state, sched_set_policy on another thread (run-queue
 * lock; the order proc_tree_lock -> run queues is the one signals already
 * use), signal_send_thread_info (as tgkill does). Setting the calling
 * thread's own nice is done outside the lock (sched_set_policy may switch
 * away then); the caller cannot exit meanwhile.
 *
 * Opening: through a process handle with MANAGE (the caller itself or a
 * child, m_proc_open), a thread of that process by its Linux thread id; the
 * process found under the handle's pid must still own the handle's table
 * (procobj.c), so a handle to an exited process opens nothing. Without a
 * process handle, a thread of the caller's own process (tid 0: the calling
 * thread) - the threads of one process share everything already.
 */
#include "cred.h"
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"

struct threadobj {
	struct kobj k;
	int pid;  /* its process */
	int tid;  /* its Linux thread id when opened (shown by /proc/ipc) */
	u64 ktid; /* thread->tid: unique for the life of the system */
};

static void threadobj_release(struct kobj *k)
{
	kfree(container_of(k, struct threadobj, k));
}

static const struct kobj_ops threadobj_ops = {.release = threadobj_release};

static struct threadobj *to_threadobj(struct kobj *o)
{
	return container_of(o, struct threadobj, k);
}

/*
 * The thread of p with kernel id ktid, or (ktid 0) with Linux id tid, or
 * NULL. proc_tree_lock held: the thread found stays in p until it is dropped.
 */
static struct thread *thread_in_locked(struct process *p, u64 ktid, int tid)
{
	struct thread *t, *found = NULL;

	if (p->state != PROC_ALIVE)
		return NULL;
	spin_lock(&p->lock);
	list_for_each_entry (t, &p->threads, proc_link)
		if (ktid ? t->tid == ktid : t->user_tid == tid) {
			found = t;
			break;
		}
	spin_unlock(&p->lock);
	return found;
}

/* One search by pid (proc_for_each), then fn on the thread found, still under the lock. */
struct thread_walk {
	int pid;
	u64 ktid;		 /* find by kernel id, or (0) by Linux id: */
	int tid;		 /* ... this one */
	struct cap_table *table; /* when set, the process must own this table */
	int (*fn)(struct thread *t, struct thread_walk *w);
	void *arg;
	int err;
};

static bool thread_walk_one(struct process *p, void *arg)
{
	struct thread_walk *w = arg;
	struct thread *t;

	if (p->pid != w->pid)
		return true;
	if (w->table && __atomic_load_n(&p->caps, __ATOMIC_ACQUIRE) != w->table)
		return false; /* another process under a reused pid, or its table retired */
	t = thread_in_locked(p, w->ktid, w->tid);
	if (t)
		w->err = w->fn(t, w);
	return false;
}

/* Run w->fn on the thread w names: its result, or -ESRCH when there is no such thread. */
static int thread_walk(struct thread_walk *w)
{
	w->err = -ESRCH;
	proc_for_each(thread_walk_one, w);
	return w->err;
}

/* ---- open ---- */

static int open_found(struct thread *t, struct thread_walk *w)
{
	struct threadobj *to = w->arg;

	to->ktid = t->tid;
	to->tid = t->user_tid;
	return 0;
}

int threadobj_open(struct kobj *po, int tid, struct kobj **out)
{
	struct thread *me = current_thread();
	struct threadobj *to;
	struct thread_walk w = {.fn = open_found};
	int err;

	if (tid < 0 || (po && tid == 0) || !me->proc)
		return -EINVAL;
	to = kzalloc(sizeof(*to));
	if (!to)
		return -ENOMEM;
	kobj_init(&to->k, M_OBJ_THREAD, &threadobj_ops);
	if (!po && (tid == 0 || tid == me->user_tid)) {
		to->pid = me->proc->pid;
		to->tid = me->user_tid;
		to->ktid = me->tid;
		*out = &to->k;
		return 0;
	}
	w.pid = po ? procobj_pid(po) : me->proc->pid;
	w.tid = tid;
	w.table = po ? procobj_table(po) : NULL;
	w.arg = to;
	err = thread_walk(&w);
	if (err) {
		kobj_put(&to->k);
		return err;
	}
	to->pid = w.pid;
	*out = &to->k;
	return 0;
}

/* ---- operations ---- */

static void walk_init(struct thread_walk *w, struct threadobj *to,
		      int (*fn)(struct thread *t, struct thread_walk *w), void *arg)
{
	*w = (struct thread_walk){.pid = to->pid, .ktid = to->ktid, .fn = fn, .arg = arg};
}

static int info_found(struct thread *t, struct thread_walk *w)
{
	struct m_thread_info *info = w->arg;

	/* A snapshot: each field read once, without the run-queue lock. */
	info->tid = __atomic_load_n(&t->user_tid, __ATOMIC_RELAXED);
	info->state = __atomic_load_n(&t->state, __ATOMIC_RELAXED) == THREAD_BLOCKED
			      ? M_THREAD_BLOCKED
			      : M_THREAD_RUNNABLE;
	info->policy = __atomic_load_n(&t->policy, __ATOMIC_RELAXED);
	info->nice = __atomic_load_n(&t->nice, __ATOMIC_RELAXED);
	info->cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
	info->affinity = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED);
	info->runtime_ns = __atomic_load_n(&t->runtime_ns, __ATOMIC_RELAXED);
	return 0;
}

void threadobj_info(struct kobj *o, struct m_thread_info *info)
{
	struct threadobj *to = to_threadobj(o);
	struct thread_walk w;

	memset(info, 0, sizeof(*info));
	info->tid = to->tid;
	info->pid = to->pid;
	info->ktid = to->ktid;
	walk_init(&w, to, info_found, info);
	if (thread_walk(&w))
		info->state = M_THREAD_EXITED;
}

struct nice_args {
	int nice;
	bool privileged;
};

static int nice_found(struct thread *t, struct thread_walk *w)
{
	struct nice_args *a = w->arg;

	if (t->policy != SCHED_NORMAL)
		return -EINVAL; /* nice means nothing to a real-time thread */
	if (a->nice < t->nice && !a->privileged)
		return -EPERM; /* only root raises a priority (Linux's rule) */
	if (t == current_thread())
		return 1; /* done by the caller, outside the lock */
	return sched_set_policy(t, SCHED_NORMAL, a->nice);
}

int threadobj_set_nice(struct kobj *o, u64 nice)
{
	struct process *self = current_proc();
	struct nice_args a = {.privileged = self && cred_is_root(&self->cred)};
	struct thread_walk w;
	int err;

	if ((s64)nice < NICE_MIN || (s64)nice > NICE_MAX)
		return -EINVAL;
	a.nice = (int)nice;
	walk_init(&w, to_threadobj(o), nice_found, &a);
	err = thread_walk(&w);
	if (err == 1)
		err = sched_set_policy(current_thread(), SCHED_NORMAL, a.nice);
	return err;
}

static int affinity_found(struct thread *t, struct thread_walk *w)
{
	u64 mask = *(const u64 *)w->arg;

	if (t == current_thread())
		return 1; /* done by the caller, outside the lock: it may switch CPUs */
	return sched_set_affinity(t, mask);
}

int threadobj_set_affinity(struct kobj *o, u64 mask)
{
	struct thread_walk w;
	int err;

	walk_init(&w, to_threadobj(o), affinity_found, &mask);
	err = thread_walk(&w);
	if (err == 1)
		err = sched_set_affinity(current_thread(), mask);
	return err;
}

static int signal_found(struct thread *t, struct thread_walk *w)
{
	const struct ksiginfo *ki = w->arg;

	return ki->signo ? signal_send_thread_info(t, ki->signo, ki, false) : 0;
}

int threadobj_signal(struct kobj *o, u64 sig)
{
	struct ksiginfo ki;
	struct thread_walk w;

	if (sig > NSIG)
		return -EINVAL;
	signal_info_from_current(&ki, (int)sig, SI_TKILL);
	walk_init(&w, to_threadobj(o), signal_found, &ki);
	return thread_walk(&w);
}

void threadobj_ids(struct kobj *o, int *pid, int *tid)
{
	*pid = to_threadobj(o)->pid;
	*tid = to_threadobj(o)->tid;
}
