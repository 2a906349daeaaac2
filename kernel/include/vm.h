/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm.h - address spaces (kernel/mm/vm.c): a 4-level page table plus a
 * red-black tree of regions (struct vm_area), with demand-zero anonymous
 * memory, copy-on-write cloning for fork, copy-on-write mappings of pages
 * owned by someone else (file pages: vm_map_page), and a page-fault resolver.
 *
 * The kernel half of every address space is shared with the kernel's own
 * page table (arch_pt_share_kernel); vm.c only ever creates mappings in the
 * user range [arch_user_base(), arch_user_top()).
 *
 * Locking: one vm_space is used by one thread at a time for now; when SMP
 * arrives, vm_space.lock (a sleeping lock) covers the tree and the tables.
 */
#ifndef MATRIOSKA_VM_H
#define MATRIOSKA_VM_H

#include "arch.h"
#include "rbtree.h"
#include "types.h"

struct page;

/* Region protections (same bits as PTE_PROT_*). */
#define VM_READ PTE_PROT_READ
#define VM_WRITE PTE_PROT_WRITE
#define VM_EXEC PTE_PROT_EXEC

/* Region kinds */
#define VMA_ANON 0x1 /* private anonymous memory, demand-zero */

/* Fault access kinds for vm_handle_fault */
#define VM_FAULT_READ 0x1
#define VM_FAULT_WRITE 0x2
#define VM_FAULT_EXEC 0x4
#define VM_FAULT_PRESENT 0x8 /* the page was present (a protection fault) */

struct vm_area {
	struct rb_node node; /* in vm_space.areas, keyed by start */
	vaddr_t start, end;  /* [start, end), page aligned */
	u32 prot;	     /* VM_READ | VM_WRITE | VM_EXEC */
	u32 flags;	     /* VMA_* */
};

struct vm_space {
	pte_t *root; /* root table (direct-map address) */
	paddr_t root_phys;
	struct rb_root areas; /* non-overlapping vm_areas */
	u64 nr_areas;
	u64 resident_pages; /* leaf pages mapped */
	u64 table_pages;    /* page-table pages, root included */
};

/* A new, empty address space; NULL if out of memory. */
struct vm_space *vm_space_create(void);
/* Unmap everything, free the tables and the space. */
void vm_space_destroy(struct vm_space *vs);
/*
 * A copy-on-write clone (fork): same regions; every present private page
 * becomes shared and read-only in both spaces, with its refcount raised.
 * NULL if out of memory (nothing leaks).
 */
struct vm_space *vm_space_clone(struct vm_space *vs);
/* Switch this CPU to vs (NULL: the kernel's own table). */
void vm_space_activate(struct vm_space *vs);

/*
 * Reserve [start, start + len) as a region. Pages are allocated on first
 * touch (demand-zero). -EINVAL for unaligned/empty/out-of-user-range
 * arguments, -EEXIST if it overlaps a region, -ENOMEM.
 */
int vm_map_anon(struct vm_space *vs, vaddr_t start, size_t len, u32 prot) __must_check;
/*
 * Map the existing page p at va, copy-on-write: va must be page aligned,
 * inside a region, with nothing mapped there yet. The entry is read-only and
 * carries PTE_PROT_COW whatever the region allows, and holds a reference of
 * its own (page_get); the caller keeps its reference. A write fault in a
 * writable region copies the page while anyone else (another mapping, the
 * file system that owns it) still holds it. This is how file pages are
 * shared instead of copied (exec, private file mmap); vm_unmap and
 * vm_space_destroy drop the reference like any other page's.
 * -EINVAL: unaligned or outside the user range, or p has no reference;
 * -EFAULT: no region covers va; -EEXIST: a page is mapped there; -ENOMEM.
 */
int vm_map_page(struct vm_space *vs, vaddr_t va, struct page *p) __must_check;
/* Remove [start, start+len) (may split regions); frees pages and empty tables. */
int vm_unmap(struct vm_space *vs, vaddr_t start, size_t len) __must_check;
/* Change the protection of [start, start+len); every page must be inside regions. */
int vm_protect(struct vm_space *vs, vaddr_t start, size_t len, u32 prot) __must_check;

/* The region containing addr, or NULL. O(log n). */
struct vm_area *vm_find_area(struct vm_space *vs, vaddr_t addr);

/*
 * Resolve a page fault at addr (VM_FAULT_* access). Returns 0 when the access
 * can now be retried (demand-zero page mapped, COW copied or made writable),
 * -EFAULT when no region covers addr, -EACCES when the region forbids the
 * access, -ENOMEM when a page could not be allocated.
 */
int vm_handle_fault(struct vm_space *vs, vaddr_t addr, u32 access);

/* The leaf entry for va, or 0 if unmapped (for tests and /proc). */
pte_t vm_lookup_pte(struct vm_space *vs, vaddr_t va);

/*
 * The one place TLB entries of an address space are invalidated: a single
 * page when len == PAGE_SIZE, a range, or everything (len == 0). vs == NULL
 * means kernel-half mappings (arch_kmap), flushed in whatever space is
 * active. SMP will add the shootdown IPI here.
 */
void vm_tlb_flush(struct vm_space *vs, vaddr_t start, size_t len);

/* The address space active on this CPU (NULL = kernel only). */
struct vm_space *vm_current(void);

#endif
