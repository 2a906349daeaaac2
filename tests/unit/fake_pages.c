/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_pages.c - see fake_pages.h. The pool is one aligned allocation at a
 * made-up physical base; free frames are a stack of frame numbers. A freed
 * page is filled with 0x6b so a use after free reads garbage, a fresh page
 * without PAF_ZERO with 0xa5 as RAM would be; a double free or a put of an
 * unreferenced page aborts the test.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_pages.h"
#include "vm.h"

#define FAKE_PAGES_BASE 0x200000000ull /* physical address of the first frame */

uintptr_t mm_direct_map_offset;
struct page *mm_memmap;
u64 mm_base_pfn, mm_nr_pages;
long fake_pages_live;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static u8 *pool;
static u64 free_stack[FAKE_PAGES_NR];
static u64 nr_free;

static void pool_init_locked(void)
{
	if (pool)
		return;
	pool = aligned_alloc(PAGE_SIZE, (size_t)FAKE_PAGES_NR * PAGE_SIZE);
	mm_memmap = calloc(FAKE_PAGES_NR, sizeof(struct page));
	if (!pool || !mm_memmap)
		abort();
	mm_direct_map_offset = (uintptr_t)pool - FAKE_PAGES_BASE;
	mm_base_pfn = FAKE_PAGES_BASE >> PAGE_SHIFT;
	mm_nr_pages = FAKE_PAGES_NR;
	for (u64 i = 0; i < FAKE_PAGES_NR; i++) {
		mm_memmap[i].flags = PG_FREE;
		free_stack[nr_free++] = FAKE_PAGES_NR - 1 - i; /* lowest frames first */
	}
}

bool fake_pages_owns(const void *va)
{
	return pool && (const u8 *)va >= pool &&
	       (const u8 *)va < pool + (size_t)FAKE_PAGES_NR * PAGE_SIZE;
}

struct page *page_alloc(unsigned int order, u32 flags)
{
	struct page *p = NULL;

	pthread_mutex_lock(&pool_lock);
	pool_init_locked();
	if (order == 0 && nr_free) {
		p = &mm_memmap[free_stack[--nr_free]];
		p->flags = 0;
		p->order = 0;
		p->refcount = 1;
		p->private = 0;
		fake_pages_live++;
	}
	pthread_mutex_unlock(&pool_lock);
	if (p)
		memset(page_address(p), (flags & PAF_ZERO) ? 0 : 0xa5, PAGE_SIZE);
	return p;
}

void page_free(struct page *p)
{
	if ((p->flags & PG_FREE) || p->refcount > 1) {
		fprintf(stderr, "fake_pages: bad page_free (flags %#x, refcount %u)\n", p->flags,
			p->refcount);
		abort();
	}
	memset(page_address(p), 0x6b, PAGE_SIZE);
	pthread_mutex_lock(&pool_lock);
	p->flags = PG_FREE;
	p->refcount = 0;
	free_stack[nr_free++] = (u64)(p - mm_memmap);
	fake_pages_live--;
	pthread_mutex_unlock(&pool_lock);
}

void page_get(struct page *p)
{
	if (p->flags & PG_FREE)
		abort();
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

void page_put(struct page *p)
{
	u32 left;

	if ((p->flags & PG_FREE) || p->refcount == 0) {
		fprintf(stderr, "fake_pages: page_put of an unreferenced page\n");
		abort();
	}
	left = __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);
	if (left == 0)
		page_free(p);
}

void *page_alloc_addr(unsigned int order, u32 flags)
{
	struct page *p = page_alloc(order, flags);

	return p ? page_address(p) : NULL;
}

void page_free_addr(void *va)
{
	if (va)
		page_free(virt_to_page(va));
}

/* The VFS tells the VM that a file shrank (kernel/mm/vm.c); no mappings here. */
void vm_object_truncate(const void *key, u64 first_index)
{
	(void)key;
	(void)first_index;
}
