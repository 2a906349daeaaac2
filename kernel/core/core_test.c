/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_test.c - ktests for the core: the kernel log ring, the symbol table,
 * the exception-table search, the clock, and (fatal, checked by an
 * integration test) panic's backtrace.
 */
#include "arch.h"
#include "extable.h"
#include "klog.h"
#include "ksyms.h"
#include "ktest.h"
#include "lib.h"
#include "panic.h"

static u64 klog_end(void)
{
	struct klog_record rec;
	u64 seq = 0;

	while (klog_read(&seq, &rec))
		;
	return seq;
}

KTEST(core, klog_records_read_back)
{
	static struct klog_record rec;
	u64 seq = klog_end();

	klog(KLOG_DEBUG, "ktest record %d of %s", 42, "klog");
	KT_EXPECT(t, klog_read(&seq, &rec));
	KT_EXPECT_STREQ(t, rec.text, "ktest record 42 of klog");
	KT_EXPECT_EQ(t, rec.level, KLOG_DEBUG);
	KT_EXPECT(t, !klog_read(&seq, &rec));
}

KTEST(core, klog_ring_overwrites_oldest)
{
	static struct klog_record rec;
	u64 seq = klog_end(), first = seq;
	u64 dropped = klog_dropped();

	for (int i = 0; i < 300; i++)
		klog(KLOG_DEBUG, "ktest flood %d", i);
	KT_EXPECT(t, klog_dropped() >= dropped + 300 - 256);
	/* Reading from before the oldest kept record skips to it. */
	KT_EXPECT(t, klog_read(&seq, &rec));
	KT_EXPECT(t, rec.seq > first);
	KT_EXPECT_STREQ(t, rec.text, "ktest flood 44");
}

KTEST(core, klog_truncates_long_messages)
{
	static struct klog_record rec;
	static char big[400];
	u64 seq = klog_end();

	memset(big, 'x', sizeof(big) - 1);
	klog(KLOG_DEBUG, "%s", big);
	KT_EXPECT(t, klog_read(&seq, &rec));
	KT_EXPECT_EQ(t, strlen(rec.text), KLOG_MSG_MAX);
}

KTEST(core, ksyms_resolve_functions)
{
	u64 addr = ksym_address("kmain"), off = 99;
	char buf[64];

	KT_EXPECT(t, addr >= 0xffffffff80000000ull);
	KT_EXPECT_STREQ(t, ksym_lookup_kernel(addr + 5, &off), "kmain");
	KT_EXPECT_EQ(t, off, 5);
	ksym_format((u64)(uintptr_t)&panic + 3, buf, sizeof(buf));
	KT_EXPECT_STREQ(t, buf, "panic+0x3");
	KT_EXPECT(t, ksym_lookup_kernel(0x1000, &off) == NULL);
	KT_EXPECT_EQ(t, ksym_address("no_such_symbol"), 0);
}

KTEST(core, extable_binary_search)
{
	struct extable_entry tab[] = {{50, 5}, {10, 1}, {30, 3}, {20, 2}, {40, 4}};
	struct extable_entry *end = tab + ARRAY_SIZE(tab);

	extable_sort(tab, end);
	for (int i = 0; i < 5; i++)
		KT_EXPECT_EQ(t, tab[i].insn, 10 * (i + 1));
	KT_EXPECT_EQ(t, extable_search(tab, end, 40), 4);
	KT_EXPECT_EQ(t, extable_search(tab, end, 10), 1);
	KT_EXPECT_EQ(t, extable_search(tab, end, 50), 5);
	KT_EXPECT_EQ(t, extable_search(tab, end, 35), 0);
	KT_EXPECT_EQ(t, extable_search(tab, tab, 10), 0);
}

KTEST(core, clock_is_monotonic)
{
	u64 a = arch_clock_ns(), b;

	for (volatile int i = 0; i < 10000; i++)
		;
	b = arch_clock_ns();
	KT_EXPECT(t, a > 0);
	KT_EXPECT(t, b >= a);
	KT_EXPECT(t, arch_cycles_khz() > 0);
}

static int panic_chain(int depth);
static int (*volatile panic_chain_fn)(int) = panic_chain;
static volatile int panic_sink;

static __noinline int panic_chain(int depth)
{
	int r;

	if (depth == 0)
		panic("deliberate panic from ktest (depth %d)", 3);
	r = panic_chain_fn(depth - 1);
	panic_sink += r;
	return r + 1;
}

KTEST_FATAL(core, panic_backtrace)
{
	KT_EXPECT(t, panic_chain_fn(3) == 0); /* not reached */
}
