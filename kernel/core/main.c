/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - kmain(), the generic boot sequence. It follows the five stages of
 * the design (seed section 5) and prints one line per stage with the time
 * since the first kernel instruction:
 *
 *   1 bootloader handoff  boot information and memory map, command line
 *   2 hardware init       CPU features, final page tables (arch_hw_init)
 *   3 kernel activation   core services; requested ktests run here
 *   4 user space          VFS and devices, initramfs unpacked (built-in
 *                         archive, then any -initrd modules over it) and
 *                         its memory given back, the Linux personality,
 *                         /sbin/init started as pid 1
 *   5 shell               the console is first read by a user program: the
 *                         shell's prompt is up (boot_console_reader())
 *
 * A stage that cannot complete prints what is wrong and halts: no triple
 * fault, no silent reboot.
 */
#include "../linux/linux.h"
#include "arch.h"
#include "boot.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "cpio.h"
#include "cpu.h"
#include "initramfs.h"
#include "kbench.h"
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "proc.h"
#include "procfs.h"
#include "random.h"
#include "sched.h"
#include "tty.h"
#include "version.h"
#include "vfs.h"

#define NR_STAGES 5
#define MIN_RAM MiB(32)

static struct boot_info boot_info;

static const char *const stage_names[NR_STAGES + 1] = {
	NULL, "bootloader handoff", "hardware init", "kernel activation", "user space", "shell",
};

static void stage_line(int n, const char *result)
{
	u64 ns = arch_clock_ns();

	pr_info("[boot] stage %d/%d %s ... %s (%llu.%llu ms)", n, NR_STAGES, stage_names[n], result,
		(unsigned long long)(ns / 1000000), (unsigned long long)(ns / 100000 % 10));
}

static __noreturn __printf(2, 3) void stage_fail(int n, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	stage_line(n, "FAILED");
	pr_err("[boot] %s", why);
	pr_err("[boot] Matrioska OS cannot continue; halting.");
	panic_begin();
	panic_end();
}

static const char *protocol_name(u32 p)
{
	switch (p) {
	case BOOT_PROTO_MULTIBOOT1:
		return "Multiboot 1";
	case BOOT_PROTO_MULTIBOOT2:
		return "Multiboot 2";
	default:
		return "unknown";
	}
}

static void log_memory_map(const struct boot_info *bi)
{
	for (u32 i = 0; i < bi->nr_regions; i++) {
		const struct mem_region *r = &bi->regions[i];

		pr_debug("[boot]   %016llx-%016llx %s", (unsigned long long)r->base,
			 (unsigned long long)(r->base + r->len - 1), bootinfo_type_name(r->type));
	}
}

/*
 * Multiboot loaders (QEMU, GRUB) put the kernel image's path in front of the
 * arguments; a first word with a '/' and no '=' is that path, not a parameter.
 */
static const char *skip_image_path(const char *cmdline)
{
	const char *p = cmdline, *word;
	bool slash = false, eq = false;

	while (*p == ' ')
		p++;
	for (word = p; *p && *p != ' '; p++) {
		slash |= *p == '/';
		eq |= *p == '=';
	}
	return slash && !eq ? p : word;
}

static void stage1_handoff(void)
{
	const char *why = NULL;
	paddr_t kstart, kend;
	u64 usable;

	if (arch_boot_info(&boot_info, &why))
		stage_fail(1, "%s", why);
	cmdline_parse_boot(skip_image_path(boot_info.cmdline));
	arch_kernel_range(&kstart, &kend);
	if (bootinfo_finalize(&boot_info, kstart, kend))
		stage_fail(1, "the memory map has more than %d regions", BOOT_MAX_REGIONS);
	usable = bootinfo_usable_bytes(&boot_info);
	pr_info("[boot] %s %s %s, loader '%s', command line '%s'%s", KERNEL_NAME, KERNEL_VERSION,
		"x86_64", boot_info.loader_name[0] ? boot_info.loader_name : "?", boot_info.cmdline,
		boot_info.cmdline_truncated ? " (truncated)" : "");
	pr_info("[boot] %s: %llu MiB usable RAM in %u map entries, kernel image %llu KiB at %#llx",
		protocol_name(boot_info.protocol), (unsigned long long)(usable >> 20),
		boot_info.nr_regions, (unsigned long long)((kend - kstart) >> 10),
		(unsigned long long)kstart);
	if (boot_info.regions_truncated)
		pr_warn("[boot] memory map truncated to %d entries", BOOT_MAX_REGIONS);
	log_memory_map(&boot_info);
	if (usable < MIN_RAM)
		stage_fail(
			1,
			"not enough memory: %llu MiB usable, Matrioska OS needs at least %llu MiB "
			"(give QEMU -m 32 or more)",
			(unsigned long long)(usable >> 20), (unsigned long long)(MIN_RAM >> 20));
	stage_line(1, "ok");
}

static const char *const init_argv[] = {"/sbin/init", NULL};
static const char *const init_envp[] = {"HOME=/", "TERM=vt100",
					"PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL};
static bool stage5_done;

/* The first read of the console by a user program: the shell is waiting for input. */
void boot_console_reader(void)
{
	if (__atomic_exchange_n(&stage5_done, true, __ATOMIC_ACQ_REL))
		return;
	stage_line(5, "ok");
}

/*
 * The archives now live in tmpfs: give their memory back to the page
 * allocator. The built-in archive's pages first leave the kernel image's
 * mapping (arch_kernel_image_release), so nothing can read
 * __initramfs_start.. any more; boot modules are the MEM_MODULE regions of
 * the final memory map (merged, so a page is never freed twice), freed in
 * whole pages wherever the memmap covers them. Their stale copies in
 * boot_info.modules are forgotten. One line says how much came back.
 */
static void release_initramfs(void)
{
	size_t len = ALIGN_UP((size_t)(__initramfs_end - __initramfs_start), (size_t)PAGE_SIZE);
	u64 builtin = 0, modules = 0;

	if (len) {
		paddr_t pa = arch_kernel_image_release(__initramfs_start, __initramfs_start + len);

		if (pa) {
			builtin = len / PAGE_SIZE;
			pmm_add_free(pa >> PAGE_SHIFT, builtin);
		}
	}
	for (u32 i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		u64 s = ALIGN_UP(r->base, (u64)PAGE_SIZE) >> PAGE_SHIFT;
		u64 e = ALIGN_DOWN(r->base + r->len, (u64)PAGE_SIZE) >> PAGE_SHIFT;

		if (r->type != MEM_MODULE)
			continue;
		s = MAX(s, MAX(mm_base_pfn, (u64)1)); /* frame 0 stays reserved, as in pmm_init */
		e = MIN(e, mm_base_pfn + mm_nr_pages);
		if (s < e) {
			pmm_add_free(s, e - s);
			modules += e - s;
		}
	}
	boot_info.nr_modules = 0;
	pr_info("initramfs: %llu KiB given back to the page allocator (built-in archive %llu KiB, "
		"boot modules %llu KiB)",
		(unsigned long long)(builtin + modules) * (PAGE_SIZE / 1024),
		(unsigned long long)builtin * (PAGE_SIZE / 1024),
		(unsigned long long)modules * (PAGE_SIZE / 1024));
}

static void stage4_user_space(void)
{
	size_t len = (size_t)(__initramfs_end - __initramfs_start);
	int pid, err;

	vfs_init();
	if (procfs_register() || kmsg_register())
		pr_warn("[boot] /proc or /dev/kmsg could not be registered");
	if (kmemleak_dev_register())
		pr_warn("[boot] /dev/kmemleak could not be registered");
	console_tty_init();
	err = tty_register_devices();
	if (err)
		stage_fail(4, "cannot register the console devices (error %d)", err);
	if (len)
		initramfs_unpack(__initramfs_start, len, "built-in initramfs");
	for (u32 i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		initramfs_unpack(phys_to_virt(m->start), (size_t)(m->end - m->start),
				 "boot module (-initrd)");
	}
	release_initramfs();
	linux_init();
	pid = proc_start_init(init_argv[0], init_argv, init_envp);
	if (pid < 0)
		stage_fail(4, "cannot start %s (error %d)", init_argv[0], pid);
	stage_line(4, "ok");
}

void kmain(void);
void kmain(void)
{
	const char *why = NULL;
	u32 online;

	arch_early_init();
	stage1_handoff();

	if (arch_hw_init(&boot_info, &why))
		stage_fail(2, "%s", why);
	if (pmm_init(&boot_info))
		stage_fail(2, "no room for the page allocator's memory map");
	random_init();
	mm_stats_log();
	stage_line(2, "ok");

	sched_init();
	online = arch_smp_init(&boot_info);
	pr_info("[sched] %u CPU%s online", online, online == 1 ? "" : "s");
	stage_line(3, "ok");
	ktest_boot();
	kbench_boot();

	stage4_user_space();
	thread_exit(0); /* the CPU goes to its idle thread; init runs on */
}
