/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ulib.h - the whole "C library" of the small native test programs that the
 * kernel embeds and runs in ring 3 (the .c files beside it): the program entry
 * point, native system calls (abi/matrioska/syscall.h) and a few helpers.
 * Programs are freestanding, linked at 0x400000 and loaded as flat images.
 */
#ifndef ULIB_H
#define ULIB_H

#include "matrioska/syscall.h"

typedef unsigned long u64;

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andq $-16, %rsp\n"
	"	call main\n"
	"	movl %eax, %edi\n"
	"	movl $0x1002, %eax\n" /* MSYS_EXIT */
	"	syscall\n"
	"	ud2\n");

static inline long sys6(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long ustrlen(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	return n;
}

static inline long uputs(const char *s)
{
	return sys6(MSYS_DEBUG_WRITE, (long)s, ustrlen(s), 0);
}

/* Print a decimal number. */
static inline void uputu(u64 v)
{
	char buf[24];
	int i = 23;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	uputs(buf + i);
}

static inline u64 urdtsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

int main(void);

#endif
