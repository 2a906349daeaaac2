/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slab.c - kernel object allocation: caches of equal-sized objects, and
 * kmalloc on top of them (interface in mm.h, structures in slab.h, design in
 * docs/design/slab.md).
 *
 * A cache carves blocks of 2^order pages ("slabs") from the page allocator
 * into slots. Each slab starts with its descriptor (struct slab) and keeps
 * its free slots on a singly linked list; the block's head page has PG_SLAB
 * and points at the cache, so kfree() finds cache and slab from any object
 * address in O(1). A cache allocates from the first slab on its partial
 * list, so the fast paths are a list pop or push with no loop and no
 * division. kmalloc serves 13 size classes (8 .. 8192 bytes) from static
 * caches and sends larger requests straight to the page allocator as
 * PG_LARGE blocks.
 *
 * Debug builds (CONFIG_MM_DEBUG) give every slot of a cache without
 * SLAB_NO_DEBUG redzones, poison and a trailer with the call sites (layout
 * in slab.h) and check them on every allocation and free. A damaged object
 * is reported once and then kept out of circulation ("quarantined") rather
 * than handed out again.
 *
 * Locking: see struct kmem_cache. Lock order: a cache's lock, then the page
 * allocator's (page_free is called with interrupts off; page_alloc is not).
 */
#include "slab.h"
#include "arch.h"
#include "cpu.h"
#include "klog.h"
#include "ksyms.h"
#include "lib.h"
#include "mm.h"
#include "sync.h"

#define RET_ADDR ((uintptr_t)__builtin_return_address(0))
#define KMALLOC_NR 13
#define KMALLOC_LARGE_MAX ((size_t)PAGE_SIZE << (MAX_ORDER - 1))

struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);
struct list_head slab_large_list = LIST_HEAD_INIT(slab_large_list);

#define STATIC_CACHE(var, nm, sz, al, fl)                                                          \
	{                                                                                          \
		.partial = LIST_HEAD_INIT(var.partial), .full = LIST_HEAD_INIT(var.full),          \
		.empty = LIST_HEAD_INIT(var.empty), .link = LIST_HEAD_INIT(var.link),              \
		.debug = IS_ENABLED(CONFIG_MM_DEBUG) && !((fl) & (SLAB_NO_DEBUG | SLAB_INTERNAL)), \
		.size = (sz), .align = (al), .flags = (fl) | SLAB_STATIC, .name = (nm),            \
	}

#define KMALLOC_CACHE(i, sz) \
	STATIC_CACHE(kmalloc_caches[i], "kmalloc-" #sz, sz, (sz) >= 16 ? 16 : 8, 0)

/* The kmalloc size classes. Geometry is filled in by slab_setup_locked(). */
static struct kmem_cache kmalloc_caches[KMALLOC_NR] = {
	KMALLOC_CACHE(0, 8),	 KMALLOC_CACHE(1, 16),	  KMALLOC_CACHE(2, 32),
	KMALLOC_CACHE(3, 64),	 KMALLOC_CACHE(4, 96),	  KMALLOC_CACHE(5, 128),
	KMALLOC_CACHE(6, 192),	 KMALLOC_CACHE(7, 256),	  KMALLOC_CACHE(8, 512),
	KMALLOC_CACHE(9, 1024),	 KMALLOC_CACHE(10, 2048), KMALLOC_CACHE(11, 4096),
	KMALLOC_CACHE(12, 8192),
};

/* The allocator's own records: cache descriptors and (debug) large-block records. */
static struct kmem_cache cache_cache =
	STATIC_CACHE(cache_cache, "kmem_cache", sizeof(struct kmem_cache), 8, SLAB_INTERNAL);
static struct kmem_cache large_cache =
	STATIC_CACHE(large_cache, "slab_large", sizeof(struct slab_large), 8, SLAB_INTERNAL);

/* kmalloc class for sizes 0..192, indexed by (size + 7) >> 3. */
static struct kmem_cache *const kmalloc_small[25] = {
	&kmalloc_caches[0], &kmalloc_caches[0], &kmalloc_caches[1], &kmalloc_caches[2],
	&kmalloc_caches[2], &kmalloc_caches[3], &kmalloc_caches[3], &kmalloc_caches[3],
	&kmalloc_caches[3], &kmalloc_caches[4], &kmalloc_caches[4], &kmalloc_caches[4],
	&kmalloc_caches[4], &kmalloc_caches[5], &kmalloc_caches[5], &kmalloc_caches[5],
	&kmalloc_caches[5], &kmalloc_caches[6], &kmalloc_caches[6], &kmalloc_caches[6],
	&kmalloc_caches[6], &kmalloc_caches[6], &kmalloc_caches[6], &kmalloc_caches[6],
	&kmalloc_caches[6],
};

static bool slab_ready; /* static caches have their geometry and are on slab_caches */
static u64 debug_reports;

/* ---- geometry and setup ---- */

/* Bytes wasted per 1024 in a slab of the given order; sets *n to its slot count. */
static size_t slab_waste(const struct kmem_cache *c, u32 order, size_t *n)
{
	size_t bytes = (size_t)PAGE_SIZE << order;

	*n = (bytes - c->objs_off) / c->slot_size;
	return ((bytes - *n * c->slot_size) << 10) / bytes;
}

/*
 * Lay out c's slots and choose its slab order: the smallest order with at
 * least SLAB_MIN_OBJS slots and at most 1/8 wasted, else the least wasteful
 * one up to SLAB_MAX_ORDER. Returns false if one slot cannot fit.
 */
static bool cache_geometry(struct kmem_cache *c)
{
	size_t slot, n, best_waste = ~(size_t)0;

	c->obj_size = ALIGN_UP(MAX(c->size, (size_t)KMALLOC_MIN), 8);
	if (c->debug) {
		c->red_left = (u32)MAX(c->align, (size_t)SLAB_RZ);
		c->track_off = (u32)(c->obj_size + SLAB_RZ);
		c->free_off = c->track_off + (u32)offsetof(struct slab_track, free_next);
		slot = c->red_left + c->track_off + sizeof(struct slab_track);
	} else {
		c->red_left = c->track_off = c->free_off = 0;
		slot = c->obj_size;
	}
	c->slot_size = ALIGN_UP(slot, c->align);
	c->objs_off = (u32)ALIGN_UP(sizeof(struct slab), c->align);
	for (c->min_order = 0; c->objs_off + c->slot_size > ((size_t)PAGE_SIZE << c->min_order);
	     c->min_order++)
		if (c->min_order == SLAB_MAX_ORDER)
			return false;
	c->order = c->min_order;
	for (u32 o = c->min_order; o <= SLAB_MAX_ORDER; o++) {
		size_t waste = slab_waste(c, o, &n);

		if (n >= SLAB_MIN_OBJS && waste <= 1024 / 8) {
			c->order = o;
			break;
		}
		if (waste < best_waste) {
			best_waste = waste;
			c->order = o;
		}
	}
	return true;
}

static void slab_setup_locked(void)
{
	if (slab_ready)
		return;
	for (int i = 0; i < KMALLOC_NR; i++) {
		cache_geometry(&kmalloc_caches[i]);
		list_add_tail(&kmalloc_caches[i].link, &slab_caches);
	}
	cache_geometry(&cache_cache);
	list_add_tail(&cache_cache.link, &slab_caches);
	cache_geometry(&large_cache);
	list_add_tail(&large_cache.link, &slab_caches);
	slab_ready = true;
}

static void slab_setup(void)
{
	unsigned long irq;

	if (likely(slab_ready))
		return;
	irq = slab_lock_irqsave();
	slab_setup_locked();
	slab_unlock_irqrestore(irq);
}

/*
 * The allocator lock. It may be re-taken by the CPU that holds it (large
 * blocks and debug records are themselves allocated from caches while the
 * lock is held), so it counts its depth; only the outermost level touches
 * the spinlock. owner/depth are only written by the holder.
 */
static struct spinlock slab_lock = SPINLOCK_INIT("slab", LOCK_RANK_MM - 1);
static volatile u32 slab_owner = ~0u;
static u32 slab_depth;

unsigned long slab_lock_irqsave(void)
{
	unsigned long flags = arch_irq_save();

	if (slab_owner == this_cpu()->id) {
		slab_depth++;
		return flags;
	}
	spin_lock(&slab_lock);
	slab_owner = this_cpu()->id;
	slab_depth = 1;
	return flags;
}

void slab_unlock_irqrestore(unsigned long flags)
{
	if (--slab_depth == 0) {
		slab_owner = ~0u;
		spin_unlock(&slab_lock);
	}
	arch_irq_restore(flags);
}

/* ---- debug reports ---- */

u64 slab_debug_reports(void)
{
	return debug_reports;
}

static void site_name(uintptr_t site, char *buf, size_t size)
{
	if (site)
		ksym_format(site, buf, size);
	else
		strlcpy(buf, "-", size);
}

/*
 * Report a corruption or misuse: what happened, the object and cache, who
 * noticed (caller: the kfree/kmalloc call site that ran into it) and, when
 * the trailer is known, the object's allocation and free call sites.
 */
static void __printf(5, 6)
	slab_report(const struct kmem_cache *c, const void *obj, const struct slab_track *t,
		    uintptr_t caller, const char *fmt, ...)
{
	char what[96], by[64], a[64], f[64];
	va_list ap;

	debug_reports++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	site_name(caller, by, sizeof(by));
	pr_err("slab: %s: object %p in cache %s, found by %s", what, obj, c ? c->name : "-", by);
	if (t) {
		site_name(t->alloc_site, a, sizeof(a));
		site_name(t->free_site, f, sizeof(f));
		pr_err("slab:   allocated at %s, freed at %s", a, f);
	}
}

/* Are all n bytes at p equal to v? If not, *bad is the first that differs. */
static bool bytes_are(const void *p, size_t n, u8 v, size_t *bad)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != v) {
			*bad = i;
			return false;
		}
	}
	return true;
}

/* A fresh slot: redzones, poison, and a free trailer. */
static void debug_init_slot(const struct kmem_cache *c, void *obj)
{
	struct slab_track *t = slab_track_of(c, obj);

	memset((char *)obj - c->red_left, SLAB_RED_BYTE, c->red_left);
	memset(obj, SLAB_POISON_BYTE, c->obj_size);
	memset((char *)obj + c->obj_size, SLAB_RED_BYTE, SLAB_RZ);
	memset(t, 0, sizeof(*t));
	t->state = TRACK_FREE;
}

/* Is p the object of a free slot of s? (Validates a free-list link.) */
static bool debug_is_free_object(const struct kmem_cache *c, const struct slab *s, void *p)
{
	long i = slab_slot_index(c, s, (uintptr_t)p);

	return i >= 0 && p == slab_object(c, s, (u32)i) && slab_track_of(c, p)->state == TRACK_FREE;
}

/* Check a free slot about to be handed out; report and return false if it was written to. */
static bool debug_check_free(const struct kmem_cache *c, void *obj, uintptr_t caller)
{
	struct slab_track *t = slab_track_of(c, obj);
	size_t off;

	if (t->state != TRACK_FREE) {
		slab_report(c, obj, NULL, caller, "free slot with a damaged trailer");
		return false;
	}
	if (!bytes_are(obj, c->obj_size, SLAB_POISON_BYTE, &off)) {
		slab_report(c, obj, t, caller, "use-after-free write at offset %zu", off);
		return false;
	}
	if (!bytes_are((char *)obj - c->red_left, c->red_left, SLAB_RED_BYTE, &off)) {
		slab_report(c, obj, t, caller, "write before a free object (byte -%zu)",
			    c->red_left - off);
		return false;
	}
	if (!bytes_are((char *)obj + c->obj_size, SLAB_RZ, SLAB_RED_BYTE, &off)) {
		slab_report(c, obj, t, caller, "write past a free object (byte +%zu)",
			    c->obj_size + off);
		return false;
	}
	return true;
}

/* Check a live object's redzones at free; report and return false on damage. */
static bool debug_check_live(const struct kmem_cache *c, void *obj, struct slab_track *t,
			     uintptr_t caller)
{
	size_t off;

	if (!bytes_are((char *)obj - c->red_left, c->red_left, SLAB_RED_BYTE, &off)) {
		slab_report(c, obj, t, caller, "underflow: redzone byte -%zu before the object",
			    c->red_left - off);
		return false;
	}
	if (!bytes_are((char *)obj + t->req_size, c->obj_size - t->req_size + SLAB_RZ,
		       SLAB_RED_BYTE, &off)) {
		slab_report(c, obj, t, caller, "overflow: byte +%zu of a %u-byte object",
			    t->req_size + off, t->req_size);
		return false;
	}
	return true;
}

/* ksize() was asked: the caller may now use every byte, so stop checking the kmalloc tail. */
static void debug_widen(struct slab *s, struct kmem_cache *c, const void *p)
{
	long i = slab_slot_index(c, s, (uintptr_t)p);

	if (i >= 0 && p == slab_object(c, s, (u32)i) && slab_track_of(c, p)->state == TRACK_LIVE)
		slab_track_of(c, p)->req_size = (u32)c->obj_size;
}

/* ---- slabs ---- */

static inline void **slab_free_link(const struct kmem_cache *c, void *obj)
{
	return (void **)((char *)obj + (IS_ENABLED(CONFIG_MM_DEBUG) ? c->free_off : 0));
}

static inline struct slab *slab_of_page(struct page *head)
{
	return page_address(head);
}

/*
 * The head page of the block holding p, and in *base the block's start
 * (the slab, if it is one). Cheaper than page_address(): no memmap
 * arithmetic unless p is in a tail page.
 */
static inline struct page *obj_head_page(const void *p, uintptr_t *base)
{
	struct page *pg = virt_to_page(p), *head = pg;

	if (pg->flags & PG_TAIL)
		head = pg->head;
	*base = ((uintptr_t)p & PAGE_MASK) - ((uintptr_t)(pg - head) << PAGE_SHIFT);
	return head;
}

/*
 * Allocate and format a new slab (not yet on any list or counted), falling
 * back to smaller orders when the page allocator cannot give the preferred
 * one. Called with interrupts on or off; touches no cache state.
 */
static struct slab *slab_create(struct kmem_cache *c)
{
	struct page *head;
	struct slab *s;
	u32 order = c->order;

	for (;;) {
		head = page_alloc(order, order ? PAF_COMPOUND : 0);
		if (head || order == c->min_order)
			break;
		order--;
	}
	if (!head)
		return NULL;
	s = slab_of_page(head);
	list_init(&s->link);
	s->cache = c;
	s->inuse = 0;
	s->order = order;
	s->nr_objs = (u32)((((size_t)PAGE_SIZE << order) - c->objs_off) / c->slot_size);
	s->free = NULL;
	for (u32 i = s->nr_objs; i-- > 0;) {
		void *obj = slab_object(c, s, i);

		if (c->debug)
			debug_init_slot(c, obj);
		*slab_free_link(c, obj) = s->free;
		s->free = obj;
	}
	head->slab_cache = c;
	head->flags |= PG_SLAB;
	return s;
}

/* Count a new slab in; put it on the partial list (at the tail: the head may be in use). */
static void slab_add_locked(struct kmem_cache *c, struct slab *s)
{
	c->slabs++;
	c->pages += 1ull << s->order;
	c->total_objs += s->nr_objs;
	mm_slab_pages += 1ull << s->order;
	list_add_tail(&s->link, &c->partial);
}

/* Count an unlinked slab out and give its pages back. */
static void slab_release_locked(struct kmem_cache *c, struct slab *s)
{
	struct page *head = virt_to_page(s);

	c->slabs--;
	c->pages -= 1ull << s->order;
	c->total_objs -= s->nr_objs;
	mm_slab_pages -= 1ull << s->order;
	head->flags &= (u16)~PG_SLAB;
	head->slab_cache = NULL;
	page_free(head);
}

/* Put an unlinked slab on the list its state calls for (empty ones beyond the keep limit are
 * freed). */
static void slab_file_locked(struct kmem_cache *c, struct slab *s)
{
	if (s->inuse == 0) {
		if (c->nr_empty < SLAB_EMPTY_KEEP) {
			list_add(&s->link, &c->empty);
			c->nr_empty++;
		} else {
			slab_release_locked(c, s);
		}
	} else if (!s->free) {
		list_add(&s->link, &c->full);
	} else {
		list_add_tail(&s->link, &c->partial); /* behind the slab allocations come from */
	}
}

/* Give back every empty slab of c: the cached ones and an emptied first partial one. */
static void cache_release_empty_locked(struct kmem_cache *c)
{
	struct list_head *pos, *tmp;
	struct slab *s;

	list_for_each_safe (pos, tmp, &c->empty) {
		list_del(pos);
		slab_release_locked(c, list_entry(pos, struct slab, link));
	}
	c->nr_empty = 0;
	list_for_each_safe (pos, tmp, &c->partial) {
		s = list_entry(pos, struct slab, link);
		if (s->inuse == 0) {
			list_del(pos);
			slab_release_locked(c, s);
		}
	}
}

/* A free just made s empty or made it leave the full list. */
static __noinline void slab_relist_locked(struct kmem_cache *c, struct slab *s)
{
	list_del(&s->link);
	slab_file_locked(c, s);
}

/* Take the first free object of the first partial slab. The partial list must not be empty. */
static inline void *slab_pop_locked(struct kmem_cache *c)
{
	struct slab *s = list_first_entry(&c->partial, struct slab, link);
	void *obj = s->free;

	s->free = *slab_free_link(c, obj);
	s->inuse++;
	if (unlikely(!s->free)) {
		list_del(&s->link);
		list_add(&s->link, &c->full);
	}
	return obj;
}

/* Same for debug caches: the link to the next free object is checked before it is followed. */
static void *slab_pop_debug_locked(struct kmem_cache *c)
{
	struct slab *s = list_first_entry(&c->partial, struct slab, link);
	void *obj = s->free;
	void *next = slab_track_of(c, obj)->free_next;

	if (next && !debug_is_free_object(c, s, next)) {
		/* Drop the rest of the list: those slots are lost, never handed out. */
		slab_report(c, obj, NULL, 0, "free list corrupted (link %p)", next);
		next = NULL;
	}
	s->free = next;
	s->inuse++;
	if (!next) {
		list_del(&s->link);
		list_add(&s->link, &c->full);
	}
	return obj;
}

static inline void slab_push_locked(struct kmem_cache *c, struct slab *s, void *obj)
{
	void *old = s->free;

	*slab_free_link(c, obj) = old;
	s->free = obj;
	if (likely(--s->inuse != 0 && old))
		return;
	/* Emptied, but the slab allocations come from: keep it there (no ping-pong). */
	if (old && c->partial.next == &s->link)
		return;
	slab_relist_locked(c, s);
}

/*
 * Make c->partial non-empty: reuse a cached empty slab or add a new one.
 * Interrupts are off on entry and exit, but back in the caller's state irq
 * (its arch_irq_save() result, which stays valid) while a new slab is
 * allocated and formatted. Returns false when out of memory.
 */
static __noinline bool cache_refill_locked(struct kmem_cache *c, unsigned long irq)
{
	struct slab *s;

	slab_setup_locked();
	if (!list_empty(&c->empty)) {
		s = list_first_entry(&c->empty, struct slab, link);
		list_del(&s->link);
		c->nr_empty--;
		list_add(&s->link, &c->partial);
		return true;
	}
	slab_unlock_irqrestore(irq);
	s = slab_create(c);
	(void)slab_lock_irqsave(); /* the caller keeps its saved state */
	if (s)
		slab_add_locked(c, s);
	return !list_empty(&c->partial); /* an interrupt may have refilled it meanwhile */
}

/* ---- allocation and free ---- */

static __noinline void *cache_alloc_debug(struct kmem_cache *c, size_t req, uintptr_t site)
{
	unsigned long irq = slab_lock_irqsave();
	struct slab_track *t;
	void *obj;

	for (;;) {
		if (list_empty(&c->partial) && !cache_refill_locked(c, irq)) {
			slab_unlock_irqrestore(irq);
			return NULL;
		}
		obj = slab_pop_debug_locked(c);
		if (debug_check_free(c, obj, site))
			break;
		slab_track_of(c, obj)->state = TRACK_BAD; /* quarantined; counted in inuse */
		c->quarantined++;
	}
	t = slab_track_of(c, obj);
	t->state = TRACK_LIVE;
	t->alloc_site = site;
	t->free_site = 0;
	t->req_size = (u32)req;
	memset((char *)obj + req, SLAB_RED_BYTE, c->obj_size - req);
	c->allocs++;
	slab_unlock_irqrestore(irq);
	return obj;
}

/*
 * Refill this CPU's stack of c from the slabs (half full) and take one
 * object. Interrupts are off on entry; preemption stays off throughout, so
 * cc stays this CPU's even while a new slab is made with interrupts on.
 */
static __noinline void *cpu_cache_refill(struct kmem_cache *c, struct slab_cpu_cache *cc)
{
	unsigned long irq;
	void *obj = NULL;

	preempt_disable();
	irq = slab_lock_irqsave();
	while (cc->count < SLAB_CPU_OBJS / 2) {
		if (list_empty(&c->partial) && !cache_refill_locked(c, irq))
			break;
		c->allocs++;
		cc->objs[cc->count++] = slab_pop_locked(c);
	}
	if (cc->count) {
		obj = cc->objs[--cc->count];
		cc->allocs++;
	}
	slab_unlock_irqrestore(irq);
	preempt_enable();
	return obj;
}

/* Give back objects from this CPU's stack of c to their slabs, keeping `keep`. */
static __noinline void cpu_cache_flush(struct kmem_cache *c, struct slab_cpu_cache *cc, u32 keep)
{
	unsigned long irq = slab_lock_irqsave();

	while (cc->count > keep) {
		void *obj = cc->objs[--cc->count];
		uintptr_t base;

		obj_head_page(obj, &base);
		c->frees++;
		slab_push_locked(c, (struct slab *)base, obj);
	}
	slab_unlock_irqrestore(irq);
}

/* Free a non-debug object to this CPU's stack; interrupts off. */
static inline void cpu_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab_cpu_cache *cc = &c->cpu[this_cpu()->id];

	if (unlikely(cc->count == SLAB_CPU_OBJS))
		cpu_cache_flush(c, cc, SLAB_CPU_OBJS / 2);
	cc->objs[cc->count++] = obj;
	cc->frees++;
}

/* Allocate from c; req is the size asked for (<= c->obj_size), site the caller. */
static inline void *cache_alloc(struct kmem_cache *c, size_t req, uintptr_t site)
{
	struct slab_cpu_cache *cc;
	unsigned long irq;
	void *obj;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && c->debug)
		return cache_alloc_debug(c, req, site);
	irq = arch_irq_save();
	cc = &c->cpu[this_cpu()->id];
	if (likely(cc->count)) {
		obj = cc->objs[--cc->count];
		cc->allocs++;
	} else {
		obj = cpu_cache_refill(c, cc);
	}
	arch_irq_restore(irq);
	return obj;
}

static __noinline void cache_free_debug(struct kmem_cache *c, struct slab *s, void *obj,
					uintptr_t site)
{
	unsigned long irq = slab_lock_irqsave();
	long i = slab_slot_index(c, s, (uintptr_t)obj);
	struct slab_track *t;

	if (i < 0 || obj != slab_object(c, s, (u32)i)) {
		slab_report(c, obj, NULL, site, "invalid free (not the start of an object)");
		goto out;
	}
	t = slab_track_of(c, obj);
	if (t->state == TRACK_FREE) {
		slab_report(c, obj, t, site, "double free");
		goto out;
	}
	if (t->state != TRACK_LIVE) {
		slab_report(c, obj, NULL, site, "free of a %s object",
			    t->state == TRACK_BAD ? "quarantined" : "corrupted");
		goto out;
	}
	t->free_site = site;
	c->frees++;
	if (!debug_check_live(c, obj, t, site)) {
		t->state = TRACK_BAD; /* keep the damaged slot out of circulation */
		c->quarantined++;
		goto out;
	}
	t->state = TRACK_FREE;
	memset(obj, SLAB_POISON_BYTE, c->obj_size);
	slab_push_locked(c, s, obj);
out:
	slab_unlock_irqrestore(irq);
}

/* Free obj, which lies in slab s, back to c. */
static inline void cache_free(struct kmem_cache *c, struct slab *s, void *obj, uintptr_t site)
{
	unsigned long irq;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && c->debug) {
		cache_free_debug(c, s, obj, site);
		return;
	}
	(void)s;
	irq = arch_irq_save();
	cpu_cache_free(c, obj);
	arch_irq_restore(irq);
}

/* Free one of the allocator's own records. */
static void internal_free(struct kmem_cache *c, void *obj)
{
	uintptr_t base;

	obj_head_page(obj, &base);
	cache_free(c, (struct slab *)base, obj, 0);
}

/* ---- caches ---- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align, u32 flags)
{
	struct kmem_cache *c;
	unsigned long irq;

	align = MAX(align, (size_t)8);
	if (!size || size > ((size_t)PAGE_SIZE << SLAB_MAX_ORDER) || (align & (align - 1)) ||
	    align > PAGE_SIZE)
		return NULL;
	slab_setup();
	c = cache_alloc(&cache_cache, sizeof(*c), 0);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	c->name = name;
	c->size = size;
	c->align = align;
	c->flags = flags & SLAB_NO_DEBUG;
	c->debug = IS_ENABLED(CONFIG_MM_DEBUG) && !(flags & SLAB_NO_DEBUG);
	if (!cache_geometry(c)) {
		internal_free(&cache_cache, c);
		return NULL;
	}
	irq = slab_lock_irqsave();
	list_add_tail(&c->link, &slab_caches);
	slab_unlock_irqrestore(irq);
	return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long irq;
	u64 active;

	if (!c)
		return;
	irq = slab_lock_irqsave();
	cpu_cache_flush(c, &c->cpu[this_cpu()->id], 0);
	active = c->allocs - c->frees + c->quarantined;
	if ((c->flags & SLAB_STATIC) || active) {
		slab_unlock_irqrestore(irq);
		pr_err("slab: cannot destroy cache %s (%sobjects in use: %llu): cache kept",
		       c->name, (c->flags & SLAB_STATIC) ? "static; " : "",
		       (unsigned long long)active);
		return;
	}
	list_del(&c->link);
	/* With nothing in use every slab is empty: on c->empty, or first on c->partial. */
	cache_release_empty_locked(c);
	slab_unlock_irqrestore(irq);
	internal_free(&cache_cache, c);
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	return cache_alloc(c, c->size, RET_ADDR);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *head;
	uintptr_t base;

	if (!obj)
		return;
	if (IS_ENABLED(CONFIG_MM_DEBUG) && !slab_head_page_checked((uintptr_t)obj)) {
		slab_report(c, obj, NULL, RET_ADDR, "kmem_cache_free of a pointer outside RAM");
		return;
	}
	head = obj_head_page(obj, &base);
	if (IS_ENABLED(CONFIG_MM_DEBUG) && (!(head->flags & PG_SLAB) || head->slab_cache != c)) {
		slab_report(c, obj, NULL, RET_ADDR, "kmem_cache_free to the wrong cache");
		return;
	}
	cache_free(c, (struct slab *)base, obj, RET_ADDR);
}

/* ---- kmalloc ---- */

/* The kmalloc class for 192 < size <= KMALLOC_MAX_CACHE. */
static struct kmem_cache *kmalloc_cache_big(size_t size)
{
	if (size <= 256)
		return &kmalloc_caches[7];
	if (size <= 512)
		return &kmalloc_caches[8];
	if (size <= 1024)
		return &kmalloc_caches[9];
	if (size <= 2048)
		return &kmalloc_caches[10];
	if (size <= 4096)
		return &kmalloc_caches[11];
	return &kmalloc_caches[12];
}

/* A request above KMALLOC_MAX_CACHE: whole pages, PG_LARGE on the head. */
static __noinline void *kmalloc_large(size_t size, uintptr_t site)
{
	struct slab_large *rec = NULL;
	struct page *head;
	unsigned long irq;
	u32 order = 0;
	void *p;

	if (size > KMALLOC_LARGE_MAX)
		return NULL;
	while (((size_t)PAGE_SIZE << order) < size)
		order++;
	if (IS_ENABLED(CONFIG_MM_DEBUG)) {
		rec = cache_alloc(&large_cache, sizeof(*rec), 0);
		if (!rec)
			return NULL;
	}
	head = page_alloc(order, PAF_COMPOUND);
	if (!head) {
		if (rec)
			internal_free(&large_cache, rec);
		return NULL;
	}
	p = page_address(head);
	head->flags |= PG_LARGE;
	irq = slab_lock_irqsave();
	mm_large_pages += 1ull << order;
	if (rec) {
		rec->addr = p;
		rec->size = size;
		rec->alloc_site = site;
		rec->gray_next = NULL;
		rec->mark = 0;
		list_add(&rec->link, &slab_large_list);
		head->private = (u64)(uintptr_t)rec;
	}
	slab_unlock_irqrestore(irq);
	return p;
}

static __noinline void kfree_other(struct page *head, const void *p, uintptr_t site)
{
	struct slab_large *rec;
	unsigned long irq;

	if (!head || !(head->flags & PG_LARGE)) {
		slab_report(NULL, p, NULL, site, "kfree of a pointer kmalloc did not return");
		return;
	}
	if (p != page_address(head)) {
		slab_report(NULL, p, NULL, site, "kfree of a pointer inside a large block");
		return;
	}
	irq = slab_lock_irqsave();
	mm_large_pages -= 1ull << head->order;
	rec = (struct slab_large *)(uintptr_t)head->private;
	if (rec)
		list_del(&rec->link);
	slab_unlock_irqrestore(irq);
	if (rec)
		internal_free(&large_cache, rec);
	head->flags &= (u16)~PG_LARGE;
	head->private = 0;
	page_free(head);
}

/* kmalloc for sizes above the small-class table. */
static __noinline void *kmalloc_big(size_t size, uintptr_t site)
{
	if (size > KMALLOC_MAX_CACHE)
		return kmalloc_large(size, site);
	return cache_alloc(kmalloc_cache_big(size), size, site);
}

static inline void *kmalloc_at(size_t size, uintptr_t site)
{
	if (likely(size <= 192))
		return cache_alloc(kmalloc_small[(size + 7) >> 3], size, site);
	return kmalloc_big(size, site);
}

void *kmalloc(size_t size)
{
	return kmalloc_at(size, RET_ADDR);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc_at(size, RET_ADDR);

	if (p)
		memset(p, 0, size);
	return p;
}

/* kfree in debug builds: validate the pointer, then take its cache's path. */
static __noinline void kfree_checked(const void *p, uintptr_t site)
{
	struct page *head;
	uintptr_t base;

	if (!slab_head_page_checked((uintptr_t)p)) {
		kfree_other(NULL, p, site);
		return;
	}
	head = obj_head_page(p, &base);
	if (!(head->flags & PG_SLAB)) {
		kfree_other(head, p, site);
		return;
	}
	cache_free(head->slab_cache, (struct slab *)base, (void *)p, site);
}

void kfree(const void *p)
{
	struct page *head;
	unsigned long irq;
	uintptr_t base;

	if (unlikely(!p))
		return;
	if (IS_ENABLED(CONFIG_MM_DEBUG)) {
		kfree_checked(p, RET_ADDR);
		return;
	}
	head = obj_head_page(p, &base);
	if (likely(head->flags & PG_SLAB)) {
		irq = arch_irq_save();
		cpu_cache_free(head->slab_cache, (void *)p);
		arch_irq_restore(irq);
		return;
	}
	irq = slab_lock_irqsave();
	kfree_other(head, p, RET_ADDR);
	slab_unlock_irqrestore(irq);
}

size_t ksize(const void *p)
{
	struct page *head;
	uintptr_t base;

	if (!p)
		return 0;
	if (IS_ENABLED(CONFIG_MM_DEBUG) && !slab_head_page_checked((uintptr_t)p))
		return 0;
	head = obj_head_page(p, &base);
	if (head->flags & PG_SLAB) {
		struct kmem_cache *c = head->slab_cache;

		if (IS_ENABLED(CONFIG_MM_DEBUG) && c->debug)
			debug_widen((struct slab *)base, c, p);
		return c->obj_size;
	}
	if (head->flags & PG_LARGE) {
		struct slab_large *rec = (struct slab_large *)(uintptr_t)head->private;

		if (rec)
			rec->size = (size_t)PAGE_SIZE << head->order;
		return (size_t)PAGE_SIZE << head->order;
	}
	return 0;
}

/* ---- statistics and maintenance ---- */

int kmem_cache_stats_all(struct kmem_cache_stats *out, int max)
{
	struct list_head *pos;
	unsigned long irq;
	int n = 0;

	slab_setup();
	irq = slab_lock_irqsave();
	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);

		if (n < max) {
			struct kmem_cache_stats *st = &out[n];

			st->name = c->name;
			st->obj_size = c->size;
			st->slot_size = c->slot_size;
			u64 parked = 0, allocs = 0, frees = 0;

			for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
				parked += c->cpu[cpu].count;
				allocs += c->cpu[cpu].allocs;
				frees += c->cpu[cpu].frees;
			}
			/* slab-level counts, minus what sits free in per-CPU stacks */
			st->active_objs = c->allocs - c->frees - parked + c->quarantined;
			st->total_objs = c->total_objs;
			st->slabs = c->slabs;
			st->pages = c->pages;
			st->allocs = c->debug ? c->allocs : allocs;
			st->frees = c->debug ? c->frees : frees;
		}
		n++;
	}
	slab_unlock_irqrestore(irq);
	return n;
}

void slab_flush_cpu_caches(void)
{
	struct list_head *pos;
	unsigned long irq = slab_lock_irqsave();

	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);

		cpu_cache_flush(c, &c->cpu[this_cpu()->id], 0);
	}
	slab_unlock_irqrestore(irq);
}

void slab_shrink_all(void)
{
	struct list_head *pos;
	unsigned long irq = slab_lock_irqsave();

	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);

		/* this CPU's parked objects only: other CPUs own theirs */
		cpu_cache_flush(c, &c->cpu[this_cpu()->id], 0);
		cache_release_empty_locked(c);
	}
	slab_unlock_irqrestore(irq);
}

/* Check the free objects of one slab; quarantine the damaged ones. */
static u64 debug_check_slab_locked(struct kmem_cache *c, struct slab *s)
{
	u64 before = debug_reports;
	void **link = &s->free;

	while (*link) {
		void *obj = *link;
		struct slab_track *t = slab_track_of(c, obj);

		if (!debug_is_free_object(c, s, obj)) {
			slab_report(c, obj, NULL, 0, "free list corrupted (link %p)", obj);
			*link = NULL; /* drop the rest of the list */
			break;
		}
		if (debug_check_free(c, obj, 0)) {
			link = &t->free_next;
			continue;
		}
		*link = t->free_next;
		t->state = TRACK_BAD;
		s->inuse++;
		c->quarantined++;
	}
	return debug_reports - before;
}

u64 slab_debug_check_all(void)
{
	struct list_head *pos, *sp, *tmp;
	unsigned long irq;
	u64 reports = 0;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return 0;
	irq = slab_lock_irqsave();
	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
		struct list_head todo = LIST_HEAD_INIT(todo);
		struct list_head *lists[] = {&c->partial, &c->empty};

		if (!c->debug)
			continue;
		/* Full slabs have no free objects; the others are refiled after the check. */
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each_safe (sp, tmp, lists[l]) {
				list_del(sp);
				list_add_tail(sp, &todo);
			}
		}
		c->nr_empty = 0;
		list_for_each_safe (sp, tmp, &todo) {
			struct slab *s = list_entry(sp, struct slab, link);

			reports += debug_check_slab_locked(c, s);
			list_del(sp);
			slab_file_locked(c, s);
		}
	}
	slab_unlock_irqrestore(irq);
	return reports;
}
