/* SPDX-License-Identifier: BSD-2-Clause */
/* arch_cpu.h (host) - tests provide the current CPU (locks_host.c, sched_stub.c). */
#ifndef MATRIOSKA_ARCH_CPU_H
#define MATRIOSKA_ARCH_CPU_H

#include "types.h"

struct cpu;
struct cpu *arch_this_cpu(void);
unsigned long arch_irq_save(void); /* arch_host.c */
void arch_irq_restore(unsigned long flags);
u64 arch_clock_ns(void);	  /* arch_host.c */
void arch_mmu_load(paddr_t root); /* mmu_host.c */

#endif
