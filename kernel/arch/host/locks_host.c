/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * locks_host.c - single-CPU stand-ins for the spinlock and per-CPU hooks,
 * for host tests of code that takes locks but is not itself about locking
 * (page allocator, slab, address spaces). One fake CPU; a lock taken twice
 * without release is a bug in the code under test and aborts the test.
 * The real spinlocks are tested by tests/unit/test_sync.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "sync.h"

static struct cpu host_cpu = {.self = &host_cpu};

struct cpu *arch_this_cpu(void)
{
	return &host_cpu;
}

void preempt_disable(void)
{
	host_cpu.preempt_count++;
}

void preempt_enable(void)
{
	host_cpu.preempt_count--;
}

void spin_init(struct spinlock *l, const char *name, u16 rank)
{
	l->owner = l->next = 0;
	l->name = name;
	l->rank = rank;
}

void spin_lock(struct spinlock *l)
{
	if (l->next != l->owner) {
		fprintf(stderr, "locks_host: %s taken twice\n", l->name ? l->name : "lock");
		abort();
	}
	l->next++;
	preempt_disable();
}

void spin_unlock(struct spinlock *l)
{
	l->owner++;
	preempt_enable();
}

bool spin_trylock(struct spinlock *l)
{
	if (l->next != l->owner)
		return false;
	spin_lock(l);
	return true;
}

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	spin_lock(l);
	return 0;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	(void)flags;
	spin_unlock(l);
}

bool spin_is_locked(const struct spinlock *l)
{
	return l->next != l->owner;
}
