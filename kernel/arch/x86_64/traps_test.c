/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * traps_test.c - ktests for exception handling and the kernel's page-table
 * permissions. Each non-fatal test makes one instruction fault on purpose,
 * with an exception-table entry so the handler resumes after it, and checks
 * the vector, error code and CR2 the handler recorded. The KTEST_FATAL tests
 * crash the kernel on purpose; the integration tests check their reports.
 */
#include "extable.h"
#include "klog.h"
#include "kstack.h"
#include "ktest.h"
#include "lib.h"
#include "x86.h"

#define PF_PRESENT 1
#define PF_WRITE 2
#define PF_FETCH 16

static u64 fixups_before;

static void arm(void)
{
	fixups_before = x86_last_fixup.count;
	x86_last_fixup.vector = ~0ull;
}

static bool faulted(void)
{
	return x86_last_fixup.count == fixups_before + 1;
}

static void probe_read(const volatile void *p)
{
	u64 v = 0;

	arm();
	__asm__ volatile("1: movq (%1), %0\n2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(v)
			 : "r"(p)
			 : "memory");
}

static void probe_write(volatile void *p)
{
	arm();
	__asm__ volatile("1: movq $0x5a, (%0)\n2:\n" EXTABLE_ENTRY(1b, 2b) : : "r"(p) : "memory");
}

KTEST(traps, invalid_opcode)
{
	arm();
	__asm__ volatile("1: ud2\n2:\n" EXTABLE_ENTRY(1b, 2b) : : : "memory");
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 6);
}

KTEST(traps, breakpoint_is_a_trap)
{
	/* #BP is a trap: the saved RIP is the instruction after int3. */
	arm();
	__asm__ volatile("int3\n2:\n" EXTABLE_ENTRY(2b, 2b) : : : "memory");
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 3);
}

KTEST(traps, divide_error)
{
	arm();
	__asm__ volatile("xorl %%edx, %%edx\n\t"
			 "movl $1, %%eax\n\t"
			 "xorl %%ecx, %%ecx\n"
			 "1: divl %%ecx\n2:\n" EXTABLE_ENTRY(1b, 2b)
			 :
			 :
			 : "eax", "ecx", "edx", "memory");
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 0);
}

KTEST(traps, non_canonical_is_gp)
{
	probe_read((const void *)0x8000000000000000ull);
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 13);
}

KTEST(traps, null_page_unmapped)
{
	probe_read(NULL);
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 14);
	KT_EXPECT_EQ(t, x86_last_fixup.cr2, 0);
	KT_EXPECT_EQ(t, x86_last_fixup.error & (PF_PRESENT | PF_WRITE), 0);
}

KTEST(traps, boot_stack_guard_unmapped)
{
	probe_read(boot_stack_guard + 64);
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 14);
	KT_EXPECT_EQ(t, x86_last_fixup.cr2, (uintptr_t)boot_stack_guard + 64);
	KT_EXPECT(t, x86_guard_of((uintptr_t)boot_stack_guard + 64) != NULL);
	/* the stack itself is mapped */
	probe_read(boot_stack_bottom);
	KT_EXPECT(t, !faulted());
}

static const u64 rodata_word = 0x1234;

KTEST(paging, rodata_is_read_only)
{
	probe_write((volatile void *)&rodata_word);
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 14);
	KT_EXPECT_EQ(t, x86_last_fixup.error & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
	KT_EXPECT_EQ(t, rodata_word, 0x1234);
}

KTEST(paging, text_is_read_only)
{
	probe_write((volatile void *)(uintptr_t)&probe_write);
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.error & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
}

/* One "ret" in writable data: executing it must fault when the CPU has NX. */
u8 exec_probe_buf[16] = {0xc3};

KTEST(paging, data_is_not_executable)
{
	if (!x86_cpu.nx) {
		kprintf("# no NX on this CPU: data is executable, nothing to check\n");
		KT_EXPECT(t, !x86_cpu.nx);
		return;
	}
	arm();
	__asm__ volatile("leaq exec_probe_buf(%%rip), %%rax\n\t"
			 "jmp *%%rax\n"
			 "2:\n" EXTABLE_ENTRY(exec_probe_buf, 2b)
			 :
			 :
			 : "rax", "memory");
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.vector, 14);
	KT_EXPECT_EQ(t, x86_last_fixup.error & PF_FETCH, PF_FETCH);
	KT_EXPECT_EQ(t, x86_last_fixup.cr2, (uintptr_t)exec_probe_buf);
}

KTEST(paging, direct_map_reads_low_memory)
{
	/* The kernel image is visible at both its link address and the direct map. */
	const u64 *via_dm = phys_to_virt(kernel_virt_to_phys(&rodata_word));

	KT_EXPECT_EQ(t, *via_dm, 0x1234);
	KT_EXPECT(t, direct_map_limit >= GiB(4));
}

KTEST_FATAL(traps, fatal_page_fault)
{
	*(volatile u64 *)0xdead0000ull = 1;
	KT_EXPECT(t, false); /* not reached */
}

static volatile int overflow_limit; /* 0: recurse until the stack runs out */
static volatile char overflow_sink;

static __noinline int overflow_recurse(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	overflow_sink = pad[0];
	if (overflow_limit && depth > overflow_limit)
		return 0;
	return overflow_recurse(depth + 1) + pad[depth & 511];
}

KTEST_FATAL(traps, stack_overflow)
{
	KT_EXPECT(t, overflow_recurse(0) == 0); /* not reached */
}

KTEST(kstack, guard_below_every_stack)
{
	struct mm_stats before, after;
	struct kstack *ks;
	const struct kstack *found;
	bool in_guard = false;
	vaddr_t bottom;

	/* Warm up: the first stack in a region also allocates its page table. */
	ks = kstack_alloc("warm-up");
	if (ks)
		kstack_free(ks);
	pmm_drain_caches();
	mm_stats_get(&before);
	ks = kstack_alloc("ktest-stack");
	KT_EXPECT(t, ks != NULL);
	if (!ks)
		return;
	bottom = ks->bottom;
	KT_EXPECT_EQ(t, ks->top - ks->bottom, KSTACK_SIZE);
	memset((void *)ks->bottom, 0x77, KSTACK_SIZE); /* all of it is mapped and writable */
	probe_read((void *)(bottom - 8));
	KT_EXPECT(t, faulted());
	KT_EXPECT_EQ(t, x86_last_fixup.cr2, bottom - 8);
	found = kstack_lookup(bottom - 8, &in_guard);
	KT_EXPECT(t, found == ks && in_guard);
	KT_EXPECT_STREQ(t, found ? found->owner : "", "ktest-stack");
	probe_read((void *)(bottom - KSTACK_GUARD));
	KT_EXPECT(t, faulted());
	kstack_free(ks);
	probe_read((void *)bottom); /* unmapped again */
	KT_EXPECT(t, faulted());
	pmm_drain_caches();
	mm_stats_get(&after);
	KT_EXPECT_EQ(t, after.free_pages, before.free_pages);
}

static void on_stack(void *arg)
{
	volatile u64 local = 1;

	*(uintptr_t *)arg = (uintptr_t)&local;
}

KTEST(kstack, code_runs_on_a_thread_stack)
{
	struct kstack *ks = kstack_alloc("ktest-run");
	uintptr_t where = 0;

	KT_EXPECT(t, ks != NULL);
	if (!ks)
		return;
	x86_call_on_stack(ks->top, on_stack, &where);
	KT_EXPECT(t, where >= ks->bottom && where < ks->top);
	kstack_free(ks);
}

static void overflow_on_stack(void *arg)
{
	(void)arg;
	overflow_recurse(0);
}

KTEST_FATAL(traps, kstack_overflow)
{
	struct kstack *ks = kstack_alloc("overflow-test");

	KT_EXPECT(t, ks != NULL);
	if (ks)
		x86_call_on_stack(ks->top, overflow_on_stack, NULL);
}
