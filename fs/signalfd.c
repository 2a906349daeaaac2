/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fs/signalfd.c - signalfd (evfd.h): the reader's pending signals in the
 * file's mask, read as 128-byte struct signalfd_siginfo records and taken
 * off the pending sets as they are read (signal_dequeue, signal.h), as on
 * Linux. Like Linux, the file stands for "the signals of whoever reads or
 * polls it", not of its creator. The signals are normally blocked by the
 * reader (sigprocmask) so that they stay pending until read.
 *
 * Waking: every signal that becomes pending calls signalfd_notify() (from
 * kernel/core/signal.c), which wakes one global queue shared by every
 * signalfd, but only while some signalfd exists (nr_signalfds). Readers
 * and pollers re-check their own pending set, so a wake-up meant for
 * another process costs a look. Nothing is kept per file but the mask.
 *
 * Locking: the mask is stored and loaded atomically (signalfd4 on an
 * existing file replaces it); the pending sets are the signal code's.
 */
#include "errno.h"
#include "evfd.h"
#include "lib.h"
#include "mm.h"
#include "poll.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "uaccess.h"
#include "vfs.h"

#define SIGNALFD_INFO_SIZE 128

/* Linux's struct signalfd_siginfo. */
struct signalfd_siginfo_k {
	u32 ssi_signo;
	s32 ssi_errno;
	s32 ssi_code;
	u32 ssi_pid;
	u32 ssi_uid;
	s32 ssi_fd;
	u32 ssi_tid;
	u32 ssi_band;
	u32 ssi_overrun;
	u32 ssi_trapno;
	s32 ssi_status;
	s32 ssi_int;
	u64 ssi_ptr;
	u64 ssi_utime;
	u64 ssi_stime;
	u64 ssi_addr;
	u16 ssi_addr_lsb;
	u8 pad[46];
};
STATIC_ASSERT(sizeof(struct signalfd_siginfo_k) == SIGNALFD_INFO_SIZE,
	      "struct signalfd_siginfo is 128 bytes");

struct signalfd {
	u64 mask; /* atomic */
};

static struct wait_queue signalfd_wq = {
	.lock = SPINLOCK_INIT("signalfd", LOCK_RANK_WAITQ),
	.waiters = LIST_HEAD_INIT(signalfd_wq.waiters),
};
static u32 nr_signalfds; /* open signalfd files; atomic */

void signalfd_notify(void)
{
	if (__atomic_load_n(&nr_signalfds, __ATOMIC_ACQUIRE))
		wake_up_all(&signalfd_wq);
}

static u64 sfd_mask(const struct file *f)
{
	return __atomic_load_n(&((struct signalfd *)f->priv)->mask, __ATOMIC_RELAXED);
}

/*
 * Wait condition of a read: a signal of the file's mask pending for the
 * calling thread. The mask is loaded each time, so a reader sleeping
 * through signalfd_set_mask sees the new one when it wakes.
 */
static bool sfd_cond(void *arg)
{
	return signal_pending_in(sfd_mask(arg));
}

static void sfd_fill(struct signalfd_siginfo_k *ss, const struct ksiginfo *ki)
{
	memset(ss, 0, sizeof(*ss));
	ss->ssi_signo = (u32)ki->signo;
	ss->ssi_errno = ki->errno_;
	ss->ssi_code = ki->code;
	ss->ssi_pid = (u32)ki->pid;
	ss->ssi_uid = ki->uid;
	ss->ssi_status = ki->status;
	ss->ssi_int = (s32)ki->value;
	ss->ssi_ptr = ki->value;
	ss->ssi_addr = ki->addr;
}

static s64 signalfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct signalfd_siginfo_k ss;
	struct ksiginfo ki;
	size_t done = 0;
	u64 mask;
	int sig, err;

	if (u->len < SIGNALFD_INFO_SIZE)
		return -EINVAL;
	for (;;) {
		mask = sfd_mask(f);
		while (done + SIGNALFD_INFO_SIZE <= u->len) {
			memset(&ki, 0, sizeof(ki));
			sig = signal_dequeue(mask, &ki);
			if (!sig)
				break;
			ki.signo = sig;
			sfd_fill(&ss, &ki);
			/* As on Linux, a fault loses the signal just taken. */
			if (uio_copy_out(u, done, &ss, sizeof(ss)))
				return done ? (s64)done : -EFAULT;
			done += sizeof(ss);
		}
		if (done)
			return (s64)done;
		if (file_nonblock(f))
			return -EAGAIN;
		err = wait_until_intr(&signalfd_wq, sfd_cond, f, 0);
		if (err)
			return err;
	}
}

static u32 signalfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &signalfd_wq);
	return signal_pending_in(sfd_mask(f)) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
	__atomic_sub_fetch(&nr_signalfds, 1, __ATOMIC_RELEASE);
}

static const struct file_operations signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
};

bool file_is_signalfd(const struct file *f)
{
	return f->ops == &signalfd_fops;
}

void signalfd_set_mask(struct file *f, u64 mask)
{
	__atomic_store_n(&((struct signalfd *)f->priv)->mask, mask & ~SIG_UNBLOCKABLE,
			 __ATOMIC_RELAXED);
	wake_up_all(&signalfd_wq); /* a waiter may now have something to read */
}

int signalfd_create_file(u64 mask, u32 flags, struct file **out)
{
	struct signalfd *sfd = kzalloc(sizeof(*sfd));
	struct file *f;

	*out = NULL;
	if (!sfd)
		return -ENOMEM;
	sfd->mask = mask & ~SIG_UNBLOCKABLE;
	f = file_alloc_anon(&signalfd_fops, sfd, O_RDONLY | (flags & O_NONBLOCK));
	if (!f) {
		kfree(sfd);
		return -ENOMEM;
	}
	__atomic_add_fetch(&nr_signalfds, 1, __ATOMIC_ACQ_REL);
	f->fmode |= FMODE_NOSEEK;
	*out = f;
	return 0;
}
