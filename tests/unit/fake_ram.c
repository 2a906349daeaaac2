/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_ram.c - see fake_ram.h.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_ram.h"

static void *ram;
static struct page *map;

void fake_ram_init(u64 nr_pages)
{
	fake_ram_fini();
	/* aligned_alloc wants a size that is a multiple of the alignment */
	ram = aligned_alloc(1 << 22, ALIGN_UP(nr_pages * PAGE_SIZE, 1ull << 22));
	map = calloc(nr_pages, sizeof(*map));
	if (!ram || !map)
		abort();
	memset(ram, 0xa5, nr_pages * PAGE_SIZE); /* RAM is not zero at boot */
	mm_direct_map_offset = (uintptr_t)ram - FAKE_RAM_BASE;
	pmm_setup(map, FAKE_RAM_BASE >> PAGE_SHIFT, nr_pages);
	pmm_add_free(FAKE_RAM_BASE >> PAGE_SHIFT, nr_pages);
}

void fake_ram_fini(void)
{
	free(ram);
	free(map);
	ram = NULL;
	map = NULL;
}
