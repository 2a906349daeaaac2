/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi.h - the little of ACPI the kernel reads at boot (kernel/genarch/acpi/):
 * the RSDP, the RSDT/XSDT root tables and the MADT ("APIC"), which lists the
 * processors' local APICs, the I/O APICs and how legacy ISA interrupts map to
 * global system interrupts (GSIs); and, to power the machine off, the FADT
 * ("FACP") with its PM1 control registers and the \_S5 (soft-off) sleep
 * type named in the DSDT's AML.
 *
 * Like the Multiboot parsers, nothing here touches hardware or dereferences a
 * physical address directly: every byte is read through the caller's
 * phys_reader_t, every length and offset is checked against what was actually
 * obtained, and malformed tables give -EINVAL, never a fault or an endless
 * loop. The parsers are host-tested and fuzzed (tests/unit/test_acpi.c).
 */
#ifndef MATRIOSKA_ACPI_H
#define MATRIOSKA_ACPI_H

#include "bootinfo.h"
#include "types.h"

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_NMIS 8

/* Largest root table or MADT we accept (a real one is a few hundred bytes). */
#define ACPI_TABLE_MAX (1u << 20)

/* What a valid RSDP says. */
struct acpi_rsdp_info {
	paddr_t phys; /* where it was found (0: only the loader's copy was seen) */
	u8 revision;  /* 0: ACPI 1.0 (RSDT only); 2+: has the XSDT fields */
	paddr_t rsdt; /* 32-bit root table, 0 if absent */
	paddr_t xsdt; /* 64-bit root table, 0 if absent (revision 0) */
	char oem[7];
};

/* MPS INTI flags of interrupt source overrides and NMI entries. */
#define ACPI_INTI_POLARITY_MASK 0x3
#define ACPI_INTI_POLARITY_HIGH 0x1
#define ACPI_INTI_POLARITY_LOW 0x3
#define ACPI_INTI_TRIGGER_MASK 0xc
#define ACPI_INTI_TRIGGER_EDGE 0x4
#define ACPI_INTI_TRIGGER_LEVEL 0xc

/* MADT flags */
#define ACPI_MADT_PCAT_COMPAT 0x1 /* the machine also has dual 8259 PICs */

#define ACPI_NMI_ALL_CPUS 0xffffffffu

struct acpi_madt_info {
	/* Where it came from (set by acpi_madt_load only). */
	paddr_t madt_phys;
	paddr_t rsdp_phys; /* 0: the loader's copy */
	u8 acpi_revision;  /* the RSDP's revision */
	u64 lapic_phys;	   /* local APIC registers (type 5 overrides the header's field) */
	u32 flags;	   /* ACPI_MADT_* */
	/* Processors, in table order: enabled ones and online-capable (hot-pluggable) ones. */
	u32 nr_cpus;
	u32 nr_cpus_enabled;
	bool cpus_truncated; /* more than ACPI_MAX_CPUS listed */
	struct acpi_cpu {
		u32 apic_id;  /* local APIC id (x2APIC id for type 9 entries) */
		u32 uid;      /* ACPI processor UID (matches NMI entries) */
		bool enabled; /* usable now (else: only online-capable) */
	} cpus[ACPI_MAX_CPUS];
	u32 nr_ioapics;
	struct acpi_ioapic {
		u32 id;
		u64 phys;
		u32 gsi_base;
	} ioapics[ACPI_MAX_IOAPICS];
	u32 nr_overrides;
	struct acpi_override {
		u8 bus_irq; /* ISA IRQ */
		u32 gsi;
		u16 flags; /* ACPI_INTI_* */
	} overrides[ACPI_MAX_OVERRIDES];
	u32 nr_nmis; /* local APIC NMI inputs (types 4 and 10) */
	struct acpi_lapic_nmi {
		u32 uid;   /* processor UID, or ACPI_NMI_ALL_CPUS */
		u8 lint;   /* LINT0 or LINT1 */
		u16 flags; /* ACPI_INTI_* */
	} nmis[ACPI_MAX_NMIS];
	bool truncated; /* some IOAPIC/override/NMI entries did not fit */
};

/*
 * Check an RSDP candidate of avail readable bytes at p: signature, the ACPI
 * 1.0 checksum over 20 bytes, and for revision >= 2 the length field (36 or
 * more, all of it readable) and the extended checksum. Fills out (phys 0).
 * Returns 0 or -EINVAL.
 */
int __must_check acpi_rsdp_parse(const void *p, u64 avail, struct acpi_rsdp_info *out);

/*
 * Find the RSDP: the loader's copy in bi (Multiboot 2) if valid, else the
 * first valid one in the first KiB of the EBDA (segment at 0x40e) or in the
 * BIOS area 0xe0000-0xfffff, on 16-byte boundaries. bi may be NULL.
 * Returns 0, or -ENOENT when there is none.
 */
int __must_check acpi_rsdp_find(const struct boot_info *bi, phys_reader_t rd, void *ctx,
				struct acpi_rsdp_info *out);

/*
 * Find the table with signature sig (4 characters) through the XSDT (or the
 * RSDT if there is no valid XSDT). The root table must be well formed
 * (signature, length bounds, checksum). Tables that cannot be read or fail
 * their checksum are skipped. Sets *phys and *len of the table found.
 * Returns 0, -ENOENT (not listed), or -EINVAL (no valid root table, or only
 * broken tables with that signature).
 */
int __must_check acpi_table_find(const struct acpi_rsdp_info *rsdp, const char *sig,
				 phys_reader_t rd, void *ctx, paddr_t *phys, u32 *len);

/*
 * Parse a MADT of len bytes at madt (header included; the caller has checked
 * the checksum, or acpi_madt_load did). Fills out (zeroed first).
 * Returns 0 or -EINVAL.
 */
int __must_check acpi_madt_parse(const void *madt, u64 len, struct acpi_madt_info *out);

/* All of the above: RSDP -> root table -> MADT -> out. 0, -ENOENT or -EINVAL. */
int __must_check acpi_madt_load(const struct boot_info *bi, phys_reader_t rd, void *ctx,
				struct acpi_madt_info *out);

/* The ACPI checksum: the sum of all bytes, which a valid table makes 0. */
u8 acpi_checksum(const void *p, u64 len);

/* ---- power off: the FADT and the \_S5 object ---- */

/* Generic Address Structure address spaces (the two x86 firmware uses for PM1). */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1

/* Where a register is, as a Generic Address Structure (GAS) says. */
struct acpi_gas {
	u8 space;	/* ACPI_GAS_* */
	u8 bit_width;	/* 16 or more for a PM1 control register */
	u8 bit_offset;	/* 0 for a PM1 control register */
	u8 access_size; /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	u64 addr;	/* 0: the register does not exist */
};

/* FADT flags */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20) /* no PM1 blocks: the sleep registers instead */

/* PM1 control register bits */
#define ACPI_PM1_SCI_EN 0x0001	/* the machine is in ACPI mode */
#define ACPI_PM1_GBL_RLS 0x0004 /* write-only: writing 1 raises an SMI */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK 0x1c00
#define ACPI_PM1_SLP_EN 0x2000 /* write-only: enter the sleep state in SLP_TYP */

/* What the FADT says about sleeping (acpi_fadt_parse). */
struct acpi_fadt_info {
	u8 revision; /* of the FADT's header */
	u32 flags;   /* ACPI_FADT_* */
	/* X_DSDT when the table is long enough and it is nonzero, else DSDT; 0: none. */
	paddr_t dsdt;
	/*
	 * The ACPI-mode hand-off: writing acpi_enable to I/O port smi_cmd makes
	 * the firmware set SCI_EN. smi_cmd 0: the machine is always in ACPI mode.
	 */
	u16 smi_cmd;
	u8 acpi_enable;
	u8 pm1_cnt_len; /* bytes of each PM1 control register (the 32-bit fields) */
	/*
	 * X_PM1a/b_CNT_BLK when present and usable (I/O port below 64 KiB or
	 * memory, at least 16 bits wide, bit offset 0), else the 32-bit
	 * PM1a/b_CNT_BLK ports (with a PM1_CNT_LEN of 2 or more). addr 0: absent;
	 * PM1b usually is.
	 */
	struct acpi_gas pm1a_cnt, pm1b_cnt;
};

/* Everything needed to enter S5 (soft off): acpi_s5_load. */
struct acpi_s5_info {
	paddr_t fadt_phys, dsdt_phys;
	struct acpi_fadt_info fadt;
	u8 slp_typa, slp_typb; /* \_S5's SLP_TYP values for PM1a and PM1b, each 0-7 */
};

/*
 * Parse an FADT of len bytes at fadt (header included; checksum checked by
 * the caller). It must be at least the 116 bytes of ACPI 1.0; the ACPI 2.0+
 * fields are read only when its length covers them. Fills out (zeroed
 * first). Returns 0 or -EINVAL. A PM1a control register that is missing or
 * unusable is not an error here: out->pm1a_cnt.addr is then 0.
 */
int __must_check acpi_fadt_parse(const void *fadt, u64 len, struct acpi_fadt_info *out);

/*
 * Find the \_S5 object in the AML of a DSDT of len bytes at dsdt (header
 * included; checksum checked by the caller): the name "_S5_" right after a
 * NameOp (0x08, optionally with the root prefix '\'), then a package
 * (PackageOp 0x12, PkgLength, NumElements) whose first two elements are
 * SLP_TYPa and SLP_TYPb as ZeroOp, OneOp or a Byte/Word/DWord/QWordPrefix
 * constant. A package of one integer holds SLP_TYPa in its low byte and
 * SLP_TYPb in the next (an old firmware form). Each value must be 0-7. The
 * first well-formed definition wins. Returns 0, -ENOENT (no definition) or
 * -EINVAL (only malformed ones: truncated, other element types, values
 * above 7). Everything is bounds-checked against the table's length.
 */
int __must_check acpi_dsdt_find_s5(const void *dsdt, u64 len, u8 *slp_typa, u8 *slp_typb);

/*
 * All of the above: RSDP -> root table -> FADT -> DSDT -> \_S5 -> out
 * (zeroed first). Returns 0, -ENOENT (no ACPI, no FADT, no PM1a control
 * register, no DSDT or no \_S5) or -EINVAL (a malformed or unreadable FADT
 * or DSDT, or a malformed \_S5), with *why set to a one-line reason.
 */
int __must_check acpi_s5_load(const struct boot_info *bi, phys_reader_t rd, void *ctx,
			      struct acpi_s5_info *out, const char **why);

/*
 * The value to write to a PM1 control register that reads cur to enter
 * sleep type slp_typ (0-7): SLP_TYP replaced, the write-only GBL_RLS
 * cleared, the other bits kept, and SLP_EN set when enable is true (ACPI
 * writes SLP_TYP first, then SLP_TYP with SLP_EN).
 */
u16 acpi_pm1_sleep_value(u16 cur, u8 slp_typ, bool enable);

#endif
