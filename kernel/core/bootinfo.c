/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootinfo.c - turn the loader's raw memory map into one the kernel can trust.
 *
 * Firmware maps overlap, repeat themselves, leave holes and may even wrap
 * around the top of the address space. bootinfo_finalize() resolves all of
 * that with a sweep over every region boundary: between two consecutive
 * boundaries the type is the highest type of any region covering that
 * stretch (the kernel image and the boot modules take part as regions of
 * their own, higher, types). Runs of equal type are merged, usable runs are
 * shrunk to whole 4 KiB pages (the partial pages become reserved), and the
 * result replaces the raw list. An entry that runs past the top of the
 * address space is clipped at 2^64 - 1 (that last byte is never described),
 * and a raw type outside enum mem_type counts as reserved.
 *
 * The sweep keeps no boundary list: it finds the next boundary and the type
 * after it by scanning the input, O(n^2) for n <= BOOT_MAX_REGIONS + 17
 * inputs, which is nothing at boot. The input must stay intact until the
 * sweep ends, and the result can be longer than the input, so the result is
 * built in a static scratch array and copied back only on success: on
 * -ENOSPC the raw list is left untouched. Because of that array,
 * bootinfo_finalize() is not reentrant; it runs once, on the boot CPU.
 */
#include "bootinfo.h"
#include "errno.h"
#include "lib.h"

#define BOOTINFO_PAGE_SIZE 4096u

/* One input interval [base, end) of the sweep. */
struct bi_span {
	u64 base;
	u64 end;
	u32 type;
};

/* The sweep's input: raw regions, then the kernel, then the modules. */
struct bi_sweep {
	const struct boot_info *bi;
	struct bi_span kernel;
	u32 nr_regions;
	u32 nr_spans;
};

/* A run of one type being grown by the sweep, and the output list. */
struct bi_out {
	struct mem_region *r;
	u32 n;
	u64 run_base, run_end;
	u32 run_type; /* 0: no run open */
};

static struct mem_region finalize_scratch[BOOT_MAX_REGIONS];

/* Empty entries say nothing and are not stored; finalize clips the rest. */
int bootinfo_add_region(struct boot_info *bi, u64 base, u64 len, u32 type)
{
	struct mem_region *r;

	if (len == 0)
		return 0;
	if (bi->nr_regions >= BOOT_MAX_REGIONS) {
		bi->regions_truncated = true;
		return -ENOSPC;
	}
	r = &bi->regions[bi->nr_regions++];
	r->base = base;
	r->len = len;
	r->type = type;
	return 0;
}

/* Raw types outside the enum are treated as reserved. */
static u32 bi_norm_type(u32 type)
{
	return type >= MEM_USABLE && type <= MEM_KERNEL ? type : MEM_RESERVED;
}

/* Span i of the sweep; false if it is empty. Wrapping regions are clipped. */
static bool bi_span_get(const struct bi_sweep *sw, u32 i, struct bi_span *s)
{
	const struct boot_info *bi = sw->bi;

	if (i < sw->nr_regions) {
		const struct mem_region *r = &bi->regions[i];

		s->base = r->base;
		s->end = r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;
		s->type = bi_norm_type(r->type);
	} else if (i == sw->nr_regions) {
		*s = sw->kernel;
	} else {
		const struct boot_module *m = &bi->modules[i - sw->nr_regions - 1];

		s->base = m->start;
		s->end = m->end;
		s->type = MEM_MODULE;
	}
	return s->base < s->end;
}

/* The lowest base of any span; false if every span is empty. */
static bool bi_sweep_first(const struct bi_sweep *sw, u64 *p)
{
	struct bi_span s;
	bool found = false;

	for (u32 i = 0; i < sw->nr_spans; i++) {
		if (!bi_span_get(sw, i, &s) || (found && s.base >= *p))
			continue;
		*p = s.base;
		found = true;
	}
	return found;
}

/* The lowest boundary (base or end) above p; false if there is none. */
static bool bi_sweep_next(const struct bi_sweep *sw, u64 p, u64 *next)
{
	struct bi_span s;
	u64 q = UINT64_MAX;
	bool found = false;

	for (u32 i = 0; i < sw->nr_spans; i++) {
		if (!bi_span_get(sw, i, &s))
			continue;
		if (s.base > p && s.base <= q) {
			q = s.base;
			found = true;
		} else if (s.end > p && s.end <= q) {
			q = s.end;
			found = true;
		}
	}
	*next = q;
	return found;
}

/* The highest type of any span covering the point p, 0 if none does. */
static u32 bi_sweep_type_at(const struct bi_sweep *sw, u64 p)
{
	struct bi_span s;
	u32 type = 0;

	for (u32 i = 0; i < sw->nr_spans; i++)
		if (bi_span_get(sw, i, &s) && s.base <= p && p < s.end)
			type = MAX(type, s.type);
	return type;
}

/* Append [base, end) to the output, merging with an adjacent equal last entry. */
static int bi_out_append(struct bi_out *o, u64 base, u64 end, u32 type)
{
	struct mem_region *last = o->n ? &o->r[o->n - 1] : NULL;

	if (base >= end)
		return 0;
	if (last && last->type == type && last->base + last->len == base) {
		last->len += end - base;
		return 0;
	}
	if (o->n == BOOT_MAX_REGIONS)
		return -ENOSPC;
	o->r[o->n].base = base;
	o->r[o->n].len = end - base;
	o->r[o->n].type = type;
	o->n++;
	return 0;
}

/* Emit a maximal run; a usable one keeps only its whole pages. */
static int bi_out_emit_run(struct bi_out *o, u64 base, u64 end, u32 type)
{
	u64 core_base, core_end = ALIGN_DOWN(end, (u64)BOOTINFO_PAGE_SIZE);
	int err;

	if (type != MEM_USABLE)
		return bi_out_append(o, base, end, type);
	if (base >= core_end)
		return bi_out_append(o, base, end, MEM_RESERVED);
	/* base < core_end <= 2^64 - 4 KiB, so this cannot wrap. */
	core_base = ALIGN_UP(base, (u64)BOOTINFO_PAGE_SIZE);
	if (core_base >= core_end)
		return bi_out_append(o, base, end, MEM_RESERVED);
	err = bi_out_append(o, base, core_base, MEM_RESERVED);
	if (!err)
		err = bi_out_append(o, core_base, core_end, MEM_USABLE);
	if (!err)
		err = bi_out_append(o, core_end, end, MEM_RESERVED);
	return err;
}

/* Feed the stretch [p, q) of type t (0: uncovered) to the run builder. */
static int bi_out_feed(struct bi_out *o, u64 p, u64 q, u32 t)
{
	int err = 0;

	if (o->run_type && o->run_type == t && o->run_end == p) {
		o->run_end = q;
		return 0;
	}
	if (o->run_type)
		err = bi_out_emit_run(o, o->run_base, o->run_end, o->run_type);
	o->run_base = p;
	o->run_end = q;
	o->run_type = t;
	return err;
}

/* Run the sweep from the lowest base to the highest end, filling o. */
static int bi_sweep_run(const struct bi_sweep *sw, struct bi_out *o)
{
	u64 p = 0, q;
	int err;

	if (!bi_sweep_first(sw, &p))
		return 0; /* nothing at all */
	while (bi_sweep_next(sw, p, &q)) {
		err = bi_out_feed(o, p, q, bi_sweep_type_at(sw, p));
		if (err)
			return err;
		p = q;
	}
	return bi_out_feed(o, p, p, 0); /* flush the last run */
}

int bootinfo_finalize(struct boot_info *bi, paddr_t kernel_start, paddr_t kernel_end)
{
	struct bi_sweep sw = {
		.bi = bi,
		.kernel = {kernel_start, kernel_end, MEM_KERNEL},
		.nr_regions = MIN(bi->nr_regions, (u32)BOOT_MAX_REGIONS),
	};
	struct bi_out o = {.r = finalize_scratch};
	int err;

	sw.nr_spans = sw.nr_regions + 1 + MIN(bi->nr_modules, (u32)BOOT_MAX_MODULES);
	err = bi_sweep_run(&sw, &o);
	if (err)
		return err;
	memcpy(bi->regions, o.r, o.n * sizeof(o.r[0]));
	bi->nr_regions = o.n;
	return 0;
}

u64 bootinfo_usable_bytes(const struct boot_info *bi)
{
	u32 n = MIN(bi->nr_regions, (u32)BOOT_MAX_REGIONS);
	u64 total = 0;

	for (u32 i = 0; i < n; i++)
		if (bi->regions[i].type == MEM_USABLE)
			total += bi->regions[i].len;
	return total;
}

u64 bootinfo_max_usable_addr(const struct boot_info *bi)
{
	u32 n = MIN(bi->nr_regions, (u32)BOOT_MAX_REGIONS);
	u64 max = 0;

	for (u32 i = 0; i < n; i++) {
		const struct mem_region *r = &bi->regions[i];

		if (r->type == MEM_USABLE)
			max = MAX(max, r->base + r->len);
	}
	return max;
}

const char *bootinfo_type_name(u32 type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_ACPI_RECLAIM:
		return "ACPI reclaimable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	case MEM_BOOTLOADER:
		return "bootloader";
	case MEM_MODULE:
		return "module";
	case MEM_KERNEL:
		return "kernel";
	default:
		return "unknown";
	}
}
