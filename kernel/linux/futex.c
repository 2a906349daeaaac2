/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * futex.c - the Linux futex(2) system call: FUTEX_WAIT, FUTEX_WAKE,
 * FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAIT_BITSET and
 * FUTEX_WAKE_BITSET, with FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME; and
 * futex_wake_user(), used by thread exit for CLONE_CHILD_CLEARTID.
 *
 * This file turns user addresses into keys and reads the futex words; the
 * wait queues are kernel/ipc/futex.c. Keys follow Linux: a private futex
 * (FUTEX_PRIVATE_FLAG) is (address space, address); a shared one in a
 * shared region (VMA_SHARED: MAP_SHARED memory) is the physical address of
 * the word, so processes mapping the same page meet there; a shared one in
 * private memory is keyed like a private one (no one else can see it).
 *
 * Not offered (-ENOSYS): FUTEX_FD, FUTEX_WAKE_OP and the priority
 * inheritance operations (musl does not use them).
 *
 * Robust futexes: when a thread ends, futex_exit_robust_list walks the
 * list it registered with set_robust_list and, for every lock word it
 * still owns (owner tid in the low 30 bits), sets FUTEX_OWNER_DIED
 * atomically (keeping FUTEX_WAITERS) and wakes one waiter, as Linux does.
 */
#include "futex.h"
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "linux.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "timer.h"
#include "uaccess.h"
#include "vm.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define NSEC 1000000000ull

struct l_timespec {
	s64 sec, nsec;
};

/*
 * A shared futex: in a shared region (MAP_SHARED) the word is named by its
 * physical address, so every process mapping the page meets there; in
 * private memory nobody else can see it, so the private key stands.
 */
static int futex_shared_key(struct vm_space *vs, u64 uaddr, struct futex_key *k)
{
	struct vm_area *a;
	bool taken, in_shared = false;
	pte_t e = 0;
	u32 v;
	int err = 0;

	/* Fault the page in first (outside the lock: a fault takes it itself). */
	if (copy_from_user(&v, UPTR(uaddr), sizeof(v)))
		return -EFAULT;
	taken = vm_lock(vs);
	a = vm_find_area(vs, uaddr);
	if (!a)
		err = -EFAULT;
	else if (a->flags & VMA_SHARED) {
		in_shared = true;
		e = vm_lookup_pte(vs, uaddr & PAGE_MASK);
	}
	vm_unlock(vs, taken);
	if (err || !in_shared)
		return err;
	if (!arch_pte_present(e))
		return -EFAULT; /* unmapped again meanwhile */
	k->space = FUTEX_KEY_PAGE;
	k->addr = arch_pte_addr(e) + (uaddr & (PAGE_SIZE - 1));
	return 0;
}

/* The key of the 32-bit word at uaddr: -EINVAL if misaligned, -EFAULT if not user memory. */
static int futex_key_of(u64 uaddr, bool shared, struct futex_key *k)
{
	struct process *p = current_proc();

	if (uaddr & 3)
		return -EINVAL;
	if (!access_ok(UPTR(uaddr), sizeof(u32)) || !p || !p->vm)
		return -EFAULT;
	k->space = (u64)(uintptr_t)p->vm;
	k->addr = uaddr;
	if (!shared)
		return 0;
	return futex_shared_key(p->vm, uaddr, k);
}

struct word_check {
	u64 uaddr;
	u32 val;
	int err; /* -EFAULT if the word could not be read */
};

static bool word_still_equal(void *arg)
{
	struct word_check *c = arg;
	u32 v;

	if (copy_from_user(&v, UPTR(c->uaddr), sizeof(v))) {
		c->err = -EFAULT;
		return false;
	}
	return v == c->val;
}

/* A monotonic deadline from the user timespec at uts: relative, or absolute on the clock. */
static int futex_deadline(u64 uts, bool relative, bool realtime, u64 *deadline)
{
	struct l_timespec ts;
	u64 ns, now = clock_ns();

	if (copy_from_user(&ts, UPTR(uts), sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC)
		return -EINVAL;
	ns = (u64)ts.sec > (~0ull - NSEC) / NSEC ? ~0ull : (u64)ts.sec * NSEC + (u64)ts.nsec;
	if (relative) {
		*deadline = ns > ~0ull - now ? ~0ull : now + ns;
		return 0;
	}
	if (realtime) {
		u64 off = linux_realtime_offset_ns();

		ns = ns > off ? ns - off : 0;
	}
	*deadline = ns ? ns : 1; /* 0 would mean "no deadline"; 1 is long past */
	return 0;
}

static long futex_wait(u64 uaddr, bool shared, u32 val, u64 uts, bool relative, bool realtime,
		       u32 bitset)
{
	struct word_check c = {.uaddr = uaddr, .val = val};
	struct futex_key k;
	u64 deadline = 0;
	int err;

	if (!bitset)
		return -EINVAL;
	err = futex_key_of(uaddr, shared, &k);
	if (!err && uts)
		err = futex_deadline(uts, relative, realtime, &deadline);
	if (err)
		return err;
	err = futex_wait_key(&k, bitset, word_still_equal, &c, deadline);
	return err == -EAGAIN && c.err ? c.err : err;
}

static long futex_wake(u64 uaddr, bool shared, int nr, u32 bitset)
{
	struct futex_key k;
	int err;

	if (!bitset)
		return -EINVAL;
	err = futex_key_of(uaddr, shared, &k);
	if (err)
		return err;
	return futex_wake_key(&k, bitset, nr > 0 ? nr : 1); /* Linux wakes one for nr <= 0 */
}

static long futex_requeue(u64 uaddr, bool shared, int nr_wake, int nr_requeue, u64 uaddr2, bool cmp,
			  u32 val3)
{
	struct futex_key k1, k2;
	int err;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = futex_key_of(uaddr, shared, &k1);
	if (!err)
		err = futex_key_of(uaddr2, shared, &k2);
	if (err)
		return err;
	if (cmp) {
		u32 v;

		/*
		 * Compared before the buckets are locked (reading user memory may
		 * fault and sleep): a waiter that queues in between still sees the
		 * word itself, so nothing is lost; only the check is less atomic
		 * than Linux's.
		 */
		if (copy_from_user(&v, UPTR(uaddr), sizeof(v)))
			return -EFAULT;
		if (v != val3)
			return -EAGAIN;
	}
	return futex_requeue_key(&k1, &k2, nr_wake, nr_requeue);
}

int futex_wake_user(u64 uaddr, int nr)
{
	return (int)futex_wake(uaddr, true, nr, FUTEX_BITSET_MATCH_ANY);
}

/* ---- robust futexes: a dying thread's held locks ---- */

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* Linux's bound on a (maybe circular) list */

/*
 * Atomically replace the user word at uaddr (4-aligned, in the calling
 * process) with set(old) if its owner field is tid: through the direct map
 * of its page, made present and writable first, under the space lock so
 * the page stays. Returns the old value in *old_out; -EFAULT if the word
 * cannot be written, -ESRCH if tid does not own it.
 */
static int robust_release(u64 uaddr, u32 tid, u32 *old_out)
{
	struct vm_space *vs = current_proc()->vm;
	bool taken;
	pte_t e;
	int err = -EFAULT;

	if ((uaddr & 3) || !access_ok(UPTR(uaddr), sizeof(u32)))
		return -EFAULT;
	if (vm_user_fault(vs, uaddr & PAGE_MASK, VM_FAULT_WRITE))
		return -EFAULT; /* demand-zero, copy-on-write: the page we will write */
	taken = vm_lock(vs);
	e = vm_lookup_pte(vs, uaddr & PAGE_MASK);
	if (arch_pte_present(e) && (arch_pte_prot(e) & PTE_PROT_WRITE)) {
		u32 *w = (u32 *)phys_to_virt(arch_pte_addr(e) + (uaddr & (PAGE_SIZE - 1)));
		u32 old = __atomic_load_n(w, __ATOMIC_RELAXED), new;

		do {
			if ((old & FUTEX_TID_MASK) != tid) {
				err = -ESRCH;
				break;
			}
			new = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
			err = 0;
		} while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_SEQ_CST,
						      __ATOMIC_RELAXED));
		*old_out = old;
	}
	vm_unlock(vs, taken);
	return err;
}

/* One list entry: its lock word is at entry + offset; mark it and wake a waiter. */
static void robust_handle(u64 entry, s64 offset, u32 tid)
{
	u32 old;

	if (robust_release(entry + (u64)offset, tid, &old) == 0 && (old & FUTEX_WAITERS))
		futex_wake_user(entry + (u64)offset, 1);
}

void futex_exit_robust_list(struct thread *t, int tid)
{
	struct {
		u64 next;
		s64 futex_offset;
		u64 pending;
	} head;
	u64 entry, next;

	if (!t->robust_list || tid <= 0)
		return;
	if (copy_from_user(&head, UPTR(t->robust_list), sizeof(head)))
		return;
	entry = head.next;
	for (int n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
		/* Read the link before the lock word changes hands. */
		if (copy_from_user(&next, UPTR(entry & ~1ull), sizeof(next)))
			break;
		if ((entry & ~1ull) != head.pending)
			robust_handle(entry & ~1ull, head.futex_offset, (u32)tid);
		entry = next;
	}
	if (head.pending)
		robust_handle(head.pending & ~1ull, head.futex_offset, (u32)tid);
	t->robust_list = 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
static long sys_futex(SYSCALL_ARGS)
{
	int cmd = (int)(a1 & ~(u64)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME));
	bool shared = !(a1 & FUTEX_PRIVATE_FLAG), realtime = a1 & FUTEX_CLOCK_REALTIME;
	u32 val = (u32)a2, val3 = (u32)a5;

	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS; /* as Linux */
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(a0, shared, val, a3, true, false, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(a0, shared, val, a3, false, realtime, val3);
	case FUTEX_WAKE:
		return futex_wake(a0, shared, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(a0, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(a0, shared, (int)val, (int)a3, a4, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(a0, shared, (int)val, (int)a3, a4, true, val3);
	default:
		return -ENOSYS;
	}
}
LINUX_SYSCALL(futex, sys_futex);
