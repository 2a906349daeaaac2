/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fake_kmalloc.h - kmalloc/kzalloc/kfree for host tests over malloc, with
 * a count of live objects so a test can prove it freed everything
 * (fake_kmalloc.c).
 */
#ifndef FAKE_KMALLOC_H
#define FAKE_KMALLOC_H

/* kmalloc'd objects not yet kfree'd. */
extern long kmalloc_live;

#endif
