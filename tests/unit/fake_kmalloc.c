/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_kmalloc.c - the kernel's kmalloc interface on the host's malloc,
 * counting live objects (fake_kmalloc.h) for leak checks in tests.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_kmalloc.h"
#include "mm.h"

long kmalloc_live;

void *kmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p)
		kmalloc_live++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	if (p) {
		kmalloc_live--;
		free((void *)p);
	}
}
