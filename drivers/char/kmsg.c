/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kmsg.c - /dev/kmsg, the character device (1,11) through which user space
 * reads the kernel log one record at a time and writes lines into it, in
 * Linux's format (the record text is klog_format_kmsg(), klog_text.c).
 *
 * As in Linux: every open file has its own position (a record sequence
 * number) starting at the oldest record kept; each read returns exactly
 * one record (-EINVAL if the buffer is too small for it, the record stays
 * next); a reader the ring overtook gets -EPIPE once and continues at the
 * oldest record; lseek(0, SEEK_SET) goes back to the oldest, lseek(0,
 * SEEK_END) past the newest. A write logs one record; a leading "<N>" sets
 * its level (N & 7), the default is KLOG_WARN like Linux's default message
 * level; at most 1024 bytes.
 *
 * A blocking read with no record to give sleeps on klog_wq until one is
 * logged or a signal arrives; poll, select and epoll wait on the same
 * queue (klog_poll_wait). klog() may run with any lock held, so it wakes
 * them through a deferred-work interrupt (klog.c, klog_wait.c): no timer,
 * no periodic look, one interrupt per burst of records while someone waits.
 *
 * Locking: struct kmsg_user's mutex covers its position (pread does not
 * take f->lock); it is not held while a reader sleeps. poll, which must
 * not sleep, reads the position without it (one aligned word).
 */
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "sync.h"
#include "vfs.h"

#define KMSG_WRITE_MAX 1024 /* longest write accepted (Linux: LOG_LINE_MAX) */
#define KMSG_DEFAULT_LEVEL KLOG_WARN

/* ---- /dev/kmsg ---- */

struct kmsg_user {
	struct mutex lock;
	u64 seq; /* next record to read */
};

static u64 oldest_seq(void)
{
	u64 next = klog_next_seq(), cap = klog_capacity();

	return next > cap ? next - cap : 0;
}

static int kmsg_open(struct inode *inode, struct file *f)
{
	struct kmsg_user *u = kzalloc(sizeof(*u));

	(void)inode;
	if (!u)
		return -ENOMEM;
	mutex_init(&u->lock, "kmsg");
	u->seq = oldest_seq();
	f->priv = u;
	return 0;
}

static void kmsg_release(struct file *f)
{
	kfree(f->priv);
}

/* One record at u->seq formatted into line: its length, 0 if none yet, -EPIPE if lost. */
static s64 kmsg_next(struct kmsg_user *u, struct klog_record *r, char *line)
{
	u64 seq;

	mutex_lock(&u->lock);
	seq = u->seq;
	if (seq < oldest_seq()) {
		u->seq = oldest_seq();
		mutex_unlock(&u->lock);
		return -EPIPE;
	}
	if (!klog_read(&seq, r)) {
		mutex_unlock(&u->lock);
		return 0;
	}
	u->seq = seq;
	mutex_unlock(&u->lock);
	return (s64)MIN(klog_format_kmsg(r, line, KLOG_KMSG_LINE_MAX),
			(size_t)KLOG_KMSG_LINE_MAX - 1);
}

static s64 kmsg_read(struct file *f, struct uio *uio, u64 *pos)
{
	struct kmsg_user *u = f->priv;
	struct klog_record *r = kmalloc(sizeof(*r));
	char *line = kmalloc(KLOG_KMSG_LINE_MAX);
	s64 n;

	(void)pos;
	if (!r || !line) {
		n = -ENOMEM;
		goto out;
	}
	for (;;) {
		n = kmsg_next(u, r, line);
		if (n != 0)
			break;
		if (f->flags & O_NONBLOCK) {
			n = -EAGAIN;
			goto out;
		}
		n = klog_wait(__atomic_load_n(&u->seq, __ATOMIC_RELAXED));
		if (n)
			goto out; /* -EINTR */
	}
	if (n > 0 && (size_t)n > uio->len) {
		/* Too small for the record: Linux fails and keeps the position. */
		mutex_lock(&u->lock);
		if (u->seq == r->seq + 1)
			u->seq = r->seq;
		mutex_unlock(&u->lock);
		n = -EINVAL;
	} else if (n > 0 && uio_copy_out(uio, 0, line, (size_t)n)) {
		n = -EFAULT;
	}
out:
	kfree(line);
	kfree(r);
	return n;
}

static s64 kmsg_write(struct file *f, struct uio *uio, u64 *pos)
{
	char *text;
	size_t len = uio->len, start = 0;
	int level = KMSG_DEFAULT_LEVEL;

	(void)f;
	(void)pos;
	if (len > KMSG_WRITE_MAX)
		return -EINVAL;
	text = kmalloc(len + 1);
	if (!text)
		return -ENOMEM;
	if (uio_copy_in(text, uio, 0, len)) {
		kfree(text);
		return -EFAULT;
	}
	text[len] = '\0';
	/* "<N>" with N a decimal priority: facility << 3 | level. */
	if (len >= 3 && text[0] == '<') {
		size_t i = 1;
		u32 prio = 0;

		while (i < len && i < 12 && text[i] >= '0' && text[i] <= '9')
			prio = prio * 10 + (u32)(text[i++] - '0');
		if (i > 1 && i < len && text[i] == '>') {
			level = (int)(prio & 7);
			start = i + 1;
		}
	}
	while (len > start && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		text[--len] = '\0';
	klog(level, "%s", text + start);
	kfree(text);
	return (s64)uio->len;
}

static s64 kmsg_llseek(struct file *f, s64 off, int whence)
{
	struct kmsg_user *u = f->priv;

	if (off)
		return -ESPIPE;
	if (whence != SEEK_SET && whence != SEEK_END)
		return -EINVAL;
	mutex_lock(&u->lock);
	u->seq = whence == SEEK_SET ? oldest_seq() : klog_next_seq();
	mutex_unlock(&u->lock);
	return 0;
}

static u32 kmsg_poll(struct file *f, struct poll_table *pt)
{
	struct kmsg_user *u = f->priv;

	klog_poll_wait(pt);
	if (__atomic_load_n(&u->seq, __ATOMIC_RELAXED) < klog_next_seq())
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
	return POLLOUT | POLLWRNORM;
}

static const struct file_operations kmsg_fops = {
	.open = kmsg_open,
	.read = kmsg_read,
	.write = kmsg_write,
	.llseek = kmsg_llseek,
	.poll = kmsg_poll,
	.release = kmsg_release,
};

int kmsg_register(void)
{
	int err = chrdev_register("kmsg", MKDEV(1, 11), 0644, &kmsg_fops, NULL);

	return err == -EEXIST ? 0 : err;
}
