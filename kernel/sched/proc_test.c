/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_test.c - ktests that run the embedded native programs in ring 3:
 * system calls work, hostile syscall arguments are refused, and a program
 * that faults (#PF, #UD, #DE, #GP) is killed with a report while the kernel
 * goes on. Also the user-mode null-syscall benchmark.
 */
#include "kbench.h"
#include "ktest.h"
#include "mm.h"
#include "userprog.h"

KTEST(user, hello_exits_with_its_code)
{
	KT_EXPECT_EQ(t, userprog_run("hello"), 42);
}

KTEST(user, hostile_syscall_arguments_rejected)
{
	KT_EXPECT_EQ(t, userprog_run("badargs"), 0);
}

KTEST(user, faulting_programs_are_killed)
{
	struct mm_stats before, after;

	userprog_run("hello"); /* warm up caches and page tables */
	pmm_drain_caches();
	mm_stats_get(&before);
	KT_EXPECT_EQ(t, userprog_run("crash_null"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_kernel"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_priv"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_ud"), 128 + 4);
	KT_EXPECT_EQ(t, userprog_run("crash_div"), 128 + 8);
	/* Killed processes leave nothing behind. */
	pmm_drain_caches();
	mm_stats_get(&after);
	KT_EXPECT_EQ(t, after.free_pages, before.free_pages);
}

KTEST(user, unknown_program_is_enoent)
{
	KT_EXPECT(t, userprog_run("no-such-program") < 0);
	KT_EXPECT(t, userprog_find("hello") != NULL);
}

KBENCH(sched, native_null_syscall)
{
	userprog_run("bench_null"); /* prints its own kbench line */
}
