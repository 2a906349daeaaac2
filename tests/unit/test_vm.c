/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_vm.c - host tests of address spaces (kernel/mm/vm.c), compiled
 * unchanged over the real page allocator on fake RAM (filled with 0xa5, so
 * a page that should be zero but is not shows up) and the host software MMU
 * (kernel/arch/host/mmu_host.c), whose TLB keeps translations until vm.c
 * flushes them. User accesses go through host_user_read/write, which fault
 * into vm_handle_fault like the real CPU and kernel do.
 *
 * After every step the structural invariants of each space are checked by
 * walking its tables; a long random run compares everything with a simple
 * model of the address space and checks page refcounts and that no page
 * leaks. kmalloc is a malloc shim here (counted, with failure injection), so
 * ASan catches region leaks and use-after-free.
 */
#include <stdlib.h>

#include "arch_host.h"
#include "errno.h"
#include "fake_ram.h"
#include "unit.h"
#include "vm.h"

#define NPAGES 2048 /* 8 MiB of fake RAM */
#define P ((size_t)PAGE_SIZE)
#define UB 0x400000ul
#define R VM_READ
#define RW (VM_READ | VM_WRITE)
#define RX (VM_READ | VM_EXEC)

/* ---- kmalloc shim ---- */

static long kmalloc_live;
static long kmalloc_fail_in = -1; /* fail the call when this reaches 0 */

void *kmalloc(size_t size)
{
	void *p;

	if (kmalloc_fail_in >= 0 && kmalloc_fail_in-- == 0)
		return NULL;
	p = malloc(size);
	if (p)
		kmalloc_live++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	if (p)
		kmalloc_live--;
	free((void *)p);
}

/* ---- space locks (kernel/mm/vm_lock.c) and the scheduler, faked ---- */

static int trylock_busy; /* vm_trylock fails this many more times */
static int yields;

bool vm_trylock(struct vm_space *vs, bool *taken)
{
	(void)vs;
	*taken = false;
	if (trylock_busy > 0) {
		trylock_busy--;
		return false;
	}
	*taken = true;
	return true;
}

void vm_unlock(struct vm_space *vs, bool taken)
{
	(void)vs;
	(void)taken;
}

void sched_yield(void)
{
	yields++;
}

/* ---- helpers ---- */

/* References the test holds as a page's owner (a fake file) outside any space. */
static u16 owner_refs[NPAGES];

static u64 free_pages(void)
{
	struct mm_stats s;

	mm_stats_get(&s);
	return s.free_pages;
}

static void setup(void)
{
	fake_ram_init(NPAGES);
	vm_space_activate(NULL);
	host_mmu_reset();
	host_console_clear();
	kmalloc_fail_in = -1;
	kmalloc_live = 0;
	memset(owner_refs, 0, sizeof(owner_refs));
}

static void teardown(void)
{
	vm_space_activate(NULL);
	CHECK_EQ(kmalloc_live, 0);
	CHECK_EQ(mm_pagetable_pages, 0);
	CHECK_EQ(free_pages(), NPAGES);
	CHECK(!strstr(host_console_text(), "pmm:"));
	CHECK(!strstr(host_console_text(), "vm:"));
	fake_ram_fini();
}

/* Hold every free page but keep; unhog() gives them back. */
static struct page *hogged[NPAGES];
static int nr_hogged;

static void hog(u64 keep)
{
	while (free_pages() > keep) {
		hogged[nr_hogged] = page_alloc(0, 0);
		if (!hogged[nr_hogged])
			break;
		nr_hogged++;
	}
}

static void unhog(void)
{
	while (nr_hogged)
		page_free(hogged[--nr_hogged]);
}

static u64 rd64(vaddr_t va, int *err)
{
	u64 v = 0;

	*err = host_user_read(va, &v, sizeof(v));
	return v;
}

static int wr64(vaddr_t va, u64 v)
{
	return host_user_write(va, &v, sizeof(v));
}

static paddr_t pa_of(struct vm_space *vs, vaddr_t va)
{
	return arch_pte_addr(vm_lookup_pte(vs, va));
}

static struct page *page_of(struct vm_space *vs, vaddr_t va)
{
	return phys_to_page(pa_of(vs, va));
}

static bool pte_has(struct vm_space *vs, vaddr_t va, u32 prot)
{
	return (arch_pte_prot(vm_lookup_pte(vs, va)) & prot) == prot;
}

static u64 flushes(void)
{
	struct host_mmu_stats s;

	host_mmu_get_stats(&s);
	return s.flush_page + s.flush_all * 1000000;
}

/* ---- invariant checks ---- */

static u16 pfn_refs[NPAGES]; /* leaves mapping each frame, over the spaces checked */

/* A "file page": allocated, filled with v at both ends, held by the test as its owner. */
static struct page *owner_page(u32 v)
{
	struct page *p = page_alloc(0, PAF_ZERO);

	if (!p)
		return NULL;
	memcpy(page_address(p), &v, 4);
	memcpy((u8 *)page_address(p) + P - 4, &v, 4);
	owner_refs[page_to_pfn(p) - mm_base_pfn]++;
	return p;
}

/* The owner lets go (a truncate or an evict): mappings keep their references. */
static void owner_put(struct page *p)
{
	owner_refs[page_to_pfn(p) - mm_base_pfn]--;
	page_put(p);
}

static u32 owner_val(struct page *p)
{
	u32 a, b;

	memcpy(&a, page_address(p), 4);
	memcpy(&b, (u8 *)page_address(p) + P - 4, 4);
	return a == b ? a : 0xdeadbeef;
}

static vaddr_t span_of(int level)
{
	return (vaddr_t)PAGE_SIZE << (9 * level);
}

static void check_leaf(struct vm_space *vs, vaddr_t va, pte_t e)
{
	struct vm_area *a = vm_find_area(vs, va);
	u32 pr = arch_pte_prot(e);
	bool cow = pr & PTE_PROT_COW;
	u64 pfn = arch_pte_addr(e) >> PAGE_SHIFT;

	CHECK(a);
	CHECK(pfn_valid(pfn));
	if (!a || !pfn_valid(pfn))
		return;
	pfn_refs[pfn - mm_base_pfn]++;
	CHECK_EQ(!!(pr & PTE_PROT_USER), a->prot != 0);
	CHECK_EQ(!!(pr & PTE_PROT_WRITE), !cow && (a->prot & VM_WRITE));
	CHECK_EQ(!!(pr & PTE_PROT_EXEC), !!(a->prot & VM_EXEC));
	CHECK(pfn_to_page(pfn)->refcount >= 1);
}

static void walk_tables(struct vm_space *vs, pte_t *table, int level, vaddr_t base, u64 *tables,
			u64 *leaves)
{
	unsigned int n = level == ARCH_PT_LEVELS - 1 ? ARCH_PT_ENTRIES / 2 : ARCH_PT_ENTRIES;

	for (unsigned int i = 0; i < n; i++) {
		pte_t e = table[i];
		vaddr_t va = base + i * span_of(level);
		struct page *child;
		u64 used = 0;

		if (!arch_pte_present(e))
			continue;
		if (level == 0) {
			(*leaves)++;
			check_leaf(vs, va, e);
			continue;
		}
		CHECK(!arch_pte_huge(e));
		child = phys_to_page(arch_pte_addr(e));
		CHECK(child->flags & PG_PAGETABLE);
		for (int j = 0; j < ARCH_PT_ENTRIES; j++)
			used += arch_pte_present(((pte_t *)page_address(child))[j]);
		CHECK(used > 0); /* empty tables are freed */
		CHECK_EQ(child->private, used);
		(*tables)++;
		walk_tables(vs, page_address(child), level - 1, va, tables, leaves);
	}
}

/* Regions, tables and counters of vs; adds its leaves to pfn_refs. */
static void check_space(struct vm_space *vs)
{
	const u64 *kroot = host_kernel_root_table();
	struct vm_area *prev = NULL;
	u64 areas = 0, tables = 1, leaves = 0;

	CHECK(rb_check(&vs->areas) >= 0);
	for (struct rb_node *n = rb_first(&vs->areas); n; n = rb_next(n)) {
		struct vm_area *a = rb_entry(n, struct vm_area, node);

		CHECK(a->start < a->end);
		CHECK(IS_ALIGNED(a->start, PAGE_SIZE) && IS_ALIGNED(a->end, PAGE_SIZE));
		CHECK(a->start >= arch_user_base() && a->end <= arch_user_top());
		CHECK(vm_find_area(vs, a->start) == a && vm_find_area(vs, a->end - 1) == a);
		if (prev) {
			CHECK(prev->end <= a->start);
			CHECK(prev->end < a->start || prev->prot != a->prot || prev->obj.ops ||
			      a->obj.ops); /* anonymous neighbours are merged */
		}
		prev = a;
		areas++;
	}
	CHECK_EQ(areas, vs->nr_areas);
	CHECK(virt_to_page(vs->root)->flags & PG_PAGETABLE);
	CHECK_EQ(virt_to_phys(vs->root), vs->root_phys);
	for (int i = ARCH_PT_ENTRIES / 2; i < ARCH_PT_ENTRIES; i++)
		CHECK_EQ(vs->root[i], kroot[i]);
	walk_tables(vs, vs->root, ARCH_PT_LEVELS - 1, 0, &tables, &leaves);
	CHECK_EQ(tables, vs->table_pages);
	CHECK_EQ(leaves, vs->resident_pages);
}

/*
 * Over a set of live spaces: every frame's refcount is the number of leaves
 * mapping it plus the test's owner references, and the free pages are all
 * the rest (nothing leaked).
 */
static void check_spaces(struct vm_space **spaces, int n)
{
	u64 used = mm_pagetable_pages, tables = 0;

	memset(pfn_refs, 0, sizeof(pfn_refs));
	for (int i = 0; i < n; i++) {
		if (!spaces[i])
			continue;
		check_space(spaces[i]);
		tables += spaces[i]->table_pages;
	}
	CHECK_EQ(tables, mm_pagetable_pages);
	for (u64 i = 0; i < mm_nr_pages; i++) {
		if (!pfn_refs[i] && !owner_refs[i])
			continue;
		used++;
		CHECK_EQ(mm_memmap[i].refcount, pfn_refs[i] + owner_refs[i]);
	}
	CHECK_EQ(free_pages() + nr_hogged, NPAGES - used);
}

static void check_one(struct vm_space *vs)
{
	check_spaces(&vs, 1);
}

/* ---- tests ---- */

UNIT_TEST(create_destroy_empty)
{
	struct vm_space *vs;

	setup();
	vs = vm_space_create();
	CHECK(vs);
	CHECK_EQ(vs->table_pages, 1);
	CHECK_EQ(vs->resident_pages, 0);
	CHECK_EQ(vs->nr_areas, 0);
	CHECK_EQ(mm_pagetable_pages, 1);
	CHECK_EQ(free_pages(), NPAGES - 1);
	for (int i = 0; i < ARCH_PT_ENTRIES / 2; i++)
		CHECK_EQ(vs->root[i], 0);
	check_one(vs);
	CHECK(vm_current() == NULL);
	vm_space_activate(vs);
	CHECK(vm_current() == vs);
	CHECK_EQ(arch_mmu_current(), vs->root_phys);
	vm_space_destroy(vs); /* destroying the active space switches to the kernel's */
	CHECK(vm_current() == NULL);
	CHECK_EQ(arch_mmu_current(), arch_mmu_kernel_root());
	vm_space_destroy(NULL);
	teardown();
}

UNIT_TEST(map_validates_arguments)
{
	struct vm_space *vs;
	vaddr_t top;

	setup();
	vs = vm_space_create();
	top = arch_user_top();
	CHECK_EQ(vm_map_anon(vs, UB + 1, P, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, UB, P + 1, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, UB, 0, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, 0, P, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, arch_user_base() - P, 2 * P, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, top, P, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, top - P, 2 * P, R), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, UB, (size_t)0 - P, R), -EINVAL); /* wraps */
	CHECK_EQ(vm_map_anon(vs, UB, P, PTE_PROT_USER), -EINVAL);
	CHECK_EQ(vm_map_anon(vs, UB, P, PTE_PROT_COW | R), -EINVAL);
	CHECK_EQ(vs->nr_areas, 0);

	CHECK_EQ(vm_map_anon(vs, UB, 4 * P, RW), 0);
	CHECK_EQ(vm_map_anon(vs, UB, 4 * P, RW), -EEXIST);
	CHECK_EQ(vm_map_anon(vs, UB - P, 2 * P, RW), -EEXIST);
	CHECK_EQ(vm_map_anon(vs, UB + 3 * P, 2 * P, RW), -EEXIST);
	CHECK_EQ(vm_map_anon(vs, UB - P, 6 * P, RW), -EEXIST);
	CHECK_EQ(vm_map_anon(vs, UB + P, P, R), -EEXIST);
	CHECK_EQ(vs->nr_areas, 1);

	CHECK_EQ(vm_map_anon(vs, UB + 4 * P, P, R), 0); /* adjacent, other prot: own region */
	CHECK_EQ(vs->nr_areas, 2);
	CHECK_EQ(vm_map_anon(vs, UB - 2 * P, 2 * P, RW), 0); /* adjacent, same prot: merged */
	CHECK_EQ(vs->nr_areas, 2);
	CHECK(vm_find_area(vs, UB - 2 * P) == vm_find_area(vs, UB + 3 * P));
	CHECK_EQ(vm_find_area(vs, UB)->end, UB + 4 * P);
	CHECK_EQ(vm_find_area(vs, UB + 4 * P)->prot, R);
	CHECK(vm_find_area(vs, UB - 2 * P - 1) == NULL);
	CHECK(vm_find_area(vs, UB + 5 * P) == NULL);
	CHECK_EQ(vm_map_anon(vs, arch_user_base(), P, R), 0);
	CHECK_EQ(vm_map_anon(vs, top - P, P, R), 0);
	CHECK_EQ(vs->nr_areas, 4);
	CHECK_EQ(vs->table_pages, 1); /* nothing is allocated before the first touch */

	kmalloc_fail_in = 0;
	CHECK_EQ(vm_map_anon(vs, UB + 100 * P, P, R), -ENOMEM);
	CHECK_EQ(vs->nr_areas, 4);
	check_one(vs);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(unmap_splits_and_frees)
{
	struct vm_space *vs;
	int err;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, 8 * P, RW), 0);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(wr64(UB + i * P, 100 + i), 0);
	CHECK_EQ(vs->resident_pages, 8);

	kmalloc_fail_in = 0; /* a middle cut needs one region: fails cleanly */
	CHECK_EQ(vm_unmap(vs, UB + 2 * P, 2 * P), -ENOMEM);
	CHECK_EQ(vs->nr_areas, 1);
	CHECK_EQ(vs->resident_pages, 8);

	CHECK_EQ(vm_unmap(vs, UB + 2 * P, 2 * P), 0);
	CHECK_EQ(vs->nr_areas, 2);
	CHECK_EQ(vs->resident_pages, 6);
	CHECK_EQ(vm_find_area(vs, UB)->end, UB + 2 * P);
	CHECK_EQ(vm_find_area(vs, UB + 4 * P)->start, UB + 4 * P);
	CHECK_EQ(rd64(UB + 2 * P, &err), 0);
	CHECK_EQ(err, -EFAULT);
	CHECK_EQ(rd64(UB + P, &err), 101);
	CHECK_EQ(rd64(UB + 4 * P, &err), 104);
	check_one(vs);

	CHECK_EQ(vm_unmap(vs, UB + P, 4 * P), 0); /* trims both and crosses the hole */
	CHECK_EQ(vs->nr_areas, 2);
	CHECK_EQ(vm_find_area(vs, UB)->end, UB + P);
	CHECK_EQ(vm_find_area(vs, UB + 5 * P)->start, UB + 5 * P);
	CHECK_EQ(vs->resident_pages, 4);
	CHECK_EQ(rd64(UB, &err), 100);
	CHECK_EQ(rd64(UB + 5 * P, &err), 105);
	CHECK_EQ(rd64(UB + 4 * P, &err), 0);
	CHECK_EQ(err, -EFAULT);

	CHECK_EQ(vm_unmap(vs, UB + 0x100000, P), 0); /* nothing there: fine */
	CHECK_EQ(vm_unmap(vs, UB + 1, P), -EINVAL);
	CHECK_EQ(vm_unmap(vs, UB, 0), -EINVAL);
	CHECK_EQ(vm_unmap(vs, arch_user_top(), P), -EINVAL);
	CHECK_EQ(vm_unmap(vs, UB, (size_t)0 - P), -EINVAL);
	check_one(vs);

	CHECK_EQ(vm_unmap(vs, UB - 16 * P, 64 * P), 0);
	CHECK_EQ(vs->nr_areas, 0);
	CHECK_EQ(vs->resident_pages, 0);
	CHECK_EQ(vs->table_pages, 1);
	CHECK_EQ(mm_pagetable_pages, 1);
	CHECK_EQ(free_pages(), NPAGES - 1);
	check_one(vs);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(protect_splits_and_updates_ptes)
{
	struct vm_space *vs;
	int err;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, 6 * P, RW), 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(wr64(UB + i * P, 200 + i), 0);

	CHECK_EQ(vm_protect(vs, UB + 2 * P, 2 * P, R), 0);
	CHECK_EQ(vs->nr_areas, 3);
	CHECK_EQ(wr64(UB + 2 * P, 1), -EACCES);
	CHECK_EQ(wr64(UB + 3 * P, 1), -EACCES);
	CHECK_EQ(rd64(UB + 2 * P, &err), 202);
	CHECK_EQ(wr64(UB + P, 301), 0);
	CHECK_EQ(wr64(UB + 4 * P, 304), 0);
	CHECK(!pte_has(vs, UB + 2 * P, PTE_PROT_WRITE));
	check_one(vs);

	CHECK_EQ(vm_protect(vs, UB, 6 * P, RW), 0); /* across three: merged back */
	CHECK_EQ(vs->nr_areas, 1);
	CHECK_EQ(wr64(UB + 2 * P, 302), 0);
	CHECK_EQ(rd64(UB + 2 * P, &err), 302);

	CHECK_EQ(vm_map_anon(vs, UB + 8 * P, P, RW), 0);
	CHECK_EQ(vm_protect(vs, UB, 9 * P, R), -ENOMEM); /* hole at 6..8 */
	CHECK_EQ(vm_protect(vs, UB + 6 * P, P, R), -ENOMEM);
	CHECK_EQ(vs->nr_areas, 2);
	CHECK_EQ(wr64(UB, 300), 0);
	CHECK_EQ(vm_protect(vs, UB + 1, P, R), -EINVAL);
	CHECK_EQ(vm_protect(vs, UB, 0, R), -EINVAL);
	CHECK_EQ(vm_protect(vs, UB, P, 0x40), -EINVAL);

	CHECK_EQ(vm_protect(vs, UB + P, P, 0), 0); /* no access at all */
	CHECK_EQ(rd64(UB + P, &err), 0);
	CHECK_EQ(err, -EACCES);
	CHECK(!pte_has(vs, UB + P, PTE_PROT_USER)); /* kept, but kernel-only */
	CHECK_EQ(vs->resident_pages, 6);
	CHECK_EQ(vm_protect(vs, UB + P, P, RX), 0);
	CHECK_EQ(rd64(UB + P, &err), 301); /* data survived */
	CHECK_EQ(host_user_access(UB + P, VM_FAULT_EXEC, &(paddr_t){0}), 0);
	CHECK_EQ(host_user_access(UB, VM_FAULT_EXEC, &(paddr_t){0}), -EACCES);
	CHECK_EQ(vs->nr_areas, 4);
	check_one(vs);

	CHECK_EQ(vm_protect(vs, UB + P, P, RX), 0); /* no change: no split, no flush */
	CHECK_EQ(vs->nr_areas, 4);

	kmalloc_fail_in = 0; /* the first of two cuts fails */
	CHECK_EQ(vm_protect(vs, UB + 3 * P, P, R), -ENOMEM);
	kmalloc_fail_in = 1; /* the second fails: the first is given back */
	CHECK_EQ(vm_protect(vs, UB + 3 * P, P, R), -ENOMEM);
	CHECK_EQ(vs->nr_areas, 4);
	CHECK_EQ(wr64(UB + 3 * P, 303), 0);
	check_one(vs);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(demand_zero_pages_read_as_zero)
{
	static u8 buf[3 * PAGE_SIZE];
	struct vm_space *vs;
	u8 *phys;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, 3 * P, RW), 0);
	CHECK_EQ(vm_map_anon(vs, UB + 16 * P, P, R), 0);
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(host_user_read(UB, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0) {
			CHECK_EQ(buf[i], 0);
			break;
		}
	CHECK_EQ(vs->resident_pages, 3);
	CHECK_EQ(vs->table_pages, 4);

	CHECK_EQ(host_user_write(UB + P - 3, "hello, world", 13), 0); /* straddles pages */
	phys = phys_to_virt(pa_of(vs, UB));
	CHECK(memcmp(phys + PAGE_SIZE - 3, "hel", 3) == 0);
	phys = phys_to_virt(pa_of(vs, UB + P));
	CHECK(memcmp(phys, "lo, world", 10) == 0);

	CHECK_EQ(host_user_read(UB + 16 * P, buf, P), 0); /* read-only: still demand-zero */
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[P - 1], 0);
	CHECK(pte_has(vs, UB + 16 * P, PTE_PROT_READ | PTE_PROT_USER));
	CHECK(!pte_has(vs, UB + 16 * P, PTE_PROT_WRITE));
	CHECK(!pte_has(vs, UB + 16 * P, PTE_PROT_EXEC));
	CHECK_EQ(wr64(UB + 16 * P, 1), -EACCES);
	check_one(vs);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(fault_errors)
{
	struct vm_space *vs;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, P, R), 0);
	CHECK_EQ(vm_map_anon(vs, UB + 2 * P, P, RW), 0);
	CHECK_EQ(vm_map_anon(vs, UB + 4 * P, P, 0), 0);
	CHECK_EQ(vm_handle_fault(vs, UB + P, VM_FAULT_READ), -EFAULT);
	CHECK_EQ(vm_handle_fault(vs, 0, VM_FAULT_READ), -EFAULT);
	CHECK_EQ(vm_handle_fault(vs, arch_user_top(), VM_FAULT_READ), -EFAULT);
	CHECK_EQ(vm_handle_fault(vs, ~(vaddr_t)0, VM_FAULT_WRITE), -EFAULT);
	CHECK_EQ(vm_handle_fault(NULL, UB, VM_FAULT_READ), -EFAULT);
	CHECK_EQ(vm_handle_fault(vs, UB, VM_FAULT_WRITE), -EACCES);
	CHECK_EQ(vm_handle_fault(vs, UB, VM_FAULT_EXEC), -EACCES);
	CHECK_EQ(vm_handle_fault(vs, UB + 4 * P, VM_FAULT_READ), -EACCES);
	CHECK_EQ(vs->resident_pages, 0); /* refused faults map nothing */
	CHECK_EQ(vs->table_pages, 1);
	CHECK_EQ(wr64(UB + P, 1), -EFAULT);
	CHECK_EQ(wr64(UB, 1), -EACCES);
	CHECK_EQ(host_user_access(UB + 2 * P, VM_FAULT_EXEC, &(paddr_t){0}), -EACCES);
	CHECK_EQ(vm_handle_fault(vs, UB, VM_FAULT_READ), 0);
	CHECK_EQ(vm_handle_fault(vs, UB, VM_FAULT_WRITE | VM_FAULT_PRESENT), -EACCES);
	CHECK_EQ(vm_handle_fault(vs, UB, VM_FAULT_READ), 0); /* present: a stale TLB */
	CHECK_EQ(vs->resident_pages, 1);
	check_one(vs);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(cow_clone)
{
	struct vm_space *parent, *child;
	paddr_t pa0, pa1, pa2;
	int err;

	setup();
	parent = vm_space_create();
	vm_space_activate(parent);
	CHECK_EQ(vm_map_anon(parent, UB, 4 * P, RW), 0);
	CHECK_EQ(vm_map_anon(parent, UB + 16 * P, P, R), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(wr64(UB + i * P, 0x1000 + i), 0);
	CHECK_EQ(rd64(UB + 16 * P, &err), 0);
	pa0 = pa_of(parent, UB);
	pa1 = pa_of(parent, UB + P);
	pa2 = pa_of(parent, UB + 2 * P);

	child = vm_space_clone(parent);
	CHECK(child);
	CHECK_EQ(child->nr_areas, 2);
	CHECK_EQ(child->resident_pages, 4);
	struct vm_space *both[2] = {parent, child};
	check_spaces(both, 2);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(pa_of(child, UB + i * P), pa_of(parent, UB + i * P));
		CHECK_EQ(page_of(parent, UB + i * P)->refcount, 2);
		CHECK(pte_has(parent, UB + i * P, PTE_PROT_COW));
		CHECK(!pte_has(parent, UB + i * P, PTE_PROT_WRITE));
		CHECK(pte_has(child, UB + i * P, PTE_PROT_COW));
	}
	CHECK(pte_has(child, UB + 16 * P, PTE_PROT_COW)); /* shared read-only page */
	CHECK_EQ(page_of(child, UB + 16 * P)->refcount, 2);

	vm_space_activate(child);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rd64(UB + i * P, &err), 0x1000 + i);
	CHECK_EQ(rd64(UB + 3 * P, &err), 0); /* never touched: demand-zero, not shared */
	CHECK_EQ(wr64(UB, 0xc0), 0);	     /* copies */
	CHECK(pa_of(child, UB) != pa0);
	CHECK(pte_has(child, UB, PTE_PROT_WRITE));
	CHECK(!pte_has(child, UB, PTE_PROT_COW));
	CHECK_EQ(page_of(parent, UB)->refcount, 1);
	CHECK_EQ(wr64(UB + 16 * P, 1), -EACCES);

	vm_space_activate(parent);
	CHECK_EQ(rd64(UB, &err), 0x1000);
	CHECK_EQ(wr64(UB + P, 0xa1), 0); /* parent copies page 1 */
	CHECK(pa_of(parent, UB + P) != pa1);
	CHECK_EQ(pa_of(child, UB + P), pa1);
	CHECK_EQ(page_of(child, UB + P)->refcount, 1);
	CHECK_EQ(wr64(UB, 0xa0), 0); /* refcount 1 already: no copy */
	CHECK_EQ(pa_of(parent, UB), pa0);

	vm_space_activate(child);
	CHECK_EQ(rd64(UB + P, &err), 0x1001);
	CHECK_EQ(rd64(UB, &err), 0xc0);
	CHECK_EQ(wr64(UB + P, 0xc1), 0); /* the last holder: made writable in place */
	CHECK_EQ(pa_of(child, UB + P), pa1);
	CHECK(!pte_has(child, UB + P, PTE_PROT_COW));
	check_spaces(both, 2);

	vm_space_destroy(child);
	vm_space_activate(parent);
	CHECK_EQ(page_of(parent, UB + 2 * P)->refcount, 1);
	CHECK_EQ(wr64(UB + 2 * P, 0xa2), 0);
	CHECK_EQ(pa_of(parent, UB + 2 * P), pa2);
	CHECK_EQ(rd64(UB, &err), 0xa0);
	CHECK_EQ(rd64(UB + P, &err), 0xa1);
	check_one(parent);
	vm_space_destroy(parent);
	teardown();
}

UNIT_TEST(cow_survives_protect)
{
	struct vm_space *parent, *child;
	int err;

	setup();
	parent = vm_space_create();
	vm_space_activate(parent);
	CHECK_EQ(vm_map_anon(parent, UB, P, RW), 0);
	CHECK_EQ(vm_map_anon(parent, UB + 4 * P, P, RW), 0);
	CHECK_EQ(wr64(UB, 7), 0);
	CHECK_EQ(wr64(UB + 4 * P, 9), 0);
	CHECK_EQ(vm_protect(parent, UB + 4 * P, P, R), 0);
	child = vm_space_clone(parent);
	CHECK(child);

	/* A page shared while read-only must not become writable with its region. */
	CHECK_EQ(vm_protect(child, UB + 4 * P, P, RW), 0);
	CHECK(!pte_has(child, UB + 4 * P, PTE_PROT_WRITE));
	vm_space_activate(child);
	CHECK_EQ(wr64(UB + 4 * P, 10), 0);
	CHECK_EQ(rd64(UB + 4 * P, &err), 10);

	/* Read-only and back keeps the COW mark. */
	vm_space_activate(parent);
	CHECK_EQ(vm_protect(parent, UB, P, R), 0);
	CHECK_EQ(vm_protect(parent, UB, P, RW), 0);
	CHECK(pte_has(parent, UB, PTE_PROT_COW));
	CHECK_EQ(wr64(UB, 8), 0);
	CHECK_EQ(rd64(UB + 4 * P, &err), 9);

	vm_space_activate(child);
	CHECK_EQ(rd64(UB, &err), 7);
	struct vm_space *both[2] = {parent, child};
	check_spaces(both, 2);
	vm_space_destroy(parent);
	vm_space_destroy(child);
	teardown();
}

UNIT_TEST(page_tables_freed_when_empty)
{
	static const vaddr_t where[] = {UB, UB + MiB(2), GiB(1), GiB(512) + P, 0x7fffffffe000ul};
	static const u64 new_tables[] = {3, 1, 2, 3, 3};
	struct vm_space *vs;
	u64 tables = 1;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		CHECK_EQ(vm_map_anon(vs, where[i], P, RW), 0);
		CHECK_EQ(wr64(where[i], i), 0);
		tables += new_tables[i];
		CHECK_EQ(vs->table_pages, tables);
		CHECK_EQ(mm_pagetable_pages, tables);
	}
	check_one(vs);
	for (size_t i = ARRAY_SIZE(where); i-- > 0;) {
		CHECK_EQ(vm_unmap(vs, where[i], P), 0);
		tables -= new_tables[i];
		CHECK_EQ(vs->table_pages, tables);
		check_one(vs);
	}
	CHECK_EQ(mm_pagetable_pages, 1);
	for (int i = 0; i < ARCH_PT_ENTRIES / 2; i++)
		CHECK_EQ(vs->root[i], 0);
	CHECK_EQ(free_pages(), NPAGES - 1);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(destroy_returns_every_page)
{
	struct vm_space *a, *b, *c;

	setup();
	a = vm_space_create();
	vm_space_activate(a);
	for (int r = 0; r < 6; r++) {
		CHECK_EQ(vm_map_anon(a, UB + r * MiB(3), 40 * P, r & 1 ? R : RW), 0);
		for (int i = 0; i < 40; i += 3)
			CHECK_EQ(host_user_write(UB + r * MiB(3) + i * P, "x", 1),
				 r & 1 ? -EACCES : 0);
		if (r & 1)
			CHECK_EQ(rd64(UB + r * MiB(3), &(int){0}), 0);
	}
	b = vm_space_clone(a);
	vm_space_activate(b);
	CHECK_EQ(wr64(UB, 1), 0);
	c = vm_space_clone(b);
	vm_space_activate(c);
	CHECK_EQ(wr64(UB + 3 * P, 1), 0);
	CHECK_EQ(vm_unmap(c, UB + 10 * P, 20 * P), 0);
	struct vm_space *all[3] = {a, b, c};
	check_spaces(all, 3);
	vm_space_destroy(b);
	all[1] = NULL;
	check_spaces(all, 3);
	vm_space_destroy(a);
	vm_space_destroy(c);
	teardown(); /* every page, table and region is back */
}

UNIT_TEST(tlb_flushes_when_needed)
{
	struct host_mmu_stats s;
	struct vm_space *vs, *other, *child;
	u64 f;
	int err;

	setup();
	vs = vm_space_create();
	other = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, 64 * P, RW), 0);
	f = flushes();
	CHECK_EQ(wr64(UB, 1), 0); /* not present -> present: no flush */
	CHECK_EQ(flushes(), f);
	CHECK_EQ(vm_unmap(vs, UB + P, P), 0); /* nothing was present */
	CHECK_EQ(flushes(), f);
	CHECK_EQ(vm_unmap(vs, UB, P), 0);
	CHECK_EQ(flushes(), f + 1);
	CHECK_EQ(rd64(UB, &err), 0);
	CHECK_EQ(err, -EFAULT); /* and the stale translation is gone */

	CHECK_EQ(wr64(UB + 2 * P, 2), 0);
	f = flushes();
	CHECK_EQ(vm_protect(vs, UB + 2 * P, 4 * P, R), 0); /* one present page */
	CHECK_EQ(flushes(), f + 1);
	CHECK_EQ(wr64(UB + 2 * P, 3), -EACCES);
	f = flushes();
	CHECK_EQ(vm_protect(vs, UB + 8 * P, 4 * P, R), 0); /* none present */
	CHECK_EQ(flushes(), f);

	for (int i = 16; i < 64; i++)
		CHECK_EQ(wr64(UB + i * P, i), 0);
	f = flushes();
	CHECK_EQ(vm_unmap(vs, UB + 16 * P, 48 * P), 0); /* 48 pages: one full flush */
	CHECK_EQ(flushes(), f + 1000000);

	CHECK_EQ(vm_map_anon(vs, UB + MiB(2), 100 * P, RW), 0);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(wr64(UB + MiB(2) + i * P, i), 0);
	f = flushes();
	CHECK_EQ(vm_unmap(vs, UB + MiB(2), 100 * P), 0); /* two batches */
	CHECK_EQ(flushes(), f + 2000000);
	CHECK_EQ(vm_lookup_pte(vs, UB + MiB(2)), 0);
	CHECK_EQ(vm_lookup_pte(vs, arch_user_top()), 0);

	CHECK_EQ(wr64(UB + 13 * P, 13), 0);
	f = flushes();
	child = vm_space_clone(vs); /* the parent's entries became read-only */
	CHECK(flushes() > f);
	CHECK_EQ(rd64(UB + 13 * P, &err), 13);
	f = flushes();
	CHECK_EQ(wr64(UB + 13 * P, 14), 0); /* COW copy: one page */
	CHECK_EQ(flushes(), f + 1);

	CHECK_EQ(vm_map_anon(other, UB, P, RW), 0); /* an inactive space: never flushed */
	CHECK_EQ(vm_handle_fault(other, UB, VM_FAULT_WRITE), 0);
	f = flushes();
	CHECK_EQ(vm_protect(other, UB, P, R), 0);
	CHECK_EQ(vm_unmap(other, UB, P), 0);
	vm_space_destroy(child);
	CHECK_EQ(flushes(), f);

	vm_space_activate(other);
	host_mmu_get_stats(&s);
	CHECK_EQ(s.loads, 2);
	vm_space_destroy(vs);
	vm_space_destroy(other);
	teardown();
}

UNIT_TEST(host_tlb_keeps_stale_entries)
{
	struct vm_space *vs;
	paddr_t pa;
	pte_t *leaf;

	/* The model must catch a missing flush: change an entry behind vm.c's back. */
	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, P, RW), 0);
	CHECK_EQ(wr64(UB, 5), 0);
	leaf = vs->root;
	for (int level = ARCH_PT_LEVELS - 1; level > 0; level--)
		leaf = phys_to_virt(arch_pte_addr(leaf[arch_pt_index(UB, level)]));
	leaf += arch_pt_index(UB, 0);
	*leaf = arch_pte_leaf(arch_pte_addr(*leaf), R | PTE_PROT_USER);
	CHECK_EQ(host_mmu_access(UB, VM_FAULT_WRITE, &pa), 0); /* stale */
	arch_tlb_flush_page(UB);
	CHECK_EQ(host_mmu_access(UB, VM_FAULT_WRITE, &pa), HOST_FAULT_PROTECTION);
	CHECK_EQ(host_mmu_access(UB + P, VM_FAULT_READ, &pa), HOST_FAULT_NOT_PRESENT);
	CHECK_EQ(host_mmu_access(~(vaddr_t)0, VM_FAULT_READ, &pa), HOST_FAULT_PROTECTION);
	*leaf = arch_pte_leaf(arch_pte_addr(*leaf), RW | PTE_PROT_USER);
	vm_space_destroy(vs);
	teardown();
}

UNIT_TEST(out_of_memory_leaves_no_trace)
{
	struct vm_space *vs, *child;
	u64 need;
	int err;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, UB, P, RW), 0);
	for (u64 keep = 0; keep < 4; keep++) { /* a page and three tables needed */
		hog(keep);
		CHECK_EQ(wr64(UB, 1), -ENOMEM);
		CHECK_EQ(vs->table_pages, 1);
		CHECK_EQ(vs->resident_pages, 0);
		CHECK_EQ(free_pages(), keep);
		unhog();
	}
	CHECK_EQ(wr64(UB, 1), 0);

	child = vm_space_clone(vs);
	hog(0);
	CHECK_EQ(wr64(UB, 2), -ENOMEM); /* the COW copy */
	CHECK(pte_has(vs, UB, PTE_PROT_COW));
	unhog();
	CHECK_EQ(wr64(UB, 2), 0);
	vm_space_destroy(child);

	/* Clone under every shortage of pages, then of regions. */
	CHECK_EQ(vm_map_anon(vs, GiB(1), 8 * P, RW), 0);
	CHECK_EQ(vm_map_anon(vs, GiB(600), 8 * P, R), 0);
	for (int i = 0; i < 8; i += 2) {
		CHECK_EQ(wr64(GiB(1) + i * P, i), 0);
		CHECK_EQ(rd64(GiB(600) + i * P, &err), 0);
	}
	need = 0;
	for (u64 keep = 0;; keep++) {
		hog(keep);
		child = vm_space_clone(vs);
		if (child) {
			unhog();
			need = keep;
			vm_space_destroy(child);
			break;
		}
		CHECK_EQ(free_pages(), keep);
		unhog();
		check_one(vs);
	}
	CHECK_EQ(need, 1 + 3 + 2 + 3); /* root; UB; GiB(1) shares UB's top table; GiB(600) */
	for (long n = 0;; n++) {
		kmalloc_fail_in = n;
		child = vm_space_clone(vs);
		kmalloc_fail_in = -1;
		if (child) {
			CHECK_EQ(n, 4); /* the space and three regions */
			vm_space_destroy(child);
			break;
		}
		check_one(vs);
	}
	CHECK_EQ(wr64(GiB(1), 11), 0);
	CHECK_EQ(rd64(UB, &err), 2);
	vm_space_destroy(vs);
	teardown();
}

/*
 * vm_map_page: someone else's page (a file's) mapped copy-on-write. The
 * mapping reads the owner's data, takes its own reference, and a write
 * copies while the owner still holds the page, so the owner's data never
 * changes; once the owner has let go, the last mapping may write in place.
 */
UNIT_TEST(map_page_shares_copy_on_write)
{
	struct vm_space *vs, *other, *child;
	struct page *file, *gone;
	u64 f, tables;
	int err;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	file = owner_page(0x5eed);
	CHECK_EQ(vm_map_anon(vs, UB, 4 * P, RW), 0);
	CHECK_EQ(vm_map_anon(vs, UB + 8 * P, P, R), 0);
	f = flushes();
	CHECK_EQ(vm_map_page(vs, UB, file), 0);
	CHECK_EQ(flushes(), f); /* not present -> present */
	CHECK_EQ(file->refcount, 2);
	CHECK_EQ(vs->resident_pages, 1);
	CHECK_EQ(pa_of(vs, UB), page_to_phys(file));
	CHECK(pte_has(vs, UB, PTE_PROT_COW | PTE_PROT_READ | PTE_PROT_USER));
	CHECK(!pte_has(vs, UB, PTE_PROT_WRITE)); /* whatever the region allows */
	CHECK_EQ(rd64(UB, &err), 0x5eed);
	CHECK_EQ(err, 0);
	check_one(vs);

	/* Validation: nothing changes on a refusal. */
	CHECK_EQ(vm_map_page(vs, UB, file), -EEXIST);
	CHECK_EQ(vm_map_page(vs, UB + 1, file), -EINVAL);
	CHECK_EQ(vm_map_page(vs, arch_user_top(), file), -EINVAL);
	CHECK_EQ(vm_map_page(vs, 0, file), -EINVAL);
	CHECK_EQ(vm_map_page(vs, UB + 4 * P, file), -EFAULT); /* no region */
	CHECK_EQ(vm_map_page(vs, UB + P, NULL), -EINVAL);
	gone = page_alloc(0, 0);
	page_free(gone);
	CHECK_EQ(vm_map_page(vs, UB + P, gone), -EINVAL); /* nobody holds it */
	CHECK_EQ(file->refcount, 2);
	CHECK_EQ(vs->resident_pages, 1);
	check_one(vs);

	/* A write copies: the file's page keeps its data and loses our reference. */
	CHECK_EQ(wr64(UB, 0xbeef), 0);
	CHECK(pa_of(vs, UB) != page_to_phys(file));
	CHECK(pte_has(vs, UB, PTE_PROT_WRITE));
	CHECK(!pte_has(vs, UB, PTE_PROT_COW));
	CHECK_EQ(rd64(UB, &err), 0xbeef);
	CHECK_EQ(rd64(UB + P - 8, &err) >> 32, 0x5eed); /* the rest of the copy */
	CHECK_EQ(owner_val(file), 0x5eed);
	CHECK_EQ(file->refcount, 1);

	/* Read-only region: writes refused; made writable, the page stays COW. */
	CHECK_EQ(vm_map_page(vs, UB + 8 * P, file), 0);
	CHECK_EQ(wr64(UB + 8 * P, 1), -EACCES);
	CHECK_EQ(vm_protect(vs, UB + 8 * P, P, RW), 0);
	CHECK(!pte_has(vs, UB + 8 * P, PTE_PROT_WRITE));
	CHECK(pte_has(vs, UB + 8 * P, PTE_PROT_COW));
	CHECK_EQ(wr64(UB + 8 * P, 2), 0);
	CHECK_EQ(owner_val(file), 0x5eed);
	CHECK_EQ(file->refcount, 1);

	/* Two spaces and a fork share it; each unmap or exit gives one reference back. */
	CHECK_EQ(vm_map_page(vs, UB + P, file), 0);
	other = vm_space_create();
	CHECK_EQ(vm_map_anon(other, UB, P, RX), 0);
	CHECK_EQ(vm_map_page(other, UB, file), 0);
	child = vm_space_clone(vs);
	CHECK(child);
	CHECK_EQ(file->refcount, 4);
	struct vm_space *all[3] = {vs, other, child};
	check_spaces(all, 3);
	CHECK_EQ(vm_unmap(vs, UB + P, P), 0);
	CHECK_EQ(file->refcount, 3);
	vm_space_destroy(child);
	all[2] = NULL;
	CHECK_EQ(file->refcount, 2);
	check_spaces(all, 3);

	/* The owner lets go (truncate): the mapping keeps the page and its data. */
	owner_put(file);
	CHECK_EQ(file->refcount, 1);
	vm_space_activate(other);
	CHECK_EQ(rd64(UB, &err), 0x5eed);
	CHECK_EQ(host_user_access(UB, VM_FAULT_EXEC, &(paddr_t){0}), 0);
	check_spaces(all, 3);
	CHECK_EQ(vm_protect(other, UB, P, RW), 0);
	CHECK_EQ(wr64(UB, 3), 0); /* the last holder: in place, no copy */
	CHECK_EQ(pa_of(other, UB), page_to_phys(file));
	CHECK_EQ(rd64(UB, &err), 3);
	vm_space_destroy(other);
	all[1] = NULL;
	check_spaces(all, 3);

	/* No memory for the tables: -ENOMEM, nothing left behind. */
	file = owner_page(7);
	CHECK_EQ(vm_map_anon(vs, GiB(600), P, R), 0);
	tables = vs->table_pages;
	for (u64 keep = 0; keep < 3; keep++) {
		hog(keep);
		CHECK_EQ(vm_map_page(vs, GiB(600), file), -ENOMEM);
		CHECK_EQ(vs->table_pages, tables);
		CHECK_EQ(file->refcount, 1);
		unhog();
		check_one(vs);
	}
	hog(3);
	CHECK_EQ(vm_map_page(vs, GiB(600), file), 0);
	unhog();
	vm_space_activate(vs);
	CHECK_EQ(rd64(GiB(600), &err), 7);
	check_one(vs);
	vm_space_destroy(vs); /* drops the mapping's reference */
	CHECK_EQ(file->refcount, 1);
	owner_put(file);
	teardown();
}

/* ---- random operations against a model ---- */

#define NW 48 /* model window: pages straddling the 1 GiB (and so 2 MiB) boundary */
#define WBASE (GiB(1) - 24 * P)
#define NSPACES 4
#define STEPS 30000

struct model {
	struct vm_space *vs;
	bool mapped[NW];
	u8 prot[NW];
	u32 val[NW]; /* at both ends of the page; 0 for untouched */
};

static u64 rng = 0x9e3779b97f4a7c15ull;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng >> 11) % n;
}

static const u8 prots[] = {0, R, RW, RX, RW | VM_EXEC};

/*
 * "File pages" the test owns: mapped into the spaces with vm_map_page and
 * now and then replaced (the owner lets the old one go, as a truncate does).
 * Whatever the spaces write, a page keeps its value while the owner holds it.
 */
#define NFILE 4
static struct page *files[NFILE];
static u32 file_vals[NFILE], file_gen;

static void file_replace(int k)
{
	if (files[k])
		owner_put(files[k]);
	file_vals[k] = 0x1000000 + (file_gen++ << 4) + (u32)k; /* never a model write's value */
	files[k] = owner_page(file_vals[k]);
	CHECK(files[k]);
}

static void check_files(void)
{
	for (int k = 0; k < NFILE; k++)
		CHECK_EQ(owner_val(files[k]), file_vals[k]);
}

static int model_err(const struct model *m, int i, u32 need)
{
	if (!m->mapped[i])
		return -EFAULT;
	return (m->prot[i] & need) == need ? 0 : -EACCES;
}

static void model_access(struct model *m, int i)
{
	vaddr_t va = WBASE + i * P;
	u32 v[2] = {0, 0}, nv = rnd(0xffffff) + 1;
	int err;

	switch (rnd(3)) {
	case 0:
		err = host_user_read(va, &v[0], 4);
		if (!err)
			err = host_user_read(va + P - 4, &v[1], 4);
		CHECK_EQ(err, model_err(m, i, R));
		if (!err) {
			CHECK_EQ(v[0], m->val[i]);
			CHECK_EQ(v[1], m->val[i]);
		}
		break;
	case 1:
		err = host_user_write(va + P - 4, &nv, 4);
		if (!err)
			err = host_user_write(va, &nv, 4);
		CHECK_EQ(err, model_err(m, i, VM_WRITE));
		if (!err)
			m->val[i] = nv;
		break;
	default:
		CHECK_EQ(host_user_access(va, VM_FAULT_EXEC, &(paddr_t){0}),
			 model_err(m, i, VM_EXEC));
	}
}

static void model_step(struct model *ms, struct model **active)
{
	struct model *m = &ms[rnd(NSPACES)];
	int i = rnd(NW), n = 1 + rnd(8), want = 0;
	u8 prot = prots[rnd(ARRAY_SIZE(prots))];

	if (n > NW - i)
		n = NW - i;
	if (!m->vs)
		m = *active;
	switch (rnd(14)) {
	case 0:
		for (int j = i; j < i + n; j++)
			want = m->mapped[j] ? -EEXIST : want;
		CHECK_EQ(vm_map_anon(m->vs, WBASE + i * P, n * P, prot), want);
		for (int j = i; j < i + n && !want; j++) {
			m->mapped[j] = true;
			m->prot[j] = prot;
			m->val[j] = 0;
		}
		break;
	case 1:
		CHECK_EQ(vm_unmap(m->vs, WBASE + i * P, n * P), 0);
		for (int j = i; j < i + n; j++)
			m->mapped[j] = false;
		break;
	case 2:
		for (int j = i; j < i + n; j++)
			want = m->mapped[j] ? want : -ENOMEM;
		CHECK_EQ(vm_protect(m->vs, WBASE + i * P, n * P, prot), want);
		for (int j = i; j < i + n && !want; j++)
			m->prot[j] = prot;
		break;
	case 3:
		for (int k = 0; k < NSPACES; k++) {
			if (ms[k].vs)
				continue;
			ms[k] = *m;
			ms[k].vs = vm_space_clone(m->vs);
			CHECK(ms[k].vs);
			break;
		}
		break;
	case 4:
		if (m == *active || !rnd(4))
			break; /* keep the active one: its TLB state is the interesting part */
		vm_space_destroy(m->vs);
		m->vs = NULL;
		break;
	case 5:
		*active = m;
		vm_space_activate(m->vs);
		break;
	case 6: {
		int k = rnd(NFILE), err = vm_map_page(m->vs, WBASE + i * P, files[k]);

		if (!m->mapped[i]) {
			CHECK_EQ(err, -EFAULT);
		} else if (err == 0) {
			CHECK_EQ(m->val[i], 0); /* only an untouched page can be absent */
			m->val[i] = file_vals[k];
		} else {
			CHECK_EQ(err, -EEXIST);
		}
		break;
	}
	case 7:
		if (rnd(16) == 0) /* rarely: mapped file pages should meet writes first */
			file_replace(rnd(NFILE));
		break;
	case 8: /* MADV_DONTNEED: anonymous pages read back as zeros */
		for (int j = i; j < i + n; j++)
			want = m->mapped[j] ? want : -ENOMEM;
		CHECK_EQ(vm_discard(m->vs, WBASE + i * P, n * P), want);
		for (int j = i; j < i + n && !want; j++)
			m->val[j] = 0;
		break;
	case 9: { /* mremap: a run of one region moves to free room, with its pages */
		int t = rnd(NW - n + 1);
		struct model old = *m;

		/* Regions are maximal runs of mapped pages with one protection (merging). */
		for (int j = i; j < i + n; j++)
			if (!m->mapped[j] || m->prot[j] != m->prot[i])
				want = -EFAULT;
		for (int j = t; j < t + n && !want; j++)
			want = m->mapped[j] ? -EEXIST : want;
		CHECK_EQ(vm_move(m->vs, WBASE + i * P, n * P, WBASE + t * P), want);
		if (want)
			break;
		for (int j = i; j < i + n; j++)
			m->mapped[j] = false;
		for (int j = 0; j < n; j++) {
			m->mapped[t + j] = true;
			m->prot[t + j] = old.prot[i + j];
			m->val[t + j] = old.val[i + j];
		}
		break;
	}
	default:
		for (int k = 0; k < 4; k++)
			model_access(*active, (i + k) % NW);
	}
}

/* ---- object regions (a fake file: pages held as their owner, a size) ---- */

#define OBJ_PAGES 8

struct fake_obj {
	struct page *pages[OBJ_PAGES];
	u64 size_pages; /* pages at index >= this are past the end */
	int refs;	/* references the regions hold */
	int creates;	/* holes filled by create */
};

static int fake_obj_get_page(void *obj, u64 index, bool create, struct page **out)
{
	struct fake_obj *o = obj;

	if (index >= o->size_pages)
		return -ENXIO;
	if (!o->pages[index]) {
		if (!create)
			return -ENOENT;
		o->pages[index] = owner_page(0);
		if (!o->pages[index])
			return -ENOMEM;
		o->creates++;
	}
	page_get(o->pages[index]);
	*out = o->pages[index];
	return 0;
}

static void fake_obj_get(void *obj)
{
	((struct fake_obj *)obj)->refs++;
}

static void fake_obj_put(void *obj)
{
	((struct fake_obj *)obj)->refs--;
}

static const struct vm_object_ops fake_obj_ops = {
	.get_page = fake_obj_get_page,
	.get = fake_obj_get,
	.put = fake_obj_put,
};

/* The object shrinks to size pages: the owner drops the rest, then the VM is told. */
static void fake_obj_truncate(struct fake_obj *o, u64 size)
{
	for (u64 i = size; i < OBJ_PAGES; i++) {
		if (o->pages[i])
			owner_put(o->pages[i]);
		o->pages[i] = NULL;
	}
	o->size_pages = size;
	vm_object_truncate(o, size);
}

static u32 page_word(struct page *p)
{
	u32 v;

	memcpy(&v, page_address(p), 4);
	return v;
}

UNIT_TEST(object_regions_shared_and_private)
{
	struct fake_obj o = {.size_pages = 4};
	struct vm_object obj = {.ops = &fake_obj_ops, .obj = &o, .key = &o};
	struct vm_space *vs, *child;
	const vaddr_t S = UB, PR = UB + 16 * P; /* the shared and the private view */
	int err;

	setup();
	o.pages[0] = owner_page(0x11);
	o.pages[1] = owner_page(0x22);
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_object(vs, S, 6 * P, RW, VMA_SHARED, &obj, 0), -EACCES); /* no MAYWRITE */
	CHECK_EQ(vm_map_object(vs, S, 6 * P, RW, 0x80, &obj, 0), -EINVAL);
	CHECK_EQ(vm_map_object(vs, S, 6 * P, RW, 0, NULL, 0), -EINVAL);
	CHECK_EQ(o.refs, 0);
	CHECK_EQ(vm_map_object(vs, S, 6 * P, RW, VMA_SHARED | VMA_MAYWRITE, &obj, 0), 0);
	CHECK_EQ(vm_map_object(vs, PR, 6 * P, RW, 0, &obj, 0), 0);
	CHECK_EQ(vm_map_object(vs, PR + 6 * P, P, RW, 0, &obj, 6), 0); /* not merged */
	CHECK_EQ(vs->nr_areas, 3);
	CHECK_EQ(o.refs, 3);
	CHECK_EQ(vs->resident_pages, 0); /* pages come at first touch */

	/* Shared: the object's page itself, writable; writes land in it. */
	CHECK_EQ(rd64(S, &err) & 0xffffffff, 0x11);
	CHECK_EQ(pa_of(vs, S), page_to_phys(o.pages[0]));
	CHECK(pte_has(vs, S, PTE_PROT_WRITE));
	CHECK_EQ(wr64(S + P, 0x2222), 0);
	CHECK_EQ(page_word(o.pages[1]), 0x2222);
	/* A hole of the shared view gets a page in the object. */
	CHECK_EQ(rd64(S + 2 * P, &err), 0);
	CHECK_EQ(err, 0);
	CHECK_EQ(o.creates, 1);
	CHECK(o.pages[2] && pa_of(vs, S + 2 * P) == page_to_phys(o.pages[2]));
	/* Past the end of the object: -ENXIO (SIGBUS), nothing mapped. */
	CHECK_EQ(rd64(S + 4 * P, &err), 0);
	CHECK_EQ(err, -ENXIO);
	CHECK_EQ(wr64(S + 5 * P, 1), -ENXIO);
	check_one(vs);

	/* Private: the object's page copy-on-write; a write copies; a hole is zero and stays one.
	 */
	CHECK_EQ(rd64(PR, &err) & 0xffffffff, 0x11);
	CHECK_EQ(pa_of(vs, PR), page_to_phys(o.pages[0]));
	CHECK(pte_has(vs, PR, PTE_PROT_COW));
	CHECK_EQ(wr64(PR + P, 0x99), 0); /* first touch is a write: copied at once */
	CHECK(pa_of(vs, PR + P) != page_to_phys(o.pages[1]));
	CHECK_EQ(page_word(o.pages[1]), 0x2222);
	CHECK_EQ(o.pages[3], NULL);
	CHECK_EQ(rd64(PR + 3 * P, &err), 0);
	CHECK_EQ(err, 0);
	CHECK_EQ(o.pages[3], NULL); /* a private hole does not fill the object */
	CHECK_EQ(wr64(PR + 4 * P, 1), -ENXIO);
	CHECK_EQ(wr64(PR + 6 * P, 1), -ENXIO);
	check_one(vs);

	/* Discard: shared data stays in the object, private copies go back to its pages. */
	CHECK_EQ(vm_discard(vs, PR, 6 * P), 0);
	CHECK_EQ(rd64(PR + P, &err), 0x2222);
	CHECK_EQ(vm_discard(vs, S, 3 * P), 0);
	CHECK_EQ(rd64(S + P, &err), 0x2222);
	CHECK_EQ(vm_discard(vs, S, 20 * P), -ENOMEM); /* a hole in the range */
	CHECK_EQ(vm_discard(vs, S + 1, P), -EINVAL);

	/* Fork: the shared page stays writable and shared; the private one becomes COW. */
	CHECK_EQ(wr64(PR, 0x77), 0);
	child = vm_space_clone(vs);
	CHECK(child);
	CHECK_EQ(o.refs, 6);
	CHECK_EQ(pa_of(child, S + P), page_to_phys(o.pages[1]));
	CHECK(pte_has(child, S + P, PTE_PROT_WRITE) && !pte_has(child, S + P, PTE_PROT_COW));
	vm_space_activate(child);
	CHECK_EQ(wr64(S + P, 0x3333), 0);
	CHECK_EQ(page_word(o.pages[1]), 0x3333);
	CHECK_EQ(wr64(PR, 0x78), 0);
	vm_space_activate(vs);
	CHECK_EQ(rd64(S + P, &err), 0x3333);
	CHECK_EQ(rd64(PR, &err), 0x77);
	struct vm_space *all[2] = {vs, child};
	check_spaces(all, 2);

	/* Truncate to one page: every mapping of pages 1.. in both spaces goes, private copies too.
	 */
	CHECK_EQ(rd64(PR + 2 * P, &err), 0); /* map one more */
	CHECK_EQ(rd64(S, &err) & 0xffffffff, 0x11);
	fake_obj_truncate(&o, 1);
	for (int i = 1; i < 6; i++) {
		CHECK_EQ(vm_lookup_pte(vs, S + i * P), 0);
		CHECK_EQ(vm_lookup_pte(vs, PR + i * P), 0);
		CHECK_EQ(vm_lookup_pte(child, S + i * P), 0);
	}
	CHECK(vm_lookup_pte(vs, S) && vm_lookup_pte(vs, PR));
	CHECK_EQ(rd64(S + P, &err), 0);
	CHECK_EQ(err, -ENXIO);
	check_spaces(all, 2);

	/* A space whose lock is busy: truncation waits (yields) and then reaches it too. */
	CHECK_EQ(rd64(S, &err) & 0xffffffff, 0x11);
	trylock_busy = 3;
	yields = 0;
	fake_obj_truncate(&o, 0);
	CHECK_EQ(yields, 3);
	CHECK_EQ(vm_lookup_pte(vs, S), 0);
	CHECK_EQ(vm_lookup_pte(vs, PR), 0);
	CHECK_EQ(rd64(S, &err), 0);
	CHECK_EQ(err, -ENXIO);
	check_spaces(all, 2);

	/* mprotect: a shared view without MAYWRITE cannot become writable. */
	CHECK_EQ(vm_unmap(vs, S, 6 * P), 0);
	CHECK_EQ(vm_map_object(vs, S, P, R, VMA_SHARED, &obj, 0), 0);
	CHECK_EQ(vm_protect(vs, S, P, RW), -EACCES);
	CHECK_EQ(vm_protect(vs, S, P, R | VM_EXEC), 0);

	vm_space_destroy(child);
	vm_space_destroy(vs);
	CHECK_EQ(o.refs, 0);
	fake_obj_truncate(&o, 0);
	teardown();
}

UNIT_TEST(move_extend_find_free)
{
	struct fake_obj o = {.size_pages = 8};
	struct vm_object obj = {.ops = &fake_obj_ops, .obj = &o, .key = &o};
	struct vm_space *vs;
	const vaddr_t A = UB, T = UB + 64 * P;
	int err;

	setup();
	vs = vm_space_create();
	vm_space_activate(vs);
	CHECK_EQ(vm_map_anon(vs, A, 4 * P, RW), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(wr64(A + i * P, 100 + i), 0);

	/* Validation and failures change nothing. */
	CHECK_EQ(vm_move(vs, A + 1, P, T), -EINVAL);
	CHECK_EQ(vm_move(vs, A, 5 * P, T), -EFAULT); /* not one region */
	CHECK_EQ(vm_move(vs, A, P, A + 2 * P), -EEXIST);
	kmalloc_fail_in = 0;
	CHECK_EQ(vm_move(vs, A + P, 2 * P, T), -ENOMEM); /* the split's region */
	kmalloc_fail_in = -1;
	hog(0);
	CHECK_EQ(vm_move(vs, A + P, 2 * P, UB + 4096 * P), -ENOMEM); /* its tables */
	unhog();
	check_one(vs);
	CHECK_EQ(vs->nr_areas, 1);

	/* The middle moves with its pages; the ends stay. */
	CHECK_EQ(vm_move(vs, A + P, 2 * P, T), 0);
	CHECK_EQ(vs->nr_areas, 3);
	CHECK_EQ(rd64(T, &err), 101);
	CHECK_EQ(rd64(T + P, &err), 102);
	CHECK_EQ(rd64(A, &err), 100);
	CHECK_EQ(rd64(A + 3 * P, &err), 103);
	CHECK(!vm_find_area(vs, A + P) && !vm_find_area(vs, A + 2 * P));
	CHECK(vm_range_free(vs, A + P, 2 * P));
	check_one(vs);
	/* Moved back, it merges with both neighbours again. */
	CHECK_EQ(vm_move(vs, T, 2 * P, A + P), 0);
	CHECK_EQ(vs->nr_areas, 1);
	CHECK_EQ(rd64(A + 2 * P, &err), 102);
	check_one(vs);

	/* Extend in place. */
	CHECK_EQ(vm_extend(vs, A + 4 * P, 2 * P), 0);
	CHECK_EQ(vm_find_area(vs, A)->end, A + 6 * P);
	CHECK_EQ(rd64(A + 5 * P, &err), 0);
	CHECK_EQ(vm_extend(vs, A + 5 * P, P), -EFAULT); /* no region ends there */
	CHECK_EQ(vm_map_anon(vs, A + 8 * P, P, R), 0);
	CHECK_EQ(vm_extend(vs, A + 6 * P, 4 * P), -EEXIST);
	check_one(vs);

	/* An object region keeps its object offset when it moves. */
	o.pages[5] = owner_page(0x55);
	CHECK_EQ(vm_map_object(vs, T, 2 * P, R, 0, &obj, 4), 0);
	CHECK_EQ(vm_move(vs, T + P, P, T + 32 * P), 0);
	CHECK_EQ(rd64(T + 32 * P, &err) & 0xffffffff, 0x55);
	CHECK_EQ(o.refs, 2);
	check_one(vs);

	/* vm_find_free: the highest gap, between regions, or none. */
	CHECK_EQ(vm_find_free(vs, A, A + 12 * P, P), A + 11 * P);
	CHECK_EQ(vm_find_free(vs, A, A + 9 * P, 2 * P), A + 6 * P);
	CHECK_EQ(vm_find_free(vs, A, A + 9 * P, 3 * P), 0);
	CHECK_EQ(vm_find_free(vs, A, A + 8 * P, P), A + 7 * P);
	CHECK_EQ(vm_find_free(vs, A + 6 * P, A + 8 * P, 2 * P), A + 6 * P);
	CHECK_EQ(vm_find_free(vs, 0, A, P), A - P);
	CHECK(!vm_range_mapped(vs, A, 9 * P) && vm_range_mapped(vs, A, 6 * P));

	vm_space_destroy(vs);
	CHECK_EQ(o.refs, 0);
	fake_obj_truncate(&o, 0);
	teardown();
}

UNIT_TEST(random_against_model)
{
	static struct model ms[NSPACES];
	struct model *active = &ms[0];
	struct vm_space *spaces[NSPACES];

	setup();
	memset(ms, 0, sizeof(ms));
	memset(files, 0, sizeof(files));
	for (int k = 0; k < NFILE; k++)
		file_replace(k);
	ms[0].vs = vm_space_create();
	vm_space_activate(ms[0].vs);
	for (int step = 0; step < STEPS; step++) {
		model_step(ms, &active);
		if (step % 16 == 0 || step == STEPS - 1) {
			for (int k = 0; k < NSPACES; k++)
				spaces[k] = ms[k].vs;
			check_spaces(spaces, NSPACES);
			check_files();
		}
	}
	for (int k = 0; k < NSPACES; k++)
		vm_space_destroy(ms[k].vs);
	for (int k = 0; k < NFILE; k++)
		owner_put(files[k]);
	teardown();
}
