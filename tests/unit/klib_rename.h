/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klib_rename.h - force-included (-include) into host tests that link both
 * kernel/lib/string.c and kernel/lib/printf.c together with other kernel code:
 * renames every kernel libc function so it cannot replace the C library's
 * (which ASan and the test framework rely on) in the test process.
 */
#ifndef KLIB_RENAME_H
#define KLIB_RENAME_H

#define RENAME_LIB_LATER
#include "printf_rename.h"
#include "string_rename.h"

/* Only now, with every rename in place: */
#include "lib.h"

#endif
