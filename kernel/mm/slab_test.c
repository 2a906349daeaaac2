/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slab_test.c - ktests for the slab allocator and kmemleak in the running
 * kernel, built with the kernel's flags: every kmalloc size class, large
 * blocks, a cache's life cycle, page accounting and, in debug builds
 * (CONFIG_MM_DEBUG), that misuse is reported and a deliberate leak is named
 * by kmemleak_scan() while a freed object is not. The exhaustive and
 * randomized cases are host tests (tests/unit/test_slab.c).
 */
#include "config.h"
#include "errno.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "slab.h"

#define LEAK_HIDE 0x5a5a5a5a5a5a5a5aull /* a pointer XORed with this is not a pointer */

static const size_t classes[] = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};

/* Skip the log so far; returns the sequence number of the next record. */
static u64 log_mark(void)
{
	struct klog_record rec;
	u64 seq = 0;

	while (klog_read(&seq, &rec))
		;
	return seq;
}

/* Records since seq that contain needle. */
static int log_count(u64 seq, const char *needle)
{
	static struct klog_record rec;
	size_t n = strlen(needle);
	int count = 0;

	while (klog_read(&seq, &rec))
		for (const char *s = rec.text; *s; s++)
			if (strncmp(s, needle, n) == 0) {
				count++;
				break;
			}
	return count;
}

static bool stats_of(const char *name, struct kmem_cache_stats *out)
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

KTEST(slab, kmalloc_every_size_class)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		size_t sizes[2] = {classes[i], i ? classes[i - 1] + 1 : 1};

		for (int k = 0; k < 2; k++) {
			u8 *p = kmalloc(sizes[k]);

			KT_EXPECT(t, p != NULL);
			if (!p)
				continue;
			KT_EXPECT_EQ(t, ksize(p), classes[i]);
			KT_EXPECT(t, IS_ALIGNED((uintptr_t)p, classes[i] >= 16 ? 16 : 8));
			memset(p, 0xa5, sizes[k]);
			kfree(p);
		}
	}
	kfree(NULL);
	KT_EXPECT_EQ(t, ksize(NULL), 0);
}

KTEST(slab, kzalloc_zeroes)
{
	u8 *p = kmalloc(300);

	KT_EXPECT(t, p != NULL);
	if (p)
		memset(p, 0xff, 300);
	kfree(p);
	p = kzalloc(300);
	KT_EXPECT(t, p != NULL);
	for (int i = 0; p && i < 300; i++)
		if (p[i])
			KT_EXPECT_EQ(t, p[i], 0);
	kfree(p);
}

KTEST(slab, kmalloc_large_block)
{
	u64 large = mm_large_pages;
	u8 *p = kmalloc(20000);

	KT_EXPECT(t, p != NULL);
	if (!p)
		return;
	KT_EXPECT(t, IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	KT_EXPECT_EQ(t, ksize(p), 32768);
	KT_EXPECT_EQ(t, mm_large_pages - large, 8);
	memset(p, 0x3c, 20000);
	KT_EXPECT_EQ(t, p[19999], 0x3c);
	kfree(p);
	KT_EXPECT_EQ(t, mm_large_pages, large);
	KT_EXPECT(t, kmalloc((size_t)PAGE_SIZE << MAX_ORDER) == NULL);
}

KTEST(slab, cache_create_alloc_free_destroy)
{
	struct kmem_cache_stats st;
	struct kmem_cache *c = kmem_cache_create("ktest_objs", 72, 32, 0);
	void *v[50];

	KT_EXPECT(t, c != NULL);
	if (!c)
		return;
	for (int i = 0; i < 50; i++) {
		v[i] = kmem_cache_alloc(c);
		KT_EXPECT(t, v[i] != NULL);
		KT_EXPECT(t, IS_ALIGNED((uintptr_t)v[i], 32));
		if (v[i])
			memset(v[i], i, 72);
	}
	KT_EXPECT(t, stats_of("ktest_objs", &st));
	KT_EXPECT_EQ(t, st.active_objs, 50);
	KT_EXPECT_EQ(t, st.obj_size, 72);
	KT_EXPECT(t, st.total_objs >= 50 && st.pages > 0);
	for (int i = 0; i < 50; i++) {
		KT_EXPECT_EQ(t, ((u8 *)v[i])[71], (u8)i);
		kmem_cache_free(c, v[i]);
	}
	KT_EXPECT(t, stats_of("ktest_objs", &st));
	KT_EXPECT_EQ(t, st.active_objs, 0);
	KT_EXPECT_EQ(t, st.frees, 50);
	kmem_cache_destroy(c);
	KT_EXPECT(t, !stats_of("ktest_objs", &st));
}

KTEST(slab, page_counters_agree)
{
	static struct kmem_cache_stats st[64];
	void *p = kmalloc(1000);
	u64 pages = 0;
	int n = kmem_cache_stats_all(st, 64);

	for (int i = 0; i < n && i < 64; i++)
		pages += st[i].pages;
	KT_EXPECT_EQ(t, mm_slab_pages, pages);
	KT_EXPECT(t, mm_slab_pages > 0);
	kfree(p);
}

KTEST(slab, debug_reports_misuse)
{
	u64 reports = slab_debug_reports(), seq;
	u8 *p;

	if (!IS_ENABLED(CONFIG_MM_DEBUG)) {
		KT_EXPECT_EQ(t, kmemleak_scan(), -ENOSYS);
		return;
	}
	p = kmalloc(32);
	KT_EXPECT(t, p != NULL);
	if (!p)
		return;
	slab_shrink_all(); /* so p's slab stays a slab after the first free */
	seq = log_mark();
	kfree(p);
	kfree(p);
	KT_EXPECT_EQ(t, slab_debug_reports() - reports, 1);
	KT_EXPECT_EQ(t, log_count(seq, "slab: double free"), 1);
	p = kmalloc(40);
	KT_EXPECT(t, p != NULL);
	if (!p)
		return;
	p[40] = 0; /* one byte too far: into the kmalloc-64 tail */
	seq = log_mark();
	kfree(p);
	KT_EXPECT_EQ(t, slab_debug_reports() - reports, 2);
	KT_EXPECT_EQ(t, log_count(seq, "slab: overflow: byte +40 of a 40-byte object"), 1);
}

/*
 * Allocate LEAK_N objects and keep only disguised copies of their addresses.
 * Several, because the scan is conservative: a stale copy of an address in a
 * live frame elsewhere (another CPU's idle loop keeps old values of an object
 * of the same size that it used and freed) hides that one object, and the
 * test is about naming leaks, not about that.
 */
#define LEAK_N 8
static __noinline void slab_test_leaker(uintptr_t *hidden)
{
	for (int i = 0; i < LEAK_N; i++)
		hidden[i] = (uintptr_t)kmalloc(48) ^ LEAK_HIDE;
}

static __noinline void slab_test_freer(void)
{
	void *p = kmalloc(48);

	kfree(p);
	__asm__ volatile("" : : : "memory"); /* keep kfree from being a tail call */
}

/* Overwrite the dead stack below us, where the leaked pointer may linger. */
static __noinline void slab_test_scrub_stack(void)
{
	volatile u8 junk[2048];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

KTEST(slab, kmemleak_names_a_leak)
{
	uintptr_t hidden[LEAK_N];
	u64 seq;
	int leaks, named;

	if (!IS_ENABLED(CONFIG_MM_DEBUG)) {
		KT_EXPECT_EQ(t, kmemleak_scan(), -ENOSYS);
		return;
	}
	slab_test_leaker(hidden);
	slab_test_freer();
	slab_test_scrub_stack();
	for (int i = 0; i < LEAK_N; i++)
		KT_EXPECT(t, hidden[i] != LEAK_HIDE);
	seq = log_mark();
	leaks = kmemleak_scan();
	/* One line per allocation site: "N objects (B bytes) unreachable, allocated at ..." */
	named = log_count(seq, "allocated at slab_test_leaker");
	KT_EXPECT_EQ(t, named, 1);
	KT_EXPECT(t, leaks >= LEAK_N / 2);
	KT_EXPECT_EQ(t, log_count(seq, "slab_test_freer"), 0);
	for (int i = 0; i < LEAK_N; i++)
		kfree((void *)(hidden[i] ^ LEAK_HIDE));
	seq = log_mark();
	KT_EXPECT(t, kmemleak_scan() < leaks);
	KT_EXPECT_EQ(t, log_count(seq, "slab_test_leaker"), 0);
}
