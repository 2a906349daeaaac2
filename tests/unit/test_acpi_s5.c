/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_acpi_s5.c - host tests for what the kernel reads from ACPI to power
 * the machine off (kernel/genarch/acpi/acpi.c): the FADT's PM1 control
 * registers, DSDT pointer and ACPI-enable hand-off, the \_S5 package in the
 * DSDT's AML, the whole chain RSDP -> XSDT/RSDT -> FADT -> DSDT -> \_S5, and
 * the PM1 control value written to enter S5.
 *
 * Tables are laid out byte by byte at the offsets the ACPI specification
 * gives; AML is written by hand, opcode by opcode. As in test_acpi.c, the
 * fake physical memory's reader hands out a heap copy of exactly the bytes
 * asked for, and the parsers are called on exact-size heap copies, so
 * AddressSanitizer catches any read past a table. Well-formed tables (a
 * QEMU-like set, ACPI 1.0 and 2.0+ FADTs, every integer encoding of \_S5)
 * must come back field for field; malformed ones (truncated, bad checksums,
 * _S5_ missing or only referenced, wrong package contents) must give
 * -EINVAL or -ENOENT with a reason, never a fault. A fixed-seed fuzz loop
 * mutates a valid set 100,000 times.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "errno.h"
#include "unit.h"

#define MEM_SIZE 0x200000u

static u8 mem[MEM_SIZE];
static struct acpi_fadt_info fadt;
static struct acpi_s5_info s5;
static const char *why;

static void **copies;
static size_t nr_copies, cap_copies;

static void free_copies(void)
{
	for (size_t i = 0; i < nr_copies; i++)
		free(copies[i]);
	nr_copies = 0;
}

/* A heap copy of exactly len bytes (freed by free_copies): reads past it are ASan errors. */
static const void *copy_of(const void *src, u64 len)
{
	void *p;

	if (nr_copies == cap_copies) {
		cap_copies = cap_copies ? 2 * cap_copies : 64;
		copies = realloc(copies, cap_copies * sizeof(*copies));
		if (!copies)
			abort();
	}
	p = malloc(len ? len : 1);
	if (!p)
		abort();
	memcpy(p, src, len);
	copies[nr_copies++] = p;
	return p;
}

static const void *fake_read(void *ctx, paddr_t phys, u64 len)
{
	if (ctx != mem || phys + len < phys || phys + len > MEM_SIZE)
		return NULL;
	if (len > 0x10000) /* the BIOS-area scan: nothing to catch there */
		return mem + phys;
	return copy_of(mem + phys, len);
}

static void reset(void)
{
	free_copies();
	memset(mem, 0xa5, sizeof(mem));
	mem[0x40e] = 0; /* no EBDA */
	mem[0x40f] = 0;
	memset(mem + 0xe0000, 0, 0x20000);
}

static void put8(u64 at, u8 v)
{
	mem[at] = v;
}

static void put16(u64 at, u16 v)
{
	memcpy(mem + at, &v, 2);
}

static void put32(u64 at, u32 v)
{
	memcpy(mem + at, &v, 4);
}

static void put64(u64 at, u64 v)
{
	memcpy(mem + at, &v, 8);
}

static u32 get32(u64 at)
{
	u32 v;

	memcpy(&v, mem + at, 4);
	return v;
}

static u8 sum(const u8 *p, u64 len)
{
	u8 s = 0;

	while (len--)
		s = (u8)(s + *p++);
	return s;
}

static void header(u64 at, const char *sig, u32 len, u8 rev)
{
	memcpy(mem + at, sig, 4);
	put32(at + 4, len);
	put8(at + 8, rev);
	put8(at + 9, 0);
	memcpy(mem + at + 10, "MATRIO", 6);
	memcpy(mem + at + 16, "TESTTABL", 8);
	put32(at + 24, 1);
	put32(at + 28, 0x4d41545a);
	put32(at + 32, 1);
}

static void fix_checksum(u64 at)
{
	u32 len = get32(at + 4);

	put8(at + 9, 0);
	put8(at + 9, (u8)(0 - sum(mem + at, len)));
}

static void make_rsdp(u64 at, u8 rev, u32 rsdt, u64 xsdt)
{
	memcpy(mem + at, "RSD PTR ", 8);
	put8(at + 8, 0);
	memcpy(mem + at + 9, "MATRIO", 6);
	put8(at + 15, rev);
	put32(at + 16, rsdt);
	if (rev >= 2) {
		put32(at + 20, 36);
		put64(at + 24, xsdt);
		put8(at + 32, 0);
		memset(mem + at + 33, 0, 3);
	}
	put8(at + 8, (u8)(0 - sum(mem + at, 20)));
	if (rev >= 2)
		put8(at + 32, (u8)(0 - sum(mem + at, 36)));
}

static void make_xsdt(u64 at, const u64 *entries, u32 n)
{
	header(at, "XSDT", 36 + 8 * n, 1);
	for (u32 i = 0; i < n; i++)
		put64(at + 36 + 8 * i, entries[i]);
	fix_checksum(at);
}

static void make_rsdt(u64 at, const u32 *entries, u32 n)
{
	header(at, "RSDT", 36 + 4 * n, 1);
	for (u32 i = 0; i < n; i++)
		put32(at + 36 + 4 * i, entries[i]);
	fix_checksum(at);
}

/* ---- FADT builder ---- */

#define FADT_V1 116
#define FADT_V3 244

/* Offsets of the fields the parser reads. */
#define F_DSDT 40
#define F_SMI_CMD 48
#define F_ACPI_ENABLE 52
#define F_PM1A_CNT 64
#define F_PM1B_CNT 68
#define F_PM1_CNT_LEN 89
#define F_FLAGS 112
#define F_X_DSDT 140
#define F_X_PM1A_CNT 172
#define F_X_PM1B_CNT 184

/* An FADT of len bytes as QEMU's i440fx machine describes it, pointing at dsdt. */
static void make_fadt(u64 at, u32 len, u32 dsdt)
{
	header(at, "FACP", len, len >= FADT_V3 ? 3 : 1);
	memset(mem + at + 36, 0, len - 36);
	put32(at + F_DSDT, dsdt);
	put16(at + 46, 9); /* SCI_INT */
	put32(at + F_SMI_CMD, 0xb2);
	put8(at + F_ACPI_ENABLE, 0xf1);
	put8(at + F_ACPI_ENABLE + 1, 0xf0);
	put32(at + 56, 0x600); /* PM1a_EVT_BLK */
	put32(at + F_PM1A_CNT, 0x604);
	put32(at + 76, 0x608); /* PM_TMR_BLK */
	put8(at + 88, 4);
	put8(at + F_PM1_CNT_LEN, 2);
	put8(at + 91, 4);
	put32(at + F_FLAGS, 0x4a5);
	fix_checksum(at);
}

static void put_gas(u64 at, u8 space, u8 width, u8 offset, u8 access, u64 addr)
{
	put8(at, space);
	put8(at + 1, width);
	put8(at + 2, offset);
	put8(at + 3, access);
	put64(at + 4, addr);
}

/* ---- DSDT builder: AML appended byte by byte ---- */

static u64 dsdt_at;
static u32 dsdt_len;

static void dsdt_begin(u64 at)
{
	dsdt_at = at;
	dsdt_len = 36;
	header(at, "DSDT", 36, 1);
}

static void aml(const u8 *bytes, u32 n)
{
	memcpy(mem + dsdt_at + dsdt_len, bytes, n);
	dsdt_len += n;
}

#define AML(...)                                      \
	do {                                          \
		static const u8 b_[] = {__VA_ARGS__}; \
		aml(b_, (u32)sizeof(b_));             \
	} while (0)

static void dsdt_end(void)
{
	put32(dsdt_at + 4, dsdt_len);
	fix_checksum(dsdt_at);
}

/* Names as AML spells them */
#define N_S3 '_', 'S', '3', '_'
#define N_S4 '_', 'S', '4', '_'
#define N_S5 '_', 'S', '5', '_'
#define N_SB '_', 'S', 'B', '_'
#define N_PCI0 'P', 'C', 'I', '0'

/* Something before \_S5 that is not it: a device, a method returning 0x10. */
static void aml_filler(void)
{
	/* Scope (\_SB) { Device (PCI0) { Name (_UID, Zero) } } */
	AML(0x10, 0x13, 0x5c, N_SB, 0x5b, 0x82, 0x0b, N_PCI0, 0x08, '_', 'U', 'I', 'D', 0x00);
	/* Method (FOO_, 0) { Return (0x10) } */
	AML(0x14, 0x09, 'F', 'O', 'O', '_', 0x00, 0xa4, 0x0a, 0x10);
}

/* A QEMU-like DSDT: \_S3, \_S4, then Name (\_S5, Package (4) {typa, typb, Zero, Zero}). */
static void make_dsdt(u64 at, u8 typa, u8 typb)
{
	dsdt_begin(at);
	aml_filler();
	AML(0x08, N_S3, 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00);
	AML(0x08, N_S4, 0x12, 0x08, 0x04, 0x0a, 0x02, 0x0a, 0x02, 0x00, 0x00);
	AML(0x08, N_S5, 0x12, 0x08, 0x04, 0x0a);
	aml(&typa, 1);
	AML(0x0a);
	aml(&typb, 1);
	AML(0x00, 0x00);
	dsdt_end();
}

/* Run the DSDT parser on an exact-size copy of the table being built. */
static int find_s5(u8 *a, u8 *b)
{
	int err = acpi_dsdt_find_s5(copy_of(mem + dsdt_at, dsdt_len), dsdt_len, a, b);

	free_copies();
	return err;
}

static int parse_fadt(u64 at, u32 len)
{
	int err = acpi_fadt_parse(copy_of(mem + at, len), len, &fadt);

	free_copies();
	return err;
}

#define RSDP_AT 0xf5a00u
#define XSDT_AT 0x100000u
#define RSDT_AT 0x101000u
#define FACP_AT 0x102000u
#define DSDT_AT 0x103000u
#define APIC_AT 0x105000u

/* A complete set: RSDP v2, XSDT and RSDT listing an empty MADT and the FADT, the DSDT. */
static void make_all(u32 fadt_len, u8 typa, u8 typb)
{
	u64 x[2] = {APIC_AT, FACP_AT};
	u32 r[2] = {APIC_AT, FACP_AT};

	header(APIC_AT, "APIC", 44, 1);
	memset(mem + APIC_AT + 36, 0, 8);
	fix_checksum(APIC_AT);
	make_dsdt(DSDT_AT, typa, typb);
	make_fadt(FACP_AT, fadt_len, DSDT_AT);
	make_xsdt(XSDT_AT, x, 2);
	make_rsdt(RSDT_AT, r, 2);
	make_rsdp(RSDP_AT, 2, RSDT_AT, XSDT_AT);
}

static int load(void)
{
	int err;

	why = NULL;
	err = acpi_s5_load(NULL, fake_read, mem, &s5, &why);
	free_copies();
	return err;
}

/* ---- FADT ---- */

UNIT_TEST(fadt_acpi1_legacy_ports)
{
	reset();
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), 0);
	CHECK_EQ(fadt.revision, 1);
	CHECK_EQ(fadt.flags, 0x4a5);
	CHECK_EQ(fadt.dsdt, 0x7fe0040);
	CHECK_EQ(fadt.smi_cmd, 0xb2);
	CHECK_EQ(fadt.acpi_enable, 0xf1);
	CHECK_EQ(fadt.pm1_cnt_len, 2);
	CHECK_EQ(fadt.pm1a_cnt.space, ACPI_GAS_IO);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0x604);
	CHECK_EQ(fadt.pm1a_cnt.bit_width, 16);
	CHECK_EQ(fadt.pm1a_cnt.bit_offset, 0);
	CHECK_EQ(fadt.pm1b_cnt.addr, 0);

	/* PM1b present too; the buffer may be longer than the table. */
	put32(FACP_AT + F_PM1B_CNT, 0x1004);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1 + 40), 0);
	CHECK_EQ(fadt.pm1b_cnt.addr, 0x1004);
	CHECK_EQ(fadt.pm1b_cnt.space, ACPI_GAS_IO);
}

UNIT_TEST(fadt_x_fields_preferred)
{
	reset();
	make_fadt(FACP_AT, FADT_V3, 0x7fe0040);
	put64(FACP_AT + F_X_DSDT, 0x123456789000ull);
	put_gas(FACP_AT + F_X_PM1A_CNT, ACPI_GAS_IO, 16, 0, 2, 0x1804);
	put_gas(FACP_AT + F_X_PM1B_CNT, ACPI_GAS_MEMORY, 32, 0, 3, 0xfed80004ull);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V3), 0);
	CHECK_EQ(fadt.revision, 3);
	CHECK_EQ(fadt.dsdt, 0x123456789000ull);
	CHECK_EQ(fadt.pm1a_cnt.space, ACPI_GAS_IO);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0x1804);
	CHECK_EQ(fadt.pm1a_cnt.access_size, 2);
	CHECK_EQ(fadt.pm1b_cnt.space, ACPI_GAS_MEMORY);
	CHECK_EQ(fadt.pm1b_cnt.addr, 0xfed80004ull);
	CHECK_EQ(fadt.pm1b_cnt.bit_width, 32);

	/* Zero X_ fields: the 32-bit ones. A bit width of 0 takes PM1_CNT_LEN's. */
	put64(FACP_AT + F_X_DSDT, 0);
	put_gas(FACP_AT + F_X_PM1A_CNT, ACPI_GAS_IO, 0, 0, 0, 0x1804);
	put_gas(FACP_AT + F_X_PM1B_CNT, 0, 0, 0, 0, 0);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V3), 0);
	CHECK_EQ(fadt.dsdt, 0x7fe0040);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0x1804);
	CHECK_EQ(fadt.pm1a_cnt.bit_width, 16);
	CHECK_EQ(fadt.pm1b_cnt.addr, 0);
}

UNIT_TEST(fadt_unusable_x_block_falls_back)
{
	static const struct {
		u8 space, width, offset;
		u64 addr;
	} bad[] = {
		{ACPI_GAS_IO, 16, 0, 0x10000}, /* beyond the I/O space */
		{ACPI_GAS_IO, 16, 0, 0xffff},  /* 16 bits from the last port */
		{ACPI_GAS_IO, 16, 4, 0x1804},  /* not at bit 0 */
		{ACPI_GAS_IO, 8, 0, 0x1804},   /* too narrow for SLP_EN */
		{2, 16, 0, 0x1804},	       /* PCI configuration space */
		{0x7f, 16, 0, 0x1804},	       /* functional fixed hardware */
		{ACPI_GAS_MEMORY, 16, 0, 0},   /* nowhere */
	};

	reset();
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		make_fadt(FACP_AT, FADT_V3, 0x7fe0040);
		put_gas(FACP_AT + F_X_PM1A_CNT, bad[i].space, bad[i].width, bad[i].offset, 2,
			bad[i].addr);
		fix_checksum(FACP_AT);
		CHECK_EQ(parse_fadt(FACP_AT, FADT_V3), 0);
		CHECK_EQ(fadt.pm1a_cnt.space, ACPI_GAS_IO);
		CHECK_EQ(fadt.pm1a_cnt.addr, 0x604);
	}
	/* An unusable X_ block and no 32-bit port: absent, not an error. */
	put32(FACP_AT + F_PM1A_CNT, 0);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V3), 0);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0);
}

UNIT_TEST(fadt_bad_legacy_fields)
{
	reset();
	/* A port beyond the I/O space, and PM1_CNT_LEN below 2: no usable register. */
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	put32(FACP_AT + F_PM1A_CNT, 0x10000);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), 0);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0);
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	put8(FACP_AT + F_PM1_CNT_LEN, 1);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), 0);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0);
	/* An SMI command "port" beyond the I/O space: no hand-off. */
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	put32(FACP_AT + F_SMI_CMD, 0x12345);
	fix_checksum(FACP_AT);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), 0);
	CHECK_EQ(fadt.smi_cmd, 0);
	CHECK_EQ(fadt.acpi_enable, 0);
}

UNIT_TEST(fadt_length_decides_which_fields_exist)
{
	reset();
	/* 148 bytes: X_DSDT is there, the X_PM1 blocks are not (their bytes are 0xa5 garbage). */
	make_fadt(FACP_AT, 148, 0x7fe0040);
	put64(FACP_AT + F_X_DSDT, 0x7fd0000);
	fix_checksum(FACP_AT);
	memset(mem + FACP_AT + 148, 0x01, 64);
	CHECK_EQ(parse_fadt(FACP_AT, 148), 0);
	CHECK_EQ(fadt.dsdt, 0x7fd0000);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0x604);
	/* 147: not even X_DSDT. */
	make_fadt(FACP_AT, 147, 0x7fe0040);
	put64(FACP_AT + F_X_DSDT, 0x7fd0000);
	CHECK_EQ(parse_fadt(FACP_AT, 147), 0);
	CHECK_EQ(fadt.dsdt, 0x7fe0040);
	/* 190: X_PM1a_CNT_BLK fits, X_PM1b_CNT_BLK (184-195) does not. */
	make_fadt(FACP_AT, 190, 0x7fe0040);
	put_gas(FACP_AT + F_X_PM1A_CNT, ACPI_GAS_IO, 16, 0, 2, 0x1804);
	put_gas(FACP_AT + F_X_PM1B_CNT, ACPI_GAS_IO, 16, 0, 2, 0x1808);
	CHECK_EQ(parse_fadt(FACP_AT, 190), 0);
	CHECK_EQ(fadt.pm1a_cnt.addr, 0x1804);
	CHECK_EQ(fadt.pm1b_cnt.addr, 0);
}

UNIT_TEST(fadt_malformed)
{
	reset();
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1 - 1), -EINVAL); /* buffer shorter than ACPI 1.0's */
	CHECK_EQ(acpi_fadt_parse(NULL, FADT_V1, &fadt), -EINVAL);
	/* the header claims more than the buffer holds */
	put32(FACP_AT + 4, FADT_V1 + 1);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), -EINVAL);
	/* or less than ACPI 1.0's */
	put32(FACP_AT + 4, 100);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), -EINVAL);
	/* not an FADT */
	make_fadt(FACP_AT, FADT_V1, 0x7fe0040);
	memcpy(mem + FACP_AT, "FACS", 4);
	CHECK_EQ(parse_fadt(FACP_AT, FADT_V1), -EINVAL);
}

/* ---- \_S5 ---- */

UNIT_TEST(s5_qemu_like)
{
	u8 a = 0xee, b = 0xee;

	reset();
	make_dsdt(DSDT_AT, 0, 0);
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 0);
	make_dsdt(DSDT_AT, 7, 5);
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 5);
}

UNIT_TEST(s5_integer_encodings)
{
	u8 a, b;

	reset();
	/* Name (\_S5, Package (2) {One, 0x0005 as a word}) with the root prefix */
	dsdt_begin(DSDT_AT);
	AML(0x08, 0x5c, N_S5, 0x12, 0x06, 0x02, 0x01, 0x0b, 0x05, 0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 5);

	/* DWord and QWord constants, more elements than two */
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0x11, 0x03, 0x0c, 0x06, 0, 0, 0, 0x0e, 0x03, 0, 0, 0, 0, 0, 0, 0,
	    0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 6);
	CHECK_EQ(b, 3);

	/* One integer: SLP_TYPa in bits 0-7, SLP_TYPb in bits 8-15 */
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0x05, 0x01, 0x0b, 0x05, 0x07);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 7);
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0x04, 0x01, 0x0a, 0x03);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 3);
	CHECK_EQ(b, 0);

	/* A two-byte PkgLength (0x40 | low nibble, then the next 8 bits) */
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0x48, 0x00, 0x04, 0x0a, 0x02, 0x00, 0x00, 0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 2);
	CHECK_EQ(b, 0);

	/* The same package padded out to a four-byte PkgLength */
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0xc8, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x04, 0x01);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 4);
	CHECK_EQ(b, 1);
}

UNIT_TEST(s5_references_are_not_definitions)
{
	u8 a = 0xee, b = 0xee;

	reset();
	/* Return (\_S5) in a method, and \_SB._S5_ in a name path, before the definition */
	dsdt_begin(DSDT_AT);
	AML(0x14, 0x0c, 'F', 'O', 'O', '_', 0x00, 0xa4, 0x5c, N_S5);
	AML(0x08, 'X', 'X', 'X', '_', 0x2e, N_SB, N_S5);
	AML(0x08, 'S', 'T', 'R', '_', 0x0d, N_S5, 0x00); /* a string that spells it */
	AML(0x08, N_S5, 0x12, 0x06, 0x04, 0x0a, 0x05, 0x00, 0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 0);

	/* only the references: no definition */
	dsdt_begin(DSDT_AT);
	AML(0x14, 0x0c, 'F', 'O', 'O', '_', 0x00, 0xa4, 0x5c, N_S5);
	AML(0x08, 'X', 'X', 'X', '_', 0x2e, N_SB, N_S5);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
}

UNIT_TEST(s5_missing)
{
	u8 a, b;

	reset();
	dsdt_begin(DSDT_AT);
	aml_filler();
	AML(0x08, N_S3, 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
	/* an empty DSDT (header only) */
	dsdt_begin(DSDT_AT);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
	/* the name cut off by the table's end: "_S5" and nothing after */
	dsdt_begin(DSDT_AT);
	AML(0x08, '_', 'S', '5');
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
	/* a NameOp in the header's last byte does not count: AML starts after it */
	dsdt_begin(DSDT_AT);
	AML(N_S5, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00);
	put8(DSDT_AT + 35, 0x08);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
	dsdt_begin(DSDT_AT);
	AML(0x5c, N_S5, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00);
	put8(DSDT_AT + 35, 0x08);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), -ENOENT);
}

UNIT_TEST(s5_malformed)
{
	static const struct {
		const char *what;
		u8 aml[16];
		u32 len;
	} bad[] = {
		{"not a package", {0x08, N_S5, 0x0a, 0x05}, 7},
		{"name at the very end", {0x08, N_S5}, 5},
		{"PackageOp at the very end", {0x08, N_S5, 0x12}, 6},
		{"package past the table", {0x08, N_S5, 0x12, 0x0a, 0x02, 0x00, 0x00}, 9},
		{"PkgLength bytes past the table", {0x08, N_S5, 0x12, 0x80, 0x01}, 8},
		{"PkgLength with bits 4-5 set",
		 {0x08, N_S5, 0x12, 0x55, 0x00, 0x02, 0x00, 0x00},
		 11},
		{"package too short for NumElements", {0x08, N_S5, 0x12, 0x01, 0x02}, 8},
		{"PkgLength the last byte", {0x08, N_S5, 0x12, 0x01}, 7},
		{"no elements", {0x08, N_S5, 0x12, 0x04, 0x00, 0x01, 0x01}, 10},
		{"elements cut off", {0x08, N_S5, 0x12, 0x03, 0x02, 0x00, 0x00}, 10},
		{"BytePrefix cut off", {0x08, N_S5, 0x12, 0x04, 0x02, 0x00, 0x0a, 0x05}, 11},
		{"DWordPrefix cut off", {0x08, N_S5, 0x12, 0x06, 0x02, 0x0c, 0, 0, 0, 0}, 13},
		{"OnesOp", {0x08, N_S5, 0x12, 0x04, 0x02, 0xff, 0x00}, 10},
		{"a name as element", {0x08, N_S5, 0x12, 0x07, 0x02, 'S', 'L', 'P', 'A', 0x00}, 13},
		{"SLP_TYPa above 7", {0x08, N_S5, 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00}, 11},
		{"SLP_TYPb above 7", {0x08, N_S5, 0x12, 0x06, 0x02, 0x00, 0x0b, 0x00, 0x01}, 12},
		{"packed SLP_TYPb above 7", {0x08, N_S5, 0x12, 0x05, 0x01, 0x0b, 0x01, 0x09}, 11},
	};
	u8 a = 0xee, b = 0xee;

	reset();
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		int err;

		dsdt_begin(DSDT_AT);
		aml(bad[i].aml, bad[i].len);
		dsdt_end();
		err = find_s5(&a, &b);
		if (err != -EINVAL)
			unit_fail(__FILE__, __LINE__, "%s: %d, expected -EINVAL", bad[i].what, err);
	}
	CHECK_EQ(a, 0xee); /* never written on failure */
	CHECK_EQ(b, 0xee);

	/* a broken definition, then an intact one: the intact one is used */
	dsdt_begin(DSDT_AT);
	AML(0x08, N_S5, 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00);
	AML(0x08, N_S5, 0x12, 0x04, 0x02, 0x01, 0x00);
	dsdt_end();
	CHECK_EQ(find_s5(&a, &b), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 0);
}

UNIT_TEST(dsdt_bad_header)
{
	u8 a, b;

	reset();
	make_dsdt(DSDT_AT, 0, 0);
	CHECK_EQ(acpi_dsdt_find_s5(copy_of(mem + DSDT_AT, 35), 35, &a, &b), -EINVAL);
	CHECK_EQ(acpi_dsdt_find_s5(copy_of(mem + DSDT_AT, dsdt_len - 1), dsdt_len - 1, &a, &b),
		 -EINVAL);
	CHECK_EQ(acpi_dsdt_find_s5(NULL, 100, &a, &b), -EINVAL);
	put32(DSDT_AT + 4, 20);
	CHECK_EQ(find_s5(&a, &b), -EINVAL);
	make_dsdt(DSDT_AT, 0, 0);
	memcpy(mem + DSDT_AT, "SSDT", 4);
	CHECK_EQ(find_s5(&a, &b), -EINVAL);
	free_copies();
}

/* ---- the whole chain ---- */

UNIT_TEST(s5_load_qemu_like)
{
	reset();
	make_all(FADT_V3, 0, 0);
	CHECK_EQ(load(), 0);
	CHECK_STREQ(why, "");
	CHECK_EQ(s5.fadt_phys, FACP_AT);
	CHECK_EQ(s5.dsdt_phys, DSDT_AT);
	CHECK_EQ(s5.fadt.pm1a_cnt.addr, 0x604);
	CHECK_EQ(s5.fadt.pm1b_cnt.addr, 0);
	CHECK_EQ(s5.slp_typa, 0);
	CHECK_EQ(s5.slp_typb, 0);

	/* ACPI 1.0: RSDT only, a 116-byte FADT, S5 = 5 */
	reset();
	make_all(FADT_V1, 5, 5);
	make_rsdp(RSDP_AT, 0, RSDT_AT, 0);
	CHECK_EQ(load(), 0);
	CHECK_EQ(s5.fadt_phys, FACP_AT);
	CHECK_EQ(s5.slp_typa, 5);
	CHECK_EQ(s5.slp_typb, 5);
}

UNIT_TEST(s5_load_failures_say_why)
{
	u64 x[1] = {APIC_AT};

	reset();
	CHECK_EQ(load(), -ENOENT);
	CHECK_STREQ(why, "no ACPI RSDP");

	make_all(FADT_V3, 0, 0);
	make_xsdt(XSDT_AT, x, 1);
	CHECK_EQ(load(), -ENOENT);
	CHECK_STREQ(why, "no FADT");

	make_all(FADT_V3, 0, 0);
	mem[FACP_AT + 60] ^= 1; /* FADT checksum */
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "no valid root table or FADT");

	make_all(FADT_V3, 0, 0);
	put32(FACP_AT + 4, 100);
	fix_checksum(FACP_AT);
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "the FADT is malformed");

	make_all(FADT_V3, 0, 0);
	put32(FACP_AT + F_PM1A_CNT, 0);
	fix_checksum(FACP_AT);
	CHECK_EQ(load(), -ENOENT);
	CHECK_STREQ(why, "the FADT has no usable PM1a control register");

	make_all(FADT_V3, 0, 0);
	put32(FACP_AT + F_DSDT, 0);
	fix_checksum(FACP_AT);
	CHECK_EQ(load(), -ENOENT);
	CHECK_STREQ(why, "the FADT names no DSDT");

	make_all(FADT_V3, 0, 0);
	put64(FACP_AT + F_X_DSDT, 0x7ffffffff000ull); /* outside memory */
	fix_checksum(FACP_AT);
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "the DSDT is unreadable or fails its checksum");

	make_all(FADT_V3, 0, 0);
	mem[DSDT_AT + 40] ^= 0x20; /* DSDT checksum */
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "the DSDT is unreadable or fails its checksum");

	make_all(FADT_V3, 0, 0);
	memcpy(mem + DSDT_AT, "SSDT", 4);
	fix_checksum(DSDT_AT);
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "the FADT's DSDT pointer does not lead to a DSDT");

	make_all(FADT_V3, 0, 0);
	mem[dsdt_at + dsdt_len - 11] = '6'; /* _S5_ becomes _S6_ */
	fix_checksum(DSDT_AT);
	CHECK_EQ(load(), -ENOENT);
	CHECK_STREQ(why, "the DSDT defines no \\_S5 package");

	make_all(FADT_V3, 0, 0);
	mem[dsdt_at + dsdt_len - 5] = 0x09; /* SLP_TYPa 9 */
	fix_checksum(DSDT_AT);
	CHECK_EQ(load(), -EINVAL);
	CHECK_STREQ(why, "the DSDT's \\_S5 package is malformed");
}

UNIT_TEST(pm1_sleep_value)
{
	/* In ACPI mode (SCI_EN), S5 with SLP_TYP 5: first the type, then with SLP_EN */
	CHECK_EQ(acpi_pm1_sleep_value(0x0001, 5, false), 0x1401);
	CHECK_EQ(acpi_pm1_sleep_value(0x0001, 5, true), 0x3401);
	/* an old SLP_TYP is replaced, GBL_RLS never written back, other bits kept */
	CHECK_EQ(acpi_pm1_sleep_value(0x1c07, 0, true), 0x2003);
	CHECK_EQ(acpi_pm1_sleep_value(0xffff, 2, false), 0xcbfb);
	/* only three bits of type */
	CHECK_EQ(acpi_pm1_sleep_value(0, 0xff, false), 0x1c00);
}

/* ---- fuzzing ---- */

#define FUZZ_ITERS 100000
static u64 rng = 0x2545f4914f6cdd1dull;

static u64 rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u32 rnd(u32 n)
{
	return (u32)(rnd64() % n);
}

static u8 saved[0x4000];

static const u32 interesting[] = {0,	1,    2,      7,       8,	0x0a,	   0x0b, 0x0c,
				  0x0e, 0x12, 0x3f,   0x40,    0x80,	0xc0,	   0xff, 0x604,
				  116,	244,  0xffff, 0x10000, DSDT_AT, 0xffffffff};

static void fuzz_mutate(void)
{
	u32 dsdt_aml = dsdt_len - 36;
	int n = 1 + (int)rnd(4);

	for (int i = 0; i < n; i++) {
		/* mostly the \_S5 definition and the FADT fields read */
		u64 at;

		switch (rnd(4)) {
		case 0:
			at = FACP_AT + rnd(FADT_V3);
			break;
		case 1:
			at = DSDT_AT + rnd(dsdt_len + 8);
			break;
		default:
			at = DSDT_AT + 36 + dsdt_aml - 1 - rnd(14);
			break;
		}
		if (rnd(3))
			mem[at] ^= (u8)(1u << rnd(8));
		else if (rnd(2))
			put8(at, (u8)interesting[rnd(ARRAY_SIZE(interesting))]);
		else
			put32(at, interesting[rnd(ARRAY_SIZE(interesting))]);
	}
	/* Mostly make checksums right again so the parsers get past them. */
	if (rnd(4)) {
		u32 len = get32(DSDT_AT + 4);

		if (len >= 36 && len <= 0x1000)
			fix_checksum(DSDT_AT);
		len = get32(FACP_AT + 4);
		if (len >= 36 && len <= 0x1000)
			fix_checksum(FACP_AT);
	}
}

UNIT_TEST(fuzz_fadt_and_dsdt)
{
	int results[3] = {0, 0, 0};

	reset();
	make_all(FADT_V3, 0, 0);
	memcpy(saved, mem + XSDT_AT, sizeof(saved));
	for (int iter = 0; iter < FUZZ_ITERS; iter++) {
		int err;

		memcpy(mem + XSDT_AT, saved, sizeof(saved));
		fuzz_mutate();
		err = load();
		if (err != 0 && err != -EINVAL && err != -ENOENT) {
			unit_fail(__FILE__, __LINE__, "iteration %d: error %d", iter, err);
			break;
		}
		if (!why || (err == 0) != (why[0] == '\0') ||
		    (err == 0 && (s5.slp_typa > 7 || s5.slp_typb > 7 || !s5.fadt.pm1a_cnt.addr))) {
			unit_fail(__FILE__, __LINE__, "iteration %d: error %d, why '%s', S5 %u/%u",
				  iter, err, why ? why : "(NULL)", s5.slp_typa, s5.slp_typb);
			break;
		}
		results[err == 0 ? 0 : err == -EINVAL ? 1 : 2]++;
	}
	CHECK(results[0] > 1000);
	CHECK(results[1] > 1000);
	CHECK(results[2] > 100);
	printf("# fuzz: %d loaded, %d -EINVAL, %d -ENOENT\n", results[0], results[1], results[2]);
}

/* Random AML, random lengths, exact-size buffers: the scan must stay inside. */
UNIT_TEST(fuzz_random_aml)
{
	static const u8 alphabet[] = {0x00, 0x01, 0x08, 0x0a, 0x0b, 0x0c, 0x0e, 0x12,
				      0x40, 0x80, 0xc0, 0xff, 0x5c, '_',  'S',	'5'};
	int found = 0;

	reset();
	for (int iter = 0; iter < FUZZ_ITERS; iter++) {
		u32 n = rnd(48);
		u8 a = 0xee, b = 0xee;
		int err;

		dsdt_begin(DSDT_AT);
		for (u32 i = 0; i < n; i++) {
			u8 c = rnd(3) ? alphabet[rnd(ARRAY_SIZE(alphabet))] : (u8)rnd64();

			aml(&c, 1);
		}
		if (rnd(2)) { /* plant a name and a short package head for the parser to chew on */
			u32 at = rnd(n + 1);

			memcpy(mem + DSDT_AT + 36 + at, "\x08_S5_\x12", 6);
			put8(DSDT_AT + 36 + at + 6, (u8)rnd(10));
			put8(DSDT_AT + 36 + at + 7, (u8)rnd(4));
			if (dsdt_len < 36 + at + 8)
				dsdt_len = 36 + at + 8;
		}
		dsdt_end();
		err = find_s5(&a, &b);
		if (err == 0)
			found++;
		if ((err != 0 && err != -EINVAL && err != -ENOENT) ||
		    (err == 0 && (a > 7 || b > 7))) {
			unit_fail(__FILE__, __LINE__, "iteration %d: error %d, S5 %u/%u", iter, err,
				  a, b);
			break;
		}
	}
	CHECK(found > 100);
	printf("# fuzz: %d random DSDTs held a valid \\_S5\n", found);
}
