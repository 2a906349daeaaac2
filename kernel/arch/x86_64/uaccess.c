/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uaccess.c - copies between kernel and user memory (uaccess.h) on x86_64.
 *
 * Each copy checks the user range first (access_ok), then opens SMAP for
 * the copy only (stac ... clac, when SMAP is on) and moves the bytes with
 * "rep movsq"/"rep stosq" and "rep movsb"/"rep stosb" for the last 0-7
 * bytes, or a byte loop, each user access having an
 * exception-table entry. A page fault there goes to x86_trap(), which first
 * offers it to the current address space (demand-zero, copy-on-write) and
 * restarts the instruction; if the address space says no, the fixup resumes
 * after the copy with the count of bytes not copied, and we return -EFAULT.
 */
#include "uaccess.h"
#include "arch.h"
#include "errno.h"
#include "extable.h"
#include "x86.h"

static inline void user_open(void)
{
	if (x86_smap_enabled)
		__asm__ volatile("stac" : : : "memory");
}

static inline void user_close(void)
{
	if (x86_smap_enabled)
		__asm__ volatile("clac" : : : "memory");
}

bool access_ok(const void *uaddr, size_t n)
{
	uintptr_t a = (uintptr_t)uaddr;

	return a >= arch_user_base() && a + n >= a && a + n <= arch_user_top();
}

/*
 * Copy n bytes; returns how many were NOT copied (0 on success). Whole
 * words with "rep movsq" (one iteration per 8 bytes), then the last 0-7
 * bytes with "rep movsb". A fault in the word part stops there: the count
 * then includes the whole word that faulted (callers only test for 0).
 */
static size_t copy_raw(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, tail = n % 8;

	user_open();
	__asm__ volatile("1: rep movsq\n2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+D"(dst), "+S"(src), "+c"(words)
			 :
			 : "memory");
	if (!words)
		__asm__ volatile("1: rep movsb\n2:\n" EXTABLE_ENTRY(1b, 2b)
				 : "+D"(dst), "+S"(src), "+c"(tail)
				 :
				 : "memory");
	user_close();
	return words * 8 + tail;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return -EFAULT;
	return copy_raw(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	return copy_raw(udst, src, n) ? -EFAULT : 0;
}

int clear_user(void *udst, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	size_t words = n / 8, tail = n % 8;

	user_open();
	__asm__ volatile("1: rep stosq\n2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+D"(udst), "+c"(words)
			 : "a"(0)
			 : "memory");
	if (!words)
		__asm__ volatile("1: rep stosb\n2:\n" EXTABLE_ENTRY(1b, 2b)
				 : "+D"(udst), "+c"(tail)
				 : "a"(0)
				 : "memory");
	user_close();
	return words || tail ? -EFAULT : 0;
}

/* Read one user byte; false if it faulted. SMAP must already be open. */
static inline bool get_user_byte(char *out, const char *p)
{
	int ok = 1;
	char c = 0;

	__asm__ volatile("1: movb (%[p]), %[c]\n"
			 "2:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "3: xorl %[ok], %[ok]\n"
			 "jmp 2b\n"
			 ".popsection\n" EXTABLE_ENTRY(1b, 3b)
			 : [ok] "+r"(ok), [c] "+q"(c)
			 : [p] "r"(p)
			 : "memory");
	*out = c;
	return ok;
}

long strncpy_from_user(char *dst, const char *usrc, size_t size)
{
	size_t i, max = size;
	uintptr_t a = (uintptr_t)usrc;

	if (!size)
		return -ENAMETOOLONG;
	if (a < arch_user_base() || a >= arch_user_top())
		return -EFAULT;
	if (max > arch_user_top() - a)
		max = arch_user_top() - a; /* never read past the user range */
	user_open();
	for (i = 0; i < max; i++) {
		if (!get_user_byte(&dst[i], usrc + i)) {
			user_close();
			return -EFAULT;
		}
		if (!dst[i]) {
			user_close();
			return (long)i;
		}
	}
	user_close();
	dst[size - 1] = '\0';
	return max < size ? -EFAULT : -ENAMETOOLONG;
}
