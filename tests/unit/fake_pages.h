/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_pages.h - single pages with real struct pages for host tests of code
 * that shares pages by reference count (tmpfs hands its pages to exec and
 * mmap) but does not need the buddy allocator: page_alloc_addr,
 * page_free_addr, page_get, page_put and the struct page <-> address
 * conversions of mm.h work on a pool of fake RAM with its own memmap.
 *
 * fake_pages_live counts pages handed out and not yet freed (a leak check);
 * only order-0 allocations are served. Thread safe (a pthread mutex).
 */
#ifndef FAKE_PAGES_H
#define FAKE_PAGES_H

#include "mm.h"

#define FAKE_PAGES_NR 8192 /* 32 MiB of fake RAM, reserved on first use */

extern long fake_pages_live;

/* Does va lie in the pool (a page that page_get/page_put may be given)? */
bool fake_pages_owns(const void *va);

#endif
