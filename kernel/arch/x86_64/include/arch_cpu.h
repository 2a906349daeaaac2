/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_cpu.h (x86_64) - the per-CPU data pointer, read in one instruction:
 * GS points at this CPU's struct cpu, whose first field points at itself.
 * The "memory" clobber keeps the compiler from reusing a value read before
 * a context switch (the thread may have moved to another CPU since). Also
 * the interrupt-flag save/restore pair, the clock and the page-table load
 * of arch.h, inline for the fast paths (the IPC switch uses all of them).
 */
#ifndef MATRIOSKA_ARCH_CPU_H
#define MATRIOSKA_ARCH_CPU_H

#include "types.h"

struct cpu;
extern u64 boot_tsc;	 /* boot.S: the TSC at kernel entry */
extern u64 x86_tsc_mult; /* tsc.c: ns per cycle, 32.32 fixed point; 0 until calibrated */

static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c) : : "memory");
	return c;
}

/* Interrupts off; the old RFLAGS for arch_irq_restore(). */
static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

/* Interrupts back on if they were on (RFLAGS.IF) when saved. */
static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" : : : "memory");
}

/* arch.h's clock: ns since kernel entry, (cycles * mult) >> 32 with no division. */
static inline u64 arch_clock_ns(void)
{
	u32 lo, hi;
	u64 delta;

	if (!x86_tsc_mult)
		return 0;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	delta = (((u64)hi << 32) | lo) - boot_tsc;
	return (u64)(((unsigned __int128)delta * x86_tsc_mult) >> 32);
}

/* arch.h's page-table load: CR3 (no PCIDs, so the old space's TLB entries go too). */
static inline void arch_mmu_load(paddr_t root)
{
	__asm__ volatile("movq %0, %%cr3" : : "r"(root) : "memory");
}

#endif
