/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmm.c - the physical page allocator: a binary buddy system over the frames
 * of the boot memory map, with a small cache of single pages in front of it.
 *
 * Every frame in [mm_base_pfn, mm_base_pfn + mm_nr_pages) has a struct page
 * in mm_memmap. Free memory is kept as naturally aligned blocks of 2^order
 * frames (order 0..MAX_ORDER-1) on one list per order; a block's buddy is the
 * block whose frame number differs only in bit `order`, and two free buddies
 * are always merged, so no two free buddies of equal order ever coexist.
 * Alignment is by absolute frame number: an order-9 block is 2 MiB aligned
 * physically.
 *
 * Single pages go through a per-CPU cache (struct pcp) of up to PCP_HIGH
 * free order-0 pages, refilled and drained in batches of PCP_BATCH. It makes
 * the common page_alloc(0)/page_free pair a list pop and push on the local
 * CPU with interrupts off and no lock.
 *
 * Locking: the buddy lists and zone counters change with zone_lock held (an
 * IRQ-safe spinlock); a CPU's pcp is only touched by that CPU with interrupts
 * off, and takes zone_lock only to refill or drain.
 */
#include "arch.h"
#include "bootinfo.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "sync.h"

#define PCP_HIGH 64
#define PCP_BATCH 16

uintptr_t mm_direct_map_offset;
struct page *mm_memmap;
u64 mm_base_pfn, mm_nr_pages;
u64 mm_pagetable_pages, mm_slab_pages, mm_large_pages;

/* Per-CPU caches of free single pages: touched only by their CPU, interrupts off. */
static struct pcp {
	struct list_head list;
	u32 count;
} pcps[MAX_CPUS];

static struct spinlock zone_lock = SPINLOCK_INIT("zone", LOCK_RANK_MM);

static struct {
	struct list_head free_list[MAX_ORDER];
	u64 nr_free[MAX_ORDER]; /* blocks on each free list */
	u64 free_pages;		/* pages in the buddy free lists (pcp pages not included) */
	u64 managed_pages;	/* pages ever handed to the allocator */
	u64 memmap_pages;
} zone;

void pmm_setup(struct page *memmap, u64 base_pfn, u64 nr_pages)
{
	mm_memmap = memmap;
	mm_base_pfn = base_pfn;
	mm_nr_pages = nr_pages;
	mm_pagetable_pages = mm_slab_pages = mm_large_pages = 0;
	memset(&zone, 0, sizeof(zone));
	for (int o = 0; o < MAX_ORDER; o++)
		list_init(&zone.free_list[o]);
	for (int c = 0; c < MAX_CPUS; c++) {
		list_init(&pcps[c].list);
		pcps[c].count = 0;
	}
	for (u64 i = 0; i < nr_pages; i++)
		memmap[i].flags = PG_RESERVED;
}

/* Put a block on the free lists, merging it with its free buddies. */
static void buddy_free_locked(u64 pfn, unsigned int order)
{
	struct page *head;

	pfn_to_page(pfn)->flags = 0; /* it may end up inside a merged block */
	while (order < MAX_ORDER - 1) {
		u64 bpfn = pfn ^ (1ull << order);
		struct page *b;

		if (!pfn_valid(bpfn))
			break;
		b = pfn_to_page(bpfn);
		if (!(b->flags & PG_FREE) || b->order != order)
			break;
		list_del(&b->list);
		zone.nr_free[order]--;
		b->flags = 0;
		pfn &= ~(1ull << order);
		order++;
	}
	head = pfn_to_page(pfn);
	head->flags = PG_FREE;
	head->order = (u8)order;
	list_add(&head->list, &zone.free_list[order]);
	zone.nr_free[order]++;
}

/* Take a block of the given order off the free lists, splitting a larger one if needed. */
static struct page *buddy_alloc_locked(unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct page *p;

		if (list_empty(&zone.free_list[o]))
			continue;
		p = list_first_entry(&zone.free_list[o], struct page, list);
		list_del(&p->list);
		zone.nr_free[o]--;
		/* Give back the upper halves until the block has the wanted order. */
		while (o > order) {
			struct page *upper;

			o--;
			upper = p + (1ull << o);
			upper->flags = PG_FREE;
			upper->order = (u8)o;
			list_add(&upper->list, &zone.free_list[o]);
			zone.nr_free[o]++;
		}
		p->flags = 0;
		return p;
	}
	return NULL;
}

void pmm_add_free(u64 pfn, u64 count)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	u64 end = pfn + count;

	while (pfn < end) {
		unsigned int order = 0;

		/* The largest naturally aligned block that starts here and fits. */
		while (order + 1 < MAX_ORDER && !(pfn & ((2ull << order) - 1)) &&
		       pfn + (2ull << order) <= end)
			order++;
		for (u64 i = 0; i < (1ull << order); i++)
			pfn_to_page(pfn + i)->flags = 0;
		zone.managed_pages += 1ull << order;
		zone.free_pages += 1ull << order;
		buddy_free_locked(pfn, order);
		pfn += 1ull << order;
	}
	spin_unlock_irqrestore(&zone_lock, flags);
}

/* Give every page of c back to the buddy lists (zone_lock held). */
static void pcp_drain_locked(struct pcp *c)
{
	while (c->count) {
		struct page *p = list_first_entry(&c->list, struct page, list);

		list_del(&p->list);
		c->count--;
		zone.free_pages++;
		buddy_free_locked(page_to_pfn(p), 0);
	}
}

/* A page from this CPU's cache, refilled from the buddy lists in a batch. Interrupts off. */
static struct page *pcp_alloc(struct pcp *c)
{
	struct page *p;

	if (unlikely(!c->count)) {
		spin_lock(&zone_lock);
		for (int i = 0; i < PCP_BATCH; i++) {
			p = buddy_alloc_locked(0);
			if (!p)
				break;
			zone.free_pages--;
			p->flags = PG_PCP;
			list_add(&p->list, &c->list);
			c->count++;
		}
		spin_unlock(&zone_lock);
		if (!c->count)
			return NULL;
	}
	p = list_first_entry(&c->list, struct page, list);
	list_del(&p->list);
	c->count--;
	return p;
}

/* Park a free page in this CPU's cache; an overfull cache returns a batch. Interrupts off. */
static void pcp_free(struct pcp *c, struct page *p)
{
	p->flags = PG_PCP;
	list_add(&p->list, &c->list);
	if (likely(++c->count <= PCP_HIGH))
		return;
	spin_lock(&zone_lock);
	for (int i = 0; i < PCP_BATCH; i++) {
		struct page *old = list_entry(c->list.prev, struct page, list);

		list_del(&old->list);
		c->count--;
		zone.free_pages++;
		buddy_free_locked(page_to_pfn(old), 0);
	}
	spin_unlock(&zone_lock);
}

void pmm_drain_caches(void)
{
	unsigned long irq = spin_lock_irqsave(&zone_lock);

	pcp_drain_locked(&pcps[this_cpu()->id]);
	spin_unlock_irqrestore(&zone_lock, irq);
}

struct page *page_alloc(unsigned int order, u32 flags)
{
	unsigned long irq;
	struct page *p;

	if (order >= MAX_ORDER)
		return NULL;
	if (order == 0) {
		irq = arch_irq_save();
		p = pcp_alloc(&pcps[this_cpu()->id]);
		arch_irq_restore(irq);
	} else {
		irq = spin_lock_irqsave(&zone_lock);
		p = buddy_alloc_locked(order);
		if (!p) {
			/* Parked single pages may be what keeps a larger block from forming. */
			pcp_drain_locked(&pcps[this_cpu()->id]);
			p = buddy_alloc_locked(order);
		}
		if (p)
			zone.free_pages -= 1ull << order;
		spin_unlock_irqrestore(&zone_lock, irq);
	}
	if (!p)
		return NULL;
	p->order = (u8)order;
	p->refcount = 1;
	p->flags = order ? PG_HEAD : 0;
	p->private = 0;
	if ((flags & PAF_COMPOUND) && order) {
		for (u64 i = 1; i < (1ull << order); i++) {
			p[i].flags = PG_TAIL;
			p[i].head = p;
		}
	}
	if (flags & PAF_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

void page_free(struct page *p)
{
	unsigned int order = p->order;
	unsigned long irq;

	if (unlikely(p->flags & (PG_FREE | PG_PCP | PG_TAIL | PG_RESERVED) || p->refcount > 1)) {
		pr_err("pmm: bad page_free of frame %#llx (flags %#x, refcount %u): ignored",
		       (unsigned long long)page_to_pfn(p), p->flags, p->refcount);
		return;
	}
	if (p->flags & PG_HEAD) {
		for (u64 i = 1; i < (1ull << order); i++)
			p[i].flags = 0;
	}
	p->refcount = 0;
	if (order == 0) {
		irq = arch_irq_save();
		pcp_free(&pcps[this_cpu()->id], p);
		arch_irq_restore(irq);
		return;
	}
	irq = spin_lock_irqsave(&zone_lock);
	zone.free_pages += 1ull << order;
	buddy_free_locked(page_to_pfn(p), order);
	spin_unlock_irqrestore(&zone_lock, irq);
}

/*
 * Atomic: a page shared by several holders (address spaces on other CPUs, a
 * tmpfs file) gains and loses references concurrently. Only a holder may
 * take another reference, so the count never rises from 0.
 */
void page_get(struct page *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

void page_put(struct page *p)
{
	u32 old = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);

	do {
		if (unlikely(old == 0)) {
			pr_err("pmm: page_put of unreferenced frame %#llx",
			       (unsigned long long)page_to_pfn(p));
			return;
		}
	} while (!__atomic_compare_exchange_n(&p->refcount, &old, old - 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	if (old == 1)
		page_free(p); /* the last holder: refcount is 0 now, as page_free leaves it */
}

void *page_alloc_addr(unsigned int order, u32 flags)
{
	struct page *p = page_alloc(order, flags);

	return p ? page_address(p) : NULL;
}

void page_free_addr(void *va)
{
	if (va)
		page_free(virt_to_page(va));
}

void mm_stats_get(struct mm_stats *s)
{
	unsigned long irq = spin_lock_irqsave(&zone_lock);

	memset(s, 0, sizeof(*s));
	s->total_pages = zone.managed_pages;
	s->free_pages = zone.free_pages;
	s->reserved_pages = mm_nr_pages - zone.managed_pages;
	for (int o = 0; o < MAX_ORDER; o++)
		s->free_blocks[o] = zone.nr_free[o];
	for (int c = 0; c < MAX_CPUS; c++) {
		s->free_pages += pcps[c].count; /* other CPUs' counts: a snapshot */
		s->free_blocks[0] += pcps[c].count;
	}
	s->memmap_pages = zone.memmap_pages;
	s->pagetable_pages = mm_pagetable_pages;
	s->slab_pages = mm_slab_pages;
	s->large_pages = mm_large_pages;
	spin_unlock_irqrestore(&zone_lock, irq);
}

void mm_stats_log(void)
{
	struct mm_stats s;

	mm_stats_get(&s);
	pr_info("mm: %llu KiB managed, %llu KiB free; memmap %llu KiB, page tables %llu KiB, "
		"slab %llu KiB, large kmalloc %llu KiB",
		(unsigned long long)s.total_pages * 4, (unsigned long long)s.free_pages * 4,
		(unsigned long long)s.memmap_pages * 4, (unsigned long long)s.pagetable_pages * 4,
		(unsigned long long)s.slab_pages * 4, (unsigned long long)s.large_pages * 4);
}

/* The first usable range of at least `bytes`, above 1 MiB, page aligned; 0 if none. */
static paddr_t find_memmap_home(const struct boot_info *bi, u64 bytes)
{
	for (u32 i = 0; i < bi->nr_regions; i++) {
		const struct mem_region *r = &bi->regions[i];
		u64 start = MAX(r->base, MiB(1));

		if (r->type != MEM_USABLE || r->base + r->len <= start)
			continue;
		if (r->base + r->len - start >= bytes)
			return start;
	}
	return 0;
}

int pmm_init(const struct boot_info *bi)
{
	u64 max_pfn = bootinfo_max_usable_addr(bi) >> PAGE_SHIFT;
	u64 bytes = ALIGN_UP(max_pfn * sizeof(struct page), PAGE_SIZE);
	paddr_t home = find_memmap_home(bi, bytes);
	u64 home_pfn = home >> PAGE_SHIFT;

	if (!max_pfn || !home)
		return -ENOMEM;
	memset(phys_to_virt(home), 0, bytes);
	pmm_setup(phys_to_virt(home), 0, max_pfn);
	zone.memmap_pages = bytes >> PAGE_SHIFT;
	for (u32 i = 0; i < bi->nr_regions; i++) {
		const struct mem_region *r = &bi->regions[i];
		u64 s = r->base >> PAGE_SHIFT, e = (r->base + r->len) >> PAGE_SHIFT;

		if (r->type != MEM_USABLE)
			continue;
		s = MAX(s, 1); /* frame 0 stays reserved: physical NULL is never handed out */
		if (e <= s)
			continue;
		/* [s, e) minus the memmap's own frames */
		if (s < home_pfn)
			pmm_add_free(s, MIN(e, home_pfn) - s);
		if (e > home_pfn + zone.memmap_pages) {
			u64 from = MAX(s, home_pfn + zone.memmap_pages);

			pmm_add_free(from, e - from);
		}
	}
	return 0;
}
