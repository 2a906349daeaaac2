/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/vfs_test.c - in-kernel tests of the VFS with real threads on every
 * CPU: what the host tests cannot show, that concurrent callers keep the
 * tree and file data consistent. Threads create, write, rename, link,
 * read back and unlink files in a shared directory while all of them keep
 * renaming over one contended name; two writers append records to one
 * O_APPEND file. Afterwards the shared directory must be exactly as the
 * threads left it and tmpfs must have given back every page.
 *
 * The tests work in /.ktest-vfs on the live root (vfs_init() is
 * idempotent, so they also run before stage 4 mounts the root).
 */
#include "errno.h"
#include "ktest.h"
#include "lib.h"
#include "sched.h"
#include "vfs.h"

#define KT_THREADS 4
#define KT_ITERS 200
#define KT_DIR "/.ktest-vfs"

static const struct vfs_ctx kt_ctx; /* global root, root credentials */

struct kt_worker {
	int id;
	u32 errors;
	u32 done;
};

static int kt_write_file(const char *path, const char *data, size_t len, int flags)
{
	struct file *f;
	struct uio u = {(char *)data, len, false};
	s64 n;
	int err = vfs_open(&kt_ctx, path, O_WRONLY | O_CREAT | flags, 0644, &f);

	if (err)
		return err;
	n = vfs_write(f, &u);
	file_put(f);
	return n == (s64)len ? 0 : -EIO;
}

static int kt_read_file(const char *path, char *buf, size_t size)
{
	struct file *f;
	struct uio u = {buf, size, false};
	s64 n;
	int err = vfs_open(&kt_ctx, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = vfs_read(f, &u);
	file_put(f);
	return (int)n;
}

static void kt_churn(void *arg)
{
	struct kt_worker *w = arg;
	char a[64], b[64], c[64], data[48], back[48];

	for (int i = 0; i < KT_ITERS; i++) {
		int len = snprintf(data, sizeof(data), "worker %d iteration %d", w->id, i);
		int err;

		snprintf(a, sizeof(a), KT_DIR "/shared/a%d", w->id);
		snprintf(b, sizeof(b), KT_DIR "/shared/b%d", w->id);
		snprintf(c, sizeof(c), KT_DIR "/shared/c%d", w->id);
		err = kt_write_file(a, data, (size_t)len, O_EXCL);
		err = err ?: vfs_rename(&kt_ctx, a, &kt_ctx, b, 0);
		err = err ?: vfs_link(&kt_ctx, b, &kt_ctx, c, 0);
		if (!err) {
			int n = kt_read_file(c, back, sizeof(back));

			if (n != len || memcmp(back, data, (size_t)len) != 0)
				err = -EIO;
		}
		err = err ?: vfs_unlink(&kt_ctx, b);
		/* Everyone renames over the same name; one of them wins each time. */
		err = err ?: vfs_rename(&kt_ctx, c, &kt_ctx, KT_DIR "/shared/hot", 0);
		/* A private directory comes and goes. */
		snprintf(a, sizeof(a), KT_DIR "/shared/d%d", w->id);
		err = err ?: vfs_mkdir(&kt_ctx, a, 0755);
		err = err ?: vfs_rmdir(&kt_ctx, a);
		if (err)
			w->errors++;
		else
			w->done++;
		if ((i & 7) == 0)
			sched_yield();
	}
}

/* Count the entries of dir other than "." and "..". */
static int kt_count_entries(const char *dir, char *first, size_t first_size)
{
	struct file *f;
	char buf[512];
	int count = 0;
	int err = vfs_open(&kt_ctx, dir, O_RDONLY | O_DIRECTORY, 0, &f);

	if (err)
		return err;
	for (;;) {
		struct uio u = {buf, sizeof(buf), false};
		s64 n = vfs_getdents64(f, &u);

		if (n <= 0)
			break;
		for (s64 p = 0; p < n;) {
			u16 reclen;
			const char *name = buf + p + 19;

			memcpy(&reclen, buf + p + 16, 2);
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
				if (count == 0 && first_size)
					snprintf(first, first_size, "%s", name);
				count++;
			}
			p += reclen;
		}
	}
	file_put(f);
	return count;
}

static u64 kt_used_blocks(void)
{
	struct kstatfs st;

	if (vfs_statfs(&kt_ctx, "/", &st))
		return 0;
	return st.blocks - st.bfree;
}

KTEST(vfs, concurrent_namespace_changes_stay_consistent)
{
	static struct kt_worker w[KT_THREADS];
	struct thread *th[KT_THREADS];
	char name[32] = "";
	u64 blocks_before;

	vfs_init();
	blocks_before = kt_used_blocks();
	KT_EXPECT_EQ(t, vfs_mkdir(&kt_ctx, KT_DIR, 0755), 0);
	KT_EXPECT_EQ(t, vfs_mkdir(&kt_ctx, KT_DIR "/shared", 0755), 0);
	for (int i = 0; i < KT_THREADS; i++) {
		w[i] = (struct kt_worker){.id = i};
		th[i] = thread_create("ktest-vfs", kt_churn, &w[i], NULL);
		KT_EXPECT(t, th[i] != NULL);
	}
	for (int i = 0; i < KT_THREADS; i++) {
		if (!th[i])
			continue;
		thread_join(th[i]);
		KT_EXPECT_EQ(t, w[i].errors, 0);
		KT_EXPECT_EQ(t, w[i].done, KT_ITERS);
	}
	/* Only the contended name is left, holding one worker's last record. */
	KT_EXPECT_EQ(t, kt_count_entries(KT_DIR "/shared", name, sizeof(name)), 1);
	KT_EXPECT_STREQ(t, name, "hot");
	{
		struct kstat st;

		KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, KT_DIR "/shared", 0, &st), 0);
		KT_EXPECT_EQ(t, st.nlink, 2);
		KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, KT_DIR "/shared/hot", 0, &st), 0);
		KT_EXPECT_EQ(t, st.nlink, 1);
	}
	KT_EXPECT_EQ(t, vfs_unlink(&kt_ctx, KT_DIR "/shared/hot"), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(&kt_ctx, KT_DIR "/shared"), 0);
	KT_EXPECT_EQ(t, vfs_rmdir(&kt_ctx, KT_DIR), 0);
	KT_EXPECT_EQ(t, kt_used_blocks(), blocks_before);
}

#define KT_RECORDS 300
#define KT_REC 64

static void kt_appender(void *arg)
{
	struct kt_worker *w = arg;
	char rec[KT_REC];

	memset(rec, 'A' + w->id, sizeof(rec));
	rec[KT_REC - 1] = '\n';
	for (int i = 0; i < KT_RECORDS; i++) {
		if (kt_write_file(KT_DIR "-log", rec, sizeof(rec), O_APPEND))
			w->errors++;
		if ((i & 15) == 0)
			sched_yield();
	}
}

KTEST(vfs, concurrent_appends_never_interleave)
{
	static struct kt_worker w[2];
	static char rec[KT_REC];
	struct thread *th[2];
	struct file *f;
	struct kstat st;
	u32 bad = 0, counts[2] = {0, 0};

	vfs_init();
	for (int i = 0; i < 2; i++) {
		w[i] = (struct kt_worker){.id = i};
		th[i] = thread_create("ktest-vfs-append", kt_appender, &w[i], NULL);
		KT_EXPECT(t, th[i] != NULL);
	}
	for (int i = 0; i < 2; i++)
		if (th[i]) {
			thread_join(th[i]);
			KT_EXPECT_EQ(t, w[i].errors, 0);
		}
	KT_EXPECT_EQ(t, vfs_stat(&kt_ctx, KT_DIR "-log", 0, &st), 0);
	KT_EXPECT_EQ(t, st.size, 2 * KT_RECORDS * KT_REC);
	if (vfs_open(&kt_ctx, KT_DIR "-log", O_RDONLY, 0, &f) == 0) {
		for (;;) {
			struct uio u = {rec, sizeof(rec), false};
			s64 n = vfs_read(f, &u);

			if (n != KT_REC)
				break;
			if (rec[0] != 'A' && rec[0] != 'B') {
				bad++;
				continue;
			}
			for (int j = 1; j < KT_REC - 1; j++)
				bad += rec[j] != rec[0];
			counts[rec[0] - 'A']++;
		}
		file_put(f);
	}
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, counts[0], KT_RECORDS);
	KT_EXPECT_EQ(t, counts[1], KT_RECORDS);
	KT_EXPECT_EQ(t, vfs_unlink(&kt_ctx, KT_DIR "-log"), 0);
}
