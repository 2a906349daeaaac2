/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootinfo.h - what the bootloader told us, in the kernel's own structures.
 *
 * The Multiboot 1 and 2 parsers (kernel/genarch/multiboot/) fill a struct
 * boot_info from the loader's tables; bootinfo_finalize() (kernel/core/
 * bootinfo.c) then turns the raw memory map into a sorted, non-overlapping,
 * page-aligned list in which the kernel image and boot modules are carved out
 * of usable RAM. Nothing here touches hardware: the parsers read loader memory
 * only through a caller-supplied accessor, so they are host-tested and fuzzed
 * with fake physical memory.
 */
#ifndef MATRIOSKA_BOOTINFO_H
#define MATRIOSKA_BOOTINFO_H

#include "types.h"

#define BOOT_MAX_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_NAME_MAX 64

enum boot_protocol {
	BOOT_PROTO_NONE = 0,
	BOOT_PROTO_MULTIBOOT1,
	BOOT_PROTO_MULTIBOOT2,
};

/* Region types; when regions overlap, the higher value wins. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_ACPI_RECLAIM, /* usable once ACPI tables have been read */
	MEM_RESERVED,
	MEM_ACPI_NVS,
	MEM_BAD,
	MEM_BOOTLOADER, /* loader structures we still read (info block) */
	MEM_MODULE,	/* boot modules (initrd) */
	MEM_KERNEL,	/* the kernel image, bss included */
};

struct mem_region {
	u64 base;
	u64 len;
	u32 type; /* enum mem_type */
};

struct boot_module {
	u64 start; /* physical, inclusive */
	u64 end;   /* physical, exclusive */
	char cmdline[BOOT_NAME_MAX];
};

struct boot_info {
	u32 protocol; /* enum boot_protocol */
	char loader_name[BOOT_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	struct mem_region regions[BOOT_MAX_REGIONS];
	u32 nr_regions;
	bool regions_truncated; /* more entries than BOOT_MAX_REGIONS */
	struct boot_module modules[BOOT_MAX_MODULES];
	u32 nr_modules;
	u64 mem_lower_kib, mem_upper_kib; /* legacy fields, 0 if absent */
	paddr_t rsdp_phys;		  /* 0 if the loader gave no RSDP copy */
	u8 rsdp[36];			  /* copy of the RSDP (v1: 20 bytes, v2: 36) */
	u32 rsdp_len;
};

/*
 * Accessor for loader memory: return a pointer through which len bytes at
 * physical address phys can be read, or NULL if that range is not readable
 * (outside RAM, wraps around, ...). The parsers never dereference anything
 * they have not obtained through it.
 */
typedef const void *(*phys_reader_t)(void *ctx, paddr_t phys, u64 len);

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * Parse a Multiboot 1 / 2 information structure at physical address info.
 * Fill bi (zeroed first). Returns 0, or -EINVAL for a structure that is
 * malformed (bad sizes, entries running past their container, unreadable
 * memory); a partial result may remain in bi but must not be used.
 */
int __must_check mb1_parse(struct boot_info *bi, paddr_t info, phys_reader_t rd, void *ctx);
int __must_check mb2_parse(struct boot_info *bi, paddr_t info, phys_reader_t rd, void *ctx);

/* Append a region to the raw list; returns -ENOSPC when full (and sets regions_truncated). */
int bootinfo_add_region(struct boot_info *bi, u64 base, u64 len, u32 type);

/*
 * Normalize the memory map: clip zero-length and wrapping entries, mark the
 * kernel image [kernel_start, kernel_end) as MEM_KERNEL and each module as
 * MEM_MODULE, resolve overlaps (higher type wins), sort by base, merge
 * adjacent regions of equal type, and shrink MEM_USABLE regions to whole
 * 4 KiB pages (partial pages become MEM_RESERVED). Afterwards regions are
 * sorted, non-overlapping, and of non-zero length. Returns 0 or -ENOSPC.
 */
int bootinfo_finalize(struct boot_info *bi, paddr_t kernel_start, paddr_t kernel_end);

/* Total bytes of MEM_USABLE memory (after finalize). */
u64 bootinfo_usable_bytes(const struct boot_info *bi);
/* Highest end address of any usable region (after finalize), 0 if none. */
u64 bootinfo_max_usable_addr(const struct boot_info *bi);
/* Short name of a region type, e.g. "usable", "reserved", "ACPI NVS". */
const char *bootinfo_type_name(u32 type);

#endif
