/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib.h - the kernel's small C library: memory and string functions and a
 * formatted printer. Everything here is generic (no arch hooks) and is
 * host-tested against the C library in tests/unit/.
 */
#ifndef MATRIOSKA_LIB_H
#define MATRIOSKA_LIB_H

#include "types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always NUL-terminate (if size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parse an unsigned integer in base 10, 16 ("0x" prefix) or 8 ("0" prefix)
 * when base is 0, or in the given base. The whole string must be consumed.
 * Returns 0, -EINVAL (empty, bad digit, trailing junk) or -ERANGE (overflow).
 */
int __must_check kstrtou64(const char *s, unsigned int base, u64 *out);
int __must_check kstrtos64(const char *s, unsigned int base, s64 *out);

/*
 * vsnprintf - the kernel's printf engine. Supports %d %i %u %x %X %o %p %s %c
 * %%, the flags '-' '0' '+' ' ' '#', width and precision (also '*'), and the
 * length modifiers hh h l ll z t. %p prints "0x" followed by 16 lowercase hex
 * digits. A NULL %s prints "(null)". Returns the length the full output would
 * have had (like C99); the buffer is always NUL-terminated when size > 0.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Callback-based variant used by klog and the console: emits the output in
 * pieces through out(ctx, s, n) without any intermediate buffer limit.
 * Returns the number of characters produced.
 */
typedef void (*fmt_out_t)(void *ctx, const char *s, size_t n);
int vcbprintf(fmt_out_t out, void *ctx, const char *fmt, va_list ap) __printf(3, 0);

#endif
