/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched_rename.h - force-included (-include) into the sync tests: the
 * kernel's void sched_yield(void) (sched.h) clashes with the C library's
 * int sched_yield(void), which <pthread.h> declares. The C library's headers
 * are read first under their own names; after that the kernel's function is
 * renamed, so the stub's version never replaces the C library's either.
 */
#ifndef SCHED_RENAME_H
#define SCHED_RENAME_H

#include <pthread.h>
#include <sched.h>

#define sched_yield kernel_sched_yield

#endif
