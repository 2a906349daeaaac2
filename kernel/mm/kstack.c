/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kstack.c - kernel thread stacks in their own virtual area (see kstack.h).
 * The area (arch_kstack_area) is cut into slots of KSTACK_GUARD +
 * KSTACK_SIZE bytes; a slot's stack pages come from the page allocator and
 * are mapped with arch_kmap, its guard part is never mapped.
 *
 * Locking: slots are claimed under slots_lock; lookups from
 * fault handlers read it without locking (a slot's fields are written before
 * `used` is set and cleared after it is reset).
 */
#include "kstack.h"
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sync.h"

#define KSTACK_SLOT (KSTACK_GUARD + KSTACK_SIZE)
#define KSTACK_MAX 256

static struct kstack stacks[KSTACK_MAX];
static struct spinlock slots_lock = SPINLOCK_INIT("kstack slots", LOCK_RANK_MM);

static vaddr_t slot_bottom(int i)
{
	size_t size;
	vaddr_t base = arch_kstack_area(&size);

	return base + (vaddr_t)i * KSTACK_SLOT + KSTACK_GUARD;
}

static void unmap_stack(vaddr_t bottom, vaddr_t end)
{
	for (vaddr_t va = bottom; va < end; va += PAGE_SIZE) {
		paddr_t pa = arch_kunmap(va);

		if (pa)
			page_free(phys_to_page(pa));
	}
}

struct kstack *kstack_alloc(const char *owner)
{
	unsigned long irq = spin_lock_irqsave(&slots_lock);
	struct kstack *ks = NULL;
	vaddr_t bottom, va;
	size_t size;
	int i;

	arch_kstack_area(&size);
	for (i = 0; i < KSTACK_MAX && (u64)(i + 1) * KSTACK_SLOT <= size; i++) {
		if (!stacks[i].used) {
			ks = &stacks[i];
			ks->used = true; /* claimed; not yet visible to lookups as mapped */
			break;
		}
	}
	spin_unlock_irqrestore(&slots_lock, irq);
	if (!ks)
		return NULL;
	bottom = slot_bottom(i);
	for (va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE) {
		struct page *p = page_alloc(0, PAF_ZERO);

		if (!p || arch_kmap(va, page_to_phys(p), PTE_PROT_READ | PTE_PROT_WRITE)) {
			if (p)
				page_free(p);
			unmap_stack(bottom, va);
			ks->used = false;
			return NULL;
		}
	}
	ks->bottom = bottom;
	ks->top = bottom + KSTACK_SIZE;
	strlcpy(ks->owner, owner, sizeof(ks->owner));
	return ks;
}

void kstack_free(struct kstack *ks)
{
	unmap_stack(ks->bottom, ks->top);
	ks->bottom = ks->top = 0;
	ks->used = false;
}

const struct kstack *kstack_lookup(vaddr_t addr, bool *in_guard)
{
	for (int i = 0; i < KSTACK_MAX; i++) {
		const struct kstack *ks = &stacks[i];

		if (!ks->used || !ks->top)
			continue;
		if (addr >= ks->bottom && addr < ks->top) {
			*in_guard = false;
			return ks;
		}
		if (addr >= ks->bottom - KSTACK_GUARD && addr < ks->bottom) {
			*in_guard = true;
			return ks;
		}
	}
	return NULL;
}

void kstack_for_each(void (*fn)(vaddr_t bottom, vaddr_t top))
{
	for (int i = 0; i < KSTACK_MAX; i++) {
		const struct kstack *ks = &stacks[i];

		if (ks->used && ks->top)
			fn(ks->bottom, ks->top);
	}
}
