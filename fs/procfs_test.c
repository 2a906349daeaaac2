/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/procfs_test.c - in-kernel tests of procfs and of the kernel log's
 * user-space forms (ktest=procfs), through the VFS's own calls with kernel
 * buffers, from the ktest kernel thread: what the host test cannot show
 * with its fake process table - real processes, the real page allocator's
 * numbers, the real log ring.
 *
 * A private procfs is mounted at /.ktest-proc (and a /dev/kmsg node made
 * at /.ktest-kmsg) on the live root, and removed afterwards; vfs_init() is
 * idempotent, so the tests also run before stage 4 mounts anything.
 */
#include "errno.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "procfs.h"
#include "userprog.h"
#include "vfs.h"

#define KT_PROC "/.ktest-proc"
#define KT_KMSG "/.ktest-kmsg"
#define KT_BUF 4096

static const struct vfs_ctx kt_ctx; /* global root, root credentials */

static bool kt_mount(struct ktest *t)
{
	int err;

	vfs_init();
	KT_EXPECT_EQ(t, procfs_register(), 0);
	err = vfs_mkdir(&kt_ctx, KT_PROC, 0555);
	KT_EXPECT(t, err == 0 || err == -EEXIST);
	err = vfs_mount(&kt_ctx, "proc", KT_PROC, "proc", 0, NULL);
	KT_EXPECT_EQ(t, err, 0);
	return err == 0;
}

static void kt_unmount(struct ktest *t)
{
	KT_EXPECT_EQ(t, vfs_umount(&kt_ctx, KT_PROC, 0), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(&kt_ctx, KT_PROC), 0);
}

/* Does text contain word? (the kernel's lib has no strstr) */
static bool kt_contains(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (strncmp(text, word, n) == 0)
			return true;
	return false;
}

/* Read path from offset 0 into buf (NUL-terminated); bytes read or -errno. */
static s64 kt_read(const char *path, char *buf, size_t size)
{
	struct file *f;
	struct uio u = {buf, size - 1, false};
	s64 n;
	int err = vfs_open(&kt_ctx, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = vfs_read(f, &u);
	file_put(f);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The number after "name:" in /proc/meminfo text, or -1. */
static s64 meminfo_kb(const char *text, const char *name)
{
	size_t len = strlen(name);
	u64 v = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, len) != 0 || p[len] != ':')
			continue;
		for (p += len + 1; *p == ' '; p++)
			;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (u64)(*p++ - '0');
		return strncmp(p, " kB\n", 4) == 0 ? (s64)v : -1;
	}
	return -1;
}

KTEST(procfs, meminfo_uptime_and_self)
{
	char *buf = kmalloc(KT_BUF);
	struct mm_stats st;
	char link[16];

	if (!buf || !kt_mount(t)) {
		kfree(buf);
		KT_EXPECT(t, false);
		return;
	}
	KT_EXPECT(t, kt_read(KT_PROC "/meminfo", buf, KT_BUF) > 0);
	mm_stats_get(&st);
	KT_EXPECT_EQ(t, meminfo_kb(buf, "MemTotal"), st.total_pages * (PAGE_SIZE / 1024));
	KT_EXPECT(t, meminfo_kb(buf, "MemFree") > 0);
	KT_EXPECT(t, meminfo_kb(buf, "MemFree") <= meminfo_kb(buf, "MemTotal"));
	KT_EXPECT_EQ(t, meminfo_kb(buf, "SwapTotal"), 0);

	KT_EXPECT(t, kt_read(KT_PROC "/uptime", buf, KT_BUF) > 0);
	KT_EXPECT(t, strchr(buf, '.') && buf[strlen(buf) - 1] == '\n');
	KT_EXPECT(t, kt_read(KT_PROC "/cpuinfo", buf, KT_BUF) > 0);
	KT_EXPECT(t, strncmp(buf, "processor\t: 0\nvendor_id\t: ", 26) == 0);
	KT_EXPECT(t, kt_read(KT_PROC "/filesystems", buf, KT_BUF) > 0);
	KT_EXPECT(t, kt_contains(buf, "nodev\tproc\n"));
	KT_EXPECT(t, kt_read(KT_PROC "/mounts", buf, KT_BUF) == -ENOENT); /* self: none here */

	/* This is a kernel thread: it has no /proc/self. */
	KT_EXPECT_EQ(t, vfs_readlink(&kt_ctx, KT_PROC "/self", link, sizeof(link)), -ENOENT);
	KT_EXPECT_EQ(t, kt_read(KT_PROC "/self/status", buf, KT_BUF), -ENOENT);
	kt_unmount(t);
	kfree(buf);
}

KTEST(procfs, process_lifecycle)
{
	const struct userprog *u = userprog_find("hello");
	char *buf = kmalloc(KT_BUF), path[64], pidname[16];
	struct file *status = NULL;
	struct process *p;
	struct kstat st;
	int pid;

	if (!buf || !u || !kt_mount(t)) {
		kfree(buf);
		KT_EXPECT(t, false);
		return;
	}
	p = proc_spawn_flat("hello", u->start, (size_t)(u->end - u->start), USERPROG_LOAD_ADDR,
			    u->entry);
	KT_EXPECT(t, p != NULL);
	if (!p)
		goto out;
	pid = p->pid;
	snprintf(pidname, sizeof(pidname), "%d", pid);
	snprintf(path, sizeof(path), KT_PROC "/%d/status", pid);
	KT_EXPECT_EQ(t, vfs_open(&kt_ctx, path, O_RDONLY, 0, &status), 0);

	/* Exited, not yet collected: a zombie, still listed. */
	wait_for_completion(&p->done);
	snprintf(path, sizeof(path), KT_PROC "/%d/stat", pid);
	KT_EXPECT(t, kt_read(path, buf, KT_BUF) > 0);
	snprintf(path, sizeof(path), "%d (hello) Z 0 ", pid);
	KT_EXPECT(t, strncmp(buf, path, strlen(path)) == 0);
	snprintf(path, sizeof(path), KT_PROC "/%d/cmdline", pid);
	KT_EXPECT_EQ(t, kt_read(path, buf, KT_BUF), 0);
	snprintf(path, sizeof(path), KT_PROC "/%d/fd", pid);
	KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, path, 0, &st), 0);
	if (status) {
		struct uio uu = {buf, KT_BUF - 1, false};
		s64 n = vfs_pread(status, &uu, 0);

		buf[n > 0 ? n : 0] = '\0';
		KT_EXPECT(t, kt_contains(buf, "State:\tZ (zombie)\n"));
	}

	/* Collected: the open file reads ESRCH, the directory is gone. */
	KT_EXPECT_EQ(t, proc_wait(p), 42);
	if (status) {
		struct uio uu = {buf, KT_BUF - 1, false};

		KT_EXPECT_EQ(t, vfs_pread(status, &uu, 0), -ESRCH);
		file_put(status);
	}
	snprintf(path, sizeof(path), KT_PROC "/%d", pid);
	KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, path, 0, &st), -ENOENT);
	snprintf(path, sizeof(path), KT_PROC "/%d/fd", pid);
	KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, path, 0, &st), -ENOENT);
out:
	kt_unmount(t); /* EBUSY here would mean a reference was leaked */
	kfree(buf);
}

KTEST(procfs, kmsg_and_syslog_text)
{
	char *buf = kmalloc(KT_BUF);
	struct file *f = NULL;
	struct uio u;
	u64 seq;
	size_t n;
	s64 r;

	vfs_init();
	if (!buf) {
		KT_EXPECT(t, false);
		return;
	}
	KT_EXPECT_EQ(t, kmsg_register(), 0);
	KT_EXPECT_EQ(t, vfs_mknod(&kt_ctx, KT_KMSG, S_IFCHR | 0600, MKDEV(1, 11)), 0);
	KT_EXPECT_EQ(t, vfs_open(&kt_ctx, KT_KMSG, O_RDWR | O_NONBLOCK, 0, &f), 0);
	if (!f)
		goto out;
	KT_EXPECT_EQ(t, vfs_lseek(f, 0, SEEK_END), 0);
	u = (struct uio){buf, KT_BUF - 1, false};
	KT_EXPECT_EQ(t, vfs_read(f, &u), -EAGAIN);

	/* A line written to /dev/kmsg becomes a record with the level it names. */
	seq = klog_next_seq();
	u = (struct uio){"<7>ktest kmsg marker\n", 21, false};
	KT_EXPECT_EQ(t, vfs_write(f, &u), 21);
	u = (struct uio){buf, KT_BUF - 1, false};
	r = vfs_read(f, &u);
	KT_EXPECT(t, r > 0);
	buf[r > 0 ? r : 0] = '\0';
	snprintf(buf + 2048, 64, "7,%llu,", (unsigned long long)seq);
	KT_EXPECT(t, strncmp(buf, buf + 2048, strlen(buf + 2048)) == 0);
	KT_EXPECT(t, kt_contains(buf, ",-;ktest kmsg marker\n"));

	/* The same record in syslog(2)'s form. */
	n = klog_print_all(seq, buf, KT_BUF - 1);
	buf[n] = '\0';
	KT_EXPECT(t, strncmp(buf, "<7>[", 4) == 0);
	KT_EXPECT(t, kt_contains(buf, "] ktest kmsg marker\n"));
	KT_EXPECT(t, klog_print_size(seq) >= n);
	file_put(f);
out:
	KT_EXPECT_EQ(t, vfs_unlink(&kt_ctx, KT_KMSG), 0);
	kfree(buf);
}
