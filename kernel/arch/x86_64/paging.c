/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * paging.c - the kernel's final page tables, built once at boot (stage 2) to
 * replace boot.S's early 2 MiB identity tables:
 *
 *   - the kernel image at KERNEL_VMA + phys with 4 KiB pages and exact
 *     permissions: text read+execute, rodata (and the symbol table) read-only
 *     and no-execute, data/bss read+write and no-execute; global pages;
 *   - the guard page under every kernel stack left unmapped;
 *   - later, the built-in initramfs's pages unmapped once it is unpacked
 *     (arch_kernel_image_release), when they go back to the page allocator;
 *   - all physical memory (at least the low 4 GiB, for MMIO) at
 *     DIRECT_MAP_BASE + phys, read+write, no-execute, with 1 GiB pages when
 *     the CPU has them and 2 MiB pages otherwise;
 *   - nothing at low addresses: the identity map is gone, so NULL and other
 *     small pointers fault.
 *
 * Page-table pages come from a static pool in .bss until the page allocator
 * exists (Memory manager issue), which bounds the direct map: memory beyond
 * what the pool can map is reported and left unmapped.
 */
#include "arch.h"
#include "bootinfo.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "sync.h"
#include "vm.h"
#include "x86.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define POOL_PAGES 40
#define DIRECT_MAP_MAX GiB(512) /* one PML4 slot */

static u64 pt_pool[POOL_PAGES][512] __section(".bss.pagetables") __aligned(4096);
static int pool_used;
static u64 nx_bit;
u64 direct_map_limit = GiB(4); /* boot.S's early tables */
paddr_t kernel_root_phys;

/* Tables come from the static pool at boot and from the page allocator once it runs. */
static u64 *table_alloc(void)
{
	if (mm_memmap) {
		u64 *t = page_alloc_addr(0, PAF_ZERO);

		if (t) {
			virt_to_page(t)->flags |= PG_PAGETABLE;
			mm_pagetable_pages++;
		}
		return t;
	}
	if (pool_used == POOL_PAGES)
		return NULL;
	/* Through the direct map like every other table, so virt_to_phys() applies. */
	return phys_to_virt(kernel_virt_to_phys(pt_pool[pool_used++]));
}

/* The entry for va at level (3 = PML4 ... 0 = PT) of the table chain, creating tables. */
static u64 *walk(u64 *pml4, u64 va, int level)
{
	u64 *t = pml4;

	for (int l = 3; l > level; l--) {
		unsigned int idx = (va >> (12 + 9 * l)) & 511;

		if (!(t[idx] & PTE_P)) {
			u64 *n = table_alloc();

			if (!n)
				return NULL;
			t[idx] = virt_to_phys(n) | PTE_P | PTE_W;
		}
		t = phys_to_virt(t[idx] & PTE_ADDR);
	}
	return &t[(va >> (12 + 9 * level)) & 511];
}

static u64 *kernel_pml4;

static int map_range(u64 *pml4, uintptr_t start, uintptr_t end, u64 flags)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = walk(pml4, va, 0);

		if (!pte)
			return -ENOMEM;
		*pte = (va - KERNEL_VMA) | flags;
	}
	return 0;
}

static int map_kernel(u64 *pml4)
{
	struct kstack_info st[8];
	int n = x86_kernel_stacks(st, 8), err;
	uintptr_t p = (uintptr_t)_data_start;

	err = map_range(pml4, (uintptr_t)_text_start, (uintptr_t)_text_end, PTE_P | PTE_G);
	if (!err)
		err = map_range(pml4, (uintptr_t)_rodata_start, (uintptr_t)_rodata_end,
				PTE_P | PTE_G | nx_bit);
	/* data and bss, skipping every stack's guard page */
	while (!err && p < (uintptr_t)_kernel_end) {
		bool guard = false;

		for (int i = 0; i < n; i++)
			guard |= p >= st[i].guard && p < st[i].bottom;
		if (!guard)
			err = map_range(pml4, p, p + PAGE_SIZE, PTE_P | PTE_W | PTE_G | nx_bit);
		p += PAGE_SIZE;
	}
	return err;
}

static u64 map_direct(u64 *pml4, u64 limit)
{
	u64 step = x86_cpu.pdpe1gb ? GiB(1) : MiB(2);
	int level = x86_cpu.pdpe1gb ? 2 : 1;
	u64 pa;

	for (pa = 0; pa < limit; pa += step) {
		u64 *e = walk(pml4, DIRECT_MAP_BASE + pa, level);

		if (!e)
			break;
		*e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx_bit;
	}
	return pa;
}

int paging_init(const struct boot_info *bi, const char **why)
{
	u64 want = MAX(GiB(4), ALIGN_UP(bootinfo_max_usable_addr(bi), GiB(1)));
	u64 *pml4 = table_alloc();

	nx_bit = x86_cpu.nx ? PTE_NX : 0;
	/* The stack area's PML4 slot exists from the start, so every address space shares it. */
	if (!pml4 || map_kernel(pml4) || !walk(pml4, KSTACK_AREA_BASE, 2)) {
		*why = "out of boot page-table pages while mapping the kernel image";
		return -ENOMEM;
	}
	if (want > DIRECT_MAP_MAX)
		want = DIRECT_MAP_MAX;
	direct_map_limit = map_direct(pml4, want);
	if (direct_map_limit < GiB(4)) {
		*why = "out of boot page-table pages for the direct map";
		return -ENOMEM;
	}
	kernel_pml4 = pml4;
	kernel_root_phys = virt_to_phys(pml4);
	write_cr3(kernel_root_phys);
	if (x86_cpu.pge)
		write_cr4(read_cr4() | CR4_PGE);
	if (direct_map_limit < want)
		pr_warn("paging: direct map covers %llu GiB of %llu GiB; the rest is unused for "
			"now",
			(unsigned long long)(direct_map_limit >> 30),
			(unsigned long long)(want >> 30));
	pr_info("paging: kernel W^X (%s), %d page-table pages, direct map %llu GiB in %s pages",
		nx_bit ? "NX on" : "no NX on this CPU", pool_used,
		(unsigned long long)(direct_map_limit >> 30), x86_cpu.pdpe1gb ? "1 GiB" : "2 MiB");
	return 0;
}

/* Serializes changes to the kernel's own tables after boot (arch_kmap/kunmap). */
static struct spinlock kmap_lock = SPINLOCK_INIT("kernel page tables", LOCK_RANK_MM - 5);

int arch_kmap(vaddr_t va, paddr_t pa, u32 prot)
{
	unsigned long irq;
	u64 *pte;

	if (va < KSTACK_AREA_BASE || va >= KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
		return -EINVAL;
	irq = spin_lock_irqsave(&kmap_lock);
	pte = walk(kernel_pml4, va, 0);
	if (pte)
		*pte = arch_pte_leaf(pa, prot) | PTE_G;
	spin_unlock_irqrestore(&kmap_lock, irq);
	return pte ? 0 : -ENOMEM;
}

paddr_t arch_kunmap(vaddr_t va)
{
	unsigned long irq;
	u64 *pte;
	paddr_t pa;

	if (va < KSTACK_AREA_BASE || va >= KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
		return 0;
	irq = spin_lock_irqsave(&kmap_lock);
	pte = walk(kernel_pml4, va, 0);
	pa = pte && (*pte & PTE_P) ? *pte & PTE_ADDR : 0;
	if (pa)
		*pte = 0;
	spin_unlock_irqrestore(&kmap_lock, irq);
	if (pa)
		vm_tlb_flush(NULL, va, PAGE_SIZE); /* every CPU, before the page is reused */
	return pa;
}

paddr_t arch_kernel_image_release(const void *start, const void *end)
{
	uintptr_t s = (uintptr_t)start, e = (uintptr_t)end;
	unsigned long irq;

	if (s >= e || !IS_ALIGNED(s, PAGE_SIZE) || !IS_ALIGNED(e, PAGE_SIZE) ||
	    s < (uintptr_t)_rodata_start || e > (uintptr_t)_rodata_end)
		return 0;
	irq = spin_lock_irqsave(&kmap_lock);
	for (uintptr_t va = s; va < e; va += PAGE_SIZE) {
		u64 *pte = walk(kernel_pml4, va, 0); /* mapped at boot: allocates nothing */

		if (pte)
			*pte = 0;
	}
	spin_unlock_irqrestore(&kmap_lock, irq);
	vm_tlb_flush(NULL, s, e - s); /* global entries, every CPU, before the frames are reused */
	return kernel_virt_to_phys(start);
}

vaddr_t arch_kstack_area(size_t *size)
{
	*size = KSTACK_AREA_SIZE;
	return KSTACK_AREA_BASE;
}
