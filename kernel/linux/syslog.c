/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syslog.c - Linux's syslog(2) (klogctl in C libraries; busybox dmesg uses
 * it): read the kernel log ring in "<level>[seconds.micros] text" lines,
 * clear it, and set the console log level.
 *
 * Actions (Linux's numbers): 0 CLOSE and 1 OPEN do nothing; 2 READ waits
 * for unread records and consumes them; 3 READ_ALL returns the newest
 * records since the last CLEAR that fit; 4 READ_CLEAR does that and
 * clears; 5 CLEAR; 6 CONSOLE_OFF, 7 CONSOLE_ON, 8 CONSOLE_LEVEL (1..8)
 * set which levels reach the console; 9 SIZE_UNREAD is the bytes READ
 * would return; 10 SIZE_BUFFER the most READ_ALL can return. As with
 * Linux's default dmesg_restrict=0, READ_ALL and SIZE_BUFFER are open to
 * everyone and the rest needs root (-EPERM).
 *
 * Linux's console level N prints levels below N; klog prints levels at or
 * below its console level, hence the "- 1" on the way in and "+ 1" out.
 *
 * Locking: syslog_lock (a spinlock) covers read_seq, clear_seq and
 * saved_level; nothing is formatted or copied under it.
 */
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "linux.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "sync.h"
#include "uaccess.h"

enum {
	SYSLOG_ACTION_CLOSE,
	SYSLOG_ACTION_OPEN,
	SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR,
	SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL,
	SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

#define SYSLOG_LINE_MAX (KLOG_MSG_MAX + 48) /* "<7>[12345678.123456] " + text + "\n" */
#define NO_SAVED_LEVEL (-1)

static struct spinlock syslog_lock = SPINLOCK_INIT("syslog", LOCK_RANK_NONE);
static u64 read_seq;			 /* next record READ returns */
static u64 clear_seq;			 /* READ_ALL starts here (CLEAR moves it) */
static int saved_level = NO_SAVED_LEVEL; /* console level before CONSOLE_OFF */

static u64 get_seq(const u64 *seq)
{
	unsigned long f = spin_lock_irqsave(&syslog_lock);
	u64 v = *seq;

	spin_unlock_irqrestore(&syslog_lock, f);
	return v;
}

static void set_seq(u64 *seq, u64 v)
{
	unsigned long f = spin_lock_irqsave(&syslog_lock);

	if (v > *seq) /* never back: a racing reader or clear may have gone further */
		*seq = v;
	spin_unlock_irqrestore(&syslog_lock, f);
}

static size_t buffer_size(void)
{
	return (size_t)klog_capacity() * SYSLOG_LINE_MAX;
}

static bool may_syslog(int action)
{
	struct process *p = current_proc();

	if (action == SYSLOG_ACTION_READ_ALL || action == SYSLOG_ACTION_SIZE_BUFFER)
		return true;
	return !p || cred_is_root(&p->cred);
}

/* READ_ALL / READ_CLEAR into the user buffer ubuf of len bytes. */
static long read_all(char *ubuf, size_t len, bool clear)
{
	size_t size = MIN(len, buffer_size());
	u64 next = klog_next_seq();
	char *buf = kmalloc(size);
	size_t n;
	long ret;

	if (!buf)
		return -ENOMEM;
	n = klog_print_all(get_seq(&clear_seq), buf, size);
	ret = copy_to_user(ubuf, buf, n) ? -EFAULT : (long)n;
	kfree(buf);
	if (ret >= 0 && clear)
		set_seq(&clear_seq, next);
	return ret;
}

/* READ: wait for unread records, then return (and consume) as many as fit. */
static long read_unread(char *ubuf, size_t len)
{
	size_t size = MIN(len, buffer_size()), n = 0;
	struct klog_record *r = kmalloc(sizeof(*r));
	char *line = kmalloc(SYSLOG_LINE_MAX);
	char *buf = kmalloc(size);
	u64 seq, done;
	long ret;

	if (!r || !line || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (get_seq(&read_seq) >= klog_next_seq()) {
		ret = klog_wait(get_seq(&read_seq)); /* woken by the next record (klog_wait.c) */
		if (ret)
			goto out; /* -EINTR */
	}
	seq = done = get_seq(&read_seq);
	while (klog_read(&seq, r)) {
		size_t need = MIN(klog_format_syslog(r, line, SYSLOG_LINE_MAX),
				  (size_t)SYSLOG_LINE_MAX - 1);

		if (need > size - n) {
			if (n == 0) { /* one record longer than the buffer: its start */
				memcpy(buf, line, size);
				n = size;
				done = seq;
			}
			break;
		}
		memcpy(buf + n, line, need);
		n += need;
		done = seq;
	}
	ret = copy_to_user(ubuf, buf, n) ? -EFAULT : (long)n;
	if (ret >= 0)
		set_seq(&read_seq, done);
out:
	kfree(buf);
	kfree(line);
	kfree(r);
	return ret;
}

static long console_level(int action, long level)
{
	unsigned long f;

	if (action == SYSLOG_ACTION_CONSOLE_LEVEL && (level < 1 || level > 8))
		return -EINVAL;
	f = spin_lock_irqsave(&syslog_lock);
	switch (action) {
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_level == NO_SAVED_LEVEL)
			saved_level = klog_console_level();
		klog_set_console_level(KLOG_EMERG); /* Linux's minimum console level 1 */
		break;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_level != NO_SAVED_LEVEL) {
			klog_set_console_level(saved_level);
			saved_level = NO_SAVED_LEVEL;
		}
		break;
	default:
		klog_set_console_level((int)level - 1);
		saved_level = NO_SAVED_LEVEL; /* an explicit level is not undone by CONSOLE_ON */
		break;
	}
	spin_unlock_irqrestore(&syslog_lock, f);
	return 0;
}

static long sys_syslog(SYSCALL_ARGS)
{
	int action = (int)a0;
	char *ubuf = UPTR(a1);
	long len = (long)(int)a2;

	if (action < SYSLOG_ACTION_CLOSE || action > SYSLOG_ACTION_SIZE_BUFFER)
		return -EINVAL;
	if (!may_syslog(action))
		return -EPERM;
	switch (action) {
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		if (!ubuf || len < 0)
			return -EINVAL;
		if (len == 0)
			return 0;
		if (action == SYSLOG_ACTION_READ)
			return read_unread(ubuf, (size_t)len);
		return read_all(ubuf, (size_t)len, action == SYSLOG_ACTION_READ_CLEAR);
	case SYSLOG_ACTION_CLEAR:
		set_seq(&clear_seq, klog_next_seq());
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return console_level(action, len);
	case SYSLOG_ACTION_SIZE_UNREAD:
		return (long)klog_print_size(get_seq(&read_seq));
	case SYSLOG_ACTION_SIZE_BUFFER:
		return (long)buffer_size();
	default: /* CLOSE, OPEN */
		return 0;
	}
}
LINUX_SYSCALL(syslog, sys_syslog);
