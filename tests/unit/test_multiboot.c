/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_multiboot.c - host tests for the Multiboot 1 and 2 parsers
 * (kernel/genarch/multiboot/). Each test lays out an information structure
 * byte by byte, at the offsets the specifications give, in a fake physical
 * memory; the reader hands out pointers into it and NULL for anything outside
 * it. Well-formed inputs must come back field for field; malformed ones
 * (zero or short sizes, entries past their container, huge sizes, pointers
 * outside memory, strings without a NUL) must give -EINVAL or a safely
 * truncated string, never a fault or a hang.
 */
#include <stdint.h>
#include <string.h>

#include "bootinfo.h"
#include "errno.h"
#include "unit.h"

#define MEM_SIZE 0x40000u

static u8 mem[MEM_SIZE];
static struct boot_info bi;
static unsigned int reads;

static const void *fake_read(void *ctx, paddr_t phys, u64 len)
{
	reads++;
	if (ctx != mem || phys + len < phys || phys + len > MEM_SIZE)
		return NULL;
	return mem + phys;
}

static void clear_mem(void)
{
	memset(mem, 0xa5, sizeof(mem)); /* never zero by accident */
}

static void put32(u64 at, u32 v)
{
	memcpy(mem + at, &v, 4);
}

static void put64(u64 at, u64 v)
{
	memcpy(mem + at, &v, 8);
}

static void putstr(u64 at, const char *s)
{
	memcpy(mem + at, s, strlen(s) + 1);
}

static int parse1(u64 info)
{
	return mb1_parse(&bi, info, fake_read, mem);
}

static int parse2(u64 info)
{
	return mb2_parse(&bi, info, fake_read, mem);
}

#define CHECK_REGION(i, b, l, t)                   \
	do {                                       \
		CHECK_EQ(bi.regions[i].base, (b)); \
		CHECK_EQ(bi.regions[i].len, (l));  \
		CHECK_EQ(bi.regions[i].type, (t)); \
	} while (0)

/* ---- Multiboot 1 ---- */

#define MB1_INFO 0x1000u
#define MB1_F_MEM (1u << 0)
#define MB1_F_CMDLINE (1u << 2)
#define MB1_F_MODS (1u << 3)
#define MB1_F_MMAP (1u << 6)
#define MB1_F_NAME (1u << 9)

/* One MB1 mmap entry at `at` with the given size field; returns the next offset. */
static u64 mb1_entry(u64 at, u32 size, u64 base, u64 len, u32 type)
{
	put32(at, size);
	put64(at + 4, base);
	put64(at + 12, len);
	put32(at + 20, type);
	return at + 4 + size;
}

static void mb1_module(u64 at, u32 start, u32 end, u32 string)
{
	put32(at, start);
	put32(at + 4, end);
	put32(at + 8, string);
	put32(at + 12, 0);
}

/* A complete, valid MB1 block: all five flags we use. */
static void mb1_build_full(void)
{
	u64 e = 0x4000;

	clear_mem();
	put32(MB1_INFO + 0, MB1_F_MEM | MB1_F_CMDLINE | MB1_F_MODS | MB1_F_MMAP | MB1_F_NAME);
	put32(MB1_INFO + 4, 639);
	put32(MB1_INFO + 8, 129920);
	put32(MB1_INFO + 16, 0x2000);
	putstr(0x2000, "console=ttyS0 loglevel=7");
	put32(MB1_INFO + 20, 2);
	put32(MB1_INFO + 24, 0x3000);
	mb1_module(0x3000, 0x200000, 0x280000, 0x3100);
	mb1_module(0x3010, 0x280000, 0x280123, 0);
	putstr(0x3100, "initrd.img root=/dev/ram0");
	e = mb1_entry(e, 20, 0x0, 0x9fc00, 1);
	e = mb1_entry(e, 20, 0x9fc00, 0x400, 2);
	e = mb1_entry(e, 28, 0x100000, 0x7ee0000, 1); /* larger size: skip the extra */
	e = mb1_entry(e, 20, 0x7fe0000, 0x20000, 3);
	e = mb1_entry(e, 20, 0xfee00000, 0x1000, 4);
	e = mb1_entry(e, 20, 0x200000000ull, 0x1000, 5);
	put32(MB1_INFO + 44, (u32)(e - 0x4000));
	put32(MB1_INFO + 48, 0x4000);
	put32(MB1_INFO + 64, 0x5000);
	putstr(0x5000, "GRUB 2.06");
}

UNIT_TEST(mb1_full_block)
{
	mb1_build_full();
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.protocol, BOOT_PROTO_MULTIBOOT1);
	CHECK_EQ(bi.mem_lower_kib, 639);
	CHECK_EQ(bi.mem_upper_kib, 129920);
	CHECK_STREQ(bi.cmdline, "console=ttyS0 loglevel=7");
	CHECK(!bi.cmdline_truncated);
	CHECK_STREQ(bi.loader_name, "GRUB 2.06");
	CHECK_EQ(bi.nr_modules, 2);
	CHECK_EQ(bi.modules[0].start, 0x200000);
	CHECK_EQ(bi.modules[0].end, 0x280000);
	CHECK_STREQ(bi.modules[0].cmdline, "initrd.img root=/dev/ram0");
	CHECK_EQ(bi.modules[1].start, 0x280000);
	CHECK_EQ(bi.modules[1].end, 0x280123);
	CHECK_STREQ(bi.modules[1].cmdline, "");
	CHECK_EQ(bi.nr_regions, 6);
	CHECK_REGION(0, 0x0, 0x9fc00, MEM_USABLE);
	CHECK_REGION(1, 0x9fc00, 0x400, MEM_RESERVED); /* type 2: reserved */
	CHECK_REGION(2, 0x100000, 0x7ee0000, MEM_USABLE);
	CHECK_REGION(3, 0x7fe0000, 0x20000, MEM_ACPI_RECLAIM);
	CHECK_REGION(4, 0xfee00000, 0x1000, MEM_ACPI_NVS);
	CHECK_REGION(5, 0x200000000ull, 0x1000, MEM_BAD);
	CHECK(!bi.regions_truncated);
	CHECK_EQ(bi.rsdp_len, 0);
	CHECK_EQ(bi.rsdp_phys, 0);
}

UNIT_TEST(mb1_then_finalize)
{
	mb1_build_full();
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bootinfo_finalize(&bi, 0x100000, 0x180000), 0);
	CHECK_EQ(bi.nr_regions, 10);
	CHECK_REGION(0, 0x0, 0x9f000, MEM_USABLE);
	CHECK_REGION(1, 0x9f000, 0x1000, MEM_RESERVED);
	CHECK_REGION(2, 0x100000, 0x80000, MEM_KERNEL);
	CHECK_REGION(3, 0x180000, 0x80000, MEM_USABLE);
	CHECK_REGION(4, 0x200000, 0x80123, MEM_MODULE);
	CHECK_REGION(5, 0x280123, 0xedd, MEM_RESERVED);
	CHECK_REGION(6, 0x281000, 0x7d5f000, MEM_USABLE);
	CHECK_REGION(7, 0x7fe0000, 0x20000, MEM_ACPI_RECLAIM);
	CHECK_REGION(8, 0xfee00000, 0x1000, MEM_ACPI_NVS);
	CHECK_REGION(9, 0x200000000ull, 0x1000, MEM_BAD);
}

UNIT_TEST(mb1_no_flags)
{
	clear_mem();
	put32(MB1_INFO, 0);
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.protocol, BOOT_PROTO_MULTIBOOT1);
	CHECK_EQ(bi.nr_regions, 0);
	CHECK_EQ(bi.nr_modules, 0);
	CHECK_STREQ(bi.cmdline, "");
	CHECK_STREQ(bi.loader_name, "");
}

UNIT_TEST(mb1_synthesizes_map_from_mem_fields)
{
	clear_mem();
	put32(MB1_INFO, MB1_F_MEM);
	put32(MB1_INFO + 4, 640);
	put32(MB1_INFO + 8, 1024);
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0x0, 0xa0000, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x100000, MEM_USABLE);

	/* An mmap, even a short one, wins over the legacy fields. */
	put32(MB1_INFO, MB1_F_MEM | MB1_F_MMAP);
	put32(MB1_INFO + 44, 24);
	put32(MB1_INFO + 48, 0x4000);
	mb1_entry(0x4000, 20, 0x0, 0x1000, 1);
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.nr_regions, 1);
	CHECK_REGION(0, 0x0, 0x1000, MEM_USABLE);
}

UNIT_TEST(mb1_reads_only_the_fields_flags_announce)
{
	/* Only 12 bytes left in memory: enough for flags + mem fields. */
	u64 info = MEM_SIZE - 12;

	clear_mem();
	put32(info, MB1_F_MEM);
	put32(info + 4, 100);
	put32(info + 8, 200);
	CHECK_EQ(parse1(info), 0);
	CHECK_EQ(bi.mem_lower_kib, 100);
	CHECK_EQ(bi.mem_upper_kib, 200);

	put32(info, MB1_F_MEM | MB1_F_CMDLINE); /* needs 20 bytes now */
	CHECK_EQ(parse1(info), -EINVAL);
}

UNIT_TEST(mb1_unreadable_info)
{
	clear_mem();
	CHECK_EQ(parse1(MEM_SIZE), -EINVAL);
	CHECK_EQ(parse1(MEM_SIZE - 2), -EINVAL);
	CHECK_EQ(parse1(UINT64_MAX - 1), -EINVAL);
	CHECK_EQ(bi.protocol, BOOT_PROTO_MULTIBOOT1);
}

static void mb1_mmap_only(u32 length)
{
	clear_mem();
	put32(MB1_INFO, MB1_F_MMAP);
	put32(MB1_INFO + 44, length);
	put32(MB1_INFO + 48, 0x4000);
}

UNIT_TEST(mb1_mmap_zero_size_entry_is_einval)
{
	mb1_mmap_only(48);
	mb1_entry(0x4000, 20, 0x0, 0x1000, 1);
	mb1_entry(0x4018, 0, 0x0, 0x1000, 1); /* would loop forever */
	reads = 0;
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
	CHECK(reads < 10);
}

UNIT_TEST(mb1_mmap_short_entry_is_einval)
{
	mb1_mmap_only(24);
	mb1_entry(0x4000, 19, 0x0, 0x1000, 1);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
}

UNIT_TEST(mb1_mmap_entry_past_length_is_einval)
{
	mb1_mmap_only(40); /* room for one entry and 16 bytes */
	mb1_entry(0x4000, 20, 0x0, 0x1000, 1);
	mb1_entry(0x4018, 20, 0x1000, 0x1000, 1);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);

	mb1_mmap_only(26); /* one entry and 2 stray bytes: no room for a size */
	mb1_entry(0x4000, 20, 0x0, 0x1000, 1);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);

	mb1_mmap_only(24);
	mb1_entry(0x4000, 0xfffffff0u, 0x0, 0x1000, 1); /* size overflows length */
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
}

UNIT_TEST(mb1_mmap_huge_length_is_einval)
{
	mb1_mmap_only(0xfffffff0u);
	mb1_entry(0x4000, 20, 0x0, 0x1000, 1);
	reads = 0;
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
	CHECK(reads < 10);
}

UNIT_TEST(mb1_mmap_unreadable_is_einval)
{
	mb1_mmap_only(24);
	put32(MB1_INFO + 48, MEM_SIZE - 8);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
	put32(MB1_INFO + 48, 0xfffffff0u);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
}

UNIT_TEST(mb1_mmap_more_entries_than_fit)
{
	u64 e = 0x4000;

	clear_mem();
	for (int i = 0; i < BOOT_MAX_REGIONS + 5; i++)
		e = mb1_entry(e, 20, (u64)i << 20, 0x1000, 1);
	mb1_entry(e, 4, 0, 0, 0); /* malformed, after the overflow */
	put32(MB1_INFO, MB1_F_MMAP);
	put32(MB1_INFO + 44, (u32)(e - 0x4000));
	put32(MB1_INFO + 48, 0x4000);
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.nr_regions, BOOT_MAX_REGIONS);
	CHECK(bi.regions_truncated);
	CHECK_REGION(BOOT_MAX_REGIONS - 1, (u64)(BOOT_MAX_REGIONS - 1) << 20, 0x1000, MEM_USABLE);

	/* Entries beyond the limit are still checked. */
	put32(MB1_INFO + 44, (u32)(e - 0x4000) + 8);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
}

UNIT_TEST(mb1_cmdline_truncation)
{
	char want[BOOT_CMDLINE_MAX];

	clear_mem();
	put32(MB1_INFO, MB1_F_CMDLINE);
	put32(MB1_INFO + 16, 0x8000);
	memset(mem + 0x8000, 'x', 2000);
	mem[0x8000 + 2000] = '\0';
	CHECK_EQ(parse1(MB1_INFO), 0);
	memset(want, 'x', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	CHECK_STREQ(bi.cmdline, want);
	CHECK(bi.cmdline_truncated);

	mem[0x8000 + BOOT_CMDLINE_MAX - 1] = '\0'; /* exactly fits */
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_STREQ(bi.cmdline, want);
	CHECK(!bi.cmdline_truncated);
}

UNIT_TEST(mb1_string_running_off_memory_is_einval)
{
	clear_mem();
	put32(MB1_INFO, MB1_F_CMDLINE);
	put32(MB1_INFO + 16, MEM_SIZE - 10);
	memset(mem + MEM_SIZE - 10, 'y', 10); /* no NUL before the end */
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
	CHECK_STREQ(bi.cmdline, "yyyyyyyyyy"); /* still terminated */

	put32(MB1_INFO + 16, 0xfffff000u);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
	CHECK_STREQ(bi.cmdline, "");
}

UNIT_TEST(mb1_modules)
{
	clear_mem();
	put32(MB1_INFO, MB1_F_MODS);
	put32(MB1_INFO + 20, 20);
	put32(MB1_INFO + 24, 0x3000);
	for (u32 i = 0; i < 20; i++)
		mb1_module(0x3000 + i * 16, i << 20, (i << 20) + 0x1000, 0x6000);
	memset(mem + 0x6000, 'm', 100);
	mem[0x6000 + 100] = '\0';
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(bi.nr_modules, BOOT_MAX_MODULES); /* the rest are ignored */
	CHECK_EQ(bi.modules[15].start, 15u << 20);
	CHECK_EQ(bi.modules[15].end, (15u << 20) + 0x1000);
	CHECK_EQ(strlen(bi.modules[15].cmdline), BOOT_NAME_MAX - 1);

	mb1_module(0x3010, 0x5000, 0x4000, 0); /* ends before it starts */
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);

	put32(MB1_INFO + 24, MEM_SIZE - 16); /* the list runs off memory */
	put32(MB1_INFO + 20, 2);
	mb1_module(MEM_SIZE - 16, 0, 0x1000, 0);
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);

	put32(MB1_INFO + 24, 0x3000);
	mb1_module(0x3000, 0, 0x1000, MEM_SIZE + 5); /* unreadable string */
	CHECK_EQ(parse1(MB1_INFO), -EINVAL);
}

UNIT_TEST(mb1_loader_name_truncated)
{
	clear_mem();
	put32(MB1_INFO, MB1_F_NAME);
	put32(MB1_INFO + 64, 0x5000);
	memset(mem + 0x5000, 'n', 200);
	mem[0x5000 + 200] = '\0';
	CHECK_EQ(parse1(MB1_INFO), 0);
	CHECK_EQ(strlen(bi.loader_name), BOOT_NAME_MAX - 1);
	CHECK_EQ(bi.loader_name[0], 'n');
}

/* ---- Multiboot 2 ---- */

#define MB2_INFO 0x10000u

static u32 mb2_off;

static void mb2_begin(void)
{
	clear_mem();
	mb2_off = 8;
	put32(MB2_INFO + 4, 0);
}

/* Append a tag with `len` payload bytes; returns the tag's address. */
static u64 mb2_tag(u32 type, const void *payload, u32 len)
{
	u64 at = MB2_INFO + mb2_off;

	put32(at, type);
	put32(at + 4, 8 + len);
	if (len)
		memcpy(mem + at + 8, payload, len);
	mb2_off += (8 + len + 7) & ~7u;
	return at;
}

static u64 mb2_str_tag(u32 type, const char *s)
{
	return mb2_tag(type, s, (u32)strlen(s) + 1);
}

static void mb2_end(void)
{
	mb2_tag(0, NULL, 0);
	put32(MB2_INFO, mb2_off);
}

static void mb2_module(u32 start, u32 end, const char *s)
{
	u8 p[64];

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	strcpy((char *)p + 8, s);
	mb2_tag(3, p, 8 + (u32)strlen(s) + 1);
}

static void mb2_meminfo(u32 lower, u32 upper)
{
	u32 p[2] = {lower, upper};

	mb2_tag(4, p, sizeof(p));
}

/* An mmap tag with n entries of entry_size bytes taken from ents (24 bytes each). */
static void mb2_mmap(u32 entry_size, const u64 (*ents)[3], u32 n)
{
	u8 p[512];

	memset(p, 0xee, sizeof(p));
	memcpy(p, &entry_size, 4);
	memset(p + 4, 0, 4);
	for (u32 i = 0; i < n; i++) {
		u8 *e = p + 8 + i * entry_size;
		u32 type = (u32)ents[i][2], zero = 0;

		memcpy(e, &ents[i][0], 8);
		memcpy(e + 8, &ents[i][1], 8);
		memcpy(e + 16, &type, 4);
		memcpy(e + 20, &zero, 4);
	}
	mb2_tag(6, p, 8 + n * entry_size);
}

static const u64 mb2_map[][3] = {
	{0x0, 0x9fc00, 1},
	{0x100000, 0x7ee0000, 1},
	{0x7fe0000, 0x20000, 3},
	{0xfffc0000, 0x40000, 2},
};

static const u8 rsdp_v1[20] = "RSD PTR \x42OEMID\x00\x10\x20\x30\x40";
static const u8 rsdp_v2[36] = "RSD PTR \x42OEMID\x02\x10\x20\x30\x40\x24\0\0\0ABCDEFGH\x99\0\0";

UNIT_TEST(mb2_full_info)
{
	u8 unknown[13] = {1, 2, 3};
	u64 acpi;

	mb2_begin();
	mb2_str_tag(1, "root=/dev/sda1 quiet");
	mb2_str_tag(2, "GRUB 2.12");
	mb2_module(0x300000, 0x340000, "initrd");
	mb2_tag(21, unknown, sizeof(unknown)); /* unknown types are skipped */
	mb2_meminfo(639, 130048);
	mb2_module(0x340000, 0x340001, "");
	mb2_mmap(24, mb2_map, 4);
	acpi = mb2_tag(14, rsdp_v1, sizeof(rsdp_v1));
	mb2_end();

	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	CHECK_STREQ(bi.cmdline, "root=/dev/sda1 quiet");
	CHECK(!bi.cmdline_truncated);
	CHECK_STREQ(bi.loader_name, "GRUB 2.12");
	CHECK_EQ(bi.nr_modules, 2);
	CHECK_EQ(bi.modules[0].start, 0x300000);
	CHECK_EQ(bi.modules[0].end, 0x340000);
	CHECK_STREQ(bi.modules[0].cmdline, "initrd");
	CHECK_EQ(bi.modules[1].start, 0x340000);
	CHECK_EQ(bi.modules[1].end, 0x340001);
	CHECK_STREQ(bi.modules[1].cmdline, "");
	CHECK_EQ(bi.mem_lower_kib, 639);
	CHECK_EQ(bi.mem_upper_kib, 130048);
	CHECK_EQ(bi.nr_regions, 4);
	CHECK_REGION(0, 0x0, 0x9fc00, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x7ee0000, MEM_USABLE);
	CHECK_REGION(2, 0x7fe0000, 0x20000, MEM_ACPI_RECLAIM);
	CHECK_REGION(3, 0xfffc0000, 0x40000, MEM_RESERVED);
	CHECK_EQ(bi.rsdp_len, 20);
	CHECK_EQ(bi.rsdp_phys, acpi + 8);
	CHECK(memcmp(bi.rsdp, rsdp_v1, 20) == 0);
}

UNIT_TEST(mb2_new_rsdp_preferred_in_any_order)
{
	u64 acpi2;

	mb2_begin();
	acpi2 = mb2_tag(15, rsdp_v2, sizeof(rsdp_v2));
	mb2_tag(14, rsdp_v1, sizeof(rsdp_v1));
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.rsdp_phys, acpi2 + 8);
	CHECK(memcmp(bi.rsdp, rsdp_v2, 36) == 0);

	mb2_begin();
	mb2_tag(14, rsdp_v1, sizeof(rsdp_v1));
	acpi2 = mb2_tag(15, rsdp_v2, sizeof(rsdp_v2));
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.rsdp_phys, acpi2 + 8);
	CHECK(memcmp(bi.rsdp, rsdp_v2, 36) == 0);
}

UNIT_TEST(mb2_short_rsdp_is_einval)
{
	mb2_begin();
	mb2_tag(14, rsdp_v1, 19);
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_tag(15, rsdp_v2, 20);
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_only_end_tag)
{
	mb2_begin();
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	CHECK_EQ(bi.nr_regions, 0);
	CHECK_EQ(bi.nr_modules, 0);
	CHECK_EQ(bi.rsdp_len, 0);
	CHECK_STREQ(bi.cmdline, "");
}

UNIT_TEST(mb2_synthesizes_map_from_meminfo)
{
	mb2_begin();
	mb2_meminfo(512, 2048);
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.nr_regions, 2);
	CHECK_REGION(0, 0x0, 0x80000, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x200000, MEM_USABLE);
}

UNIT_TEST(mb2_mmap_wider_entries)
{
	mb2_begin();
	mb2_mmap(40, mb2_map, 3); /* a future entry format: 16 bytes more each */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.nr_regions, 3);
	CHECK_REGION(0, 0x0, 0x9fc00, MEM_USABLE);
	CHECK_REGION(1, 0x100000, 0x7ee0000, MEM_USABLE);
	CHECK_REGION(2, 0x7fe0000, 0x20000, MEM_ACPI_RECLAIM);
}

UNIT_TEST(mb2_mmap_malformed)
{
	u32 hdr[2] = {0, 0};

	mb2_begin();
	mb2_mmap(16, mb2_map, 2); /* entries too small */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_tag(6, hdr, sizeof(hdr)); /* entry_size 0: no division by zero */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_tag(6, hdr, 4); /* no room for the tag's own header */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_mmap(24, mb2_map, 2);
	put32(MB2_INFO + 8 + 4, 8 + 8 + 24 + 10); /* a partial last entry */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_zero_size_tag_is_einval)
{
	mb2_begin();
	mb2_str_tag(1, "a");
	put32(MB2_INFO + 8 + 4, 0); /* would never advance */
	mb2_end();
	reads = 0;
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
	CHECK(reads < 4);

	mb2_begin();
	mb2_str_tag(1, "a");
	put32(MB2_INFO + 8 + 4, 7);
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_tag_past_total_size_is_einval)
{
	mb2_begin();
	mb2_str_tag(1, "console=ttyS0");
	mb2_end();
	put32(MB2_INFO + 8 + 4, 0x100); /* the cmdline tag now runs past the end */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_str_tag(1, "console=ttyS0");
	mb2_end();
	put32(MB2_INFO + 8 + 4, 0xfffffff8u); /* and would wrap a 32-bit offset */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_missing_end_tag_is_einval)
{
	mb2_begin();
	mb2_str_tag(1, "quiet");
	put32(MB2_INFO, mb2_off); /* total_size ends right after the cmdline */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_str_tag(1, "quiet");
	mb2_end();
	put32(MB2_INFO, mb2_off - 4); /* end tag cut in half */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_total_size_bounds)
{
	mb2_begin();
	mb2_end();
	put32(MB2_INFO, 0x200000); /* 2 MiB: insane */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
	put32(MB2_INFO, 0xffffffffu);
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
	put32(MB2_INFO, 15); /* no room for an end tag */
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
	put32(MB2_INFO, 0);
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
	put32(MB2_INFO, 16);
	CHECK_EQ(parse2(MB2_INFO), 0);
}

UNIT_TEST(mb2_unreadable_or_misaligned)
{
	mb2_begin();
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO + 4), -EINVAL); /* not 8-byte aligned */
	CHECK_EQ(parse2(MEM_SIZE), -EINVAL);
	CHECK_EQ(parse2(UINT64_MAX & ~7ull), -EINVAL);

	/* The header is readable, the block it announces is not. */
	put32(MEM_SIZE - 8, 64);
	put32(MEM_SIZE - 4, 0);
	CHECK_EQ(parse2(MEM_SIZE - 8), -EINVAL);
}

UNIT_TEST(mb2_strings_without_nul_are_cut_at_the_tag)
{
	mb2_begin();
	mb2_tag(1, "abc", 3); /* no NUL; the padding after it is 0xa5 */
	mb2_tag(2, "", 0);    /* empty payload */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_STREQ(bi.cmdline, "abc");
	CHECK(!bi.cmdline_truncated);
	CHECK_STREQ(bi.loader_name, "");
}

UNIT_TEST(mb2_long_strings_truncated)
{
	static char big[3000];
	char want[BOOT_CMDLINE_MAX];

	memset(big, 'c', sizeof(big) - 1);
	mb2_begin();
	mb2_str_tag(1, big);
	mb2_str_tag(2, big);
	mb2_module(0, 0x1000, "m");
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	memset(want, 'c', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	CHECK_STREQ(bi.cmdline, want);
	CHECK(bi.cmdline_truncated);
	CHECK_EQ(strlen(bi.loader_name), BOOT_NAME_MAX - 1);
	CHECK_STREQ(bi.modules[0].cmdline, "m");
}

UNIT_TEST(mb2_module_malformed_or_too_many)
{
	u32 p[2] = {0x5000, 0x4000};

	mb2_begin();
	mb2_tag(3, p, sizeof(p)); /* end before start */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	mb2_tag(3, p, 4); /* too short for start and end */
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);

	mb2_begin();
	for (u32 i = 0; i < BOOT_MAX_MODULES + 3; i++)
		mb2_module(i << 16, (i << 16) + 1, "x");
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bi.nr_modules, BOOT_MAX_MODULES);
	CHECK_EQ(bi.modules[BOOT_MAX_MODULES - 1].start, (u64)(BOOT_MAX_MODULES - 1) << 16);
}

UNIT_TEST(mb2_meminfo_short_is_einval)
{
	u32 lower = 640;

	mb2_begin();
	mb2_tag(4, &lower, 4);
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), -EINVAL);
}

UNIT_TEST(mb2_then_finalize)
{
	mb2_begin();
	mb2_mmap(24, mb2_map, 4);
	mb2_module(0x300000, 0x340000, "initrd");
	mb2_end();
	CHECK_EQ(parse2(MB2_INFO), 0);
	CHECK_EQ(bootinfo_finalize(&bi, 0x100000, 0x200000), 0);
	CHECK_EQ(bi.nr_regions, 8);
	CHECK_REGION(0, 0x0, 0x9f000, MEM_USABLE);
	CHECK_REGION(1, 0x9f000, 0xc00, MEM_RESERVED);
	CHECK_REGION(2, 0x100000, 0x100000, MEM_KERNEL);
	CHECK_REGION(3, 0x200000, 0x100000, MEM_USABLE);
	CHECK_REGION(4, 0x300000, 0x40000, MEM_MODULE);
	CHECK_REGION(5, 0x340000, 0x7ca0000, MEM_USABLE);
	CHECK_REGION(6, 0x7fe0000, 0x20000, MEM_ACPI_RECLAIM);
	CHECK_REGION(7, 0xfffc0000, 0x40000, MEM_RESERVED);
	CHECK_EQ(bootinfo_usable_bytes(&bi), 0x9f000 + 0x100000 + 0x7ca0000);
}
