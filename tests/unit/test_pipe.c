/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pipe.c - host tests of fs/pipe.c (pipes and FIFOs, their capacity),
 * fs/poll.c (poll tables and the do_poll loop), fs/epoll.c (the ready
 * list: level, edge, one-shot, removal with the file) and fs/eventfd.c on
 * the real wait queues, mutexes and lock-order checks,
 * over the scheduler fake of sched_stub.c. The test plays every thread:
 * T1 is the caller; when T1 blocks, the stub's sched_block() hook acts as
 * T2 (another reader, writer or opener), a signal, or the timer interrupt.
 * A thread that would sleep forever shows up as stub.stuck.
 *
 * Faked here: files (file_alloc_anon, file_get, file_put), the fd table
 * (fd_get over fdtab[]), vfs_poll, current_proc, uio and user copies
 * (BAD_PTR faults), kmalloc (with failure injection) and
 * signal_send_thread (recorded).
 */
#include <stdlib.h>
#include <string.h>

#include "arch_host.h"
#include "epoll.h"
#include "errno.h"
#include "evfd.h"
#include "mm.h"
#include "pipe.h"
#include "poll.h"
#include "proc.h"
#include "sched_stub.h"
#include "signal.h"
#include "sync.h"
#include "uaccess.h"
#include "unit.h"
#include "vfs.h"

#define BAD_PTR ((char *)0x10)

/* ---- fakes ---- */

static int kmalloc_fail_in; /* > 0: the n-th kmalloc from now fails */
static long live_allocs;

static bool kmalloc_fails(void)
{
	return kmalloc_fail_in > 0 && --kmalloc_fail_in == 0;
}

void *kmalloc(size_t size)
{
	void *p = kmalloc_fails() ? NULL : malloc(size ? size : 1);

	live_allocs += p != NULL;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc_fails() ? NULL : calloc(1, size ? size : 1);

	live_allocs += p != NULL;
	return p;
}

void kfree(const void *p)
{
	live_allocs -= p != NULL;
	free((void *)p);
}

int uio_copy_out(const struct uio *u, size_t off, const void *src, size_t n)
{
	if (off > u->len || n > u->len - off || u->base == BAD_PTR)
		return -EFAULT;
	memcpy(u->base + off, src, n);
	return 0;
}

int uio_copy_in(void *dst, const struct uio *u, size_t off, size_t n)
{
	if (off > u->len || n > u->len - off || u->base == BAD_PTR)
		return -EFAULT;
	memcpy(dst, u->base + off, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if ((char *)udst == BAD_PTR)
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

static int sigs_sent, last_sig;
static struct thread *last_sig_thread;

void signal_send_thread(struct thread *t, int sig)
{
	sigs_sent++;
	last_sig = sig;
	last_sig_thread = t;
}

static int files_live, file_alloc_fail_in;

struct file *file_alloc_anon(const struct file_operations *ops, void *priv, u32 flags)
{
	struct file *f;

	if (file_alloc_fail_in > 0 && --file_alloc_fail_in == 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	f->refcount = 1;
	f->flags = flags;
	f->fmode = (flags & O_ACCMODE) == O_RDONLY   ? FMODE_READ
		   : (flags & O_ACCMODE) == O_WRONLY ? FMODE_WRITE
						     : FMODE_READ | FMODE_WRITE;
	mutex_init(&f->lock, "file");
	f->ops = ops;
	f->priv = priv;
	files_live++;
	return f;
}

struct file *file_get(struct file *f)
{
	f->refcount++;
	return f;
}

void file_put(struct file *f)
{
	if (!f || --f->refcount)
		return;
	if (f->epoll_items)
		epoll_file_release(f);
	if (f->ops->release)
		f->ops->release(f);
	files_live--;
	free(f);
}

#define NFD 8
static struct file *fdtab[NFD];
static struct process fake_proc;

struct process *current_proc(void)
{
	return &fake_proc;
}

struct file *fd_get(struct fdtable *t, int fd)
{
	(void)t;
	if (fd < 0 || fd >= NFD || !fdtab[fd])
		return NULL;
	return file_get(fdtab[fd]);
}

u32 vfs_poll(struct file *f, struct poll_table *pt)
{
	return f->ops->poll ? f->ops->poll(f, pt) : POLLIN | POLLOUT;
}

/* ---- helpers ---- */

static struct thread threads[3];
static struct thread *const T1 = &threads[1], *const T2 = &threads[2];

static void setup(void)
{
	memset(threads, 0, sizeof(threads));
	for (int i = 1; i < 3; i++) {
		threads[i].tid = (u64)i;
		snprintf(threads[i].name, sizeof(threads[i].name), "T%d", i);
		threads[i].state = THREAD_RUNNABLE;
	}
	stub_reset(T1);
	memset(fdtab, 0, sizeof(fdtab));
	sigs_sent = last_sig = 0;
	last_sig_thread = NULL;
	kmalloc_fail_in = file_alloc_fail_in = 0;
}

/* Every file closed, nothing leaked, nobody stuck, no lock-order report. */
static void teardown(void)
{
	for (int i = 0; i < NFD; i++) {
		file_put(fdtab[i]);
		fdtab[i] = NULL;
	}
	CHECK_EQ(files_live, 0);
	CHECK_EQ(live_allocs, 0);
	CHECK_EQ(stub.stuck, 0);
	CHECK_EQ(lock_order_violations(), 0);
	stub.hook = NULL;
}

static s64 pwrite_k(struct file *f, const void *buf, size_t n)
{
	struct uio u = {(char *)buf, n, false};
	u64 pos = 0;

	return f->ops->write(f, &u, &pos);
}

static s64 pread_k(struct file *f, void *buf, size_t n)
{
	struct uio u = {buf, n, false};
	u64 pos = 0;

	return f->ops->read(f, &u, &pos);
}

static int nread(struct file *f)
{
	int n = -1;

	CHECK_EQ(f->ops->ioctl(f, FIONREAD, (u64)(uintptr_t)&n), 0);
	return n;
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(seed + i * 7 + i / 251);
}

static struct file *rd, *wr; /* the pipe under test */
static char big[2 * PIPE_SIZE], got[2 * PIPE_SIZE];

static void make_pipe(u32 flags)
{
	CHECK_EQ(pipe_create(flags, &rd, &wr), 0);
}

/* ---- anonymous pipes ---- */

UNIT_TEST(pipe_create_gives_two_unseekable_ends)
{
	setup();
	make_pipe(0);
	CHECK_EQ(rd->fmode, FMODE_READ | FMODE_NOSEEK);
	CHECK_EQ(wr->fmode, FMODE_WRITE | FMODE_NOSEEK);
	CHECK(file_is_pipe(rd) && file_is_pipe(wr));
	CHECK(!(rd->flags & O_NONBLOCK));
	CHECK_EQ(nread(rd), 0);
	file_put(rd);
	file_put(wr);
	make_pipe(O_NONBLOCK);
	CHECK((rd->flags & O_NONBLOCK) && (wr->flags & O_NONBLOCK));
	file_put(wr);
	file_put(rd);
	teardown();
}

UNIT_TEST(pipe_create_out_of_memory_leaks_nothing)
{
	setup();
	file_alloc_fail_in = 2; /* the write end */
	CHECK_EQ(pipe_create(0, &rd, &wr), -ENOMEM);
	CHECK(rd == NULL && wr == NULL);
	kmalloc_fail_in = 2; /* the buffer */
	CHECK_EQ(pipe_create(0, &rd, &wr), -ENOMEM);
	teardown();
}

UNIT_TEST(pipe_moves_bytes_in_order_and_zero_lengths_are_noops)
{
	char buf[16];

	setup();
	make_pipe(0);
	CHECK_EQ(pwrite_k(wr, "hello", 5), 5);
	CHECK_EQ(pwrite_k(wr, "", 0), 0);
	CHECK_EQ(pwrite_k(wr, " world", 6), 6);
	CHECK_EQ(nread(rd), 11);
	CHECK_EQ(pread_k(rd, buf, 0), 0);
	CHECK_EQ(pread_k(rd, buf, 4), 4);
	CHECK(memcmp(buf, "hell", 4) == 0);
	CHECK_EQ(pread_k(rd, buf, sizeof(buf)), 7); /* what is there, without waiting for more */
	CHECK(memcmp(buf, "o world", 7) == 0);
	CHECK_EQ(stub.block_calls, 0);
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(pipe_eof_after_the_last_writer_closes)
{
	char buf[8];

	setup();
	make_pipe(0);
	CHECK_EQ(pwrite_k(wr, "ab", 2), 2);
	file_put(wr);
	CHECK_EQ(pread_k(rd, buf, sizeof(buf)), 2); /* buffered data first */
	CHECK_EQ(pread_k(rd, buf, sizeof(buf)), 0);
	CHECK_EQ(pread_k(rd, buf, sizeof(buf)), 0);
	CHECK_EQ(stub.block_calls, 0);
	file_put(rd);
	teardown();
}

UNIT_TEST(pipe_write_without_readers_is_epipe_and_sigpipe)
{
	setup();
	make_pipe(0);
	file_put(rd);
	CHECK_EQ(pwrite_k(wr, "x", 1), -EPIPE);
	CHECK_EQ(sigs_sent, 1);
	CHECK_EQ(last_sig, SIGPIPE);
	CHECK(last_sig_thread == T1);
	CHECK_EQ(pwrite_k(wr, "", 0), 0); /* an empty write checks nothing, as on Linux */
	CHECK_EQ(sigs_sent, 1);
	file_put(wr);
	teardown();
}

UNIT_TEST(pipe_nonblocking_ends_say_eagain)
{
	setup();
	make_pipe(O_NONBLOCK);
	CHECK_EQ(pread_k(rd, got, 1), -EAGAIN);
	fill(big, PIPE_SIZE, 1);
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE), PIPE_SIZE);
	CHECK_EQ(pwrite_k(wr, big, 1), -EAGAIN);
	CHECK_EQ(pread_k(rd, got, 100), 100);
	/* 100 bytes free: a small write is all or nothing, a large one takes what fits. */
	CHECK_EQ(pwrite_k(wr, big, PIPE_BUF), -EAGAIN);
	CHECK_EQ(pwrite_k(wr, big, PIPE_BUF + 1), 100);
	CHECK_EQ(nread(rd), PIPE_SIZE);
	CHECK_EQ(stub.block_calls, 0);
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(pipe_ring_wraps_around)
{
	setup();
	make_pipe(0);
	fill(big, 2 * PIPE_SIZE, 3);
	CHECK_EQ(pwrite_k(wr, big, 60000), 60000);
	CHECK_EQ(pread_k(rd, got, 50000), 50000);
	CHECK(memcmp(got, big, 50000) == 0);
	/* 10000 left at offset 50000: the next 20000 run past the end and wrap. */
	CHECK_EQ(pwrite_k(wr, big + 60000, 20000), 20000);
	CHECK_EQ(nread(rd), 30000);
	CHECK_EQ(pread_k(rd, got, sizeof(got)), 30000);
	CHECK(memcmp(got, big + 50000, 30000) == 0);
	/* And a full pipe whose data straddles the end comes back whole. */
	CHECK_EQ(pwrite_k(wr, big, 40000), 40000);
	CHECK_EQ(pread_k(rd, got, 30000), 30000);
	CHECK_EQ(pwrite_k(wr, big + 40000, PIPE_SIZE - 10000), PIPE_SIZE - 10000);
	CHECK_EQ(pread_k(rd, got, sizeof(got)), PIPE_SIZE);
	CHECK(memcmp(got, big + 30000, PIPE_SIZE) == 0);
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(pipe_bad_buffers_are_efault_and_change_nothing)
{
	char buf[4];

	setup();
	make_pipe(0);
	CHECK_EQ(pwrite_k(wr, BAD_PTR, 10), -EFAULT);
	CHECK_EQ(nread(rd), 0);
	CHECK_EQ(pwrite_k(wr, "abc", 3), 3);
	CHECK_EQ(pread_k(rd, BAD_PTR, 3), -EFAULT);
	CHECK_EQ(nread(rd), 3);
	CHECK_EQ(pread_k(rd, buf, 3), 3);
	CHECK_EQ(rd->ops->ioctl(rd, FIONREAD, (u64)(uintptr_t)BAD_PTR), -EFAULT);
	CHECK_EQ(rd->ops->ioctl(rd, 0x5401, 0), -ENOTTY);
	file_put(rd);
	file_put(wr);
	teardown();
}

/* ---- blocking ---- */

static void hook_t2_writes_hello(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	CHECK_EQ(pwrite_k(wr, "hello", 5), 5);
	stub_set_current(T1);
}

UNIT_TEST(pipe_reader_blocks_until_a_writer_writes)
{
	char buf[16];

	setup();
	make_pipe(0);
	stub.hook = hook_t2_writes_hello;
	CHECK_EQ(pread_k(rd, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(stub.block_calls, 1);
	file_put(rd);
	file_put(wr);
	teardown();
}

static void hook_t2_closes_writer(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	file_put(wr);
	wr = NULL;
	stub_set_current(T1);
}

UNIT_TEST(pipe_blocked_reader_sees_eof_when_the_writer_closes)
{
	setup();
	make_pipe(0);
	stub.hook = hook_t2_closes_writer;
	CHECK_EQ(pread_k(rd, got, 10), 0);
	CHECK_EQ(stub.block_calls, 1);
	file_put(rd);
	teardown();
}

static void hook_signal_t1(u32 call)
{
	stub.signal_pending = true;
	sched_wake(T1);
}

UNIT_TEST(pipe_blocked_reader_is_interrupted_by_a_signal)
{
	setup();
	make_pipe(0);
	stub.hook = hook_signal_t1;
	CHECK_EQ(pread_k(rd, got, 10), -EINTR);
	stub.signal_pending = false;
	file_put(rd);
	file_put(wr);
	teardown();
}

static void hook_small_write_stays_whole(u32 call)
{
	if (call != 1)
		return;
	/* The blocked 4096-byte write has not put in the 1000 bytes that fit. */
	CHECK_EQ(nread(rd), PIPE_SIZE - 1000);
	stub_set_current(T2);
	CHECK_EQ(pread_k(rd, got, 8192), 8192);
	stub_set_current(T1);
}

UNIT_TEST(pipe_writes_up_to_pipe_buf_are_atomic)
{
	setup();
	make_pipe(0);
	fill(big, PIPE_SIZE, 5);
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE - 1000), PIPE_SIZE - 1000);
	stub.hook = hook_small_write_stays_whole;
	CHECK_EQ(pwrite_k(wr, big, PIPE_BUF), PIPE_BUF);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(nread(rd), PIPE_SIZE - 1000 - 8192 + PIPE_BUF);
	file_put(rd);
	file_put(wr);
	teardown();
}

static void hook_drain_then_signal(u32 call)
{
	if (call == 1) {
		stub_set_current(T2);
		CHECK_EQ(pread_k(rd, got, 8192), 8192);
		stub_set_current(T1);
	} else {
		hook_signal_t1(call);
	}
}

UNIT_TEST(pipe_large_write_interrupted_returns_its_progress)
{
	setup();
	make_pipe(0);
	fill(big, 2 * PIPE_SIZE, 7);
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE - 100), PIPE_SIZE - 100);
	stub.hook = hook_drain_then_signal;
	/* 100 bytes go in at once, 8192 more after the reader; then the signal. */
	CHECK_EQ(pwrite_k(wr, big, 20000), 100 + 8192);
	CHECK_EQ(stub.block_calls, 2);
	stub.signal_pending = false;
	CHECK_EQ(nread(rd), PIPE_SIZE);
	file_put(rd);
	file_put(wr);
	teardown();
}

static void hook_t2_closes_reader(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	file_put(rd);
	rd = NULL;
	stub_set_current(T1);
}

UNIT_TEST(pipe_blocked_writer_gets_epipe_when_the_reader_closes)
{
	setup();
	make_pipe(0);
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE), PIPE_SIZE);
	stub.hook = hook_t2_closes_reader;
	CHECK_EQ(pwrite_k(wr, big, 10), -EPIPE);
	CHECK_EQ(last_sig, SIGPIPE);
	file_put(wr);
	teardown();
}

/* ---- poll masks ---- */

static u32 mask(struct file *f)
{
	return f->ops->poll(f, NULL);
}

UNIT_TEST(pipe_poll_masks_follow_the_state)
{
	setup();
	make_pipe(0);
	CHECK_EQ(mask(rd), 0);
	CHECK_EQ(mask(wr), POLLOUT | POLLWRNORM);
	CHECK_EQ(pwrite_k(wr, "x", 1), 1);
	CHECK_EQ(mask(rd), POLLIN | POLLRDNORM);
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE - PIPE_BUF - 1), PIPE_SIZE - PIPE_BUF - 1);
	CHECK_EQ(mask(wr), POLLOUT | POLLWRNORM); /* exactly PIPE_BUF free */
	CHECK_EQ(pwrite_k(wr, "y", 1), 1);
	CHECK_EQ(mask(wr), 0); /* a PIPE_BUF write could block now */
	file_put(wr);
	CHECK_EQ(mask(rd), POLLIN | POLLRDNORM | POLLHUP);
	CHECK_EQ(pread_k(rd, got, sizeof(got)), PIPE_SIZE - PIPE_BUF + 1);
	CHECK_EQ(mask(rd), POLLHUP);
	file_put(rd);

	make_pipe(0);
	file_put(rd);
	CHECK_EQ(mask(wr), POLLOUT | POLLWRNORM | POLLERR);
	file_put(wr);
	teardown();
}

/* ---- poll tables ---- */

UNIT_TEST(poll_table_registers_wakes_requeues_and_releases)
{
	struct wait_queue wq[40];
	struct poll_table pt;
	int i;

	setup();
	for (i = 0; i < 40; i++)
		wait_queue_init(&wq[i], "wq");
	poll_table_init(&pt, T1);
	for (i = 0; i < 40; i++)
		poll_wait(&pt, &wq[i]);
	poll_wait(NULL, &wq[0]); /* no table: just a mask query */
	CHECK_EQ(poll_table_count(&pt), 40);
	CHECK_EQ(pt.error, 0);
	CHECK(pt.chunks != NULL); /* beyond POLL_INLINE_ENTRIES */
	CHECK(!poll_table_woken(&pt));

	CHECK_EQ(wake_up_all(&wq[3]), 1);
	CHECK(stub.woken[0] == T1);
	CHECK(poll_table_woken(&pt));
	CHECK(list_empty(&wq[3].waiters));
	poll_table_requeue(&pt);
	CHECK(!poll_table_woken(&pt));
	CHECK(!list_empty(&wq[3].waiters));

	CHECK_EQ(wake_up_one(&wq[35]), 1); /* an entry in the allocated chunk */
	CHECK(poll_table_woken(&pt));
	poll_table_release(&pt);
	for (i = 0; i < 40; i++)
		CHECK(list_empty(&wq[i].waiters));
	CHECK_EQ(poll_table_count(&pt), 0);
	teardown();
}

UNIT_TEST(poll_table_out_of_memory_is_reported)
{
	struct wait_queue wq[POLL_INLINE_ENTRIES + 1];
	struct poll_table pt;
	int i;

	setup();
	poll_table_init(&pt, T1);
	for (i = 0; i <= POLL_INLINE_ENTRIES; i++) {
		wait_queue_init(&wq[i], "wq");
		if (i == POLL_INLINE_ENTRIES)
			kmalloc_fail_in = 1;
		poll_wait(&pt, &wq[i]);
	}
	CHECK_EQ(pt.error, -ENOMEM);
	CHECK_EQ(poll_table_count(&pt), POLL_INLINE_ENTRIES);
	CHECK(list_empty(&wq[POLL_INLINE_ENTRIES].waiters));
	poll_table_release(&pt);
	teardown();
}

/* ---- do_poll ---- */

/* fd 0: read end, fd 1: write end of one pipe; fd 3: read end of a second. */
static struct file *rd2, *wr2;

static void poll_setup(void)
{
	setup();
	make_pipe(0);
	fdtab[0] = rd;
	fdtab[1] = wr;
	CHECK_EQ(pipe_create(0, &rd2, &wr2), 0);
	fdtab[3] = rd2;
}

static void poll_teardown(void)
{
	file_put(wr2);
	rd = wr = NULL;
	teardown();
}

UNIT_TEST(do_poll_without_waiting_reports_masks_and_bad_fds)
{
	struct pollfd_k fds[5] = {
		{0, POLLIN | POLLERR | POLLHUP, 0xffff},
		{1, POLLOUT, 0},
		{-1, POLLIN, 0x1234},
		{7, POLLIN, 0},
		{3, POLLIN, 0},
	};

	poll_setup();
	CHECK_EQ(do_poll(fds, 5, 0), 2);
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(fds[1].revents, POLLOUT);
	CHECK_EQ(fds[2].revents, 0); /* negative fd: skipped */
	CHECK_EQ(fds[3].revents, POLLNVAL);
	CHECK_EQ(fds[4].revents, 0);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(stub.arms, 0);

	CHECK_EQ(pwrite_k(wr2, "z", 1), 1);
	fds[3].fd = -1;
	CHECK_EQ(do_poll(fds, 5, 0), 2);
	CHECK_EQ(fds[4].revents, POLLIN);
	/* The entries went away with the call: a later wake-up wakes nobody. */
	CHECK_EQ(pwrite_k(wr, "a", 1), 1);
	CHECK_EQ(stub.wakes, 0);
	poll_teardown();
}

static void hook_t2_writes_to_second_pipe(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	CHECK_EQ(pwrite_k(wr2, "q", 1), 1);
	stub_set_current(T1);
}

UNIT_TEST(do_poll_sleeps_until_one_of_its_files_is_ready)
{
	struct pollfd_k fds[2] = {{0, POLLIN, 0}, {3, POLLIN, 0}};

	poll_setup();
	stub.hook = hook_t2_writes_to_second_pipe;
	CHECK_EQ(do_poll(fds, 2, POLL_FOREVER), 1);
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(fds[1].revents, POLLIN);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.arms, 0);
	CHECK_EQ(T1->state, THREAD_RUNNABLE);
	stub.wakes = 0;
	CHECK_EQ(pwrite_k(wr, "a", 1), 1);
	CHECK_EQ(stub.wakes, 0); /* the first pipe's entry was removed too */
	poll_teardown();
}

static struct wait_queue fake_wq;
static int fake_calls, fake_ready_at;

/* A file whose queue and readiness the test drives directly. */
static u32 fake_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &fake_wq);
	fake_calls++;
	return fake_calls >= fake_ready_at ? POLLIN : 0;
}

static const struct file_operations fake_fops = {.poll = fake_poll};

static void hook_wake_fake_queue(u32 call)
{
	/* Call 1: a wake-up with nothing ready (spurious); call 2: ready, then the wake. */
	if (call == 2)
		fake_ready_at = fake_calls + 1;
	CHECK_EQ(wake_up_all(&fake_wq), 1);
}

UNIT_TEST(do_poll_requeues_after_a_spurious_wakeup)
{
	struct pollfd_k fds[1] = {{5, POLLIN, 0}};

	setup();
	wait_queue_init(&fake_wq, "fake");
	fake_calls = 0;
	fake_ready_at = 1000;
	fdtab[5] = file_alloc_anon(&fake_fops, NULL, O_RDONLY);
	stub.hook = hook_wake_fake_queue;
	CHECK_EQ(do_poll(fds, 1, POLL_FOREVER), 1);
	CHECK_EQ(fds[0].revents, POLLIN);
	CHECK_EQ(stub.block_calls, 2);
	CHECK(list_empty(&fake_wq.waiters));
	teardown();
}

/* The waker strikes after the file registered but the mask was read stale. */
static u32 racy_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &fake_wq);
	if (++fake_calls == 1) {
		CHECK_EQ(wake_up_all(&fake_wq), 1); /* state changes right after we looked */
		return 0;
	}
	return POLLIN;
}

static const struct file_operations racy_fops = {.poll = racy_poll};

UNIT_TEST(do_poll_loses_no_wakeup_between_the_scan_and_blocking)
{
	struct pollfd_k fds[1] = {{5, POLLIN, 0}};

	setup();
	wait_queue_init(&fake_wq, "fake");
	fake_calls = 0;
	fdtab[5] = file_alloc_anon(&racy_fops, NULL, O_RDONLY);
	CHECK_EQ(do_poll(fds, 1, POLL_FOREVER), 1);
	CHECK_EQ(stub.block_calls, 0); /* saw the woken entry after marking itself blocked */
	CHECK_EQ(fake_calls, 2);
	CHECK(list_empty(&fake_wq.waiters));
	CHECK_EQ(T1->state, THREAD_RUNNABLE);
	teardown();
}

static void hook_time_passes(u32 call)
{
	host_clock_set_ns(5000);
	stub_fire_timer();
}

UNIT_TEST(do_poll_times_out_through_its_timer)
{
	struct pollfd_k fds[1] = {{0, POLLIN, 0}};

	poll_setup();
	host_clock_set_ns(1000);
	stub.hook = hook_time_passes;
	CHECK_EQ(do_poll(fds, 1, 5000), 0);
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(stub.arms, 1);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.armed->deadline_ns, 5000);
	poll_teardown();
}

UNIT_TEST(do_poll_cancels_its_timer_when_a_file_gets_ready)
{
	struct pollfd_k fds[1] = {{3, POLLIN, 0}};

	poll_setup();
	stub.hook = hook_t2_writes_to_second_pipe;
	CHECK_EQ(do_poll(fds, 1, 1000000), 1);
	CHECK_EQ(stub.arms, 1);
	CHECK_EQ(stub.cancels, 1);
	poll_teardown();
}

static void hook_clock_moves(u32 call)
{
	host_clock_set_ns(call * 400);
}

UNIT_TEST(do_poll_polls_the_clock_when_no_timer_can_be_armed)
{
	struct pollfd_k fds[1] = {{0, POLLIN, 0}};

	poll_setup();
	stub.drop_timers = true;
	stub.hook = hook_clock_moves;
	CHECK_EQ(do_poll(fds, 1, 1000), 0);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(stub.yield_calls, 3); /* 400, 800, 1200 ns */
	CHECK_EQ(stub.arms, 1);	       /* tried once */
	poll_teardown();
}

UNIT_TEST(do_poll_is_interrupted_by_a_signal_unless_something_is_ready)
{
	struct pollfd_k fds[2] = {{0, POLLIN, 0}, {1, POLLOUT, 0}};

	poll_setup();
	stub.hook = hook_signal_t1;
	CHECK_EQ(do_poll(fds, 1, POLL_FOREVER), -EINTR);
	CHECK_EQ(stub.block_calls, 1);
	/* Signal already pending: ready descriptors still win, otherwise no sleep at all. */
	CHECK_EQ(do_poll(fds, 2, POLL_FOREVER), 1);
	CHECK_EQ(do_poll(fds, 1, POLL_FOREVER), -EINTR);
	CHECK_EQ(stub.block_calls, 1);
	stub.signal_pending = false;
	poll_teardown();
}

UNIT_TEST(do_poll_with_no_descriptors_just_waits)
{
	setup();
	host_clock_set_ns(100);
	stub.hook = hook_time_passes;
	CHECK_EQ(do_poll(NULL, 0, 200), 0);
	CHECK_EQ(stub.block_calls, 1);
	teardown();
}

UNIT_TEST(do_poll_out_of_memory_fails_cleanly)
{
	struct pollfd_k fds[1] = {{0, POLLIN, 0}};

	poll_setup();
	kmalloc_fail_in = 1;
	CHECK_EQ(do_poll(fds, 1, 0), -ENOMEM);
	poll_teardown();
}

/* ---- FIFOs ---- */

static int inode_a; /* any address serves as the FIFO's inode */
#define INODE_A ((struct inode *)&inode_a)

static const struct file_operations dead_fops;

static struct file *open_fifo(u32 flags, int *err)
{
	struct file *f = file_alloc_anon(&pipe_fifo_fops, NULL, flags);

	*err = pipe_fifo_fops.open(INODE_A, f);
	if (*err) {
		f->ops = &dead_fops; /* what the VFS does: no release for a failed open */
		file_put(f);
		return NULL;
	}
	return f;
}

UNIT_TEST(fifo_opens_share_one_pipe)
{
	struct file *r, *w;
	char buf[4];
	int err;

	setup();
	r = open_fifo(O_RDONLY | O_NONBLOCK, &err);
	CHECK_EQ(err, 0);
	CHECK(r && (r->fmode & FMODE_NOSEEK) && file_is_pipe(r));
	CHECK_EQ(pread_k(r, buf, 4), 0);    /* no writer: end of file */
	CHECK_EQ(r->ops->poll(r, NULL), 0); /* but no POLLHUP before a writer came */
	w = open_fifo(O_WRONLY, &err);	    /* a reader is there: no wait */
	CHECK_EQ(err, 0);
	CHECK_EQ(stub.block_calls, 0);
	CHECK_EQ(pwrite_k(w, "fi", 2), 2);
	CHECK_EQ(pread_k(r, buf, 4), 2);
	CHECK(memcmp(buf, "fi", 2) == 0);
	file_put(w);
	CHECK_EQ(r->ops->poll(r, NULL), POLLHUP); /* a writer came and went */
	file_put(r);
	teardown();
}

UNIT_TEST(fifo_nonblocking_writer_without_reader_is_enxio)
{
	struct file *w, *rw;
	int err;

	setup();
	w = open_fifo(O_WRONLY | O_NONBLOCK, &err);
	CHECK(w == NULL);
	CHECK_EQ(err, -ENXIO);
	rw = open_fifo(O_RDWR, &err); /* O_RDWR never waits */
	CHECK_EQ(err, 0);
	CHECK_EQ(pwrite_k(rw, "s", 1), 1);
	CHECK_EQ(pread_k(rw, got, 4), 1);
	file_put(rw);
	CHECK_EQ(stub.block_calls, 0);
	teardown();
}

static struct file *partner;

static void hook_t2_opens_writer(u32 call)
{
	int err;

	if (partner)
		return;
	stub_set_current(T2);
	partner = open_fifo(O_WRONLY, &err);
	CHECK_EQ(err, 0);
	stub_set_current(T1);
}

static void hook_t2_opens_reader(u32 call)
{
	int err;

	if (partner)
		return;
	stub_set_current(T2);
	partner = open_fifo(O_RDONLY, &err);
	CHECK_EQ(err, 0);
	stub_set_current(T1);
}

UNIT_TEST(fifo_blocking_opens_wait_for_a_partner)
{
	struct file *r, *w;
	int err;

	setup();
	partner = NULL;
	stub.hook = hook_t2_opens_writer;
	r = open_fifo(O_RDONLY, &err);
	CHECK_EQ(err, 0);
	CHECK_EQ(stub.block_calls, 1);
	file_put(partner);
	file_put(r);

	partner = NULL;
	stub.hook = hook_t2_opens_reader;
	w = open_fifo(O_WRONLY, &err);
	CHECK_EQ(err, 0);
	CHECK_EQ(stub.block_calls, 2);
	CHECK_EQ(pwrite_k(w, "ok", 2), 2);
	CHECK_EQ(nread(partner), 2);
	file_put(partner);
	file_put(w);
	teardown();
}

UNIT_TEST(fifo_open_interrupted_by_a_signal_undoes_itself)
{
	struct file *r;
	int err;

	setup();
	stub.hook = hook_signal_t1;
	r = open_fifo(O_RDONLY, &err);
	CHECK(r == NULL);
	CHECK_EQ(err, -EINTR);
	stub.signal_pending = false;
	stub.hook = NULL;
	/* The reader it counted is gone again: a nonblocking writer finds none. */
	CHECK(open_fifo(O_WRONLY | O_NONBLOCK, &err) == NULL);
	CHECK_EQ(err, -ENXIO);
	teardown();
}

/* ---- capacity: F_GETPIPE_SZ, F_SETPIPE_SZ ---- */

static const struct file_operations no_ops; /* a file that is not a pipe, without poll */

UNIT_TEST(pipe_set_size_rounds_to_pages_and_checks_limits)
{
	struct file *other;

	setup();
	make_pipe(O_NONBLOCK);
	CHECK_EQ(pipe_get_size(rd), PIPE_SIZE);
	CHECK_EQ(pipe_set_size(wr, 0, false), PAGE_SIZE);
	CHECK_EQ(pipe_set_size(wr, 5000, false), 8192);
	CHECK_EQ(pipe_get_size(rd), 8192); /* one pipe, both ends */
	CHECK_EQ(pipe_set_size(wr, PIPE_MAX_SIZE, false), PIPE_MAX_SIZE);
	CHECK_EQ(pipe_set_size(wr, PIPE_MAX_SIZE + 1, false), -EPERM);
	CHECK_EQ(pipe_get_size(wr), PIPE_MAX_SIZE);
	CHECK_EQ(pipe_set_size(wr, PIPE_MAX_SIZE + 1, true), 2 * PIPE_MAX_SIZE);
	CHECK_EQ(pipe_set_size(wr, (1ull << 31) + 1, true), -EINVAL);
	kmalloc_fail_in = 1;
	CHECK_EQ(pipe_set_size(wr, 4096, false), -ENOMEM);
	CHECK_EQ(pipe_set_size(wr, 4096, false), 4096);
	/* A full one-page pipe: exactly 4096 bytes, then EAGAIN. */
	CHECK_EQ(pwrite_k(wr, big, 3000), 3000);
	CHECK_EQ(pwrite_k(wr, big, 1096), 1096);
	CHECK_EQ(pwrite_k(wr, big, 1), -EAGAIN);
	other = file_alloc_anon(&no_ops, NULL, O_RDONLY);
	CHECK_EQ(pipe_get_size(other), -EBADF);
	CHECK_EQ(pipe_set_size(other, 4096, false), -EBADF);
	file_put(other);
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(pipe_resize_keeps_wrapped_data_and_refuses_to_drop_any)
{
	setup();
	make_pipe(O_NONBLOCK);
	fill(big, PIPE_SIZE, 3);
	/* Make the ring wrap: head near the end, data across the boundary. */
	CHECK_EQ(pwrite_k(wr, big, PIPE_SIZE - 100), PIPE_SIZE - 100);
	CHECK_EQ(pread_k(rd, got, PIPE_SIZE - 5000), PIPE_SIZE - 5000);
	CHECK_EQ(pwrite_k(wr, big + PIPE_SIZE - 100, 100), 100); /* 5000 bytes, wrapped */
	CHECK_EQ(pipe_set_size(wr, PAGE_SIZE, false), -EBUSY);
	CHECK_EQ(pipe_get_size(wr), PIPE_SIZE);
	CHECK_EQ(pipe_set_size(wr, 5000, false), 2 * PAGE_SIZE);
	CHECK_EQ(nread(rd), 5000);
	CHECK_EQ(pread_k(rd, got, sizeof(got)), 5000);
	CHECK(memcmp(got, big + PIPE_SIZE - 5000, 5000) == 0);
	CHECK_EQ(pipe_set_size(wr, PAGE_SIZE, false), PAGE_SIZE);
	/* The smaller ring works, wrapping included. */
	CHECK_EQ(pwrite_k(wr, big, 3000), 3000);
	CHECK_EQ(pread_k(rd, got, 2000), 2000);
	CHECK_EQ(pwrite_k(wr, big + 3000, 3000), 3000);
	CHECK_EQ(pread_k(rd, got, sizeof(got)), 4000);
	CHECK(memcmp(got, big + 2000, 4000) == 0);
	file_put(rd);
	file_put(wr);
	teardown();
}

static void hook_t2_grows_pipe(u32 call)
{
	if (call != 1)
		return;
	CHECK_EQ(nread(rd), 10); /* the whole-record writer put nothing in yet */
	stub_set_current(T2);
	CHECK_EQ(pipe_set_size(rd, 2 * PAGE_SIZE, false), 2 * PAGE_SIZE);
	stub_set_current(T1);
}

UNIT_TEST(pipe_writer_waiting_for_room_wakes_when_the_pipe_grows)
{
	setup();
	make_pipe(0);
	CHECK_EQ(pipe_set_size(wr, PAGE_SIZE, false), PAGE_SIZE);
	CHECK_EQ(pwrite_k(wr, "0123456789", 10), 10);
	stub.hook = hook_t2_grows_pipe;
	CHECK_EQ(pwrite_k(wr, big, PIPE_BUF), PIPE_BUF);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(nread(rd), 10 + PIPE_BUF);
	file_put(rd);
	file_put(wr);
	teardown();
}

/* ---- epoll ---- */

static struct file *ep;
static struct epoll_event_k evs[8];

static int ep_ctl(int op, int fd, struct file *f, u32 events, u64 data)
{
	struct epoll_event_k ev = {events, data};

	return epoll_ctl_file(ep, op, fd, f, &ev);
}

static long ep_now(void)
{
	memset(evs, 0, sizeof(evs));
	return epoll_wait_file(ep, evs, 8, 0);
}

static void make_epoll(void)
{
	CHECK_EQ(epoll_create_file(0, &ep), 0);
	CHECK(file_is_epoll(ep));
}

UNIT_TEST(epoll_ctl_checks_its_arguments)
{
	struct file *plain, *ep2;

	setup();
	make_pipe(0);
	make_epoll();
	plain = file_alloc_anon(&no_ops, NULL, O_RDONLY);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 3, plain, EPOLLIN, 0), -EPERM);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 4, ep, EPOLLIN, 0), -EINVAL);
	CHECK_EQ(epoll_create_file(0, &ep2), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 5, ep2, EPOLLIN, 0), -EINVAL); /* no nesting */
	CHECK_EQ(ep_ctl(7, 1, rd, EPOLLIN, 0), -EINVAL);
	CHECK_EQ(epoll_ctl_file(rd, EPOLL_CTL_ADD, 1, wr, &(struct epoll_event_k){EPOLLOUT, 0}),
		 -EINVAL);
	CHECK_EQ(ep_ctl(EPOLL_CTL_MOD, 1, rd, EPOLLIN, 0), -ENOENT);
	CHECK_EQ(ep_ctl(EPOLL_CTL_DEL, 1, rd, 0, 0), -ENOENT);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 1, rd, EPOLLIN, 0), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 1, rd, EPOLLIN, 0), -EEXIST);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 2, rd, EPOLLIN, 0), 0); /* (file, fd) is the key */
	CHECK_EQ(ep_ctl(EPOLL_CTL_MOD, 1, rd, EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
	CHECK_EQ(epoll_wait_file(ep, evs, 0, 0), -EINVAL);
	CHECK_EQ(epoll_wait_file(rd, evs, 1, 0), -EINVAL);
	CHECK_EQ(ep_ctl(EPOLL_CTL_DEL, 1, rd, 0, 0), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_DEL, 1, rd, 0, 0), -ENOENT);
	kmalloc_fail_in = 2; /* the item succeeds, its first hook fails */
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 1, rd, EPOLLIN, 0), -ENOMEM);
	CHECK_EQ(ep_ctl(EPOLL_CTL_DEL, 1, rd, 0, 0), -ENOENT); /* nothing half-added */
	file_put(plain);
	file_put(ep2);
	file_put(ep); /* forgets the item on fd 2 */
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(epoll_finds_items_by_file_and_descriptor_among_many)
{
	static const int order[] = {37, 3, 99, 0, 64, 12, 81, 50};
	static struct epoll_event_k many[128];
	int fd;

	setup();
	make_pipe(0);
	make_epoll();
	for (fd = 0; fd < 100; fd++) /* one file under 100 descriptors: 100 items */
		CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, fd, fd % 2 ? rd : wr, fd % 2 ? EPOLLIN : EPOLLOUT,
				(u64)fd),
			 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 37, rd, EPOLLIN, 0), -EEXIST);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 37, wr, EPOLLOUT, 0), 0); /* another file, same fd */
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		fd = order[i];
		CHECK_EQ(ep_ctl(EPOLL_CTL_DEL, fd, fd % 2 ? rd : wr, 0, 0), 0);
		CHECK_EQ(ep_ctl(EPOLL_CTL_MOD, fd, fd % 2 ? rd : wr, EPOLLIN, 0), -ENOENT);
	}
	CHECK_EQ(ep_ctl(EPOLL_CTL_MOD, 38, wr, EPOLLOUT, 1000), 0);
	/* The 50 write-end items minus the 4 deleted, plus fd 37 of wr, are ready. */
	CHECK_EQ(epoll_wait_file(ep, many, 128, 0), 47);
	for (unsigned i = 0; i < 47; i++)
		CHECK(many[i].data == 1000 || many[i].data % 2 == 0 || many[i].data == 37);
	file_put(ep); /* frees the remaining items */
	file_put(rd);
	file_put(wr);
	teardown();
}

UNIT_TEST(epoll_level_edge_and_oneshot_items)
{
	struct file *ep_lt;

	setup();
	make_pipe(0);
	make_epoll();
	ep_lt = ep;
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 3, rd, EPOLLIN, 11), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 4, wr, EPOLLOUT | EPOLLET, 22), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 5, rd, EPOLLIN | EPOLLONESHOT, 33), 0);
	/* The write end is ready from the start; the read end is not. */
	CHECK_EQ(ep_now(), 1);
	CHECK_EQ(evs[0].events, EPOLLOUT);
	CHECK_EQ(evs[0].data, 22);
	CHECK_EQ(ep_now(), 0); /* edge: once */
	CHECK_EQ(pwrite_k(wr, "abc", 3), 3);
	CHECK_EQ(ep_now(), 2); /* the wake-up on rd_wq: level and one-shot items */
	CHECK(evs[0].data + evs[1].data == 11 + 33);
	CHECK_EQ(ep_now(), 1); /* level stays; one-shot is disabled */
	CHECK_EQ(evs[0].data, 11);
	CHECK_EQ(ep_ctl(EPOLL_CTL_MOD, 5, rd, EPOLLIN | EPOLLONESHOT, 44), 0);
	CHECK_EQ(ep_now(), 2); /* re-armed, with its new data */
	CHECK(evs[0].data + evs[1].data == 11 + 44);
	CHECK_EQ(pread_k(rd, got, 3), 3);
	CHECK_EQ(ep_now(), 1); /* the read woke wr_wq: the edge item once more */
	CHECK_EQ(evs[0].data, 22);
	CHECK_EQ(ep_now(), 0); /* and the level item is dropped: nothing to read */
	file_put(wr);	       /* last writer: HUP on the read side, always reported */
	wr = NULL;
	CHECK_EQ(ep_now(), 1);
	CHECK_EQ(evs[0].events, EPOLLHUP);
	CHECK_EQ(evs[0].data, 11);
	file_put(ep_lt);
	file_put(rd);
	teardown();
}

UNIT_TEST(epoll_forgets_a_file_when_its_last_reference_goes)
{
	struct file *rdb, *wrb;

	setup();
	make_pipe(0);
	make_epoll();
	CHECK_EQ(pipe_create(0, &rdb, &wrb), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 3, rd, EPOLLIN, 1), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 4, rdb, EPOLLIN, 2), 0);
	CHECK_EQ(pwrite_k(wr, "x", 1), 1);
	CHECK_EQ(pwrite_k(wrb, "y", 1), 1);
	/* maxevents 1: one each time, the other one first the next time. */
	CHECK_EQ(epoll_wait_file(ep, evs, 1, 0), 1);
	CHECK_EQ(evs[0].data, 1);
	CHECK_EQ(epoll_wait_file(ep, evs, 1, 0), 1);
	CHECK_EQ(evs[0].data, 2);
	file_get(rd);
	file_put(rd); /* a dup closed: still watched */
	CHECK_EQ(ep_now(), 2);
	file_put(rd); /* the last reference: its item goes, while rd is on the ready list */
	rd = NULL;
	CHECK_EQ(ep_now(), 1);
	CHECK_EQ(evs[0].data, 2);
	file_put(wr); /* wakes nobody that is gone */
	file_put(rdb);
	file_put(wrb);
	CHECK_EQ(ep_now(), 0);
	file_put(ep);
	teardown();
}

static void hook_t2_writes_to_pipe(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	CHECK_EQ(pwrite_k(wr, "w", 1), 1);
	stub_set_current(T1);
}

UNIT_TEST(epoll_wait_sleeps_until_a_watched_file_wakes_it)
{
	setup();
	make_pipe(0);
	make_epoll();
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 3, rd, EPOLLIN | EPOLLET, 5), 0);
	stub.hook = hook_t2_writes_to_pipe;
	CHECK_EQ(epoll_wait_file(ep, evs, 8, UINT64_MAX), 1);
	CHECK_EQ(evs[0].data, 5);
	CHECK_EQ(stub.block_calls, 1);
	stub.hook = hook_signal_t1;
	CHECK_EQ(epoll_wait_file(ep, evs, 8, UINT64_MAX), -EINTR);
	stub.signal_pending = false;
	stub.hook = NULL;
	/* poll on the epoll file itself registers on its own queue. */
	CHECK_EQ(vfs_poll(ep, NULL), 0);
	CHECK_EQ(pwrite_k(wr, "v", 1), 1);
	CHECK_EQ(vfs_poll(ep, NULL), POLLIN | POLLRDNORM);
	CHECK_EQ(epoll_wait_file(ep, (void *)BAD_PTR, 8, 0), -EFAULT);
	CHECK_EQ(ep_now(), 1); /* the event was kept for a good buffer */
	file_put(ep);
	file_put(rd);
	file_put(wr);
	teardown();
}

/* ---- eventfd ---- */

static s64 efd_write(struct file *f, u64 v)
{
	return pwrite_k(f, &v, sizeof(v));
}

static u64 efd_read(struct file *f)
{
	u64 v = 0;

	CHECK_EQ(pread_k(f, &v, sizeof(v)), 8);
	return v;
}

UNIT_TEST(eventfd_counts_with_linux_rules)
{
	struct file *e, *s;

	setup();
	CHECK_EQ(eventfd_create(5, O_NONBLOCK, &e), 0);
	CHECK_EQ(vfs_poll(e, NULL), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	CHECK_EQ(efd_read(e), 5);
	CHECK_EQ(pread_k(e, got, 8), -EAGAIN);
	CHECK_EQ(pread_k(e, got, 7), -EINVAL);
	CHECK_EQ(efd_write(e, 3), 8);
	CHECK_EQ(efd_write(e, 4), 8);
	CHECK_EQ(efd_read(e), 7);
	CHECK_EQ(efd_write(e, UINT64_MAX), -EINVAL);
	CHECK_EQ(efd_write(e, EVENTFD_MAX), 8);
	CHECK_EQ(efd_write(e, 1), -EAGAIN);
	CHECK_EQ(vfs_poll(e, NULL), POLLIN | POLLRDNORM);
	CHECK_EQ(efd_read(e), EVENTFD_MAX);
	CHECK_EQ(pwrite_k(e, (void *)BAD_PTR, 8), -EFAULT);
	file_put(e);

	CHECK_EQ(eventfd_create(2, EFD_SEMAPHORE | O_NONBLOCK, &s), 0);
	CHECK_EQ(efd_read(s), 1);
	CHECK_EQ(efd_read(s), 1);
	CHECK_EQ(pread_k(s, got, 8), -EAGAIN);
	file_put(s);
	teardown();
}

static struct file *efd;

static void hook_t2_adds_two(u32 call)
{
	if (call != 1)
		return;
	stub_set_current(T2);
	CHECK_EQ(efd_write(efd, 2), 8);
	stub_set_current(T1);
}

UNIT_TEST(eventfd_blocking_read_waits_and_epoll_sees_it)
{
	setup();
	make_epoll();
	CHECK_EQ(eventfd_create(0, 0, &efd), 0);
	CHECK_EQ(ep_ctl(EPOLL_CTL_ADD, 3, efd, EPOLLIN | EPOLLET, 9), 0);
	CHECK_EQ(ep_now(), 0);
	stub.hook = hook_t2_adds_two;
	CHECK_EQ(efd_read(efd), 2);
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(ep_now(), 0); /* woken, but looked at again: nothing to read any more */
	CHECK_EQ(efd_write(efd, 1), 8);
	CHECK_EQ(ep_now(), 1);
	CHECK_EQ(evs[0].data, 9);
	file_put(efd); /* watched: forgotten first */
	CHECK_EQ(ep_now(), 0);
	file_put(ep);
	teardown();
}

/* ---- observer wait entries (sync.h), which epoll is built on ---- */

static int notified;

static void count_notify(struct wait_entry *e)
{
	(void)e;
	notified++;
}

UNIT_TEST(wait_queue_observers_hear_every_wake_up_and_stay_queued)
{
	struct wait_entry obs = {.notify = count_notify}, t1 = {.thread = T1}, t2 = {.thread = T2};
	struct wait_queue wq;

	setup();
	notified = 0;
	wait_queue_init(&wq, "wq");
	T1->state = T2->state = THREAD_BLOCKED;
	list_add_tail(&t1.link, &wq.waiters);
	list_add_tail(&t2.link, &wq.waiters);
	list_add(&obs.link, &wq.waiters); /* observers go first */
	CHECK_EQ(wake_up_one(&wq), 1);	  /* the observer does not count */
	CHECK_EQ(notified, 1);
	CHECK(t1.woken && !t2.woken); /* FIFO among threads */
	CHECK_EQ(wake_up_all(&wq), 1);
	CHECK_EQ(notified, 2);
	CHECK(t2.woken);
	CHECK_EQ(wake_up_all(&wq), 0); /* only the observer is left */
	CHECK_EQ(notified, 3);
	CHECK(list_first_entry(&wq.waiters, struct wait_entry, link) == &obs);
	list_del(&obs.link);
	teardown();
}
