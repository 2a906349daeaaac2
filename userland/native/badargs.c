/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * badargs.c - hostile arguments to native system calls: kernel and
 * unmapped pointers, huge lengths, unknown numbers. Each must come back as
 * an error; exits 0 only if every answer was the expected one.
 */
#include "ulib.h"

#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

static int bad;

static void expect(long got, long want, const char *what)
{
	if (got != want) {
		uputs("badargs: ");
		uputs(what);
		uputs(" returned the wrong value\n");
		bad = 1;
	}
}

int main(void)
{
	expect(sys6(MSYS_DEBUG_WRITE, (long)0xffffffff80100000ul, 8, 0), -EFAULT, "kernel pointer");
	expect(sys6(MSYS_DEBUG_WRITE, 0, 8, 0), -EFAULT, "NULL");
	expect(sys6(MSYS_DEBUG_WRITE, 0x7fff0000, 8, 0), -EFAULT, "unmapped pointer");
	expect(sys6(MSYS_DEBUG_WRITE, (long)"x", 1L << 40, 0), -EINVAL, "huge length");
	expect(sys6(MSYS_DEBUG_WRITE, -4096, 4095, 0), -EFAULT, "wrapping range");
	expect(sys6(MSYS_SLEEP_NS, -1, 0, 0), -EINVAL, "endless sleep");
	expect(sys6(MSYS_BASE + 999, 0, 0, 0), -ENOSYS, "unknown native number");
	expect(sys6(100000, 0, 0, 0), -ENOSYS, "unknown number");
	expect(sys6(-1, 0, 0, 0), -ENOSYS, "negative number");
	expect(sys6(MSYS_NULL, 0, 0, 0), 0, "null");
	uputs(bad ? "badargs: FAILED\n" : "badargs: all hostile arguments rejected\n");
	return bad;
}
