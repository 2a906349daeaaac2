/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * string_rename.h - force-included (-include) into every file of the
 * test_string build so that kernel/lib/string.c defines kmemcpy, kstrlen,
 * ... instead of clashing with the C library's memcpy, strlen, ...
 *
 * The C library's <string.h> is read first, under the real names; after the
 * renames lib.h declares the kernel's versions as k*. test_string.c undoes
 * the renames (see there) so that it can call both and compare them.
 */
#ifndef STRING_RENAME_H
#define STRING_RENAME_H

#include <string.h>

#define memcpy kmemcpy
#define memmove kmemmove
#define memset kmemset
#define memcmp kmemcmp
#define strlen kstrlen
#define strnlen kstrnlen
#define strcmp kstrcmp
#define strncmp kstrncmp
#define strchr kstrchr
#define strlcpy kstrlcpy

#ifndef RENAME_LIB_LATER /* klib_rename.h includes lib.h after all renames */
#include "lib.h"
#endif

#endif
