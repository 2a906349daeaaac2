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
#include "sched.h"
#include "userprog.h"

KTEST(user, hello_exits_with_its_code)
{
	KT_EXPECT_EQ(t, userprog_run("hello"), 42);
}

KTEST(user, hostile_syscall_arguments_rejected)
{
	KT_EXPECT_EQ(t, userprog_run("badargs"), 0);
}

#define STAT_CACHES 64

/*
 * What a process could leave behind: pages outside the slabs still
 * allocated, and live slab objects (per-CPU caches of free objects not
 * counted). The slabs themselves may grow: a program that ran on another
 * CPU than the warm-up filled that CPU's object cache from a new slab.
 */
struct leftovers {
	u64 used_pages; /* total - free - slab pages */
	u64 live_objs;
};

static void leftovers_get(struct leftovers *l, struct kmem_cache_stats *st)
{
	struct mm_stats m;
	int n;

	pmm_drain_caches();
	mm_stats_get(&m);
	l->used_pages = m.total_pages - m.free_pages - m.slab_pages;
	n = kmem_cache_stats_all(st, STAT_CACHES);
	l->live_objs = 0;
	for (int i = 0; i < n && i < STAT_CACHES; i++)
		l->live_objs += st[i].active_objs;
}

KTEST(user, faulting_programs_are_killed)
{
	struct kmem_cache_stats *st = kmalloc(STAT_CACHES * sizeof(*st));
	struct leftovers before, after;

	KT_EXPECT(t, st != NULL);
	if (!st)
		return;
	userprog_run("hello"); /* warm up caches and page tables */
	leftovers_get(&before, st);
	KT_EXPECT_EQ(t, userprog_run("crash_null"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_kernel"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_priv"), 128 + 11);
	KT_EXPECT_EQ(t, userprog_run("crash_ud"), 128 + 4);
	KT_EXPECT_EQ(t, userprog_run("crash_div"), 128 + 8);
	/*
	 * Killed processes leave nothing behind. On SMP the last thread of a
	 * process may still be switching away on its CPU when its parent sees
	 * the exit: its stack is freed by that CPU's next switch (finish_switch),
	 * a moment later. So look again a bounded number of times; a real leak
	 * never comes back.
	 */
	for (int i = 0; i < 100; i++) {
		leftovers_get(&after, st);
		if (after.used_pages == before.used_pages && after.live_objs == before.live_objs)
			break;
		sched_sleep_ns(1000000);
	}
	KT_EXPECT_EQ(t, after.used_pages, before.used_pages);
	KT_EXPECT_EQ(t, after.live_objs, before.live_objs);
	kfree(st);
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
