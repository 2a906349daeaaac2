/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pmm.c - host tests of the buddy page allocator (kernel/mm/pmm.c),
 * compiled unchanged and driven on fake RAM. After every step of long random
 * alloc/free runs the allocator's whole state is checked against its
 * invariants; freeing everything must restore the initial free lists.
 */
#include <stdlib.h>

#include "bootinfo.h"
#include "fake_ram.h"
#include "unit.h"

#define NPAGES 4096 /* 16 MiB */

/* Walk the memmap: free blocks aligned, in range, no overlap, no free buddy pairs. */
static u64 check_invariants(void)
{
	static u8 owner[NPAGES];
	struct mm_stats st;
	u64 free = 0;

	memset(owner, 0, sizeof(owner));
	for (u64 i = 0; i < mm_nr_pages; i++) {
		struct page *p = &mm_memmap[i];
		u64 pfn = mm_base_pfn + i, n;

		if (p->flags & PG_PCP) {
			CHECK(!owner[i]);
			owner[i] = 1;
			free++;
			continue;
		}
		if (!(p->flags & PG_FREE))
			continue;
		n = 1ull << p->order;
		CHECK(p->order < MAX_ORDER);
		CHECK((pfn & (n - 1)) == 0);
		CHECK(i + n <= mm_nr_pages);
		for (u64 j = i; j < i + n && j < mm_nr_pages; j++) {
			CHECK(!owner[j]);
			owner[j] = 1;
		}
		free += n;
		/* A free buddy of the same order would have been merged. */
		if (p->order < MAX_ORDER - 1) {
			u64 b = pfn ^ n;

			if (pfn_valid(b)) {
				struct page *bp = pfn_to_page(b);

				CHECK(!((bp->flags & PG_FREE) && bp->order == p->order));
			}
		}
	}
	mm_stats_get(&st);
	CHECK_EQ(st.free_pages, free);
	return free;
}

UNIT_TEST(fresh_ram_is_max_order_blocks)
{
	struct mm_stats st;

	fake_ram_init(NPAGES);
	mm_stats_get(&st);
	CHECK_EQ(st.total_pages, NPAGES);
	CHECK_EQ(st.free_pages, NPAGES);
	CHECK_EQ(st.free_blocks[MAX_ORDER - 1], NPAGES >> (MAX_ORDER - 1));
	for (int o = 0; o < MAX_ORDER - 1; o++)
		CHECK_EQ(st.free_blocks[o], 0);
	check_invariants();
}

UNIT_TEST(split_and_coalesce)
{
	struct page *a, *b;
	struct mm_stats st;

	fake_ram_init(1 << (MAX_ORDER - 1)); /* exactly one max-order block */
	a = page_alloc(3, 0);
	CHECK(a != NULL);
	CHECK_EQ(page_to_pfn(a) & 7, 0);
	mm_stats_get(&st);
	for (int o = 3; o < MAX_ORDER - 1; o++)
		CHECK_EQ(st.free_blocks[o], 1); /* one upper half left at each order */
	b = page_alloc(3, 0);
	CHECK(b != NULL && b != a);
	CHECK_EQ(page_to_pfn(a) ^ page_to_pfn(b), 8); /* buddies */
	page_free(a);
	page_free(b);
	mm_stats_get(&st);
	CHECK_EQ(st.free_blocks[MAX_ORDER - 1], 1);
	check_invariants();
}

UNIT_TEST(zeroing_and_refcounts)
{
	struct page *p;
	u8 *va;

	fake_ram_init(64);
	p = page_alloc(1, PAF_ZERO);
	CHECK(p != NULL);
	va = page_address(p);
	for (int i = 0; i < 2 * PAGE_SIZE; i++)
		if (va[i]) {
			CHECK(!"page not zeroed");
			break;
		}
	CHECK_EQ(p->refcount, 1);
	page_get(p);
	page_put(p);
	CHECK_EQ(p->refcount, 1);
	CHECK(!(p->flags & PG_FREE));
	page_put(p);
	CHECK_EQ(check_invariants(), 64);
}

UNIT_TEST(compound_tails_point_at_head)
{
	struct page *p;

	fake_ram_init(64);
	p = page_alloc(2, PAF_COMPOUND);
	CHECK(p != NULL);
	for (int i = 1; i < 4; i++) {
		CHECK(p[i].flags & PG_TAIL);
		CHECK(virt_to_head_page((char *)page_address(p) + i * PAGE_SIZE + 5) == p);
	}
	page_free(p);
	for (int i = 0; i < 4; i++)
		CHECK(!(p[i].flags & PG_TAIL));
	CHECK_EQ(check_invariants(), 64);
}

UNIT_TEST(bad_frees_are_refused)
{
	struct page *p;

	fake_ram_init(64);
	p = page_alloc(0, 0);
	page_free(p);
	page_free(p); /* double free: logged, ignored */
	p = page_alloc(2, PAF_COMPOUND);
	page_free(p + 1); /* a tail: logged, ignored */
	page_free(p);
	CHECK_EQ(check_invariants(), 64);
	CHECK(page_alloc(MAX_ORDER, 0) == NULL);
}

UNIT_TEST(exhaustion_returns_null_and_recovers)
{
	static struct page *got[NPAGES];
	int n = 0;

	fake_ram_init(256);
	while (n < NPAGES && (got[n] = page_alloc(0, 0)) != NULL)
		n++;
	CHECK_EQ(n, 256);
	CHECK(page_alloc(0, 0) == NULL);
	CHECK(page_alloc(3, 0) == NULL);
	while (n)
		page_free(got[--n]);
	CHECK_EQ(check_invariants(), 256);
	CHECK(page_alloc(8, 0) != NULL); /* everything merged back */
}

UNIT_TEST(random_alloc_free_keeps_invariants)
{
	static struct {
		struct page *p;
		unsigned int order;
		u8 tag;
	} live[512];
	struct mm_stats before, after;
	int nlive = 0;

	fake_ram_init(NPAGES);
	mm_stats_get(&before);
	srand(1234);
	for (int step = 0; step < 20000; step++) {
		if (nlive < 512 && (rand() % 3 || !nlive)) {
			unsigned int order = (unsigned int)(rand() % 100 < 80 ? 0 : rand() % 6);
			struct page *p = page_alloc(order, 0);

			if (!p)
				continue;
			CHECK_EQ(page_to_pfn(p) & ((1u << order) - 1), 0);
			live[nlive].p = p;
			live[nlive].order = order;
			live[nlive].tag = (u8)step;
			memset(page_address(p), live[nlive].tag, PAGE_SIZE << order);
			nlive++;
		} else {
			int i = rand() % nlive;
			u8 *va = page_address(live[i].p);

			/* Contents survived: no other allocation overlapped this block. */
			CHECK(va[0] == live[i].tag &&
			      va[(PAGE_SIZE << live[i].order) - 1] == live[i].tag);
			page_free(live[i].p);
			live[i] = live[--nlive];
		}
		if (step % 500 == 0)
			check_invariants();
	}
	while (nlive)
		page_free(live[--nlive].p);
	check_invariants();
	pmm_drain_caches();
	check_invariants();
	mm_stats_get(&after);
	CHECK_EQ(after.free_pages, before.free_pages);
	/* Everything merged back: the free lists are exactly as at the start. */
	for (int o = 0; o < MAX_ORDER; o++)
		CHECK_EQ(after.free_blocks[o], before.free_blocks[o]);
}

UNIT_TEST(pmm_init_from_boot_map)
{
	static struct boot_info bi;
	struct mm_stats st;
	void *ram = aligned_alloc(1 << 21, MiB(8));

	CHECK(ram != NULL);
	memset(ram, 0x5a, MiB(8));
	mm_direct_map_offset = (uintptr_t)ram; /* fake RAM is physical 0 .. 8 MiB */
	memset(&bi, 0, sizeof(bi));
	CHECK_EQ(bootinfo_add_region(&bi, 0, 0x9f000, MEM_USABLE), 0);
	CHECK_EQ(bootinfo_add_region(&bi, 0x9f000, 0x61000, MEM_RESERVED), 0);
	CHECK_EQ(bootinfo_add_region(&bi, 0x100000, MiB(7), MEM_USABLE), 0);
	CHECK_EQ(bootinfo_finalize(&bi, 0x100000, 0x180000), 0);
	CHECK_EQ(pmm_init(&bi), 0);
	mm_stats_get(&st);
	/* memmap: 2048 frames x 32 bytes = 16 pages, placed right after the kernel */
	CHECK_EQ(st.memmap_pages, 16);
	CHECK_EQ(mm_nr_pages, 2048);
	CHECK(pfn_to_page(0x180)->flags & PG_RESERVED);
	CHECK(pfn_to_page(0)->flags & PG_RESERVED);	/* frame 0 never handed out */
	CHECK(pfn_to_page(0x100)->flags & PG_RESERVED); /* kernel image */
	/* usable: frames 1..0x9e, and 0x190..0x7ff */
	CHECK_EQ(st.free_pages, (0x9f - 1) + (0x800 - 0x190));
	CHECK_EQ(st.total_pages, st.free_pages);
	free(ram);
}
