/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * extable.c - sorting and searching the exception table (see extable.h).
 * The linker concatenates the entries in object order, so they are sorted
 * once at boot and then searched by binary search from the trap handler.
 */
#include "extable.h"

extern struct extable_entry __start_ex_table[], __stop_ex_table[];

void extable_sort(struct extable_entry *begin, struct extable_entry *end)
{
	for (struct extable_entry *i = begin + 1; i < end; i++) {
		struct extable_entry v = *i, *j = i;

		while (j > begin && (j - 1)->insn > v.insn) {
			*j = *(j - 1);
			j--;
		}
		*j = v;
	}
}

u64 extable_search(const struct extable_entry *begin, const struct extable_entry *end, u64 ip)
{
	size_t lo = 0, hi = (size_t)(end - begin);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (begin[mid].insn == ip)
			return begin[mid].fixup;
		if (begin[mid].insn < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void extable_init(void)
{
	extable_sort(__start_ex_table, __stop_ex_table);
}

u64 extable_fixup(u64 ip)
{
	return extable_search(__start_ex_table, __stop_ex_table, ip);
}
