/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * start.c - where C begins on x86_64 (x86_64_start, called by boot.S on the
 * guarded boot stack), and the boot hooks of arch.h that kmain calls to do
 * the x86-specific part of each boot stage.
 */
#include "arch.h"
#include "bootinfo.h"
#include "cpu.h"
#include "errno.h"
#include "extable.h"
#include "klog.h"
#include "serial.h"
#include "smp.h"
#include "x86.h"

void kmain(void);
__noreturn void x86_64_start(void);

__noreturn void x86_64_start(void)
{
	kmain();
	arch_halt();
}

void arch_early_init(void)
{
	mm_direct_map_offset = DIRECT_MAP_BASE; /* boot.S mapped the low 4 GiB there */
	/* GS base -> cpus[0]: this_cpu() works from here on. */
	x86_percpu_init_boot();
	serial_init();
	extable_init(); /* sorts the table in place: before rodata turns read-only */
	gdt_init();
	idt_init();
	cpu_detect();
	tsc_calibrate();
}

/* Loader memory is read through the direct map; refuse what it does not cover. */
static const void *read_phys(void *ctx, paddr_t phys, u64 len)
{
	(void)ctx;
	if (phys + len < phys || phys + len > direct_map_limit)
		return NULL;
	return phys_to_virt(phys);
}

int arch_boot_info(struct boot_info *bi, const char **why)
{
	int err;

	if (boot_magic == MULTIBOOT1_BOOTLOADER_MAGIC) {
		err = mb1_parse(bi, boot_info_phys, read_phys, NULL);
	} else if (boot_magic == MULTIBOOT2_BOOTLOADER_MAGIC) {
		err = mb2_parse(bi, boot_info_phys, read_phys, NULL);
	} else {
		*why = "not started by a Multiboot loader";
		return -EINVAL;
	}
	if (err) {
		*why = "the bootloader's information structure is malformed";
		return err;
	}
	/* The information block itself stays in use until parsing is done: nothing to keep. */
	x86_smp_reserve_trampoline(bi);
	return 0;
}

void arch_kernel_range(paddr_t *start, paddr_t *end)
{
	*start = (paddr_t)(uintptr_t)_image_start_phys;
	*end = kernel_virt_to_phys(_kernel_end);
}

/*
 * kmemleak scans .data and .bss for pointers (minus the unmapped stack guard
 * pages, which sit inside .bss). Kernel thread stacks are not roots yet.
 */
static void register_leak_roots(void)
{
	struct kstack_info st[8];
	int n = x86_kernel_stacks(st, 8);
	uintptr_t from = (uintptr_t)_bss_start;

	kmemleak_add_root((uintptr_t)_data_start, (uintptr_t)_bss_start);
	/* The stacks are laid out in address order, each right above its guard. */
	for (int i = 0; i < n; i++) {
		if (st[i].guard > from)
			kmemleak_add_root(from, st[i].guard);
		kmemleak_add_root(st[i].bottom, st[i].top);
		from = st[i].top;
	}
	kmemleak_add_root(from, (uintptr_t)_bss_end);
}

int arch_hw_init(const struct boot_info *bi, const char **why)
{
	int err;

	tsc_report();
	pr_info("cpu: %s; features:%s%s%s%s%s%s", arch_cpu_name(), x86_cpu.nx ? " nx" : "",
		x86_cpu.pge ? " pge" : "", x86_cpu.pdpe1gb ? " 1g-pages" : "",
		x86_cpu.smep ? " smep" : "", x86_cpu.smap ? " smap" : "",
		x86_cpu.xsave ? " xsave" : "");
	err = paging_init(bi, why);
	if (err)
		return err;
	cpu_enable_protections();
	x86_fpu_init();
	x86_syscall_init_cpu();
	register_leak_roots();
	if (read_cr0() & CR0_WP)
		pr_debug("cpu: CR0.WP on: kernel writes honour read-only pages");
	return 0;
}

u32 arch_smp_init(const struct boot_info *bi)
{
	if (x86_smp_init(bi))
		pr_warn("smp: could not start the other CPUs; running on one");
	x86_power_init(bi);
	if (serial_rx_init())
		pr_warn("serial: no receive interrupt for COM1: console input is ignored");
	return nr_cpus;
}
