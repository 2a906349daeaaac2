/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kstack.h - kernel stacks for threads (kernel/mm/kstack.c). Each stack is
 * KSTACK_SIZE bytes of pages mapped in a dedicated kernel area, directly
 * above KSTACK_GUARD bytes that stay unmapped, so running off the bottom of a
 * stack faults at once and the fault report can name the stack's owner.
 */
#ifndef MATRIOSKA_KSTACK_H
#define MATRIOSKA_KSTACK_H

#include "types.h"

#define KSTACK_SIZE (16 * 1024)
#define KSTACK_GUARD (16 * 1024)
#define KSTACK_NAME_MAX 32

struct kstack {
	vaddr_t bottom,
		top; /* mapped [bottom, top); the guard is [bottom - KSTACK_GUARD, bottom) */
	char owner[KSTACK_NAME_MAX];
	bool used;
};

/* A new stack owned by `owner` (copied); NULL when out of memory or slots. */
struct kstack *kstack_alloc(const char *owner) __must_check;
void kstack_free(struct kstack *ks);
/*
 * The stack whose mapped range or guard contains addr, or NULL; *in_guard
 * says which. Safe in fault and panic context (no locks, no allocation).
 */
const struct kstack *kstack_lookup(vaddr_t addr, bool *in_guard);
/*
 * Call fn on the mapped range of every stack in use (kmemleak's roots).
 * No locks: the caller keeps stacks from being freed meanwhile (one CPU
 * with interrupts disabled).
 */
void kstack_for_each(void (*fn)(vaddr_t bottom, vaddr_t top));

#endif
