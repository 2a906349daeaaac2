/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * panic.c - fatal error reporting: the message, the CPU state, a symbolized
 * backtrace, then every CPU stops. A panic inside a panic prints one line and
 * halts at once (the first report is the one that matters).
 */
#include "panic.h"
#include "arch.h"
#include "klog.h"
#include "ksyms.h"
#include "ktest.h"

#define BACKTRACE_MAX 32

static int panic_depth;

void panic_begin(void)
{
	arch_irq_save();
	if (++panic_depth > 1) {
		kprintf("\n*** nested panic: halting\n");
		panic_end();
	}
}

void panic_end(void)
{
	arch_stop_other_cpus();
	kprintf("*** system halted\n");
	if (ktest_active())
		arch_emulator_exit(KTEST_EXIT_PANIC);
	arch_halt();
}

void backtrace_print(uintptr_t fp)
{
	uintptr_t pcs[BACKTRACE_MAX];
	int n;

	if (!fp)
		fp = arch_frame_pointer();
	n = arch_stack_walk(fp, pcs, BACKTRACE_MAX);
	for (int i = 0; i < n; i++) {
		/* A return address may point past a noreturn call: look up pc - 1. */
		u64 off = 0;
		const char *name = ksym_lookup_kernel(pcs[i] - 1, &off);

		if (name)
			kprintf("    [<%016llx>] %s+0x%llx\n", (unsigned long long)pcs[i], name,
				(unsigned long long)off + 1);
		else
			kprintf("    [<%016llx>] ?\n", (unsigned long long)pcs[i]);
	}
	if (n == BACKTRACE_MAX)
		kprintf("    ...\n");
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	kprintf("\n*** KERNEL PANIC: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_print_cpu_state();
	kprintf("  backtrace:\n");
	backtrace_print(arch_frame_pointer());
	panic_end();
}
