/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_slab.c - host tests of the slab allocator and kmemleak
 * (kernel/mm/slab.c, kmemleak.c), compiled unchanged on top of the real page
 * allocator driving fake RAM. slab.mk builds this file twice: with
 * CONFIG_MM_DEBUG=1 (test_slab) and without (test_slab_nodebug, which
 * includes this file); cases for debug-only features check IS_ENABLED.
 *
 * The randomized run checks after every step that the object just touched is
 * sane, and every few hundred steps that all live objects are intact, do not
 * overlap and agree with the cache statistics; freeing everything must give
 * every page back to the page allocator.
 */
#include <stdlib.h>

#include "config.h"
#include "errno.h"
#include "fake_ram.h"
#include "klog.h"
#include "kstack.h"
#include "ksyms.h"
#include "mm.h"
#include "slab.h"
#include "unit.h"

#define NPAGES 8192 /* 32 MiB of fake RAM */
#define NROOTS 16

/* kmemleak's only root in these tests (the host stack and heap are not scanned). */
static void *roots[NROOTS];

/* No kernel thread stacks on the host: kmemleak has no stack roots to scan. */
void kstack_for_each(void (*fn)(vaddr_t bottom, vaddr_t top))
{
	(void)fn;
}

/* ---- call-site helpers and a symbol table that names them ---- */

static volatile int helper_calls[8];
#define OPAQUE(p) __asm__ volatile("" : : "r"(p) : "memory") /* no tail call, no folding */

static __noinline void *t_alloc(size_t n)
{
	void *p = kmalloc(n);

	helper_calls[0]++;
	OPAQUE(p);
	return p;
}

static __noinline void *t_alloc_leak(size_t n)
{
	void *p = kmalloc(n);

	helper_calls[1]++;
	OPAQUE(p);
	return p;
}

static __noinline void *t_alloc_kept(size_t n)
{
	void *p = kmalloc(n);

	helper_calls[2]++;
	OPAQUE(p);
	return p;
}

static __noinline void *t_cache_alloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);

	helper_calls[3]++;
	OPAQUE(p);
	return p;
}

static __noinline void t_free(void *p)
{
	kfree(p);
	helper_calls[4]++;
	OPAQUE(p);
}

static __noinline void t_free_again(void *p)
{
	kfree(p);
	helper_calls[5]++;
	OPAQUE(p);
}

/*
 * The kernel symbol table that kernel/core/ksyms.c reads (it declares these
 * const; they are filled here at start-up because the helpers' addresses are
 * only known at run time), so reports name the helpers as in the kernel.
 */
u64 ksyms_count, ksyms_text_end;
u64 ksyms_addrs[6];
u32 ksyms_name_offs[6];
char ksyms_names[128];

__attribute__((constructor)) static void build_ksyms(void)
{
	struct {
		u64 addr;
		const char *name;
	} s[6] = {
		{(u64)(uintptr_t)t_alloc, "t_alloc"},
		{(u64)(uintptr_t)t_alloc_leak, "t_alloc_leak"},
		{(u64)(uintptr_t)t_alloc_kept, "t_alloc_kept"},
		{(u64)(uintptr_t)t_cache_alloc, "t_cache_alloc"},
		{(u64)(uintptr_t)t_free, "t_free"},
		{(u64)(uintptr_t)t_free_again, "t_free_again"},
	};
	u32 off = 0;

	for (int i = 1; i < 6; i++) /* insertion sort by address */
		for (int j = i; j > 0 && s[j].addr < s[j - 1].addr; j--) {
			__typeof__(s[0]) tmp = s[j];

			s[j] = s[j - 1];
			s[j - 1] = tmp;
		}
	for (int i = 0; i < 6; i++) {
		ksyms_addrs[i] = s[i].addr;
		ksyms_name_offs[i] = off;
		strcpy(ksyms_names + off, s[i].name);
		off += (u32)strlen(s[i].name) + 1;
	}
	ksyms_text_end = s[5].addr + 0x1000;
	ksyms_count = 6;
}

/* ---- set-up and inspection ---- */

static void setup(void)
{
	static bool done;

	if (done)
		return;
	fake_ram_init(NPAGES);
	kmemleak_add_root((uintptr_t)roots, (uintptr_t)(roots + NROOTS));
	done = true;
}

/* Free pages once cached empty slabs are given back. */
static u64 free_pages(void)
{
	struct mm_stats st;

	slab_shrink_all();
	mm_stats_get(&st);
	return st.free_pages;
}

static bool cache_stats(const char *name, struct kmem_cache_stats *out)
{
	static struct kmem_cache_stats st[64];
	int n = kmem_cache_stats_all(st, 64);

	for (int i = 0; i < n && i < 64; i++) {
		if (strcmp(st[i].name, name) == 0) {
			*out = st[i];
			return true;
		}
	}
	return false;
}

static u64 log_mark(void)
{
	struct klog_record rec;
	u64 seq = 0;

	while (klog_read(&seq, &rec))
		;
	return seq;
}

/* Number of records since seq that contain both a and b (b may be NULL). */
static int log_count(u64 seq, const char *a, const char *b)
{
	static struct klog_record rec;
	int n = 0;

	while (klog_read(&seq, &rec))
		if (strstr(rec.text, a) && (!b || strstr(rec.text, b)))
			n++;
	return n;
}

/* The level of the first record since seq that contains a, or -1. */
static int log_level(u64 seq, const char *a)
{
	static struct klog_record rec;

	while (klog_read(&seq, &rec))
		if (strstr(rec.text, a))
			return rec.level;
	return -1;
}

static size_t kmalloc_class(size_t n)
{
	static const size_t classes[] = {8,   16,  32,	 64,   96,   128, 192,
					 256, 512, 1024, 2048, 4096, 8192};

	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (n <= classes[i])
			return classes[i];
	return 0;
}

/* ---- basic behaviour (both builds) ---- */

UNIT_TEST(kmalloc_every_size_class)
{
	static const size_t sizes[] = {0,    1,	   7,	 8,    9,    16,   17,	 32,
				       33,   64,   65,	 96,   97,   128,  129,	 192,
				       193,  256,  257,	 512,  513,  1000, 1024, 1025,
				       2048, 2049, 4095, 4096, 4097, 8191, 8192};

	setup();
	u64 start = free_pages();
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		u8 *p = kmalloc(n);

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_EQ(ksize(p), kmalloc_class(n));
		CHECK(IS_ALIGNED((uintptr_t)p, kmalloc_class(n) >= 16 ? 16 : 8));
		memset(p, 0xab, n);
		kfree(p);
	}
	CHECK_EQ(free_pages(), start);
}

UNIT_TEST(kmalloc_large_uses_pages)
{
	static const size_t sizes[] = {8193, 12288, 12289, 65536, 100000, 1 << 20};

	setup();
	u64 start = free_pages(), large = mm_large_pages;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i], block = PAGE_SIZE;
		u8 *p = kmalloc(n);

		while (block < n)
			block <<= 1;
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
		CHECK_EQ(ksize(p), block);
		CHECK_EQ(mm_large_pages - large, block / PAGE_SIZE);
		memset(p, 0x5c, n);
		kfree(p);
		CHECK_EQ(mm_large_pages, large);
	}
	CHECK(kmalloc((size_t)PAGE_SIZE << MAX_ORDER) == NULL);
	CHECK(kmalloc(~(size_t)0) == NULL);
	CHECK_EQ(free_pages(), start);
}

UNIT_TEST(kzalloc_zeroes_and_null_is_harmless)
{
	setup();
	u8 *p = kmalloc(100);

	CHECK(p != NULL);
	memset(p, 0xff, 100);
	kfree(p);
	p = kzalloc(100);
	CHECK(p != NULL);
	for (int i = 0; p && i < 100; i++)
		CHECK_EQ(p[i], 0);
	kfree(p);
	p = kzalloc(20000);
	CHECK(p != NULL);
	for (int i = 0; p && i < 20000; i++)
		if (p[i])
			CHECK_EQ(p[i], 0);
	kfree(p);
	kfree(NULL);
	CHECK_EQ(ksize(NULL), 0);
}

UNIT_TEST(kmalloc_counts_allocs_and_frees)
{
	struct kmem_cache_stats a, b;
	void *v[10];

	setup();
	CHECK(cache_stats("kmalloc-64", &a));
	for (int i = 0; i < 10; i++)
		v[i] = kmalloc(60);
	CHECK(cache_stats("kmalloc-64", &b));
	CHECK_EQ(b.allocs - a.allocs, 10);
	CHECK_EQ(b.active_objs - a.active_objs, 10);
	CHECK_EQ(b.obj_size, 64);
	for (int i = 0; i < 10; i++)
		kfree(v[i]);
	CHECK(cache_stats("kmalloc-64", &b));
	CHECK_EQ(b.frees - a.frees, 10);
	CHECK_EQ(b.active_objs, a.active_objs);
}

UNIT_TEST(kmalloc_slab_geometry_wastes_little)
{
	static const size_t classes[] = {8,   16,  32,	 64,   96,   128, 192,
					 256, 512, 1024, 2048, 4096, 8192};

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		struct kmem_cache_stats st;
		char name[32];
		void *p = kmalloc(classes[i]);

		snprintf(name, sizeof(name), "kmalloc-%zu", classes[i]);
		CHECK(cache_stats(name, &st));
		CHECK(st.slabs > 0);
		if (st.slabs) {
			u64 per_slab = st.total_objs / st.slabs, bytes = st.pages * PAGE_SIZE;

			CHECK(per_slab >= SLAB_MIN_OBJS);
			CHECK(st.total_objs * st.slot_size * 8 >= bytes * 7);
			CHECK(st.slot_size >= classes[i]);
		}
		kfree(p);
	}
}

UNIT_TEST(cache_create_alloc_free_destroy)
{
	struct kmem_cache_stats st;
	struct kmem_cache *c;
	void *v[100];

	setup();
	u64 start = free_pages();
	c = kmem_cache_create("t_objs", 100, 64, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(cache_stats("t_objs", &st));
	CHECK_EQ(st.obj_size, 100);
	CHECK_EQ(st.active_objs, 0);
	for (int i = 0; i < 100; i++) {
		v[i] = kmem_cache_alloc(c);
		CHECK(v[i] != NULL);
		CHECK(IS_ALIGNED((uintptr_t)v[i], 64));
		memset(v[i], i, 100);
	}
	CHECK(cache_stats("t_objs", &st));
	CHECK_EQ(st.active_objs, 100);
	CHECK_EQ(st.allocs, 100);
	CHECK(st.total_objs >= 100);
	CHECK(st.slot_size % 64 == 0);
	CHECK_EQ(ksize(v[0]), 104);
	for (int i = 0; i < 100; i++) {
		u8 *b = v[i];

		CHECK(b[0] == (u8)i && b[99] == (u8)i);
		kmem_cache_free(c, v[i]);
	}
	kmem_cache_free(c, NULL);
	slab_flush_cpu_caches(); /* parked free objects would keep their slabs */
	CHECK(cache_stats("t_objs", &st));
	CHECK_EQ(st.active_objs, 0);
	CHECK_EQ(st.frees, 100);
	CHECK(st.slabs <= SLAB_EMPTY_KEEP + 1); /* + the one allocations come from */
	kmem_cache_destroy(c);
	kmem_cache_destroy(NULL);
	CHECK(!cache_stats("t_objs", &st));
	CHECK_EQ(free_pages(), start);
}

UNIT_TEST(cache_create_rejects_bad_arguments)
{
	setup();
	CHECK(kmem_cache_create("bad", 0, 0, 0) == NULL);
	CHECK(kmem_cache_create("bad", 64, 24, 0) == NULL);
	CHECK(kmem_cache_create("bad", 64, 2 * PAGE_SIZE, 0) == NULL);
	CHECK(kmem_cache_create("bad", (size_t)1 << 30, 0, 0) == NULL);
	struct kmem_cache *c = kmem_cache_create("odd", 1, 1, 0); /* align < 8 means 8 */

	CHECK(c != NULL);
	if (c) {
		void *p = kmem_cache_alloc(c);

		CHECK(p && IS_ALIGNED((uintptr_t)p, 8));
		kmem_cache_free(c, p);
		kmem_cache_destroy(c);
	}
}

UNIT_TEST(cache_destroy_refuses_while_in_use)
{
	struct kmem_cache_stats st;
	struct kmem_cache *c;
	void *p;

	setup();
	c = kmem_cache_create("t_busy", 40, 0, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	p = kmem_cache_alloc(c);
	u64 seq = log_mark();

	kmem_cache_destroy(c);
	CHECK_EQ(log_count(seq, "cannot destroy cache t_busy", NULL), 1);
	CHECK(cache_stats("t_busy", &st));
	CHECK_EQ(st.active_objs, 1);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	CHECK(!cache_stats("t_busy", &st));
}

UNIT_TEST(empty_slabs_go_back_to_the_page_allocator)
{
	struct kmem_cache_stats st;
	struct kmem_cache *c;
	static void *v[2000];

	setup();
	u64 start = free_pages();
	c = kmem_cache_create("t_empty", 512, 0, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	for (int i = 0; i < 2000; i++)
		v[i] = kmem_cache_alloc(c);
	CHECK(cache_stats("t_empty", &st));
	CHECK(st.slabs > 10);
	CHECK_EQ(mm_slab_pages >= st.pages, 1);
	for (int i = 0; i < 2000; i++)
		kmem_cache_free(c, v[i]);
	slab_flush_cpu_caches();
	CHECK(cache_stats("t_empty", &st));
	CHECK(st.slabs <= SLAB_EMPTY_KEEP + 1); /* + the one allocations come from */
	CHECK_EQ(st.active_objs, 0);
	kmem_cache_destroy(c);
	CHECK_EQ(free_pages(), start);
}

/* ---- randomized run ---- */

#define STRESS_MAX 3000
#define STRESS_STEPS 60000
#define STRESS_CACHES 3

struct live_obj {
	u8 *p;
	size_t size;
	int cache; /* index into stress caches, -1 for kmalloc */
	u8 seed;
};

static struct {
	const char *name;
	size_t size, align;
	u32 flags;
	struct kmem_cache *c;
} sc[STRESS_CACHES] = {
	{"t_small", 24, 0, 0, NULL},
	{"t_aligned", 200, 128, 0, NULL},
	{"t_plain", 3000, 16, SLAB_NO_DEBUG, NULL},
};

static u32 rng_state;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static size_t random_size(void)
{
	u32 r = rng() % 100;

	if (r < 60)
		return rng() % 200;
	if (r < 90)
		return 192 + rng() % 2000;
	if (r < 98)
		return rng() % 8300;
	return 8193 + rng() % 40000;
}

static void obj_fill(const struct live_obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		o->p[i] = (u8)(o->seed + i * 13);
}

static bool obj_intact(const struct live_obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		if (o->p[i] != (u8)(o->seed + i * 13))
			return false;
	return true;
}

struct range {
	uintptr_t start, end;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Active objects of the cache with this name (0 if there is none). */
static u64 active_of(const char *name)
{
	struct kmem_cache_stats st;

	return cache_stats(name, &st) ? st.active_objs : 0;
}

/* Everything about the live set at once: contents, overlap, statistics, page counters. */
static void stress_check_all(const struct live_obj *live, int n, const u64 *base_active,
			     u64 base_large)
{
	static struct range r[STRESS_MAX];
	static const size_t classes[] = {8,   16,  32,	 64,   96,   128, 192,
					 256, 512, 1024, 2048, 4096, 8192};
	static struct kmem_cache_stats st[64];
	u64 count[ARRAY_SIZE(classes) + STRESS_CACHES] = {0};
	u64 large_pages = 0, slab_pages = 0;
	int nst;

	for (int i = 0; i < n; i++) {
		const struct live_obj *o = &live[i];
		size_t usable = ksize(o->p);

		CHECK(obj_intact(o));
		CHECK(usable >= o->size);
		r[i].start = (uintptr_t)o->p;
		r[i].end = (uintptr_t)o->p + usable;
		if (o->cache >= 0) {
			count[ARRAY_SIZE(classes) + (size_t)o->cache]++;
		} else if (o->size > KMALLOC_MAX_CACHE) {
			large_pages += usable / PAGE_SIZE;
		} else {
			for (size_t k = 0; k < ARRAY_SIZE(classes); k++)
				if (classes[k] == kmalloc_class(o->size))
					count[k]++;
		}
	}
	qsort(r, (size_t)n, sizeof(r[0]), range_cmp);
	for (int i = 0; i + 1 < n; i++)
		CHECK(r[i].end <= r[i + 1].start);
	for (size_t k = 0; k < ARRAY_SIZE(classes); k++) {
		char name[32];

		snprintf(name, sizeof(name), "kmalloc-%zu", classes[k]);
		CHECK_EQ(active_of(name) - base_active[k], count[k]);
	}
	for (int k = 0; k < STRESS_CACHES; k++)
		CHECK_EQ(active_of(sc[k].name), count[ARRAY_SIZE(classes) + (size_t)k]);
	nst = kmem_cache_stats_all(st, 64);
	for (int i = 0; i < nst && i < 64; i++) {
		CHECK(st[i].active_objs <= st[i].total_objs);
		CHECK(st[i].total_objs * st[i].slot_size <= st[i].pages * PAGE_SIZE);
		slab_pages += st[i].pages;
	}
	CHECK_EQ(mm_slab_pages, slab_pages);
	CHECK_EQ(mm_large_pages - base_large, large_pages);
}

UNIT_TEST(random_alloc_free_keeps_invariants)
{
	static struct live_obj live[STRESS_MAX];
	static const size_t classes[] = {8,   16,  32,	 64,   96,   128, 192,
					 256, 512, 1024, 2048, 4096, 8192};
	u64 base_active[ARRAY_SIZE(classes)];
	u64 reports = slab_debug_reports();
	int n = 0;

	setup();
	u64 start = free_pages(), base_large = mm_large_pages;
	for (size_t k = 0; k < ARRAY_SIZE(classes); k++) {
		char name[32];

		snprintf(name, sizeof(name), "kmalloc-%zu", classes[k]);
		base_active[k] = active_of(name);
	}
	for (int k = 0; k < STRESS_CACHES; k++) {
		sc[k].c = kmem_cache_create(sc[k].name, sc[k].size, sc[k].align, sc[k].flags);
		CHECK(sc[k].c != NULL);
		if (!sc[k].c)
			return;
	}
	rng_state = 0x12345678;
	for (int step = 0; step < STRESS_STEPS; step++) {
		/* Alternate growing and shrinking phases so slabs fill up and drain. */
		u32 alloc_pct = (step / 5000) % 2 ? 35 : 65;

		if (n < STRESS_MAX && (n == 0 || rng() % 100 < alloc_pct)) {
			struct live_obj *o = &live[n];
			u32 kind = rng() % 4;

			o->cache = kind < STRESS_CACHES && rng() % 2 ? (int)kind : -1;
			o->size = o->cache >= 0 ? sc[o->cache].size : random_size();
			o->seed = (u8)rng();
			o->p = o->cache >= 0 ? kmem_cache_alloc(sc[o->cache].c) : kmalloc(o->size);
			CHECK(o->p != NULL);
			if (!o->p)
				break;
			if (o->cache >= 0) {
				size_t al = sc[o->cache].align ? sc[o->cache].align : 8;

				CHECK(IS_ALIGNED((uintptr_t)o->p, al));
			} else if (o->size > KMALLOC_MAX_CACHE) {
				CHECK(IS_ALIGNED((uintptr_t)o->p, PAGE_SIZE));
			} else {
				CHECK(IS_ALIGNED((uintptr_t)o->p,
						 kmalloc_class(o->size) >= 16 ? 16 : 8));
			}
			obj_fill(o);
			n++;
		} else {
			int i = (int)(rng() % (u32)n);
			struct live_obj *o = &live[i];

			CHECK(obj_intact(o));
			if (o->cache >= 0)
				kmem_cache_free(sc[o->cache].c, o->p);
			else
				kfree(o->p);
			live[i] = live[--n];
		}
		if (step % 500 == 0)
			stress_check_all(live, n, base_active, base_large);
	}
	stress_check_all(live, n, base_active, base_large);
	while (n > 0) {
		struct live_obj *o = &live[--n];

		CHECK(obj_intact(o));
		if (o->cache >= 0)
			kmem_cache_free(sc[o->cache].c, o->p);
		else
			kfree(o->p);
	}
	for (int k = 0; k < STRESS_CACHES; k++)
		kmem_cache_destroy(sc[k].c);
	CHECK_EQ(slab_debug_reports(), reports);
	CHECK_EQ(mm_large_pages, base_large);
	CHECK_EQ(free_pages(), start);
}

/* ---- running out of memory ---- */

static int fill_until_null(void **v, int max, size_t size)
{
	int n = 0;

	while (n < max && (v[n] = kmalloc(size)) != NULL)
		n++;
	return n;
}

UNIT_TEST(exhaustion_returns_null_and_recovers)
{
	const int max = NPAGES * (PAGE_SIZE / 8);
	void **v = malloc((size_t)max * sizeof(*v));
	static const size_t sizes[] = {64, 3000, 8192, 50000, 8};
	u64 reports = slab_debug_reports();

	setup();
	u64 start = free_pages();
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		int n = fill_until_null(v, max, sizes[s]);
		struct kmem_cache *c;

		CHECK(n > 0 && n < max);
		CHECK(kmalloc(sizes[s]) == NULL);
		CHECK(kmalloc(100000) == NULL);
		c = kmem_cache_create("t_oom", 4000, 0, 0);
		if (c) {
			void *x = kmem_cache_alloc(c);

			CHECK(x == NULL || sizes[s] != 64); /* no page left after 64-byte objects */
			kmem_cache_free(c, x);
			kmem_cache_destroy(c);
		}
		for (int i = 0; i < n; i++)
			kfree(v[i]);
		CHECK_EQ(free_pages(), start);
	}
	/* Mixed sizes until everything fails. */
	int n = 0;

	rng_state = 99;
	while (n < max) {
		void *p = kmalloc(random_size());

		if (!p)
			p = kmalloc(8);
		if (!p)
			break;
		v[n++] = p;
	}
	CHECK(n > 0 && n < max);
	while (n > 0)
		kfree(v[--n]);
	CHECK_EQ(free_pages(), start);
	CHECK_EQ(slab_debug_reports(), reports);
	free(v);
}

/* ---- debug checks (CONFIG_MM_DEBUG) ---- */

UNIT_TEST(double_free_reported_once)
{
	u8 *p, *q, *r;
	u64 seq, reports;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	p = t_alloc(64);
	slab_shrink_all(); /* so p's slab, if it empties, is kept rather than freed */
	t_free(p);
	seq = log_mark();
	reports = slab_debug_reports();
	t_free_again(p);
	CHECK_EQ(slab_debug_reports() - reports, 1);
	CHECK_EQ(log_count(seq, "double free", "found by t_free_again+"), 1);
	CHECK_EQ(log_count(seq, "kmalloc-64", NULL), 1);
	CHECK_EQ(log_count(seq, "allocated at t_alloc+", "freed at t_free+"), 1);
	CHECK_EQ(log_level(seq, "double free"), KLOG_ERR);
	/* The slot went back once only: two new objects are distinct. */
	q = kmalloc(64);
	r = kmalloc(64);
	CHECK(q && r && q != r);
	kfree(q);
	kfree(r);
	CHECK_EQ(slab_debug_reports() - reports, 1);
}

UNIT_TEST(use_after_free_write_reported_on_reuse)
{
	static void *v[4000];
	u64 seq, reports;
	int n = 0;
	u8 *p;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	p = t_alloc(64);
	slab_shrink_all(); /* so p's slab, if it empties, is kept rather than freed */
	t_free(p);
	p[10] = 0x42; /* the bug */
	seq = log_mark();
	reports = slab_debug_reports();
	/* Allocate until the damaged slot comes up; it must never be handed out. */
	while (n < 4000 && slab_debug_reports() == reports) {
		v[n] = kmalloc(64);
		CHECK(v[n] != p);
		n++;
	}
	CHECK_EQ(slab_debug_reports() - reports, 1);
	CHECK_EQ(log_count(seq, "use-after-free write at offset 10", NULL), 1);
	CHECK_EQ(log_count(seq, "allocated at t_alloc+", "freed at t_free+"), 1);
	while (n > 0)
		kfree(v[--n]);
	CHECK_EQ(slab_debug_reports() - reports, 1);
}

UNIT_TEST(use_after_free_write_found_by_check)
{
	u64 seq, reports;
	u8 *p;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	p = t_alloc(200);
	slab_shrink_all();
	t_free(p);
	p[199] = 0;
	seq = log_mark();
	reports = slab_debug_reports();
	CHECK_EQ(slab_debug_check_all(), 1);
	CHECK_EQ(slab_debug_reports() - reports, 1);
	CHECK_EQ(log_count(seq, "use-after-free write at offset 199", "kmalloc-256"), 1);
	CHECK_EQ(slab_debug_check_all(), 0); /* quarantined: reported once */
}

UNIT_TEST(overflow_reported_at_free)
{
	static void *v[1000];
	u64 seq, reports;
	u8 *p;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	p = t_alloc(64);
	p[64] = 1;
	seq = log_mark();
	reports = slab_debug_reports();
	t_free(p);
	CHECK_EQ(slab_debug_reports() - reports, 1);
	CHECK_EQ(log_count(seq, "overflow: byte +64 of a 64-byte object", "found by t_free+"), 1);
	CHECK_EQ(log_count(seq, "allocated at t_alloc+", NULL), 1);
	/* The damaged object is never handed out again. */
	for (int i = 0; i < 1000; i++) {
		v[i] = kmalloc(64);
		CHECK(v[i] != p);
	}
	for (int i = 0; i < 1000; i++)
		kfree(v[i]);
	/* An overflow inside the size class, past the requested size, is caught too. */
	p = t_alloc(50);
	p[50] = 0;
	seq = log_mark();
	t_free(p);
	CHECK_EQ(slab_debug_reports() - reports, 2);
	CHECK_EQ(log_count(seq, "overflow: byte +50 of a 50-byte object", NULL), 1);
}

UNIT_TEST(underflow_reported_at_free)
{
	struct kmem_cache *c;
	u64 seq, reports;
	u8 *p;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	p = t_alloc(128);
	p[-1] = 0;
	seq = log_mark();
	reports = slab_debug_reports();
	t_free(p);
	CHECK_EQ(slab_debug_reports() - reports, 1);
	CHECK_EQ(log_count(seq, "underflow: redzone byte -1 before the object", "kmalloc-128"), 1);
	CHECK_EQ(log_count(seq, "allocated at t_alloc+", NULL), 1);
	/* Same in a cache of its own. */
	c = kmem_cache_create("t_under", 40, 0, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	p = t_cache_alloc(c);
	p[-3] = 7;
	seq = log_mark();
	kmem_cache_free(c, p);
	CHECK_EQ(slab_debug_reports() - reports, 2);
	CHECK_EQ(log_count(seq, "underflow: redzone byte -3", "t_under"), 1);
	CHECK_EQ(log_count(seq, "allocated at t_cache_alloc+", NULL), 1);
	/* The quarantined object keeps the cache alive. */
	kmem_cache_destroy(c);
	CHECK(cache_stats("t_under", &(struct kmem_cache_stats){0}));
}

UNIT_TEST(ksize_lets_caller_use_whole_class)
{
	u64 reports = slab_debug_reports();
	u8 *p;

	setup();
	p = kmalloc(50);
	CHECK_EQ(ksize(p), 64);
	memset(p, 1, 64);
	kfree(p);
	CHECK_EQ(slab_debug_reports(), reports);
}

UNIT_TEST(bad_frees_reported)
{
	static char not_heap[64];
	struct kmem_cache *a, *b;
	u64 seq, reports;
	u8 *p, *q;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	reports = slab_debug_reports();
	p = kmalloc(100);
	seq = log_mark();
	kfree(p + 8);
	CHECK_EQ(log_count(seq, "invalid free (not the start of an object)", NULL), 1);
	kfree(not_heap);
	CHECK_EQ(log_count(seq, "kfree of a pointer kmalloc did not return", NULL), 1);
	q = kmalloc(30000);
	kfree(q + PAGE_SIZE);
	CHECK_EQ(log_count(seq, "inside a large block", NULL), 1);
	kfree(q);
	kfree(q); /* double free of a large block: its pages are free now */
	CHECK_EQ(log_count(seq, "kfree of a pointer kmalloc did not return", NULL), 2);
	a = kmem_cache_create("t_a", 32, 0, 0);
	b = kmem_cache_create("t_b", 32, 0, 0);
	q = kmem_cache_alloc(a);
	kmem_cache_free(b, q);
	CHECK_EQ(log_count(seq, "wrong cache", "t_b"), 1);
	CHECK_EQ(slab_debug_reports() - reports, 5);
	kmem_cache_free(a, q);
	kfree(p);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK_EQ(slab_debug_reports() - reports, 5);
}

/* ---- kmemleak ---- */

UNIT_TEST(kmemleak_off_without_debug)
{
	if (IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	CHECK_EQ(kmemleak_scan(), -ENOSYS);
}

UNIT_TEST(kmemleak_reports_unreachable_only)
{
	void *a, *b, *c;
	u64 seq;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	CHECK_EQ(kmemleak_scan(), 0);
	a = t_alloc_leak(40); /* leaked */
	b = t_alloc_kept(40); /* referenced from a root */
	roots[0] = b;
	c = t_alloc(40); /* freed */
	t_free(c);
	seq = log_mark();
	CHECK_EQ(kmemleak_scan(), 1);
	CHECK_EQ(
		log_count(seq, "1 object (40 bytes) unreachable, allocated at t_alloc_leak+", NULL),
		1);
	CHECK_EQ(log_level(seq, "allocated at t_alloc_leak+"), KLOG_WARN);
	CHECK_EQ(log_count(seq, "t_alloc_kept+", NULL), 0);
	CHECK_EQ(log_count(seq, "at t_alloc+", NULL), 0);
	roots[0] = NULL;
	kfree(a);
	CHECK_EQ(kmemleak_scan(), 1); /* b now */
	kfree(b);
	CHECK_EQ(kmemleak_scan(), 0);
}

UNIT_TEST(kmemleak_follows_pointers_through_objects)
{
	void **x, **y, **p, **q;
	u8 *z;
	u64 seq;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	/* root -> x -> y -> (inside) z: all reachable. */
	x = t_alloc_kept(64);
	y = t_alloc_kept(32);
	z = t_alloc_kept(100);
	memset(x, 0, 64);
	memset(y, 0, 32);
	x[3] = y;
	y[1] = z + 40;
	roots[1] = x;
	CHECK_EQ(kmemleak_scan(), 0);
	/* p -> q, nothing -> p: both leaked, reachability rather than roots alone. */
	p = t_alloc_leak(48);
	q = t_alloc_leak(48);
	memset(p, 0, 48);
	memset(q, 0, 48);
	p[0] = q;
	seq = log_mark();
	CHECK_EQ(kmemleak_scan(), 2);
	CHECK_EQ(log_count(seq, "2 objects (96 bytes) unreachable, allocated at t_alloc_leak+",
			   NULL),
		 1);
	/* A cycle p <-> q is still unreachable. */
	q[5] = p;
	CHECK_EQ(kmemleak_scan(), 2);
	/* Cutting the root leaks the whole chain. */
	roots[1] = NULL;
	seq = log_mark();
	CHECK_EQ(kmemleak_scan(), 5);
	CHECK_EQ(log_count(seq, "3 objects (196 bytes) unreachable, allocated at t_alloc_kept+",
			   NULL),
		 1);
	kfree(x);
	kfree(y);
	kfree(z);
	kfree(p);
	kfree(q);
	CHECK_EQ(kmemleak_scan(), 0);
}

UNIT_TEST(kmemleak_handles_long_chains_and_large_blocks)
{
	void **head = NULL, **big;
	const int n = 50000;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	for (int i = 0; i < n; i++) {
		void **node = kmalloc(16);

		CHECK(node != NULL);
		if (!node)
			break;
		node[0] = head;
		node[1] = NULL;
		head = node;
	}
	/* A large block holds the only pointer to the chain. */
	big = kzalloc(3 * PAGE_SIZE);
	big[PAGE_SIZE / 8 + 5] = head;
	roots[2] = (u8 *)big + 100; /* an interior pointer keeps it alive */
	CHECK_EQ(kmemleak_scan(), 0);
	roots[2] = NULL;
	CHECK_EQ(kmemleak_scan(), n + 1);
	kfree(big);
	CHECK_EQ(kmemleak_scan(), n);
	while (head) {
		void **next = head[0];

		kfree(head);
		head = next;
	}
	CHECK_EQ(kmemleak_scan(), 0);
}

UNIT_TEST(kmemleak_scans_untracked_caches)
{
	struct kmem_cache *c;
	void **u, *t;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return;
	setup();
	c = kmem_cache_create("t_untracked", 32, 0, SLAB_NO_DEBUG);
	CHECK(c != NULL);
	if (!c)
		return;
	u = kmem_cache_alloc(c);
	t = t_alloc_leak(8);
	u[2] = t;
	CHECK_EQ(kmemleak_scan(), 0); /* u is not tracked, but its contents count */
	u[2] = NULL;
	CHECK_EQ(kmemleak_scan(), 1);
	kmem_cache_free(c, u);
	kmem_cache_destroy(c);
	kfree(t);
	CHECK_EQ(kmemleak_scan(), 0);
}
