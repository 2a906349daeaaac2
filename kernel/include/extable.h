/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * extable.h - the exception table: pairs of (instruction that may fault,
 * where to continue if it does). Code that touches memory it cannot vouch
 * for (user copies, probes in tests) registers its faulting instructions
 * with EXTABLE_ENTRY in inline assembly; the trap handler looks the faulting
 * RIP up here and resumes at the fixup instead of reporting a kernel fault.
 */
#ifndef MATRIOSKA_EXTABLE_H
#define MATRIOSKA_EXTABLE_H

#include "types.h"

struct extable_entry {
	u64 insn;
	u64 fixup;
};

/* Inline-asm fragment: "1:" faulting instruction, "2:" continuation. */
#define EXTABLE_ENTRY(insn_label, fixup_label)        \
	".pushsection ex_table, \"a\"\n\t"            \
	".balign 8\n\t"                               \
	".quad " #insn_label ", " #fixup_label "\n\t" \
	".popsection\n\t"

/* Sort a table in place by insn (done once at boot; insertion sort, tables are small). */
void extable_sort(struct extable_entry *begin, struct extable_entry *end);
/* Binary search in a sorted table; returns the fixup address or 0. */
u64 extable_search(const struct extable_entry *begin, const struct extable_entry *end, u64 ip);
/* The kernel image's table (sorted by extable_init()). */
void extable_init(void);
u64 extable_fixup(u64 ip);

#endif
