/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kmemleak.c - finds kmalloc and cache objects that nothing points to any
 * more (kmemleak_scan() in mm.h). Debug builds only: it relies on the slot
 * trailers of slab.h to know which objects are live and where they were
 * allocated.
 *
 * The scan is a mark and sweep over the allocator's own structures:
 *   1. every live tracked object (debug slab slots, large blocks) is unmarked;
 *   2. the roots are read as aligned 8-byte words; a word that points into a
 *      live object marks it and pushes it on a work list (linked through the
 *      trailer's free_next, or the large record's gray_next: no recursion,
 *      no allocation);
 *   3. objects popped off the work list have their contents read the same way;
 *   4. live objects still unmarked are leaks, reported grouped by call site.
 * Roots are the registered ranges, every thread's kernel stack (kstack.c),
 * plus the contents of caches that are not tracked (SLAB_NO_DEBUG; not the
 * allocator's internal ones). Slab
 * descriptors, free lists and this file's own state are never roots, so
 * they cannot keep an object alive. Lookup of a word is O(1): its page,
 * PG_SLAB or PG_LARGE, the slot index.
 *
 * The scan is conservative: any word that happens to look like a pointer
 * keeps an object alive (a missed leak, never a false report), and a root
 * range is read whole, dead stack frames included.
 *
 * Locking: the whole scan runs with interrupts disabled, so the caches stand
 * still (with SMP it will need every cache lock, or a stop-the-world). The
 * root table is changed with interrupts disabled too.
 */
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "kstack.h"
#include "ksyms.h"
#include "lib.h"
#include "mm.h"
#include "slab.h"

#define KMEMLEAK_MAX_ROOTS 32
#define KMEMLEAK_MAX_GROUPS 32

/* Leaked objects allocated at one call site. */
struct leak_group {
	uintptr_t site;
	u64 count, bytes;
	const void *first;
	size_t first_len;
};

/* All of the scanner's state, in one object so the root scan can skip it. */
static struct {
	struct kmemleak_root roots[KMEMLEAK_MAX_ROOTS];
	int nr_roots;
	void *gray; /* work list: marked objects whose contents are not scanned yet */
	struct leak_group groups[KMEMLEAK_MAX_GROUPS];
	int nr_groups;
	u64 other_count, other_bytes; /* leaks from sites beyond the group table */
} kml;

/* A live tracked object, as the scan sees it. */
struct leak_obj {
	void *start;
	size_t len; /* bytes to scan and to report */
	u16 *mark;
	void **gray_next;
	uintptr_t site;
};

void kmemleak_add_root(uintptr_t start, uintptr_t end)
{
	unsigned long irq;

	if (start >= end)
		return;
	irq = slab_lock_irqsave();
	if (kml.nr_roots < KMEMLEAK_MAX_ROOTS) {
		kml.roots[kml.nr_roots].start = start;
		kml.roots[kml.nr_roots].end = end;
		kml.nr_roots++;
		start = end = 0;
	}
	slab_unlock_irqrestore(irq);
	if (start)
		pr_warn("kmemleak: root table full, [%p, %p) not scanned", (void *)start,
			(void *)end);
}

/* Find the live tracked object that address v points into. */
static bool leak_lookup(uintptr_t v, struct leak_obj *o)
{
	struct page *head = slab_head_page_checked(v);

	if (!head)
		return false;
	if (head->flags & PG_SLAB) {
		struct kmem_cache *c = head->slab_cache;
		struct slab *s = page_address(head);
		struct slab_track *t;
		long i;

		if (!c->debug)
			return false;
		i = slab_slot_index(c, s, v);
		if (i < 0)
			return false;
		o->start = slab_object(c, s, (u32)i);
		t = slab_track_of(c, o->start);
		if (t->state != TRACK_LIVE || v < (uintptr_t)o->start ||
		    v >= (uintptr_t)o->start + c->obj_size)
			return false;
		o->len = t->req_size;
		o->mark = &t->mark;
		o->gray_next = &t->free_next;
		o->site = t->alloc_site;
		return true;
	}
	if (head->flags & PG_LARGE) {
		struct slab_large *rec = (struct slab_large *)(uintptr_t)head->private;

		if (!rec || v < (uintptr_t)rec->addr || v >= (uintptr_t)rec->addr + rec->size)
			return false;
		o->start = rec->addr;
		o->len = rec->size;
		o->mark = &rec->mark;
		o->gray_next = &rec->gray_next;
		o->site = rec->alloc_site;
		return true;
	}
	return false;
}

/* Mark every live object a word of [start, end) points into and queue it for scanning. */
static void scan_words(uintptr_t start, uintptr_t end)
{
	struct leak_obj o;

	for (uintptr_t p = ALIGN_UP(start, 8); p + 8 <= end; p += 8) {
		if (leak_lookup(*(const uintptr_t *)p, &o) && !*o.mark) {
			*o.mark = 1;
			*o.gray_next = kml.gray;
			kml.gray = o.start;
		}
	}
}

/* Scan a root, minus this file's own state. */
static void scan_root(uintptr_t start, uintptr_t end)
{
	uintptr_t self = (uintptr_t)&kml, self_end = self + sizeof(kml);

	if (end <= self || start >= self_end) {
		scan_words(start, end);
		return;
	}
	if (start < self)
		scan_words(start, self);
	if (end > self_end)
		scan_words(self_end, end);
}

static void scan_gray(void);

/* A thread's kernel stack: a sleeping thread may hold the only pointer there. */
static void scan_stack(vaddr_t bottom, vaddr_t top)
{
	scan_words(bottom, top);
	scan_gray();
}

/* Scan the contents of queued objects until the work list is empty. */
static void scan_gray(void)
{
	struct leak_obj o;

	while (kml.gray) {
		void *obj = kml.gray;

		if (!leak_lookup((uintptr_t)obj, &o)) /* cannot happen: it was live a moment ago */
			break;
		kml.gray = *o.gray_next;
		*o.gray_next = NULL;
		scan_words((uintptr_t)o.start, (uintptr_t)o.start + o.len);
	}
}

/* Phase 1: unmark every live object; scan untracked caches as roots. */
static void leak_prepare_locked(void)
{
	struct list_head *pos, *sp;

	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
		struct list_head *lists[] = {&c->partial, &c->full};

		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each (sp, lists[l]) {
				struct slab *s = list_entry(sp, struct slab, link);

				if (!c->debug)
					continue;
				for (u32 i = 0; i < s->nr_objs; i++)
					slab_track_of(c, slab_object(c, s, i))->mark = 0;
			}
		}
	}
	list_for_each (pos, &slab_large_list) {
		list_entry(pos, struct slab_large, link)->mark = 0;
	}
}

/* Untracked (SLAB_NO_DEBUG) caches: their slots, free or not, count as roots. */
static void scan_untracked_locked(void)
{
	struct list_head *pos, *sp;

	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
		struct list_head *lists[] = {&c->partial, &c->full};

		if (c->debug || (c->flags & SLAB_INTERNAL))
			continue;
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each (sp, lists[l]) {
				struct slab *s = list_entry(sp, struct slab, link);
				uintptr_t first = (uintptr_t)s + c->objs_off;

				scan_words(first, first + (uintptr_t)s->nr_objs * c->slot_size);
				scan_gray();
			}
		}
	}
}

static void leak_record(uintptr_t site, size_t bytes, const void *obj)
{
	for (int i = 0; i < kml.nr_groups; i++) {
		if (kml.groups[i].site == site) {
			kml.groups[i].count++;
			kml.groups[i].bytes += bytes;
			return;
		}
	}
	if (kml.nr_groups == KMEMLEAK_MAX_GROUPS) {
		kml.other_count++;
		kml.other_bytes += bytes;
		return;
	}
	kml.groups[kml.nr_groups++] = (struct leak_group){site, 1, bytes, obj, bytes};
}

/* Phase 4: every live object left unmarked is a leak. Returns how many. */
static int leak_sweep_locked(void)
{
	struct list_head *pos, *sp;
	int leaks = 0;

	list_for_each (pos, &slab_caches) {
		struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
		struct list_head *lists[] = {&c->partial, &c->full};

		if (!c->debug)
			continue;
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each (sp, lists[l]) {
				struct slab *s = list_entry(sp, struct slab, link);

				for (u32 i = 0; i < s->nr_objs; i++) {
					void *obj = slab_object(c, s, i);
					struct slab_track *t = slab_track_of(c, obj);

					if (t->state == TRACK_LIVE && !t->mark) {
						leak_record(t->alloc_site, t->req_size, obj);
						leaks++;
					}
				}
			}
		}
	}
	list_for_each (pos, &slab_large_list) {
		struct slab_large *rec = list_entry(pos, struct slab_large, link);

		if (!rec->mark) {
			leak_record(rec->alloc_site, rec->size, rec->addr);
			leaks++;
		}
	}
	return leaks;
}

/*
 * The first words of a leaked object: its type often shows in them (an
 * operations table, a back pointer), which the allocation site alone does
 * not tell. Nothing points to the object, so nothing frees it meanwhile.
 */
static void leak_print_words(const void *obj, size_t len)
{
	const u64 *w = obj;
	u64 v[6] = {0};
	size_t n = MIN(len / 8, ARRAY_SIZE(v));

	for (size_t i = 0; i < n; i++)
		v[i] = w[i];
	pr_warn("kmemleak:   first words: %016llx %016llx %016llx %016llx %016llx %016llx",
		(unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
		(unsigned long long)v[3], (unsigned long long)v[4], (unsigned long long)v[5]);
}

static void leak_print(int leaks)
{
	char site[64];

	for (int i = 0; i < kml.nr_groups; i++) {
		const struct leak_group *g = &kml.groups[i];

		ksym_format(g->site, site, sizeof(site));
		pr_warn("kmemleak: %llu object%s (%llu bytes) unreachable, allocated at %s, "
			"first at %p",
			(unsigned long long)g->count, g->count == 1 ? "" : "s",
			(unsigned long long)g->bytes, site, g->first);
		leak_print_words(g->first, g->first_len);
	}
	if (kml.other_count)
		pr_warn("kmemleak: %llu more objects (%llu bytes) unreachable, from other sites",
			(unsigned long long)kml.other_count, (unsigned long long)kml.other_bytes);
	if (leaks)
		pr_warn("kmemleak: %d unreachable object%s", leaks, leaks == 1 ? "" : "s");
	else
		pr_info("kmemleak: no leaks found");
}

int kmemleak_scan(void)
{
	unsigned long irq;
	int leaks;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return -ENOSYS;
	irq = slab_lock_irqsave();
	kml.gray = NULL;
	kml.nr_groups = 0;
	kml.other_count = kml.other_bytes = 0;
	memset(kml.groups, 0, sizeof(kml.groups));
	leak_prepare_locked();
	for (int i = 0; i < kml.nr_roots; i++) {
		scan_root(kml.roots[i].start, kml.roots[i].end);
		scan_gray();
	}
	kstack_for_each(scan_stack);
	scan_untracked_locked();
	leaks = leak_sweep_locked();
	slab_unlock_irqrestore(irq);
	leak_print(leaks);
	return leaks;
}
