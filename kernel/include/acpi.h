/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi.h - the little of ACPI the kernel reads at boot (kernel/genarch/acpi/):
 * the RSDP, the RSDT/XSDT root tables and the MADT ("APIC"), which lists the
 * processors' local APICs, the I/O APICs and how legacy ISA interrupts map to
 * global system interrupts (GSIs).
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

#endif
