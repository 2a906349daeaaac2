/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/fdtable.c - per-process file-descriptor tables: FD_MAX slots, each an
 * open-file reference plus a close-on-exec bit. A table is reference
 * counted so threads created with CLONE_FILES share it; fork copies it
 * (every file gaining a reference).
 *
 * Locking: t->lock (a spinlock) covers files[] and cloexec[]. Files are
 * never released under it: a slot is cleared under the lock and the file
 * put after unlocking, since the last file_put may sleep (release
 * methods, inode mutexes).
 */
#include "internal.h"

#define FD_WORDS (FD_MAX / 64)

struct fdtable {
	u32 refcount; /* atomic */
	struct spinlock lock;
	struct file *files[FD_MAX]; /* under lock */
	u64 cloexec[FD_WORDS];	    /* under lock */
	/*
	 * One past the highest slot ever filled (every slot from here up is
	 * NULL), under lock: fork and exit look at these slots only, not all
	 * FD_MAX of them.
	 */
	int nr_used;
};

static bool fd_valid(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

static void set_cloexec_locked(struct fdtable *t, int fd, bool on)
{
	u64 bit = 1ull << (fd % 64);

	if (on)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

struct fdtable *fdtable_create(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->refcount = 1;
	spin_init(&t->lock, "fdtable", LOCK_RANK_NONE);
	return t;
}

struct fdtable *fdtable_clone(struct fdtable *t)
{
	struct fdtable *n = fdtable_create();

	if (!n)
		return NULL;
	spin_lock(&t->lock);
	for (int fd = 0; fd < t->nr_used; fd++)
		if (t->files[fd])
			n->files[fd] = file_get(t->files[fd]);
	n->nr_used = t->nr_used;
	memcpy(n->cloexec, t->cloexec, sizeof(n->cloexec));
	spin_unlock(&t->lock);
	return n;
}

struct fdtable *fdtable_get(struct fdtable *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
	return t;
}

void fdtable_put(struct fdtable *t)
{
	if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int fd = 0; fd < t->nr_used; fd++)
		if (t->files[fd])
			file_put(t->files[fd]);
	kfree(t);
}

int fd_install(struct fdtable *t, struct file *f, int minfd, bool cloexec)
{
	int ret = -EMFILE;

	if (minfd < 0 || minfd >= FD_MAX)
		return -EINVAL;
	spin_lock(&t->lock);
	for (int fd = minfd; fd < FD_MAX; fd++) {
		if (!t->files[fd]) {
			t->files[fd] = f;
			t->nr_used = MAX(t->nr_used, fd + 1);
			set_cloexec_locked(t, fd, cloexec);
			ret = fd;
			break;
		}
	}
	spin_unlock(&t->lock);
	return ret;
}

struct file *fd_get(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	if (!fd_valid(fd))
		return NULL;
	spin_lock(&t->lock);
	if (t->files[fd])
		f = file_get(t->files[fd]);
	spin_unlock(&t->lock);
	return f;
}

int fd_close(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&t->lock);
	f = t->files[fd];
	t->files[fd] = NULL;
	if (f)
		set_cloexec_locked(t, fd, false);
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup2(struct fdtable *t, int oldfd, int newfd, bool cloexec)
{
	struct file *old = NULL;
	int ret = newfd;

	if (!fd_valid(oldfd) || !fd_valid(newfd))
		return -EBADF;
	spin_lock(&t->lock);
	if (!t->files[oldfd]) {
		ret = -EBADF;
	} else if (oldfd != newfd) {
		old = t->files[newfd];
		t->files[newfd] = file_get(t->files[oldfd]);
		t->nr_used = MAX(t->nr_used, newfd + 1);
		set_cloexec_locked(t, newfd, cloexec);
	}
	spin_unlock(&t->lock);
	if (old)
		file_put(old);
	return ret;
}

int fd_get_cloexec(struct fdtable *t, int fd)
{
	int ret = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (t->files[fd])
		ret = (t->cloexec[fd / 64] >> (fd % 64)) & 1;
	spin_unlock(&t->lock);
	return ret;
}

int fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	int ret = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (t->files[fd]) {
		set_cloexec_locked(t, fd, on);
		ret = 0;
	}
	spin_unlock(&t->lock);
	return ret;
}

void fdtable_close_on_exec(struct fdtable *t)
{
	for (int w = 0; w < FD_WORDS; w++) {
		struct file *batch[64];
		int n = 0;

		spin_lock(&t->lock);
		for (int b = 0; b < 64; b++) {
			int fd = w * 64 + b;

			if (!((t->cloexec[w] >> b) & 1))
				continue;
			if (t->files[fd])
				batch[n++] = t->files[fd];
			t->files[fd] = NULL;
		}
		t->cloexec[w] = 0;
		spin_unlock(&t->lock);
		for (int i = 0; i < n; i++)
			file_put(batch[i]);
	}
}

void fdtable_for_each(struct fdtable *t, bool (*fn)(int fd, struct file *f, void *arg), void *arg)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct file *f = fd_get(t, fd);
		bool go;

		if (!f)
			continue;
		go = fn(fd, f, arg);
		file_put(f);
		if (!go)
			break;
	}
}
