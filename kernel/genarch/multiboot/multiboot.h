/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * multiboot.h - private to kernel/genarch/multiboot/: the layouts and
 * constants of the Multiboot 1 and Multiboot 2 information structures (facts
 * from the two specifications) and the small helpers both parsers share.
 *
 * The parsers never cast loader memory to these structures: they copy bytes
 * obtained through the phys_reader_t into local variables of these types, so
 * alignment and readability are always checked first.
 */
#ifndef MATRIOSKA_MULTIBOOT_H
#define MATRIOSKA_MULTIBOOT_H

#include "bootinfo.h"
#include "types.h"

/* Sanity bound on any table the loader hands us (MB2 info, MB1 mmap). */
#define MB_MAX_TABLE_BYTES MiB(1)

/* Memory map entry types, identical in Multiboot 1 and 2. */
#define MB_MEM_AVAILABLE 1
#define MB_MEM_ACPI_RECLAIMABLE 3
#define MB_MEM_NVS 4
#define MB_MEM_BADRAM 5

/* ---- Multiboot 1 ---- */

#define MB1_INFO_MEMORY (1u << 0) /* mem_lower, mem_upper */
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER_NAME (1u << 9)

/* The fixed part of the info block, up to the last field we use. */
struct mb1_info {
	u32 flags;
	u32 mem_lower; /* KiB from 0 */
	u32 mem_upper; /* KiB from 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length;
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct mb1_module {
	u32 mod_start;
	u32 mod_end;
	u32 string;
	u32 reserved;
} __packed;

/* A memory map entry; a u32 "size" (not counting itself) precedes it. */
struct mb1_mmap_entry {
	u64 base_addr;
	u64 length;
	u32 type;
} __packed;

STATIC_ASSERT(sizeof(struct mb1_info) == 68, "mb1_info layout");
STATIC_ASSERT(sizeof(struct mb1_module) == 16, "mb1_module layout");
STATIC_ASSERT(sizeof(struct mb1_mmap_entry) == 20, "mb1_mmap_entry layout");

/* ---- Multiboot 2 ---- */

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MB2_TAG_ALIGN 8
#define MB2_RSDP_V1_LEN 20
#define MB2_RSDP_V2_LEN 36

struct mb2_info_header {
	u32 total_size;
	u32 reserved;
} __packed;

struct mb2_tag {
	u32 type;
	u32 size; /* header included, padding to 8 bytes not included */
} __packed;

struct mb2_tag_module {
	struct mb2_tag tag;
	u32 mod_start;
	u32 mod_end;
	/* NUL-terminated string follows */
} __packed;

struct mb2_tag_meminfo {
	struct mb2_tag tag;
	u32 mem_lower;
	u32 mem_upper;
} __packed;

struct mb2_tag_mmap {
	struct mb2_tag tag;
	u32 entry_size;
	u32 entry_version;
	/* entries follow, entry_size bytes apart */
} __packed;

struct mb2_mmap_entry {
	u64 base_addr;
	u64 length;
	u32 type;
	u32 reserved;
} __packed;

STATIC_ASSERT(sizeof(struct mb2_tag_module) == 16, "mb2_tag_module layout");
STATIC_ASSERT(sizeof(struct mb2_tag_meminfo) == 16, "mb2_tag_meminfo layout");
STATIC_ASSERT(sizeof(struct mb2_tag_mmap) == 16, "mb2_tag_mmap layout");
STATIC_ASSERT(sizeof(struct mb2_mmap_entry) == 24, "mb2_mmap_entry layout");

/* ---- helpers shared by both parsers ---- */

/* Map a Multiboot memory type to ours; anything unknown is reserved. */
static inline u32 mb_mem_type(u32 mb_type)
{
	switch (mb_type) {
	case MB_MEM_AVAILABLE:
		return MEM_USABLE;
	case MB_MEM_ACPI_RECLAIMABLE:
		return MEM_ACPI_RECLAIM;
	case MB_MEM_NVS:
		return MEM_ACPI_NVS;
	case MB_MEM_BADRAM:
		return MEM_BAD;
	default:
		return MEM_RESERVED;
	}
}

/*
 * Copy the string in src[0..avail) (ending at its first NUL, or at avail if
 * there is none) into dst[cap], always NUL-terminated. Returns true if it had
 * to be cut short to fit.
 */
static inline bool mb_copy_str(char *dst, size_t cap, const char *src, size_t avail)
{
	size_t i;

	for (i = 0; i < avail && src[i] != '\0'; i++) {
		if (i + 1 == cap) {
			dst[i] = '\0';
			return true;
		}
		dst[i] = src[i];
	}
	dst[i] = '\0';
	return false;
}

/*
 * Synthesize a memory map from the legacy mem_lower/mem_upper fields:
 * usable [0, lower KiB) and [1 MiB, 1 MiB + upper KiB).
 */
static inline void mb_synthesize_map(struct boot_info *bi)
{
	if (bi->mem_lower_kib)
		(void)bootinfo_add_region(bi, 0, KiB(bi->mem_lower_kib), MEM_USABLE);
	if (bi->mem_upper_kib)
		(void)bootinfo_add_region(bi, MiB(1), KiB(bi->mem_upper_kib), MEM_USABLE);
}

#endif
