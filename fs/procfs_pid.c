/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_pid.c - what procfs knows about processes: lookups by pid,
 * the list of pids and of a process's open fds, snapshots for
 * /proc/PID/stat, status and statm, cmdline and comm, the mounts a
 * process sees, and the targets of the exe, cwd, root and fd/N links.
 *
 * Everything is read through proc_for_each(), whose callback runs under
 * the process-tree lock (a spinlock with interrupts off; the callback must
 * not sleep). A callback copies plain fields, or takes a reference on an
 * open file or fs_struct, and the work that may sleep (paths, file_put)
 * happens after it returns. Fields covered by p->lock (threads, sigactions)
 * are read under it, nested inside the tree lock (the order signal delivery
 * uses too). The pointers p->files, p->fs, p->exe and p->vm are only
 * followed while p->exiting is false, read under p->lock: the exit path
 * sets exiting under p->lock before it releases them, so a reference taken
 * here keeps the object alive. (execve replaces p->vm and p->exe without
 * that lock; see docs/design/procfs.md, "Known gaps".)
 *
 * Lock order: vfs_ns_lock -> proc_tree_lock -> p->lock -> fd-table lock.
 */
#include "internal.h"
#include "pipe.h"
#include "proc.h"
#include "procfs_internal.h"
#include "sched.h"
#include "signal.h"
#include "timer.h"
#include "vm.h"

/* ---- finding a process ---- */

struct with_ctx {
	int pid;
	u64 start_ns; /* 0: any */
	void (*fn)(struct process *p, void *arg);
	void *arg;
	bool found;
};

static bool with_fn(struct process *p, void *arg)
{
	struct with_ctx *c = arg;

	if (p->pid != c->pid || (c->start_ns && p->start_ns != c->start_ns))
		return true;
	c->found = true;
	c->fn(p, c->arg);
	return false;
}

/* Run fn(p, arg) under the tree lock on process (pid, start_ns); false if there is none. */
static bool with_process(int pid, u64 start_ns, void (*fn)(struct process *p, void *arg), void *arg)
{
	struct with_ctx c = {pid, start_ns, fn, arg, false};

	proc_for_each(with_fn, &c);
	return c.found;
}

struct ident {
	u64 start_ns;
	u32 uid, gid;
};

static void ident_fn(struct process *p, void *arg)
{
	struct ident *id = arg;

	id->start_ns = p->start_ns;
	id->uid = p->cred.euid;
	id->gid = p->cred.egid;
}

bool procfs_pid_alive(int pid, u64 start_ns, u64 *start_out, u32 *uid, u32 *gid)
{
	struct ident id;

	if (!with_process(pid, start_ns, ident_fn, &id))
		return false;
	if (start_out)
		*start_out = id.start_ns;
	if (uid)
		*uid = id.uid;
	if (gid)
		*gid = id.gid;
	return true;
}

struct list_ctx {
	int after;
	struct procfs_pid_ref *out;
	size_t max, n;
};

static bool list_fn(struct process *p, void *arg)
{
	struct list_ctx *c = arg;
	size_t i;

	if (p->pid <= c->after)
		return true;
	if (c->n < c->max) {
		/* Insertion keeps out[] sorted: the process list is in creation order. */
		for (i = c->n; i > 0 && c->out[i - 1].pid > p->pid; i--)
			c->out[i] = c->out[i - 1];
		c->out[i].pid = p->pid;
		c->out[i].start_ns = p->start_ns;
	}
	c->n++;
	return true;
}

size_t procfs_list_procs(int after, struct procfs_pid_ref *out, size_t max)
{
	struct list_ctx c = {after, out, max, 0};

	proc_for_each(list_fn, &c);
	return c.n;
}

int procfs_self_pid(void)
{
	struct process *p = current_proc();

	return p ? p->pid : -ENOENT;
}

bool procfs_may_inspect(u32 uid)
{
	struct process *p = current_proc();
	const struct cred *cr = p ? &p->cred : &cred_root;

	return cred_is_root(cr) || cr->euid == uid || cr->uid == uid;
}

/* ---- references to what a live process holds ---- */

struct grab {
	int fd;			/* fd wanted, or -1 */
	struct file *file;	/* that fd's file, or p->exe */
	bool want_exe, want_fs; /* what to take */
	struct fs_struct *fs;
	bool fd_open;
	u32 fmode;
	u32 uid;
};

static void grab_fn(struct process *p, void *arg)
{
	struct grab *g = arg;
	unsigned long fl = spin_lock_irqsave(&p->lock);

	g->uid = p->cred.euid;
	if (p->state == PROC_ALIVE && !p->exiting) {
		if (g->fd >= 0 && p->files) {
			g->file = fd_get(p->files, g->fd);
			g->fd_open = g->file != NULL;
		}
		if (g->want_exe && p->exe)
			g->file = file_get(p->exe);
		if (g->want_fs && p->fs) {
			g->fs = p->fs;
			__atomic_add_fetch(&g->fs->refcount, 1, __ATOMIC_RELAXED);
		}
	}
	spin_unlock_irqrestore(&p->lock, fl);
}

/* Take what g asks for from process (pid, start_ns); -ENOENT if it is gone. */
static int grab(int pid, u64 start_ns, struct grab *g)
{
	if (!with_process(pid, start_ns, grab_fn, g))
		return -ENOENT;
	return 0;
}

static void grab_put(struct grab *g)
{
	if (g->file)
		file_put(g->file);
	if (g->fs)
		fs_struct_put(g->fs);
}

bool procfs_fd_open(int pid, u64 start_ns, int fd, u32 *fmode)
{
	struct grab g = {.fd = fd};
	bool open;

	if (fd < 0 || fd >= FD_MAX || grab(pid, start_ns, &g))
		return false;
	open = g.fd_open;
	if (fmode && g.file)
		*fmode = g.file->fmode;
	grab_put(&g);
	return open;
}

struct fds_ctx {
	int from;
	int *fds;
	int max, n;
};

static bool fds_fn(int fd, struct file *f, void *arg)
{
	struct fds_ctx *c = arg;

	(void)f;
	if (fd >= c->from && c->n < c->max)
		c->fds[c->n++] = fd;
	return c->n < c->max;
}

static void files_fn(struct process *p, void *arg)
{
	struct fdtable **t = arg;
	unsigned long fl = spin_lock_irqsave(&p->lock);

	if (p->state == PROC_ALIVE && !p->exiting && p->files)
		*t = fdtable_get(p->files);
	spin_unlock_irqrestore(&p->lock, fl);
}

int procfs_list_fds(int pid, u64 start_ns, int from, int *fds, int max)
{
	struct fdtable *t = NULL;
	struct fds_ctx c = {from, fds, max, 0};

	if (!with_process(pid, start_ns, files_fn, &t))
		return -ESRCH;
	if (!t)
		return 0; /* a zombie or a process without files */
	fdtable_for_each(t, fds_fn, &c);
	fdtable_put(t);
	return c.n;
}

/* ---- symlink targets (vfs_ns_lock held) ---- */

/* The path of p (relative to the global root) without its NUL into buf. */
static s64 path_target(const struct path *p, char *buf, size_t size)
{
	struct path root = vfs_global_root();
	char *tmp = kmalloc(PATH_MAX);
	s64 n;

	if (!tmp)
		return -ENOMEM;
	n = vfs_build_path(p, &root, tmp, PATH_MAX);
	if (n > 0) {
		n = MIN(n - 1, (s64)size); /* without the NUL */
		memcpy(buf, tmp, (size_t)n);
	}
	kfree(tmp);
	return n;
}

/* What Linux shows for a file: its path, "pipe:[N]", "socket:[N]" or "anon_inode:[...]". */
static s64 file_target(struct file *f, char *buf, size_t size)
{
	char tmp[48];
	int n;

	if (f->path.dentry)
		return path_target(&f->path, buf, size);
	if (file_is_pipe(f)) /* both ends of a pipe share f->priv: one number per pipe */
		n = snprintf(
			tmp, sizeof(tmp), "pipe:[%llu]",
			(unsigned long long)(((u64)(uintptr_t)f->priv * 0x9e3779b97f4a7c15ull) >>
					     40));
	else if (f->inode && S_ISSOCK(f->inode->mode)) /* sockets: their sockfs inode */
		n = snprintf(tmp, sizeof(tmp), "socket:[%llu]", (unsigned long long)f->inode->ino);
	else
		n = snprintf(tmp, sizeof(tmp), "anon_inode:[file]");
	n = MIN(n, (int)size);
	memcpy(buf, tmp, (size_t)n);
	return n;
}

s64 procfs_fd_readlink(struct inode *inode, char *buf, size_t size)
{
	struct procfs_inode *pi = procfs_i(inode);
	struct grab g = {.fd = pi->fd};
	s64 n;

	if (grab(pi->pid, pi->start_ns, &g))
		return -ENOENT;
	if (!procfs_may_inspect(g.uid))
		n = -EACCES;
	else
		n = g.file ? file_target(g.file, buf, size) : -ENOENT;
	grab_put(&g);
	return n;
}

s64 procfs_link_exe(struct inode *inode, char *buf, size_t size)
{
	struct procfs_inode *pi = procfs_i(inode);
	struct grab g = {.fd = -1, .want_exe = true};
	s64 n;

	if (grab(pi->pid, pi->start_ns, &g))
		return -ENOENT;
	if (!procfs_may_inspect(g.uid))
		n = -EACCES;
	else
		n = g.file ? file_target(g.file, buf, size) : -ENOENT;
	grab_put(&g);
	return n;
}

static s64 fs_link(struct inode *inode, char *buf, size_t size, bool cwd)
{
	struct procfs_inode *pi = procfs_i(inode);
	struct grab g = {.fd = -1, .want_fs = true};
	struct path p;
	s64 n;

	if (grab(pi->pid, pi->start_ns, &g))
		return -ENOENT;
	if (!procfs_may_inspect(g.uid)) {
		n = -EACCES;
	} else if (!g.fs) {
		n = -ENOENT;
	} else {
		spin_lock(&g.fs->lock);
		p = cwd ? g.fs->cwd : g.fs->root;
		path_get(&p);
		spin_unlock(&g.fs->lock);
		n = path_target(&p, buf, size);
		path_put(&p);
	}
	grab_put(&g);
	return n;
}

s64 procfs_link_cwd(struct inode *inode, char *buf, size_t size)
{
	return fs_link(inode, buf, size, true);
}

s64 procfs_link_root(struct inode *inode, char *buf, size_t size)
{
	return fs_link(inode, buf, size, false);
}

s64 procfs_link_self(struct inode *inode, char *buf, size_t size)
{
	char tmp[16];
	int pid = procfs_self_pid(), n;

	(void)inode;
	if (pid < 0)
		return pid; /* a kernel thread has no /proc/self */
	n = snprintf(tmp, sizeof(tmp), "%d", pid);
	n = MIN(n, (int)size);
	memcpy(buf, tmp, (size_t)n);
	return n;
}

/* ---- snapshots ---- */

/* CPU time of t, including the run in progress if it is on a CPU now. */
static u64 thread_runtime(const struct thread *t, u64 now)
{
	u64 rt = t->runtime_ns;

	if (t->cpu < MAX_CPUS && cpus[t->cpu].current == t && now > t->exec_start_ns)
		rt += now - t->exec_start_ns;
	return rt;
}

/* The threads, signals and memory of a live process (p->lock held). */
static void snap_live_locked(struct process *p, struct procfs_task *t, u64 now)
{
	struct thread *th, *main = NULL;

	list_for_each_entry (th, &p->threads, proc_link) {
		t->utime_ns += thread_runtime(th, now);
		t->nr_switches += th->nr_switches;
		if (th == p->main_thread || !main)
			main = th;
	}
	t->nr_threads = p->nr_threads;
	if (main) {
		t->state = main->state == THREAD_RUNNABLE ? 'R' : 'S';
		if (p->sigs.stopped)
			t->state = 'T';
		t->policy = main->policy;
		t->nice = main->nice;
		t->rt_prio = main->rt_prio;
		t->cpu = main->cpu;
		t->affinity = main->affinity;
		t->sig_pending = __atomic_load_n(&main->sig_pending, __ATOMIC_RELAXED);
		t->sig_blocked = main->sig_blocked;
	}
	t->sig_shared = __atomic_load_n(&p->sigs.shared, __ATOMIC_RELAXED);
	for (int s = 1; s <= NSIG; s++) {
		u64 h = p->sigactions[s - 1].handler;

		if (h == SIG_IGN)
			t->sig_ignored |= SIGMASK(s);
		else if (h != SIG_DFL)
			t->sig_caught |= SIGMASK(s);
	}
	if (!p->exiting && p->vm) {
		t->has_mm = true;
		t->rss_pages = p->vm->resident_pages;
		t->pt_pages = p->vm->table_pages;
		/* The region tree has no lock others may take: the resident size stands in. */
		t->vsize_bytes = t->rss_pages * PAGE_SIZE;
	}
	if (!p->exiting && p->fs) {
		t->has_umask = true;
		t->umask = p->fs->umask;
	}
}

static void snap_fn(struct process *p, void *arg)
{
	struct procfs_task *t = arg;
	unsigned long fl;

	memset(t, 0, sizeof(*t));
	t->pid = p->pid;
	t->ppid = p->parent ? p->parent->pid : 0;
	t->pgid = p->pgid;
	t->sid = p->sid;
	t->tpgid = -1;
	memcpy(t->comm, p->name, MIN(strnlen(p->name, sizeof(p->name)), sizeof(t->comm) - 1));
	t->uid[0] = p->cred.uid;
	t->uid[1] = p->cred.euid;
	t->uid[2] = p->cred.suid;
	t->uid[3] = p->cred.fsuid;
	t->gid[0] = p->cred.gid;
	t->gid[1] = p->cred.egid;
	t->gid[2] = p->cred.sgid;
	t->gid[3] = p->cred.fsgid;
	t->ngroups = MIN(p->cred.ngroups, (u32)NGROUPS_MAX);
	memcpy(t->groups, p->cred.groups, t->ngroups * sizeof(t->groups[0]));
	t->cutime_ns = p->children_runtime_ns;
	t->start_ns = p->start_ns;
	t->state = 'S';
	if (p->state == PROC_ZOMBIE) {
		t->state = 'Z';
		t->nr_threads = 1; /* as Linux shows a zombie group leader */
		t->exit_code = p->exit_status;
		return;
	}
	fl = spin_lock_irqsave(&p->lock);
	snap_live_locked(p, t, clock_ns());
	spin_unlock_irqrestore(&p->lock, fl);
}

/* The snapshot of the process an inode belongs to; -ESRCH if it is gone. */
static int snap(struct inode *inode, struct procfs_task *t)
{
	struct procfs_inode *pi = procfs_i(inode);

	return with_process(pi->pid, pi->start_ns, snap_fn, t) ? 0 : -ESRCH;
}

/* Run a formatter on a snapshot kept off the (small) kernel stack. */
static s64 gen_task(struct inode *inode, char *buf, size_t size, int which)
{
	struct procfs_task *t = kmalloc(sizeof(*t));
	s64 n;

	if (!t)
		return -ENOMEM;
	n = snap(inode, t);
	if (!n) {
		if (which == 0)
			n = (s64)procfs_fmt_pid_stat(t, nr_cpus, buf, size);
		else if (which == 1)
			n = (s64)procfs_fmt_pid_status(t, nr_cpus, buf, size);
		else
			n = (s64)procfs_fmt_pid_statm(t, buf, size);
	}
	kfree(t);
	return n;
}

s64 procfs_gen_pid_stat(struct inode *inode, char *buf, size_t size)
{
	return gen_task(inode, buf, size, 0);
}

s64 procfs_gen_pid_status(struct inode *inode, char *buf, size_t size)
{
	return gen_task(inode, buf, size, 1);
}

s64 procfs_gen_pid_statm(struct inode *inode, char *buf, size_t size)
{
	return gen_task(inode, buf, size, 2);
}

struct text_ctx {
	char *buf;
	size_t size, len;
	bool cmdline; /* else comm */
};

static void text_fn(struct process *p, void *arg)
{
	struct text_ctx *c = arg;

	if (c->cmdline) {
		/* A zombie has no arguments any more (Linux: an empty cmdline). */
		c->len = p->state == PROC_ZOMBIE ? 0 : MIN(p->cmdline_len, (u32)PROC_CMDLINE_MAX);
		memcpy(c->buf, p->cmdline, MIN(c->len, c->size));
	} else {
		c->len = strnlen(p->name, sizeof(p->name));
		memcpy(c->buf, p->name, MIN(c->len, c->size));
		if (c->len < c->size)
			c->buf[c->len] = '\n';
		c->len++;
	}
}

static s64 gen_text(struct inode *inode, char *buf, size_t size, bool cmdline)
{
	struct procfs_inode *pi = procfs_i(inode);
	struct text_ctx c = {buf, size, 0, cmdline};

	if (!with_process(pi->pid, pi->start_ns, text_fn, &c))
		return -ESRCH;
	return (s64)c.len;
}

s64 procfs_gen_pid_cmdline(struct inode *inode, char *buf, size_t size)
{
	return gen_text(inode, buf, size, true);
}

s64 procfs_gen_pid_comm(struct inode *inode, char *buf, size_t size)
{
	return gen_text(inode, buf, size, false);
}

s64 procfs_gen_pid_mounts(struct inode *inode, char *buf, size_t size)
{
	struct procfs_inode *pi = procfs_i(inode);
	struct grab g = {.fd = -1, .want_fs = true};
	s64 n;

	if (grab(pi->pid, pi->start_ns, &g))
		return -ESRCH;
	n = g.fs ? (s64)vfs_format_mounts(g.fs, buf, size) : 0;
	grab_put(&g);
	return n;
}
