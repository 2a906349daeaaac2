/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_host.c - the "host" architecture: implements kernel/include/arch.h on
 * top of the C library so generic kernel code links unchanged into host unit
 * tests (built with ASan/UBSan). Console output is captured in a buffer that
 * tests can inspect; time is a fake clock that tests advance by hand; halting
 * exits the test process with status 3 so a test can tell it happened (a
 * restart with status 4; there is nothing to power off).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arch_host.h"
#include "errno.h"

static char console_buf[1 << 16];
static size_t console_len;
static u64 fake_ns;

void arch_console_write(const char *s, size_t n)
{
	size_t room = sizeof(console_buf) - 1 - console_len;

	if (n > room)
		n = room;
	memcpy(console_buf + console_len, s, n);
	console_len += n;
	console_buf[console_len] = '\0';
	if (getenv("UNIT_ECHO_CONSOLE"))
		fwrite(s, 1, n, stderr);
}

/* The host console never translates "\n", so raw output is the same capture. */
void arch_console_write_raw(const char *s, size_t n)
{
	arch_console_write(s, n);
}

/* No receive interrupt on the host: tests call the installed hook themselves. */
void (*serial_rx_hook)(const char *buf, size_t n);

const char *host_console_text(void)
{
	return console_buf;
}

void host_console_clear(void)
{
	console_len = 0;
	console_buf[0] = '\0';
}

void host_clock_set_ns(u64 ns)
{
	fake_ns = ns;
}

u64 arch_clock_ns(void)
{
	return fake_ns;
}

u64 arch_cycles(void)
{
	return fake_ns;
}

u64 arch_cycles_khz(void)
{
	return 1000000; /* the fake clock "ticks" at 1 GHz */
}

void arch_halt(void)
{
	fflush(stdout);
	exit(3);
}

void arch_stop_other_cpus(void)
{
}

/* No interrupts on the host: deferred work (klog wake-ups) is never raised. */
bool arch_irq_work_raise(void)
{
	return false;
}

/* No machine to turn off; a restart ends the test process with status 4. */
int arch_power_off(void)
{
	return -ENODEV;
}

void arch_restart(void)
{
	fflush(stdout);
	exit(4);
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

void arch_cpu_relax(void)
{
}

/* No hardware generator on the host: the RNG falls back to its other sources. */
bool arch_random_u64(u64 *out)
{
	(void)out;
	return false;
}

void arch_emulator_exit(u32 code)
{
	fflush(stdout);
	exit((int)((code << 1) | 1));
}

uintptr_t arch_frame_pointer(void)
{
	return 0; /* host stacks are not walked */
}

int arch_stack_walk(uintptr_t fp, uintptr_t *pcs, int max)
{
	(void)fp;
	(void)pcs;
	(void)max;
	return 0; /* no safe way to bound host stacks; tests do not need it */
}

void arch_print_cpu_state(void)
{
	static const char msg[] = "(host: no CPU state)\n";

	arch_console_write(msg, sizeof(msg) - 1);
}

const char *arch_cpu_name(void)
{
	return "host";
}
