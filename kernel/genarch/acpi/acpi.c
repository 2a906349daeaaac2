/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi.c - find and read the ACPI tables the kernel needs at boot: the RSDP
 * (from the loader's copy or by scanning the EBDA and the BIOS area), the
 * root table (XSDT, else RSDT), the MADT with its processor, I/O APIC,
 * interrupt-override and NMI entries, and for powering off the FADT's PM1
 * control registers and the \_S5 sleep type found in the DSDT's AML (acpi.h).
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

/* ---- FADT ---- */

#define FADT_V1_LEN 116 /* ACPI 1.0: everything up to and including the flags */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM1_CNT_LEN 89
#define FADT_FLAGS 112
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM1B_CNT_BLK 184
#define GAS_LEN 12
#define IO_PORTS 0x10000u

static struct acpi_gas gas_get(const u8 *p)
{
	return (struct acpi_gas){p[0], p[1], p[2], p[3], get64(p + 4)};
}

/* Can a PM1 control register live here? 16 bits or more, from bit 0, in I/O or memory space. */
static bool pm1_gas_usable(const struct acpi_gas *g)
{
	if (!g->addr || g->bit_offset != 0 || g->bit_width < 16)
		return false;
	if (g->space == ACPI_GAS_IO)
		return g->addr <= IO_PORTS - 2;
	return g->space == ACPI_GAS_MEMORY;
}

/*
 * One PM1 control register: the X_ block at x_off if the table reaches it
 * and it is usable (a bit width of 0 taking PM1_CNT_LEN's), else the 32-bit
 * port at port_off. Neither: addr 0.
 */
static struct acpi_gas fadt_pm1(const u8 *t, u32 tlen, u32 x_off, u32 port_off, u8 cnt_len)
{
	struct acpi_gas g = {0};
	u32 port = get32(t + port_off);

	if (tlen >= x_off + GAS_LEN) {
		g = gas_get(t + x_off);
		if (g.bit_width == 0)
			g.bit_width = (u8)MIN(8u * cnt_len, 0xffu);
		if (pm1_gas_usable(&g))
			return g;
	}
	g = (struct acpi_gas){.space = ACPI_GAS_IO, .bit_width = (u8)MIN(8u * cnt_len, 0xffu)};
	if (port && port <= IO_PORTS - 2 && cnt_len >= 2)
		g.addr = port;
	return g;
}

int acpi_fadt_parse(const void *fadt, u64 len, struct acpi_fadt_info *out)
{
	const u8 *t = fadt;
	u32 tlen, smi_cmd;
	u64 x_dsdt = 0;

	memset(out, 0, sizeof(*out));
	if (!t || len < FADT_V1_LEN || memcmp(t, "FACP", 4) != 0)
		return -EINVAL;
	tlen = get32(t + HDR_LENGTH_OFF);
	if (tlen < FADT_V1_LEN || tlen > len)
		return -EINVAL;
	out->revision = t[8];
	out->flags = get32(t + FADT_FLAGS);
	if (tlen >= FADT_X_DSDT + 8)
		x_dsdt = get64(t + FADT_X_DSDT);
	out->dsdt = x_dsdt ? x_dsdt : get32(t + FADT_DSDT);
	/* An SMI command "port" beyond the I/O space is nothing we can write to. */
	smi_cmd = get32(t + FADT_SMI_CMD);
	if (smi_cmd < IO_PORTS) {
		out->smi_cmd = (u16)smi_cmd;
		out->acpi_enable = t[FADT_ACPI_ENABLE];
	}
	out->pm1_cnt_len = t[FADT_PM1_CNT_LEN];
	out->pm1a_cnt = fadt_pm1(t, tlen, FADT_X_PM1A_CNT_BLK, FADT_PM1A_CNT_BLK, out->pm1_cnt_len);
	out->pm1b_cnt = fadt_pm1(t, tlen, FADT_X_PM1B_CNT_BLK, FADT_PM1B_CNT_BLK, out->pm1_cnt_len);
	return 0;
}

u16 acpi_pm1_sleep_value(u16 cur, u8 slp_typ, bool enable)
{
	u16 v = cur & (u16) ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN | ACPI_PM1_GBL_RLS);

	v |= (u16)((slp_typ & 7u) << ACPI_PM1_SLP_TYP_SHIFT);
	return enable ? (u16)(v | ACPI_PM1_SLP_EN) : v;
}

/* ---- \_S5 in the DSDT's AML ---- */

/* AML encodings (ACPI specification, "ACPI Machine Language Specification") */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR 0x5c /* '\' */
#define SLP_TYP_MAX 7

/*
 * A PkgLength at *off (below end): its lead byte's top two bits count the
 * bytes that follow (0-3). With none, the low six bits are the length; with
 * some, the low nibble is the least significant one and bits 4-5 must be 0.
 * The length counts from the lead byte on. Sets *pkg_len and moves *off past
 * the encoding. Returns false if it runs past end or is malformed.
 */
static bool aml_pkg_length(const u8 *t, u32 end, u32 *off, u32 *pkg_len)
{
	u8 lead = t[*off];
	u32 extra = lead >> 6, v;

	if (extra == 0) {
		*pkg_len = lead & 0x3f;
		*off += 1;
		return true;
	}
	if ((lead & 0x30) || end - *off < 1 + extra)
		return false;
	v = lead & 0x0f;
	for (u32 i = 0; i < extra; i++)
		v |= (u32)t[*off + 1 + i] << (4 + 8 * i);
	*pkg_len = v;
	*off += 1 + extra;
	return true;
}

/* An integer constant at *off (below end): ZeroOp, OneOp or a Byte/Word/DWord/QWord constant. */
static bool aml_integer(const u8 *t, u32 end, u32 *off, u64 *val)
{
	u32 size;

	switch (t[*off]) {
	case AML_ZERO_OP:
	case AML_ONE_OP:
		*val = t[*off];
		*off += 1;
		return true;
	case AML_BYTE_PREFIX:
		size = 1;
		break;
	case AML_WORD_PREFIX:
		size = 2;
		break;
	case AML_DWORD_PREFIX:
		size = 4;
		break;
	case AML_QWORD_PREFIX:
		size = 8;
		break;
	default:
		return false; /* OnesOp, names, method calls, buffers...: not a sleep type */
	}
	if (end - *off < 1 + size)
		return false;
	*val = 0;
	for (u32 i = 0; i < size; i++) /* little-endian */
		*val |= (u64)t[*off + 1 + i] << (8 * i);
	*off += 1 + size;
	return true;
}

/* The package that should follow the name "_S5_" ending at off; 0 or -EINVAL. */
static int s5_package(const u8 *t, u32 tlen, u32 off, u8 *slp_typa, u8 *slp_typb)
{
	u32 pkg_start, pkg_len, end, count;
	u64 a, b;

	if (off >= tlen || t[off] != AML_PACKAGE_OP)
		return -EINVAL;
	pkg_start = ++off;
	if (off >= tlen || !aml_pkg_length(t, tlen, &off, &pkg_len))
		return -EINVAL;
	/* The package must lie within the table and hold at least NumElements. */
	if (pkg_len > tlen - pkg_start || pkg_start + pkg_len <= off)
		return -EINVAL;
	end = pkg_start + pkg_len;
	count = t[off++];
	if (count == 0 || off >= end || !aml_integer(t, end, &off, &a))
		return -EINVAL;
	if (count == 1) {
		/* One integer: SLP_TYPa in bits 0-7, SLP_TYPb in bits 8-15. */
		b = (a >> 8) & 0xff;
		a &= 0xff;
	} else if (off >= end || !aml_integer(t, end, &off, &b)) {
		return -EINVAL;
	}
	if (a > SLP_TYP_MAX || b > SLP_TYP_MAX)
		return -EINVAL;
	*slp_typa = (u8)a;
	*slp_typb = (u8)b;
	return 0;
}

int acpi_dsdt_find_s5(const void *dsdt, u64 len, u8 *slp_typa, u8 *slp_typb)
{
	const u8 *t = dsdt;
	bool broken = false;
	u32 tlen;

	if (!t || len < HDR_LEN || memcmp(t, "DSDT", 4) != 0)
		return -EINVAL;
	tlen = get32(t + HDR_LENGTH_OFF);
	if (tlen < HDR_LEN || tlen > len)
		return -EINVAL;
	/* A definition: NameOp, an optional '\', then the name; AML starts after the header. */
	for (u32 i = HDR_LEN + 1; i < tlen && tlen - i >= 4; i++) {
		u32 op = i - 1;

		if (memcmp(t + i, "_S5_", 4) != 0)
			continue;
		if (t[op] == AML_ROOT_CHAR && op > HDR_LEN)
			op--;
		if (t[op] != AML_NAME_OP)
			continue; /* a reference to \_S5, or bytes that happen to spell it */
		if (s5_package(t, tlen, i + 4, slp_typa, slp_typb) == 0)
			return 0;
		broken = true; /* maybe a later definition is intact */
	}
	return broken ? -EINVAL : -ENOENT;
}

int acpi_s5_load(const struct boot_info *bi, phys_reader_t rd, void *ctx, struct acpi_s5_info *out,
		 const char **why)
{
	struct acpi_rsdp_info rsdp;
	const u8 *t;
	u32 len;
	int err;

	memset(out, 0, sizeof(*out));
	*why = "no ACPI RSDP";
	err = acpi_rsdp_find(bi, rd, ctx, &rsdp);
	if (err)
		return err;
	*why = "no FADT";
	err = acpi_table_find(&rsdp, "FACP", rd, ctx, &out->fadt_phys, &len);
	if (err == -EINVAL)
		*why = "no valid root table or FADT";
	if (err)
		return err;
	*why = "the FADT is malformed";
	err = table_read(rd, ctx, out->fadt_phys, &t, &len);
	if (!err)
		err = acpi_fadt_parse(t, len, &out->fadt);
	if (err)
		return err;
	*why = "the FADT has no usable PM1a control register";
	if (!out->fadt.pm1a_cnt.addr)
		return -ENOENT;
	*why = "the FADT names no DSDT";
	out->dsdt_phys = out->fadt.dsdt;
	if (!out->dsdt_phys)
		return -ENOENT;
	*why = "the DSDT is unreadable or fails its checksum";
	err = table_read(rd, ctx, out->dsdt_phys, &t, &len);
	if (err)
		return err;
	*why = "the FADT's DSDT pointer does not lead to a DSDT";
	if (memcmp(t, "DSDT", 4) != 0)
		return -EINVAL;
	err = acpi_dsdt_find_s5(t, len, &out->slp_typa, &out->slp_typb);
	if (err == -ENOENT)
		*why = "the DSDT defines no \\_S5 package";
	else if (err)
		*why = "the DSDT's \\_S5 package is malformed";
	else
		*why = "";
	return err;
}
