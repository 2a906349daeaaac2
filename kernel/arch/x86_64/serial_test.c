/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial_test.c - ktests of the COM1 receive path (serial.c): bytes sent in
 * the UART's loopback mode must come back through the receive interrupt to
 * serial_rx_hook, exactly and in order, or be counted as dropped while no
 * hook is installed. serial.typed_line (explicit only) waits for a line
 * typed on the real console and logs it; tests/integration/run.py types it.
 *
 * Each test swaps its own collector in as serial_rx_hook and puts the
 * previous hook (the console tty's, if any) back afterwards.
 */
#include "acpi.h"
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "sched.h"
#include "serial.h"
#include "smp.h"
#include "sync.h"
#include "timer.h"

#define MS 1000000ull
#define SEC (1000 * MS)

/* What the collector received; written by the interrupt handler (one CPU), len published last. */
static struct {
	char buf[256];
	u32 len;
} rx;
static struct wait_queue rx_wq;

static void rx_collect(const char *b, size_t n)
{
	u32 len = rx.len;

	for (size_t i = 0; i < n && len < sizeof(rx.buf); i++)
		rx.buf[len++] = b[i];
	__atomic_store_n(&rx.len, len, __ATOMIC_RELEASE);
	wake_up_all(&rx_wq);
}

static u32 rx_len(void)
{
	return __atomic_load_n(&rx.len, __ATOMIC_ACQUIRE);
}

static void (*rx_install(void (*hook)(const char *, size_t)))(const char *, size_t)
{
	return __atomic_exchange_n(&serial_rx_hook, hook, __ATOMIC_ACQ_REL);
}

static void rx_reset(void)
{
	wait_queue_init(&rx_wq, "serial-test");
	memset(rx.buf, 0, sizeof(rx.buf));
	__atomic_store_n(&rx.len, 0, __ATOMIC_RELEASE);
}

static bool rx_has_n(void *arg)
{
	return rx_len() >= *(u32 *)arg;
}

/* A line ended by CR or LF has arrived. */
static bool rx_has_line(void *arg)
{
	u32 len = rx_len();

	(void)arg;
	for (u32 i = 0; i < len; i++)
		if (rx.buf[i] == '\r' || rx.buf[i] == '\n')
			return true;
	return false;
}

/* Without an I/O APIC (no MADT) there is nothing to route the interrupt through. */
static bool rx_expected(struct ktest *t)
{
	const struct acpi_madt_info *madt = x86_smp_madt();
	bool have_ioapic = madt && madt->nr_ioapics > 0;

	KT_EXPECT(t, serial_rx_enabled() || !have_ioapic);
	if (!serial_rx_enabled())
		kprintf("# serial: no receive interrupt (no I/O APIC): nothing to test\n");
	return serial_rx_enabled();
}

KTEST(serial, loopback_bytes_reach_the_rx_hook)
{
	/* Printable, control, DEL and high bytes; no byte is special to the UART. */
	static const char msg[] = "loop 1\r\n\x01\x03\x7f\x80\xff\t!";
	u32 want = sizeof(msg) - 1;
	u64 irqs = serial_rx_stats.irqs;
	void (*old)(const char *, size_t);
	int r;

	if (!rx_expected(t))
		return;
	rx_reset();
	old = rx_install(rx_collect);
	serial_set_loopback(true);
	arch_console_write_raw(msg, want);
	r = wait_until(&rx_wq, rx_has_n, &want, clock_ns() + SEC);
	serial_set_loopback(false);
	rx_install(old);
	KT_EXPECT_EQ(t, r, 0);
	KT_EXPECT_EQ(t, rx_len(), want);
	KT_EXPECT(t, memcmp(rx.buf, msg, want) == 0);
	KT_EXPECT(t, serial_rx_stats.irqs > irqs);
}

KTEST(serial, loopback_without_hook_drops_bytes)
{
	u64 dropped = serial_rx_stats.dropped, t0;
	void (*old)(const char *, size_t);

	if (!rx_expected(t))
		return;
	old = rx_install(NULL);
	serial_set_loopback(true);
	arch_console_write_raw("xyz", 3);
	t0 = clock_ns();
	while (__atomic_load_n(&serial_rx_stats.dropped, __ATOMIC_RELAXED) < dropped + 3 &&
	       clock_ns() - t0 < SEC)
		sched_sleep_ns(MS);
	serial_set_loopback(false);
	rx_install(old);
	KT_EXPECT_EQ(t, serial_rx_stats.dropped - dropped, 3);
}

/*
 * Explicit only: a person (or run.py) types a line on the console within
 * 10 s of guest time; it is logged as "serial: typed line '...'".
 */
KTEST_EXPLICIT(serial, typed_line)
{
	void (*old)(const char *, size_t);
	char line[sizeof(rx.buf) + 1];
	u32 n = 0;
	int r;

	if (!rx_expected(t))
		return;
	rx_reset();
	old = rx_install(rx_collect);
	kprintf("# serial: type a line and press Enter (10 s)\n");
	r = wait_until(&rx_wq, rx_has_line, NULL, clock_ns() + 10 * SEC);
	rx_install(old);
	KT_EXPECT_EQ(t, r, 0);
	while (n < rx_len() && rx.buf[n] != '\r' && rx.buf[n] != '\n') {
		line[n] = rx.buf[n];
		n++;
	}
	line[n] = '\0';
	kprintf("serial: typed line '%s'\n", line);
	KT_EXPECT(t, n > 0);
}
