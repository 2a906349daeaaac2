/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_core.c - host tests of the kernel log ring, symbol lookup and the
 * exception-table search, compiled unchanged from kernel/core/ against the
 * host arch layer (captured console, fake clock) and a fake symbol table.
 */
#include "arch_host.h"
#include "extable.h"
#include "klog.h"
#include "ksyms.h"
#include "unit.h"

/* A fake kernel symbol table: three functions in [0x1000, 0x1300). */
const u64 ksyms_count = 3;
const u64 ksyms_text_end = 0x1300;
const u64 ksyms_addrs[] = {0x1000, 0x1100, 0x1200};
const u32 ksyms_name_offs[] = {0, 6, 12};
const char ksyms_names[] = "alpha\0bravo\0charlie";

/* Two entries in the image's exception table, unsorted (writable: extable_init sorts in place). */
static struct extable_entry ex_entries[2] __attribute__((section("ex_table"), used)) = {
	{0x2000, 0x2010},
	{0x1000, 0x1010},
};

static u64 drain(void)
{
	struct klog_record rec;
	u64 seq = 0;

	while (klog_read(&seq, &rec))
		;
	return seq;
}

UNIT_TEST(klog_stores_level_time_text)
{
	struct klog_record rec;
	u64 seq = drain();

	host_clock_set_ns(123456);
	klog(KLOG_WARN, "disk %d is %s", 3, "hot");
	CHECK(klog_read(&seq, &rec));
	CHECK_STREQ(rec.text, "disk 3 is hot");
	CHECK_EQ(rec.level, KLOG_WARN);
	CHECK_EQ(rec.time_ns, 123456);
	CHECK(!klog_read(&seq, &rec));
}

UNIT_TEST(klog_console_level_filters_console_not_ring)
{
	struct klog_record rec;
	u64 seq = drain();

	klog_set_console_level(KLOG_WARN);
	host_console_clear();
	klog(KLOG_INFO, "quiet info");
	klog(KLOG_ERR, "loud error");
	CHECK(strstr(host_console_text(), "quiet info") == NULL);
	CHECK(strstr(host_console_text(), "loud error\n") != NULL);
	CHECK(klog_read(&seq, &rec));
	CHECK_STREQ(rec.text, "quiet info");
	klog_set_console_level(KLOG_INFO);
}

UNIT_TEST(klog_ring_keeps_newest_256)
{
	struct klog_record rec;
	u64 start = drain(), seq = start;
	u64 dropped = klog_dropped();

	for (int i = 0; i < 1000; i++)
		klog(KLOG_DEBUG, "n%d", i);
	CHECK_EQ(klog_dropped() - dropped >= 1000 - 256, 1);
	CHECK(klog_read(&seq, &rec));
	CHECK_STREQ(rec.text, "n744");
	CHECK_EQ(rec.seq, start + 744);
	for (int i = 745; i < 1000; i++) {
		char want[16];

		CHECK(klog_read(&seq, &rec));
		snprintf(want, sizeof(want), "n%d", i);
		CHECK_STREQ(rec.text, want);
	}
	CHECK(!klog_read(&seq, &rec));
}

UNIT_TEST(klog_truncates_to_max)
{
	struct klog_record rec;
	char big[1000];
	u64 seq = drain();

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	klog(KLOG_DEBUG, "%s", big);
	CHECK(klog_read(&seq, &rec));
	CHECK_EQ(strlen(rec.text), KLOG_MSG_MAX);
}

UNIT_TEST(ksyms_lookup_bounds)
{
	u64 off = 0;

	CHECK_STREQ(ksym_lookup_kernel(0x1000, &off), "alpha");
	CHECK_EQ(off, 0);
	CHECK_STREQ(ksym_lookup_kernel(0x10ff, &off), "alpha");
	CHECK_EQ(off, 0xff);
	CHECK_STREQ(ksym_lookup_kernel(0x1100, &off), "bravo");
	CHECK_STREQ(ksym_lookup_kernel(0x12ff, &off), "charlie");
	CHECK_EQ(off, 0xff);
	CHECK(ksym_lookup_kernel(0xfff, &off) == NULL);
	CHECK(ksym_lookup_kernel(0x1300, &off) == NULL);
	CHECK_EQ(ksym_address("bravo"), 0x1100);
	CHECK_EQ(ksym_address("delta"), 0);
}

UNIT_TEST(ksyms_format)
{
	char buf[32];

	ksym_format(0x1205, buf, sizeof(buf));
	CHECK_STREQ(buf, "charlie+0x5");
	ksym_format(0x5000, buf, sizeof(buf));
	CHECK_STREQ(buf, "0x5000");
	ksym_format(0x1205, buf, 6);
	CHECK_STREQ(buf, "charl");
}

UNIT_TEST(ksyms_empty_and_single_tables)
{
	u64 a[1] = {0x10};
	u32 o[1] = {0};
	struct ksym_table empty = {0, a, o, "x", 0x20};
	struct ksym_table one = {1, a, o, "only", 0x20};
	u64 off;

	CHECK(ksym_lookup(&empty, 0x10, &off) == NULL);
	CHECK_STREQ(ksym_lookup(&one, 0x1f, &off), "only");
	CHECK_EQ(off, 0xf);
	CHECK(ksym_lookup(&one, 0x20, &off) == NULL);
}

UNIT_TEST(extable_sorted_search)
{
	struct extable_entry t[64];

	/* descending input: the sort must reverse it */
	for (int i = 0; i < 64; i++)
		t[i] = (struct extable_entry){(u64)(64 - i) * 16, (u64)(64 - i)};
	extable_sort(t, t + 64);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(t[i].insn, (u64)(i + 1) * 16);
	for (int i = 1; i <= 64; i++) {
		CHECK_EQ(extable_search(t, t + 64, (u64)i * 16), i);
		CHECK_EQ(extable_search(t, t + 64, (u64)i * 16 + 1), 0);
	}
	CHECK_EQ(extable_search(t, t + 64, 0), 0);
}

UNIT_TEST(extable_image_table)
{
	extable_init();
	CHECK_EQ(extable_fixup(0x1000), 0x1010);
	CHECK_EQ(extable_fixup(0x2000), 0x2010);
	CHECK_EQ(extable_fixup(0x1500), 0);
}
