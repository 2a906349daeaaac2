/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klib_rename.h - force-included (-include) into host tests that link both
 * kernel/lib/string.c and kernel/lib/printf.c together with other kernel code:
 * renames every kernel libc function so it cannot replace the C library's
 * (which ASan and the test framework rely on) in the test process.
 */
#ifndef KLIB_RENAME_H
#define KLIB_RENAME_H

#include <stdio.h>
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
#define snprintf ksnprintf
#define vsnprintf kvsnprintf
#define vcbprintf kvcbprintf

#include "lib.h"

#endif
