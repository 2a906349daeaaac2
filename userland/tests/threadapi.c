/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threadapi.c - end-to-end checks of threads and futexes: thread ids
 * (gettid, getpid, set_tid_address), clone flag validation, pthread_join
 * values, pthread_exit of the main thread vs exit_group from a thread,
 * detached threads, __thread variables, /proc/self/status Threads:, the
 * futex error cases (EAGAIN, ETIMEDOUT relative and absolute, EINVAL,
 * EFAULT, ENOSYS), wake counts, FUTEX_REQUEUE / FUTEX_CMP_REQUEUE, bitset
 * wakes, EINTR on a signal, shared futexes across fork (MAP_SHARED), a
 * thread blocked in read() while another calls exit_group, execve from a
 * thread, fork from a thread, a fatal signal in one thread killing the
 * whole process, threads mapping, faulting and unmapping memory at the
 * same time, and a robust mutex released by the kernel when its owner dies. Prints "ok N - what" /
 * "not ok N - what" and "threadapi: N passed, M failed"; exits 0 only if everything passed. Runs on
 * Linux too (that validates the test itself). Waits that depend on another thread having gone to
 * sleep retry a bounded number of times; nothing asserts on elapsed time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

/* futex(2) operations (Linux's values; musl ships no <linux/futex.h>). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY (-1)

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts,
		  volatile int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* futex() with the timeout slot used as a count (REQUEUE's nr_requeue). */
static long futex2(volatile int *uaddr, int op, int val, long val2, volatile int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void pause_ms(int ms)
{
	struct timespec ts = {0, ms * 1000000L};

	nanosleep(&ts, NULL);
}

/* Threads: of process pid (its /proc/PID/status), or -1. */
static int pid_threads(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	int nr = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "Threads: %d", &nr) == 1)
			break;
	fclose(f);
	return nr;
}

/* Threads: of this process, or -1. */
static int proc_threads(void)
{
	return pid_threads(getpid());
}

/* Run fn in a forked child; return its wait status. */
static int in_child(void (*fn)(void))
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* ---- ids ---- */

/* In a child: the C library's own clear-tid address must stay in place in the parent. */
static void set_tid_child(void)
{
	static int tid_addr;

	_exit(syscall(SYS_set_tid_address, &tid_addr) == gettid_() ? 0 : 1);
}

struct ids {
	pid_t pid, tid;
};

static void *ids_thread(void *arg)
{
	struct ids *i = arg;

	i->pid = getpid();
	i->tid = gettid_();
	return (void *)(intptr_t)0x1234;
}

static void test_ids(void)
{
	struct ids a = {0}, b = {0};
	pthread_t ta, tb;
	void *ra = NULL, *rb = NULL;

	check(gettid_() == getpid(), "the main thread's tid is the pid");
	check(WEXITSTATUS(in_child(set_tid_child)) == 0, "set_tid_address returns the tid");
	pthread_create(&ta, NULL, ids_thread, &a);
	pthread_create(&tb, NULL, ids_thread, &b);
	check(pthread_join(ta, &ra) == 0 && pthread_join(tb, &rb) == 0, "pthread_join succeeds");
	check(ra == (void *)(intptr_t)0x1234 && rb == ra,
	      "pthread_join returns the thread's value");
	check(a.pid == getpid() && b.pid == getpid(), "getpid is the same in every thread");
	check(a.tid != getpid() && b.tid != getpid() && a.tid != b.tid && a.tid > 0 && b.tid > 0,
	      "each thread has its own tid, not the pid");
}

/* ---- clone flags ---- */

static void test_clone_flags(void)
{
	long r;

	errno = 0;
	r = syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, NULL, NULL, NULL, 0);
	check(r == -1 && errno == EINVAL, "clone: CLONE_THREAD without CLONE_SIGHAND is EINVAL");
	errno = 0;
	r = syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, NULL, NULL, NULL, 0);
	check(r == -1 && errno == EINVAL, "clone: CLONE_SIGHAND without CLONE_VM is EINVAL");
}

/* ---- exit of one thread vs the group ---- */

static void *exit_thread_fn(void *arg)
{
	(void)arg;
	pthread_exit((void *)(intptr_t)77);
}

static void test_pthread_exit(void)
{
	pthread_t t;
	void *r = NULL;

	pthread_create(&t, NULL, exit_thread_fn, NULL);
	check(pthread_join(t, &r) == 0 && r == (void *)(intptr_t)77,
	      "pthread_exit ends the thread with its value; the process goes on");
}

static void *late_exit_fn(void *arg)
{
	(void)arg;
	pause_ms(50);
	exit(7); /* exit_group from a thread, after the main thread is gone */
}

static void main_exits_first(void)
{
	pthread_t t;

	pthread_create(&t, NULL, late_exit_fn, NULL);
	pthread_exit(NULL); /* SYS_exit of the main thread only */
}

static void *blocked_reader_fn(void *arg)
{
	char c;

	(void)!read(*(int *)arg, &c, 1); /* nobody writes: blocks until the group ends */
	return NULL;
}

static void exit_group_while_reading(void)
{
	static int p[2];
	pthread_t t;

	if (pipe(p))
		_exit(98);
	pthread_create(&t, NULL, blocked_reader_fn, &p[0]);
	pause_ms(20);
	exit(5);
}

static void *exiter_fn(void *arg)
{
	(void)arg;
	pause_ms(20);
	_exit(6); /* _exit is exit_group */
}

static void thread_exit_group_while_main_reads(void)
{
	int p[2];
	pthread_t t;
	char c;

	if (pipe(p))
		_exit(98);
	pthread_create(&t, NULL, exiter_fn, NULL);
	(void)!read(p[0], &c, 1);
	_exit(97);
}

static void test_group_exit(void)
{
	int st;

	st = in_child(main_exits_first);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the main thread's pthread_exit leaves the "
						     "process running; a thread's exit() ends it");
	st = in_child(exit_group_while_reading);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "exit_group ends a thread blocked in read(); wait4 sees one child");
	st = in_child(thread_exit_group_while_main_reads);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 6,
	      "exit_group from a thread ends the main thread blocked in read()");
}

/* ---- detached threads, TLS ---- */

static atomic_int detached_done;

static void *detached_fn(void *arg)
{
	(void)arg;
	atomic_fetch_add(&detached_done, 1);
	return NULL;
}

static void test_detached(void)
{
	pthread_attr_t attr;
	int ok = 1;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 8; i++) {
		pthread_t t;

		ok &= pthread_create(&t, &attr, detached_fn, NULL) == 0;
	}
	for (int i = 0; i < 5000 && atomic_load(&detached_done) < 8; i++)
		pause_ms(1);
	check(ok && atomic_load(&detached_done) == 8,
	      "8 detached threads run and end on their own");
	/* Their stacks went back to the C library: more threads can be made. */
	for (int i = 0; i < 5000 && proc_threads() > 1; i++)
		pause_ms(1);
	check(proc_threads() == 1 || proc_threads() == -1, "finished detached threads are gone");
}

static __thread int tls_var = 5;
static __thread char tls_buf[64];

static void *tls_fn(void *arg)
{
	int id = (int)(intptr_t)arg;
	int ok = tls_var == 5 && tls_buf[0] == 0; /* a fresh copy of the initial image */

	tls_var = 100 + id;
	snprintf(tls_buf, sizeof(tls_buf), "thread %d", id);
	pause_ms(10); /* let the others write theirs */
	ok &= tls_var == 100 + id;
	ok &= strcmp(tls_buf, id == 1 ? "thread 1" : id == 2 ? "thread 2" : "thread 3") == 0;
	return (void *)(intptr_t)ok;
}

static void test_tls(void)
{
	pthread_t t[3];
	int ok = 1;

	tls_var = 42;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, tls_fn, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 3; i++) {
		void *r;

		pthread_join(t[i], &r);
		ok &= r == (void *)1;
	}
	check(ok && tls_var == 42,
	      "__thread variables are per thread, each from the initial image");
}

/* ---- /proc/self/status ---- */

static atomic_int hold_release;

static void *hold_fn(void *arg)
{
	(void)arg;
	while (!atomic_load(&hold_release))
		pause_ms(1);
	return NULL;
}

static void test_proc_threads(void)
{
	pthread_t t[3];
	int nr;

	/* Joined threads may still be on their way out of the kernel: let them go first. */
	for (int i = 0; i < 5000 && proc_threads() > 1; i++)
		pause_ms(1);
	atomic_store(&hold_release, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hold_fn, NULL);
	nr = proc_threads();
	atomic_store(&hold_release, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	check(nr == 4, "/proc/self/status says Threads: 4 with 3 threads running");
}

/* ---- futex errors and timeouts ---- */

static void test_futex_errors(void)
{
	static int word = 1;
	struct timespec ts = {0, 10 * 1000000L}, past;
	char *p = (char *)&word;
	long r;

	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
	check(r == -1 && errno == EAGAIN, "futex WAIT on a changed value is EAGAIN");
	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
	check(r == -1 && errno == ETIMEDOUT, "futex WAIT with a relative timeout is ETIMEDOUT");
	errno = 0;
	r = futex(&word, FUTEX_WAIT, 1, &ts, NULL, 0);
	check(r == -1 && errno == ETIMEDOUT, "shared futex WAIT times out too");
	past.tv_sec = 0; /* 1 ns after the monotonic clock's start: long past */
	past.tv_nsec = 1;
	errno = 0;
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &past, NULL, FUTEX_BITSET_MATCH_ANY);
	check(r == -1 && errno == ETIMEDOUT,
	      "futex WAIT_BITSET with a past absolute time is ETIMEDOUT");
	clock_gettime(CLOCK_REALTIME, &past);
	past.tv_nsec += 10 * 1000000L;
	if (past.tv_nsec >= 1000000000L) {
		past.tv_sec++;
		past.tv_nsec -= 1000000000L;
	}
	errno = 0;
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &past, NULL,
		  FUTEX_BITSET_MATCH_ANY);
	check(r == -1 && errno == ETIMEDOUT,
	      "WAIT_BITSET on CLOCK_REALTIME times out at the deadline");
	errno = 0;
	r = futex((volatile int *)(p + 1), FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	check(r == -1 && errno == EINVAL, "futex on a misaligned address is EINVAL");
	errno = 0;
	r = futex((volatile int *)8, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	check(r == -1 && errno == EFAULT, "futex WAIT on an unmapped address is EFAULT");
	errno = 0;
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0);
	check(r == -1 && errno == EINVAL, "futex WAIT_BITSET with bitset 0 is EINVAL");
	errno = 0;
	r = futex(&word, 0x7f, 1, NULL, NULL, 0);
	check(r == -1 && errno == ENOSYS, "an unknown futex op is ENOSYS");
	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 1, &(struct timespec){0, 1000000000L}, NULL, 0);
	check(r == -1 && errno == EINVAL, "futex WAIT with tv_nsec out of range is EINVAL");
	check(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
	      "futex WAKE with nobody waiting wakes 0");
	errno = 0;
	r = futex2(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word, 2);
	check(r == -1 && errno == EAGAIN, "futex CMP_REQUEUE with a changed value is EAGAIN");
}

/* ---- wake, requeue, bitsets ---- */

static volatile int fa, fb;
static atomic_int waiters_out;

/* Wait on fa until it is non-zero (whether woken on fa or, after a requeue, on fb). */
static void *wait_fa_fn(void *arg)
{
	(void)arg;
	while (!fa)
		futex(&fa, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	atomic_fetch_add(&waiters_out, 1);
	return NULL;
}

static void test_requeue(int cmp)
{
	pthread_t t[3];
	long moved = 0, woken, wa;

	fa = 0;
	fb = 0;
	atomic_store(&waiters_out, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, wait_fa_fn, NULL);
	/* Move every waiter from fa to fb as they arrive (bounded). */
	for (int i = 0; i < 5000 && moved < 3; i++) {
		long r = cmp ? futex2(&fa, FUTEX_CMP_REQUEUE_PRIVATE, 0, INT_MAX, &fb, 0)
			     : futex2(&fa, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, &fb, 0);

		if (r > 0)
			moved += r;
		else
			pause_ms(1);
	}
	fa = 1;
	wa = futex(&fa, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	woken = futex(&fb, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	check(moved == 3 && wa == 0 && woken == 3 && atomic_load(&waiters_out) == 3,
	      cmp ? "CMP_REQUEUE moves the waiters; a wake on the target wakes them"
		  : "REQUEUE moves the waiters; a wake on the target wakes them");
}

/* How many threads sleep on w: a requeue onto itself counts them and wakes nobody. */
static long sleepers(volatile int *w)
{
	return futex2(w, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, w, 0);
}

static void test_wake_count(void)
{
	pthread_t t[3];
	long r[3] = {0, 0, 0};

	fa = 0;
	atomic_store(&waiters_out, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, wait_fa_fn, NULL);
	for (int i = 0; i < 5000 && sleepers(&fa) < 3; i++)
		pause_ms(1);
	fa = 1;
	for (int i = 0; i < 3; i++)
		r[i] = futex(&fa, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	check(r[0] == 1 && r[1] == 1 && r[2] == 1 && atomic_load(&waiters_out) == 3,
	      "FUTEX_WAKE of 1 wakes exactly one of three sleepers each time");
}

static volatile int fbits;
static atomic_int bit_woken;

static void *wait_bits_fn(void *arg)
{
	int bits = (int)(intptr_t)arg;

	while (!fbits)
		futex(&fbits, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, bits);
	atomic_fetch_add(&bit_woken, bits);
	return NULL;
}

static void test_bitset(void)
{
	pthread_t t1, t2;
	long r1 = 0, r2 = 0;

	fbits = 0;
	atomic_store(&bit_woken, 0);
	pthread_create(&t1, NULL, wait_bits_fn, (void *)(intptr_t)1);
	pthread_create(&t2, NULL, wait_bits_fn, (void *)(intptr_t)2);
	for (int i = 0; i < 5000 && sleepers(&fbits) < 2; i++)
		pause_ms(1);
	fbits = 1;
	r2 = futex(&fbits, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 2);
	pthread_join(t2, NULL);
	r1 = futex(&fbits, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 1);
	pthread_join(t1, NULL);
	check(r2 == 1 && r1 == 1 && atomic_load(&bit_woken) == 3,
	      "WAKE_BITSET wakes only the waiters whose bitset it meets");
}

/* ---- EINTR ---- */

static volatile sig_atomic_t usr1_count;
static atomic_int eintr_done;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void *kicker_fn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000 && !atomic_load(&eintr_done); i++) {
		kill(getpid(), SIGUSR1); /* process-directed; the main thread does not block it */
		pause_ms(2);
	}
	return NULL;
}

static void test_eintr(void)
{
	static int word;
	struct sigaction sa;
	sigset_t set, old;
	pthread_t t;
	long r;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	/* Only the main thread takes SIGUSR1: the kicker is created with it blocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	atomic_store(&eintr_done, 0);
	pthread_create(&t, NULL, kicker_fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	e = errno;
	atomic_store(&eintr_done, 1);
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);
	check(r == -1 && e == EINTR && usr1_count > 0, "a signal interrupts FUTEX_WAIT with EINTR");
}

/* ---- shared futex across fork ---- */

static void test_shared_futex(void)
{
	volatile int *w =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st = -1;
	long woken = 0;
	pid_t pid;

	/* MAP_SHARED anonymous memory exists (kernel/linux/mm.c): its absence is a failure. */
	if (w == MAP_FAILED) {
		check(0, "a shared futex wakes a waiter in another process (mmap MAP_SHARED)");
		return;
	}
	w[0] = 0;
	w[1] = 0;
	pid = fork();
	if (pid == 0) {
		struct timespec ts = {30, 0}; /* only so that a lost wake-up ends the test */

		w[1] = 1; /* "I am here": shows the mapping is really shared */
		while (w[0] == 0)
			if (futex(&w[0], FUTEX_WAIT, 0, &ts, NULL, 0) == -1 && errno == ETIMEDOUT)
				_exit(1);
		_exit(0);
	}
	/* Until the child is seen, or has ended without being seen (the mapping is not shared). */
	while (!w[1] && waitpid(pid, &st, WNOHANG) == 0)
		pause_ms(1);
	if (!w[1]) {
		check(0, "a shared futex wakes a waiter in another process (the child never "
			 "showed in the shared page)");
		return;
	}
	w[0] = 1;
	for (int i = 0; i < 3000 && !woken; i++) {
		woken = futex(&w[0], FUTEX_WAKE, 1, NULL, NULL, 0);
		if (!woken)
			pause_ms(1);
		if (waitpid(pid, &st, WNOHANG) == pid)
			break; /* it saw the 1 before sleeping */
	}
	if (st == -1)
		waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a shared futex wakes a waiter in another process (MAP_SHARED after fork)");
	munmap((void *)w, 4096);
}

/* ---- memory from many threads at once ---- */

#define VM_THREADS 4
#define VM_ROUNDS 150
#define VM_PAGES 8
#define VM_SHARED_PAGES 256

static char *vm_shared_region;

/* mmap, fill, check, mprotect and munmap private regions while the others do the same. */
static void *vm_stress_fn(void *arg)
{
	int id = (int)(intptr_t)arg, ok = 1;

	for (int i = id; i < VM_SHARED_PAGES; i += VM_THREADS) /* demand-zero faults side by side */
		vm_shared_region[i * 4096] = (char)(i + 1);
	for (int r = 0; r < VM_ROUNDS && ok; r++) {
		char *m = mmap(NULL, VM_PAGES * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return (void *)0;
		for (int pg = 0; pg < VM_PAGES; pg++)
			m[pg * 4096 + id] = (char)(id + r + pg);
		ok &= mprotect(m, VM_PAGES * 4096, PROT_READ) == 0;
		for (int pg = 0; pg < VM_PAGES; pg++)
			ok &= m[pg * 4096 + id] == (char)(id + r + pg) && m[pg * 4096 + 100] == 0;
		ok &= munmap(m, VM_PAGES * 4096) == 0;
		free(malloc(1000 + r * 100)); /* brk or mmap inside the C library */
	}
	return (void *)(intptr_t)ok;
}

static void test_vm_threads(void)
{
	pthread_t t[VM_THREADS];
	int ok = 1;

	vm_shared_region = mmap(NULL, VM_SHARED_PAGES * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm_shared_region == MAP_FAILED) {
		check(0, "threads map, fault and unmap memory at the same time");
		return;
	}
	for (int i = 0; i < VM_THREADS; i++)
		pthread_create(&t[i], NULL, vm_stress_fn, (void *)(intptr_t)i);
	for (int i = 0; i < VM_THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		ok &= r == (void *)1;
	}
	for (int i = 0; i < VM_SHARED_PAGES; i++)
		ok &= vm_shared_region[i * 4096] == (char)(i + 1);
	munmap(vm_shared_region, VM_SHARED_PAGES * 4096);
	check(ok, "threads map, fault and unmap memory at the same time");
}

/* ---- TLB shootdown: another CPU's cached translation goes ---- */

static volatile char *tlb_page;
static atomic_int tlb_reading, tlb_faulted;
static sigjmp_buf tlb_jmp;

static void on_tlb_segv(int sig)
{
	(void)sig;
	siglongjmp(tlb_jmp, 1);
}

/* Read the page over and over (its translation stays cached) until that faults. */
static void *tlb_reader_fn(void *arg)
{
	volatile char sink = 0;

	(void)arg;
	if (sigsetjmp(tlb_jmp, 1)) {
		atomic_store(&tlb_faulted, 1);
		return NULL;
	}
	for (long i = 0;; i++) {
		sink += tlb_page[(i * 64) % 4096];
		if (i == 1000)
			atomic_store(&tlb_reading, 1);
	}
	return NULL;
}

/* The page is taken away (mprotect or munmap) while a thread keeps reading it. */
static void test_tlb_shootdown(int unmap)
{
	struct sigaction sa, old;
	pthread_t t;
	int ok = 1;

	tlb_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tlb_page == MAP_FAILED) {
		check(0, "mmap for the TLB check");
		return;
	}
	tlb_page[0] = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tlb_segv;
	sigaction(SIGSEGV, &sa, &old);
	atomic_store(&tlb_reading, 0);
	atomic_store(&tlb_faulted, 0);
	pthread_create(&t, NULL, tlb_reader_fn, NULL);
	for (int i = 0; i < 5000 && !atomic_load(&tlb_reading); i++)
		pause_ms(1);
	ok &= unmap ? munmap((void *)tlb_page, 4096) == 0
		    : mprotect((void *)tlb_page, 4096, PROT_NONE) == 0;
	for (int i = 0; i < 5000 && !atomic_load(&tlb_faulted); i++)
		pause_ms(1);
	ok &= atomic_load(&tlb_faulted);
	if (!atomic_load(&tlb_faulted))
		pthread_cancel(t); /* it would read forever */
	pthread_join(t, NULL);
	sigaction(SIGSEGV, &old, NULL);
	if (!unmap)
		munmap((void *)tlb_page, 4096);
	check(ok, unmap ? "munmap reaches a thread reading the page on another CPU"
			: "mprotect(PROT_NONE) reaches a thread reading the page on another CPU");
}

/* ---- robust mutexes: the kernel releases what a dead process held ---- */

struct robust_shared {
	pthread_mutex_t m;
	volatile int locked;
};

static void test_robust(void)
{
	struct robust_shared *rs =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;
	int st = -1, r1 = -1, r2 = -1;
	pid_t pid;

	if (rs == MAP_FAILED) {
		check(0, "a robust mutex held by a dead process is EOWNERDEAD");
		return;
	}
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&rs->m, &a);
	rs->locked = 0;
	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&rs->m);
		rs->locked = 1;
		pause_ms(30);
		_exit(0); /* exit_group with the mutex held: only the kernel can release it */
	}
	for (int i = 0; i < 5000 && !rs->locked; i++)
		pause_ms(1);
	r1 = pthread_mutex_lock(&rs->m); /* sleeps until the child's death wakes it */
	if (r1 == EOWNERDEAD)
		r2 = pthread_mutex_consistent(&rs->m);
	pthread_mutex_unlock(&rs->m);
	waitpid(pid, &st, 0);
	check(rs->locked && r1 == EOWNERDEAD && r2 == 0,
	      "a robust mutex held by a dead process is EOWNERDEAD for the next locker");
	munmap(rs, 4096);
}

/* ---- exec, fork and fatal signals from threads ---- */

static const char *self_path;
static volatile uintptr_t bad_addr = 8; /* an unmapped address, hidden from the compiler */

static void *exec_fn(void *arg)
{
	char *argv[] = {(char *)self_path, "exec-child", NULL};

	(void)arg;
	execv(self_path, argv);
	_exit(96);
}

static void exec_from_thread(void)
{
	pthread_t t;

	atomic_store(&hold_release, 0);
	pthread_create(&t, NULL, hold_fn, NULL); /* a third thread, still running */
	pthread_create(&t, NULL, exec_fn, NULL);
	for (;;)
		pause();
}

static void *fork_fn(void *arg)
{
	pid_t pid;
	int st = -1;

	(void)arg;
	pid = fork();
	if (pid == 0)
		_exit(proc_threads() == 1 || proc_threads() == -1 ? 0 : 1);
	waitpid(pid, &st, 0);
	return (void *)(intptr_t)(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void *crash_fn(void *arg)
{
	(void)arg;
	pause_ms(10);
	*(volatile int *)bad_addr = 1; /* SIGSEGV in this thread */
	return NULL;
}

/* Three threads: this one, one in hold_fn and one in fn; then only signals end it. */
static void three_threads(void *(*fn)(void *))
{
	pthread_t t;

	atomic_store(&hold_release, 0);
	pthread_create(&t, NULL, hold_fn, NULL);
	pthread_create(&t, NULL, fn, NULL);
	for (;;)
		pause();
}

static void crash_in_thread(void)
{
	three_threads(crash_fn);
}

/* kill() of a process with three threads: the default action ends them all. */
static void test_kill_group(int sig)
{
	char what[96];
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		three_threads(hold_fn);
		_exit(99);
	}
	for (int i = 0; i < 5000 && pid_threads(pid) != 3; i++)
		pause_ms(1);
	kill(pid, sig);
	waitpid(pid, &st, 0);
	snprintf(what, sizeof(what),
		 "kill(%s) of a 3-thread process ends all of it; wait4 sees one child",
		 sig == SIGKILL ? "SIGKILL" : "SIGTERM");
	check(WIFSIGNALED(st) && WTERMSIG(st) == sig, what);
}

static void test_exec_fork_signal(void)
{
	pthread_t t;
	void *r = NULL;
	int st;

	st = in_child(exec_from_thread);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "execve from a thread replaces the whole process (the others end)");
	pthread_create(&t, NULL, fork_fn, NULL);
	pthread_join(t, &r);
	check(r == (void *)1, "fork from a thread copies only the calling thread");
	st = in_child(crash_in_thread);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "a fatal signal in one thread kills the whole process");
	test_kill_group(SIGTERM);
	test_kill_group(SIGKILL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		/* After execve from a thread: one thread, and it is the leader. */
		int threads = proc_threads();

		return gettid_() == getpid() && (threads == 1 || threads == -1) ? 42 : 1;
	}
	self_path = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	test_ids();
	test_clone_flags();
	test_pthread_exit();
	test_group_exit();
	test_detached();
	test_tls();
	test_proc_threads();
	test_futex_errors();
	test_requeue(0);
	test_requeue(1);
	test_wake_count();
	test_bitset();
	test_eintr();
	test_shared_futex();
	test_vm_threads();
	test_tlb_shootdown(0);
	test_tlb_shootdown(1);
	test_robust();
	test_exec_fork_signal();
	return tap_done("threadapi");
}
