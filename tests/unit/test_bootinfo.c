/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_bootinfo.c - host tests for kernel/core/bootinfo.c: the raw region
 * list, bootinfo_finalize() on hand-made maps (overlaps, merges, kernel and
 * module carve-outs, partial pages, wrap-around, overflow of the list) and a
 * brute-force comparison of finalize against a per-kilobyte reference model
 * on thousands of random small maps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "errno.h"
#include "unit.h"

static struct boot_info bi, saved;

static void reset(void)
{
	memset(&bi, 0, sizeof(bi));
}

static void add(u64 base, u64 len, u32 type)
{
	CHECK_EQ(bootinfo_add_region(&bi, base, len, type), 0);
}

static void add_module(u64 start, u64 end)
{
	bi.modules[bi.nr_modules].start = start;
	bi.modules[bi.nr_modules].end = end;
	bi.nr_modules++;
}

/* Check region i is exactly [base, base + len) of the given type. */
#define CHECK_REGION(i, b, l, t)                   \
	do {                                       \
		CHECK_EQ(bi.regions[i].base, (b)); \
		CHECK_EQ(bi.regions[i].len, (l));  \
		CHECK_EQ(bi.regions[i].type, (t)); \
	} while (0)

UNIT_TEST(add_region_appends_and_skips_empty)
{
	reset();
	add(0x1000, 0x2000, MEM_USABLE);
	add(0x5000, 0, MEM_RESERVED);
	add(0x100, 0x10, MEM_BAD);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0x1000, 0x2000, MEM_USABLE);
	CHECK_REGION(1, 0x100, 0x10, MEM_BAD);
	CHECK(!bi.regions_truncated);
}

UNIT_TEST(add_region_full_is_enospc)
{
	reset();
	for (int i = 0; i < BOOT_MAX_REGIONS; i++)
		add((u64)i << 12, 0x1000, MEM_USABLE);
	CHECK(!bi.regions_truncated);
	CHECK_EQ(bootinfo_add_region(&bi, 1ull << 40, 0x1000, MEM_USABLE), -ENOSPC);
	CHECK(bi.regions_truncated);
	CHECK_EQ(bi.nr_regions, BOOT_MAX_REGIONS);
}

UNIT_TEST(finalize_empty_map)
{
	reset();
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 0);
	CHECK_EQ(bootinfo_usable_bytes(&bi), 0);
	CHECK_EQ(bootinfo_max_usable_addr(&bi), 0);

	/* The kernel is marked even where the map says nothing. */
	CHECK_EQ(bootinfo_finalize(&bi, 0x100000, 0x180000), 0);
	CHECK_EQ(bi.nr_regions, 1);
	CHECK_REGION(0, 0x100000, 0x80000, MEM_KERNEL);
}

UNIT_TEST(finalize_sorts_and_merges_adjacent)
{
	reset();
	add(0x200000, 0x100000, MEM_USABLE);
	add(0x0, 0x100000, MEM_USABLE);
	add(0x100000, 0x100000, MEM_USABLE);
	add(0x400000, 0x1000, MEM_USABLE); /* gap before it: stays separate */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0x0, 0x300000, MEM_USABLE);
	CHECK_REGION(1, 0x400000, 0x1000, MEM_USABLE);
	CHECK_EQ(bootinfo_usable_bytes(&bi), 0x301000);
	CHECK_EQ(bootinfo_max_usable_addr(&bi), 0x401000);
}

UNIT_TEST(finalize_overlap_higher_type_wins)
{
	reset();
	add(0x0, 0x100000, MEM_USABLE);
	add(0x80000, 0x40000, MEM_RESERVED);
	add(0x90000, 0x10000, MEM_ACPI_RECLAIM); /* inside reserved: loses */
	add(0xf0000, 0x20000, MEM_ACPI_NVS);	 /* straddles the end of usable */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 4);
	CHECK_REGION(0, 0x0, 0x80000, MEM_USABLE);
	CHECK_REGION(1, 0x80000, 0x40000, MEM_RESERVED);
	CHECK_REGION(2, 0xc0000, 0x30000, MEM_USABLE);
	CHECK_REGION(3, 0xf0000, 0x20000, MEM_ACPI_NVS);
}

UNIT_TEST(finalize_identical_and_nested_duplicates)
{
	reset();
	for (int i = 0; i < 5; i++)
		add(0x1000, 0x9000, MEM_RESERVED);
	add(0x2000, 0x1000, MEM_RESERVED);
	add(0x0, 0x20000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 3);
	CHECK_REGION(0, 0x0, 0x1000, MEM_USABLE);
	CHECK_REGION(1, 0x1000, 0x9000, MEM_RESERVED);
	CHECK_REGION(2, 0xa000, 0x16000, MEM_USABLE);
}

UNIT_TEST(finalize_kernel_carved_out_of_usable)
{
	reset();
	add(0x100000, 0x7f00000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0x200000, 0x203456), 0);
	CHECK_EQ(bi.nr_regions, 4);
	CHECK_REGION(0, 0x100000, 0x100000, MEM_USABLE);
	CHECK_REGION(1, 0x200000, 0x3456, MEM_KERNEL);
	CHECK_REGION(2, 0x203456, 0xbaa, MEM_RESERVED); /* rest of the kernel's last page */
	CHECK_REGION(3, 0x204000, 0x7dfc000, MEM_USABLE);
	CHECK_EQ(bootinfo_usable_bytes(&bi), 0x100000 + 0x7dfc000);
	CHECK_EQ(bootinfo_max_usable_addr(&bi), 0x8000000);
}

UNIT_TEST(finalize_modules_are_marked)
{
	reset();
	add(0x0, 0x1000000, MEM_USABLE);
	add_module(0x400000, 0x480000);
	add_module(0x470000, 0x500000); /* overlaps the first: one region */
	add_module(0x600000, 0x600000); /* empty: ignored */
	add_module(0x800000, 0x800800);
	CHECK_EQ(bootinfo_finalize(&bi, 0x100000, 0x200000), 0);
	CHECK_EQ(bi.nr_regions, 8);
	CHECK_REGION(0, 0x0, 0x100000, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x100000, MEM_KERNEL);
	CHECK_REGION(2, 0x200000, 0x200000, MEM_USABLE);
	CHECK_REGION(3, 0x400000, 0x100000, MEM_MODULE);
	CHECK_REGION(4, 0x500000, 0x300000, MEM_USABLE);
	CHECK_REGION(5, 0x800000, 0x800, MEM_MODULE);
	CHECK_REGION(6, 0x800800, 0x800, MEM_RESERVED);
	CHECK_REGION(7, 0x801000, 0x7ff000, MEM_USABLE);
}

UNIT_TEST(finalize_kernel_beats_module_and_module_beats_map)
{
	reset();
	add(0x0, 0x10000, MEM_BAD);
	add_module(0x8000, 0x20000);
	CHECK_EQ(bootinfo_finalize(&bi, 0x18000, 0x30000), 0);
	CHECK_EQ(bi.nr_regions, 3);
	CHECK_REGION(0, 0x0, 0x8000, MEM_BAD);
	CHECK_REGION(1, 0x8000, 0x10000, MEM_MODULE);
	CHECK_REGION(2, 0x18000, 0x18000, MEM_KERNEL);
}

UNIT_TEST(finalize_unaligned_usable_edges)
{
	reset();
	add(0x1234, 0x8642, MEM_USABLE); /* [0x1234, 0x9876) */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 3);
	CHECK_REGION(0, 0x1234, 0xdcc, MEM_RESERVED);
	CHECK_REGION(1, 0x2000, 0x7000, MEM_USABLE);
	CHECK_REGION(2, 0x9000, 0x876, MEM_RESERVED);

	/* Less than a whole page: all reserved. */
	reset();
	add(0x1800, 0x1000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 1);
	CHECK_REGION(0, 0x1800, 0x1000, MEM_RESERVED);
	CHECK_EQ(bootinfo_usable_bytes(&bi), 0);
}

UNIT_TEST(finalize_partial_pages_join_reserved_neighbours)
{
	reset();
	add(0x0, 0x1234, MEM_RESERVED);
	add(0x1234, 0x4000, MEM_USABLE); /* [0x1234, 0x5234) */
	add(0x5234, 0x100, MEM_RESERVED);
	add(0x5334, 0x10, MEM_USABLE);	      /* a sliver: becomes reserved too */
	add(0x5344, 0xcbc, MEM_ACPI_RECLAIM); /* up to 0x6000 */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 4);
	CHECK_REGION(0, 0x0, 0x2000, MEM_RESERVED);
	CHECK_REGION(1, 0x2000, 0x3000, MEM_USABLE);
	CHECK_REGION(2, 0x5000, 0x344, MEM_RESERVED);
	CHECK_REGION(3, 0x5344, 0xcbc, MEM_ACPI_RECLAIM);
}

UNIT_TEST(finalize_usable_split_by_two_types_keeps_whole_pages)
{
	/* Usable pieces between ACPI regions stay usable only in whole pages. */
	reset();
	add(0x0, 0x10000, MEM_USABLE);
	add(0x3800, 0x1000, MEM_ACPI_RECLAIM); /* [0x3800, 0x4800) */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 5);
	CHECK_REGION(0, 0x0, 0x3000, MEM_USABLE);
	CHECK_REGION(1, 0x3000, 0x800, MEM_RESERVED);
	CHECK_REGION(2, 0x3800, 0x1000, MEM_ACPI_RECLAIM);
	CHECK_REGION(3, 0x4800, 0x800, MEM_RESERVED);
	CHECK_REGION(4, 0x5000, 0xb000, MEM_USABLE);
}

UNIT_TEST(finalize_clips_wrapping_entries)
{
	reset();
	add(0xfffffffffffff000ull, 0x2000, MEM_RESERVED); /* wraps: clipped */
	add(UINT64_MAX, 5, MEM_BAD);			  /* nothing left after clipping */
	add(0x10000, UINT64_MAX, MEM_ACPI_NVS);		  /* wraps from low memory */
	add(0x0, 0x10000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0x0, 0x10000, MEM_USABLE);
	CHECK_REGION(1, 0x10000, UINT64_MAX - 0x10000, MEM_ACPI_NVS);

	/* Usable memory at the very top: its last partial page is reserved. */
	reset();
	add(0xffffffffffff0000ull, 0x10000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0xffffffffffff0000ull, 0xf000, MEM_USABLE);
	CHECK_REGION(1, 0xfffffffffffff000ull, 0xfff, MEM_RESERVED);
	CHECK_EQ(bootinfo_max_usable_addr(&bi), 0xfffffffffffff000ull);
}

UNIT_TEST(finalize_unknown_types_are_reserved)
{
	reset();
	add(0x0, 0x1000, 0);
	add(0x1000, 0x1000, 99);
	add(0x2000, 0x1000, MEM_RESERVED);
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, 1);
	CHECK_REGION(0, 0x0, 0x3000, MEM_RESERVED);
}

UNIT_TEST(finalize_kernel_range_backwards_is_ignored)
{
	reset();
	add(0x0, 0x10000, MEM_USABLE);
	CHECK_EQ(bootinfo_finalize(&bi, 0x8000, 0x4000), 0);
	CHECK_EQ(bi.nr_regions, 1);
	CHECK_REGION(0, 0x0, 0x10000, MEM_USABLE);
}

UNIT_TEST(finalize_is_idempotent)
{
	reset();
	add(0x1234, 0x100000, MEM_USABLE);
	add(0x9000, 0x3000, MEM_ACPI_NVS);
	add_module(0x50000, 0x50123);
	CHECK_EQ(bootinfo_finalize(&bi, 0x20000, 0x30000), 0);
	saved = bi;
	CHECK_EQ(bootinfo_finalize(&bi, 0x20000, 0x30000), 0);
	CHECK(memcmp(&bi, &saved, sizeof(bi)) == 0);
}

/* A usable range with `holes` one-page reserved holes, plus one ACPI region. */
static void build_holes(int holes)
{
	reset();
	add(0x0, 0x10000000, MEM_USABLE);
	for (int i = 0; i < holes; i++)
		add(0x100000 + (u64)i * 0x10000, 0x1000, MEM_RESERVED);
	add(0x20000000, 0x1000, MEM_ACPI_RECLAIM);
}

UNIT_TEST(finalize_exactly_max_regions_fits)
{
	build_holes(63); /* 64 usable + 63 reserved + 1 ACPI = 128 */
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), 0);
	CHECK_EQ(bi.nr_regions, BOOT_MAX_REGIONS);
	CHECK_REGION(0, 0x0, 0x100000, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x1000, MEM_RESERVED);
	CHECK_REGION(2, 0x101000, 0xf000, MEM_USABLE);
	CHECK_REGION(127, 0x20000000, 0x1000, MEM_ACPI_RECLAIM);
}

UNIT_TEST(finalize_too_many_regions_is_enospc_and_leaves_map)
{
	build_holes(64); /* 130 regions needed */
	saved = bi;
	CHECK_EQ(bootinfo_finalize(&bi, 0, 0), -ENOSPC);
	CHECK(memcmp(&bi, &saved, sizeof(bi)) == 0);

	/* The kernel alone can push a full result over the limit. */
	build_holes(63);
	CHECK_EQ(bootinfo_finalize(&bi, 0x30000000, 0x30001000), -ENOSPC);
	CHECK_EQ(bi.nr_regions, 65);
}

UNIT_TEST(type_names)
{
	CHECK_STREQ(bootinfo_type_name(MEM_USABLE), "usable");
	CHECK_STREQ(bootinfo_type_name(MEM_ACPI_RECLAIM), "ACPI reclaimable");
	CHECK_STREQ(bootinfo_type_name(MEM_RESERVED), "reserved");
	CHECK_STREQ(bootinfo_type_name(MEM_ACPI_NVS), "ACPI NVS");
	CHECK_STREQ(bootinfo_type_name(MEM_BAD), "bad");
	CHECK_STREQ(bootinfo_type_name(MEM_BOOTLOADER), "bootloader");
	CHECK_STREQ(bootinfo_type_name(MEM_MODULE), "module");
	CHECK_STREQ(bootinfo_type_name(MEM_KERNEL), "kernel");
	CHECK_STREQ(bootinfo_type_name(0), "unknown");
	CHECK_STREQ(bootinfo_type_name(1000), "unknown");
}

/* ---- brute force against a reference model ---- */

#define UNIT_BYTES 1024u /* map boundaries fall on 1 KiB units ... */
#define NR_UNITS 256u	 /* ... within the first 256 KiB */
#define UNITS_PER_PAGE 4u

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u32 rnd(u32 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state % n);
}

/* The reference: each unit's type is the max over what covers it, then
 * usable units in a page that is not entirely usable become reserved. */
static void reference(const struct boot_info *raw, u64 ks, u64 ke, u32 *ref)
{
	memset(ref, 0, NR_UNITS * sizeof(*ref));
	for (u32 u = 0; u < NR_UNITS; u++) {
		u64 a = (u64)u * UNIT_BYTES;

		for (u32 i = 0; i < raw->nr_regions; i++) {
			const struct mem_region *r = &raw->regions[i];
			u32 t = r->type >= MEM_USABLE && r->type <= MEM_KERNEL ? r->type
									       : MEM_RESERVED;

			if (a >= r->base && a < r->base + r->len && t > ref[u])
				ref[u] = t;
		}
		for (u32 i = 0; i < raw->nr_modules; i++)
			if (a >= raw->modules[i].start && a < raw->modules[i].end &&
			    ref[u] < MEM_MODULE)
				ref[u] = MEM_MODULE;
		if (a >= ks && a < ke)
			ref[u] = MEM_KERNEL;
	}
	for (u32 pg = 0; pg < NR_UNITS; pg += UNITS_PER_PAGE) {
		u32 usable = 0;

		for (u32 u = pg; u < pg + UNITS_PER_PAGE; u++)
			usable += ref[u] == MEM_USABLE;
		for (u32 u = pg; u < pg + UNITS_PER_PAGE && usable != UNITS_PER_PAGE; u++)
			if (ref[u] == MEM_USABLE)
				ref[u] = MEM_RESERVED;
	}
}

static u32 count_runs(const u32 *ref)
{
	u32 runs = 0;

	for (u32 u = 0; u < NR_UNITS; u++)
		if (ref[u] && (u == 0 || ref[u - 1] != ref[u]))
			runs++;
	return runs;
}

static void random_map(u64 *ks, u64 *ke)
{
	u32 n = rnd(12), kb, klen;

	reset();
	for (u32 i = 0; i < n; i++) {
		u32 b = rnd(NR_UNITS), len = 1 + rnd(NR_UNITS - b);
		u32 type = rnd(20) == 0 ? 42 : 1 + rnd(MEM_KERNEL);

		add((u64)b * UNIT_BYTES, (u64)len * UNIT_BYTES, type);
	}
	for (u32 i = rnd(4); i > 0; i--) {
		u32 b = rnd(NR_UNITS), len = rnd(24);

		add_module((u64)b * UNIT_BYTES, (u64)MIN(b + len, NR_UNITS) * UNIT_BYTES);
	}
	kb = rnd(NR_UNITS);
	klen = rnd(16);
	*ks = (u64)kb * UNIT_BYTES;
	*ke = (u64)MIN(kb + klen, NR_UNITS) * UNIT_BYTES;
}

/* Compare the finalized map with ref unit by unit; return false on the first difference. */
static bool matches_reference(const u32 *ref)
{
	u32 got[NR_UNITS] = {0};

	for (u32 i = 0; i < bi.nr_regions; i++) {
		const struct mem_region *r = &bi.regions[i];

		if (r->base % UNIT_BYTES || r->len % UNIT_BYTES || r->len == 0)
			return false;
		if (r->base + r->len > (u64)NR_UNITS * UNIT_BYTES)
			return false;
		if (i > 0 && r->base < bi.regions[i - 1].base + bi.regions[i - 1].len)
			return false; /* unsorted or overlapping */
		if (i > 0 && r->base == bi.regions[i - 1].base + bi.regions[i - 1].len &&
		    r->type == bi.regions[i - 1].type)
			return false; /* not merged */
		for (u64 u = r->base / UNIT_BYTES; u < (r->base + r->len) / UNIT_BYTES; u++)
			got[u] = r->type;
	}
	return memcmp(got, ref, sizeof(got)) == 0;
}

UNIT_TEST(finalize_matches_reference_on_random_maps)
{
	u32 ref[NR_UNITS];
	int bad = 0;

	for (int iter = 0; iter < 5000 && bad < 5; iter++) {
		u64 ks, ke;

		random_map(&ks, &ke);
		reference(&bi, ks, ke, ref);
		CHECK_EQ(bootinfo_finalize(&bi, ks, ke), 0);
		CHECK_EQ(bi.nr_regions, count_runs(ref));
		if (!matches_reference(ref)) {
			unit_fail(__FILE__, __LINE__, "iteration %d differs from the reference",
				  iter);
			bad++;
		}
	}
}
