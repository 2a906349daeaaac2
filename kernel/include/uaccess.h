/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uaccess.h - the only way kernel code touches user memory. Each function
 * checks that the whole range lies in the user half (no wrap-around), then
 * copies with SMAP opened just for the copy; a fault on an unmapped or
 * forbidden page is first offered to the address space's fault handler
 * (demand-zero, COW) and, if that fails, turned into -EFAULT through the
 * exception table instead of a kernel fault.
 */
#ifndef MATRIOSKA_UACCESS_H
#define MATRIOSKA_UACCESS_H

#include "types.h"

/* 0 on success, -EFAULT if any byte could not be copied. */
int copy_from_user(void *dst, const void *usrc, size_t n) __must_check;
int copy_to_user(void *udst, const void *src, size_t n) __must_check;
int clear_user(void *udst, size_t n) __must_check;
/*
 * Copy a NUL-terminated string of at most size-1 characters. Returns its
 * length (without NUL), -ENAMETOOLONG if no NUL within size bytes, -EFAULT.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t size) __must_check;

/* Is [uaddr, uaddr + n) entirely inside the user range? */
bool access_ok(const void *uaddr, size_t n);

#endif
