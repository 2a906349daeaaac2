/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mm_bench.c - memory-manager micro-benchmarks (bench=mm): allocator pairs
 * and page-fault service, in guest instructions per operation when QEMU
 * runs with -icount shift=0 (cycles otherwise). Each figure includes its
 * loop's own few instructions. Plus the kernel's memory footprint (KiB).
 */
#include "arch.h"
#include "initramfs.h"
#include "kbench.h"
#include "mm.h"
#include "uaccess.h"
#include "vm.h"

#define N 4096
#define FAULT_PAGES 256
#define USER_AT 0x40000000ul

KBENCH(mm, kmalloc64_kfree)
{
	u64 t0;

	for (int i = 0; i < 64; i++) /* warm the cache's current slab */
		kfree(kmalloc(64));
	t0 = kbench_cycles();
	for (int i = 0; i < N; i++) {
		void *p = kmalloc(64);

		kfree(p);
	}
	kbench_report("kmalloc64_kfree", (kbench_cycles() - t0) / N, "insns");
}

KBENCH(mm, page_alloc_free)
{
	u64 t0;

	page_free(page_alloc(0, 0)); /* warm the single-page cache */
	t0 = kbench_cycles();
	for (int i = 0; i < N; i++) {
		struct page *p = page_alloc(0, 0);

		page_free(p);
	}
	kbench_report("page_alloc_free", (kbench_cycles() - t0) / N, "insns");
}

/* Cycles to write one byte into each of FAULT_PAGES user pages. */
static u64 touch_pages(void)
{
	u64 t0 = kbench_cycles();
	char c = 1;

	for (int i = 0; i < FAULT_PAGES; i++)
		if (copy_to_user((void *)(USER_AT + (uintptr_t)i * PAGE_SIZE), &c, 1))
			return 0;
	return kbench_cycles() - t0;
}

KBENCH(mm, page_faults)
{
	struct vm_space *old = vm_current(), *vs = vm_space_create(), *child;
	u64 first, again, cow;

	if (!vs || vm_map_anon(vs, USER_AT, FAULT_PAGES * PAGE_SIZE, VM_READ | VM_WRITE))
		return;
	vm_space_activate(vs);
	first = touch_pages(); /* every write faults: demand-zero */
	again = touch_pages(); /* no faults: the cost of the copies alone */
	child = vm_space_clone(vs);
	if (child) {
		vm_space_activate(child);
		cow = touch_pages(); /* every write faults: copy-on-write */
		kbench_report("cow_fault", (cow - again) / FAULT_PAGES, "insns");
		vm_space_activate(vs);
		vm_space_destroy(child);
	}
	kbench_report("demand_zero_fault", (first - again) / FAULT_PAGES, "insns");
	vm_space_activate(old);
	vm_space_destroy(vs);
}

/*
 * Kernel memory in use after boot: the image (bss included) without the
 * built-in initramfs, whose pages go back to the page allocator once it is
 * unpacked in stage 4 (these benchmarks run in stage 3, before that), and
 * what the allocators hold. kernel_image_kib is the whole loaded image,
 * archive included; initramfs_kib is the archive's share of it.
 */
KBENCH(mm, footprint)
{
	u64 initramfs = ALIGN_UP((u64)(__initramfs_end - __initramfs_start), (u64)PAGE_SIZE) / 1024;
	struct mm_stats s;
	paddr_t start, end;
	u64 kib;

	arch_kernel_range(&start, &end);
	mm_stats_get(&s);
	kib = (end - start) / 1024 - initramfs +
	      (s.memmap_pages + s.pagetable_pages + s.slab_pages + s.large_pages) * 4;
	kbench_report("kernel_image_kib", (end - start) / 1024, "KiB");
	kbench_report("initramfs_kib", initramfs, "KiB");
	kbench_report("kernel_mem_used_kib", kib, "KiB");
}
