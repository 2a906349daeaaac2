/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tsc.c - the clock: the time-stamp counter, calibrated once at boot
 * against the 8254 PIT (channel 2, gated through port 0x61, whose output
 * bit can be polled without interrupts). boot.S read the TSC at kernel
 * entry, so arch_clock_ns() (inline, arch_cpu.h) is the time since the
 * first kernel instruction.
 *
 * Conversion avoids division on the hot path: ns = (cycles * mult) >> 32
 * with mult = 10^6 * 2^32 / khz, using a 64x64->128 multiply.
 */
#include "arch.h"
#include "klog.h"
#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CALIBRATE_MS 10
#define FALLBACK_KHZ 1000000 /* 1 GHz, if the PIT does not answer */

static u64 tsc_khz;
u64 x86_tsc_mult; /* ns per cycle, 32.32 fixed point (arch_clock_ns in arch_cpu.h) */
static bool tsc_fallback;

/* Cycles elapsed while the PIT counts down CALIBRATE_MS, 0 if it never finished. */
static u64 pit_measure(void)
{
	u16 count = (u16)(PIT_HZ * CALIBRATE_MS / 1000);
	u8 gate = inb(PIT_GATE);
	u64 t0, t1;

	outb(PIT_GATE, (u8)((gate & ~0x02) | 0x01)); /* speaker off, gate on */
	outb(PIT_CMD, 0xb0);			     /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	for (u32 i = 0; !(inb(PIT_GATE) & 0x20); i++) {
		if (i > 50000000)
			return 0;
	}
	t1 = rdtsc();
	outb(PIT_GATE, gate);
	return t1 - t0;
}

void tsc_calibrate(void)
{
	u64 cycles = pit_measure();
	u64 khz;

	if (cycles == 0) {
		khz = FALLBACK_KHZ;
		tsc_fallback = true;
	} else {
		/* khz = cycles / (count / PIT_HZ) / 1000 */
		u64 count = PIT_HZ * CALIBRATE_MS / 1000;
		khz = cycles * PIT_HZ / (count * 1000);
		if (khz == 0)
			khz = 1;
	}
	x86_tsc_mult = (1000000ull << 32) / khz;
	tsc_khz = khz;
}

void tsc_report(void)
{
	if (tsc_fallback)
		pr_warn("time: PIT did not respond; assuming a %llu MHz TSC",
			(unsigned long long)tsc_khz / 1000);
	else
		pr_info("time: TSC %llu.%03llu MHz (calibrated against the PIT)",
			(unsigned long long)tsc_khz / 1000, (unsigned long long)tsc_khz % 1000);
}

u64 arch_cycles(void)
{
	return rdtsc();
}

u64 arch_cycles_khz(void)
{
	return tsc_khz;
}
