/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_ram.h - "physical memory" for host tests of the memory manager: an
 * aligned heap array that the page allocator manages as if it were RAM at a
 * made-up physical base, reached through mm_direct_map_offset exactly as the
 * kernel reaches real RAM through the direct map.
 */
#ifndef FAKE_RAM_H
#define FAKE_RAM_H

#include "mm.h"

#define FAKE_RAM_BASE 0x100000000ull /* physical address of the first fake frame */

/* Set up (or reset) nr_pages of fake RAM, all free in the page allocator. */
void fake_ram_init(u64 nr_pages);
/* Free the fake RAM and memmap. */
void fake_ram_fini(void);

#endif
