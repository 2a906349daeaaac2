/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch.h - the hooks generic kernel code uses to reach the hardware.
 *
 * This is the whole interface between kernel/{core,lib,genarch,...} and
 * kernel/arch/<arch>/. Each architecture implements every function below;
 * kernel/arch/host/ implements them on top of the C library so generic code
 * compiles unchanged into host unit tests. Nothing outside kernel/arch/ may
 * include an arch-private header.
 *
 * Contexts: unless said otherwise a hook may be called with interrupts on or
 * off, from any thread, and does not sleep.
 */
#ifndef MATRIOSKA_ARCH_H
#define MATRIOSKA_ARCH_H

#include "types.h"

/* ---- debug console (x86_64: 16550 UART on COM1) ---- */
/* Write n bytes to the early/debug console, polling; "\n" becomes "\r\n". Safe in panic. */
void arch_console_write(const char *s, size_t n);

/* ---- time ---- */
/* Monotonic nanoseconds since kernel entry (x86_64: TSC calibrated against the PIT). */
u64 arch_clock_ns(void);
/* Raw cycle counter and its rate, for benchmarks; khz is 0 until calibrated. */
u64 arch_cycles(void);
u64 arch_cycles_khz(void);

/* ---- CPU control ---- */
/* Stop this CPU for good with interrupts disabled. */
__noreturn void arch_halt(void);
/* Ask every other CPU to stop (panic). No-op on a single CPU. */
void arch_stop_other_cpus(void);
/* Disable interrupts, returning the previous state for arch_irq_restore(). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
/* Hint for busy-wait loops (x86: pause). */
void arch_cpu_relax(void);

/* ---- emulator / test support ---- */
/* End the emulator with a status through isa-debug-exit; returns if there is none. */
void arch_emulator_exit(u32 code);

/* ---- debugging ---- */
/* A frame pointer from which arch_stack_walk() starts at the caller. */
uintptr_t arch_frame_pointer(void);
/*
 * Walk the frame-pointer chain from fp, storing return addresses in pcs.
 * Only frames inside a known kernel stack are followed, so a corrupt chain
 * ends the walk instead of faulting. Returns the number of entries stored.
 */
int arch_stack_walk(uintptr_t fp, uintptr_t *pcs, int max);
/* Print the current CPU's registers (control registers included) via kprintf. */
void arch_print_cpu_state(void);

/* ---- boot (called once, in this order, by kmain on the boot CPU) ---- */
struct boot_info;
/*
 * Make printing and fault reports possible: debug console, exception
 * vectors, and the clock (calibrated here, so later stage times are real).
 */
void arch_early_init(void);
/*
 * Parse the bootloader's hand-off into bi. Returns 0, or a negative errno
 * with *why set to a one-line explanation (not a Multiboot loader,
 * malformed information, ...).
 */
int arch_boot_info(struct boot_info *bi, const char **why);
/* Physical [start, end) of the loaded kernel image, .bss included. */
void arch_kernel_range(paddr_t *start, paddr_t *end);
/*
 * Stage 2: CPU feature set-up and the final kernel page tables (W^X image,
 * guard pages under every kernel stack, direct map of RAM). Returns 0 or a
 * negative errno with *why set.
 */
int arch_hw_init(const struct boot_info *bi, const char **why);
/* Short human description of the CPU, e.g. "AuthenticAMD QEMU Virtual CPU (family 15)". */
const char *arch_cpu_name(void);

#endif
