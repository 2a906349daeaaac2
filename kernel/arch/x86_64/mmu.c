/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mmu.c - the x86_64 page-table entry format and MMU control behind the
 * "MMU" hooks of arch.h, used by the generic address-space code in
 * kernel/mm/vm.c: 4 levels of 512 entries, 48-bit virtual addresses, user
 * space in the lower canonical half [USER_BASE, USER_TOP), the kernel in the
 * upper half (PML4 slots 256-511, shared by every address space).
 *
 * Entry bits used: P (0), RW (1), US (2), PS (7, large pages: only the
 * kernel's own tables), bit 9 (available to software: copy-on-write), NX
 * (63, only when the CPU has it; otherwise the bit is reserved and must be 0).
 */
#include "arch.h"
#include "cpu.h"
#include "smp.h"
#include "x86.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_COW (1ull << 9)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define USER_BASE 0x10000ull	       /* the low 64 KiB stay unmapped: NULL-ish pointers fault */
#define USER_TOP 0x00007ffffffff000ull /* last page below the canonical hole left out */

unsigned int arch_pt_index(vaddr_t va, int level)
{
	return (unsigned int)(va >> (12 + 9 * level)) & 511;
}

pte_t arch_pte_leaf(paddr_t pa, u32 prot)
{
	pte_t e = (pa & PTE_ADDR) | PTE_P;

	if ((prot & PTE_PROT_WRITE) && !(prot & PTE_PROT_COW))
		e |= PTE_RW;
	if (prot & PTE_PROT_USER)
		e |= PTE_US;
	if (prot & PTE_PROT_COW)
		e |= PTE_COW;
	if (!(prot & PTE_PROT_EXEC) && x86_cpu.nx)
		e |= PTE_NX;
	return e;
}

pte_t arch_pte_table(paddr_t pa)
{
	return (pa & PTE_ADDR) | PTE_P | PTE_RW | PTE_US;
}

bool arch_pte_present(pte_t e)
{
	return e & PTE_P;
}

bool arch_pte_huge(pte_t e)
{
	return e & PTE_PS;
}

paddr_t arch_pte_addr(pte_t e)
{
	return e & PTE_ADDR;
}

u32 arch_pte_prot(pte_t e)
{
	u32 prot = PTE_PROT_READ;

	if (e & PTE_RW)
		prot |= PTE_PROT_WRITE;
	if (e & PTE_US)
		prot |= PTE_PROT_USER;
	if (e & PTE_COW)
		prot |= PTE_PROT_COW;
	if (!(e & PTE_NX))
		prot |= PTE_PROT_EXEC;
	return prot;
}

void arch_pt_share_kernel(pte_t *root)
{
	const pte_t *kroot = phys_to_virt(arch_mmu_kernel_root());

	for (int i = 256; i < 512; i++)
		root[i] = kroot[i];
}

vaddr_t arch_user_base(void)
{
	return USER_BASE;
}

vaddr_t arch_user_top(void)
{
	return USER_TOP;
}

paddr_t arch_mmu_current(void)
{
	return read_cr3() & PTE_ADDR;
}

paddr_t arch_mmu_kernel_root(void)
{
	return kernel_root_phys;
}

void arch_tlb_flush_page(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3()); /* drops every non-global entry */
}

void arch_tlb_flush_cpus(u64 cpu_mask, vaddr_t start, size_t len)
{
	cpu_mask &= ~(1ull << this_cpu()->id);
	if (nr_cpus < 2 || !cpu_mask)
		return;
	x86_tlb_shootdown(cpu_mask, start, len);
}

void arch_tlb_flush_others(vaddr_t start, size_t len)
{
	u64 others;

	if (nr_cpus < 2)
		return;
	others = ((nr_cpus >= 64) ? ~0ull : (1ull << nr_cpus) - 1) & ~(1ull << this_cpu()->id);
	x86_tlb_shootdown(others, start, len);
}
