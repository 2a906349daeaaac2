/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kbench.h - in-kernel micro-benchmarks, run at boot with bench=all or
 * bench=GROUP (comma lists allowed) after any ktests, printing one line per
 * figure: "kbench NAME VALUE UNIT". Under QEMU's -icount shift=0 the cycle
 * counter counts guest instructions, so `make bench` runs them that way and
 * the figures repeat exactly. Benchmarks report; they never assert.
 *
 *     KBENCH(mm, kmalloc64) {
 *             u64 t0 = kbench_cycles();
 *             ...
 *             kbench_report("kmalloc64_kfree", (kbench_cycles() - t0) / N, "insns");
 *     }
 */
#ifndef MATRIOSKA_KBENCH_H
#define MATRIOSKA_KBENCH_H

#include "types.h"

struct kbench_case {
	const char *group;
	const char *name;
	void (*fn)(void);
};

#define KBENCH(grp, nm)                                                              \
	static void kbench_##grp##_##nm(void);                                       \
	static const struct kbench_case __kbench_case_##grp##_##nm __used __section( \
		"kbench_cases") __aligned(8) = {#grp, #nm, kbench_##grp##_##nm};     \
	static void kbench_##grp##_##nm(void)

/* The cycle counter (guest instructions under -icount shift=0). */
u64 kbench_cycles(void);
/* Print "kbench NAME VALUE UNIT". */
void kbench_report(const char *name, u64 value, const char *unit);
/* Run the benchmarks bench= asked for, if any, then end QEMU; returns if it cannot. */
void kbench_boot(void);

#endif
