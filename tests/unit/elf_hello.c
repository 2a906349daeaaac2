/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * elf_hello.c - a hello world that tests/unit/elf.mk links with musl-gcc,
 * statically and as a static PIE, so test_elf can check elf_parse() on what
 * a real toolchain produces (and execve tests can later run it).
 */
#include <stdio.h>

int main(void)
{
	puts("hello from a static musl program");
	return 0;
}
