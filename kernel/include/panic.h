/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * panic.h - fatal errors. panic() prints the message, the registers at the
 * call and a symbolized backtrace, stops every CPU and halts. In a ktest run
 * it ends QEMU with a failure status instead, so a harness never waits.
 */
#ifndef MATRIOSKA_PANIC_H
#define MATRIOSKA_PANIC_H

#include "types.h"

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                             \
	do {                                                                     \
		if (unlikely(cond))                                              \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

/*
 * The two halves of every fatal report, for code that prints its own report
 * (the trap handler): panic_begin() disables interrupts and stops a nested
 * panic from recursing; panic_end() stops the other CPUs, ends QEMU with
 * KTEST_EXIT_PANIC during a ktest run, and halts.
 */
void panic_begin(void);
__noreturn void panic_end(void);

/* Print a backtrace starting at frame pointer fp (0 = the caller's frame). */
void backtrace_print(uintptr_t fp);

#endif
