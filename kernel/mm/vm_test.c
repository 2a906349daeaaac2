/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm_test.c - ktests for address spaces on the real MMU: regions, demand-zero
 * pages, copy-on-write after a clone and permission faults, all touched
 * through copy_to_user/copy_from_user, whose page faults go to
 * vm_handle_fault. Every test puts back the space that was active before it
 * and checks that the page-table count returns to where it started. The
 * exhaustive cases are host tests (tests/unit/test_vm.c).
 */
#include "errno.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "vm.h"

#define P ((size_t)PAGE_SIZE)

/* A user address well inside the user range, 2 MiB aligned. */
static vaddr_t test_base(void)
{
	return ALIGN_UP(arch_user_base(), MiB(2)) + MiB(256);
}

static void *uptr(vaddr_t va)
{
	return (void *)va;
}

KTEST(vm, map_unmap_protect)
{
	u64 tables = mm_pagetable_pages;
	struct vm_space *vs = vm_space_create();
	vaddr_t b = test_base();

	KT_EXPECT(t, vs != NULL);
	if (!vs)
		return;
	KT_EXPECT_EQ(t, vm_map_anon(vs, b, 8 * P, VM_READ | VM_WRITE), 0);
	KT_EXPECT_EQ(t, vm_map_anon(vs, b + P, P, VM_READ), -EEXIST);
	KT_EXPECT_EQ(t, vm_map_anon(vs, b + 1, P, VM_READ), -EINVAL);
	KT_EXPECT_EQ(t, vm_map_anon(vs, arch_user_top(), P, VM_READ), -EINVAL);
	KT_EXPECT_EQ(t, vm_protect(vs, b + 2 * P, 2 * P, VM_READ), 0);
	KT_EXPECT_EQ(t, vs->nr_areas, 3);
	KT_EXPECT_EQ(t, vm_find_area(vs, b + 2 * P)->prot, VM_READ);
	KT_EXPECT_EQ(t, vm_unmap(vs, b + 5 * P, P), 0);
	KT_EXPECT_EQ(t, vs->nr_areas, 4);
	KT_EXPECT(t, vm_find_area(vs, b + 5 * P) == NULL);
	KT_EXPECT_EQ(t, vm_protect(vs, b, 8 * P, VM_READ), -ENOMEM); /* hole */
	KT_EXPECT_EQ(t, vm_unmap(vs, b, 8 * P), 0);
	KT_EXPECT_EQ(t, vs->nr_areas, 0);
	KT_EXPECT_EQ(t, vs->table_pages, 1);
	vm_space_destroy(vs);
	KT_EXPECT_EQ(t, mm_pagetable_pages, tables);
}

KTEST(vm, demand_zero_reads_zero)
{
	u64 tables = mm_pagetable_pages;
	struct vm_space *old = vm_current(), *vs = vm_space_create();
	vaddr_t b = test_base();
	u8 buf[64];
	bool zero = true;

	KT_EXPECT(t, vs != NULL);
	if (!vs)
		return;
	KT_EXPECT_EQ(t, vm_map_anon(vs, b, 2 * P, VM_READ | VM_WRITE), 0);
	vm_space_activate(vs);
	memset(buf, 0xee, sizeof(buf));
	KT_EXPECT_EQ(t, copy_from_user(buf, uptr(b + P - 32), sizeof(buf)), 0); /* both pages */
	for (size_t i = 0; i < sizeof(buf); i++)
		zero &= buf[i] == 0;
	KT_EXPECT(t, zero);
	KT_EXPECT_EQ(t, vs->resident_pages, 2);
	KT_EXPECT_EQ(t, copy_to_user(uptr(b + 100), "matrioska", 10), 0);
	KT_EXPECT_EQ(t, copy_from_user(buf, uptr(b + 100), 10), 0);
	KT_EXPECT_STREQ(t, (char *)buf, "matrioska");
	vm_space_activate(old);
	vm_space_destroy(vs);
	KT_EXPECT_EQ(t, mm_pagetable_pages, tables);
}

KTEST(vm, cow_after_clone)
{
	u64 tables = mm_pagetable_pages;
	struct vm_space *old = vm_current(), *parent = vm_space_create(), *child = NULL;
	vaddr_t b = test_base();
	char buf[8];

	KT_EXPECT(t, parent != NULL);
	if (!parent)
		return;
	KT_EXPECT_EQ(t, vm_map_anon(parent, b, P, VM_READ | VM_WRITE), 0);
	vm_space_activate(parent);
	KT_EXPECT_EQ(t, copy_to_user(uptr(b), "parent", 7), 0);
	child = vm_space_clone(parent);
	KT_EXPECT(t, child != NULL);
	if (!child)
		goto out;
	KT_EXPECT_EQ(t, phys_to_page(arch_pte_addr(vm_lookup_pte(parent, b)))->refcount, 2);

	vm_space_activate(child);
	KT_EXPECT_EQ(t, copy_from_user(buf, uptr(b), 7), 0);
	KT_EXPECT_STREQ(t, buf, "parent");
	KT_EXPECT_EQ(t, copy_to_user(uptr(b), "child", 6), 0); /* copies the page */
	KT_EXPECT_EQ(t, copy_from_user(buf, uptr(b), 6), 0);
	KT_EXPECT_STREQ(t, buf, "child");
	KT_EXPECT(t, arch_pte_addr(vm_lookup_pte(child, b)) !=
			     arch_pte_addr(vm_lookup_pte(parent, b)));

	vm_space_activate(parent);
	KT_EXPECT_EQ(t, copy_from_user(buf, uptr(b), 7), 0);
	KT_EXPECT_STREQ(t, buf, "parent");
	KT_EXPECT_EQ(t, copy_to_user(uptr(b), "again", 6), 0); /* sole owner: no copy */
out:
	vm_space_activate(old);
	vm_space_destroy(child);
	vm_space_destroy(parent);
	KT_EXPECT_EQ(t, mm_pagetable_pages, tables);
}

KTEST(vm, permission_faults)
{
	u64 tables = mm_pagetable_pages;
	struct vm_space *old = vm_current(), *vs = vm_space_create();
	vaddr_t b = test_base();
	u64 v = 1;

	KT_EXPECT(t, vs != NULL);
	if (!vs)
		return;
	KT_EXPECT_EQ(t, vm_map_anon(vs, b, P, VM_READ), 0);
	KT_EXPECT_EQ(t, vm_map_anon(vs, b + 2 * P, P, VM_READ | VM_WRITE), 0);
	vm_space_activate(vs);
	KT_EXPECT_EQ(t, copy_to_user(uptr(b), &v, sizeof(v)), -EFAULT); /* read-only */
	KT_EXPECT_EQ(t, copy_from_user(&v, uptr(b), sizeof(v)), 0);
	KT_EXPECT_EQ(t, v, 0);
	KT_EXPECT_EQ(t, copy_to_user(uptr(b), &v, sizeof(v)),
		     -EFAULT); /* present, still read-only */
	KT_EXPECT_EQ(t, copy_from_user(&v, uptr(b + P), sizeof(v)), -EFAULT); /* no region */
	KT_EXPECT_EQ(t, copy_to_user(uptr(b + 2 * P), &v, sizeof(v)), 0);
	KT_EXPECT_EQ(t, vm_protect(vs, b + 2 * P, P, VM_READ), 0);
	KT_EXPECT_EQ(t, copy_to_user(uptr(b + 2 * P), &v, sizeof(v)), -EFAULT);
	vm_space_activate(old);
	vm_space_destroy(vs);
	KT_EXPECT_EQ(t, mm_pagetable_pages, tables);
}
