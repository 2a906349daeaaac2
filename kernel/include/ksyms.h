/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ksyms.h - the kernel's own symbol table, generated at build time from the
 * linked image (scripts/gen-ksyms.py) and linked into it, so panics and
 * exception reports print function+offset instead of bare addresses.
 */
#ifndef MATRIOSKA_KSYMS_H
#define MATRIOSKA_KSYMS_H

#include "types.h"

struct ksym_table {
	u64 count;
	const u64 *addrs;     /* sorted ascending */
	const u32 *name_offs; /* offset of each name in names */
	const char *names;    /* NUL-separated */
	u64 text_end;	      /* addresses >= this are not in any function */
};

/*
 * Find the function containing addr: returns its name and sets *off to
 * addr - start, or returns NULL when addr is outside the table.
 */
const char *ksym_lookup(const struct ksym_table *t, u64 addr, u64 *off);
/* Same, in the kernel image's own table. */
const char *ksym_lookup_kernel(u64 addr, u64 *off);
/* Address of a kernel symbol by name, 0 if absent. */
u64 ksym_address(const char *name);
/* Format "name+0xoff" (or "0x<addr>" if unknown) into buf. */
void ksym_format(u64 addr, char *buf, size_t size);

#endif
