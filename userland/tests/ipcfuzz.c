/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipcfuzz.c - a fuzzer for the native IPC (kernel/ipc, docs/design/ipc.md):
 * forked worker processes share endpoints, queues, notifications and memory
 * objects and use them at random, concurrently and with hostile arguments,
 * while the parent interrupts them with signals and kills them mid-call.
 * It aims at the fast path (continuations, fast_deliver writing a short
 * message straight into a waiting partner's user frame) as much as at the
 * general path: most calls are short, without a timeout (M_FOREVER, the fast
 * path's condition, bounded by an interval timer whose handler has no
 * SA_RESTART, so the wait ends with -EINTR), and workers are pinned in pairs
 * to one CPU so that partners meet on the same CPU.
 *
 * Usage: ipcfuzz [--seed N] [--ops N] [--procs N (1..16)] [--kill-ms N] [--no-fast]
 * (--kill-ms 0: no SIGKILL; --no-fast: long finite timeouts instead of
 * M_FOREVER, so the fast path is never taken - to tell its bugs apart)
 *
 * Setup (parent): 3 endpoints, 2 queues (16 x 256 B, 4 x 4096 B), 2
 * notifications and 2 memory objects (1 and 3 pages), each duplicated with
 * M_DUP_INHERIT so that every worker (and every respawned one) starts with
 * them under the same numbers. Each worker also creates a private endpoint
 * and hands it (and anything else it holds) to others in messages; when it
 * dies, its endpoint's callers must get -EPIPE.
 *
 * Worker w, generation g runs the generator seeded with mix(seed, w, g):
 * its sequence of operations is deterministic (what the other workers do
 * meanwhile is not). Operations, in bursts of one kind:
 *
 *   client   m_call on a shared (mostly the first), private or random
 *            endpoint handle: label ECHO (mostly) or random, a long part of
 *            0 (mostly) .. 4096 bytes or an oversize length, 0..4 handles
 *            (some bad numbers, random rights) or too many, bad info bits,
 *            timeout M_FOREVER under a 2..40 ms timer, 0, or a few ms;
 *   server   m_recv / m_reply_recv loops, m_reply; the reply owed to an
 *            ECHO call is always the echo (below), others get random replies
 *            (long parts, handles, hostile info);
 *   handles  dup with fewer rights (checked: never more), badges, close,
 *            revoke, info (bad pointers), give to itself;
 *   sched    the thread's nice level (-5..19) and CPU affinity changed, so
 *            fast-path partners change weights and part and meet again;
 *   queues   send/recv, blocking (timer-bounded), M_NONBLOCK, timeout 0 or
 *            a few ms, bad flags, bad pointers, oversize messages; every
 *            message received is checked (magic, length, checksum);
 *   notify   signal (bit 63: -EINVAL), wait (timer-bounded), poll;
 *   memory   create (0 and huge sizes too), map/unmap with random prot and
 *            hostile address, length and offset, a writable mapping written
 *            and read back, a read-only handle refused a writable mapping
 *            and mprotect(PROT_WRITE);
 *   buffer   the IPC buffer registered, unregistered, misaligned, on an
 *            inaccessible (PROT_NONE) or read-only page, or a kernel address.
 *
 * The echo protocol: a worker that receives a call labelled ECHO replies
 * (whenever it replies to that call) with label ECHO_REPLY, word 0 the
 * checksum of the label, the four words and the long part, word 1 the
 * complement of the caller's word 1, word 2 the badge it saw, word 3 the
 * caller's word 3 + 1, and the long part with every byte xor 0x5a. A caller
 * whose ECHO call returns 0 checks all of it (word 2 against its handle's
 * badge): a reply delivered to the wrong thread, a word lost on the fast
 * path or a stale long part shows up here. A server that got the call's
 * registers but not its long part or handles (-EMSGSIZE without a buffer,
 * -EFAULT on a bad one) answers ECHO_LOST, which the caller accepts only for
 * a call that had a long part or handles. A call labelled BIG (mostly
 * short: the fast path) asks for a long reply that follows from its words
 * (length 1 + word 0 mod 4096, byte i = word 1 + 7 i) and, when bit 20 of
 * word 0 is set, a send-only handle to the first shared endpoint: such a
 * reply reaches a caller waiting on the fast path through the copy-out its
 * continuation makes, and is checked byte by byte, handle type and rights
 * included.
 *
 * Before the workers start, a regression check: m_mem_map in one thread
 * racing mmap/munmap in another thread of the same process (mem_map_race).
 *
 * Every result is checked against the errors docs/api/native.md lists for
 * that call; anything else (and any echo mismatch) is a failure, counted in
 * memory shared by all workers and described on stderr.
 *
 * Half the generations also run a second thread now and then: it shares
 * the handle table (its closes, revokes and dups race with the main
 * thread's waits), has its own IPC buffer and reply owed, makes only finite
 * waits (the signals are the main thread's) and ends after a few operations,
 * perhaps owing a reply (its caller must get -EPIPE); at the worker's exit
 * it dies wherever it is.
 *
 * The parent sends SIGUSR1 (a handler without SA_RESTART) to random workers
 * every few ms, stops one with SIGSTOP for 2..12 ms now and then, and
 * SIGKILL about every --kill-ms ms (default 150); it reaps and respawns
 * killed workers (the next generation takes over the slot's remaining
 * operations), and kills a worker that makes no progress for 20 s (a
 * wait the timers failed to bound: a failure). Finally it checks that every
 * operation ran, nothing failed, the fast path was taken (on -smp 2 with
 * pinned pairs it always is), and through /proc/ipc that no handle of a dead
 * worker is left and that each shared endpoint's receive-capability count
 * is back to the parent's two handles.
 *
 * Output: progress lines, TAP "ok N - what" lines, a summary line
 * "ipcfuzz: seed S, N ops, P procs, K kills, E echoes verified, F fast calls"
 * and the last line "ipcfuzz: N passed, M failed". Native only.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrioska.h"
#include "tap.h"

#define MAX_PROCS 16
#define MAX_HANDLES 48
#define N_EP 3
#define N_MQ 2
#define N_NT 2
#define N_MEM 2
#define STALL_SEC 20

#define L_ECHO 0xec40u
#define L_ECHO_REPLY 0xec41u
#define L_ECHO_LOST 0xec42u
#define L_BIG 0xec43u /* a request for a long reply (and perhaps a handle) */
#define L_BIG_REPLY 0xec44u
#define MQ_MAGIC 0x6d715a11u

/* ---- the generator (xorshift64*) ---- */

static __thread uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned pct)
{
	return below(100) < pct;
}

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b + 1) * 0xbf58476d1ce4e5b9ull ^
		     (c + 7) * 0x94d049bb133111ebull;

	x ^= x >> 31;
	return x ? x : 1;
}

/* ---- state shared by the parent and every worker (MAP_SHARED) ---- */

struct slot_stats {
	uint64_t done;	 /* operations completed by this slot (all generations) */
	uint64_t echoes; /* ECHO calls whose reply was verified */
	uint64_t lost;	 /* ECHO calls answered ECHO_LOST */
	uint64_t fails;	 /* unexpected results, echo mismatches, corrupt messages */
	uint64_t bigs;	 /* of the echoes: L_BIG replies (long, perhaps a handle) */
	uint64_t calls_ok, recvs_ok, mq_ok, eintr;
};

static struct slot_stats *stats;
#define BUMP(field) __atomic_fetch_add(&stats[me].field, 1, __ATOMIC_RELAXED)
static __thread int helper; /* the worker's second thread: no M_FOREVER, no timer */
static uint64_t quota;	    /* operations per slot */

/* Handles every worker inherits (M_DUP_INHERIT), set by the parent before forking. */
static int base_ep[N_EP], base_mq[N_MQ], base_nt[N_NT], base_mem[N_MEM];

/* ---- the worker ---- */

struct held {
	int h;
	uint32_t type, rights;
	uint64_t badge;
	int base; /* inherited from the parent: closed or revoked only rarely */
};

enum buf_mode { BUF_GOOD, BUF_NONE, BUF_NOACCESS, BUF_READONLY };

static int no_fast; /* --no-fast: long timeouts instead of M_FOREVER (no fast path) */
static int me;	    /* the worker's slot */
static __thread struct held hs[MAX_HANDLES]; /* handles it knows of (some may be stale) */
static __thread int nhs;
static int priv_ep;
static __thread struct m_ipc_buffer *ibuf; /* the good IPC buffer */
static void *ro_page, *gone_page;	   /* a read-only page, an inaccessible one */
static __thread enum buf_mode bufmode;
static volatile sig_atomic_t sigs;

/* The reply owed, as this worker believes (cleared only when surely consumed). */
static __thread struct {
	int owed, echo, lost, cap;
	struct m_msg reply; /* the echo reply, ready */
	uint32_t len;
	uint8_t data[M_MSG_MAX_DATA];
} ow;

static void on_signal(int sig)
{
	(void)sig;
	sigs++;
}

static void fail(const char *fmt, long a, long b)
{
	__atomic_fetch_add(&stats[me].fails, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "ipcfuzz: worker %d pid %d: ", me, getpid());
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

/* Errors docs/api/native.md lists for each kind of call (0-terminated lists). */
#define HANDLE_ERRS EBADF, EKEYREVOKED, EBADFD, EPERM
static const int E_IPC[] = {HANDLE_ERRS, EPIPE,	 ETIMEDOUT, EINTR,  EMSGSIZE,
			    EINVAL,	 EFAULT, ENOMEM,    ENOENT, 0};
static const int E_MQ[] = {HANDLE_ERRS, EAGAIN, ETIMEDOUT, EINTR, EMSGSIZE, EFAULT, EINVAL, 0};
static const int E_NT[] = {HANDLE_ERRS, EAGAIN, ETIMEDOUT, EINTR, EINVAL, 0};
static const int E_MEM[] = {HANDLE_ERRS, EINVAL, ENOMEM, EEXIST, EMFILE, 0};
static const int E_CAP[] = {HANDLE_ERRS, EINVAL, EFAULT, EMFILE, ENOMEM, ESRCH, 0};

/* r is a result or one of the errors allowed; else a failure. Returns r. */
static long expect(long r, const int *allowed, const char *what)
{
	if (r < 0) {
		const int *e = allowed;

		while (*e && *e != -r)
			e++;
		if (!*e) {
			char fmt[96];

			snprintf(fmt, sizeof(fmt), "%s: unexpected result %%ld (%%ld)", what);
			fail(fmt, r, 0);
		}
	}
	if (r == -EINTR)
		BUMP(eintr);
	return r;
}

/* A lookup of the handle failed: the call did nothing. */
static int refused(long r)
{
	return r == -EBADF || r == -EKEYREVOKED || r == -EBADFD || r == -EPERM || r == -ENOMEM;
}

/* A one-shot timer of 2..40 ms that ends a wait with -EINTR. */
static void timer_arm(void)
{
	struct itimerval it = {{0, 0}, {0, 0}};

	if (helper) /* the process's timer belongs to the main thread */
		return;
	it.it_value.tv_usec = (long)(2000 + below(38000));
	setitimer(ITIMER_REAL, &it, NULL);
}

static void timer_off(void)
{
	struct itimerval it = {{0, 0}, {0, 0}};

	if (!helper)
		setitimer(ITIMER_REAL, &it, NULL);
}

/* A timeout: M_FOREVER (under a timer), 0, or 0.1..5 ms. */
static uint64_t pick_timeout(int forever_pct)
{
	if (helper) /* the timer's signal goes to the main thread: waits are finite */
		return chance(forever_pct) ? 1000000 + below(19000000) : chance(40) ? 0 : 100000;
	if (chance(forever_pct))
		return no_fast ? 10000000000ull : M_FOREVER;
	return chance(40) ? 0 : 100000 + below(4900000);
}

/*
 * The workers are forks of one program: their memory is laid out alike, so
 * a thread running on another process's address space (a page-table root
 * left behind by a switch) would run on undisturbed, reading and writing
 * its sibling's variables. my_pid is in the worker's own memory; the
 * kernel's getpid() must agree with it.
 */
static pid_t my_pid;

static void space_check(void)
{
	pid_t k = getpid();

	if (k != my_pid)
		fail("address space: my_pid in memory is %ld, getpid() says %ld", my_pid, k);
}

/* The IPC call, with every register the kernel leaves returned (even on failure). */
static long ipc_raw(long nr, uint64_t h, struct m_msg *m, uint64_t timeout)
{
	register uint64_t r10 __asm__("r10") = m->w[0];
	register uint64_t r8 __asm__("r8") = m->w[1];
	register uint64_t r9 __asm__("r9") = m->w[2];
	register uint64_t r12 __asm__("r12") = m->w[3];
	uint64_t rdi = h, rsi = m->info;
	long ret = nr;

	if (timeout == M_FOREVER || timeout == 10000000000ull)
		timer_arm();
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(rdi), "+S"(rsi), "+d"(timeout), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12)
			 :
			 : "rcx", "r11", "memory");
	timer_off();
	space_check();
	m->badge = rdi;
	m->info = rsi;
	m->w[0] = r10;
	m->w[1] = r8;
	m->w[2] = r9;
	m->w[3] = r12;
	return ret;
}

static uint64_t cksum(uint32_t label, const uint64_t *w, const uint8_t *d, uint32_t len)
{
	uint64_t s = 0xcbf29ce484222325ull ^ label;

	for (int i = 0; i < M_MSG_REGS; i++)
		s = (s ^ w[i]) * 0x100000001b3ull;
	for (uint32_t i = 0; i < len; i++)
		s = (s ^ d[i]) * 0x100000001b3ull;
	return s;
}

static void hold(int h)
{
	struct m_handle_info in;

	if (h <= 0)
		return;
	if (nhs == MAX_HANDLES) { /* full: forget (close) a non-base one */
		int i = 8 + (int)below(MAX_HANDLES - 8);

		m_handle_close(hs[i].h);
		hs[i] = hs[--nhs];
	}
	memset(&in, 0, sizeof(in));
	m_handle_info(h, &in);
	hs[nhs].h = h;
	hs[nhs].type = in.type;
	hs[nhs].rights = in.rights;
	hs[nhs].badge = in.badge;
	hs[nhs].base = 0;
	nhs++;
}

/* A handle number: a known one of type (0: any), sometimes a bad one. */
static int pick_handle(uint32_t type)
{
	static const int bad[] = {0, -1, 0x7fffffff, 0x10001, 0xffff, 4097};
	int tries = 8;

	if (!nhs || chance(4))
		return chance(50) ? bad[below(6)] : (int)rnd();
	while (tries--) {
		struct held *x = &hs[below((uint64_t)nhs)];

		if (!type || x->type == type)
			return x->h;
	}
	return hs[below((uint64_t)nhs)].h;
}

static struct held *find_held(int h)
{
	for (int i = 0; i < nhs; i++)
		if (hs[i].h == h)
			return &hs[i];
	return NULL;
}

static int pick_ep(void)
{
	if (chance(60))
		return base_ep[0];
	if (chance(50))
		return base_ep[below(N_EP)];
	if (chance(30))
		return priv_ep;
	return pick_handle(M_OBJ_ENDPOINT);
}

/* Register the IPC buffer as mode says. */
static void set_buffer(enum buf_mode mode)
{
	void *b = mode == BUF_GOOD	 ? (void *)ibuf
		  : mode == BUF_NOACCESS ? gone_page
		  : mode == BUF_READONLY ? ro_page
					 : NULL;
	long r = m_ipc_set_buffer(b);

	if (r)
		fail("set_buffer(mode %ld): %ld", mode, r);
	bufmode = mode;
}

static void op_buffer(void)
{
	static const uintptr_t hostile[] = {1, 0xffff800000000000ull, 0x7ffffffff000ull,
					    0x8000000000000000ull};
	long r;

	if (chance(30)) { /* refused: misaligned, kernel, non-canonical, past the top */
		uintptr_t p = chance(50) ? (uintptr_t)ibuf + 1 + below(7) : hostile[below(4)];

		r = m_ipc_set_buffer((struct m_ipc_buffer *)p);
		if (r != -EFAULT)
			fail("set_buffer(%#lx) = %ld, not -EFAULT", (long)p, r);
		return;
	}
	set_buffer(chance(60) ? BUF_GOOD : (enum buf_mode)(1 + below(3)));
}

/* Fill ibuf's caps for a message with n handles (some bad, random rights). */
static void pick_caps(uint32_t n)
{
	for (uint32_t i = 0; i < n && i < M_MSG_MAX_CAPS; i++) {
		ibuf->caps[i] = (uint32_t)pick_handle(0);
		ibuf->cap_rights[i] = chance(50) ? 0 : (uint32_t)below(0x100);
	}
}

/* Take note of the handles that came with a message (ibuf, good buffer). */
static void take_caps(uint64_t info)
{
	uint32_t n = M_INFO_CAPS(info);

	if (bufmode != BUF_GOOD)
		return;
	for (uint32_t i = 0; i < n && i < M_MSG_MAX_CAPS; i++)
		hold((int)ibuf->caps[i]);
}

/*
 * A message was received (m, result r of recv or reply_recv): the caller
 * is owed a reply if the receive itself happened (0, -EMSGSIZE, -EFAULT).
 */
static void received(long r, struct m_msg *m)
{
	uint32_t label = M_INFO_LABEL(m->info), len = M_INFO_LEN(m->info);

	ow.owed = 0;
	ow.cap = 0;
	if (r != 0 && r != -EMSGSIZE && r != -EFAULT)
		return;
	ow.owed = 1;
	ow.echo = label == L_ECHO || label == L_BIG;
	ow.lost = r != 0;
	if (r == 0) {
		BUMP(recvs_ok);
		take_caps(m->info);
	}
	if (!ow.echo)
		return;
	memset(&ow.reply, 0, sizeof(ow.reply));
	if (ow.lost) {
		ow.reply.info = M_INFO(L_ECHO_LOST, 0, 0);
		ow.len = 0;
		return;
	}
	if (label == L_BIG) { /* the reply the caller can predict from its words */
		ow.len = 1 + (uint32_t)(m->w[0] % M_MSG_MAX_DATA);
		for (uint32_t i = 0; i < ow.len; i++)
			ow.data[i] = (uint8_t)(m->w[1] + i * 7);
		ow.reply.info = M_INFO(L_BIG_REPLY, ow.len, 0);
		ow.reply.w[0] = m->w[0];
		ow.reply.w[1] = ~m->w[1];
		ow.reply.w[2] = m->badge;
		ow.reply.w[3] = m->w[3] + 1;
		ow.cap = (m->w[0] >> 20) & 1;
		return;
	}
	ow.len = len;
	if (len > M_MSG_MAX_DATA) {
		fail("received a long part of %ld bytes", len, 0);
		ow.len = len = 0;
	}
	for (uint32_t i = 0; i < len; i++)
		ow.data[i] = ibuf->data[i] ^ 0x5a;
	ow.reply.info = M_INFO(L_ECHO_REPLY, len, 0);
	ow.reply.w[0] = cksum(label, m->w, ibuf->data, len);
	ow.reply.w[1] = ~m->w[1];
	ow.reply.w[2] = m->badge;
	ow.reply.w[3] = m->w[3] + 1;
}

static __thread int ow_dup; /* the handle made for an L_BIG reply, closed once sent */

/*
 * Build the reply to send in *m: the echo for an ECHO call (the IPC buffer
 * made good first when it has a long part), else random and hostile.
 * Returns whether the reply is well-formed (a failure then cannot come from
 * copying it in).
 */
static int make_reply(struct m_msg *m)
{
	uint32_t len = 0, ncaps = 0, label = (uint32_t)rnd();

	if (ow.owed && ow.echo) {
		*m = ow.reply;
		if (ow.len || ow.cap) { /* the long part and the handle travel in the buffer */
			if (bufmode != BUF_GOOD)
				set_buffer(BUF_GOOD);
			memcpy(ibuf->data, ow.data, ow.len);
		}
		/* L_BIG: a send-only handle to the first shared endpoint, made for it */
		if (ow.cap && (ow_dup = m_handle_dup(base_ep[0], M_R_SEND | M_R_GRANT, 0, 0)) > 0) {
			ibuf->caps[0] = (uint32_t)ow_dup;
			ibuf->cap_rights[0] = M_R_SEND;
			m->info = M_INFO(L_BIG_REPLY, ow.len, 1);
		}
		return 1;
	}
	for (int i = 0; i < M_MSG_REGS; i++)
		m->w[i] = rnd();
	if (label >= L_ECHO && label <= L_BIG_REPLY)
		label = 7;
	if (chance(5)) { /* hostile: bad bits, oversize */
		m->info = M_INFO(label, 0, 0) | ((uint64_t)(1 + below(255)) << 24);
		if (chance(50))
			m->info = M_INFO(label, M_MSG_MAX_DATA + 1 + below(60000), 0);
		return 0;
	}
	if (bufmode == BUF_GOOD && chance(20)) {
		len = (uint32_t)below(M_MSG_MAX_DATA + 1);
		memset(ibuf->data, (int)rnd(), len);
	}
	if (bufmode == BUF_GOOD && chance(10)) {
		ncaps = 1 + (uint32_t)below(M_MSG_MAX_CAPS);
		pick_caps(ncaps);
	}
	m->info = M_INFO(label, len, ncaps);
	return bufmode == BUF_GOOD && !ncaps;
}

/* The handle an L_BIG reply carried away (the receiver's is derived from it): close ours. */

static void reply_done(void)
{
	if (ow_dup > 0)
		m_handle_close(ow_dup);
	ow_dup = 0;
}

/* The reply owed was consumed (delivered, dropped, or abandoned). */
static void reply_gone(void)
{
	ow.owed = 0;
}

static void op_reply(void)
{
	struct m_msg m;
	int wellformed = make_reply(&m);
	long r = expect(ipc_raw(MSYS_IPC_REPLY, 0, &m, 0), E_IPC, "reply");

	reply_done();
	/*
	 * Only a reply, a receive or the thread's end makes the kernel forget
	 * the call owed; the worker saw a call arrive and did none of these.
	 */
	if (r == -ENOENT && ow.owed)
		fail("reply: the kernel knows of no call owed (-ENOENT), one was received", 0, 0);

	if (r == 0 || r == -EPIPE || r == -ENOENT)
		reply_gone();
	else if (wellformed)
		fail("a well-formed reply failed with %ld", r, 0);
	(void)wellformed;
}

/* Serve: recv or reply_recv, n times. */
static void op_serve(int n)
{
	int ep = chance(80) ? pick_ep() : priv_ep;

	while (n--) {
		struct m_msg m;
		uint64_t to = pick_timeout(75);
		long r;

		if (ow.owed && chance(85)) {
			int wellformed = make_reply(&m);

			r = expect(ipc_raw(MSYS_IPC_REPLY_RECV, (uint64_t)ep, &m, to), E_IPC,
				   "reply_recv");
			reply_done();
			/*
			 * A refused handle: nothing happened. A well-formed reply
			 * cannot fail to copy in, so any other result comes after
			 * the reply went (or was dropped): that of the receive.
			 * A malformed one's -EMSGSIZE/-EFAULT/-EINVAL may be from
			 * either half: which call is owed now is unknown, so the
			 * worker receives again (abandoning it) before replying.
			 */
			if (refused(r) && wellformed) {
				/* still owed */
			} else if (wellformed || r == 0 || r == -EINTR || r == -ETIMEDOUT ||
				   r == -EPIPE) {
				reply_gone();
				received(r, &m);
			} else {
				reply_gone();
			}
		} else {
			memset(&m, 0, sizeof(m));
			if (chance(3))
				m.info = rnd(); /* ignored by recv */
			r = expect(ipc_raw(MSYS_IPC_RECV, (uint64_t)ep, &m, to), E_IPC, "recv");
			if (!refused(r)) {
				reply_gone(); /* receiving again abandons the call owed */
				received(r, &m);
			}
		}
		BUMP(done);
		if (__atomic_load_n(&stats[me].done, __ATOMIC_RELAXED) >= quota)
			return;
		if (ow.owed && chance(10)) {
			op_reply();
			BUMP(done);
		}
	}
}

/*
 * The reply to an L_BIG request (short, mostly: the fast path's call) is
 * long and may carry a handle: it reaches a fast-path caller through the
 * copy-out its continuation does. Everything in it follows from the
 * request's words.
 */
static void check_big(const struct m_msg *q, const struct m_msg *a, const struct held *x, int lossy)
{
	uint32_t rl = M_INFO_LABEL(a->info), rlen = M_INFO_LEN(a->info), nc = M_INFO_CAPS(a->info);
	uint32_t want = 1 + (uint32_t)(q->w[0] % M_MSG_MAX_DATA), i = 0;

	if (rl == L_ECHO_LOST && lossy) {
		BUMP(lost);
		return;
	}
	if (rl != L_BIG_REPLY || rlen != want || nc > 1 || a->w[0] != q->w[0] ||
	    a->w[1] != ~q->w[1] || a->w[3] != q->w[3] + 1 || (x && a->w[2] != x->badge) ||
	    a->badge != 0) {
		fail("big reply wrong: info %#lx word0 %#lx", (long)a->info, (long)a->w[0]);
		return;
	}
	while (i < want && ibuf->data[i] == (uint8_t)(q->w[1] + i * 7))
		i++;
	if (i < want) {
		fail("big reply's long part wrong at byte %ld of %ld", i, want);
		return;
	}
	if (nc == 1 && ibuf->caps[0]) { /* 0: our table was full */
		struct m_handle_info in;
		int h = (int)ibuf->caps[0];

		memset(&in, 0, sizeof(in));
		if (m_handle_info(h, &in) || in.type != M_OBJ_ENDPOINT || in.rights != M_R_SEND)
			fail("big reply's handle: type %ld rights %#lx", in.type, in.rights);
		m_handle_close(h);
	}
	BUMP(echoes);
	BUMP(bigs);
}

/* Call, n times; ECHO replies checked. */
static void op_client(int n)
{
	int ep = pick_ep();

	while (n--) {
		struct m_msg m;
		uint8_t sent[M_MSG_MAX_DATA];
		uint32_t len = 0, ncaps = 0, label = (uint32_t)rnd();
		uint64_t to = pick_timeout(70), sum = 0;
		struct held *x;
		long r;
		int hostile = 0;

		if (chance(80))
			label = chance(80) ? L_ECHO : L_BIG;
		if (chance(15))
			ep = pick_ep();
		for (int i = 0; i < M_MSG_REGS; i++)
			m.w[i] = rnd();
		if (bufmode == BUF_GOOD && chance(20)) {
			len = chance(20) ? M_MSG_MAX_DATA : 1 + (uint32_t)below(M_MSG_MAX_DATA);
			for (uint32_t i = 0; i < len; i++)
				ibuf->data[i] = (uint8_t)rnd();
			memcpy(sent, ibuf->data, len);
		} else if (chance(5)) {
			/* a bad buffer (or none): refused; a good one: whatever it holds */
			len = 1 + (uint32_t)below(M_MSG_MAX_DATA);
			if (bufmode == BUF_GOOD)
				memcpy(sent, ibuf->data, len);
		}
		if (chance(8)) {
			ncaps = 1 + (uint32_t)below(M_MSG_MAX_CAPS);
			if (bufmode == BUF_GOOD)
				pick_caps(ncaps);
		}
		m.info = M_INFO(label, len, ncaps);
		if (chance(3)) {
			hostile = 1;
			if (chance(50))
				m.info |= (uint64_t)(1 + below(255)) << 24;
			else if (chance(50))
				m.info = M_INFO(label, M_MSG_MAX_DATA + 1 + below(60000), 0);
			else
				m.info = M_INFO(label, 0, M_MSG_MAX_CAPS + 1 + below(250));
		}
		if (label == L_ECHO)
			sum = cksum(label, m.w, ibuf->data, bufmode == BUF_GOOD ? len : 0);
		{
			struct m_msg sent_m = m;

			x = find_held(ep);
			r = expect(ipc_raw(MSYS_IPC_CALL, (uint64_t)ep, &m, to), E_IPC, "call");
			if (r == 0) {
				BUMP(calls_ok);
				if (hostile)
					fail("a call with info %#lx succeeded", (long)sent_m.info,
					     0);
			}
			if (r == 0 && label == L_BIG && !hostile)
				check_big(&sent_m, &m, x, len || ncaps);
			if (r == 0 && label == L_ECHO && !hostile) {
				uint32_t rl = M_INFO_LABEL(m.info), rlen = M_INFO_LEN(m.info);

				if (rl == L_ECHO_LOST && (len || ncaps)) {
					BUMP(lost);
				} else if (rl != L_ECHO_REPLY || M_INFO_CAPS(m.info) ||
					   rlen != len || m.w[0] != sum || m.w[1] != ~sent_m.w[1] ||
					   m.w[3] != sent_m.w[3] + 1 || (x && m.w[2] != x->badge) ||
					   m.badge != 0) {
					fail("echo reply wrong: info %#lx word0 %#lx", (long)m.info,
					     (long)m.w[0]);
					fprintf(stderr,
						"ipcfuzz:   sent info %#llx w %#llx %#llx %#llx "
						"%#llx sum %#llx; got w %#llx %#llx %#llx %#llx "
						"badge %#llx (handle badge %#llx)\n",
						(unsigned long long)sent_m.info,
						(unsigned long long)sent_m.w[0],
						(unsigned long long)sent_m.w[1],
						(unsigned long long)sent_m.w[2],
						(unsigned long long)sent_m.w[3],
						(unsigned long long)sum, (unsigned long long)m.w[0],
						(unsigned long long)m.w[1],
						(unsigned long long)m.w[2],
						(unsigned long long)m.w[3],
						(unsigned long long)m.badge,
						(unsigned long long)(x ? x->badge : 0));
				} else {
					uint32_t i = 0;

					while (i < len && ibuf->data[i] == (sent[i] ^ 0x5a))
						i++;
					if (i < len) {
						uint32_t bad = 0, raw = 0, zero = 0, last = 0;

						for (uint32_t j = 0; j < len; j++) {
							uint8_t g = ibuf->data[j];

							if (g != (sent[j] ^ 0x5a)) {
								bad++;
								last = j;
								raw += g == sent[j];
								zero += g == 0;
							}
						}
						fail("echo long part wrong at byte %ld of %ld",
						     (long)i, (long)len);
						fprintf(stderr,
							"ipcfuzz:   %u bytes wrong (last %u): %u "
							"unxored, %u zero; got %02x want %02x\n",
							bad, last, raw, zero, ibuf->data[i],
							sent[i] ^ 0x5a);
						for (uint32_t j = i; j < i + 32 && j < len; j++)
							fprintf(stderr, "%02x%s", ibuf->data[j],
								j % 8 == 7 ? " " : "");
						fputc('\n', stderr);
					} else
						BUMP(echoes);
				}
			} else if (r == 0) {
				take_caps(m.info);
			}
		}
		BUMP(done);
		if (__atomic_load_n(&stats[me].done, __ATOMIC_RELAXED) >= quota)
			return;
	}
}

static void op_handles(void)
{
	struct m_handle_info in;
	int h = pick_handle(0), nh;
	struct held *x;
	long r;

	switch (below(8)) {
	case 0:
	case 1: { /* dup with fewer rights, maybe a badge */
		uint32_t want = (uint32_t)below(0x100);
		uint64_t badge = chance(30) ? rnd() | 1 : 0;

		nh = (int)expect(m_handle_dup(h, want, badge, chance(10) ? M_DUP_INHERIT : 0),
				 E_CAP, "dup");
		if (nh > 0) {
			x = find_held(h);
			memset(&in, 0, sizeof(in));
			r = m_handle_info(nh, &in);
			if (r == 0 && x && want && (in.rights & ~(want & x->rights)))
				fail("dup gave rights %#lx from %#lx", in.rights, x->rights);
			hold(nh);
		}
		break;
	}
	case 2: /* close (inherited handles rarely) */
		if (nhs) {
			int i = (int)below((uint64_t)nhs);

			if (hs[i].base && !chance(3))
				break;
			expect(m_handle_close(hs[i].h), E_CAP, "close");
			hs[i] = hs[--nhs];
		}
		break;
	case 3: /* revoke: everything derived from it, anywhere */
		if (nhs) {
			int i = (int)below((uint64_t)nhs);

			if (hs[i].base && !chance(3))
				break;
			expect(m_handle_revoke(hs[i].h), E_CAP, "revoke");
		}
		break;
	case 4: /* info, with hostile pointers */
		r = m_handle_info(
			h, chance(20)
				   ? (struct m_handle_info
					      *)(uintptr_t)(chance(50) ? 8 : 0xffff800000001000ull)
				   : &in);
		expect(r, E_CAP, "info");
		break;
	case 6: { /* scheduling under the IPC: our nice level, our CPUs */
		int th = m_thread_open(0, 0);
		cpu_set_t set;

		if (th > 0) {
			expect(m_thread_set_nice(th, (int)below(25) - 5), E_CAP, "set_nice");
			m_handle_close(th);
		} else {
			expect(th, E_CAP, "thread_open");
		}
		if (chance(30)) { /* move: the fast path's partners part and meet again */
			CPU_ZERO(&set);
			if (chance(50))
				CPU_SET(0, &set);
			if (chance(50))
				CPU_SET(1, &set);
			if (!CPU_COUNT(&set))
				CPU_SET(0, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		break;
	}
	case 5: { /* give one of ours to ourselves */
		int p = m_proc_open(getpid());

		if (p > 0) {
			nh = (int)expect(m_handle_give(p, h, (uint32_t)below(0x100)), E_CAP,
					 "give");
			hold(nh);
			m_handle_close(p);
		} else {
			fail("proc_open(self) = %ld", p, 0);
		}
		break;
	}
	default: /* hostile raw calls on the handle system calls */
	{
		long nr = MSYS_HANDLE_DUP + (long)below(3);

		r = m_syscall6(nr, (long)rnd(), (long)rnd(), (long)rnd(), (long)rnd(), 0, 0);
		if (r > 0 && nr == MSYS_HANDLE_DUP)
			hold((int)r);
		else
			expect(r, E_CAP, "raw handle call");
		break;
	}
	}
}

static void mq_check(const uint8_t *b, long n)
{
	uint32_t magic, len;
	uint64_t s = 0;

	if (n < 12) {
		fail("queue message of %ld bytes", n, 0);
		return;
	}
	memcpy(&magic, b, 4);
	memcpy(&len, b + 4, 4);
	for (long i = 12; i < n; i++)
		s = s * 31 + b[i];
	if (magic != MQ_MAGIC || len != n || (uint32_t)s != *(const uint32_t *)(b + 8))
		fail("queue message corrupt: %ld bytes, header length %ld", n, len);
	else
		BUMP(mq_ok);
}

static void op_queue(void)
{
	static __thread uint8_t b[4200];
	int q = chance(85) ? base_mq[below(N_MQ)] : pick_handle(M_OBJ_QUEUE);
	uint32_t flags = chance(30) ? M_NONBLOCK : 0;
	uint64_t to = pick_timeout(40);
	long r;

	if (chance(3))
		flags = (uint32_t)rnd();
	if (to == M_FOREVER || to == 10000000000ull)
		timer_arm();
	if (chance(50)) {
		uint32_t n = 12 + (uint32_t)below(chance(70) ? 244 : 4084);
		uint64_t s = 0;
		const void *p = b;

		memcpy(b, &(uint32_t){MQ_MAGIC}, 4);
		memcpy(b + 4, &n, 4);
		for (uint32_t i = 12; i < n; i++) {
			b[i] = (uint8_t)rnd();
			s = s * 31 + b[i];
		}
		memcpy(b + 8, &(uint32_t){(uint32_t)s}, 4);
		if (chance(3))
			p = chance(50) ? NULL : (const void *)0xffff800000000000ull;
		r = m_mq_send(q, p, chance(2) ? 70000 : n, flags, to);
		expect(r, E_MQ, "mq_send");
	} else {
		void *p = b;
		size_t size = chance(10) ? below(300) : sizeof(b);

		if (chance(3))
			p = chance(50) ? ro_page : gone_page;
		r = expect(m_mq_recv(q, p, size, flags, to), E_MQ, "mq_recv");
		if (r >= 0 && p == b)
			mq_check(b, r);
		else if (r >= 0)
			fail("mq_recv into a bad buffer returned %ld", r, 0);
	}
	timer_off();
}

static void op_notify(void)
{
	int n = chance(85) ? base_nt[below(N_NT)] : pick_handle(M_OBJ_NOTIFY);
	long r;

	switch (below(3)) {
	case 0: {
		uint64_t bits = chance(5) ? 1ull << 63 | rnd() : rnd() & ~(1ull << 63);

		r = expect(m_ntfn_signal(n, bits), E_NT, "ntfn_signal");
		if (r == 0 && (bits >> 63))
			fail("ntfn_signal of bit 63 succeeded", 0, 0);
		break;
	}
	case 1: {
		uint64_t to = pick_timeout(40);

		if (to == M_FOREVER || to == 10000000000ull)
			timer_arm();
		r = expect(m_ntfn_wait(n, to), E_NT, "ntfn_wait");
		timer_off();
		if (r > 0 && ((uint64_t)r >> 63))
			fail("ntfn_wait returned bit 63", 0, 0);
		break;
	}
	default:
		r = expect(m_ntfn_poll(n), E_NT, "ntfn_poll");
		break;
	}
}

static void op_memory(void)
{
	long page = 4096, r;
	int h = chance(80) ? base_mem[below(N_MEM)] : pick_handle(M_OBJ_MEMOBJ);

	switch (below(4)) {
	case 0: { /* create (hostile sizes too), maybe keep it */
		static const uint64_t sizes[] = {0, 1, 4096, 12288, 1ull << 40, 64ull << 20 | 1};
		int nh = (int)expect(m_mem_create(sizes[below(6)]), E_MEM, "mem_create");

		if (nh > 0 && chance(50))
			hold(nh);
		else if (nh > 0)
			m_handle_close(nh);
		break;
	}
	case 1: { /* map writable, write our line, read it back, unmap */
		uint32_t prot = chance(80) ? M_PROT_READ | M_PROT_WRITE : M_PROT_READ;
		volatile uint64_t *p;

		r = expect(m_mem_map(h, NULL, (size_t)page, prot, 0), E_MEM, "mem_map");
		if (r < 0)
			break;
		p = (volatile uint64_t *)r;
		if (prot & M_PROT_WRITE) {
			uint64_t v = rnd();

			p[me * 8] = v;
			if (p[me * 8] != v)
				fail("shared page: wrote %#lx, read %#lx", (long)v,
				     (long)p[me * 8]);
		} else {
			(void)p[me * 8];
		}
		munmap((void *)r, (size_t)page);
		break;
	}
	case 2: { /* a read-only handle: no writable mapping, no mprotect to writable */
		int ro = m_handle_dup(base_mem[0], M_R_READ | M_R_MAP, 0, 0);

		if (ro <= 0) {
			expect(ro, E_CAP, "dup read-only");
			break;
		}
		r = m_mem_map(ro, NULL, (size_t)page, M_PROT_READ | M_PROT_WRITE, 0);
		if (r != -EPERM)
			fail("writable map of a read-only handle: %ld", r, 0);
		if (r > 0)
			munmap((void *)r, (size_t)page);
		r = m_mem_map(ro, NULL, (size_t)page, M_PROT_READ, 0);
		if (r > 0) {
			if (mprotect((void *)r, (size_t)page, PROT_READ | PROT_WRITE) == 0)
				fail("mprotect made a read-only memory object writable", 0, 0);
			munmap((void *)r, (size_t)page);
		} else {
			expect(r, E_MEM, "mem_map read-only");
		}
		m_handle_close(ro);
		break;
	}
	default: { /* hostile address, length, offset, prot */
		static const uint64_t addrs[] = {
			0, 1, 0x1000, 0xffff800000000000ull, 0x7ffffffff000ull, 0x800000000000ull};
		static const uint64_t lens[] = {0, 1, 4096, 8192, 1ull << 40, ~0ull & ~4095ull};
		static const uint64_t offs[] = {0, 1, 4096, 8192, 1ull << 40, ~0ull & ~4095ull};
		uint64_t a = addrs[below(6)], l = lens[below(6)], o = offs[below(6)];
		uint32_t prot = (uint32_t)below(8);

		r = expect(m_mem_map(h, (void *)(uintptr_t)a, l, prot, o), E_MEM,
			   "mem_map hostile");
		if (r > 0)
			munmap((void *)r, l);
		break;
	}
	}
}

/* The thread's own state: IPC buffer, the handles it knows of. */
static void thread_setup(void)
{
	ibuf = mmap(NULL, sizeof(*ibuf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	if (ibuf == MAP_FAILED) {
		perror("ipcfuzz: mmap");
		_exit(3);
	}
	set_buffer(BUF_GOOD);
	for (int i = 0; i < N_EP; i++)
		hold(base_ep[i]);
	for (int i = 0; i < N_MQ; i++)
		hold(base_mq[i]);
	for (int i = 0; i < N_NT; i++)
		hold(base_nt[i]);
	for (int i = 0; i < N_MEM; i++)
		hold(base_mem[i]);
	for (int i = 0; i < nhs; i++)
		hs[i].base = 1;
}

/* One operation or one burst. */
static void one_op(void)
{
	uint64_t k = below(100);
	int burst = 1 + (int)below(chance(50) ? 4 : 40);

	/* Even workers lean to calling, odd ones to serving: partners wait for each other. */
	if (k < (me % 2 ? 26u : 50u)) {
		op_client(burst);
		return;
	}
	if (k < 70) {
		op_serve(burst);
		return;
	}
	if (k < 73 && ow.owed)
		op_reply();
	else if (k < 80)
		op_handles();
	else if (k < 87)
		op_queue();
	else if (k < 92)
		op_notify();
	else if (k < 97)
		op_memory();
	else
		op_buffer();
	BUMP(done);
}

/*
 * A worker's second thread: it shares the handle table (closes, revokes and
 * dups race with the main thread's waits) and ends after a few operations,
 * perhaps owing a reply (its caller must get -EPIPE) or holding a call. The
 * signals stay with the main thread (its timer bounds its waits), so the
 * helper's waits are finite: it never takes the fast path itself, but it is
 * the fast path's partner often enough.
 */
static volatile int helper_running;
static uint64_t helper_seed;
static int helpers;

static void *helper_main(void *arg)
{
	sigset_t set;
	int n;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	helper = 1;
	rng_state = mix(helper_seed++, 77, 0);
	thread_setup();
	n = 1 + (int)below(200);
	while (n-- && __atomic_load_n(&stats[me].done, __ATOMIC_RELAXED) < quota)
		one_op();
	munmap(ibuf, sizeof(*ibuf));
	helper_running = 0;
	return NULL;
}

static __attribute__((noreturn)) void worker(int w, uint64_t seed, int gen)
{
	struct sigaction sa;
	cpu_set_t set;

	me = w;
	my_pid = getpid();
	rng_state = mix(seed, (uint64_t)w, (uint64_t)gen);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits end with -EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	/*
	 * Pairs on one CPU (the fast path's partners): 0 and 1 on CPU 0, 2 on
	 * CPU 1 (CPU 0 without one), 3 free to run anywhere.
	 */
	CPU_ZERO(&set);
	CPU_SET(w % 4 == 2 ? 1 : 0, &set);
	if (w % 4 != 3 && sched_setaffinity(0, sizeof(set), &set)) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}

	ro_page = mmap(NULL, 2 * sizeof(*ibuf), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Inaccessible, and never reused by a later mapping (an unmapped hole could be). */
	gone_page = mmap(NULL, 2 * sizeof(*ibuf), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro_page == MAP_FAILED || gone_page == MAP_FAILED) {
		perror("ipcfuzz: mmap");
		_exit(3);
	}
	priv_ep = m_ep_create();
	if (priv_ep <= 0)
		fail("ep_create: %ld", priv_ep, 0);
	thread_setup();
	hold(priv_ep);
	hold(m_handle_dup(priv_ep, M_R_SEND | M_R_GRANT | M_R_DUP, 0, 0));
	hold(m_handle_dup(priv_ep, M_R_SEND | M_R_GRANT, rnd() | 1, 0));
	helper_seed = rnd();
	helpers = chance(50); /* this generation has a second thread, now and then */

	while (__atomic_load_n(&stats[w].done, __ATOMIC_RELAXED) < quota) {
		if (helpers && !helper_running && chance(5)) {
			pthread_t t;

			helper_running = 1;
			if (pthread_create(&t, NULL, helper_main, NULL) == 0)
				pthread_detach(t);
			else
				helper_running = 0;
		}
		one_op();
	}
	_exit(0); /* a helper thread still running dies wherever it is */
}

/* ---- the parent ---- */

struct slot {
	pid_t pid;
	int gen;
	uint64_t last_done;
	time_t last_progress;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int inherit(int h)
{
	int c = m_handle_dup(h, 0, 0, M_DUP_INHERIT);

	if (c <= 0) {
		fprintf(stderr, "ipcfuzz: dup inherit: %d\n", c);
		exit(2);
	}
	return c;
}

/*
 * Two threads of one process on two CPUs: one maps a memory object and
 * unmaps it, the other mmaps and munmaps anonymous memory, each writing
 * and reading back its own pages. m_mem_map once changed the region tree
 * without the space's lock (vm_lock), so the two corrupted it: mappings
 * overlapped, regions vanished (a fault on a page just mapped), and a
 * read-only mapping found another's writable region for mprotect. Run in a
 * child, so that a crash is a failure rather than the end of the test.
 */
#define RACE_ROUNDS 1000

static volatile uintptr_t race_anon; /* the anonymous page mapped now, 0 if none */
static volatile int race_bad;

static void race_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* on one CPU: a weaker race, no error */
}

static void *race_anon_thread(void *arg)
{
	(void)arg;
	race_pin(1);
	for (int i = 0; i < RACE_ROUNDS && !race_bad; i++) {
		volatile uint64_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue;
		race_anon = (uintptr_t)p;
		p[1] = (uint64_t)i;
		if (p[1] != (uint64_t)i)
			race_bad = 1;
		race_anon = 0;
		munmap((void *)p, 4096);
	}
	return NULL;
}

static int mem_map_race(int mem)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, race_anon_thread, NULL))
			_exit(3);
		race_pin(0);
		for (int i = 0; i < RACE_ROUNDS && !race_bad; i++) {
			long r = m_mem_map(mem, NULL, 4096, M_PROT_READ | M_PROT_WRITE, 0);
			volatile uint64_t *p = (volatile uint64_t *)r;

			if (r < 0) {
				race_bad = 2;
				break;
			}
			if ((uintptr_t)r == race_anon)
				race_bad = 3; /* the anonymous page's address, while mapped */
			p[0] = (uint64_t)i;
			if (p[0] != (uint64_t)i)
				race_bad = 4;
			munmap((void *)p, 4096);
		}
		pthread_join(t, NULL);
		_exit(race_bad);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "ipcfuzz: map race: %s %d\n",
			WIFEXITED(status) ? "failure" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* /proc/ipc: our endpoints' receive counts; lines of pids that are not alive. */
static void check_proc_ipc(const pid_t *dead, int ndead)
{
	FILE *f = fopen("/proc/ipc", "r");
	char line[512];
	int stale = 0, eps_ok = 0, eps_seen = 0;
	unsigned long long fast = 0;

	if (!f) {
		tap_skip("/proc/ipc after the workers", "no /proc/ipc");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		int pid;
		unsigned h;
		char comm[64];
		const char *p;

		if (sscanf(line, "%d %63s %u", &pid, comm, &h) != 3)
			continue;
		for (int i = 0; i < ndead; i++)
			if (pid == dead[i]) {
				if (!stale++)
					fprintf(stderr, "ipcfuzz: left in /proc/ipc: %s", line);
			}
		if (pid != getpid())
			continue;
		for (int i = 0; i < N_EP; i++) {
			unsigned long long recv, fc;

			if ((int)h != base_ep[i] || !(p = strstr(line, "receivers=")))
				continue;
			eps_seen++;
			if (sscanf(p, "receivers=%llu", &recv) == 1 && recv == 2 &&
			    !strstr(line, "dead=1"))
				eps_ok++;
			else
				fprintf(stderr, "ipcfuzz: shared endpoint: %s", line);
			if ((p = strstr(line, "fastcalls=")) &&
			    sscanf(p, "fastcalls=%llu", &fc) == 1)
				fast += fc;
		}
	}
	fclose(f);
	check(stale == 0, "no handle of a dead worker left in /proc/ipc");
	check(eps_seen == N_EP && eps_ok == N_EP,
	      "each shared endpoint alive with exactly the parent's 2 receive handles");
	printf("ipcfuzz: fast calls on the shared endpoints: %llu\n", fast);
	if (no_fast || quota * 4 < 2000)
		tap_skip("the fast path was taken", "--no-fast or fewer than 2000 operations");
	else
		check(fast > 0, "the fast path was taken");
	printf("ipcfuzz: fastcalls %llu\n", fast);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, ops = 20000, kill_ms = 150, next_kill, next_usr1, t0, cont_at = 0;
	pid_t stopped = 0; /* a worker stopped with SIGSTOP, continued at cont_at */
	int procs = 4, kills = 0, stalls = 0;
	int ndead = 0, max_dead = 4096, last_pct = 0;
	struct slot slots[MAX_PROCS];
	pid_t *dead;
	uint64_t total = 0, echoes = 0, lost = 0, fails = 0, calls = 0, recvs = 0, mqs = 0,
		 eintr = 0, bigs = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--procs") && i + 1 < argc)
			procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-fast"))
			no_fast = 1;
		else if (!strcmp(argv[i], "--kill-ms") && i + 1 < argc)
			kill_ms = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: ipcfuzz [--seed N] [--ops N] [--procs N] "
					"[--kill-ms N] [--no-fast]\n");
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS)
		procs = 4;
	quota = (ops + (uint64_t)procs - 1) / (uint64_t)procs;
	rng_state = mix(seed, 999, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ipcfuzz: seed %llu, %llu ops, %d procs\n", (unsigned long long)seed,
	       (unsigned long long)ops, procs);

	stats = mmap(NULL, sizeof(*stats) * MAX_PROCS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dead = malloc(sizeof(*dead) * (size_t)max_dead);
	if (stats == MAP_FAILED || !dead) {
		perror("ipcfuzz: setup");
		return 2;
	}
	memset(stats, 0, sizeof(*stats) * MAX_PROCS);
	for (int i = 0; i < N_EP; i++)
		base_ep[i] = inherit(m_ep_create());
	base_mq[0] = inherit(m_mq_create(16, 256));
	base_mq[1] = inherit(m_mq_create(4, 4096));
	for (int i = 0; i < N_NT; i++)
		base_nt[i] = inherit(m_ntfn_create());
	base_mem[0] = inherit(m_mem_create(4096));
	base_mem[1] = inherit(m_mem_create(3 * 4096));
	signal(SIGUSR1, SIG_IGN);
	signal(SIGALRM, SIG_IGN);
	check(mem_map_race(base_mem[0]) == 0,
	      "m_mem_map racing mmap/munmap in another thread: no overlap, no lost region");

	memset(slots, 0, sizeof(slots));
	t0 = now_ms();
	next_kill = t0 + kill_ms;
	next_usr1 = t0 + 3;
	for (;;) {
		int running = 0;
		uint64_t now = now_ms(), done = 0;
		pid_t pid;
		int status;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int w = 0; w < procs; w++) {
				if (slots[w].pid != pid)
					continue;
				slots[w].pid = 0;
				if (stopped == pid)
					stopped = 0;
				if (ndead < max_dead)
					dead[ndead++] = pid;
				if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
					fprintf(stderr, "ipcfuzz: worker %d exited with %d\n", w,
						WEXITSTATUS(status));
				else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
					fprintf(stderr, "ipcfuzz: worker %d died of signal %d\n", w,
						WTERMSIG(status));
				if ((WIFEXITED(status) && WEXITSTATUS(status) != 0) ||
				    (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL))
					stats[w].fails++;
			}
		}
		for (int w = 0; w < procs; w++) {
			struct slot *s = &slots[w];

			done += stats[w].done < quota ? stats[w].done : quota;
			if (stats[w].done >= quota && !s->pid)
				continue;
			running++;
			if (!s->pid) {
				pid = fork();
				if (pid == 0)
					worker(w, seed, s->gen);
				if (pid < 0) {
					perror("ipcfuzz: fork");
					continue;
				}
				s->pid = pid;
				s->gen++;
				s->last_done = stats[w].done;
				s->last_progress = (time_t)(now / 1000);
				continue;
			}
			if (stats[w].done != s->last_done) {
				s->last_done = stats[w].done;
				s->last_progress = (time_t)(now / 1000);
			} else if ((time_t)(now / 1000) - s->last_progress > STALL_SEC) {
				fprintf(stderr, "ipcfuzz: worker %d (pid %d) stalled at op %llu\n",
					w, s->pid, (unsigned long long)stats[w].done);
				stalls++;
				kill(s->pid, SIGKILL);
				s->last_progress = (time_t)(now / 1000);
			}
		}
		if (!running)
			break;
		if (done * 10 / (ops ? ops : 1) > (uint64_t)last_pct) {
			last_pct = (int)(done * 10 / (ops ? ops : 1));
			printf("ipcfuzz: %llu/%llu ops, %d kills\n", (unsigned long long)done,
			       (unsigned long long)ops, kills);
		}
		if (now >= next_usr1) {
			int w = (int)below((uint64_t)procs);

			if (slots[w].pid)
				kill(slots[w].pid, SIGUSR1);
			next_usr1 = now + 1 + below(8);
			/* Now and then stop one for a few ms (its partners wait on). */
			if (!stopped && chance(5) && slots[w].pid) {
				kill(slots[w].pid, SIGSTOP);
				stopped = slots[w].pid;
				cont_at = now + 2 + below(10);
			}
		}
		if (stopped && now >= cont_at) {
			kill(stopped, SIGCONT);
			stopped = 0;
		}
		if (kill_ms && now >= next_kill) {
			int w = (int)below((uint64_t)procs);

			if (slots[w].pid && stats[w].done < quota) {
				kill(slots[w].pid, SIGKILL);
				kills++;
			}
			next_kill = now + kill_ms / 2 + below(kill_ms);
		}
		usleep(1000);
	}

	for (int w = 0; w < procs; w++) {
		total += stats[w].done;
		echoes += stats[w].echoes;
		lost += stats[w].lost;
		fails += stats[w].fails;
		calls += stats[w].calls_ok;
		recvs += stats[w].recvs_ok;
		mqs += stats[w].mq_ok;
		eintr += stats[w].eintr;
		bigs += stats[w].bigs;
	}
	printf("ipcfuzz: %llu calls answered, %llu receives, %llu echoes verified (%llu long "
	       "replies, %llu lost), %llu queue messages checked, %llu waits interrupted\n",
	       (unsigned long long)calls, (unsigned long long)recvs, (unsigned long long)echoes,
	       (unsigned long long)bigs, (unsigned long long)lost, (unsigned long long)mqs,
	       (unsigned long long)eintr);
	check(total >= ops, "every operation ran");
	check(fails == 0, "every result documented, every echo and queue message intact");
	check(stalls == 0, "no worker stalled (every wait bounded)");
	if (ops >= 2000) /* fewer may all be interrupted */
		check(echoes > 0, "some echo replies were verified");
	else
		tap_skip("some echo replies were verified", "fewer than 2000 operations");
	check_proc_ipc(dead, ndead);
	printf("ipcfuzz: seed %llu, %llu ops, %d procs, %d kills, %llu echoes verified\n",
	       (unsigned long long)seed, (unsigned long long)total, procs, kills,
	       (unsigned long long)echoes);
	return tap_done("ipcfuzz");
}
