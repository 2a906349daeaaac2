/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * string.c - memcpy and memset for x86_64 with the string instructions,
 * replacing the portable word loops of kernel/lib/string.c (weak there).
 *
 * "rep movsq"/"rep stosq" move 8 bytes per iteration and "rep movsb"/
 * "rep stosb" the last 0-7. A word loop in C costs about four instructions
 * per 8 bytes; a string instruction's iteration is one, and on current CPUs
 * the microcode moves whole cache lines. Page zeroing (every demand-zero
 * fault), page copies (copy-on-write) and kernel buffers all come here
 * (docs/benchmarks.md has the profiles that showed the word loops).
 *
 * The direction flag is clear in the kernel: syscall entry masks it
 * (MSR_FMASK, syscall.c) and interrupt entry clears it (isr.S).
 */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, tail = n % 8;

	__asm__ volatile("rep movsq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(src), "+c"(words)
			 : [tail] "r"(tail)
			 : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n / 8, tail = n % 8;
	u64 pattern = (u64)(unsigned char)c * 0x0101010101010101ull;

	__asm__ volatile("rep stosq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(words)
			 : "a"(pattern), [tail] "r"(tail)
			 : "memory");
	return dst;
}
