/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ksyms.c - address-to-symbol lookup over the build-time symbol table
 * (scripts/gen-ksyms.py writes it; the Makefile links it into the image).
 */
#include "ksyms.h"
#include "lib.h"

/* Defined by the generated ksyms.S. */
extern const u64 ksyms_count, ksyms_text_end;
extern const u64 ksyms_addrs[];
extern const u32 ksyms_name_offs[];
extern const char ksyms_names[];

const char *ksym_lookup(const struct ksym_table *t, u64 addr, u64 *off)
{
	size_t lo = 0, hi = t->count;

	if (!t->count || addr < t->addrs[0] || addr >= t->text_end)
		return NULL;
	/* Find the last entry with addrs[i] <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (off)
		*off = addr - t->addrs[lo];
	return t->names + t->name_offs[lo];
}

static struct ksym_table kernel_table(void)
{
	return (struct ksym_table){ksyms_count, ksyms_addrs, ksyms_name_offs, ksyms_names,
				   ksyms_text_end};
}

const char *ksym_lookup_kernel(u64 addr, u64 *off)
{
	struct ksym_table t = kernel_table();

	return ksym_lookup(&t, addr, off);
}

u64 ksym_address(const char *name)
{
	for (u64 i = 0; i < ksyms_count; i++)
		if (strcmp(ksyms_names + ksyms_name_offs[i], name) == 0)
			return ksyms_addrs[i];
	return 0;
}

void ksym_format(u64 addr, char *buf, size_t size)
{
	u64 off = 0;
	const char *name = ksym_lookup_kernel(addr, &off);

	if (name)
		snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)off);
	else
		snprintf(buf, size, "0x%llx", (unsigned long long)addr);
}
