/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slab.h - private to kernel/mm: the data structures of the slab allocator
 * (slab.c) that kmemleak (kmemleak.c) walks, and a few hooks for tests.
 * The public interface (kmem_cache_*, kmalloc, kmemleak_scan) is in mm.h;
 * docs/design/slab.md describes the design.
 *
 * Slot layout. Without debugging a slot is just the object (slot_size =
 * size rounded up to the alignment); a free slot's first word links it to
 * the next free slot. In debug caches (CONFIG_MM_DEBUG, no SLAB_NO_DEBUG):
 *
 *   | red_left | object (obj_size) | SLAB_RZ | struct slab_track | pad |
 *   ^ slot     ^ what callers get           ^ object + track_off
 *
 * Both redzones hold SLAB_RED_BYTE, and so do the object's bytes past the
 * size the caller asked for (req_size). A free object is filled with
 * SLAB_POISON_BYTE and its free-list link lives in the trailer, so the
 * whole object stays poisoned.
 */
#ifndef MATRIOSKA_MM_SLAB_PRIV_H
#define MATRIOSKA_MM_SLAB_PRIV_H

#include "config.h"
#include "cpu.h"
#include "list.h"
#include "mm.h"
#include "types.h"

/* Private cache flags (public ones are in mm.h). */
#define SLAB_INTERNAL 0x40000000u /* the allocator's own records: untracked, never scanned */
#define SLAB_STATIC 0x80000000u	  /* statically defined (kmalloc) cache: cannot be destroyed */

#define SLAB_MAX_ORDER 5  /* slabs are at most 2^5 pages (128 KiB) */
#define SLAB_MIN_OBJS 8	  /* aim for at least this many objects per slab */
#define SLAB_EMPTY_KEEP 1 /* empty slabs a cache keeps instead of freeing them */
#define SLAB_RZ 8	  /* bytes of redzone after each debug object */
#define SLAB_RED_BYTE 0xbb
#define SLAB_POISON_BYTE 0x6e

/* slab_track.state */
#define TRACK_FREE 0xf4ee /* on the free list, poisoned */
#define TRACK_LIVE 0x11fe /* handed out */
#define TRACK_BAD 0xbad0  /* corruption was reported: kept out of circulation for good */

/*
 * The debug trailer of a slot. Protected like the slab it is in.
 * free_next is the free-list link while the slot is free and kmemleak's
 * work-list link while it is live; mark is kmemleak's "reachable" bit.
 */
struct slab_track {
	void *free_next;
	uintptr_t alloc_site; /* caller of kmalloc/kmem_cache_alloc */
	uintptr_t free_site;  /* caller of the last kfree/kmem_cache_free, 0 if none */
	u32 req_size;	      /* bytes the caller asked for (ksize() widens it to obj_size) */
	u16 state;	      /* TRACK_* */
	u16 mark;
};

/*
 * A slab: one block of 2^order pages from the page allocator, starting with
 * this descriptor; the slots follow at cache->objs_off. The head page has
 * PG_SLAB and ->slab_cache (multi-page slabs are PAF_COMPOUND blocks, so
 * virt_to_head_page() works for every object).
 * Protected by the cache's lock (see struct kmem_cache).
 * Invariants: on cache->partial: free != NULL, and inuse > 0 except for
 * the first slab (the one allocations come from stays there when it
 * empties, so an alloc/free pair never moves slabs); on cache->full:
 * free == NULL; on cache->empty: inuse == 0. inuse counts the slots handed
 * out or quarantined after a report.
 */
struct slab {
	struct list_head link;
	void *free; /* first free object; the link to the next is at cache->free_off */
	struct kmem_cache *cache;
	u32 inuse;
	u32 nr_objs; /* slots in this slab */
	u32 order;
};

/*
 * A cache of equal-sized objects.
 *
 * Locking: the lists, the slabs on them, their slots and the counters are
 * changed only with interrupts disabled (arch_irq_save/arch_irq_restore
 * around each change; page_alloc for a new slab runs with them restored).
 * With SMP this becomes a per-cache IRQ-safe spinlock taken at the same
 * places. The geometry fields are set once before the cache is used and
 * read without locking. `link` and slab_caches are protected the same way.
 *
 * Statistics: active objects = allocs - frees + quarantined = sum of inuse.
 */
/*
 * A CPU's stack of free objects of one cache (caches without debug checks):
 * the fast paths pop and push here with only that CPU's interrupts off; the
 * shared slabs are touched, under slab_lock, only to refill or flush a batch.
 * Objects parked here are free to users but still in use for their slab.
 */
#define SLAB_CPU_OBJS 14
struct slab_cpu_cache {
	u32 count;
	u64 allocs, frees; /* user-level operations on this CPU */
	void *objs[SLAB_CPU_OBJS];
};

struct kmem_cache {
	/* hot: the allocation and free fast paths */
	struct slab_cpu_cache cpu[MAX_CPUS]; /* each touched only by its CPU, interrupts off */
	struct list_head partial;	     /* slabs with free slots, allocated from first */
	u32 free_off; /* offset of the free-list link from an object (0 without debug) */
	bool debug;   /* redzones, poison, call sites (CONFIG_MM_DEBUG, not SLAB_NO_DEBUG) */
	u64 allocs, frees;

	struct list_head full;	/* slabs without free slots */
	struct list_head empty; /* at most SLAB_EMPTY_KEEP slabs with inuse == 0 (more: freed) */
	u32 nr_empty;
	u64 slabs, pages, total_objs;
	u64 quarantined; /* debug: slots taken out of use after a corruption report */

	/* geometry */
	size_t size;	  /* requested object size */
	size_t obj_size;  /* usable bytes: size rounded up to 8 */
	size_t slot_size; /* bytes per slot, a multiple of align */
	size_t align;	  /* power of two, 8 .. PAGE_SIZE */
	u32 red_left;	  /* bytes before the object in its slot (debug: a redzone) */
	u32 track_off;	  /* debug: offset of struct slab_track from the object */
	u32 objs_off;	  /* offset of the first slot from the slab start */
	u32 order;	  /* preferred slab order */
	u32 min_order;	  /* smallest order that holds one slot (fallback) */
	u32 flags;	  /* SLAB_* */
	const char *name;
	struct list_head link; /* on slab_caches */
};

/* Large kmalloc blocks in debug builds: head page ->private points here. */
struct slab_large {
	struct list_head link; /* on slab_large_list */
	void *addr;
	size_t size; /* bytes asked for (ksize() widens it) */
	uintptr_t alloc_site;
	void *gray_next; /* kmemleak work-list link */
	u16 mark;
};

/* Every cache, and (debug builds) every live large block. Interrupts off to walk. */
extern struct list_head slab_caches;
extern struct list_head slab_large_list;

/* Object number i of slab s. */
static inline void *slab_object(const struct kmem_cache *c, const struct slab *s, u32 i)
{
	return (char *)s + c->objs_off + (size_t)i * c->slot_size + c->red_left;
}

static inline struct slab_track *slab_track_of(const struct kmem_cache *c, const void *obj)
{
	return (struct slab_track *)((char *)obj + c->track_off);
}

/*
 * The slot of slab s that contains address p (anywhere in the slot), or -1
 * when p is before the first slot or after the last. Slow (divides).
 */
static inline long slab_slot_index(const struct kmem_cache *c, const struct slab *s, uintptr_t p)
{
	uintptr_t first = (uintptr_t)s + c->objs_off;
	size_t i;

	if (p < first)
		return -1;
	i = (p - first) / c->slot_size;
	return i < s->nr_objs ? (long)i : -1;
}

/* The head page of the direct-map address p, or NULL if p is not in RAM the memmap covers. */
static inline struct page *slab_head_page_checked(uintptr_t p)
{
	u64 pfn = (u64)(p - mm_direct_map_offset) >> PAGE_SHIFT;

	if (!pfn_valid(pfn))
		return NULL;
	return virt_to_head_page((const void *)p);
}

/* Number of corruption and misuse reports printed since boot (tests watch it). */
u64 slab_debug_reports(void);

/*
 * Check every free slot of every debug cache (poison, redzones, free-list
 * links) without waiting for it to be reallocated; report and quarantine
 * what is damaged. Live objects are checked when they are freed. Returns the
 * number of new reports.
 */
u64 slab_debug_check_all(void);

/* Give every cache's cached empty slabs back to the page allocator. */
void slab_shrink_all(void);

/*
 * The allocator lock: every cache's lists and counters, and kmemleak's scan,
 * are protected by this one IRQ-safe spinlock (per-CPU object caches that
 * avoid it on the fast path are future work).
 */
/* Return this CPU's parked free objects of every cache to their slabs (tests). */
void slab_flush_cpu_caches(void);
unsigned long slab_lock_irqsave(void);
void slab_unlock_irqrestore(unsigned long flags);

#endif
