/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi.c - find and read the ACPI tables the kernel needs at boot: the RSDP
 * (from the loader's copy or by scanning the EBDA and the BIOS area), the
 * root table (XSDT, else RSDT), and the MADT with its processor, I/O APIC,
 * interrupt-override and NMI entries (acpi.h).
 *
 * Layouts are the ACPI specification's: every table starts with a 36-byte
 * header (signature, length, revision, checksum, OEM fields); all bytes of a
 * table, header included, sum to 0 mod 256. Nothing here assumes anything
 * about the memory it reads: each table is obtained through the caller's
 * reader with the length its header claims, fields are copied out with
 * memcpy (tables are not aligned), and every entry is checked against what
 * is left of its table before it is read. Pointers from the reader are used
 * only while the call that obtained them runs.
 */
#include "acpi.h"
#include "errno.h"
#include "lib.h"

#define HDR_LEN 36
#define HDR_LENGTH_OFF 4
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define MADT_ENTRIES_OFF 44

/* MADT entry types */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC 9
#define MADT_X2APIC_NMI 10

#define LAPIC_ENABLED 0x1
#define LAPIC_ONLINE_CAPABLE 0x2

#define BDA_EBDA_SEG 0x40e
#define EBDA_SCAN_LEN 1024
#define BIOS_AREA 0xe0000
#define BIOS_AREA_LEN 0x20000

u8 acpi_checksum(const void *p, u64 len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (u64 i = 0; i < len; i++)
		sum = (u8)(sum + b[i]);
	return sum;
}

static u16 get16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- RSDP ---- */

int acpi_rsdp_parse(const void *p, u64 avail, struct acpi_rsdp_info *out)
{
	const u8 *b = p;
	u32 len;

	if (!b || avail < RSDP_V1_LEN || memcmp(b, "RSD PTR ", 8) != 0 ||
	    acpi_checksum(b, RSDP_V1_LEN) != 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->revision = b[15];
	out->rsdt = get32(b + 16);
	memcpy(out->oem, b + 9, 6);
	if (out->revision >= 2) {
		if (avail < RSDP_V2_LEN)
			return -EINVAL;
		len = get32(b + 20);
		if (len < RSDP_V2_LEN || len > avail || acpi_checksum(b, len) != 0)
			return -EINVAL;
		out->xsdt = get64(b + 24);
	}
	if (!out->rsdt && !out->xsdt)
		return -EINVAL;
	return 0;
}

/* The first valid RSDP on a 16-byte boundary in [base, base + len). */
static int rsdp_scan(paddr_t base, u64 len, phys_reader_t rd, void *ctx, struct acpi_rsdp_info *out)
{
	const u8 *area = rd(ctx, base, len);

	if (!area)
		return -ENOENT;
	for (u64 off = 0; off + RSDP_V1_LEN <= len; off += 16) {
		if (area[off] != 'R' || acpi_rsdp_parse(area + off, len - off, out) != 0)
			continue;
		out->phys = base + off;
		return 0;
	}
	return -ENOENT;
}

int acpi_rsdp_find(const struct boot_info *bi, phys_reader_t rd, void *ctx,
		   struct acpi_rsdp_info *out)
{
	const u8 *seg;
	paddr_t ebda;

	if (bi && bi->rsdp_len &&
	    acpi_rsdp_parse(bi->rsdp, MIN(bi->rsdp_len, (u32)sizeof(bi->rsdp)), out) == 0)
		return 0;
	seg = rd(ctx, BDA_EBDA_SEG, 2);
	if (seg) {
		ebda = (paddr_t)get16(seg) << 4;
		/* The EBDA sits just below 640 KiB; anything else is not an EBDA pointer. */
		if (ebda >= 0x400 && ebda + EBDA_SCAN_LEN <= 0xa0000 &&
		    rsdp_scan(ebda, EBDA_SCAN_LEN, rd, ctx, out) == 0)
			return 0;
	}
	return rsdp_scan(BIOS_AREA, BIOS_AREA_LEN, rd, ctx, out);
}

/* ---- system description tables ---- */

/*
 * Read the whole table at phys: header readable, length within bounds, all
 * of it readable, checksum 0. Returns 0 or -EINVAL.
 */
static int table_read(phys_reader_t rd, void *ctx, paddr_t phys, const u8 **table, u32 *len)
{
	const u8 *h = rd(ctx, phys, HDR_LEN);
	u32 n;

	if (!h)
		return -EINVAL;
	n = get32(h + HDR_LENGTH_OFF);
	if (n < HDR_LEN || n > ACPI_TABLE_MAX)
		return -EINVAL;
	h = rd(ctx, phys, n);
	if (!h || acpi_checksum(h, n) != 0)
		return -EINVAL;
	*table = h;
	*len = n;
	return 0;
}

/* Search one root table (entry_size 8: XSDT, 4: RSDT) for sig. */
static int root_search(phys_reader_t rd, void *ctx, paddr_t root, const char *root_sig,
		       u32 entry_size, const char *sig, paddr_t *phys, u32 *len)
{
	const u8 *rt, *t;
	u32 rlen, tlen;
	bool broken = false;

	if (!root || table_read(rd, ctx, root, &rt, &rlen) != 0 || memcmp(rt, root_sig, 4) != 0 ||
	    (rlen - HDR_LEN) % entry_size != 0)
		return -EINVAL;
	for (u32 off = HDR_LEN; off < rlen; off += entry_size) {
		paddr_t p = entry_size == 8 ? get64(rt + off) : get32(rt + off);
		const u8 *h;

		if (!p)
			continue;
		h = rd(ctx, p, HDR_LEN);
		if (!h || memcmp(h, sig, 4) != 0)
			continue;
		if (table_read(rd, ctx, p, &t, &tlen) != 0) {
			broken = true; /* maybe a later copy is intact */
			continue;
		}
		*phys = p;
		*len = tlen;
		return 0;
	}
	return broken ? -EINVAL : -ENOENT;
}

int acpi_table_find(const struct acpi_rsdp_info *rsdp, const char *sig, phys_reader_t rd, void *ctx,
		    paddr_t *phys, u32 *len)
{
	bool tried_xsdt = rsdp->revision >= 2 && rsdp->xsdt;
	int err;

	if (tried_xsdt) {
		err = root_search(rd, ctx, rsdp->xsdt, "XSDT", 8, sig, phys, len);
		if (err != -EINVAL)
			return err;
	}
	if (!rsdp->rsdt)
		return -EINVAL;
	/* No XSDT, or a broken one: the RSDT lists the same tables with 32-bit pointers. */
	err = root_search(rd, ctx, rsdp->rsdt, "RSDT", 4, sig, phys, len);
	return err == 0 || !tried_xsdt ? err : -EINVAL;
}

/* ---- MADT ---- */

static void madt_add_cpu(struct acpi_madt_info *m, u32 apic_id, u32 uid, u32 flags)
{
	struct acpi_cpu *c;

	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
		return; /* not usable, now or later */
	/* Firmware may list a processor both as a local APIC and as an x2APIC. */
	for (u32 i = 0; i < m->nr_cpus; i++) {
		if (m->cpus[i].apic_id == apic_id)
			return;
	}
	if (m->nr_cpus == ACPI_MAX_CPUS) {
		m->cpus_truncated = true;
		return;
	}
	c = &m->cpus[m->nr_cpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & LAPIC_ENABLED;
	if (c->enabled)
		m->nr_cpus_enabled++;
}

static void madt_add_nmi(struct acpi_madt_info *m, u32 uid, u16 flags, u8 lint)
{
	if (m->nr_nmis == ACPI_MAX_NMIS) {
		m->truncated = true;
		return;
	}
	m->nmis[m->nr_nmis++] = (struct acpi_lapic_nmi){uid, lint, flags};
}

/* Minimum length of each entry type we read (longer ones are newer revisions). */
static u8 madt_min_len(u8 type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC_ADDR:
		return 12;
	case MADT_X2APIC:
		return 16;
	case MADT_X2APIC_NMI:
		return 12;
	default:
		return 2;
	}
}

static void madt_entry(struct acpi_madt_info *m, const u8 *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (e[3] != 0xff) /* 0xff is the broadcast id, never a processor's */
			madt_add_cpu(m, e[3], e[2], get32(e + 4));
		break;
	case MADT_X2APIC:
		if (get32(e + 4) != 0xffffffffu)
			madt_add_cpu(m, get32(e + 4), get32(e + 12), get32(e + 8));
		break;
	case MADT_IOAPIC:
		if (m->nr_ioapics == ACPI_MAX_IOAPICS) {
			m->truncated = true;
			break;
		}
		m->ioapics[m->nr_ioapics++] =
			(struct acpi_ioapic){e[2], get32(e + 4), get32(e + 8)};
		break;
	case MADT_OVERRIDE:
		if (e[2] != 0) /* bus 0 is ISA, the only one defined */
			break;
		if (m->nr_overrides == ACPI_MAX_OVERRIDES) {
			m->truncated = true;
			break;
		}
		m->overrides[m->nr_overrides++] =
			(struct acpi_override){e[3], get32(e + 4), get16(e + 8)};
		break;
	case MADT_LAPIC_NMI:
		madt_add_nmi(m, e[2] == 0xff ? ACPI_NMI_ALL_CPUS : e[2], get16(e + 3), e[5]);
		break;
	case MADT_X2APIC_NMI:
		madt_add_nmi(m, get32(e + 4), get16(e + 2), e[8]);
		break;
	case MADT_LAPIC_ADDR:
		m->lapic_phys = get64(e + 4);
		break;
	default:
		break; /* entry types we do not use */
	}
}

int acpi_madt_parse(const void *madt, u64 len, struct acpi_madt_info *out)
{
	const u8 *t = madt;
	u32 tlen, off;

	memset(out, 0, sizeof(*out));
	if (!t || len < MADT_ENTRIES_OFF || memcmp(t, "APIC", 4) != 0)
		return -EINVAL;
	tlen = get32(t + HDR_LENGTH_OFF);
	if (tlen < MADT_ENTRIES_OFF || tlen > len)
		return -EINVAL;
	out->lapic_phys = get32(t + 36);
	out->flags = get32(t + 40);
	for (off = MADT_ENTRIES_OFF; off < tlen;) {
		u8 type, elen;

		if (tlen - off < 2)
			return -EINVAL;
		type = t[off];
		elen = t[off + 1];
		/* A zero or short length would loop or read past the entry. */
		if (elen < madt_min_len(type) || elen > tlen - off)
			return -EINVAL;
		madt_entry(out, t + off);
		off += elen;
	}
	return 0;
}

int acpi_madt_load(const struct boot_info *bi, phys_reader_t rd, void *ctx,
		   struct acpi_madt_info *out)
{
	struct acpi_rsdp_info rsdp;
	paddr_t phys;
	const u8 *t;
	u32 len;
	int err;

	memset(out, 0, sizeof(*out));
	err = acpi_rsdp_find(bi, rd, ctx, &rsdp);
	if (!err)
		err = acpi_table_find(&rsdp, "APIC", rd, ctx, &phys, &len);
	if (!err)
		err = table_read(rd, ctx, phys, &t, &len);
	if (!err)
		err = acpi_madt_parse(t, len, out);
	if (!err) {
		out->madt_phys = phys;
		out->rsdp_phys = rsdp.phys;
		out->acpi_revision = rsdp.revision;
	}
	return err;
}
