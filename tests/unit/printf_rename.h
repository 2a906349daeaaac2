/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf_rename.h - force-included (-include) into every file of the
 * test_printf build so that kernel/lib/printf.c defines ksnprintf,
 * kvsnprintf and kvcbprintf instead of clashing with the C library's
 * snprintf and vsnprintf.
 *
 * The C library's <stdio.h> is read first, under the real names; after the
 * renames lib.h declares the kernel's versions. test_printf.c undoes the
 * renames (see there) so that it can call both and compare them.
 */
#ifndef PRINTF_RENAME_H
#define PRINTF_RENAME_H

#include <stdio.h>

#define snprintf ksnprintf
#define vsnprintf kvsnprintf
#define vcbprintf kvcbprintf

#ifndef RENAME_LIB_LATER /* klib_rename.h includes lib.h after all renames */
#include "lib.h"
#endif

#endif
