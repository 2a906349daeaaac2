/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc.c - processes: creation (flat images for ktests, fork/vfork/clone),
 * exit and zombies, wait4 with reparenting to init, process groups and
 * sessions, and process-directed signals.
 *
 * Lifetime: a process is created with one thread. When its last thread
 * leaves (proc_exit), it closes its files, drops its address space,
 * hands its children to init (pid 1), becomes a zombie and wakes its
 * parent's child_wq; the parent's wait4 frees it. A process without a
 * parent (started by the kernel) completes p->done instead, and whoever
 * started it calls proc_wait() to free it.
 *
 * Locking: see proc.h. proc_tree_lock is a leaf spinlock taken with
 * interrupts off; nothing sleeps under it.
 */
#include "proc.h"
#include "arch.h"
#include "errno.h"
#include "futex.h"
#include "ipc.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "sched.h"
#include "timer.h"
#include "uaccess.h"
#include "vfs.h"
#include "vm.h"

#define USER_STACK_SIZE (64 * 1024)
#define FLAT_BSS_EXTRA (64 * 1024) /* zero-filled room after a flat image */
#define PID_MAX 32768

static struct spinlock proc_tree_lock = SPINLOCK_INIT("proc_tree", LOCK_RANK_NONE);
static LIST_HEAD(all_procs); /* every process, by creation; proc_tree_lock */
static int last_pid;
static u64 pid_used[PID_MAX / 64]; /* process ids and thread ids in use; proc_tree_lock */
static int nr_procs;
static struct process *init_proc;

struct process *current_proc(void)
{
	struct thread *t = current_thread();

	return t ? t->proc : NULL;
}

static struct process *find_pid_locked(int pid)
{
	struct process *p;

	list_for_each_entry (p, &all_procs, all_link)
		if (p->pid == pid)
			return p;
	return NULL;
}

/*
 * The next free id (wrapping, skipping used ones); proc_tree_lock held.
 * Processes and threads share one id space, as on Linux: a process's pid
 * is its first thread's tid, and is free again once it is reaped; another
 * thread's tid is free again when that thread ends.
 */
static int alloc_pid_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int pid = last_pid + 1 >= PID_MAX ? 2 : last_pid + 1;

		last_pid = pid;
		if (!(pid_used[pid / 64] & (1ull << (pid % 64))) && !find_pid_locked(pid)) {
			pid_used[pid / 64] |= 1ull << (pid % 64);
			return pid;
		}
	}
	return -EAGAIN;
}

static void free_pid_locked(int pid)
{
	if (pid > 0 && pid < PID_MAX)
		pid_used[pid / 64] &= ~(1ull << (pid % 64));
}

static void free_pid(int pid)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);

	free_pid_locked(pid);
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

/* A zeroed process with its locks and lists set up, not yet visible. */
static struct process *proc_alloc(void)
{
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_link);
	list_init(&p->threads);
	spin_init(&p->lock, "process", LOCK_RANK_NONE);
	wait_queue_init(&p->child_wq, "child_wq");
	wait_queue_init(&p->thread_wq, "thread_wq");
	signal_proc_init(p);
	completion_init(&p->done, "process done");
	p->start_ns = clock_ns();
	p->mmap_top = arch_user_top() - GiB(1);
	return p;
}

static void proc_free(struct process *p)
{
	signal_proc_free(p);
	if (p->pid)
		free_pid(p->pid);
	kfree(p);
}

/* Make p visible with a new pid; returns the pid or -EAGAIN. */
static int proc_publish(struct process *p, struct process *parent)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	int pid = alloc_pid_locked();

	if (pid > 0) {
		p->pid = pid;
		p->parent = parent;
		if (parent)
			list_add_tail(&p->sibling, &parent->children);
		list_add_tail(&p->all_link, &all_procs);
		nr_procs++;
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return pid;
}

/* The calling thread joins p. */
static void proc_attach_current(struct process *p)
{
	struct thread *t = current_thread();
	unsigned long f = spin_lock_irqsave(&p->lock);

	t->proc = p;
	t->user_tid = p->pid;
	list_add_tail(&t->proc_link, &p->threads);
	spin_unlock_irqrestore(&p->lock, f);
}

void proc_set_name(struct process *p, const char *path)
{
	const char *base = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	strlcpy(p->name, base, sizeof(p->name));
}

void proc_set_cmdline(struct process *p, const char *const *argv, u32 argc)
{
	u32 len = 0;

	for (u32 i = 0; i < argc && argv[i]; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (len + n > sizeof(p->cmdline))
			break;
		memcpy(p->cmdline + len, argv[i], n);
		len += (u32)n;
	}
	p->cmdline_len = len;
}

/* ---- flat images (ktests) ---- */

static void flat_thread_main(void *arg)
{
	struct process *p = arg;

	proc_attach_current(p);
	vm_space_activate(p->vm);
	arch_enter_user(p->entry, p->stack_top);
}

static int load_image(struct process *p, const void *image, size_t len, vaddr_t addr)
{
	struct vm_space *old = vm_current();
	int err;

	vm_space_activate(p->vm);
	err = copy_to_user((void *)addr, image, len);
	vm_space_activate(old);
	return err;
}

struct process *proc_spawn_flat(const char *name, const void *image, size_t len, vaddr_t load_addr,
				vaddr_t entry)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL};
	size_t span = ALIGN_UP(len, PAGE_SIZE) + FLAT_BSS_EXTRA;
	vaddr_t stack_base = arch_user_top() - USER_STACK_SIZE;
	struct process *p = proc_alloc();

	if (!p)
		return NULL;
	p->vm = vm_space_create();
	if (!p->vm)
		goto out_free;
	if (vm_map_anon(p->vm, load_addr, span, VM_READ | VM_WRITE | VM_EXEC) ||
	    vm_map_anon(p->vm, stack_base, USER_STACK_SIZE, VM_READ | VM_WRITE) ||
	    load_image(p, image, len, load_addr))
		goto out_vm;
	proc_set_name(p, name);
	p->cred = cred_root;
	p->entry = entry;
	p->stack_top = arch_user_top() - 64; /* 16-byte aligned, a little headroom */
	p->nr_threads = 1;
	p->pgid = p->sid = 0;
	if (proc_publish(p, NULL) < 0)
		goto out_vm;
	p->pgid = p->sid = p->pid;
	/* Joined by proc_wait(), so the process is gone for good when it returns. */
	p->main_thread = thread_create(name, flat_thread_main, p, &attr);
	if (!p->main_thread)
		goto out_unpublish;
	return p;

out_unpublish : {
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);

	list_del(&p->all_link);
	nr_procs--;
	spin_unlock_irqrestore(&proc_tree_lock, f);
}
out_vm:
	vm_space_destroy(p->vm);
out_free:
	proc_free(p);
	return NULL;
}

int proc_wait(struct process *p)
{
	unsigned long f;
	int code;

	wait_for_completion(&p->done);
	thread_join(p->main_thread);
	code = p->exit_code;
	f = spin_lock_irqsave(&proc_tree_lock);
	list_del(&p->all_link);
	nr_procs--;
	spin_unlock_irqrestore(&proc_tree_lock, f);
	proc_free(p);
	return code;
}

/* ---- exit ---- */

/* Release what a process holds in user space terms: handles, timer, files, fs, memory. */
static void proc_release_resources(struct process *p)
{
	struct vm_space *vm = p->vm;

	ipc_proc_exit(p);	  /* handles first: servers' clients learn at once */
	signal_itimer_release(p); /* a zombie's interval timer would go on firing for nobody */
	if (p->files) {
		fdtable_put(p->files);
		p->files = NULL;
	}
	if (p->fs) {
		fs_struct_put(p->fs);
		p->fs = NULL;
	}
	if (p->exe) {
		file_put(p->exe);
		p->exe = NULL;
	}
	p->vm = NULL;
	if (vm && !p->vm_borrowed)
		vm_space_destroy(vm); /* switches this CPU to the kernel's table first */
	else if (vm)
		vm_space_activate(NULL);
}

/*
 * A child of parent changed state: wake its wait4 and, if child is given,
 * send the parent SIGCHLD with code (CLD_*) and status. proc_tree_lock held.
 */
static void notify_parent_locked(struct process *parent, struct process *child, int code,
				 int status)
{
	__atomic_fetch_add(&parent->child_events, 1, __ATOMIC_RELEASE);
	if (child)
		signal_child_notify_locked(parent, child, code, status);
	wake_up_all(&parent->child_wq);
}

/* A wait status as SIGCHLD's si_code and si_status. */
static void exit_status_to_cld(int wstatus, int *code, int *status)
{
	if ((wstatus & 0x7f) == 0) {
		*code = CLD_EXITED;
		*status = (wstatus >> 8) & 0xff;
	} else {
		*code = (wstatus & 0x80) ? CLD_DUMPED : CLD_KILLED;
		*status = wstatus & 0x7f;
	}
}

/*
 * Is process group pgid orphaned (POSIX): no member has a parent in
 * another group of the same session? proc_tree_lock held. ignore: a
 * process that no longer counts (the one exiting).
 */
static bool pgrp_orphaned_locked(int pgid, struct process *ignore)
{
	struct process *q;

	list_for_each_entry (q, &all_procs, all_link) {
		if (q->pgid != pgid || q == ignore || q->state != PROC_ALIVE)
			continue;
		if (q->parent && q->parent != ignore && q->parent->pgid != pgid &&
		    q->parent->sid == q->sid)
			return false;
	}
	return true;
}

bool proc_pgrp_orphaned(int pgid)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	bool orphaned = pgrp_orphaned_locked(pgid, NULL);

	spin_unlock_irqrestore(&proc_tree_lock, f);
	return orphaned;
}

/*
 * p is leaving: a group it kept from being orphaned (its own, or a
 * child's) that has stopped members gets SIGHUP then SIGCONT (POSIX), so
 * nobody stays stopped with no one left to continue them.
 * proc_tree_lock held.
 */
static void orphan_check_locked(struct process *p, int pgid)
{
	struct process *q;
	bool stopped = false;

	list_for_each_entry (q, &all_procs, all_link)
		if (q->pgid == pgid && q != p && q->state == PROC_ALIVE)
			stopped |= __atomic_load_n(&q->sigs.stopped, __ATOMIC_ACQUIRE);
	if (!stopped || pgrp_orphaned_locked(pgid, NULL) || !pgrp_orphaned_locked(pgid, p))
		return;
	list_for_each_entry (q, &all_procs, all_link)
		if (q->pgid == pgid && q != p && q->state == PROC_ALIVE) {
			(void)signal_send_proc_info(q, SIGHUP, NULL, false);
			(void)signal_send_proc_info(q, SIGCONT, NULL, false);
		}
}

void proc_job_report(struct process *p, u32 what, int sig)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);

	if (p->state == PROC_ALIVE) {
		p->sigs.report = what;
		if (p->parent)
			notify_parent_locked(
				p->parent, p,
				what == SIG_REPORT_STOPPED ? CLD_STOPPED : CLD_CONTINUED, sig);
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

/*
 * Make every other thread of p leave: SIGKILL, which no mask holds back,
 * ends each on its way back to user mode (a sleep is interrupted).
 * p->lock held.
 */
static void kill_other_threads_locked(struct process *p, struct thread *self)
{
	struct thread *o;

	list_for_each_entry (o, &p->threads, proc_link) {
		if (o == self)
			continue;
		__atomic_fetch_or(&o->sig_pending, SIGMASK(SIGKILL), __ATOMIC_RELEASE);
		sched_wake(o);
	}
}

/*
 * The calling thread's CLONE_CHILD_CLEARTID word: zeroed and woken (a
 * pthread_join or the C library's thread-list lock waits on it). Done while
 * the thread still counts, so the address space is still there.
 */
static void thread_clear_child_tid(struct thread *t)
{
	u64 uaddr = t->clear_child_tid;
	u32 zero = 0;

	t->clear_child_tid = 0;
	if (uaddr && !copy_to_user((void *)(uintptr_t)uaddr, &zero, sizeof(zero)))
		futex_wake_user(uaddr, 1);
}

/*
 * The calling thread leaves its process. group: exit_group or a fatal
 * signal - the first such call fixes the status and kills the other
 * threads; otherwise (SYS_exit) only this thread ends, and the status
 * counts only if it was the last. The last thread out releases the
 * process's resources and makes it a zombie.
 */
static __noreturn void proc_do_exit(int status, int legacy_code, bool group)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	struct process *parent, *c, *tmp, *zombie = NULL;
	struct completion *vfork_done = NULL;
	unsigned long f, tf;
	bool last, autoreap = false;

	if (!p)
		thread_exit(legacy_code);
	f = spin_lock_irqsave(&p->lock);
	if (p->exec_thread && p->exec_thread != t)
		group = false; /* killed by execve in another thread: only this thread ends */
	if (group && !p->exiting) {
		p->exiting = true;
		p->exit_status = status;
		p->exit_code = legacy_code;
		kill_other_threads_locked(p, t);
	}
	spin_unlock_irqrestore(&p->lock, f);
	futex_exit_robust_list(t, t->user_tid);
	thread_clear_child_tid(t);

	tf = spin_lock_irqsave(&proc_tree_lock); /* main_thread changes under it */
	spin_lock(&p->lock);
	last = p->nr_threads == 1;
	if (last && p == init_proc)
		panic("init (pid 1) exited with status %#x", p->exiting ? p->exit_status : status);
	if (!last) {
		/*
		 * Off the address space before it stops counting us: the last
		 * thread may free the space on another CPU right after.
		 */
		t->proc = NULL;
		vm_space_activate(NULL);
	}
	list_del(&t->proc_link);
	p->nr_threads--;
	p->children_runtime_ns += t->runtime_ns;
	if (!last) {
		if (p->main_thread == t) /* process-directed signals need a live thread */
			p->main_thread = list_first_entry(&p->threads, struct thread, proc_link);
		if (t->user_tid != p->pid)
			free_pid_locked(t->user_tid);
		/* Its own signals go; the process's it was picked for go to another thread. */
		signal_thread_exit_locked(p, t);
		wake_up_all(&p->thread_wq); /* under p->lock: p cannot be freed meanwhile */
		spin_unlock(&p->lock);
		spin_unlock_irqrestore(&proc_tree_lock, tf);
		thread_exit(legacy_code);
	}
	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = status;
		p->exit_code = legacy_code;
	}
	vfork_done = p->vfork_done;
	p->vfork_done = NULL;
	spin_unlock(&p->lock);
	spin_unlock_irqrestore(&proc_tree_lock, tf);

	proc_release_resources(p);
	if (vfork_done)
		complete(vfork_done);

	f = spin_lock_irqsave(&proc_tree_lock);
	orphan_check_locked(p, p->pgid);
	/* Children go to init (or lose their parent if there is no init). */
	list_for_each_entry_safe (c, tmp, &p->children, sibling) {
		if (c->pgid != p->pgid)
			orphan_check_locked(p, c->pgid);
		list_del(&c->sibling);
		c->parent = init_proc;
		if (init_proc) {
			list_add_tail(&c->sibling, &init_proc->children);
			if (c->state == PROC_ZOMBIE)
				zombie = c; /* init is told, with SIGCHLD, as on Linux */
		} else {
			list_init(&c->sibling);
		}
	}
	p->state = PROC_ZOMBIE;
	parent = p->parent;
	t->proc = NULL;
	/*
	 * Tell the parent while still holding the tree lock: once it is
	 * dropped the parent may exit and be reaped (and p with it). Waiters
	 * never take this lock inside their wait queue's lock (see wait4).
	 */
	if (zombie) {
		int code, cstatus;

		exit_status_to_cld(zombie->exit_status, &code, &cstatus);
		notify_parent_locked(init_proc, zombie, code, cstatus);
	}
	if (parent) {
		int code, cstatus;

		exit_status_to_cld(p->exit_status, &code, &cstatus);
		notify_parent_locked(parent, p, code, cstatus);
		/* SIGCHLD ignored or SA_NOCLDWAIT: nobody will wait4; reaped here. */
		autoreap = signal_parent_autoreaps(parent);
		if (autoreap) {
			list_del(&p->sibling);
			list_del(&p->all_link);
			nr_procs--;
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	if (!parent)
		complete_all(&p->done);
	if (autoreap)
		proc_free(p); /* this thread no longer refers to it (t->proc is NULL) */
	thread_exit(legacy_code);
}

void proc_exit(int code)
{
	proc_do_exit((code & 0xff) << 8, code & 0xff, true);
}

void proc_thread_exit(int code)
{
	proc_do_exit((code & 0xff) << 8, code & 0xff, false);
}

void proc_exit_signal(int sig, bool core)
{
	struct process *p = current_proc();

	if (p && sig != SIGKILL && sig != SIGINT && sig != SIGTERM && sig != SIGPIPE)
		pr_warn("[user] %s (pid %d) killed by signal %d%s", p->name, p->pid, sig,
			core ? " (core dumped)" : "");
	proc_do_exit(sig | (core ? 0x80 : 0), 128 + sig, true);
}

/* ---- wait4 ---- */

static bool child_matches(struct process *parent, struct process *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == parent->pgid;
	return c->pgid == -pid;
}

struct wait_scan {
	struct process *parent;
	int pid;
	int options;
	struct process *zombie; /* found and unlinked */
	int reported;		/* pid of a stopped/continued child reported, or 0 */
	int report_status;	/* its wait status */
	bool any;		/* some child matches at all */
};

/*
 * Find (and unlink) a matching zombie, or with WUNTRACED / WCONTINUED a
 * child with a stop or continue not yet reported; note whether any child
 * matches.
 */
static void wait_scan(struct wait_scan *w)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	struct process *c;

	w->any = false;
	list_for_each_entry (c, &w->parent->children, sibling) {
		if (!child_matches(w->parent, c, w->pid))
			continue;
		w->any = true;
		if (c->state == PROC_ALIVE && c->sigs.report == SIG_REPORT_STOPPED &&
		    (w->options & WUNTRACED)) {
			c->sigs.report = 0;
			w->reported = c->pid;
			w->report_status = (c->sigs.stop_sig << 8) | 0x7f;
			break;
		}
		if (c->state == PROC_ALIVE && c->sigs.report == SIG_REPORT_CONTINUED &&
		    (w->options & WCONTINUED)) {
			c->sigs.report = 0;
			w->reported = c->pid;
			w->report_status = 0xffff;
			break;
		}
		if (c->state == PROC_ZOMBIE) {
			list_del(&c->sibling);
			list_del(&c->all_link);
			nr_procs--;
			w->zombie = c;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

struct wait_events {
	struct process *p;
	u32 seen;
};

/* wait_until condition: some child changed state since the last scan. */
static bool child_event_cond(void *arg)
{
	struct wait_events *e = arg;

	return __atomic_load_n(&e->p->child_events, __ATOMIC_ACQUIRE) != e->seen;
}

int proc_wait4(int pid, int *status, int options, u64 *child_runtime_ns)
{
	struct process *self = current_proc();
	struct wait_scan w = {.parent = self, .pid = pid, .options = options};
	struct wait_events ev = {.p = self};
	int ret;

	if (!self)
		return -ECHILD;
	if (options & ~(WNOHANG | WUNTRACED | 0x40000000 /* __WALL */ | 0x80000000 /* __WCLONE */ |
			WCONTINUED))
		return -EINVAL;
	for (;;) {
		/* Read the counter before scanning: an exit after the scan changes it. */
		ev.seen = __atomic_load_n(&self->child_events, __ATOMIC_ACQUIRE);
		wait_scan(&w);
		if (w.zombie || w.reported || !w.any || (options & WNOHANG))
			break;
		ret = wait_until_intr(&self->child_wq, child_event_cond, &ev, 0);
		if (ret)
			return ret;
	}
	if (w.reported) {
		if (status)
			*status = w.report_status;
		if (child_runtime_ns)
			*child_runtime_ns = 0;
		return w.reported;
	}
	if (!w.zombie)
		return w.any ? 0 : -ECHILD;
	/* The zombie's thread may still be finishing thread_exit; it is detached and frees itself.
	 */
	if (status)
		*status = w.zombie->exit_status;
	if (child_runtime_ns)
		*child_runtime_ns = w.zombie->children_runtime_ns;
	self->children_runtime_ns += w.zombie->children_runtime_ns;
	ret = w.zombie->pid;
	proc_free(w.zombie);
	return ret;
}

/* ---- fork ---- */

struct fork_args {
	struct process *child;
	u64 tls, sig_blocked; /* the parent's thread pointer and signal mask */
	u64 sas_sp, sas_size; /* and its sigaltstack */
	u8 frame[];	      /* the child's initial user registers (arch_user_frame_size bytes) */
};

/*
 * The process's first thread is published (main_thread). Signals sent
 * before it existed (kill right after fork) wait in the process's pending
 * set; fork_child_main's signal_recalc() makes the thread look at them.
 */
static void publish_main_thread(struct process *p, struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);

	p->main_thread = t;
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

static void fork_child_main(void *arg)
{
	struct fork_args *fa = arg;
	struct thread *t = current_thread();

	proc_attach_current(fa->child);
	publish_main_thread(fa->child, t);
	arch_set_tls(t, fa->tls);
	t->sig_blocked = fa->sig_blocked;
	t->sas_sp = fa->sas_sp; /* the alternate signal stack is inherited (same memory) */
	t->sas_size = fa->sas_size;
	signal_recalc(); /* anything sent before this thread existed waits in the process */
	memcpy(arch_user_frame(t), fa->frame, arch_user_frame_size());
	kfree(fa);
	vm_space_activate(t->proc->vm);
	arch_return_to_user();
}

int proc_fork(u32 flags, vaddr_t new_sp, int exit_signal)
{
	struct thread *self_t = current_thread();
	struct process *self = self_t->proc;
	struct thread_attr attr = {.policy = SCHED_NORMAL, .detached = true};
	struct completion vfork_done;
	struct fork_args *fa;
	struct process *c;
	struct thread *ct;
	unsigned long f;
	int pid, err = -ENOMEM;

	if (!self)
		return -EINVAL;
	(void)exit_signal; /* SIGCHLD is what the parent gets; others are not distinguished yet */
	c = proc_alloc();
	if (!c)
		return -ENOMEM;
	fa = kmalloc(sizeof(*fa) + arch_user_frame_size());
	if (!fa)
		goto out_free;
	if (flags & PROC_CLONE_VM) {
		c->vm = self->vm;
		c->vm_borrowed = true;
	} else {
		bool taken = vm_lock(self->vm); /* other threads may fault meanwhile */

		c->vm = vm_space_clone(self->vm);
		vm_unlock(self->vm, taken);
		if (!c->vm)
			goto out_fa;
	}
	c->files =
		(flags & PROC_CLONE_FILES) ? fdtable_get(self->files) : fdtable_clone(self->files);
	c->fs = (flags & PROC_CLONE_FS) ? self->fs : fs_struct_clone(self->fs);
	if (!c->files || !c->fs)
		goto out_res;
	if (flags & PROC_CLONE_FS)
		__atomic_fetch_add(&self->fs->refcount, 1, __ATOMIC_RELAXED);
	if (ipc_proc_fork(self, c))
		goto out_res;
	if (self->exe)
		c->exe = file_get(self->exe);
	c->cred = self->cred;
	memcpy(c->name, self->name, sizeof(c->name));
	memcpy(c->cmdline, self->cmdline, sizeof(c->cmdline));
	c->cmdline_len = self->cmdline_len;
	f = spin_lock_irqsave(&self->lock);
	memcpy(c->sigactions, self->sigactions, sizeof(c->sigactions));
	c->brk_start = self->brk_start;
	c->brk = self->brk;
	c->mmap_top = self->mmap_top;
	spin_unlock_irqrestore(&self->lock, f);
	c->pgid = self->pgid;
	c->sid = self->sid;
	c->nr_threads = 1;
	if (flags & PROC_CLONE_VFORK) {
		completion_init(&vfork_done, "vfork");
		c->vfork_done = &vfork_done;
	}

	memcpy(fa->frame, arch_user_frame(self_t), arch_user_frame_size());
	arch_user_frame_set_retval((struct trap_frame *)fa->frame, 0);
	if (new_sp)
		arch_user_frame_set_sp((struct trap_frame *)fa->frame, new_sp);
	fa->child = c;
	fa->tls = arch_get_tls(self_t);
	fa->sig_blocked = self_t->sig_blocked;
	fa->sas_sp = self_t->sas_sp;
	fa->sas_size = self_t->sas_size;

	pid = proc_publish(c, self);
	if (pid < 0) {
		err = pid;
		goto out_res;
	}
	ct = thread_create(self->name, fork_child_main, fa, &attr);
	if (!ct) {
		f = spin_lock_irqsave(&proc_tree_lock);
		list_del(&c->sibling);
		list_del(&c->all_link);
		nr_procs--;
		spin_unlock_irqrestore(&proc_tree_lock, f);
		goto out_res;
	}
	/* The child publishes itself as main_thread (publish_main_thread): it may already run. */
	if (flags & PROC_CLONE_VFORK)
		wait_for_completion(&vfork_done);
	return pid;

out_res:
	ipc_proc_exit(c);
	if (c->files)
		fdtable_put(c->files);
	if (c->fs && !(flags & PROC_CLONE_FS))
		fs_struct_put(c->fs);
	if (c->vm && !c->vm_borrowed)
		vm_space_destroy(c->vm);
out_fa:
	kfree(fa);
out_free:
	proc_free(c);
	return err;
}

/* ---- threads ---- */

struct thread_start {
	struct process *p;
	int tid;
	struct thread_clone_args args;
	u64 sig_blocked;
	/*
	 * Completed by the new thread once it is on p->threads: clone returns only
	 * then, so the tid it returns can be signalled at once (pthread_kill right
	 * after pthread_create). The parent frees this structure afterwards.
	 */
	struct completion listed;
	u8 frame[]; /* the new thread's initial user registers */
};

static void thread_child_main(void *arg)
{
	struct thread_start *ts = arg;
	struct thread *t = current_thread();
	struct process *p = ts->p;
	unsigned long f;
	bool doomed;
	u64 settid;
	int tid;

	f = spin_lock_irqsave(&p->lock);
	t->proc = p;
	t->user_tid = ts->tid;
	list_add_tail(&t->proc_link, &p->threads); /* nr_threads already counts us */
	/* An exit_group or execve that began before we were listed missed us: end now. */
	doomed = p->exiting || p->exec_thread;
	spin_unlock_irqrestore(&p->lock, f);
	t->sig_blocked = ts->sig_blocked;
	if (doomed)
		__atomic_fetch_or(&t->sig_pending, SIGMASK(SIGKILL), __ATOMIC_RELEASE);
	arch_set_tls(t, ts->args.set_tls ? ts->args.tls : 0);
	t->clear_child_tid = ts->args.child_cleartid;
	memcpy(arch_user_frame(t), ts->frame, arch_user_frame_size());
	settid = ts->args.child_settid;
	tid = ts->tid;
	complete(&ts->listed); /* ts belongs to the parent from here on */
	vm_space_activate(p->vm);
	if (settid)
		(void)!copy_to_user((void *)(uintptr_t)settid, &tid, sizeof(tid));
	if (doomed)
		sched_notify_signal(t);
	arch_return_to_user();
}

int proc_clone_thread(const struct thread_clone_args *a)
{
	struct thread *self_t = current_thread();
	struct process *p = self_t->proc;
	struct thread_attr attr = {.policy = self_t->policy,
				   .nice = self_t->nice,
				   .rt_prio = self_t->rt_prio,
				   .detached = true};
	struct thread_start *ts;
	struct thread *ct;
	unsigned long f;
	int tid, err = 0;

	if (!p)
		return -EINVAL;
	ts = kmalloc(sizeof(*ts) + arch_user_frame_size());
	if (!ts)
		return -ENOMEM;
	f = spin_lock_irqsave(&proc_tree_lock);
	tid = alloc_pid_locked();
	spin_unlock_irqrestore(&proc_tree_lock, f);
	if (tid < 0) {
		kfree(ts);
		return tid;
	}
	f = spin_lock_irqsave(&p->lock);
	if (p->exiting || p->exec_thread)
		err = -EAGAIN;
	else
		p->nr_threads++; /* counted now, listed by the thread itself */
	spin_unlock_irqrestore(&p->lock, f);
	if (err)
		goto out_free;
	if (a->parent_settid) /* before the thread can run, as on Linux; a bad address is ignored */
		(void)!copy_to_user((void *)(uintptr_t)a->parent_settid, &tid, sizeof(tid));

	ts->p = p;
	ts->tid = tid;
	ts->args = *a;
	ts->sig_blocked = self_t->sig_blocked;
	completion_init(&ts->listed, "thread_listed");
	memcpy(ts->frame, arch_user_frame(self_t), arch_user_frame_size());
	arch_user_frame_set_retval((struct trap_frame *)ts->frame, 0);
	arch_user_frame_set_sp((struct trap_frame *)ts->frame, a->sp);
	ct = thread_create(p->name, thread_child_main, ts, &attr);
	if (!ct) {
		f = spin_lock_irqsave(&p->lock);
		p->nr_threads--; /* we still count: never the last */
		wake_up_all(&p->thread_wq);
		spin_unlock_irqrestore(&p->lock, f);
		err = -ENOMEM;
		goto out_free;
	}
	wait_for_completion(&ts->listed);
	kfree(ts);
	return tid;

out_free:
	free_pid(tid);
	kfree(ts);
	return err;
}

static bool only_thread_left(void *arg)
{
	struct process *p = arg;

	return __atomic_load_n(&p->nr_threads, __ATOMIC_ACQUIRE) == 1;
}

int proc_de_thread(void)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	unsigned long f;
	int err = 0;

	if (!p)
		return 0;
	f = spin_lock_irqsave(&p->lock);
	if (p->nr_threads == 1) {
		spin_unlock_irqrestore(&p->lock, f);
		goto out_leader;
	}
	if (p->exiting || p->exec_thread) {
		spin_unlock_irqrestore(&p->lock, f);
		return -EAGAIN;
	}
	p->exec_thread = t;
	kill_other_threads_locked(p, t);
	spin_unlock_irqrestore(&p->lock, f);

	/*
	 * Not interruptible: while exec_thread is set, a fatal signal or
	 * exit_group in another thread ends only that thread, so nothing
	 * could end this wait early except the others leaving.
	 */
	err = wait_until(&p->thread_wq, only_thread_left, p, 0);
	f = spin_lock_irqsave(&p->lock);
	p->exec_thread = NULL;
	if (err) {
		spin_unlock_irqrestore(&p->lock, f);
		return err;
	}
	spin_unlock_irqrestore(&p->lock, f);
out_leader:
	t->clear_child_tid = 0; /* they belong to the old program's memory */
	t->robust_list = 0;
	/* The survivor becomes the group leader: its tid is the pid from now on. */
	f = spin_lock_irqsave(&proc_tree_lock);
	if (t->user_tid != p->pid) {
		free_pid_locked(t->user_tid);
		t->user_tid = p->pid;
	}
	p->main_thread = t;
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return 0;
}

int proc_gettid(void)
{
	struct thread *t = current_thread();

	return t->user_tid ? t->user_tid : (t->proc ? t->proc->pid : 0);
}

/* ---- the first process ---- */

struct init_args {
	struct process *p;
	const char *path;
	const char *const *argv;
	const char *const *envp;
};

/* Defined by the exec code (kernel/exec/exec.c). */
int exec_kernel(const char *path, const char *const *argv, const char *const *envp);

static void init_thread_main(void *arg)
{
	struct init_args *ia = arg;
	int err;

	proc_attach_current(ia->p);
	err = exec_kernel(ia->path, ia->argv, ia->envp);
	if (err)
		panic("cannot run %s as init: error %d", ia->path, err);
	kfree(ia);
	arch_return_to_user();
}

int proc_start_init(const char *path, const char *const *argv, const char *const *envp)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL, .detached = true};
	struct init_args *ia = kzalloc(sizeof(*ia));
	struct process *p = proc_alloc();
	struct thread *t;
	int pid;

	if (!ia || !p)
		goto out_nomem;
	p->files = fdtable_create();
	p->fs = fs_struct_create();
	if (!p->files || !p->fs)
		goto out_nomem;
	p->cred = cred_root;
	p->nr_threads = 1;
	proc_set_name(p, path);
	pid = proc_publish(p, NULL);
	if (pid < 0)
		goto out_nomem;
	p->pgid = p->sid = pid;
	if (pid == 1)
		init_proc = p;
	ia->p = p;
	ia->path = path;
	ia->argv = argv;
	ia->envp = envp;
	t = thread_create(p->name, init_thread_main, ia, &attr);
	if (!t)
		panic("cannot create the init thread");
	p->main_thread = t;
	return pid;

out_nomem:
	kfree(ia);
	if (p) {
		if (p->files)
			fdtable_put(p->files);
		if (p->fs)
			fs_struct_put(p->fs);
		proc_free(p);
	}
	return -ENOMEM;
}

/* ---- groups, sessions, signals to processes ---- */

int proc_current_pgid(void)
{
	struct process *p = current_proc();

	return p ? p->pgid : 0;
}

int proc_current_sid(void)
{
	struct process *p = current_proc();

	return p ? p->sid : 0;
}

int proc_getppid(void)
{
	struct process *p = current_proc();
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	int ppid = p && p->parent ? p->parent->pid : 0;

	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ppid;
}

bool proc_pgrp_in_session(int pgid, int sid)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	struct process *p;
	bool found = false;

	list_for_each_entry (p, &all_procs, all_link)
		if (p->pgid == pgid && p->sid == sid && p->state == PROC_ALIVE) {
			found = true;
			break;
		}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return found;
}

int proc_getpgid(int pid)
{
	struct process *self = current_proc();
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	struct process *p = pid ? find_pid_locked(pid) : self;
	int ret = p ? p->pgid : -ESRCH;

	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int proc_getsid(int pid)
{
	struct process *self = current_proc();
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	struct process *p = pid ? find_pid_locked(pid) : self;
	int ret = p ? p->sid : -ESRCH;

	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int proc_setpgid(int pid, int pgid)
{
	struct process *self = current_proc();
	struct process *p, *q;
	unsigned long f;
	int ret = 0;

	if (!self || pgid < 0)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	p = pid ? find_pid_locked(pid) : self;
	if (!p || (p != self && p->parent != self)) {
		ret = -ESRCH;
		goto out;
	}
	if (!pgid)
		pgid = p->pid;
	if (p->sid != self->sid || p->pid == p->sid) {
		ret = -EPERM; /* other session, or a session leader */
		goto out;
	}
	if (pgid != p->pid) {
		bool ok = false;

		list_for_each_entry (q, &all_procs, all_link)
			if (q->pgid == pgid && q->sid == self->sid) {
				ok = true;
				break;
			}
		if (!ok) {
			ret = -EPERM;
			goto out;
		}
	}
	p->pgid = pgid;
out:
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int proc_setsid(void)
{
	struct process *self = current_proc();
	struct process *q;
	unsigned long f;
	int ret;

	if (!self)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	ret = self->pid;
	list_for_each_entry (q, &all_procs, all_link)
		if (q->pgid == self->pid) {
			if (q != self || self->pgid == self->pid) {
				ret = -EPERM; /* already a group leader */
				break;
			}
		}
	if (ret > 0)
		self->pgid = self->sid = self->pid;
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int signal_send_pid_info(int pid, int sig, const struct ksiginfo *info, bool queue_limit)
{
	unsigned long f;
	struct process *p;
	int ret = -ESRCH;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	p = find_pid_locked(pid);
	if (p && p->state == PROC_ALIVE)
		ret = sig ? signal_send_proc_info(p, sig, info, queue_limit) : 0;
	else if (p)
		ret = 0; /* a zombie: nothing to do, but it exists */
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int signal_send_pid(int pid, int sig)
{
	return signal_send_pid_info(pid, sig, NULL, false);
}

int signal_send_tid(int tgid, int tid, int sig)
{
	struct ksiginfo ki;

	signal_info_from_current(&ki, sig, SI_TKILL);
	return signal_send_tid_info(tgid, tid, sig, &ki, false);
}

int signal_send_tid_info(int tgid, int tid, int sig, const struct ksiginfo *info, bool queue_limit)
{
	unsigned long f;
	struct process *p;
	struct thread *t, *found = NULL;
	int ret = -ESRCH;

	if (sig < 0 || sig > NSIG || tid <= 0)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry (p, &all_procs, all_link) {
		if (p->state != PROC_ALIVE || (tgid > 0 && p->pid != tgid))
			continue;
		spin_lock(&p->lock);
		list_for_each_entry (t, &p->threads, proc_link)
			if (t->user_tid == tid) {
				found = t;
				break;
			}
		spin_unlock(&p->lock);
		if (found)
			break;
	}
	/* Under proc_tree_lock the thread cannot leave its process (proc_do_exit). */
	if (found) {
		ret = 0;
		if (sig)
			ret = signal_send_thread_info(found, sig, info, queue_limit);
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	/* A process whose first thread is not published yet (just forked): by pid. */
	if (ret == -ESRCH && (tgid <= 0 || tgid == tid))
		return signal_send_pid_info(tid, sig, info, queue_limit);
	return ret;
}

int signal_send_pgrp_info(int pgid, int sig, const struct ksiginfo *info)
{
	unsigned long f;
	struct process *p;
	int ret = -ESRCH;

	if (sig < 0 || sig > NSIG || pgid <= 0)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry (p, &all_procs, all_link)
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			if (sig)
				(void)signal_send_proc_info(p, sig, info, false);
			ret = 0;
		}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int signal_send_all_info(int sig, const struct ksiginfo *info)
{
	struct process *self = current_proc(), *p;
	unsigned long f;
	int ret = -ESRCH;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	f = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_entry (p, &all_procs, all_link)
		if (p->pid > 1 && p != self && p->state == PROC_ALIVE) {
			if (sig)
				(void)signal_send_proc_info(p, sig, info, false);
			ret = 0;
		}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	return ret;
}

int signal_send_pgrp(int pgid, int sig)
{
	return signal_send_pgrp_info(pgid, sig, NULL);
}

void proc_for_each(bool (*fn)(struct process *p, void *arg), void *arg)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	struct process *p;

	list_for_each_entry (p, &all_procs, all_link)
		if (!fn(p, arg))
			break;
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

int proc_count(void)
{
	return __atomic_load_n(&nr_procs, __ATOMIC_RELAXED);
}
