/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_sys.c - procfs's system-wide files: meminfo (the page
 * allocator's counters), cpuinfo (arch_cpuinfo per online CPU), stat and
 * uptime (per-CPU idle time is the idle thread's run time), loadavg (a
 * lazily decayed average of the run-queue lengths), version, filesystems,
 * cmdline. Each gathers numbers into a plain struct and hands it to
 * procfs_fmt.c.
 *
 * The scheduler's counters (nr_running, nr_switches, runtime_ns) are read
 * without the run-queue locks: each is one aligned word, and a value a few
 * nanoseconds old is as good as any for these files. The load average's
 * state is under loadavg_lock.
 */
#include "arch.h"
#include "cmdline.h"
#include "internal.h"
#include "proc.h"
#include "procfs_internal.h"
#include "sched.h"
#include "timer.h"
#include "version.h"
#include "vm.h"

/* ---- helpers over the process table ---- */

struct proc_totals {
	u64 anon_pages; /* resident pages of distinct address spaces */
	u32 threads;
	int newest_pid; /* the last process in creation order */
	int max_pid;
};

static bool totals_fn(struct process *p, void *arg)
{
	struct proc_totals *t = arg;
	unsigned long fl = spin_lock_irqsave(&p->lock);

	/* vfork children borrow their parent's space: count it once. */
	if (p->state == PROC_ALIVE && !p->exiting && p->vm && !p->vm_borrowed)
		t->anon_pages += p->vm->resident_pages;
	t->threads += p->nr_threads;
	spin_unlock_irqrestore(&p->lock, fl);
	t->newest_pid = p->pid;
	t->max_pid = MAX(t->max_pid, p->pid);
	return true;
}

static void proc_totals(struct proc_totals *t)
{
	memset(t, 0, sizeof(*t));
	proc_for_each(totals_fn, t);
}

/* Run time of CPU i's idle thread so far (its current run included). */
static u64 cpu_idle_ns(u32 i, u64 now)
{
	struct thread *idle = cpus[i].idle;
	u64 ns;

	if (!idle)
		return 0;
	ns = idle->runtime_ns;
	if (cpus[i].current == idle && now > idle->exec_start_ns)
		ns += now - idle->exec_start_ns;
	return MIN(ns, now);
}

static u32 nr_running_all(void)
{
	u32 n = 0;

	for (u32 i = 0; i < nr_cpus && i < MAX_CPUS; i++)
		if (cpus[i].online && cpus[i].rq)
			n += __atomic_load_n(&cpus[i].rq->nr_running, __ATOMIC_RELAXED);
	return n;
}

/* ---- the files ---- */

s64 procfs_gen_meminfo(struct inode *inode, char *buf, size_t size)
{
	struct procfs_meminfo m;
	struct proc_totals t;
	struct mm_stats st;

	(void)inode;
	mm_stats_get(&st);
	proc_totals(&t);
	memset(&m, 0, sizeof(m));
	m.total_pages = st.total_pages;
	m.free_pages = st.free_pages;
	m.slab_pages = st.slab_pages;
	m.pagetable_pages = st.pagetable_pages;
	m.anon_pages = t.anon_pages;
	m.shmem_pages = tmpfs_total_pages();
	return (s64)procfs_fmt_meminfo(&m, buf, size);
}

s64 procfs_gen_cpuinfo(struct inode *inode, char *buf, size_t size)
{
	struct arch_cpuinfo *ci = kmalloc(sizeof(*ci));
	size_t len = 0;

	(void)inode;
	if (!ci)
		return -ENOMEM;
	arch_cpuinfo(ci);
	for (u32 i = 0; i < nr_cpus && i < MAX_CPUS; i++) {
		struct procfs_cpu c = {i, cpus[i].apic_id, nr_cpus};

		if (!cpus[i].online)
			continue;
		len += procfs_fmt_cpuinfo(ci, &c, len < size ? buf + len : NULL,
					  len < size ? size - len : 0);
	}
	kfree(ci);
	return (s64)len;
}

s64 procfs_gen_uptime(struct inode *inode, char *buf, size_t size)
{
	u64 now = clock_ns(), idle = 0;

	(void)inode;
	for (u32 i = 0; i < nr_cpus && i < MAX_CPUS; i++)
		if (cpus[i].online)
			idle += cpu_idle_ns(i, now);
	return (s64)procfs_fmt_uptime(now, idle, buf, size);
}

s64 procfs_gen_version(struct inode *inode, char *buf, size_t size)
{
	(void)inode;
	return snprintf(buf, size, "%s version %s (matrioska@matrioska) (compiler %s) #1 SMP\n",
			KERNEL_NAME, KERNEL_VERSION, __VERSION__);
}

static struct spinlock loadavg_lock = SPINLOCK_INIT("procfs_loadavg", LOCK_RANK_NONE);
static struct procfs_loadavg loadavg; /* under loadavg_lock */

s64 procfs_gen_loadavg(struct inode *inode, char *buf, size_t size)
{
	struct procfs_loadavg la;
	struct proc_totals t;
	u32 running = nr_running_all();
	unsigned long fl;

	(void)inode;
	proc_totals(&t);
	fl = spin_lock_irqsave(&loadavg_lock);
	/* The reader itself is running: it does not count towards the load. */
	procfs_loadavg_update(&loadavg, clock_ns(), running ? running - 1 : 0);
	la = loadavg;
	spin_unlock_irqrestore(&loadavg_lock, fl);
	return (s64)procfs_fmt_loadavg(&la, MAX(running, 1u), MAX(t.threads, running), t.newest_pid,
				       buf, size);
}

static u64 max_pid_seen; /* atomic: "processes" in /proc/stat never goes down */

s64 procfs_gen_stat(struct inode *inode, char *buf, size_t size)
{
	struct procfs_stat *s = kzalloc(sizeof(*s));
	struct proc_totals t;
	u64 now = clock_ns(), seen;
	s64 n;

	(void)inode;
	if (!s)
		return -ENOMEM;
	proc_totals(&t);
	s->nr_cpus = MIN(nr_cpus, (u32)MAX_CPUS);
	for (u32 i = 0; i < s->nr_cpus; i++) {
		if (!cpus[i].online)
			continue;
		s->cpu[i].idle_ns = cpu_idle_ns(i, now);
		s->cpu[i].user_ns = now - s->cpu[i].idle_ns; /* busy time, not split further */
		s->intr += cpus[i].irq_count;
		if (cpus[i].rq)
			s->ctxt += __atomic_load_n(&cpus[i].rq->nr_switches, __ATOMIC_RELAXED);
	}
	s->btime = (u64)MAX(vfs_now().sec - (s64)(now / 1000000000ull), (s64)0);
	/* pids are handed out in order: the largest seen is the number of processes made. */
	seen = __atomic_load_n(&max_pid_seen, __ATOMIC_RELAXED);
	while ((u64)t.max_pid > seen &&
	       !__atomic_compare_exchange_n(&max_pid_seen, &seen, (u64)t.max_pid, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	s->processes = MAX(seen, (u64)t.max_pid);
	s->running = MAX(nr_running_all(), 1u);
	n = (s64)procfs_fmt_stat(s, buf, size);
	kfree(s);
	return n;
}

s64 procfs_gen_filesystems(struct inode *inode, char *buf, size_t size)
{
	(void)inode;
	return (s64)vfs_format_filesystems(buf, size);
}

s64 procfs_gen_cmdline(struct inode *inode, char *buf, size_t size)
{
	(void)inode;
	return snprintf(buf, size, "%s\n", cmdline_boot_string());
}
