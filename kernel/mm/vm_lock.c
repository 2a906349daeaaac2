/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm_lock.c - the lock that serializes the threads of one process over
 * their shared address space (vm.h: vm_lock, vm_unlock).
 *
 * vm.c itself assumes one caller at a time per space; with threads, two
 * CPUs could fault, map or unmap in the same space at once (page-table
 * pages allocated twice, the region tree changed under a walk). So every
 * entry into a user space's operations from the fault handlers and the
 * memory system calls takes vs->lock, a mutex: faults may sleep (file pages,
 * the out-of-memory policy), so a spinlock will not do.
 *
 * Re-entry: a thread holding the lock may fault on user memory (mmap
 * filling a copied file mapping, MAP_POPULATE through vm_user_fault); the
 * fault sees the thread is already the owner and goes on without taking
 * it again.
 *
 * The mutex is set up on first use: vm_space_create zeroes the space,
 * lock_ready (set once under init_lock, read with acquire) says whether
 * mutex_init has run.
 */
#include "sched.h"
#include "sync.h"
#include "vm.h"

static struct spinlock init_lock = SPINLOCK_INIT("vm_lock_init", LOCK_RANK_NONE);

static void vm_lock_setup(struct vm_space *vs)
{
	unsigned long f;

	if (__atomic_load_n(&vs->lock_ready, __ATOMIC_ACQUIRE))
		return;
	f = spin_lock_irqsave(&init_lock);
	if (!vs->lock_ready) {
		mutex_init(&vs->lock, "vm_space");
		__atomic_store_n(&vs->lock_ready, 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&init_lock, f);
}

bool vm_lock(struct vm_space *vs)
{
	if (!vs)
		return false;
	vm_lock_setup(vs);
	if (__atomic_load_n(&vs->lock.owner, __ATOMIC_RELAXED) == current_thread())
		return false; /* a fault inside our own mmap/brk: already held */
	mutex_lock(&vs->lock);
	return true;
}

bool vm_trylock(struct vm_space *vs, bool *taken)
{
	*taken = false;
	vm_lock_setup(vs);
	if (__atomic_load_n(&vs->lock.owner, __ATOMIC_RELAXED) == current_thread())
		return true;
	*taken = mutex_trylock(&vs->lock);
	return *taken;
}

void vm_unlock(struct vm_space *vs, bool taken)
{
	if (taken)
		mutex_unlock(&vs->lock);
}
