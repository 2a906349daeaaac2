/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_acpi.c - host tests for the ACPI table parser
 * (kernel/genarch/acpi/acpi.c). Tables are laid out byte by byte, at the
 * offsets the ACPI specification gives, in a fake physical memory of 2 MiB.
 * The reader hands out a fresh heap copy of exactly the bytes asked for, so
 * AddressSanitizer catches any read past what the parser obtained; NULL for
 * anything outside the fake memory.
 *
 * Well-formed tables (a QEMU-like MADT, x2APIC entries, ACPI 1.0 and 2.0
 * RSDPs, the RSDP found by scanning the EBDA and the BIOS area) must come
 * back field for field; malformed ones (bad checksums, truncated tables,
 * zero-length, short and overlong entries, root tables with ragged lengths,
 * pointers outside memory) must give -EINVAL or -ENOENT, never a fault or a
 * hang. A fixed-seed fuzz loop mutates a valid table set 100,000 times.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "errno.h"
#include "unit.h"

#define MEM_SIZE 0x200000u
#define COPY_MAX 0x10000u /* larger reads (the BIOS-area scan) point into mem directly */

static u8 mem[MEM_SIZE];
static struct acpi_madt_info madt;
static struct acpi_rsdp_info rsdp;
static struct boot_info bi;

/* Every buffer handed out since the last reset. */
static void **copies;
static size_t nr_copies, cap_copies;

static void free_copies(void)
{
	for (size_t i = 0; i < nr_copies; i++)
		free(copies[i]);
	nr_copies = 0;
}

static const void *fake_read(void *ctx, paddr_t phys, u64 len)
{
	void *p;

	if (ctx != mem || phys + len < phys || phys + len > MEM_SIZE)
		return NULL;
	if (len > COPY_MAX)
		return mem + phys;
	if (nr_copies == cap_copies) {
		cap_copies = cap_copies ? 2 * cap_copies : 64;
		copies = realloc(copies, cap_copies * sizeof(*copies));
		if (!copies)
			abort();
	}
	p = malloc(len ? len : 1);
	if (!p)
		abort();
	memcpy(p, mem + phys, len);
	copies[nr_copies++] = p;
	return p;
}

static void reset(void)
{
	free_copies();
	memset(mem, 0xa5, sizeof(mem));
	memset(&bi, 0, sizeof(bi));
	/* No EBDA unless a test makes one: the BDA pointer is 0. */
	mem[0x40e] = 0;
	mem[0x40f] = 0;
	/* The BIOS area holds no RSDP unless a test puts one there. */
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

static u8 sum(const u8 *p, u64 len)
{
	u8 s = 0;

	while (len--)
		s = (u8)(s + *p++);
	return s;
}

/* A 36-byte header for a table of len bytes at `at`; fix_checksum() after the body. */
static void header(u64 at, const char *sig, u32 len)
{
	memcpy(mem + at, sig, 4);
	put32(at + 4, len);
	put8(at + 8, 1);
	put8(at + 9, 0);
	memcpy(mem + at + 10, "MATRIO", 6);
	memcpy(mem + at + 16, "TESTTABL", 8);
	put32(at + 24, 1);
	put32(at + 28, 0x4d41545a);
	put32(at + 32, 1);
}

static void fix_checksum(u64 at)
{
	u32 len;

	memcpy(&len, mem + at + 4, 4);
	put8(at + 9, 0);
	put8(at + 9, (u8)(0 - sum(mem + at, len)));
}

/* RSDP at `at`: revision 0 (20 bytes) or 2 (36 bytes). */
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
	header(at, "XSDT", 36 + 8 * n);
	for (u32 i = 0; i < n; i++)
		put64(at + 36 + 8 * i, entries[i]);
	fix_checksum(at);
}

static void make_rsdt(u64 at, const u32 *entries, u32 n)
{
	header(at, "RSDT", 36 + 4 * n);
	for (u32 i = 0; i < n; i++)
		put32(at + 36 + 4 * i, entries[i]);
	fix_checksum(at);
}

static void make_table(u64 at, const char *sig, u32 len)
{
	header(at, sig, len);
	memset(mem + at + 36, 0, len - 36);
	fix_checksum(at);
}

/* ---- MADT builder ---- */

static u64 madt_at;
static u32 madt_len;

static void madt_begin(u64 at, u32 lapic, u32 flags)
{
	madt_at = at;
	madt_len = 44;
	header(at, "APIC", 44);
	put32(at + 36, lapic);
	put32(at + 40, flags);
}

/* Append an entry of `len` bytes (type, len, then body), returning its offset. */
static u64 madt_entry(u8 type, u8 len, const u8 *body, u32 body_len)
{
	u64 e = madt_at + madt_len;

	put8(e, type);
	put8(e + 1, len);
	memset(mem + e + 2, 0, len > 2 ? len - 2u : 0u);
	if (body_len)
		memcpy(mem + e + 2, body, body_len);
	madt_len += len;
	return e;
}

static void madt_lapic(u8 uid, u8 apic_id, u32 flags)
{
	u64 e = madt_entry(0, 8, NULL, 0);

	put8(e + 2, uid);
	put8(e + 3, apic_id);
	put32(e + 4, flags);
}

static void madt_ioapic(u8 id, u32 addr, u32 gsi_base)
{
	u64 e = madt_entry(1, 12, NULL, 0);

	put8(e + 2, id);
	put32(e + 4, addr);
	put32(e + 8, gsi_base);
}

static void madt_override(u8 bus, u8 irq, u32 gsi, u16 flags)
{
	u64 e = madt_entry(2, 10, NULL, 0);

	put8(e + 2, bus);
	put8(e + 3, irq);
	put32(e + 4, gsi);
	put16(e + 8, flags);
}

static void madt_lapic_nmi(u8 uid, u16 flags, u8 lint)
{
	u64 e = madt_entry(4, 6, NULL, 0);

	put8(e + 2, uid);
	put16(e + 3, flags);
	put8(e + 5, lint);
}

static void madt_lapic_addr(u64 addr)
{
	u64 e = madt_entry(5, 12, NULL, 0);

	put64(e + 4, addr);
}

static void madt_x2apic(u32 id, u32 flags, u32 uid)
{
	u64 e = madt_entry(9, 16, NULL, 0);

	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void madt_x2apic_nmi(u16 flags, u32 uid, u8 lint)
{
	u64 e = madt_entry(10, 12, NULL, 0);

	put16(e + 2, flags);
	put32(e + 4, uid);
	put8(e + 8, lint);
}

static void madt_end(void)
{
	put32(madt_at + 4, madt_len);
	fix_checksum(madt_at);
}

/* What QEMU's q35/pc machines describe with -smp 4. */
static void madt_qemu(u64 at, int cpus)
{
	madt_begin(at, 0xfee00000, 1);
	for (int i = 0; i < cpus; i++)
		madt_lapic((u8)i, (u8)i, 1);
	madt_ioapic(0, 0xfec00000, 0);
	madt_override(0, 0, 2, 0);
	madt_override(0, 5, 5, 0xd);
	madt_override(0, 9, 9, 0xd);
	madt_override(0, 10, 10, 0xd);
	madt_override(0, 11, 11, 0xd);
	madt_lapic_nmi(0xff, 0, 1);
	madt_end();
}

#define RSDP_AT 0xf5a00u
#define XSDT_AT 0x100000u
#define RSDT_AT 0x101000u
#define MADT_AT 0x102000u
#define FACP_AT 0x103000u

/* A complete, valid set: RSDP v2 in the BIOS area, XSDT and RSDT, FACP, MADT. */
static void make_all(int cpus)
{
	u64 x[2] = {FACP_AT, MADT_AT};
	u32 r[2] = {FACP_AT, MADT_AT};

	make_table(FACP_AT, "FACP", 116);
	madt_qemu(MADT_AT, cpus);
	make_xsdt(XSDT_AT, x, 2);
	make_rsdt(RSDT_AT, r, 2);
	make_rsdp(RSDP_AT, 2, RSDT_AT, XSDT_AT);
}

static int load(void)
{
	int err = acpi_madt_load(&bi, fake_read, mem, &madt);

	free_copies();
	return err;
}

/* ---- RSDP ---- */

UNIT_TEST(rsdp_v1_and_v2_parse)
{
	reset();
	make_rsdp(0x1000, 0, 0x12345678, 0);
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 20, &rsdp), 0);
	CHECK_EQ(rsdp.revision, 0);
	CHECK_EQ(rsdp.rsdt, 0x12345678);
	CHECK_EQ(rsdp.xsdt, 0);
	CHECK_STREQ(rsdp.oem, "MATRIO");

	make_rsdp(0x2000, 2, 0x1000, 0x123456789aull);
	CHECK_EQ(acpi_rsdp_parse(mem + 0x2000, 36, &rsdp), 0);
	CHECK_EQ(rsdp.revision, 2);
	CHECK_EQ(rsdp.xsdt, 0x123456789aull);
	/* Only 20 bytes available of a v2 RSDP: refused (its tail cannot be checked). */
	CHECK_EQ(acpi_rsdp_parse(mem + 0x2000, 20, &rsdp), -EINVAL);
}

UNIT_TEST(rsdp_bad_ones_refused)
{
	reset();
	make_rsdp(0x1000, 0, 0x1000, 0);
	mem[0x1000 + 16] ^= 1; /* checksum now wrong */
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 20, &rsdp), -EINVAL);

	make_rsdp(0x1000, 2, 0x1000, 0x2000);
	mem[0x1000 + 25] ^= 1; /* extended checksum wrong, first 20 bytes fine */
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 36, &rsdp), -EINVAL);

	make_rsdp(0x1000, 2, 0x1000, 0x2000);
	mem[0x1000] = 'X';
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 36, &rsdp), -EINVAL);

	/* length field below 36 / above what is readable */
	make_rsdp(0x1000, 2, 0x1000, 0x2000);
	put32(0x1000 + 20, 20);
	put8(0x1000 + 32, 0);
	put8(0x1000 + 32, (u8)(0 - sum(mem + 0x1000, 20)));
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 36, &rsdp), -EINVAL);
	make_rsdp(0x1000, 2, 0x1000, 0x2000);
	put32(0x1000 + 20, 0xffffffff);
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 36, &rsdp), -EINVAL);

	/* no root table at all */
	make_rsdp(0x1000, 2, 0, 0);
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 36, &rsdp), -EINVAL);
	CHECK_EQ(acpi_rsdp_parse(NULL, 36, &rsdp), -EINVAL);
	CHECK_EQ(acpi_rsdp_parse(mem + 0x1000, 19, &rsdp), -EINVAL);
}

UNIT_TEST(rsdp_found_in_loader_copy_ebda_and_bios_area)
{
	reset();
	/* loader copy */
	make_rsdp(0x3000, 2, 0x1000, 0x2000);
	memcpy(bi.rsdp, mem + 0x3000, 36);
	bi.rsdp_len = 36;
	CHECK_EQ(acpi_rsdp_find(&bi, fake_read, mem, &rsdp), 0);
	CHECK_EQ(rsdp.xsdt, 0x2000);
	CHECK_EQ(rsdp.phys, 0);
	free_copies();

	/* a broken copy: the scan takes over and finds the one in the EBDA */
	bi.rsdp[8] ^= 0xff;
	put16(0x40e, 0x9fc0);
	make_rsdp(0x9fc00 + 0x40, 0, 0x5000, 0);
	CHECK_EQ(acpi_rsdp_find(&bi, fake_read, mem, &rsdp), 0);
	CHECK_EQ(rsdp.phys, 0x9fc40);
	CHECK_EQ(rsdp.rsdt, 0x5000);
	free_copies();

	/* no EBDA copy: the BIOS area's */
	memset(mem + 0x9fc00, 0, 0x400);
	make_rsdp(0xf5a10, 2, 0x6000, 0x7000);
	CHECK_EQ(acpi_rsdp_find(NULL, fake_read, mem, &rsdp), 0);
	CHECK_EQ(rsdp.phys, 0xf5a10);
	CHECK_EQ(rsdp.xsdt, 0x7000);
	free_copies();

	/* not on a 16-byte boundary: not an RSDP */
	memset(mem + 0xf5a10, 0, 36);
	make_rsdp(0xf5a18, 0, 0x6000, 0);
	CHECK_EQ(acpi_rsdp_find(NULL, fake_read, mem, &rsdp), -ENOENT);
	free_copies();

	/* a bogus EBDA pointer is ignored, not followed */
	put16(0x40e, 0xffff);
	CHECK_EQ(acpi_rsdp_find(NULL, fake_read, mem, &rsdp), -ENOENT);
	free_copies();
}

UNIT_TEST(rsdp_signature_at_end_of_bios_area_is_not_read_past)
{
	reset();
	/* The signature in the last 16 bytes of the area: the parse must stop at 1 MiB. */
	memcpy(mem + 0xffff0, "RSD PTR ", 8);
	CHECK_EQ(acpi_rsdp_find(NULL, fake_read, mem, &rsdp), -ENOENT);
	free_copies();
}

/* ---- root tables ---- */

UNIT_TEST(xsdt_preferred_rsdt_fallback)
{
	paddr_t phys = 0;
	u32 len = 0;

	reset();
	make_all(2);
	CHECK_EQ(acpi_rsdp_find(NULL, fake_read, mem, &rsdp), 0);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), 0);
	CHECK_EQ(phys, MADT_AT);
	CHECK_EQ(len, 44 + 2 * 8 + 12 + 5 * 10 + 6);
	CHECK_EQ(acpi_table_find(&rsdp, "FACP", fake_read, mem, &phys, &len), 0);
	CHECK_EQ(phys, FACP_AT);
	CHECK_EQ(acpi_table_find(&rsdp, "HPET", fake_read, mem, &phys, &len), -ENOENT);
	free_copies();

	/* The XSDT lists only the FACP: its answer stands (no MADT), RSDT not consulted. */
	{
		u64 x[1] = {FACP_AT};

		make_xsdt(XSDT_AT, x, 1);
	}
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -ENOENT);
	free_copies();

	/* A broken XSDT (checksum): the RSDT is used. */
	mem[XSDT_AT + 40] ^= 0x10;
	phys = 0;
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), 0);
	CHECK_EQ(phys, MADT_AT);
	free_copies();

	/* Both broken. */
	mem[RSDT_AT + 37] ^= 0x10;
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);
	free_copies();
}

UNIT_TEST(root_table_malformed)
{
	paddr_t phys;
	u32 len;
	u64 x[2] = {FACP_AT, MADT_AT};

	reset();
	make_all(1);
	rsdp = (struct acpi_rsdp_info){.revision = 2, .xsdt = XSDT_AT};

	/* wrong signature */
	memcpy(mem + XSDT_AT, "XSDX", 4);
	fix_checksum(XSDT_AT);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);

	/* length not header + whole entries */
	make_xsdt(XSDT_AT, x, 2);
	put32(XSDT_AT + 4, 36 + 12);
	fix_checksum(XSDT_AT);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);

	/* length shorter than a header, or absurdly long */
	put32(XSDT_AT + 4, 35);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);
	put32(XSDT_AT + 4, 0xfffffff0);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);

	/* the root table itself outside memory */
	rsdp.xsdt = MEM_SIZE - 10;
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);
	rsdp.xsdt = 0xfffffffffffffff0ull;
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);
	free_copies();
}

UNIT_TEST(broken_tables_skipped_valid_copy_found)
{
	paddr_t phys = 0;
	u32 len;
	/* null entry, entry outside memory, a MADT with a bad checksum, then a good one */
	u64 x[4] = {0, 0x7ffffffff000ull, MADT_AT + 0x800, MADT_AT};

	reset();
	make_all(3);
	madt_qemu(MADT_AT + 0x800, 1);
	mem[MADT_AT + 0x800 + 50] ^= 1;
	make_xsdt(XSDT_AT, x, 4);
	rsdp = (struct acpi_rsdp_info){.revision = 2, .xsdt = XSDT_AT};
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), 0);
	CHECK_EQ(phys, MADT_AT);

	/* only the broken copy: -EINVAL, not -ENOENT */
	make_xsdt(XSDT_AT, x, 3);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);

	/* a table whose length runs out of memory */
	header(MEM_SIZE - 64, "APIC", 1000);
	x[0] = MEM_SIZE - 64;
	make_xsdt(XSDT_AT, x, 1);
	CHECK_EQ(acpi_table_find(&rsdp, "APIC", fake_read, mem, &phys, &len), -EINVAL);
	free_copies();
}

UNIT_TEST(acpi1_rsdt_only)
{
	u32 r[1] = {MADT_AT};

	reset();
	madt_qemu(MADT_AT, 2);
	make_rsdt(RSDT_AT, r, 1);
	make_rsdp(0xe0000, 0, RSDT_AT, 0);
	CHECK_EQ(load(), 0);
	CHECK_EQ(madt.nr_cpus, 2);
}

/* ---- MADT ---- */

UNIT_TEST(madt_qemu_four_cpus)
{
	reset();
	make_all(4);
	CHECK_EQ(load(), 0);
	CHECK_EQ(madt.madt_phys, MADT_AT);
	CHECK_EQ(madt.rsdp_phys, RSDP_AT);
	CHECK_EQ(madt.acpi_revision, 2);
	CHECK_EQ(madt.lapic_phys, 0xfee00000);
	CHECK_EQ(madt.flags, ACPI_MADT_PCAT_COMPAT);
	CHECK_EQ(madt.nr_cpus, 4);
	CHECK_EQ(madt.nr_cpus_enabled, 4);
	for (u32 i = 0; i < 4; i++) {
		CHECK_EQ(madt.cpus[i].apic_id, i);
		CHECK_EQ(madt.cpus[i].uid, i);
		CHECK(madt.cpus[i].enabled);
	}
	CHECK(!madt.cpus_truncated);
	CHECK_EQ(madt.nr_ioapics, 1);
	CHECK_EQ(madt.ioapics[0].id, 0);
	CHECK_EQ(madt.ioapics[0].phys, 0xfec00000);
	CHECK_EQ(madt.ioapics[0].gsi_base, 0);
	CHECK_EQ(madt.nr_overrides, 5);
	CHECK_EQ(madt.overrides[0].bus_irq, 0);
	CHECK_EQ(madt.overrides[0].gsi, 2);
	CHECK_EQ(madt.overrides[0].flags, 0);
	CHECK_EQ(madt.overrides[4].bus_irq, 11);
	CHECK_EQ(madt.overrides[4].flags & ACPI_INTI_TRIGGER_MASK, ACPI_INTI_TRIGGER_LEVEL);
	CHECK_EQ(madt.overrides[4].flags & ACPI_INTI_POLARITY_MASK, ACPI_INTI_POLARITY_HIGH);
	CHECK_EQ(madt.nr_nmis, 1);
	CHECK_EQ(madt.nmis[0].uid, ACPI_NMI_ALL_CPUS);
	CHECK_EQ(madt.nmis[0].lint, 1);
	CHECK(!madt.truncated);
}

UNIT_TEST(madt_found_through_loader_copy)
{
	reset();
	make_all(2);
	memcpy(bi.rsdp, mem + RSDP_AT, 36);
	bi.rsdp_len = 36;
	memset(mem + RSDP_AT, 0, 36); /* only the copy knows */
	CHECK_EQ(load(), 0);
	CHECK_EQ(madt.nr_cpus, 2);
	CHECK_EQ(madt.rsdp_phys, 0);
}

UNIT_TEST(madt_cpu_flags_x2apic_and_duplicates)
{
	reset();
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_lapic(0, 0, 1);	/* enabled */
	madt_lapic(1, 1, 0);	/* neither enabled nor online-capable: left out */
	madt_lapic(2, 2, 2);	/* online-capable: listed, not enabled */
	madt_lapic(3, 0xff, 1); /* broadcast id: not a processor */
	madt_x2apic(0, 1, 0);	/* the same processor as apic id 0 again */
	madt_x2apic(300, 1, 7); /* only an x2APIC can have this id */
	madt_x2apic(0xffffffff, 1, 8);
	madt_lapic_addr(0xfee10000ull);
	madt_x2apic_nmi(0x5, 7, 0);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), 0);
	CHECK_EQ(madt.nr_cpus, 3);
	CHECK_EQ(madt.nr_cpus_enabled, 2);
	CHECK_EQ(madt.cpus[0].apic_id, 0);
	CHECK_EQ(madt.cpus[1].apic_id, 2);
	CHECK(!madt.cpus[1].enabled);
	CHECK_EQ(madt.cpus[2].apic_id, 300);
	CHECK_EQ(madt.cpus[2].uid, 7);
	CHECK_EQ(madt.lapic_phys, 0xfee10000ull);
	CHECK_EQ(madt.nr_nmis, 1);
	CHECK_EQ(madt.nmis[0].uid, 7);
	CHECK_EQ(madt.nmis[0].lint, 0);
	CHECK_EQ(madt.nmis[0].flags, 5);
}

UNIT_TEST(madt_overlong_and_unknown_entries_accepted)
{
	u8 body[30] = {0};

	reset();
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_entry(0x7f, 20, body, 18); /* a type from a later specification */
	{
		u64 e = madt_entry(0, 12, NULL, 0); /* a local APIC entry 4 bytes longer */

		put8(e + 2, 5);
		put8(e + 3, 6);
		put32(e + 4, 1);
	}
	madt_override(1, 3, 3, 0); /* bus 1 is not ISA: ignored */
	madt_lapic(1, 7, 1);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), 0);
	CHECK_EQ(madt.nr_cpus, 2);
	CHECK_EQ(madt.cpus[0].apic_id, 6);
	CHECK_EQ(madt.cpus[1].apic_id, 7);
	CHECK_EQ(madt.nr_overrides, 0);
}

UNIT_TEST(madt_malformed_entries)
{
	reset();
	/* a zero-length entry would loop for ever */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_lapic(0, 0, 1);
	madt_entry(0, 0, NULL, 0);
	madt_len += 2; /* the entry's own two bytes, which its length does not count */
	madt_lapic(1, 1, 1);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), -EINVAL);

	/* length 1: the entry header itself does not fit */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_entry(0x40, 1, NULL, 0);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), -EINVAL);

	/* a known type shorter than its fields */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_entry(1, 8, NULL, 0);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), -EINVAL);

	/* the last entry runs past the table */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_lapic(0, 0, 1);
	madt_end();
	put32(MADT_AT + 4, madt_len - 3);
	fix_checksum(MADT_AT);
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), -EINVAL);

	/* a single trailing byte after the last entry */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_lapic(0, 0, 1);
	madt_end();
	put32(MADT_AT + 4, madt_len + 1);
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len + 1, &madt), -EINVAL);
}

UNIT_TEST(madt_truncated_or_bad_header)
{
	reset();
	madt_qemu(MADT_AT, 2);
	/* the buffer is shorter than the table's own length */
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, 50, &madt), -EINVAL);
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, 43, &madt), -EINVAL);
	CHECK_EQ(acpi_madt_parse(NULL, 100, &madt), -EINVAL);
	/* a header length below the fixed part */
	put32(MADT_AT + 4, 40);
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, 200, &madt), -EINVAL);
	/* not a MADT */
	madt_qemu(MADT_AT, 2);
	memcpy(mem + MADT_AT, "APIX", 4);
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, 200, &madt), -EINVAL);
	/* no entries at all is fine */
	madt_begin(MADT_AT, 0xfee00000, 0);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, 44, &madt), 0);
	CHECK_EQ(madt.nr_cpus, 0);
	/* a bad checksum fails the load (the parser alone does not check it) */
	make_all(2);
	mem[MADT_AT + 44] ^= 0x40;
	CHECK_EQ(load(), -EINVAL);
}

UNIT_TEST(madt_too_many_entries_truncated)
{
	reset();
	madt_begin(MADT_AT, 0xfee00000, 0);
	for (u32 i = 0; i < ACPI_MAX_CPUS + 10; i++)
		madt_x2apic(i, 1, i);
	for (u32 i = 0; i < ACPI_MAX_IOAPICS + 1; i++)
		madt_ioapic((u8)i, 0xfec00000 + 0x1000 * i, 24 * i);
	for (u32 i = 0; i < ACPI_MAX_OVERRIDES + 1; i++)
		madt_override(0, (u8)i, i, 0);
	madt_end();
	CHECK_EQ(acpi_madt_parse(mem + MADT_AT, madt_len, &madt), 0);
	CHECK_EQ(madt.nr_cpus, ACPI_MAX_CPUS);
	CHECK_EQ(madt.nr_cpus_enabled, ACPI_MAX_CPUS);
	CHECK(madt.cpus_truncated);
	CHECK_EQ(madt.nr_ioapics, ACPI_MAX_IOAPICS);
	CHECK_EQ(madt.nr_overrides, ACPI_MAX_OVERRIDES);
	CHECK(madt.truncated);
}

UNIT_TEST(no_acpi_at_all)
{
	reset();
	CHECK_EQ(load(), -ENOENT);
	CHECK_EQ(madt.nr_cpus, 0);
}

UNIT_TEST(checksum_helper)
{
	u8 b[4] = {1, 2, 3, 0xfa};

	CHECK_EQ(acpi_checksum(b, 4), 0);
	CHECK_EQ(acpi_checksum(b, 3), 6);
	CHECK_EQ(acpi_checksum(b, 0), 0);
}

/* ---- fuzzing ---- */

#define FUZZ_ITERS 100000
static u64 rng = 0x9e3779b97f4a7c15ull;

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

/* The fuzz image: a valid set, saved once and restored before each mutation. */
static u8 saved_low[0x20000], saved_high[0x4000];

static void fuzz_restore(void)
{
	memcpy(mem + 0xe0000, saved_low, sizeof(saved_low));
	memcpy(mem + XSDT_AT, saved_high, sizeof(saved_high));
}

/* Somewhere worth damaging: mostly the tables, sometimes the RSDP. */
static u64 fuzz_target(void)
{
	switch (rnd(8)) {
	case 0:
		return RSDP_AT + rnd(36);
	case 1:
		return XSDT_AT + rnd(64);
	case 2:
		return RSDT_AT + rnd(48);
	default:
		return MADT_AT + rnd(160);
	}
}

static const u32 interesting[] = {
	0,	1,	    2,		3,	    8,		10,	 12,	  16,
	35,	36,	    43,		44,	    0x7f,	0x80,	 0xff,	  0x100,
	0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, MADT_AT, XSDT_AT, MEM_SIZE - 1};

static void fuzz_mutate(void)
{
	int n = 1 + (int)rnd(4);

	for (int i = 0; i < n; i++) {
		u64 at = fuzz_target();

		switch (rnd(5)) {
		case 0:
			mem[at] ^= (u8)(1u << rnd(8));
			break;
		case 1:
			mem[at] = (u8)rnd64();
			break;
		case 2:
			put8(at, (u8)interesting[rnd(ARRAY_SIZE(interesting))]);
			break;
		default:
			put32(at, interesting[rnd(ARRAY_SIZE(interesting))]);
			break;
		}
	}
	/* Half the time, make checksums right again so the parser gets past them. */
	if (rnd(2)) {
		u32 len;

		memcpy(&len, mem + MADT_AT + 4, 4);
		if (len >= 36 && len <= 0x1000)
			fix_checksum(MADT_AT);
		memcpy(&len, mem + XSDT_AT + 4, 4);
		if (len >= 36 && len <= 0x1000)
			fix_checksum(XSDT_AT);
	}
}

static bool fuzz_check(int err, int iter)
{
	bool ok = err == 0 || err == -EINVAL || err == -ENOENT;

	ok = ok && madt.nr_cpus <= ACPI_MAX_CPUS && madt.nr_cpus_enabled <= madt.nr_cpus;
	ok = ok && madt.nr_ioapics <= ACPI_MAX_IOAPICS && madt.nr_overrides <= ACPI_MAX_OVERRIDES &&
	     madt.nr_nmis <= ACPI_MAX_NMIS;
	for (u32 i = 0; ok && i < madt.nr_cpus; i++)
		for (u32 j = i + 1; ok && j < madt.nr_cpus; j++)
			ok = madt.cpus[i].apic_id != madt.cpus[j].apic_id;
	if (!ok)
		unit_fail(__FILE__, __LINE__, "iteration %d: err %d, %u cpus, %u ioapics", iter,
			  err, madt.nr_cpus, madt.nr_ioapics);
	return ok;
}

UNIT_TEST(fuzz_acpi_tables)
{
	int results[3] = {0, 0, 0};

	reset();
	make_all(4);
	memcpy(saved_low, mem + 0xe0000, sizeof(saved_low));
	memcpy(saved_high, mem + XSDT_AT, sizeof(saved_high));
	for (int iter = 0; iter < FUZZ_ITERS; iter++) {
		int err;

		fuzz_restore();
		fuzz_mutate();
		/* Sometimes through a loader copy of the (mutated) RSDP, to skip the scan. */
		bi.rsdp_len = rnd(4) ? 36 : 0;
		memcpy(bi.rsdp, mem + RSDP_AT, 36);
		err = load();
		if (!fuzz_check(err, iter))
			break;
		results[err == 0 ? 0 : err == -EINVAL ? 1 : 2]++;
	}
	/* The mutations must reach every outcome, or they are not exercising the parser. */
	CHECK(results[0] > 1000);
	CHECK(results[1] > 1000);
	CHECK(results[2] > 100);
	printf("# fuzz: %d parsed, %d -EINVAL, %d -ENOENT\n", results[0], results[1], results[2]);
}
