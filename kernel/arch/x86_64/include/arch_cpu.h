/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_cpu.h (x86_64) - the per-CPU data pointer, read in one instruction:
 * GS points at this CPU's struct cpu, whose first field points at itself.
 * The "memory" clobber keeps the compiler from reusing a value read before
 * a context switch (the thread may have moved to another CPU since). Also
 * the interrupt-flag save/restore pair of arch.h, inline for the fast paths.
 */
#ifndef MATRIOSKA_ARCH_CPU_H
#define MATRIOSKA_ARCH_CPU_H

struct cpu;

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

#endif
