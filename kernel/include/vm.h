/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm.h - address spaces (kernel/mm/vm.c): a 4-level page table plus a
 * red-black tree of regions (struct vm_area), with demand-zero anonymous
 * memory, copy-on-write cloning for fork, copy-on-write mappings of pages
 * owned by someone else (file pages: vm_map_page), regions backed by a
 * memory object (a tmpfs file: private copy-on-write or shared), moving and
 * growing regions (mremap), dropping pages (MADV_DONTNEED), and a
 * page-fault resolver with an out-of-memory policy (kernel/mm/oom.c).
 *
 * The kernel half of every address space is shared with the kernel's own
 * page table (arch_pt_share_kernel); vm.c only ever creates mappings in the
 * user range [arch_user_base(), arch_user_top()).
 *
 * Locking: vm_space.lock (a mutex, vm_lock) covers the tree and the
 * tables; callers take it around vm.c's functions (see vm_lock below and
 * the lock order in vm.c).
 */
#ifndef MATRIOSKA_VM_H
#define MATRIOSKA_VM_H

#include "arch.h"
#include "list.h"
#include "rbtree.h"
#include "sync.h"
#include "types.h"

struct page;

/* Region protections (same bits as PTE_PROT_*). */
#define VM_READ PTE_PROT_READ
#define VM_WRITE PTE_PROT_WRITE
#define VM_EXEC PTE_PROT_EXEC

/* Region kinds */
#define VMA_ANON 0x1	 /* private anonymous memory, demand-zero */
#define VMA_SHARED 0x2	 /* the object's pages are mapped themselves: writes reach it */
#define VMA_MAYWRITE 0x4 /* shared: the object may be written (its file is open for writing) */

/* Fault access kinds for vm_handle_fault */
#define VM_FAULT_READ 0x1
#define VM_FAULT_WRITE 0x2
#define VM_FAULT_EXEC 0x4
#define VM_FAULT_PRESENT 0x8 /* the page was present (a protection fault) */

struct vm_space;

/*
 * What a region backed by an object (a tmpfs file, or the unlinked file
 * behind a shared anonymous mapping) asks of its owner.
 */
struct vm_object_ops {
	/*
	 * The object's page index, referenced for the caller. create: a hole
	 * gets a new zeroed page (shared regions); otherwise a hole is -ENOENT
	 * (private regions map zeros there). -ENXIO: at or past the end of the
	 * object (the access gets SIGBUS); -ENOMEM. May sleep.
	 */
	int (*get_page)(void *obj, u64 index, bool create, struct page **out);
	void (*get)(void *obj); /* one more reference (a region split or cloned) */
	void (*put)(void *obj); /* may sleep */
};

/* An object reference as a region holds it. */
struct vm_object {
	const struct vm_object_ops *ops; /* NULL: no object (anonymous memory) */
	void *obj;			 /* referenced by the region */
	const void *key;		 /* identity for vm_object_truncate (the inode) */
};

/*
 * A region. An object region maps page (pgoff + (va - start) / PAGE_SIZE)
 * of its object at va: shared ones map the object's page itself (writable
 * if the region is), private ones map it copy-on-write and copy on the
 * first write; holes of a private region are demand-zero.
 */
struct vm_area {
	struct rb_node node; /* in vm_space.areas, keyed by start */
	vaddr_t start, end;  /* [start, end), page aligned */
	u32 prot;	     /* VM_READ | VM_WRITE | VM_EXEC */
	u32 flags;	     /* VMA_* */
	struct vm_object obj;
	u64 pgoff;		   /* object page index mapped at start */
	struct vm_space *vs;	   /* the space the region belongs to */
	struct list_head obj_link; /* in vm.c's list of object regions (vm_objects_lock) */
};

struct vm_space {
	pte_t *root; /* root table (direct-map address) */
	paddr_t root_phys;
	struct rb_root areas; /* non-overlapping vm_areas */
	u64 nr_areas;
	u64 resident_pages; /* leaf pages mapped */
	u64 table_pages;    /* page-table pages, root included */
	/*
	 * Serializes the threads that share the space (vm_lock): set up on
	 * first use (lock_ready), so vm.c's zeroed allocation is enough.
	 */
	struct mutex lock;
	u32 lock_ready;
};

/*
 * The threads of a process share its space: region changes (mmap, munmap,
 * mprotect, brk, mremap, madvise), faults and fork's clone of a space run
 * under vs->lock (kernel/mm/vm_lock.c), a sleeping lock. vm_lock returns
 * whether it took the lock - false when the caller already holds it (an
 * mmap that fills user memory faults inside) - and vm_unlock takes that
 * answer. Thread context, may sleep.
 */
bool vm_lock(struct vm_space *vs);
void vm_unlock(struct vm_space *vs, bool taken);
/*
 * vm_lock without waiting, for reaching into another space while holding
 * a spinlock (vm_object_truncate): true when the caller may go on, with
 * *taken for vm_unlock; false when someone else holds it. Never sleeps.
 */
bool vm_trylock(struct vm_space *vs, bool *taken) __must_check;

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
/* The space each CPU has loaded (NULL: the kernel's table); that CPU's, interrupts off (vm.c). */
extern struct vm_space *vm_active[];
/*
 * vm_space_activate() for the IPC switch (sched_ipc_switch) between two
 * processes' threads on CPU cpu, this one: interrupts are off and the
 * thread is no kernel thread. Inline: it runs at every such switch.
 */
static inline void vm_space_activate_user(struct vm_space *vs, u32 cpu)
{
	vm_active[cpu] = vs;
	arch_mmu_load(vs->root_phys);
}

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
/*
 * Reserve [start, start + len) as a region backed by obj from its page
 * pgoff; flags VMA_SHARED and VMA_MAYWRITE. Pages come from obj on first
 * touch. The region takes a reference on obj (obj->ops->get). Errors as
 * vm_map_anon; -EACCES for a writable shared region without VMA_MAYWRITE.
 */
int vm_map_object(struct vm_space *vs, vaddr_t start, size_t len, u32 prot, u32 flags,
		  const struct vm_object *obj, u64 pgoff) __must_check;
/* Remove [start, start+len) (may split regions); frees pages and empty tables. */
int vm_unmap(struct vm_space *vs, vaddr_t start, size_t len) __must_check;
/*
 * Change the protection of [start, start+len); every page must be inside
 * regions (-ENOMEM for a hole); -EACCES when a shared region without
 * VMA_MAYWRITE would become writable.
 */
int vm_protect(struct vm_space *vs, vaddr_t start, size_t len, u32 prot) __must_check;
/* Is every page of [start, start + len) inside a region? (arguments as vm_range_ok) */
bool vm_range_mapped(struct vm_space *vs, vaddr_t start, size_t len);
/* Is [start, start + len) valid and free of regions? */
bool vm_range_free(struct vm_space *vs, vaddr_t start, size_t len);
/* The highest free len bytes (page multiple) inside [lo, hi); 0 if none. O(regions crossed). */
vaddr_t vm_find_free(struct vm_space *vs, vaddr_t lo, vaddr_t hi, size_t len);
/* mincore: is the page at va present (mapped here, or held by the region's object)? */
bool vm_page_resident(struct vm_space *vs, vaddr_t va);
/*
 * Drop the pages of [start, start + len) and keep the regions
 * (MADV_DONTNEED): anonymous memory reads back as zeros afterwards, object
 * regions read the object again. -EINVAL: bad range; -ENOMEM: a hole
 * (nothing is dropped then).
 */
int vm_discard(struct vm_space *vs, vaddr_t start, size_t len) __must_check;
/*
 * Move [from, from + len), which must lie in one region, to [to, to + len),
 * which must be free; the pages move with it (mremap). -EINVAL: bad range;
 * -EFAULT: not inside one region; -EEXIST: target in use; -ENOMEM.
 */
int vm_move(struct vm_space *vs, vaddr_t from, size_t len, vaddr_t to) __must_check;
/*
 * Grow the region that ends at end by len bytes in place; [end, end + len)
 * must be free. -EFAULT: no region ends at end; -EEXIST; -EINVAL.
 */
int vm_extend(struct vm_space *vs, vaddr_t end, size_t len) __must_check;
/*
 * The object whose identity is key lost its pages from first_index on
 * (truncate): every region mapping them, in any space, drops them, so a
 * later access refaults (and gets SIGBUS past the new end). Call it
 * without the object's own lock held (faults take it inside the space).
 */
void vm_object_truncate(const void *key, u64 first_index);

/* The region containing addr, or NULL. O(log n). */
struct vm_area *vm_find_area(struct vm_space *vs, vaddr_t addr);

/*
 * Resolve a page fault at addr (VM_FAULT_* access). Returns 0 when the access
 * can now be retried (demand-zero page mapped, COW copied or made writable),
 * -EFAULT when no region covers addr, -EACCES when the region forbids the
 * access, -ENXIO when addr lies past the end of the region's object (the
 * access gets SIGBUS), -ENOMEM when a page could not be allocated.
 */
int vm_handle_fault(struct vm_space *vs, vaddr_t addr, u32 access);

/*
 * A fault of the current process (from user mode, or a uaccess copy) with
 * the out-of-memory policy of kernel/mm/oom.c: when vm_handle_fault runs
 * out of memory, the largest user process is killed (SIGKILL, one log
 * line) and the fault retried once memory is back. Returns 0 (retry the
 * access), -EINTR when the caller itself was chosen (return to user mode:
 * the pending SIGKILL ends it), or vm_handle_fault's other errors. May sleep.
 */
int vm_user_fault(struct vm_space *vs, vaddr_t addr, u32 access);
/*
 * A user page allocation failed outside a fault (mmap population, brk):
 * run the same policy. true: memory may be back, retry; false: the caller
 * was chosen or no victim exists, fail with -ENOMEM.
 */
bool oom_retry(void);
/*
 * A kernel copy to or from user memory (copy_to_user's fault) ran out of
 * memory: choose and kill a victim as above but without sleeping (a trap
 * may not); the copy fails with -EFAULT and memory comes back when the
 * victim exits. Any context.
 */
void oom_kill_nowait(void);

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
