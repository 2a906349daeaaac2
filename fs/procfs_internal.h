/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_internal.h - declarations shared by procfs's own files and its
 * host test (tests/unit/test_procfs.c), and by nobody else.
 *
 *   procfs.c      the file-system type, the root directory, the per-process
 *                 directories' lookup/revalidate/iterate, generated files
 *   procfs_pid.c  what /proc/PID/ holds: snapshots of a process taken under
 *                 the process-tree lock, stat, status, cmdline, fd/, exe, ...
 *   procfs_sys.c  the system-wide files: meminfo, cpuinfo, stat, uptime, ...
 *   procfs_fmt.c  pure text formatting from the plain structs below into a
 *                 buffer (no kernel dependencies: host-tested for exact text)
 *
 * The formats are Linux's (fs/proc in Linux is the reference for the field
 * order and spacing; nothing is copied from it). Design: docs/design/procfs.md.
 */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include "cpu.h"
#include "cred.h"
#include "types.h"
#include "vfs.h"

#define PROCFS_MAGIC 0x9fa0 /* Linux's PROC_SUPER_MAGIC (statfs f_type) */
#define PROCFS_HZ 100	    /* USER_HZ: "clock ticks" of every stat file */
#define PROCFS_COMM_MAX 16  /* comm incl. NUL, as PROC_NAME_MAX */

/*
 * A bounded appender (procfs_fmt.c): pb_printf writes what fits and counts
 * everything, so len ends as snprintf's "length it would have" - the
 * generators return it and gen_fill retries with that much room.
 */
struct pbuf {
	char *buf;
	size_t size, len;
};
struct pbuf pb_init(char *buf, size_t size);
void pb_printf(struct pbuf *b, const char *fmt, ...) __printf(2, 3);

/* ---- snapshots the formatters take ---- */

/* /proc/meminfo: page counts (4 KiB pages). */
struct procfs_meminfo {
	u64 total_pages; /* managed by the page allocator */
	u64 free_pages;
	u64 slab_pages;
	u64 pagetable_pages;
	u64 anon_pages;	 /* user memory: resident pages of the address spaces */
	u64 shmem_pages; /* tmpfs data (reported as Shmem and Cached) */
};

/* One process as /proc/PID/stat, status and statm show it. */
struct procfs_task {
	int pid, ppid, pgid, sid;
	int tty_nr, tpgid; /* no controlling-tty information yet: 0 and -1 */
	char comm[PROCFS_COMM_MAX];
	char state;	    /* 'R' running/runnable, 'S' sleeping, 'Z' zombie */
	u32 uid[4], gid[4]; /* real, effective, saved, file-system */
	u32 ngroups;
	u32 groups[NGROUPS_MAX];
	bool has_umask;
	u32 umask;
	bool has_mm; /* an address space (not a zombie): the Vm* lines */
	u64 rss_pages, vsize_bytes, pt_pages;
	u64 utime_ns, stime_ns;	  /* CPU time of its live threads (all counted as user) */
	u64 cutime_ns, cstime_ns; /* of its reaped children */
	u64 start_ns;		  /* since boot */
	u32 policy, rt_prio;	  /* SCHED_* and 1..99 for FIFO/RR */
	int nice;
	u32 nr_threads;
	u32 cpu; /* where the main thread last ran */
	u64 sig_pending, sig_shared, sig_blocked, sig_ignored, sig_caught;
	u64 affinity; /* CPUs the main thread may use (bit n = CPU n) */
	u64 nr_switches;
	int exit_code; /* wait status of a zombie, else 0 */
};

/* /proc/stat: per-CPU times in nanoseconds and system counters. */
struct procfs_cpu_times {
	u64 user_ns, system_ns, idle_ns;
};
struct procfs_stat {
	u32 nr_cpus;
	struct procfs_cpu_times cpu[MAX_CPUS];
	u64 intr, ctxt, btime, processes;
	u32 running, blocked;
};

/*
 * Load averages, Linux's fixed point (11 fractional bits), decayed every 5
 * seconds with the number of runnable threads. Updated lazily when read
 * (procfs_loadavg_update): the count seen then stands for the whole time
 * since the last read - an approximation without a periodic tick.
 */
#define PROCFS_FSHIFT 11
#define PROCFS_FIXED_1 (1ull << PROCFS_FSHIFT)
#define PROCFS_LOAD_FREQ_NS 5000000000ull
struct procfs_loadavg {
	u64 avg[3];  /* 1, 5 and 15 minutes */
	u64 last_ns; /* time of the last 5-second step */
};

/* /proc/cpuinfo: one CPU's block (the arch's description plus its place). */
struct arch_cpuinfo;
struct procfs_cpu {
	u32 processor, apic_id, nr_cpus;
};

/* ---- formatters (procfs_fmt.c) ----
 * Each writes at most size bytes (NUL-terminated when size > 0) and returns
 * the length the whole text has, like snprintf: a result >= size means the
 * buffer was too small.
 */
size_t procfs_fmt_meminfo(const struct procfs_meminfo *m, char *buf, size_t size);
size_t procfs_fmt_pid_stat(const struct procfs_task *t, u32 ncpus, char *buf, size_t size);
size_t procfs_fmt_pid_status(const struct procfs_task *t, u32 ncpus, char *buf, size_t size);
size_t procfs_fmt_pid_statm(const struct procfs_task *t, char *buf, size_t size);
size_t procfs_fmt_uptime(u64 uptime_ns, u64 idle_ns, char *buf, size_t size);
size_t procfs_fmt_loadavg(const struct procfs_loadavg *la, u32 running, u32 threads, int last_pid,
			  char *buf, size_t size);
size_t procfs_fmt_stat(const struct procfs_stat *s, char *buf, size_t size);
size_t procfs_fmt_cpuinfo(const struct arch_cpuinfo *ci, const struct procfs_cpu *c, char *buf,
			  size_t size);
/* Advance la to now_ns with `active` runnable threads (pure arithmetic). */
void procfs_loadavg_update(struct procfs_loadavg *la, u64 now_ns, u32 active);
/* Nanoseconds to clock ticks (PROCFS_HZ). */
static inline u64 procfs_ticks(u64 ns)
{
	return ns / (1000000000ull / PROCFS_HZ);
}

/* ---- kernel side (procfs.c, procfs_pid.c, procfs_sys.c) ---- */

/*
 * A generator fills buf with a file's whole text and returns its length
 * (which may exceed size: the caller retries with a bigger buffer) or
 * -errno (-ESRCH: the process is gone). It runs in process context without
 * VFS locks and may sleep.
 */
typedef s64 (*procfs_gen_t)(struct inode *inode, char *buf, size_t size);
/* A computed symlink target (no NUL) into buf; its length or -errno. Namespace lock held. */
typedef s64 (*procfs_link_t)(struct inode *inode, char *buf, size_t size);

/* What an entry of a fixed table is: a generated file, a symlink or a directory. */
struct procfs_entry {
	const char *name;
	u32 mode; /* S_IFREG/S_IFLNK/S_IFDIR | permissions */
	procfs_gen_t gen;
	procfs_link_t link;
};

/* The kinds of inodes (struct procfs_inode.kind). */
enum procfs_kind {
	PK_ROOT,     /* /proc */
	PK_ROOT_ENT, /* an entry of the root's table */
	PK_PID_DIR,  /* /proc/PID */
	PK_PID_ENT,  /* an entry of /proc/PID's table */
	PK_FD_DIR,   /* /proc/PID/fd */
	PK_FD_LINK,  /* /proc/PID/fd/N */
};

/*
 * inode->priv of every procfs inode. Immutable after the inode is made.
 * A process is named by (pid, start_ns) so a reused pid is a different
 * process: the old entries revalidate as gone.
 */
struct procfs_inode {
	u32 kind; /* enum procfs_kind */
	const struct procfs_entry *ent;
	int pid;
	u64 start_ns;
	int fd;
};

static inline struct procfs_inode *procfs_i(const struct inode *inode)
{
	return inode->priv;
}

/* procfs.c */
extern const struct procfs_entry procfs_pid_entries[];
extern const size_t procfs_nr_pid_entries;
extern const struct procfs_entry procfs_root_entries[];
extern const size_t procfs_nr_root_entries;

/* procfs_pid.c: processes, looked up by pid under the tree lock. */
/* Is process (pid, start_ns) still there (alive or zombie)? If start_ns is 0, any with pid. */
bool procfs_pid_alive(int pid, u64 start_ns, u64 *start_out, u32 *uid, u32 *gid);
/* A process's name in procfs: its pid and start time. */
struct procfs_pid_ref {
	int pid;
	u64 start_ns;
};
/*
 * Every process with a pid > after, ascending by pid; at most max into out.
 * Returns the number there are (more than max: call again with more room).
 */
size_t procfs_list_procs(int after, struct procfs_pid_ref *out, size_t max);
/* Is fd open in the process? */
bool procfs_fd_open(int pid, u64 start_ns, int fd, u32 *fmode);
/*
 * Open fds of the process, ascending, >= from, into fds (at most max).
 * Returns the count or -ESRCH.
 */
int procfs_list_fds(int pid, u64 start_ns, int from, int *fds, int max);
/* The caller's pid, or -ENOENT for a kernel thread. */
int procfs_self_pid(void);
/* May the caller see the fds, exe and cwd of a process owned by uid? */
bool procfs_may_inspect(u32 uid);
s64 procfs_fd_readlink(struct inode *inode, char *buf, size_t size);

/* The file generators of procfs_sys.c and procfs_pid.c. */
s64 procfs_gen_meminfo(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_cpuinfo(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_uptime(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_version(struct inode *inode, char *buf, size_t size);
/* /proc/ipc (procfs_ipc.c): every native handle, for ipcstat. */
s64 procfs_gen_ipc(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_loadavg(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_stat(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_filesystems(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_cmdline(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_stat(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_status(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_statm(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_cmdline(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_comm(struct inode *inode, char *buf, size_t size);
s64 procfs_gen_pid_mounts(struct inode *inode, char *buf, size_t size);
s64 procfs_link_self(struct inode *inode, char *buf, size_t size);
s64 procfs_link_exe(struct inode *inode, char *buf, size_t size);
s64 procfs_link_cwd(struct inode *inode, char *buf, size_t size);
s64 procfs_link_root(struct inode *inode, char *buf, size_t size);

#endif
