/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mmu_host.c - the MMU hooks of arch.h for host unit tests, plus a software
 * MMU that plays the CPU. Entries use an x86-64-like format (present,
 * writable, user, page size, a software COW bit in an ignored position, NX;
 * physical address in bits 12..51) and 9-bit indexes per level over 48-bit
 * virtual addresses, so kernel/mm/vm.c runs against the same shape of tables
 * as on x86_64.
 *
 * host_mmu_access() translates like a CPU in user mode, including a small
 * TLB: successful walks are cached and only arch_tlb_flush_page(),
 * arch_tlb_flush_all() and arch_mmu_load() remove them (plus the faulting
 * page on a fault, as on x86). A flush that vm.c forgets therefore leaves a
 * stale, observable translation. host_user_access() adds what the kernel's
 * fault path does: on a fault, ask vm_handle_fault() and retry once.
 *
 * Single-threaded, like every host test; no locking.
 */
#include "arch.h"
#include "arch_host.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "vm.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_SW_COW (1ull << 9) /* ignored by the "hardware": software use */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define HOST_USER_BASE 0x1000ul
#define HOST_USER_TOP 0x00007ffffffff000ul
#define HOST_KERNEL_ROOT_PHYS 0x1000ull /* below fake RAM: never a real frame */
#define HOST_TLB_ENTRIES 16

/* The kernel's own root: empty user half, a few supervisor entries above. */
static pte_t kernel_root[ARCH_PT_ENTRIES] __aligned(PAGE_SIZE) = {
	[256] = 0xfee00000ull | PTE_P | PTE_W,
	[300] = 0xfed00000ull | PTE_P | PTE_W | PTE_NX,
	[511] = 0xfec00000ull | PTE_P | PTE_W,
};

static paddr_t cur_root = HOST_KERNEL_ROOT_PHYS;
static struct host_mmu_stats stats;

/* A cached translation: permissions are those of the whole walk. */
struct tlb_entry {
	bool valid;
	vaddr_t vpage;
	paddr_t ppage;
	bool user, writable, nx;
};
static struct tlb_entry tlb[HOST_TLB_ENTRIES];
static unsigned int tlb_next; /* round-robin replacement */

/* ---- arch.h hooks ---- */

unsigned int arch_pt_index(vaddr_t va, int level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * level)) & (ARCH_PT_ENTRIES - 1);
}

pte_t arch_pte_leaf(paddr_t pa, u32 prot)
{
	pte_t e = (pa & PTE_ADDR) | PTE_P;

	if (prot & PTE_PROT_WRITE)
		e |= PTE_W;
	if (prot & PTE_PROT_USER)
		e |= PTE_U;
	if (!(prot & PTE_PROT_EXEC))
		e |= PTE_NX;
	if (prot & PTE_PROT_COW)
		e |= PTE_SW_COW;
	return e;
}

pte_t arch_pte_table(paddr_t pa)
{
	return (pa & PTE_ADDR) | PTE_P | PTE_W | PTE_U;
}

bool arch_pte_present(pte_t e)
{
	return e & PTE_P;
}

bool arch_pte_huge(pte_t e)
{
	return (e & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS);
}

paddr_t arch_pte_addr(pte_t e)
{
	return e & PTE_ADDR;
}

u32 arch_pte_prot(pte_t e)
{
	u32 prot = PTE_PROT_READ; /* as on x86, present means readable */

	if (!(e & PTE_P))
		return 0;
	if (e & PTE_W)
		prot |= PTE_PROT_WRITE;
	if (!(e & PTE_NX))
		prot |= PTE_PROT_EXEC;
	if (e & PTE_U)
		prot |= PTE_PROT_USER;
	if (e & PTE_SW_COW)
		prot |= PTE_PROT_COW;
	return prot;
}

void arch_pt_share_kernel(pte_t *root)
{
	for (unsigned int i = ARCH_PT_ENTRIES / 2; i < ARCH_PT_ENTRIES; i++)
		root[i] = kernel_root[i];
}

vaddr_t arch_user_base(void)
{
	return HOST_USER_BASE;
}

vaddr_t arch_user_top(void)
{
	return HOST_USER_TOP;
}

static void tlb_clear(void)
{
	memset(tlb, 0, sizeof(tlb));
}

void arch_mmu_load(paddr_t root)
{
	cur_root = root;
	stats.loads++;
	tlb_clear(); /* like a CR3 write without PCIDs */
}

paddr_t arch_mmu_current(void)
{
	return cur_root;
}

paddr_t arch_mmu_kernel_root(void)
{
	return HOST_KERNEL_ROOT_PHYS;
}

void arch_tlb_flush_page(vaddr_t va)
{
	stats.flush_page++;
	for (unsigned int i = 0; i < HOST_TLB_ENTRIES; i++)
		if (tlb[i].valid && tlb[i].vpage == (va & PAGE_MASK))
			tlb[i].valid = false;
}

void arch_tlb_flush_cpus(u64 cpu_mask, vaddr_t start, size_t len)
{
	(void)cpu_mask;
	(void)start;
	(void)len; /* one simulated CPU */
}

void arch_tlb_flush_others(vaddr_t start, size_t len)
{
	(void)start;
	(void)len; /* one simulated CPU: nobody else to tell */
}

void arch_tlb_flush_all(void)
{
	stats.flush_all++;
	tlb_clear();
}

/* ---- test controls ---- */

void host_mmu_reset(void)
{
	cur_root = HOST_KERNEL_ROOT_PHYS;
	tlb_clear();
	memset(&stats, 0, sizeof(stats));
}

void host_mmu_get_stats(struct host_mmu_stats *s)
{
	*s = stats;
}

const u64 *host_kernel_root_table(void)
{
	return kernel_root;
}

/* ---- the software MMU ---- */

static const pte_t *table_at(paddr_t pa)
{
	return pa == HOST_KERNEL_ROOT_PHYS ? kernel_root : phys_to_virt(pa);
}

static int tlb_check(const struct tlb_entry *t, u32 access)
{
	if (!t->user)
		return HOST_FAULT_PROTECTION;
	if ((access & VM_FAULT_WRITE) && !t->writable)
		return HOST_FAULT_PROTECTION;
	if ((access & VM_FAULT_EXEC) && t->nx)
		return HOST_FAULT_PROTECTION;
	return 0;
}

static void tlb_drop(vaddr_t vpage)
{
	for (unsigned int i = 0; i < HOST_TLB_ENTRIES; i++)
		if (tlb[i].valid && tlb[i].vpage == vpage)
			tlb[i].valid = false;
}

int host_mmu_access(vaddr_t va, u32 access, paddr_t *pa)
{
	vaddr_t vpage = va & PAGE_MASK;
	struct tlb_entry walk = {.valid = true, .vpage = vpage, .user = true, .writable = true};
	paddr_t table = cur_root;
	int fault;

	if (va >= 0x0000800000000000ul) /* non-canonical or kernel half */
		return HOST_FAULT_PROTECTION;
	for (unsigned int i = 0; i < HOST_TLB_ENTRIES; i++) {
		if (!tlb[i].valid || tlb[i].vpage != vpage)
			continue;
		fault = tlb_check(&tlb[i], access);
		if (fault) {
			tlb[i].valid = false; /* a fault drops the entry it used */
			return fault;
		}
		*pa = tlb[i].ppage | (va & ~PAGE_MASK);
		return 0;
	}
	for (int level = ARCH_PT_LEVELS - 1; level >= 0; level--) {
		pte_t e = table_at(table)[arch_pt_index(va, level)];

		if (!(e & PTE_P)) {
			tlb_drop(vpage);
			return HOST_FAULT_NOT_PRESENT;
		}
		walk.user &= !!(e & PTE_U);
		walk.writable &= !!(e & PTE_W);
		walk.nx |= !!(e & PTE_NX);
		table = e & PTE_ADDR;
		if (level > 0 && (e & PTE_PS))
			return HOST_FAULT_PROTECTION; /* vm.c never makes large pages */
	}
	walk.ppage = table;
	fault = tlb_check(&walk, access);
	if (fault) {
		tlb_drop(vpage);
		return fault;
	}
	tlb[tlb_next] = walk;
	tlb_next = (tlb_next + 1) % HOST_TLB_ENTRIES;
	*pa = walk.ppage | (va & ~PAGE_MASK);
	return 0;
}

int host_user_access(vaddr_t va, u32 access, paddr_t *pa)
{
	int fault = host_mmu_access(va, access, pa);
	int err;

	if (!fault)
		return 0;
	if (fault == HOST_FAULT_PROTECTION)
		access |= VM_FAULT_PRESENT;
	err = vm_handle_fault(vm_current(), va, access);
	if (err)
		return err;
	return host_mmu_access(va, access & ~VM_FAULT_PRESENT, pa) ? -EFAULT : 0;
}

int host_user_read(vaddr_t va, void *buf, size_t n)
{
	u8 *dst = buf;

	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (va & ~PAGE_MASK));
		paddr_t pa;
		int err = host_user_access(va, VM_FAULT_READ, &pa);

		if (err)
			return err;
		memcpy(dst, phys_to_virt(pa), chunk);
		dst += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

int host_user_write(vaddr_t va, const void *buf, size_t n)
{
	const u8 *src = buf;

	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (va & ~PAGE_MASK));
		paddr_t pa;
		int err = host_user_access(va, VM_FAULT_WRITE, &pa);

		if (err)
			return err;
		memcpy(phys_to_virt(pa), src, chunk);
		src += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}
