/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * power.c - turning the machine off and resetting it (arch.h:
 * arch_power_off, arch_restart).
 *
 * Power off is ACPI's S5 (soft off). At boot (x86_power_init, stage 3) the
 * FADT's PM1 control registers and the DSDT's \_S5 sleep types are read once
 * through genarch/acpi and kept here, so shutting down reads no firmware
 * table. arch_power_off() then brings the machine into ACPI mode if it is
 * not (the FADT's SMI_CMD / ACPI_ENABLE hand-off, at most a second), writes
 * SLP_TYPa to PM1a_CNT (SLP_TYPb to PM1b_CNT if there is one), then the same
 * with SLP_EN, and gives the machine two seconds to go off. Only PM1
 * registers in I/O space are used (memory-mapped ones are refused at boot).
 *
 * Restart tries three ways in turn, logging each: the reset control
 * register at port 0xCF9 (PIIX/ICH chipsets and QEMU: SYS_RST, then RST_CPU
 * from 0 to 1 for a hard reset), the 8042 keyboard controller's command
 * 0xFE (pulse the CPU reset line), and a triple fault (an IDT of limit 0,
 * then an interrupt: the CPU cannot deliver the fault, nor the double fault,
 * and resets). "reboot=kbd" or "reboot=triple" on the command line starts
 * further down the list ("reboot=pci" is the default), as Linux's reboot=
 * does; the tests use it to take every path.
 *
 * Both run with interrupts off and the other CPUs stopped (their caller,
 * kernel/linux/reboot.c, sees to that).
 */
#include "acpi.h"
#include "arch.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "x86.h"

#define RESET_CONTROL_PORT 0xcf9
#define RCR_SYS_RST 0x02 /* with RST_CPU: a hard (system) reset, not only the CPU's */
#define RCR_RST_CPU 0x04 /* going from 0 to 1 starts the reset */
#define KBC_STATUS_PORT 0x64
#define KBC_COMMAND_PORT 0x64
#define KBC_STATUS_IBF 0x02 /* input buffer full: the controller has not taken the last byte */
#define KBC_PULSE_RESET 0xfe

#define RESET_WAIT_NS 100000000ull	/* 100 ms for a reset to happen */
#define KBC_READY_NS 100000000ull	/* 100 ms for the 8042 to take a command */
#define ACPI_MODE_WAIT_NS 1000000000ull /* firmware entering ACPI mode */
#define S5_WAIT_NS 2000000000ull	/* the machine going off */

enum reset_method { RESET_PCI, RESET_KBD, RESET_TRIPLE };

static enum reset_method first_reset = RESET_PCI;
static struct acpi_s5_info s5;
static int s5_err = -ENODEV;
static const char *s5_why = "ACPI tables not read yet";

static int set_reboot(const char *val)
{
	if (strcmp(val, "pci") == 0)
		first_reset = RESET_PCI;
	else if (strcmp(val, "kbd") == 0)
		first_reset = RESET_KBD;
	else if (strcmp(val, "triple") == 0)
		first_reset = RESET_TRIPLE;
	else
		return -EINVAL;
	return 0;
}
/* reboot=pci|kbd|triple: the first way arch_restart() tries (the later ones follow). */
CMDLINE_PARAM("reboot", set_reboot, CMDLINE_VALUE);

static inline void outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Busy-wait (interrupts are off on the way down; the TSC clock still runs). */
static void delay_ns(u64 ns)
{
	u64 end = arch_clock_ns() + ns;

	while (arch_clock_ns() < end)
		__asm__ volatile("pause");
}

/* ACPI tables are read through the direct map. */
static const void *read_phys(void *ctx, paddr_t phys, u64 len)
{
	(void)ctx;
	if (phys + len < phys || phys + len > direct_map_limit)
		return NULL;
	return phys_to_virt(phys);
}

void x86_power_init(const struct boot_info *bi)
{
	const struct acpi_fadt_info *f = &s5.fadt;
	char pm1b[32] = "";

	s5_err = acpi_s5_load(bi, read_phys, NULL, &s5, &s5_why);
	if (!s5_err && (f->pm1a_cnt.space != ACPI_GAS_IO ||
			(f->pm1b_cnt.addr && f->pm1b_cnt.space != ACPI_GAS_IO))) {
		s5_err = -ENODEV;
		s5_why = "the PM1 control registers are memory-mapped, not I/O ports";
	}
	if (s5_err) {
		pr_warn("acpi: no power-off: %s", s5_why);
		return;
	}
	if (f->pm1b_cnt.addr)
		snprintf(pm1b, sizeof(pm1b), " and PM1b_CNT %#llx",
			 (unsigned long long)f->pm1b_cnt.addr);
	pr_info("acpi: power-off through PM1a_CNT %#llx%s, \\_S5 sleep type %u/%u "
		"(FADT at %#llx, DSDT at %#llx)",
		(unsigned long long)f->pm1a_cnt.addr, pm1b, s5.slp_typa, s5.slp_typb,
		(unsigned long long)s5.fadt_phys, (unsigned long long)s5.dsdt_phys);
}

/* ---- power off ---- */

static u16 pm1_read(const struct acpi_gas *g)
{
	return inw((u16)g->addr);
}

static void pm1_write(const struct acpi_gas *g, u16 v)
{
	outw((u16)g->addr, v);
}

/* SCI_EN set, asking the firmware through SMI_CMD if need be. Tries S5 anyway if it will not. */
static void acpi_mode_enter(void)
{
	const struct acpi_fadt_info *f = &s5.fadt;
	u64 end;

	if (pm1_read(&f->pm1a_cnt) & ACPI_PM1_SCI_EN)
		return;
	if (!f->smi_cmd || !f->acpi_enable) {
		pr_warn("acpi: not in ACPI mode and no way to ask for it; trying S5 anyway");
		return;
	}
	pr_debug("acpi: entering ACPI mode (%#x to port %#x)", f->acpi_enable, f->smi_cmd);
	outb(f->smi_cmd, f->acpi_enable);
	end = arch_clock_ns() + ACPI_MODE_WAIT_NS;
	while (!(pm1_read(&f->pm1a_cnt) & ACPI_PM1_SCI_EN)) {
		if (arch_clock_ns() > end) {
			pr_warn("acpi: the firmware did not enter ACPI mode; trying S5 anyway");
			return;
		}
		__asm__ volatile("pause");
	}
}

int arch_power_off(void)
{
	const struct acpi_fadt_info *f = &s5.fadt;
	bool has_b = f->pm1b_cnt.addr != 0;
	u16 a, b = 0;

	if (s5_err) {
		pr_err("acpi: cannot power off: %s", s5_why);
		return -ENODEV;
	}
	acpi_mode_enter();
	serial_drain(); /* the UART's FIFO is lost when the machine goes off */
	a = pm1_read(&f->pm1a_cnt);
	if (has_b)
		b = pm1_read(&f->pm1b_cnt);
	/* The sleep type first, then the same with SLP_EN, which acts on it. */
	pm1_write(&f->pm1a_cnt, acpi_pm1_sleep_value(a, s5.slp_typa, false));
	if (has_b)
		pm1_write(&f->pm1b_cnt, acpi_pm1_sleep_value(b, s5.slp_typb, false));
	pm1_write(&f->pm1a_cnt, acpi_pm1_sleep_value(a, s5.slp_typa, true));
	if (has_b)
		pm1_write(&f->pm1b_cnt, acpi_pm1_sleep_value(b, s5.slp_typb, true));
	delay_ns(S5_WAIT_NS);
	pr_err("acpi: the machine is still on %llu s after entering S5",
	       (unsigned long long)(S5_WAIT_NS / 1000000000ull));
	return -EIO;
}

/* ---- restart ---- */

static void reset_pci(void)
{
	outb(RESET_CONTROL_PORT, RCR_SYS_RST);
	delay_ns(10000);
	outb(RESET_CONTROL_PORT, RCR_SYS_RST | RCR_RST_CPU);
}

static void reset_kbd(void)
{
	u64 end = arch_clock_ns() + KBC_READY_NS;

	/* No controller reads 0xff and never gets ready: give up waiting after 100 ms, send anyway.
	 */
	while ((inb(KBC_STATUS_PORT) & KBC_STATUS_IBF) && arch_clock_ns() < end)
		__asm__ volatile("pause");
	outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
}

static __noreturn void reset_triple(void)
{
	static const struct {
		u16 limit;
		u64 base;
	} __packed no_idt;

	__asm__ volatile("lidt %0; int3" : : "m"(no_idt) : "memory");
	arch_halt(); /* not reached: the CPU has reset */
}

void arch_restart(void)
{
	if (first_reset <= RESET_PCI) {
		pr_info("reboot: resetting through the reset control register (port %#x)",
			RESET_CONTROL_PORT);
		serial_drain();
		reset_pci();
		delay_ns(RESET_WAIT_NS);
	}
	if (first_reset <= RESET_KBD) {
		pr_info("reboot: resetting through the keyboard controller");
		serial_drain();
		reset_kbd();
		delay_ns(RESET_WAIT_NS);
	}
	pr_info("reboot: resetting through a triple fault");
	serial_drain();
	reset_triple();
}
