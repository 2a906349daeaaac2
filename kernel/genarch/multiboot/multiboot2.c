/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * multiboot2.c - read a Multiboot 2 information structure into struct
 * boot_info.
 *
 * The structure is one contiguous block: an 8-byte header (total_size,
 * reserved) followed by tags, each starting on an 8-byte boundary with a
 * (type, size) header, ended by a tag of type 0. The whole block is obtained
 * through the caller's phys_reader_t once, then walked with every size checked
 * against what is left, so a corrupt block ends in -EINVAL, never in a fault
 * or an endless loop. Tags we do not use are skipped.
 */
#include "bootinfo.h"
#include "errno.h"
#include "lib.h"
#include "multiboot.h"

/* The tag being parsed: its bytes (header included), size and address. */
struct mb2_tag_ref {
	const u8 *p;
	u32 size;
	paddr_t phys;
};

static int mb2_parse_module(struct boot_info *bi, const struct mb2_tag_ref *t)
{
	struct mb2_tag_module m;
	struct boot_module *bm;

	if (t->size < sizeof(m))
		return -EINVAL;
	memcpy(&m, t->p, sizeof(m));
	if (m.mod_end < m.mod_start)
		return -EINVAL;
	if (bi->nr_modules == BOOT_MAX_MODULES)
		return 0; /* more than we track: ignore the rest */
	bm = &bi->modules[bi->nr_modules++];
	bm->start = m.mod_start;
	bm->end = m.mod_end;
	mb_copy_str(bm->cmdline, sizeof(bm->cmdline), (const char *)t->p + sizeof(m),
		    t->size - sizeof(m));
	return 0;
}

static int mb2_parse_meminfo(struct boot_info *bi, const struct mb2_tag_ref *t)
{
	struct mb2_tag_meminfo mi;

	if (t->size < sizeof(mi))
		return -EINVAL;
	memcpy(&mi, t->p, sizeof(mi));
	bi->mem_lower_kib = mi.mem_lower;
	bi->mem_upper_kib = mi.mem_upper;
	return 0;
}

static int mb2_parse_mmap(struct boot_info *bi, const struct mb2_tag_ref *t)
{
	struct mb2_tag_mmap hdr;
	struct mb2_mmap_entry e;
	u32 off;

	if (t->size < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, t->p, sizeof(hdr));
	if (hdr.entry_size < sizeof(e) || (t->size - sizeof(hdr)) % hdr.entry_size)
		return -EINVAL;
	for (off = sizeof(hdr); off < t->size; off += hdr.entry_size) {
		memcpy(&e, t->p + off, sizeof(e));
		/* -ENOSPC only sets regions_truncated. */
		(void)bootinfo_add_region(bi, e.base_addr, e.length, mb_mem_type(e.type));
	}
	return 0;
}

/* ACPI RSDP copies: keep the 2.0+ one (36 bytes) over the 1.0 one (20). */
static int mb2_parse_rsdp(struct boot_info *bi, const struct mb2_tag_ref *t, u32 len)
{
	if (t->size - sizeof(struct mb2_tag) < len)
		return -EINVAL;
	if (bi->rsdp_len > len)
		return 0;
	memcpy(bi->rsdp, t->p + sizeof(struct mb2_tag), len);
	bi->rsdp_len = len;
	bi->rsdp_phys = t->phys + sizeof(struct mb2_tag);
	return 0;
}

static int mb2_parse_tag(struct boot_info *bi, u32 type, const struct mb2_tag_ref *t)
{
	const char *str = (const char *)t->p + sizeof(struct mb2_tag);
	u32 str_len = t->size - sizeof(struct mb2_tag);

	switch (type) {
	case MB2_TAG_CMDLINE:
		bi->cmdline_truncated = mb_copy_str(bi->cmdline, sizeof(bi->cmdline), str, str_len);
		return 0;
	case MB2_TAG_LOADER_NAME:
		mb_copy_str(bi->loader_name, sizeof(bi->loader_name), str, str_len);
		return 0;
	case MB2_TAG_MODULE:
		return mb2_parse_module(bi, t);
	case MB2_TAG_BASIC_MEMINFO:
		return mb2_parse_meminfo(bi, t);
	case MB2_TAG_MMAP:
		return mb2_parse_mmap(bi, t);
	case MB2_TAG_ACPI_OLD:
		return mb2_parse_rsdp(bi, t, MB2_RSDP_V1_LEN);
	case MB2_TAG_ACPI_NEW:
		return mb2_parse_rsdp(bi, t, MB2_RSDP_V2_LEN);
	default:
		return 0;
	}
}

/* Walk the tags of a block of total bytes (already known readable). */
static int mb2_walk(struct boot_info *bi, const u8 *buf, u32 total, paddr_t info)
{
	u32 off = sizeof(struct mb2_info_header);
	struct mb2_tag_ref t;
	struct mb2_tag tag;
	int err;

	for (;;) {
		if (off > total || total - off < sizeof(tag))
			return -EINVAL; /* no end tag */
		memcpy(&tag, buf + off, sizeof(tag));
		if (tag.size < sizeof(tag) || tag.size > total - off)
			return -EINVAL;
		if (tag.type == MB2_TAG_END)
			return 0;
		t.p = buf + off;
		t.size = tag.size;
		t.phys = info + off;
		err = mb2_parse_tag(bi, tag.type, &t);
		if (err)
			return err;
		off += ALIGN_UP(tag.size, MB2_TAG_ALIGN);
	}
}

int mb2_parse(struct boot_info *bi, paddr_t info, phys_reader_t rd, void *ctx)
{
	struct mb2_info_header hdr;
	const void *p;
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->protocol = BOOT_PROTO_MULTIBOOT2;
	if (!IS_ALIGNED(info, MB2_TAG_ALIGN) || info + sizeof(hdr) < info)
		return -EINVAL;
	p = rd(ctx, info, sizeof(hdr));
	if (!p)
		return -EINVAL;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.total_size < sizeof(hdr) + sizeof(struct mb2_tag) ||
	    hdr.total_size > MB_MAX_TABLE_BYTES || info + hdr.total_size < info)
		return -EINVAL;
	p = rd(ctx, info, hdr.total_size);
	if (!p)
		return -EINVAL;
	err = mb2_walk(bi, p, hdr.total_size, info);
	if (err)
		return err;
	if (bi->nr_regions == 0)
		mb_synthesize_map(bi);
	return 0;
}
