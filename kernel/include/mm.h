/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mm.h - the memory manager's public interface: physical pages (buddy
 * allocator, kernel/mm/pmm.c), kernel object allocation (slab caches and
 * kmalloc, kernel/mm/slab.c), leak detection (kernel/mm/kmemleak.c) and
 * memory statistics. Address spaces are in vm.h, user copies in uaccess.h.
 *
 * All physical memory is reachable at mm_direct_map_offset + phys (the
 * "direct map"); page_address() and virt_to_page() convert between a page's
 * struct page and that mapping. The arch layer sets mm_direct_map_offset
 * before pmm_init(); host unit tests point it at an array of fake RAM.
 */
#ifndef MATRIOSKA_MM_H
#define MATRIOSKA_MM_H

#include "list.h"
#include "types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096
#define PAGE_MASK (~(uintptr_t)(PAGE_SIZE - 1))
#define MAX_ORDER 11 /* blocks of 2^0 .. 2^10 pages (4 KiB .. 4 MiB) */

/* struct page flags */
#define PG_RESERVED 0x0001  /* not managed by the allocator (firmware, kernel, memmap) */
#define PG_FREE 0x0002	    /* head of a free buddy block (order in ->order) */
#define PG_HEAD 0x0004	    /* head of an allocated block of order > 0 */
#define PG_TAIL 0x0008	    /* tail page of a PAF_COMPOUND block; ->head is the head */
#define PG_SLAB 0x0010	    /* block holds a slab; ->slab_cache is its cache */
#define PG_LARGE 0x0020	    /* block is a large kmalloc (> KMALLOC_MAX_CACHE) */
#define PG_PAGETABLE 0x0040 /* page-table page */
#define PG_PCP 0x0080	    /* order-0 page parked in the per-CPU cache */

struct kmem_cache;

/*
 * One per physical page frame, in the memmap array (32 bytes).
 * Invariants: a free block's head has PG_FREE and its order, and is on
 * free_list[order]; its other pages have flags 0. An allocated block's head
 * has refcount >= 1 and its order.
 */
struct page {
	u16 flags;
	u8 order;
	u8 reserved0;
	u32 refcount;	       /* holders of the page: owner, mappings (COW) */
	struct list_head list; /* free list, per-CPU cache, or slab list */
	union {
		struct kmem_cache *slab_cache; /* PG_SLAB head */
		struct page *head;	       /* PG_TAIL */
		u64 private;		       /* owner's use */
	};
};
STATIC_ASSERT(sizeof(struct page) == 32, "struct page must stay 32 bytes");

/* Offset of the direct map: virtual = physical + mm_direct_map_offset. */
extern uintptr_t mm_direct_map_offset;

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + mm_direct_map_offset);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - mm_direct_map_offset);
}

/* ---- physical pages (pmm.c) ---- */

/* Flags for page_alloc(). */
#define PAF_ZERO 0x1	 /* fill with zeros */
#define PAF_COMPOUND 0x2 /* mark tail pages so virt_to_head_page() works inside */

/* The memmap: struct page for every frame in [mm_base_pfn, mm_base_pfn + mm_nr_pages). */
extern struct page *mm_memmap;
extern u64 mm_base_pfn, mm_nr_pages;

static inline struct page *pfn_to_page(u64 pfn)
{
	return &mm_memmap[pfn - mm_base_pfn];
}

static inline u64 page_to_pfn(const struct page *p)
{
	return (u64)(p - mm_memmap) + mm_base_pfn;
}

static inline paddr_t page_to_phys(const struct page *p)
{
	return page_to_pfn(p) << PAGE_SHIFT;
}

static inline struct page *phys_to_page(paddr_t pa)
{
	return pfn_to_page(pa >> PAGE_SHIFT);
}

static inline void *page_address(const struct page *p)
{
	return phys_to_virt(page_to_phys(p));
}

static inline struct page *virt_to_page(const void *va)
{
	return phys_to_page(virt_to_phys(va));
}

/* The head page of the compound block containing va (slab objects in multi-page slabs). */
static inline struct page *virt_to_head_page(const void *va)
{
	struct page *p = virt_to_page(va);

	return (p->flags & PG_TAIL) ? p->head : p;
}

/* Is pfn inside the memmap? */
static inline bool pfn_valid(u64 pfn)
{
	return pfn >= mm_base_pfn && pfn - mm_base_pfn < mm_nr_pages;
}

/*
 * Allocate 2^order contiguous pages (refcount 1). Returns NULL when no
 * block is free; never panics. Any context (interrupts may be off).
 */
struct page *page_alloc(unsigned int order, u32 flags) __must_check;
/* Free a block from page_alloc (its order is in the head); refcount must be 1 or 0. */
void page_free(struct page *p);
/* Take / drop a reference; dropping the last one frees the block. */
void page_get(struct page *p);
void page_put(struct page *p);
/* Return every page parked in this CPU's single-page cache to the buddy lists. */
void pmm_drain_caches(void);
/* Same, by direct-map address. */
void *page_alloc_addr(unsigned int order, u32 flags) __must_check;
void page_free_addr(void *va);

/*
 * Set up the allocator over frames [base_pfn, base_pfn + nr_pages), every
 * frame reserved, with memmap (nr_pages entries, zeroed by the caller) as the
 * struct page array. Then pmm_add_free() hands usable ranges over. pmm_init()
 * does both from the boot memory map; host tests call them on fake RAM.
 */
void pmm_setup(struct page *memmap, u64 base_pfn, u64 nr_pages);
void pmm_add_free(u64 pfn, u64 count);

struct boot_info;
/*
 * Build the memmap and free every MEM_USABLE page of the boot memory map
 * (minus the memmap itself). Called once at boot, after the direct map
 * covers all RAM. Returns 0 or -ENOMEM (not enough RAM for the memmap).
 */
int pmm_init(const struct boot_info *bi);

/* ---- slab caches and kmalloc (slab.c) ---- */

#define KMALLOC_MIN 8
#define KMALLOC_MAX_CACHE 8192 /* larger requests go to the page allocator */

/* Cache flags */
#define SLAB_NO_DEBUG 0x1 /* never poison/redzone/track this cache, even in debug builds */

/*
 * Create a cache of objects of `size` bytes aligned to `align` (0: 8).
 * `name` must outlive the cache. Returns NULL if out of memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align, u32 flags);
void kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c) __must_check;
void kmem_cache_free(struct kmem_cache *c, void *obj);

void *kmalloc(size_t size) __must_check;
void *kzalloc(size_t size) __must_check;
void kfree(const void *p);
/* Usable size of a kmalloc'd object (its size class), 0 for NULL. */
size_t ksize(const void *p);

struct kmem_cache_stats {
	const char *name;
	size_t obj_size;  /* requested size */
	size_t slot_size; /* bytes per object incl. alignment and debug padding */
	u64 active_objs, total_objs, slabs, pages;
	u64 allocs, frees;
};
/* Fill up to max entries, one per cache; returns the number of caches. */
int kmem_cache_stats_all(struct kmem_cache_stats *out, int max);

/* ---- leak detection (kmemleak.c; debug builds) ---- */

/*
 * Report live kmalloc/cache objects that no pointer in the kernel's roots
 * (data, bss, stacks) or in other reachable live objects points to, grouped
 * by allocation call site, via klog. Returns the number of leaked objects.
 * Returns -ENOSYS in builds without CONFIG_MM_DEBUG.
 */
int kmemleak_scan(void);
/*
 * /dev/kmemleak (drivers/char/kmemleak_dev.c): reading it runs a scan. Only
 * registered in debug builds; 0 or a negative errno.
 */
int kmemleak_dev_register(void);

/*
 * Roots for kmemleak: memory that may hold the only pointer to an object
 * (the kernel's data and bss, kernel stacks, page-allocator memory used as
 * tables). The arch/boot code registers them; up to 32, never removed.
 */
struct kmemleak_root {
	uintptr_t start, end;
};
void kmemleak_add_root(uintptr_t start, uintptr_t end);

/* ---- statistics ---- */

struct mm_stats {
	u64 total_pages;	    /* managed by the allocator (free or allocated) */
	u64 free_pages;		    /* in buddy free lists and per-CPU caches */
	u64 reserved_pages;	    /* in the memmap range but not managed */
	u64 free_blocks[MAX_ORDER]; /* free blocks per order */
	u64 memmap_pages;	    /* the struct page array itself */
	u64 pagetable_pages;	    /* page tables (kernel and address spaces) */
	u64 slab_pages;		    /* pages holding slabs */
	u64 large_pages;	    /* large kmalloc blocks */
};
void mm_stats_get(struct mm_stats *s);
/* Page counters kept by their owners (vm.c, slab.c); read by mm_stats_get. */
extern u64 mm_pagetable_pages, mm_slab_pages, mm_large_pages;
/* Print "mm: ..." one-line summary via klog at info level. */
void mm_stats_log(void);

#endif
