/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * multiboot1.c - read a Multiboot 1 information block into struct boot_info.
 *
 * The loader leaves a fixed-layout block whose "flags" word says which fields
 * are valid; strings, the module list and the memory map are elsewhere in
 * physical memory, found through 32-bit pointers. Everything is read through
 * the caller's phys_reader_t and copied, so a bad pointer or size makes the
 * parse fail with -EINVAL instead of faulting or looping. The memory map is
 * taken as raw entries; bootinfo_finalize() normalizes it later.
 */
#include "bootinfo.h"
#include "errno.h"
#include "lib.h"
#include "multiboot.h"

/* Copy len bytes of loader memory at phys into dst, or fail. */
static int mb1_read(void *dst, size_t len, paddr_t phys, phys_reader_t rd, void *ctx)
{
	const void *src;

	if (phys + len < phys)
		return -EINVAL;
	src = rd(ctx, phys, len);
	if (!src)
		return -EINVAL;
	memcpy(dst, src, len);
	return 0;
}

/*
 * Copy the NUL-terminated string at phys into dst[cap] (cap >= 1). A string
 * longer than cap - 1 is cut and *truncated set; memory that cannot be read
 * before the string (or dst) ends is -EINVAL. dst is terminated either way.
 */
static int mb1_read_str(char *dst, size_t cap, paddr_t phys, phys_reader_t rd, void *ctx,
			bool *truncated)
{
	for (size_t i = 0; i < cap; i++) {
		const char *c = phys + i < phys ? NULL : rd(ctx, phys + i, 1);

		if (!c) {
			dst[i] = '\0';
			return -EINVAL;
		}
		if (i == cap - 1) {
			dst[i] = '\0';
			*truncated = *c != '\0';
			return 0;
		}
		dst[i] = *c;
		if (*c == '\0')
			return 0;
	}
	return 0;
}

/* How much of the fixed block the flags say is present (and we use). */
static size_t mb1_info_len(u32 flags)
{
	if (flags & MB1_INFO_LOADER_NAME)
		return offsetof(struct mb1_info, boot_loader_name) + 4;
	if (flags & MB1_INFO_MMAP)
		return offsetof(struct mb1_info, mmap_addr) + 4;
	if (flags & MB1_INFO_MODS)
		return offsetof(struct mb1_info, mods_addr) + 4;
	if (flags & MB1_INFO_CMDLINE)
		return offsetof(struct mb1_info, cmdline) + 4;
	if (flags & MB1_INFO_MEMORY)
		return offsetof(struct mb1_info, mem_upper) + 4;
	return sizeof(u32);
}

static int mb1_parse_modules(struct boot_info *bi, const struct mb1_info *mi, phys_reader_t rd,
			     void *ctx)
{
	u32 n = MIN(mi->mods_count, (u32)BOOT_MAX_MODULES);
	bool truncated;
	int err;

	for (u32 i = 0; i < n; i++) {
		paddr_t at = (paddr_t)mi->mods_addr + (paddr_t)i * sizeof(struct mb1_module);
		struct boot_module *bm = &bi->modules[i];
		struct mb1_module m;

		err = mb1_read(&m, sizeof(m), at, rd, ctx);
		if (err)
			return err;
		if (m.mod_end < m.mod_start)
			return -EINVAL;
		bm->start = m.mod_start;
		bm->end = m.mod_end;
		bi->nr_modules = i + 1;
		if (!m.string)
			continue;
		err = mb1_read_str(bm->cmdline, sizeof(bm->cmdline), m.string, rd, ctx, &truncated);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Walk the memory map: each entry is a u32 size followed by size bytes, of
 * which the first 20 are base, length and type.
 */
static int mb1_parse_mmap(struct boot_info *bi, const struct mb1_info *mi, phys_reader_t rd,
			  void *ctx)
{
	u64 len = mi->mmap_length, off = 0;
	struct mb1_mmap_entry e;
	u32 size;
	int err;

	if (len > MB_MAX_TABLE_BYTES)
		return -EINVAL;
	while (off < len) {
		if (len - off < sizeof(size))
			return -EINVAL;
		err = mb1_read(&size, sizeof(size), mi->mmap_addr + off, rd, ctx);
		if (err)
			return err;
		if (size < sizeof(e) || size > len - off - sizeof(size))
			return -EINVAL;
		err = mb1_read(&e, sizeof(e), mi->mmap_addr + off + sizeof(size), rd, ctx);
		if (err)
			return err;
		/* -ENOSPC only sets regions_truncated; keep validating the rest. */
		(void)bootinfo_add_region(bi, e.base_addr, e.length, mb_mem_type(e.type));
		off += (u64)size + sizeof(size);
	}
	return 0;
}

int mb1_parse(struct boot_info *bi, paddr_t info, phys_reader_t rd, void *ctx)
{
	struct mb1_info mi;
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = BOOT_PROTO_MULTIBOOT1;
	memset(&mi, 0, sizeof(mi));
	err = mb1_read(&mi.flags, sizeof(mi.flags), info, rd, ctx);
	if (err)
		return err;
	err = mb1_read(&mi, mb1_info_len(mi.flags), info, rd, ctx);
	if (err)
		return err;

	if (mi.flags & MB1_INFO_MEMORY) {
		bi->mem_lower_kib = mi.mem_lower;
		bi->mem_upper_kib = mi.mem_upper;
	}
	if (mi.flags & MB1_INFO_CMDLINE) {
		err = mb1_read_str(bi->cmdline, sizeof(bi->cmdline), mi.cmdline, rd, ctx,
				   &bi->cmdline_truncated);
		if (err)
			return err;
	}
	if (mi.flags & MB1_INFO_MODS) {
		err = mb1_parse_modules(bi, &mi, rd, ctx);
		if (err)
			return err;
	}
	if (mi.flags & MB1_INFO_MMAP) {
		err = mb1_parse_mmap(bi, &mi, rd, ctx);
		if (err)
			return err;
	}
	if (mi.flags & MB1_INFO_LOADER_NAME) {
		bool truncated;

		err = mb1_read_str(bi->loader_name, sizeof(bi->loader_name), mi.boot_loader_name,
				   rd, ctx, &truncated);
		if (err)
			return err;
	}
	if (bi->nr_regions == 0)
		mb_synthesize_map(bi);
	return 0;
}
