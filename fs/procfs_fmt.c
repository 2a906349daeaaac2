/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_fmt.c - the text of procfs's files from plain snapshots:
 * /proc/meminfo, /proc/PID/stat (Linux's 52 fields), status and statm,
 * /proc/uptime, /proc/loadavg (and its fixed-point decay), /proc/stat and
 * one /proc/cpuinfo block. Field order, names and spacing are Linux's, so
 * busybox's ps, top, free and uptime parse them.
 *
 * Pure functions: no locks, no allocation, no kernel state; the snapshots
 * are taken by procfs_pid.c and procfs_sys.c. tests/unit/test_procfs.c
 * compares every format against exact strings.
 */
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "procfs_internal.h"
#include "sched.h"

void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->size ? b->buf + b->len : NULL,
		      b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

struct pbuf pb_init(char *buf, size_t size)
{
	struct pbuf b = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	return b;
}

typedef unsigned long long ull;

static ull kb(u64 pages)
{
	return (ull)pages * (PAGE_SIZE / 1024);
}

/* ---- /proc/meminfo ---- */

/* "Name:" padded to 16 columns, the value in 8, then " kB". */
static void mem_line(struct pbuf *b, const char *name, u64 kib)
{
	pb_printf(b, "%-16s%8llu kB\n", name, (ull)kib);
}

size_t procfs_fmt_meminfo(const struct procfs_meminfo *m, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);
	u64 used = m->total_pages > m->free_pages ? m->total_pages - m->free_pages : 0;

	mem_line(&b, "MemTotal:", kb(m->total_pages));
	mem_line(&b, "MemFree:", kb(m->free_pages));
	mem_line(&b, "MemAvailable:", kb(m->free_pages)); /* nothing is reclaimable yet */
	mem_line(&b, "Buffers:", 0);
	mem_line(&b, "Cached:", kb(m->shmem_pages));
	mem_line(&b, "SwapCached:", 0);
	mem_line(&b, "Active:", kb(m->anon_pages + m->shmem_pages));
	mem_line(&b, "Inactive:", 0);
	mem_line(&b, "Active(anon):", kb(m->anon_pages + m->shmem_pages));
	mem_line(&b, "Inactive(anon):", 0);
	mem_line(&b, "Active(file):", 0);
	mem_line(&b, "Inactive(file):", 0);
	mem_line(&b, "Unevictable:", 0);
	mem_line(&b, "Mlocked:", 0);
	mem_line(&b, "SwapTotal:", 0);
	mem_line(&b, "SwapFree:", 0);
	mem_line(&b, "Dirty:", 0);
	mem_line(&b, "Writeback:", 0);
	mem_line(&b, "AnonPages:", kb(m->anon_pages));
	mem_line(&b, "Mapped:", 0);
	mem_line(&b, "Shmem:", kb(m->shmem_pages));
	mem_line(&b, "KReclaimable:", 0);
	mem_line(&b, "Slab:", kb(m->slab_pages));
	mem_line(&b, "SReclaimable:", 0);
	mem_line(&b, "SUnreclaim:", kb(m->slab_pages));
	mem_line(&b, "KernelStack:", 0);
	mem_line(&b, "PageTables:", kb(m->pagetable_pages));
	mem_line(&b, "NFS_Unstable:", 0);
	mem_line(&b, "Bounce:", 0);
	mem_line(&b, "WritebackTmp:", 0);
	mem_line(&b, "CommitLimit:", kb(m->total_pages));
	mem_line(&b, "Committed_AS:", kb(used));
	mem_line(&b, "VmallocTotal:", 0);
	mem_line(&b, "VmallocUsed:", 0);
	mem_line(&b, "VmallocChunk:", 0);
	pb_printf(&b, "HugePages_Total:   %5u\n", 0);
	pb_printf(&b, "HugePages_Free:    %5u\n", 0);
	pb_printf(&b, "HugePages_Rsvd:    %5u\n", 0);
	pb_printf(&b, "HugePages_Surp:    %5u\n", 0);
	mem_line(&b, "Hugepagesize:", 2048);
	return b.len;
}

/* ---- /proc/PID/stat, status, statm ---- */

static int task_priority(const struct procfs_task *t)
{
	if (t->policy == SCHED_FIFO || t->policy == SCHED_RR)
		return -1 - (int)t->rt_prio;
	return 20 + t->nice;
}

#define PF_RANDOMIZE 0x00400000u /* user processes get a randomized layout */
#define RLIM_INFINITY_STR "18446744073709551615"

size_t procfs_fmt_pid_stat(const struct procfs_task *t, u32 ncpus, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);
	bool rt = t->policy == SCHED_FIFO || t->policy == SCHED_RR;

	(void)ncpus;
	/* 1-9: pid (comm) state ppid pgrp session tty_nr tpgid flags */
	pb_printf(&b, "%d (%s) %c %d %d %d %d %d %u ", t->pid, t->comm, t->state, t->ppid, t->pgid,
		  t->sid, t->tty_nr, t->tpgid, t->has_mm ? PF_RANDOMIZE : 0u);
	/* 10-17: minflt cminflt majflt cmajflt utime stime cutime cstime */
	pb_printf(&b, "0 0 0 0 %llu %llu %llu %llu ", (ull)procfs_ticks(t->utime_ns),
		  (ull)procfs_ticks(t->stime_ns), (ull)procfs_ticks(t->cutime_ns),
		  (ull)procfs_ticks(t->cstime_ns));
	/* 18-25: priority nice num_threads itrealvalue starttime vsize rss rsslim */
	pb_printf(&b, "%d %d %u 0 %llu %llu %llu %s ", task_priority(t), rt ? 0 : t->nice,
		  t->nr_threads, (ull)procfs_ticks(t->start_ns), (ull)t->vsize_bytes,
		  (ull)t->rss_pages, RLIM_INFINITY_STR);
	/* 26-30: startcode endcode startstack kstkesp kstkeip (hidden, as Linux shows others) */
	pb_printf(&b, "%u %u 0 0 0 ", t->has_mm ? 1u : 0u, t->has_mm ? 1u : 0u);
	/* 31-37: signal blocked sigignore sigcatch wchan nswap cnswap */
	pb_printf(&b, "%llu %llu %llu %llu 0 0 0 ", (ull)t->sig_pending, (ull)t->sig_blocked,
		  (ull)t->sig_ignored, (ull)t->sig_caught);
	/* 38-44: exit_signal processor rt_priority policy blkio_ticks guest_time cguest_time */
	pb_printf(&b, "17 %u %u %u 0 0 0 ", t->cpu, rt ? t->rt_prio : 0u, t->policy);
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	pb_printf(&b, "0 0 0 0 0 0 0 %d\n", t->exit_code);
	return b.len;
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R':
		return "R (running)";
	case 'Z':
		return "Z (zombie)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	default:
		return "S (sleeping)";
	}
}

/* A CPU set as Linux's list format: "0-3,5". */
static void cpu_list(struct pbuf *b, u64 mask, u32 ncpus)
{
	bool first = true;

	for (u32 i = 0; i < ncpus && i < 64; i++) {
		u32 j = i;

		if (!(mask & (1ull << i)))
			continue;
		while (j + 1 < ncpus && j + 1 < 64 && (mask & (1ull << (j + 1))))
			j++;
		if (j == i)
			pb_printf(b, "%s%u", first ? "" : ",", i);
		else
			pb_printf(b, "%s%u-%u", first ? "" : ",", i, j);
		first = false;
		i = j;
	}
}

static void vm_line(struct pbuf *b, const char *name, u64 kib)
{
	pb_printf(b, "%s\t%8llu kB\n", name, (ull)kib);
}

#define CAP_FULL 0x000001ffffffffffull /* every capability Linux 6.x defines */

size_t procfs_fmt_pid_status(const struct procfs_task *t, u32 ncpus, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);
	u64 cpus_mask = ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
	u64 allowed = (t->affinity ? t->affinity : ~0ull) & cpus_mask;
	u64 caps = t->uid[1] == 0 ? CAP_FULL : 0;

	pb_printf(&b, "Name:\t%s\n", t->comm);
	if (t->has_umask)
		pb_printf(&b, "Umask:\t%04o\n", t->umask);
	pb_printf(&b, "State:\t%s\n", state_name(t->state));
	pb_printf(&b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", t->pid, t->pid,
		  t->ppid);
	pb_printf(&b, "Uid:\t%u\t%u\t%u\t%u\n", t->uid[0], t->uid[1], t->uid[2], t->uid[3]);
	pb_printf(&b, "Gid:\t%u\t%u\t%u\t%u\n", t->gid[0], t->gid[1], t->gid[2], t->gid[3]);
	pb_printf(&b, "FDSize:\t%u\n", t->has_mm ? (u32)FD_MAX : 0u);
	pb_printf(&b, "Groups:\t");
	for (u32 i = 0; i < t->ngroups && i < NGROUPS_MAX; i++)
		pb_printf(&b, "%s%u", i ? " " : "", t->groups[i]);
	/* Linux ends the list with a space (kept for compatibility). */
	pb_printf(&b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t->pid, t->pid,
		  t->pgid, t->sid);
	if (t->has_mm) {
		u64 vsz = t->vsize_bytes / 1024, rss = kb(t->rss_pages);

		vm_line(&b, "VmPeak:", vsz);
		vm_line(&b, "VmSize:", vsz);
		vm_line(&b, "VmLck:", 0);
		vm_line(&b, "VmPin:", 0);
		vm_line(&b, "VmHWM:", rss);
		vm_line(&b, "VmRSS:", rss);
		vm_line(&b, "RssAnon:", rss);
		vm_line(&b, "RssFile:", 0);
		vm_line(&b, "RssShmem:", 0);
		vm_line(&b, "VmData:", vsz);
		vm_line(&b, "VmStk:", 0);
		vm_line(&b, "VmExe:", 0);
		vm_line(&b, "VmLib:", 0);
		vm_line(&b, "VmPTE:", kb(t->pt_pages));
		vm_line(&b, "VmSwap:", 0);
		pb_printf(&b, "CoreDumping:\t0\n");
	}
	pb_printf(&b, "Threads:\t%u\n", t->nr_threads);
	pb_printf(&b, "SigQ:\t0/0\n");
	pb_printf(&b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n", (ull)t->sig_pending,
		  (ull)t->sig_shared);
	pb_printf(&b, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n", (ull)t->sig_blocked,
		  (ull)t->sig_ignored, (ull)t->sig_caught);
	pb_printf(&b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ull, (ull)caps,
		  (ull)caps);
	pb_printf(&b, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL, 0ull);
	pb_printf(&b, "NoNewPrivs:\t0\nSeccomp:\t0\n");
	pb_printf(&b, "Cpus_allowed:\t%0*llx\n", (int)((MAX(ncpus, 1u) + 3) / 4), (ull)allowed);
	pb_printf(&b, "Cpus_allowed_list:\t");
	cpu_list(&b, allowed, ncpus);
	pb_printf(&b, "\nvoluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t0\n",
		  (ull)t->nr_switches);
	return b.len;
}

size_t procfs_fmt_pid_statm(const struct procfs_task *t, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);

	/* size resident shared text lib data dt, in pages */
	pb_printf(&b, "%llu %llu 0 0 0 %llu 0\n", (ull)(t->vsize_bytes / PAGE_SIZE),
		  (ull)t->rss_pages, (ull)(t->vsize_bytes / PAGE_SIZE));
	return b.len;
}

/* ---- /proc/uptime, /proc/loadavg ---- */

size_t procfs_fmt_uptime(u64 uptime_ns, u64 idle_ns, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);
	u64 up_cs = uptime_ns / 10000000, idle_cs = idle_ns / 10000000;

	pb_printf(&b, "%llu.%02llu %llu.%02llu\n", (ull)(up_cs / 100), (ull)(up_cs % 100),
		  (ull)(idle_cs / 100), (ull)(idle_cs % 100));
	return b.len;
}

/* exp(-5s / 1, 5, 15 minutes) in fixed point, as Linux defines them. */
static const u64 load_exp[3] = {1884, 2014, 2037};
#define LOAD_MAX_STEPS 4096 /* 5.7 hours: every average has converged by then */

static u64 calc_load(u64 load, u64 exp, u64 active)
{
	u64 n = load * exp + active * (PROCFS_FIXED_1 - exp);

	if (active >= load)
		n += PROCFS_FIXED_1 - 1; /* round up while rising, so a steady load is reached */
	return n / PROCFS_FIXED_1;
}

void procfs_loadavg_update(struct procfs_loadavg *la, u64 now_ns, u32 active)
{
	u64 steps, act = (u64)active * PROCFS_FIXED_1;

	if (now_ns < la->last_ns + PROCFS_LOAD_FREQ_NS)
		return;
	steps = (now_ns - la->last_ns) / PROCFS_LOAD_FREQ_NS;
	la->last_ns += steps * PROCFS_LOAD_FREQ_NS;
	if (steps > LOAD_MAX_STEPS)
		steps = LOAD_MAX_STEPS;
	while (steps--)
		for (int i = 0; i < 3; i++)
			la->avg[i] = calc_load(la->avg[i], load_exp[i], act);
}

size_t procfs_fmt_loadavg(const struct procfs_loadavg *la, u32 running, u32 threads, int last_pid,
			  char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);

	for (int i = 0; i < 3; i++) {
		u64 v = la->avg[i] + PROCFS_FIXED_1 / 200; /* round to 2 decimals */
		u64 frac = ((v & (PROCFS_FIXED_1 - 1)) * 100) >> PROCFS_FSHIFT;

		pb_printf(&b, "%llu.%02llu ", (ull)(v >> PROCFS_FSHIFT), (ull)frac);
	}
	pb_printf(&b, "%u/%u %d\n", running, threads, last_pid);
	return b.len;
}

/* ---- /proc/stat ---- */

static void cpu_line(struct pbuf *b, const char *name, const struct procfs_cpu_times *c)
{
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	pb_printf(b, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name, (ull)procfs_ticks(c->user_ns),
		  (ull)procfs_ticks(c->system_ns), (ull)procfs_ticks(c->idle_ns));
}

size_t procfs_fmt_stat(const struct procfs_stat *s, char *buf, size_t size)
{
	struct pbuf b = pb_init(buf, size);
	struct procfs_cpu_times sum = {0, 0, 0};
	u32 n = MIN(s->nr_cpus, (u32)MAX_CPUS);
	char name[16];

	for (u32 i = 0; i < n; i++) {
		sum.user_ns += s->cpu[i].user_ns;
		sum.system_ns += s->cpu[i].system_ns;
		sum.idle_ns += s->cpu[i].idle_ns;
	}
	cpu_line(&b, "cpu ", &sum);
	for (u32 i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu%u", i);
		cpu_line(&b, name, &s->cpu[i]);
	}
	pb_printf(&b, "intr %llu\nctxt %llu\nbtime %llu\nprocesses %llu\n", (ull)s->intr,
		  (ull)s->ctxt, (ull)s->btime, (ull)s->processes);
	pb_printf(&b, "procs_running %u\nprocs_blocked %u\n", s->running, s->blocked);
	pb_printf(&b, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	return b.len;
}

/* ---- /proc/cpuinfo ---- */

size_t procfs_fmt_cpuinfo(const struct arch_cpuinfo *ci, const struct procfs_cpu *c, char *buf,
			  size_t size)
{
	struct pbuf b = pb_init(buf, size);
	u32 bogo = ci->khz / 5; /* 2 x MHz, in hundredths */

	pb_printf(&b, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
		  c->processor, ci->vendor, ci->family, ci->model);
	pb_printf(&b, "model name\t: %s\nstepping\t: %u\n", ci->model_name, ci->stepping);
	pb_printf(&b, "cpu MHz\t\t: %u.%03u\n", ci->khz / 1000, ci->khz % 1000);
	if (ci->cache_kb)
		pb_printf(&b, "cache size\t: %u KB\n", ci->cache_kb);
	pb_printf(&b, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n",
		  c->nr_cpus, c->processor, c->nr_cpus);
	pb_printf(&b, "apicid\t\t: %u\ninitial apicid\t: %u\n", c->apic_id, c->apic_id);
	pb_printf(&b, "fpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: %s\n",
		  ci->fpu ? "yes" : "no", ci->fpu ? "yes" : "no", ci->cpuid_level,
		  ci->wp ? "yes" : "no");
	pb_printf(&b, "flags\t\t: %s\nbugs\t\t:\n", ci->flags);
	pb_printf(&b, "bogomips\t: %u.%02u\n", bogo / 100, bogo % 100);
	pb_printf(&b, "clflush size\t: %u\ncache_alignment\t: %u\n", ci->clflush_size,
		  ci->cache_alignment);
	pb_printf(&b, "address sizes\t: %u bits physical, %u bits virtual\n", ci->phys_bits,
		  ci->virt_bits);
	pb_printf(&b, "power management:\n\n");
	return b.len;
}
