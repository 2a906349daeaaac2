/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipc_syscall.c - the native system calls for handles, processes and
 * synchronous IPC (abi/matrioska/syscall.h, docs/api/native.md), and the
 * per-process hooks (ipc.h).
 *
 * Every call first decodes: it resolves each handle with the object type
 * and the rights it needs and checks every argument, changing nothing;
 * only then does it act. Messages are copied in from the caller's own
 * registers and IPC buffer before the endpoint is touched, and copied out
 * to the receiver's after the match (endpoint.c), each thread in its own
 * address space, through the uaccess functions.
 */
#include "arch.h"
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"

/* ---- processes ---- */

/* p->caps of a process whose handles are gone: none can be made again. */
#define CAPS_DEAD ((struct cap_table *)1)

/*
 * Only for the calling thread's own process: while one of its threads runs,
 * its table is not retired. Another process's table is taken with
 * ipc_proc_table_get_create.
 */
struct cap_table *proc_caps(struct process *p)
{
	struct cap_table *t = __atomic_load_n(&p->caps, __ATOMIC_ACQUIRE), *fresh;

	if (likely(t))
		return t == CAPS_DEAD ? NULL : t;
	fresh = cap_table_create();
	if (!fresh)
		return NULL;
	if (__atomic_compare_exchange_n(&p->caps, &t, fresh, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return fresh;
	cap_table_put(fresh); /* another thread made it first, or it exited */
	return t == CAPS_DEAD ? NULL : t;
}

struct cap_table *ipc_current_table(void)
{
	struct process *p = current_proc();

	return p ? proc_caps(p) : NULL;
}

int ipc_proc_fork(struct process *parent, struct process *child)
{
	struct cap_table *pt = __atomic_load_n(&parent->caps, __ATOMIC_ACQUIRE);

	if (!pt || pt == CAPS_DEAD)
		return 0;
	child->caps = cap_table_create();
	if (!child->caps)
		return -ENOMEM;
	return cap_table_fork(pt, child->caps);
}

/*
 * Orders ipc_proc_exit's retirement of p->caps with ipc_proc_table_get and
 * ipc_proc_table_get_create, so a table read from another process is
 * referenced before its owner can drop the last reference (ipcstat walks
 * every process's table; m_proc_open takes a child's that may be exiting).
 */
static struct spinlock caps_retire_lock = SPINLOCK_INIT("ipc_caps_retire", LOCK_RANK_NONE);

void ipc_proc_exit(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&caps_retire_lock);
	struct cap_table *t = __atomic_exchange_n(&p->caps, CAPS_DEAD, __ATOMIC_ACQ_REL);

	spin_unlock_irqrestore(&caps_retire_lock, fl);
	if (t && t != CAPS_DEAD)
		cap_table_destroy(t);
}

struct cap_table *ipc_proc_table_get(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&caps_retire_lock);
	struct cap_table *t = __atomic_load_n(&p->caps, __ATOMIC_ACQUIRE);

	if (t && t != CAPS_DEAD)
		cap_table_get(t);
	else
		t = NULL;
	spin_unlock_irqrestore(&caps_retire_lock, fl);
	return t;
}

int ipc_proc_table_get_create(struct process *p, struct cap_table **out)
{
	struct cap_table *fresh = NULL, *t;
	unsigned long fl;

	/* Made outside the lock: the table of a process seldom has to be made here. */
	if (!__atomic_load_n(&p->caps, __ATOMIC_ACQUIRE)) {
		fresh = cap_table_create();
		if (!fresh)
			return -ENOMEM;
	}
	fl = spin_lock_irqsave(&caps_retire_lock);
	t = __atomic_load_n(&p->caps, __ATOMIC_ACQUIRE);
	/* p's own threads install theirs without this lock (proc_caps): compare and swap. */
	if (!t && fresh &&
	    __atomic_compare_exchange_n(&p->caps, &t, fresh, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		t = fresh;
		fresh = NULL;
	}
	if (t && t != CAPS_DEAD)
		cap_table_get(t); /* before ipc_proc_exit can retire it: it needs this lock */
	spin_unlock_irqrestore(&caps_retire_lock, fl);
	if (fresh)
		cap_table_put(fresh);
	/* p->caps never goes back to NULL: t is a table or CAPS_DEAD here. */
	if (!t || t == CAPS_DEAD)
		return -ESRCH;
	*out = t;
	return 0;
}

int ipc_lookup(u64 h, u32 type, u32 need, struct cap_ref *r)
{
	struct cap_table *t = ipc_current_table();

	return t ? cap_lookup(t, (u32)h, type, need, r) : -EBADF;
}

/* ---- handles ---- */

long msys_handle_dup(u64 h, u64 rights, u64 badge, u64 flags, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct cap *c;

	(void)a4, (void)a5;
	if (!t)
		return -ENOMEM;
	if ((rights & ~(u64)M_R_ALL) || (flags & ~(u64)M_DUP_INHERIT))
		return -EINVAL;
	c = cap_derive(t, (u32)h, M_R_DUP, (u32)rights, badge,
		       (flags & M_DUP_INHERIT) ? CAP_F_INHERIT : 0);
	if (cap_is_err(c))
		return cap_ptr_err(c);
	return cap_attach(t, c);
}

long msys_handle_close(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return t ? cap_close(t, (u32)h) : -EBADF;
}

long msys_handle_revoke(u64 h, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return t ? cap_revoke(t, (u32)h) : -EBADF;
}

long msys_handle_info(u64 h, u64 uinfo, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct m_handle_info info = {0};
	struct cap_ref r;
	int err;

	(void)a2, (void)a3, (void)a4, (void)a5;
	err = ipc_lookup(h, 0, 0, &r);
	if (err)
		return err;
	info.type = r.obj->type;
	info.rights = r.rights;
	info.badge = r.badge;
	if (r.obj->type == M_OBJ_MEMOBJ)
		info.size = memobj_size(r.obj);
	else if (r.obj->type == M_OBJ_QUEUE)
		info.size = queue_capacity(r.obj);
	kobj_put(r.obj);
	return copy_to_user((void *)(uintptr_t)uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Is c the caller's child? (proc_for_each runs this under the tree lock.) */
struct proc_find {
	int pid;
	struct process *self;
	struct kobj *obj;
	int err;
};

static bool find_child(struct process *p, void *arg)
{
	struct proc_find *f = arg;

	if (p->pid != f->pid)
		return true;
	if (p != f->self && p->parent != f->self) {
		f->err = -EPERM;
		return false;
	}
	if (p->state != PROC_ALIVE) {
		f->err = -ESRCH;
		return false;
	}
	f->err = procobj_create(p, &f->obj);
	return false;
}

long msys_proc_open(u64 pid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct proc_find f = {.pid = (int)pid, .self = current_proc(), .err = -ESRCH};
	int h;

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!t)
		return -ENOMEM;
	if (pid == 0 || pid > 0x7fffffff)
		return -EINVAL;
	proc_for_each(find_child, &f);
	if (f.err)
		return f.err;
	h = cap_create(t, f.obj, M_R_ALL, 0, 0);
	kobj_put(f.obj);
	return h;
}

long msys_handle_give(u64 ph, u64 h, u64 rights, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct cap_ref pr;
	struct cap *c;
	int err;

	(void)a3, (void)a4, (void)a5;
	if (!t)
		return -EBADF;
	if (rights & ~(u64)M_R_ALL)
		return -EINVAL;
	err = cap_lookup(t, (u32)ph, M_OBJ_PROCESS, M_R_MANAGE, &pr);
	if (err)
		return err;
	c = cap_derive(t, (u32)h, M_R_GRANT, (u32)rights, 0, 0);
	if (cap_is_err(c))
		err = (int)cap_ptr_err(c);
	else
		err = cap_attach(procobj_table(pr.obj), c);
	kobj_put(pr.obj);
	return err;
}

/* ---- threads ---- */

long msys_thread_open(u64 ph, u64 tid, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct cap_ref pr = {0};
	struct kobj *o;
	int err, h;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (!t)
		return -ENOMEM;
	if (ph > 0xffffffffull)
		return -EBADF;
	if (tid > 0x7fffffffull)
		return -EINVAL;
	if (ph) {
		err = cap_lookup(t, (u32)ph, M_OBJ_PROCESS, M_R_MANAGE, &pr);
		if (err)
			return err;
	}
	err = threadobj_open(pr.obj, (int)tid, &o);
	if (pr.obj)
		kobj_put(pr.obj);
	if (err)
		return err;
	h = cap_create(t, o, M_R_ALL, 0, 0);
	kobj_put(o);
	return h;
}

long msys_thread_info(u64 h, u64 uinfo, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct m_thread_info info;
	struct cap_ref r;
	int err;

	(void)a2, (void)a3, (void)a4, (void)a5;
	err = ipc_lookup(h, M_OBJ_THREAD, M_R_READ, &r);
	if (err)
		return err;
	threadobj_info(r.obj, &info);
	kobj_put(r.obj);
	return copy_to_user((void *)(uintptr_t)uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Thread handle h with MANAGE: op on its object with the call's argument (op checks it). */
static long thread_manage(u64 h, int (*op)(struct kobj *o, u64 arg), u64 arg)
{
	struct cap_ref r;
	int err = ipc_lookup(h, M_OBJ_THREAD, M_R_MANAGE, &r);

	if (err)
		return err;
	err = op(r.obj, arg);
	kobj_put(r.obj);
	return err;
}

long msys_thread_set_nice(u64 h, u64 nice, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	return thread_manage(h, threadobj_set_nice, nice);
}

long msys_thread_set_affinity(u64 h, u64 mask, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	return thread_manage(h, threadobj_set_affinity, mask);
}

long msys_thread_signal(u64 h, u64 sig, u64 a2, u64 a3, u64 a4, u64 a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	return thread_manage(h, threadobj_signal, sig);
}

/* ---- synchronous IPC ---- */

long msys_ep_create(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct endpoint *ep;
	int h;

	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!t)
		return -ENOMEM;
	ep = endpoint_create();
	if (!ep)
		return -ENOMEM;
	h = cap_create(t, &ep->k, M_R_ALL, 0, 0);
	kobj_put(&ep->k);
	return h;
}

long msys_ipc_set_buffer(u64 ubuf, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct ipc_thread *me = ipc_thread_current();

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!me)
		return -ENOMEM;
	if (ubuf && (!IS_ALIGNED(ubuf, 8) ||
		     !access_ok((void *)(uintptr_t)ubuf, sizeof(struct m_ipc_buffer))))
		return -EFAULT;
	me->ubuf = (vaddr_t)ubuf;
	me->ubuf_vm = current_proc() ? current_proc()->vm : NULL;
	return 0;
}

/*
 * The calling thread's IPC buffer, or NULL: none registered, or registered
 * in an address space execve has since replaced (its address means nothing
 * in the new program).
 */
static struct m_ipc_buffer *ipc_ubuf(struct ipc_thread *me)
{
	struct process *p = current_proc();

	if (!me->ubuf || !p || p->vm != me->ubuf_vm)
		return NULL;
	return (struct m_ipc_buffer *)me->ubuf;
}

/*
 * Build the calling thread's outgoing message from info, the register
 * words and (long part, capabilities) its IPC buffer. Nothing is left
 * behind on failure.
 */
static int msg_copy_in(struct ipc_thread *me, u64 info, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_msg *m = &me->msg;
	u32 len = M_INFO_LEN(info), ncaps = M_INFO_CAPS(info);
	struct m_ipc_buffer *ub;
	u32 hs[M_MSG_MAX_CAPS], rs[M_MSG_MAX_CAPS];
	struct cap_table *t;

	ipc_msg_discard(m);
	if (len > M_MSG_MAX_DATA || ncaps > M_MSG_MAX_CAPS)
		return -EMSGSIZE;
	if (info & 0xff000000ull)
		return -EINVAL;
	m->info = info;
	m->mr[0] = mr0;
	m->mr[1] = mr1;
	m->mr[2] = mr2;
	m->mr[3] = arch_ipc_mr3(arch_user_frame(current_thread()));
	if (likely(!len && !ncaps))
		return 0;
	ub = ipc_ubuf(me);
	if (!ub)
		return -EINVAL; /* a long message needs an IPC buffer */
	if (len) {
		if (!m->kbuf)
			m->kbuf = kmalloc(M_MSG_MAX_DATA);
		if (!m->kbuf)
			return -ENOMEM;
		if (copy_from_user(m->kbuf, ub->data, len))
			return -EFAULT;
	}
	if (!ncaps)
		return 0;
	if (copy_from_user(hs, ub->caps, ncaps * sizeof(u32)) ||
	    copy_from_user(rs, ub->cap_rights, ncaps * sizeof(u32)))
		return -EFAULT;
	t = ipc_current_table();
	if (!t)
		return -EBADF;
	for (u32 i = 0; i < ncaps; i++) {
		struct cap *c = cap_derive(t, hs[i], M_R_GRANT, rs[i] & M_R_ALL, 0, 0);

		if (cap_is_err(c)) {
			ipc_msg_discard(m);
			return (int)cap_ptr_err(c);
		}
		m->caps[m->ncaps++] = c;
	}
	return 0;
}

/*
 * Deliver the message that arrived in the calling thread's state to user
 * space: capabilities into its table (0 for one that could not be placed),
 * the long part and the handles into its IPC buffer, the rest into the
 * registers. -EMSGSIZE (registers still set) when a long part or handles
 * arrived but no IPC buffer is registered; -EFAULT when it is unwritable.
 */
long ipc_msg_copy_out(struct ipc_thread *me)
{
	struct ipc_msg *m = &me->msg;
	u32 len = M_INFO_LEN(m->info), ncaps = m->ncaps;
	struct m_ipc_buffer *ub;
	u32 hs[M_MSG_MAX_CAPS];
	long ret = 0;

	if (ncaps) {
		struct cap_table *t = ipc_current_table();

		for (u32 i = 0; i < ncaps; i++) {
			int h = t ? cap_attach(t, m->caps[i]) : -ENOMEM;

			if (!t)
				cap_discard(m->caps[i]);
			hs[i] = h > 0 ? (u32)h : 0;
		}
		m->ncaps = 0;
	}
	arch_ipc_set_regs(arch_user_frame(current_thread()), m->badge,
			  M_INFO(M_INFO_LABEL(m->info), len, ncaps), m->mr);
	if (likely(!len && !ncaps))
		return 0;
	ub = ipc_ubuf(me);
	if (!ub)
		return -EMSGSIZE;
	if ((len && copy_to_user(ub->data, m->kbuf, len)) ||
	    (ncaps && copy_to_user(ub->caps, hs, ncaps * sizeof(u32))))
		ret = -EFAULT;
	return ret;
}

/*
 * Resolve an endpoint handle of the caller with the right need (r->obj
 * referenced), through the thread's one-entry cache: a server's or a
 * client's loop names the same endpoint every time, and while its table's
 * version has not moved (no handle closed or revoked) the cached answer is
 * the one cap_lookup would give, without the table's lock.
 */
static int ep_lookup(struct ipc_thread *me, u64 h, u32 need, struct cap_ref *r)
{
	struct cap_table *t;
	int err;

	if (likely(me->lc_ref.obj && me->lc_handle == (u32)h &&
		   me->lc_ref.version ==
			   __atomic_load_n(&me->lc_table->version, __ATOMIC_ACQUIRE))) {
		if ((me->lc_ref.rights & need) != need)
			return -EPERM;
		*r = me->lc_ref;
		kobj_get(r->obj);
		return 0;
	}
	t = ipc_current_table();
	if (!t)
		return -EBADF;
	err = cap_lookup(t, (u32)h, M_OBJ_ENDPOINT, need, r);
	if (err)
		return err;
	if (me->lc_ref.obj)
		kobj_put(me->lc_ref.obj);
	kobj_get(r->obj);
	me->lc_table = t;
	me->lc_handle = (u32)h;
	me->lc_ref = *r;
	return 0;
}

/* Call, the general way (msys_ipc_call, in endpoint.c, tries the fast path first). */
long ipc_call_general(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_thread *me = ipc_thread_current();
	struct cap_ref r;
	long ret;

	if (!me)
		return -ENOMEM;
	ret = ep_lookup(me, h, M_R_SEND, &r);
	if (ret)
		return ret;
	ret = msg_copy_in(me, info, mr0, mr1, mr2);
	if (!ret)
		ret = endpoint_call(container_of(r.obj, struct endpoint, k), r.badge, &me->msg,
				    ipc_deadline(timeout));
	if (!ret)
		ret = ipc_msg_copy_out(me);
	else
		ipc_msg_discard(&me->msg);
	kobj_put(r.obj);
	return ret;
}

long msys_ipc_recv(u64 h, u64 a1, u64 timeout, u64 a3, u64 a4, u64 a5)
{
	struct ipc_thread *me = ipc_thread_current();
	struct cap_ref r;
	long ret;

	(void)a1, (void)a3, (void)a4, (void)a5;
	if (!me)
		return -ENOMEM;
	ret = ep_lookup(me, h, M_R_RECV, &r);
	if (ret)
		return ret;
	ret = endpoint_recv(container_of(r.obj, struct endpoint, k), ipc_deadline(timeout));
	if (!ret)
		ret = ipc_msg_copy_out(me);
	kobj_put(r.obj);
	return ret;
}

long msys_ipc_reply(u64 a0, u64 info, u64 a2, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_thread *me = ipc_thread_current();
	long ret;

	(void)a0, (void)a2;
	if (!me)
		return -ENOMEM;
	if (!me->reply_to)
		return -ENOENT;
	ret = msg_copy_in(me, info, mr0, mr1, mr2); /* leaves nothing behind on failure */
	return ret ? ret : endpoint_reply(me);
}

/* Reply_recv, the general way (msys_ipc_reply_recv, in endpoint.c, tries the fast path first). */
long ipc_reply_recv_general(u64 h, u64 info, u64 timeout, u64 mr0, u64 mr1, u64 mr2)
{
	struct ipc_thread *me = ipc_thread_current();
	struct cap_ref r;
	long ret;

	if (!me)
		return -ENOMEM;
	ret = ep_lookup(me, h, M_R_RECV, &r);
	if (ret)
		return ret;
	ret = msg_copy_in(me, info, mr0, mr1, mr2);
	if (!ret)
		ret = endpoint_reply_recv(me, container_of(r.obj, struct endpoint, k),
					  ipc_deadline(timeout));
	if (!ret)
		ret = ipc_msg_copy_out(me);
	else
		ipc_msg_discard(&me->msg); /* a reply not sent, or a half-copied one */
	kobj_put(r.obj);
	return ret;
}
