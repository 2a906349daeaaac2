/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_procfs.c - host tests of procfs (fs/procfs*.c) and of the kernel
 * log's user-space forms (kernel/core/klog_text.c, drivers/char/kmsg.c).
 *
 * Formats: every formatter of procfs_fmt.c against exact text in Linux's
 * layout, and the syslog/kmsg record forms.
 *
 * The file system: procfs is mounted at /proc on the real VFS (the same
 * fakes as test_vfs.c: the scheduler stub, a counting kmalloc, plain-memory
 * user copies) over a fake process table that the test edits by hand -
 * proc_for_each() and current_proc() are defined here. The tests list and
 * walk /proc, read the generated files of live, zombie and vanished
 * processes, follow /proc/self and the fd/exe/cwd links, check who may
 * see what, and check that dentries of processes that went away are freed
 * (kmalloc counts) whether or not anyone walks to them again. /dev/kmsg is
 * read and written over a fake log ring (klog_read & co. are defined here).
 *
 * Every test ends with vfs_shutdown() and a leak check.
 */
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arch_host.h"
#include "errno.h"
#include "fake_kmalloc.h"
#include "fake_pages.h"
#include "klog.h"
#include "mm.h"
#include "pipe.h"
#include "proc.h"
#include "procfs.h"
#include "procfs_internal.h"
#include "sched.h"
#include "sched_stub.h"
#include "uaccess.h"
#include "unit.h"
#include "vfs.h"
#include "vm.h"

/* Does s start with the string literal lit? */
#define STARTS_WITH(s, lit) (strncmp((s), (lit), sizeof(lit) - 1) == 0)

/* ---- fakes: allocation, user copies, randomness, poll ---- */

void mm_stats_get(struct mm_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->total_pages = 32768;
	s->free_pages = 30000;
	s->slab_pages = 150;
	s->pagetable_pages = 12;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	memcpy(dst, usrc, n);
	return 0;
}

/* fs/epoll.c's; no file is ever watched here. */
void epoll_file_release(struct file *f)
{
	(void)f;
}

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	(void)pt;
	(void)wq;
}

void signal_send_thread(struct thread *t, int sig)
{
	(void)t;
	(void)sig;
}

void get_random_bytes(void *buf, size_t n)
{
	memset(buf, 7, n);
}

void random_add_entropy(const void *data, size_t len)
{
	(void)data;
	(void)len;
}

/* ---- fakes: the arch's CPU description, the boot command line ---- */

void arch_cpuinfo(struct arch_cpuinfo *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->vendor, "GenuineIntel");
	strcpy(out->model_name, "Test CPU @ 2.50GHz");
	out->family = 6;
	out->model = 85;
	out->stepping = 7;
	out->cpuid_level = 22;
	out->khz = 2500123;
	out->cache_kb = 1024;
	out->clflush_size = 64;
	out->cache_alignment = 64;
	out->phys_bits = 46;
	out->virt_bits = 48;
	out->fpu = true;
	out->wp = true;
	strcpy(out->flags, "fpu vme de pse tsc");
}

const char *cmdline_boot_string(void)
{
	return "console=ttyS0 quiet";
}

/* ---- fakes: the process table ---- */

#define NPROC_MAX 8

static struct process *procs[NPROC_MAX]; /* in creation order, as the kernel's list */
static int nprocs;
static struct process *cur;
static u64 next_start_ns;
static struct spinlock tree_lock = SPINLOCK_INIT("fake_tree", LOCK_RANK_NONE);

void proc_for_each(bool (*fn)(struct process *p, void *arg), void *arg)
{
	unsigned long f = spin_lock_irqsave(&tree_lock);

	for (int i = 0; i < nprocs; i++)
		if (!fn(procs[i], arg))
			break;
	spin_unlock_irqrestore(&tree_lock, f);
}

struct process *current_proc(void)
{
	return cur;
}

/* A live process with one blocked thread, an address space, files and fs (test memory). */
static struct process *add_proc(int pid, struct process *parent, const char *name,
				const char *cmdline, size_t cmdline_len, u32 uid)
{
	struct process *p = calloc(1, sizeof(*p));
	struct thread *t = calloc(1, sizeof(*t));
	long before = kmalloc_live;

	p->pid = pid;
	p->pgid = parent ? parent->pgid : pid;
	p->sid = parent ? parent->sid : pid;
	strcpy(p->name, name);
	p->state = PROC_ALIVE;
	p->parent = parent;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_link);
	list_init(&p->threads);
	spin_init(&p->lock, "proc", LOCK_RANK_NONE);
	p->cred = cred_root;
	p->cred.uid = p->cred.euid = p->cred.suid = p->cred.fsuid = uid;
	p->cred.gid = p->cred.egid = p->cred.sgid = p->cred.fsgid = uid ? 100 : 0;
	memcpy(p->cmdline, cmdline, cmdline_len);
	p->cmdline_len = (u32)cmdline_len;
	p->start_ns = (next_start_ns += 1500000000ull); /* 1.5 s apart: 150 ticks */
	p->vm = calloc(1, sizeof(*p->vm));
	p->vm->resident_pages = 100;
	p->vm->table_pages = 5;
	p->files = fdtable_create();
	p->fs = fs_struct_create();
	p->sigactions[SIGINT - 1].handler = SIG_IGN;
	p->sigactions[SIGCHLD - 1].handler = 0x401000;
	t->state = THREAD_BLOCKED;
	t->policy = SCHED_NORMAL;
	t->nice = 5;
	t->cpu = 1;
	t->affinity = 3;
	t->runtime_ns = 1234000000ull; /* 123 ticks */
	t->nr_switches = 42;
	t->sig_blocked = SIGMASK(SIGTERM);
	t->proc = p;
	list_add_tail(&t->proc_link, &p->threads);
	p->main_thread = t;
	p->nr_threads = 1;
	procs[nprocs++] = p;
	/* Files and fs are kmalloc'd; the test's baselines start after them. */
	(void)before;
	return p;
}

/* What the exit path does: release files, fs and memory, become a zombie. */
static void zombify(struct process *p, int status)
{
	struct thread *t = p->main_thread;

	p->exiting = true;
	fdtable_put(p->files);
	p->files = NULL;
	fs_struct_put(p->fs);
	p->fs = NULL;
	if (p->exe) {
		file_put(p->exe);
		p->exe = NULL;
	}
	free(p->vm);
	p->vm = NULL;
	list_del(&t->proc_link);
	p->nr_threads = 0;
	p->main_thread = NULL;
	free(t);
	p->state = PROC_ZOMBIE;
	p->exit_status = status;
}

/* The parent reaped it: out of the table, memory gone. */
static void reap(struct process *p)
{
	int i;

	if (p->state != PROC_ZOMBIE)
		zombify(p, 0);
	for (i = 0; i < nprocs && procs[i] != p; i++)
		;
	memmove(&procs[i], &procs[i + 1], (size_t)(nprocs - i - 1) * sizeof(procs[0]));
	nprocs--;
	if (cur == p)
		cur = NULL;
	free(p);
}

/* ---- fakes: the kernel log ring (klog.h) ---- */

#define RING 8
static struct klog_record ring[RING];
static u64 ring_next;

bool klog_read(u64 *seq, struct klog_record *rec)
{
	u64 oldest = ring_next > RING ? ring_next - RING : 0;

	if (*seq < oldest)
		*seq = oldest;
	if (*seq >= ring_next)
		return false;
	*rec = ring[*seq % RING];
	*seq += 1;
	return true;
}

u64 klog_next_seq(void)
{
	return ring_next;
}

u32 klog_capacity(void)
{
	return RING;
}

static void ring_add(int level, u64 ns, const char *text)
{
	struct klog_record *r = &ring[ring_next % RING];

	r->seq = ring_next++;
	r->time_ns = ns;
	r->level = level;
	snprintf(r->text, sizeof(r->text), "%s", text);
}

static int sleeps_until_record = -1; /* klog_wait adds a record after this many sleeps */
static int sleeps;

/* The kernel's klog_wait sleeps until klog() wakes it; this one "sleeps" in counted steps. */
int klog_wait(u64 seq)
{
	while (klog_next_seq() <= seq) {
		if (stub.signal_pending)
			return -EINTR;
		sleeps++;
		if (sleeps == sleeps_until_record)
			ring_add(KLOG_INFO, 5000000000ull, "late record");
		if (sleeps > 100)
			stub.signal_pending = true; /* a test that would sleep for good */
	}
	return 0;
}

void klog_poll_wait(struct poll_table *pt)
{
	poll_wait(pt, NULL); /* the fake poll_wait: nothing to queue on here */
}

/* ---- fixture ---- */

static struct thread me;
static struct fs_struct *fs;
static struct vfs_ctx C; /* root */

static void setup(void)
{
	memset(&me, 0, sizeof(me));
	me.state = THREAD_RUNNABLE;
	stub_reset(&me);
	nr_cpus = 2;
	kmalloc_live = fake_pages_live = 0;
	nprocs = 0;
	cur = NULL;
	next_start_ns = 0;
	ring_next = 0;
	sleeps = 0;
	sleeps_until_record = -1;
	host_clock_set_ns(100 * 1000000000ull + 250000000ull); /* 100.25 s since boot */
	vfs_init();
	CHECK_EQ(procfs_register(), 0);
	CHECK_EQ(procfs_register(), 0); /* again: harmless */
	CHECK_EQ(kmsg_register(), 0);
	fs = fs_struct_create();
	C = (struct vfs_ctx){fs, &cred_root, NULL};
	CHECK_EQ(vfs_mkdir(&C, "/proc", 0555), 0);
	CHECK_EQ(vfs_mount(&C, "proc", "/proc", "proc", 0, NULL), 0);
}

static void teardown(void)
{
	while (nprocs)
		reap(procs[nprocs - 1]);
	fs_struct_put(fs);
	vfs_shutdown();
	CHECK_EQ(kmalloc_live, 0);
	CHECK_EQ(fake_pages_live, 0);
	CHECK_EQ(stub.panics, 0);
	CHECK_EQ(stub.stuck, 0);
	CHECK_EQ(lock_order_violations(), 0);
	nr_cpus = MAX_CPUS;
}

/* The whole file (up to size-1 bytes) as a string; its length or -errno. */
static s64 slurp(const char *path, char *buf, size_t size)
{
	struct file *f = NULL;
	int err = vfs_open(&C, path, O_RDONLY, 0, &f);
	struct uio u;
	s64 n, total = 0;

	if (err)
		return err;
	do { /* small reads on purpose: later reads continue in one snapshot */
		u = (struct uio){buf + total, MIN((size_t)7, size - 1 - (size_t)total), false};
		n = vfs_read(f, &u);
		total += n > 0 ? n : 0;
	} while (n > 0 && (size_t)total < size - 1);
	buf[total] = '\0';
	file_put(f);
	return n < 0 ? n : total;
}

/* Names in a directory (getdents64), space-separated, "." and ".." left out. */
static int list_dir(const char *path, char *out, size_t size)
{
	struct file *f = NULL;
	char buf[256];
	int err = vfs_open(&C, path, O_RDONLY | O_DIRECTORY, 0, &f);
	s64 n;

	out[0] = '\0';
	if (err)
		return err;
	/* A small buffer: the listing resumes from its positions across calls. */
	while ((n = vfs_getdents64(f, &(struct uio){buf, sizeof(buf), false})) > 0) {
		for (s64 off = 0; off < n;) {
			u16 reclen;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, 2);
			if (strcmp(name, ".") && strcmp(name, "..")) {
				if (out[0])
					strncat(out, " ", size - strlen(out) - 1);
				strncat(out, name, size - strlen(out) - 1);
			}
			off += reclen;
		}
	}
	file_put(f);
	return (int)n;
}

static s64 readlink_(const char *path, char *buf, size_t size)
{
	s64 n = vfs_readlink(&C, path, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* ---- formats ---- */

UNIT_TEST(fmt_meminfo_has_linux_layout)
{
	struct procfs_meminfo m = {32768, 30000, 150, 12, 500, 0};
	char buf[4096];
	size_t n = procfs_fmt_meminfo(&m, buf, sizeof(buf));

	CHECK_EQ(n, strlen(buf));
	CHECK(STARTS_WITH(buf, "MemTotal:         131072 kB\n"
			       "MemFree:          120000 kB\n"
			       "MemAvailable:     120000 kB\n"
			       "Buffers:               0 kB\n"
			       "Cached:                0 kB\n"
			       "SwapCached:            0 kB\n"
			       "Active:             2000 kB\n"));
	CHECK(strstr(buf, "\nAnonPages:          2000 kB\n") != NULL);
	CHECK(strstr(buf, "\nSlab:                600 kB\nSReclaimable:          0 kB\n"
			  "SUnreclaim:          600 kB\n") != NULL);
	CHECK(strstr(buf, "\nPageTables:           48 kB\n") != NULL);
	CHECK(strstr(buf, "\nSwapTotal:             0 kB\nSwapFree:              0 kB\n") != NULL);
	CHECK(strstr(buf, "\nCommitted_AS:      11072 kB\n") != NULL);
	CHECK(strstr(buf, "\nHugePages_Total:       0\nHugePages_Free:        0\n") != NULL);
	CHECK(strstr(buf, "\nHugepagesize:       2048 kB\n") != NULL);
	/* Too small a buffer: cut, NUL-terminated, and the full length reported. */
	CHECK_EQ(procfs_fmt_meminfo(&m, buf, 10), n);
	CHECK_STREQ(buf, "MemTotal:");
}

static struct procfs_task sample_task(void)
{
	struct procfs_task t;

	memset(&t, 0, sizeof(t));
	t.pid = 42;
	t.ppid = 1;
	t.pgid = 42;
	t.sid = 7;
	t.tpgid = -1;
	strcpy(t.comm, "my prog");
	t.state = 'S';
	t.uid[0] = 1000;
	t.uid[1] = 1001;
	t.uid[2] = 1002;
	t.uid[3] = 1003;
	t.gid[0] = t.gid[1] = t.gid[2] = t.gid[3] = 100;
	t.ngroups = 2;
	t.groups[0] = 100;
	t.groups[1] = 27;
	t.has_umask = true;
	t.umask = 022;
	t.has_mm = true;
	t.rss_pages = 300;
	t.vsize_bytes = 300 * 4096;
	t.pt_pages = 4;
	t.utime_ns = 2500000000ull; /* 250 ticks */
	t.cutime_ns = 10000000ull;  /* 1 tick */
	t.start_ns = 3456000000ull; /* 345 ticks */
	t.nice = -5;
	t.nr_threads = 3;
	t.cpu = 1;
	t.sig_pending = SIGMASK(SIGUSR1);
	t.sig_blocked = SIGMASK(SIGTERM);
	t.sig_ignored = SIGMASK(SIGINT);
	t.sig_caught = SIGMASK(SIGCHLD) | SIGMASK(SIGHUP);
	t.affinity = 2;
	t.nr_switches = 17;
	return t;
}

UNIT_TEST(fmt_pid_stat_52_fields)
{
	struct procfs_task t = sample_task();
	char buf[512];
	int fields = 2; /* pid and (comm) */

	procfs_fmt_pid_stat(&t, 2, buf, sizeof(buf));
	CHECK_STREQ(buf,
		    "42 (my prog) S 1 42 7 0 -1 4194304 0 0 0 0 250 0 1 0 15 -5 3 0 345 "
		    "1228800 300 18446744073709551615 1 1 0 0 0 512 16384 2 65537 0 0 0 17 1 0 "
		    "0 0 0 0 0 0 0 0 0 0 0 0\n");
	/* 52 fields: each after comm follows a space. */
	for (const char *s = strrchr(buf, ')') + 1; *s; s++)
		fields += *s == ' ';
	CHECK_EQ(fields, 52);

	/* Real-time: priority -1 - rt_prio, nice 0; a zombie: no memory, its exit status. */
	t.policy = SCHED_FIFO;
	t.rt_prio = 10;
	t.state = 'Z';
	t.has_mm = false;
	t.exit_code = 0x100;
	procfs_fmt_pid_stat(&t, 2, buf, sizeof(buf));
	CHECK(strstr(buf, " Z 1 42 7 0 -1 0 0 ") != NULL);
	CHECK(strstr(buf, " -11 0 3 0 345 ") != NULL);
	CHECK(strstr(buf, " 0 0 0 0 0 512 ") != NULL); /* startcode endcode 0 without memory */
	CHECK(strstr(buf, " 17 1 10 1 0 0 0 0 0 0 0 0 0 0 256\n") != NULL);
}

UNIT_TEST(fmt_pid_status_and_statm)
{
	struct procfs_task t = sample_task();
	char buf[2048];

	procfs_fmt_pid_status(&t, 2, buf, sizeof(buf));
	CHECK_STREQ(buf, "Name:\tmy prog\n"
			 "Umask:\t0022\n"
			 "State:\tS (sleeping)\n"
			 "Tgid:\t42\n"
			 "Ngid:\t0\n"
			 "Pid:\t42\n"
			 "PPid:\t1\n"
			 "TracerPid:\t0\n"
			 "Uid:\t1000\t1001\t1002\t1003\n"
			 "Gid:\t100\t100\t100\t100\n"
			 "FDSize:\t1024\n"
			 "Groups:\t100 27 \n"
			 "NStgid:\t42\n"
			 "NSpid:\t42\n"
			 "NSpgid:\t42\n"
			 "NSsid:\t7\n"
			 "VmPeak:\t    1200 kB\n"
			 "VmSize:\t    1200 kB\n"
			 "VmLck:\t       0 kB\n"
			 "VmPin:\t       0 kB\n"
			 "VmHWM:\t    1200 kB\n"
			 "VmRSS:\t    1200 kB\n"
			 "RssAnon:\t    1200 kB\n"
			 "RssFile:\t       0 kB\n"
			 "RssShmem:\t       0 kB\n"
			 "VmData:\t    1200 kB\n"
			 "VmStk:\t       0 kB\n"
			 "VmExe:\t       0 kB\n"
			 "VmLib:\t       0 kB\n"
			 "VmPTE:\t      16 kB\n"
			 "VmSwap:\t       0 kB\n"
			 "CoreDumping:\t0\n"
			 "Threads:\t3\n"
			 "SigQ:\t0/0\n"
			 "SigPnd:\t0000000000000200\n"
			 "ShdPnd:\t0000000000000000\n"
			 "SigBlk:\t0000000000004000\n"
			 "SigIgn:\t0000000000000002\n"
			 "SigCgt:\t0000000000010001\n"
			 "CapInh:\t0000000000000000\n"
			 "CapPrm:\t0000000000000000\n"
			 "CapEff:\t0000000000000000\n"
			 "CapBnd:\t000001ffffffffff\n"
			 "CapAmb:\t0000000000000000\n"
			 "NoNewPrivs:\t0\n"
			 "Seccomp:\t0\n"
			 "Cpus_allowed:\t2\n"
			 "Cpus_allowed_list:\t1\n"
			 "voluntary_ctxt_switches:\t17\n"
			 "nonvoluntary_ctxt_switches:\t0\n");
	procfs_fmt_pid_statm(&t, buf, sizeof(buf));
	CHECK_STREQ(buf, "300 300 0 0 0 300 0\n");

	/* A root zombie on 16 CPUs: no Vm lines, full capabilities, CPU ranges. */
	t.uid[1] = 0;
	t.has_mm = false;
	t.has_umask = false;
	t.state = 'Z';
	t.ngroups = 0;
	t.affinity = 0xf0f3;
	procfs_fmt_pid_status(&t, 16, buf, sizeof(buf));
	CHECK(strstr(buf, "Name:\tmy prog\nState:\tZ (zombie)\n") != NULL);
	CHECK(strstr(buf, "FDSize:\t0\nGroups:\t \n") != NULL);
	CHECK(strstr(buf, "VmRSS") == NULL);
	CHECK(strstr(buf, "CapEff:\t000001ffffffffff\n") != NULL);
	CHECK(strstr(buf, "Cpus_allowed:\tf0f3\nCpus_allowed_list:\t0-1,4-7,12-15\n") != NULL);
}

UNIT_TEST(fmt_uptime_loadavg_stat_cpuinfo)
{
	struct procfs_loadavg la = {{0, 0, 0}, 0};
	struct procfs_stat *s = calloc(1, sizeof(*s));
	struct arch_cpuinfo ci;
	struct procfs_cpu c = {1, 2, 4};
	char buf[2048];

	procfs_fmt_uptime(123456789012ull, 4567890123ull, buf, sizeof(buf));
	CHECK_STREQ(buf, "123.45 4.56\n");
	procfs_fmt_uptime(5000000ull, 0, buf, sizeof(buf));
	CHECK_STREQ(buf, "0.00 0.00\n");

	procfs_fmt_loadavg(&la, 1, 12, 345, buf, sizeof(buf));
	CHECK_STREQ(buf, "0.00 0.00 0.00 1/12 345\n");
	/* One runnable thread for a minute: 1 - e^-1 = 0.63 of it in the 1-minute average. */
	procfs_loadavg_update(&la, 60 * 1000000000ull, 1);
	procfs_fmt_loadavg(&la, 2, 12, 345, buf, sizeof(buf));
	CHECK_STREQ(buf, "0.63 0.18 0.06 2/12 345\n");
	CHECK_EQ(la.last_ns, 60 * 1000000000ull);
	procfs_loadavg_update(&la, 62 * 1000000000ull, 5); /* less than a step: nothing */
	procfs_fmt_loadavg(&la, 2, 12, 345, buf, sizeof(buf));
	CHECK_STREQ(buf, "0.63 0.18 0.06 2/12 345\n");
	/* Hours of a steady load of 2 converge on 2.00 (the loop is capped). */
	procfs_loadavg_update(&la, 100000 * 1000000000ull, 2);
	procfs_fmt_loadavg(&la, 2, 12, 345, buf, sizeof(buf));
	CHECK_STREQ(buf, "2.00 2.00 2.00 2/12 345\n");
	/* ... and decay back to nothing. */
	procfs_loadavg_update(&la, 200000 * 1000000000ull, 0);
	procfs_fmt_loadavg(&la, 1, 12, 345, buf, sizeof(buf));
	CHECK_STREQ(buf, "0.00 0.00 0.00 1/12 345\n");

	s->nr_cpus = 2;
	s->cpu[0] = (struct procfs_cpu_times){1000000000ull, 0, 3000000000ull};
	s->cpu[1] = (struct procfs_cpu_times){500000000ull, 20000000ull, 3500000000ull};
	s->intr = 99;
	s->ctxt = 1234;
	s->btime = 1700000000;
	s->processes = 57;
	s->running = 2;
	procfs_fmt_stat(s, buf, sizeof(buf));
	CHECK_STREQ(buf, "cpu  150 0 2 650 0 0 0 0 0 0\n"
			 "cpu0 100 0 0 300 0 0 0 0 0 0\n"
			 "cpu1 50 0 2 350 0 0 0 0 0 0\n"
			 "intr 99\n"
			 "ctxt 1234\n"
			 "btime 1700000000\n"
			 "processes 57\n"
			 "procs_running 2\n"
			 "procs_blocked 0\n"
			 "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	free(s);

	arch_cpuinfo(&ci);
	procfs_fmt_cpuinfo(&ci, &c, buf, sizeof(buf));
	CHECK_STREQ(buf, "processor\t: 1\n"
			 "vendor_id\t: GenuineIntel\n"
			 "cpu family\t: 6\n"
			 "model\t\t: 85\n"
			 "model name\t: Test CPU @ 2.50GHz\n"
			 "stepping\t: 7\n"
			 "cpu MHz\t\t: 2500.123\n"
			 "cache size\t: 1024 KB\n"
			 "physical id\t: 0\n"
			 "siblings\t: 4\n"
			 "core id\t\t: 1\n"
			 "cpu cores\t: 4\n"
			 "apicid\t\t: 2\n"
			 "initial apicid\t: 2\n"
			 "fpu\t\t: yes\n"
			 "fpu_exception\t: yes\n"
			 "cpuid level\t: 22\n"
			 "wp\t\t: yes\n"
			 "flags\t\t: fpu vme de pse tsc\n"
			 "bugs\t\t:\n"
			 "bogomips\t: 5000.24\n"
			 "clflush size\t: 64\n"
			 "cache_alignment\t: 64\n"
			 "address sizes\t: 46 bits physical, 48 bits virtual\n"
			 "power management:\n"
			 "\n");
}

UNIT_TEST(fmt_klog_records)
{
	struct klog_record r = {.seq = 42, .time_ns = 1234567891ull, .level = KLOG_INFO};
	char buf[256];

	strcpy(r.text, "hello");
	CHECK_EQ(klog_format_syslog(&r, buf, sizeof(buf)), 24);
	CHECK_STREQ(buf, "<6>[    1.234567] hello\n");
	r.time_ns = 123456789012345678ull;
	klog_format_syslog(&r, buf, sizeof(buf));
	CHECK_STREQ(buf, "<6>[123456789.012345] hello\n");
	r.time_ns = 1234567891ull;
	r.level = KLOG_ERR;
	strcpy(r.text, "a\tb\\c\x7f\xc3\xa9");
	CHECK_EQ(klog_format_kmsg(&r, buf, sizeof(buf)), 39);
	CHECK_STREQ(buf, "3,42,1234567,-;a\\x09b\\x5cc\\x7f\\xc3\\xa9\n");
	/* Cut: NUL-terminated inside, the whole length still reported. */
	CHECK_EQ(klog_format_kmsg(&r, buf, 8), 39);
	CHECK_STREQ(buf, "3,42,12");
	CHECK_EQ(klog_format_kmsg(&r, NULL, 0), 39);
}

UNIT_TEST(syslog_read_all_keeps_the_newest_that_fit)
{
	char buf[256];

	setup();
	ring_add(KLOG_INFO, 1000000000ull, "one");   /* "<6>[    1.000000] one\n" = 22 */
	ring_add(KLOG_WARN, 2000000000ull, "two");   /* 22 */
	ring_add(KLOG_ERR, 3000000000ull, "three!"); /* 25 */
	CHECK_EQ(klog_print_size(0), 69);
	CHECK_EQ(klog_print_size(2), 25);
	CHECK_EQ(klog_print_all(0, buf, sizeof(buf)), 69);
	buf[69] = '\0';
	CHECK_STREQ(buf,
		    "<6>[    1.000000] one\n<4>[    2.000000] two\n<3>[    3.000000] three!\n");
	/* 50 bytes: the oldest goes, whole lines only. */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(klog_print_all(0, buf, 50), 47);
	CHECK_STREQ(buf, "<4>[    2.000000] two\n<3>[    3.000000] three!\n");
	CHECK_EQ(klog_print_all(0, buf, 10), 0);
	/* The ring wrapped: the lost records are skipped. */
	for (int i = 0; i < RING; i++)
		ring_add(KLOG_DEBUG, 4000000000ull, "x");
	CHECK_EQ(klog_print_size(0), RING * 20);
	teardown();
}

/* ---- /dev/kmsg ---- */

UNIT_TEST(kmsg_reads_one_record_per_read)
{
	struct file *f = NULL;
	char buf[128];
	struct uio u = {buf, sizeof(buf), false};

	setup();
	ring_add(KLOG_INFO, 1500000ull, "first");
	ring_add(KLOG_ERR, 2500000ull, "second");
	CHECK_EQ(vfs_mknod(&C, "/kmsg", S_IFCHR | 0600, MKDEV(1, 11)), 0);
	CHECK_EQ(vfs_open(&C, "/kmsg", O_RDWR | O_NONBLOCK, 0, &f), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(vfs_read(f, &u), 17);
	CHECK_STREQ(buf, "6,0,1500,-;first\n");
	/* Too small for the next record: EINVAL, and the record is not lost. */
	u.len = 5;
	CHECK_EQ(vfs_read(f, &u), -EINVAL);
	u.len = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(vfs_read(f, &u), 18);
	CHECK_STREQ(buf, "3,1,2500,-;second\n");
	CHECK_EQ(vfs_read(f, &u), -EAGAIN);
	CHECK(vfs_poll(f, NULL) == (POLLOUT | POLLWRNORM));
	/* Back to the oldest; past the newest. */
	CHECK_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	CHECK(vfs_poll(f, NULL) & POLLIN);
	CHECK_EQ(vfs_read(f, &u), 17);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_END), 0);
	CHECK_EQ(vfs_read(f, &u), -EAGAIN);
	CHECK_EQ(vfs_lseek(f, 1, SEEK_SET), -ESPIPE);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_CUR), -EINVAL);
	/* Fell behind the ring: EPIPE once, then the oldest kept record. */
	CHECK_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	for (int i = 0; i < RING; i++)
		ring_add(KLOG_INFO, 3000000ull, "flood");
	CHECK_EQ(vfs_read(f, &u), -EPIPE);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(vfs_read(f, &u), 17);
	CHECK_STREQ(buf, "6,2,3000,-;flood\n");
	file_put(f);

	/* A blocking read waits (the fake klog_wait logs a record on its 3rd step). */
	CHECK_EQ(vfs_open(&C, "/kmsg", O_RDONLY, 0, &f), 0);
	CHECK_EQ(vfs_lseek(f, 0, SEEK_END), 0);
	sleeps_until_record = 3;
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(vfs_read(f, &u), 27);
	CHECK_STREQ(buf, "6,10,5000000,-;late record\n");
	CHECK_EQ(sleeps, 3);
	/* ... and gives up on a signal. */
	stub.signal_pending = true;
	CHECK_EQ(vfs_read(f, &u), -EINTR);
	stub.signal_pending = false;
	file_put(f);
	teardown();
}

UNIT_TEST(kmsg_write_logs_a_line)
{
	struct file *f = NULL;
	char big[2000];

	setup();
	CHECK_EQ(vfs_mknod(&C, "/kmsg", S_IFCHR | 0600, MKDEV(1, 11)), 0);
	CHECK_EQ(vfs_open(&C, "/kmsg", O_WRONLY, 0, &f), 0);
	CHECK_EQ(vfs_write(f, &(struct uio){"<3>init: started\n", 17, false}), 17);
	CHECK_EQ(vfs_write(f, &(struct uio){"plain text", 10, false}), 10);
	CHECK_EQ(vfs_write(f, &(struct uio){"<x>not a level\n", 15, false}), 15);
	CHECK(strstr(stub_log(), "init: started\nplain text\n<x>not a level\n") != NULL);
	memset(big, 'a', sizeof(big));
	CHECK_EQ(vfs_write(f, &(struct uio){big, sizeof(big), false}), -EINVAL);
	file_put(f);
	teardown();
}

/* ---- the file system ---- */

static const char init_cmdline[] = "/sbin/init\0";
static const char sh_cmdline[] = "-/bin/sh\0-c\0echo hi\0";

UNIT_TEST(proc_root_lists_entries_and_pids)
{
	char buf[512];
	struct kstat st;
	struct kstatfs sfs;

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	add_proc(12, procs[0], "sh", sh_cmdline, sizeof(sh_cmdline) - 1, 0);
	add_proc(7, procs[0], "getty", "getty\0", 6, 0); /* created later, smaller pid */
	CHECK_EQ(list_dir("/proc", buf, sizeof(buf)), 0);
	CHECK_STREQ(buf, "cmdline cpuinfo filesystems ipc loadavg meminfo mounts self stat uptime "
			 "version 1 7 12");
	CHECK_EQ(vfs_stat(&C, "/proc/12", 0, &st), 0);
	CHECK(S_ISDIR(st.mode));
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(vfs_stat(&C, "/proc/13", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/012", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/0", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/99999999999", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/-1", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/meminfo", 0, &st), 0);
	CHECK_EQ(st.mode, S_IFREG | 0444);
	CHECK_EQ(st.size, 0);
	CHECK_EQ(list_dir("/proc/12", buf, sizeof(buf)), 0);
	CHECK_STREQ(buf, "cmdline comm cwd exe fd mounts root stat statm status");
	CHECK_EQ(vfs_statfs(&C, "/proc", &sfs), 0);
	CHECK_EQ(sfs.type, PROCFS_MAGIC);
	/* Nothing can be made in /proc. */
	CHECK_EQ(vfs_mkdir(&C, "/proc/x", 0755), -EPERM);
	CHECK(vfs_open(&C, "/proc/new", O_CREAT | O_WRONLY, 0644, &(struct file *){NULL}) < 0);
	teardown();
}

UNIT_TEST(proc_system_files)
{
	char buf[4096];

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	CHECK(slurp("/proc/meminfo", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "MemTotal:         131072 kB\nMemFree:          120000 kB\n"));
	CHECK(strstr(buf, "\nAnonPages:           400 kB\n") != NULL); /* init's 100 pages */
	CHECK_EQ(slurp("/proc/uptime", buf, sizeof(buf)), 12);
	CHECK_STREQ(buf, "100.25 0.00\n");
	CHECK(slurp("/proc/version", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "Matrioska version 0.1.0 ("));
	CHECK_EQ(slurp("/proc/cmdline", buf, sizeof(buf)), 20);
	CHECK_STREQ(buf, "console=ttyS0 quiet\n");
	CHECK(slurp("/proc/filesystems", buf, sizeof(buf)) > 0);
	CHECK_STREQ(buf, "nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tdevfs\nnodev\tproc\n");
	CHECK(slurp("/proc/loadavg", buf, sizeof(buf)) > 0);
	CHECK_STREQ(buf, "0.00 0.00 0.00 1/1 1\n");
	/* /proc/ipc over tests/unit/fake_ipc_stat.c's one handle. */
	CHECK(slurp("/proc/ipc", buf, sizeof(buf)) > 0);
	CHECK_STREQ(buf,
		    "pid comm handle type object rights badge details\n"
		    "1 init 1 endpoint 0000000000001234 send,recv 0 receivers=1 calls=0 dead=0 "
		    "fastcalls=0 fastreplies=0\n");
	CHECK(slurp("/proc/stat", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "cpu  20050 0 0 0 0 0 0 0 0 0\ncpu0 10025 0 0 0 0 0 0 0 0 0\n"));
	CHECK(strstr(buf, "\nprocs_running 1\nprocs_blocked 0\n") != NULL);
	CHECK(slurp("/proc/cpuinfo", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "processor\t: 0\nvendor_id\t: GenuineIntel\n"));
	CHECK(strstr(buf, "power management:\n\nprocessor\t: 1\n") != NULL);
	CHECK(slurp("/proc/mounts", buf, sizeof(buf)) < 0); /* a kernel thread has no self */
	cur = procs[0];
	CHECK(slurp("/proc/mounts", buf, sizeof(buf)) > 0);
	CHECK_STREQ(buf, "rootfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\n");
	teardown();
}

UNIT_TEST(proc_pid_files_of_a_live_process)
{
	char buf[2048];
	struct process *sh;

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	sh = add_proc(12, procs[0], "sh", sh_cmdline, sizeof(sh_cmdline) - 1, 1000);
	CHECK(slurp("/proc/12/stat", buf, sizeof(buf)) > 0);
	CHECK_STREQ(buf,
		    "12 (sh) S 1 1 1 0 -1 4194304 0 0 0 0 123 0 0 0 25 5 1 0 300 409600 100 "
		    "18446744073709551615 1 1 0 0 0 0 16384 2 65536 0 0 0 17 1 0 0 0 0 0 0 0 0 "
		    "0 0 0 0 0\n");
	CHECK(slurp("/proc/12/status", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf,
			  "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t12\nNgid:\t0\n"
			  "Pid:\t12\nPPid:\t1\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
			  "Gid:\t100\t100\t100\t100\n"));
	CHECK(strstr(buf, "\nVmRSS:\t     400 kB\n") != NULL);
	CHECK(strstr(buf, "\nThreads:\t1\n") != NULL);
	CHECK(strstr(buf, "\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") != NULL);
	CHECK_EQ(slurp("/proc/12/statm", buf, sizeof(buf)), 20);
	CHECK_STREQ(buf, "100 100 0 0 0 100 0\n");
	CHECK_EQ(slurp("/proc/12/cmdline", buf, sizeof(buf)), (s64)sizeof(sh_cmdline) - 1);
	CHECK(memcmp(buf, sh_cmdline, sizeof(sh_cmdline) - 1) == 0);
	CHECK_EQ(slurp("/proc/12/comm", buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "sh\n");
	/* A running thread: R. */
	sh->main_thread->state = THREAD_RUNNABLE;
	CHECK(slurp("/proc/12/stat", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "12 (sh) R 1 "));
	/* Owner: the process's effective ids. */
	{
		struct kstat st;

		CHECK_EQ(vfs_stat(&C, "/proc/12/status", 0, &st), 0);
		CHECK_EQ(st.uid, 1000);
		CHECK_EQ(st.gid, 100);
		CHECK_EQ(vfs_stat(&C, "/proc/12/fd", 0, &st), 0);
		CHECK_EQ(st.mode, S_IFDIR | 0500);
	}
	teardown();
}

UNIT_TEST(proc_self_fd_exe_cwd_links)
{
	char buf[256];
	struct process *p;
	struct file *f = NULL, *rd = NULL, *wr = NULL;
	char pipe_r[64], pipe_w[64];
	struct kstat st;

	setup();
	p = add_proc(5, NULL, "busybox", "ls\0", 3, 0);
	CHECK_EQ(readlink_("/proc/self", buf, sizeof(buf)), -ENOENT); /* kernel thread */
	cur = p;
	CHECK_EQ(readlink_("/proc/self", buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "5");
	CHECK(slurp("/proc/self/comm", buf, sizeof(buf)) == 8);
	CHECK_STREQ(buf, "busybox\n");

	/* fd 0: /dev/null (devtmpfs), fd 1 and 2: a pipe, fd 7: a tmpfs file. */
	CHECK_EQ(vfs_mkdir(&C, "/dev", 0755), 0);
	CHECK_EQ(vfs_mount(&C, "dev", "/dev", "devtmpfs", 0, NULL), 0);
	CHECK_EQ(vfs_open(&C, "/dev/null", O_RDWR, 0, &f), 0);
	CHECK_EQ(fd_install(p->files, f, 0, false), 0);
	CHECK_EQ(pipe_create(0, &rd, &wr), 0);
	CHECK_EQ(fd_install(p->files, rd, 0, false), 1);
	CHECK_EQ(fd_install(p->files, wr, 0, false), 2);
	CHECK_EQ(vfs_mkdir(&C, "/home", 0755), 0);
	CHECK_EQ(vfs_open(&C, "/home/notes.txt", O_CREAT | O_WRONLY, 0644, &f), 0);
	CHECK_EQ(fd_install(p->files, f, 7, false), 7);
	CHECK_EQ(list_dir("/proc/self/fd", buf, sizeof(buf)), 0);
	CHECK_STREQ(buf, "0 1 2 7");
	CHECK_EQ(readlink_("/proc/self/fd/0", buf, sizeof(buf)), 9);
	CHECK_STREQ(buf, "/dev/null");
	CHECK_EQ(readlink_("/proc/5/fd/7", buf, sizeof(buf)), 15);
	CHECK_STREQ(buf, "/home/notes.txt");
	CHECK(readlink_("/proc/5/fd/1", pipe_r, sizeof(pipe_r)) > 0);
	CHECK(readlink_("/proc/5/fd/2", pipe_w, sizeof(pipe_w)) > 0);
	CHECK(strncmp(pipe_r, "pipe:[", 6) == 0 && pipe_r[strlen(pipe_r) - 1] == ']');
	CHECK_STREQ(pipe_r, pipe_w); /* two ends, one pipe */
	CHECK_EQ(readlink_("/proc/5/fd/3", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/5/fd/7", AT_SYMLINK_NOFOLLOW, &st), 0);
	CHECK_EQ(st.mode, S_IFLNK | 0300); /* write-only */
	CHECK_EQ(vfs_stat(&C, "/proc/5/fd/0", AT_SYMLINK_NOFOLLOW, &st), 0);
	CHECK_EQ(st.mode, S_IFLNK | 0700);
	/* Following the link opens the file itself. */
	CHECK_EQ(vfs_stat(&C, "/proc/5/fd/7", 0, &st), 0);
	CHECK(S_ISREG(st.mode));
	/* A truncating readlink. */
	CHECK_EQ(vfs_readlink(&C, "/proc/5/fd/7", buf, 5), 5);
	CHECK(memcmp(buf, "/home", 5) == 0);

	/* exe, cwd, root */
	CHECK_EQ(readlink_("/proc/5/exe", buf, sizeof(buf)), -ENOENT); /* none yet */
	CHECK_EQ(vfs_open(&C, "/home/notes.txt", O_RDONLY, 0, &p->exe), 0);
	CHECK_EQ(readlink_("/proc/5/exe", buf, sizeof(buf)), 15);
	CHECK_STREQ(buf, "/home/notes.txt");
	CHECK_EQ(vfs_chdir(&(struct vfs_ctx){p->fs, &cred_root, NULL}, "/home"), 0);
	CHECK_EQ(readlink_("/proc/5/cwd", buf, sizeof(buf)), 5);
	CHECK_STREQ(buf, "/home");
	CHECK_EQ(readlink_("/proc/5/root", buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "/");
	CHECK_EQ(slurp("/proc/5/cwd/notes.txt", buf, sizeof(buf)), 0); /* walks through it */

	/* Closing an fd: its entry goes, and so does the cached dentry on the next listing. */
	{
		long before;

		CHECK_EQ(fd_close(p->files, 7), 0);
		before = kmalloc_live;
		CHECK_EQ(list_dir("/proc/5/fd", buf, sizeof(buf)), 0);
		CHECK_STREQ(buf, "0 1 2");
		CHECK_EQ(kmalloc_live, before - 3); /* dentry, inode, procfs_inode of "7" */
		CHECK_EQ(readlink_("/proc/5/fd/7", buf, sizeof(buf)), -ENOENT);
	}
	teardown(); /* the files close before the mounts go */
}

UNIT_TEST(proc_others_fds_are_private)
{
	char buf[128];
	struct process *other, *me_p;
	struct file *f = NULL;
	struct cred user;

	setup();
	other = add_proc(3, NULL, "daemon", "daemon\0", 7, 0);
	me_p = add_proc(4, NULL, "sh", "sh\0", 3, 1000);
	CHECK_EQ(vfs_open(&C, "/proc/meminfo", O_RDONLY, 0, &f), 0);
	CHECK_EQ(fd_install(other->files, f, 0, false), 0);
	cur = me_p;
	user = me_p->cred;
	{
		struct vfs_ctx U = {fs, &user, NULL};
		struct kstat st;

		/* Listing another user's fd directory: its mode (0500) says no. */
		CHECK_EQ(vfs_open(&U, "/proc/3/fd", O_RDONLY | O_DIRECTORY, 0,
				  &(struct file *){NULL}),
			 -EACCES);
		CHECK_EQ(vfs_stat(&U, "/proc/3/fd/0", 0, &st), -EACCES);
		/* exe and cwd: the ptrace-like check. */
		CHECK_EQ(vfs_readlink(&U, "/proc/3/cwd", buf, sizeof(buf)), -EACCES);
		CHECK_EQ(vfs_readlink(&U, "/proc/4/cwd", buf, sizeof(buf)), 1);
		/* Status is public. */
		CHECK_EQ(vfs_stat(&U, "/proc/3/status", 0, &st), 0);
	}
	teardown();
}

UNIT_TEST(proc_process_exits_while_open)
{
	char buf[1024];
	struct process *p;
	struct file *status = NULL, *dir = NULL;
	struct uio u = {buf, sizeof(buf) - 1, false};
	struct kstat st;
	s64 n;

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	p = add_proc(9, procs[0], "worker", "worker\0", 7, 0);
	CHECK_EQ(vfs_open(&C, "/proc/9/status", O_RDONLY, 0, &status), 0);
	CHECK_EQ(vfs_open(&C, "/proc/9", O_RDONLY | O_DIRECTORY, 0, &dir), 0);

	/* A zombie: still listed, state Z, no memory lines, empty cmdline, no fds. */
	zombify(p, 3 << 8);
	n = vfs_pread(status, &u, 0);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strstr(buf, "State:\tZ (zombie)\n") != NULL);
	CHECK(strstr(buf, "VmRSS") == NULL);
	CHECK(strstr(buf, "Umask") == NULL);
	CHECK_EQ(slurp("/proc/9/cmdline", buf, sizeof(buf)), 0);
	CHECK(slurp("/proc/9/stat", buf, sizeof(buf)) > 0);
	CHECK(STARTS_WITH(buf, "9 (worker) Z 1 "));
	CHECK(strstr(buf, " 768\n") != NULL);
	CHECK_EQ(list_dir("/proc/9/fd", buf, sizeof(buf)), 0);
	CHECK_STREQ(buf, "");
	CHECK_EQ(readlink_("/proc/9/cwd", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(list_dir("/proc", buf, sizeof(buf)), 0);
	CHECK(strstr(buf, " 1 9") != NULL);

	/* Reaped: the open file reads ESRCH, the open directory is empty, the name is gone. */
	reap(p);
	CHECK_EQ(vfs_pread(status, &u, 0), -ESRCH);
	CHECK_EQ(vfs_getdents64(dir, &(struct uio){buf, sizeof(buf), false}), 48); /* . and .. */
	CHECK_EQ(vfs_getdents64(dir, &(struct uio){buf, sizeof(buf), false}), 0);
	CHECK_EQ(vfs_stat(&C, "/proc/9", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&C, "/proc/9/status", 0, &st), -ENOENT);
	CHECK_EQ(vfs_stat(&(struct vfs_ctx){fs, &cred_root, dir}, "status", 0, &st), -ENOENT);

	/* The pid comes back as another process: the old directory still shows nothing. */
	add_proc(9, procs[0], "newcomer", "newcomer\0", 9, 0);
	CHECK_EQ(vfs_stat(&(struct vfs_ctx){fs, &cred_root, dir}, "status", 0, &st), -ENOENT);
	CHECK_EQ(slurp("/proc/9/comm", buf, sizeof(buf)), 9);
	CHECK_STREQ(buf, "newcomer\n");
	CHECK_EQ(vfs_pread(status, &u, 0), -ESRCH);
	file_put(status);
	file_put(dir);
	teardown();
}

UNIT_TEST(proc_dentries_of_gone_processes_are_freed)
{
	char buf[1024];
	struct kstat st;
	long base;

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	CHECK_EQ(list_dir("/proc", buf, sizeof(buf)), 0);
	base = kmalloc_live;

	/* Walked again: revalidation drops the directory with its cached children. */
	add_proc(20, procs[0], "a", "a\0", 2, 0);
	CHECK_EQ(vfs_stat(&C, "/proc/20/status", 0, &st), 0);
	CHECK_EQ(vfs_stat(&C, "/proc/20/fd", 0, &st), 0);
	reap(procs[1]);
	CHECK_EQ(vfs_stat(&C, "/proc/20/status", 0, &st), -ENOENT);
	CHECK_EQ(kmalloc_live, base);

	/* Never walked again: listing /proc prunes it. */
	add_proc(21, procs[0], "b", "b\0", 2, 0);
	CHECK_EQ(vfs_stat(&C, "/proc/21/stat", 0, &st), 0);
	reap(procs[1]);
	CHECK_EQ(list_dir("/proc", buf, sizeof(buf)), 0);
	CHECK_EQ(kmalloc_live, base);

	/* ... and so does looking up any other name in /proc. */
	add_proc(22, procs[0], "c", "c\0", 2, 0);
	CHECK_EQ(vfs_stat(&C, "/proc/22/cmdline", 0, &st), 0);
	reap(procs[1]);
	CHECK_EQ(vfs_stat(&C, "/proc/uptime", 0, &st), 0);
	CHECK_EQ(kmalloc_live, base + 3); /* now "uptime" is cached */

	/* Many short-lived processes: the cache does not grow. */
	for (int i = 0; i < 200; i++) {
		add_proc(100 + i, procs[0], "t", "t\0", 2, 0);
		CHECK_EQ(vfs_stat(&C, "/proc/self", AT_SYMLINK_NOFOLLOW, &st), 0);
		snprintf(buf, sizeof(buf), "/proc/%d/status", 100 + i);
		CHECK(slurp(buf, buf, sizeof(buf)) > 0);
		reap(procs[1]);
	}
	CHECK_EQ(list_dir("/proc", buf, sizeof(buf)), 0);
	CHECK_EQ(kmalloc_live, base + 3 + 3); /* "self" too */
	teardown();
}

UNIT_TEST(proc_lookup_fuzz_never_crashes)
{
	static const char alphabet[] = "0123456789/.-xsfd";
	char path[64];
	struct kstat st;
	u32 x = 12345;

	setup();
	add_proc(1, NULL, "init", init_cmdline, sizeof(init_cmdline) - 1, 0);
	add_proc(2, procs[0], "sh", "sh\0", 3, 0);
	cur = procs[1];
	for (int i = 0; i < 3000; i++) {
		int len = 6;

		memcpy(path, "/proc/", 6);
		x = x * 1103515245u + 12345u;
		for (u32 k = (x >> 16) % 12; k > 0; k--) {
			x = x * 1103515245u + 12345u;
			path[len++] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		path[len] = '\0';
		(void)vfs_stat(&C, path, (x & 1) ? AT_SYMLINK_NOFOLLOW : 0, &st);
		if ((x & 0x70000) == 0)
			(void)slurp(path, path + 40, 24);
		if (i == 1500)
			reap(procs[1]); /* the current process goes half-way */
	}
	teardown();
}
