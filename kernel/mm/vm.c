/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm.c - address spaces: regions of anonymous memory in a red-black tree,
 * the user half of a 4-level page table, demand-zero faults, copy-on-write
 * cloning for fork, copy-on-write mappings of pages owned elsewhere (file
 * pages shared by exec and mmap: vm_map_page), regions backed by an object
 * (tmpfs files, shared anonymous memory) whose pages are found at fault
 * time, moving and growing regions (mremap), and the one place where TLB
 * entries are invalidated.
 *
 * The tables are generic: the walk uses only the arch_pt_* and arch_pte_*
 * hooks of arch.h and reaches every table through the direct map. Only the
 * user range [arch_user_base(), arch_user_top()) is ever written; the kernel
 * half of each root is a copy of the kernel's (arch_pt_share_kernel).
 *
 * Invariants (tests/unit/test_vm.c checks them after every random step):
 *  - regions never overlap, are page aligned and non-empty; nr_areas is the
 *    size of the tree; adjacent anonymous regions with equal protections are
 *    merged (object regions never are);
 *  - a region with an object holds one reference on it (obj.ops->get) and
 *    is on vm_objects (under vm_objects_lock) for as long as it exists;
 *  - a leaf in a shared region maps the object's own page and is never
 *    copy-on-write; a leaf in a private object region maps the object's page
 *    copy-on-write or a private copy;
 *  - a present leaf lies inside a region and equals
 *    arch_pte_leaf(pa, leaf_prot(region prot, cow)): a page that may be
 *    shared (it went through vm_space_clone, or vm_map_page put someone
 *    else's page there) carries PTE_PROT_COW and is never writable until a
 *    write fault copies it or finds it unshared;
 *  - each present leaf holds one reference on its page: page->refcount is
 *    the number of leaves, in all spaces, that map it, plus the references
 *    of owners outside vm.c (a tmpfs file holding a page that vm_map_page
 *    shared); so refcount 1 in a write fault means no one else can see the
 *    page, and it may be made writable in place;
 *  - struct page.private of a table page counts its present entries (the
 *    root's: in the user half), and a non-root table is freed as soon as
 *    that count is 0; a slot that is not present holds 0, so the walks
 *    skip empty slots with one compare and stop when the count is used up;
 *  - resident_pages counts present leaves, table_pages the table pages
 *    (root included); mm_pagetable_pages includes every space's tables;
 *  - a page or table taken out of a space is released only after the TLB
 *    flush that makes it unreachable (struct vm_gather; vm_space_destroy
 *    shoots the whole space down once before its teardown).
 *
 * Locking: the callers serialize the threads of a space with its lock
 * (vm_lock, kernel/mm/vm_lock.c). vm_objects_lock only covers the list of
 * object regions, and is taken inside a space's operations when a region
 * comes or goes: space lock -> vm_objects_lock. vm_object_truncate reaches
 * into other spaces from the list, the other way round, so it only tries a
 * space's lock under the list lock and, if that fails, drops the list lock
 * and starts over. Object locks (tmpfs's per-file spinlock) are taken
 * inside a space's operations (a fault's get_page); the VFS calls
 * vm_object_truncate after dropping its inode lock. vm_tlb_flush() shoots
 * down the other CPUs' entries; page refcounts are atomic. The active space is per CPU
 * (vm_active[]). A kernel thread that loads a user space itself has it recorded (thread.kvm) so the
 * scheduler loads it again whenever that thread runs; otherwise the scheduler gives kernel threads
 * the kernel's table, so a space is loaded only where one of its users runs and vm_space_destroy()
 * has just its own CPU to unload.
 */
#include "vm.h"
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"

#define VM_PROT_MASK (VM_READ | VM_WRITE | VM_EXEC)
#define PT_ROOT_LEVEL (ARCH_PT_LEVELS - 1)
#define PT_INDEX_BITS 9
STATIC_ASSERT((1 << PT_INDEX_BITS) == ARCH_PT_ENTRIES, "PT_INDEX_BITS must match ARCH_PT_ENTRIES");

/* A range flush of more pages than this flushes everything instead. */
#define VM_TLB_FLUSH_MAX_PAGES 32
/*
 * Pages a vm_gather holds before it flushes and releases them: more than
 * VM_TLB_FLUSH_MAX_PAGES, so a long unmap flushes everything once per batch
 * instead of page by page.
 */
#define VM_GATHER_MAX 64
STATIC_ASSERT(VM_GATHER_MAX > VM_TLB_FLUSH_MAX_PAGES, "a full gather should flush everything");

/* The space each CPU has loaded (NULL: the kernel's table); that CPU's, interrupts off. */
struct vm_space *vm_active[MAX_CPUS];

/* Every region with an object, in every space (vm_area.obj_link); for vm_object_truncate. */
static struct spinlock vm_objects_lock = SPINLOCK_INIT("vm_objects", LOCK_RANK_NONE);
static LIST_HEAD(vm_objects);

/* ---- page-table pages ---- */

/* Bytes mapped by one entry of a table at level. */
static inline vaddr_t pt_span(int level)
{
	return (vaddr_t)PAGE_SIZE << (PT_INDEX_BITS * level);
}

static inline pte_t *pt_table_of(pte_t e)
{
	return phys_to_virt(arch_pte_addr(e));
}

/* Store an entry in one piece: the MMU may be walking this table. */
static inline void pte_write(pte_t *slot, pte_t e)
{
	*(volatile pte_t *)slot = e;
}

/* Fill an empty slot, counting it in its table's page. */
static void pt_set(pte_t *slot, pte_t e)
{
	pte_write(slot, e);
	virt_to_page(slot)->private ++;
}

static void pt_clear(pte_t *slot)
{
	pte_write(slot, 0);
	virt_to_page(slot)->private --;
}

/* A zeroed, counted table page; NULL if out of memory. */
static struct page *pt_alloc(struct vm_space *vs)
{
	struct page *p = page_alloc(0, PAF_ZERO);

	if (!p)
		return NULL;
	p->flags |= PG_PAGETABLE;
	p->private = 0;
	vs->table_pages++;
	mm_pagetable_pages++;
	return p;
}

/* Uncount a table page that is no longer linked; the caller frees it (after a flush). */
static void pt_forget(struct vm_space *vs, struct page *p)
{
	p->flags &= ~PG_PAGETABLE;
	p->private = 0;
	vs->table_pages--;
	mm_pagetable_pages--;
}

/*
 * The level-0 slot for va, or NULL when a table on the way is missing. With
 * alloc, missing tables are created and NULL means out of memory; tables
 * created before the failure stay (pt_prune removes them).
 */
static pte_t *pt_walk(struct vm_space *vs, vaddr_t va, bool alloc)
{
	pte_t *table = vs->root;

	for (int level = PT_ROOT_LEVEL; level > 0; level--) {
		pte_t *slot = &table[arch_pt_index(va, level)];

		if (!arch_pte_present(*slot)) {
			struct page *p = alloc ? pt_alloc(vs) : NULL;

			if (!p)
				return NULL;
			pt_set(slot, arch_pte_table(page_to_phys(p)));
		} else if (arch_pte_huge(*slot)) {
			return NULL; /* never made here; not ours to walk */
		}
		table = pt_table_of(*slot);
	}
	return &table[arch_pt_index(va, 0)];
}

/*
 * The first slot in [i, last] of table that is not empty (not 0), or last + 1.
 * Eight slots per test: the user tables are mostly empty.
 */
static inline unsigned int pt_next_used(const pte_t *table, unsigned int i, unsigned int last)
{
	while (i + 8 <= last + 1 && !(table[i] | table[i + 1] | table[i + 2] | table[i + 3] |
				      table[i + 4] | table[i + 5] | table[i + 6] | table[i + 7]))
		i += 8;
	while (i <= last && !table[i])
		i++;
	return i;
}

/* ---- deferred release: struct vm_gather ---- */

/*
 * Pages and table pages taken out of a space, released only after the TLB
 * flush that covers [start, end), the addresses whose entries changed.
 */
struct vm_gather {
	struct vm_space *vs;
	vaddr_t start, end; /* start == end: nothing to flush */
	unsigned int nr;
	struct page *pages[VM_GATHER_MAX];
};

static void gather_init(struct vm_gather *g, struct vm_space *vs)
{
	g->vs = vs;
	g->start = g->end = 0;
	g->nr = 0;
}

static void gather_range(struct vm_gather *g, vaddr_t va)
{
	va &= PAGE_MASK;
	if (g->start == g->end) {
		g->start = va;
		g->end = va + PAGE_SIZE;
	} else {
		g->start = MIN(g->start, va);
		g->end = MAX(g->end, va + PAGE_SIZE);
	}
}

static void gather_flush(struct vm_gather *g)
{
	if (g->start != g->end)
		vm_tlb_flush(g->vs, g->start, g->end - g->start);
	for (unsigned int i = 0; i < g->nr; i++)
		page_put(g->pages[i]);
	g->start = g->end = 0;
	g->nr = 0;
}

/* p is no longer reachable through va's entries once the range is flushed. */
static void gather_page(struct vm_gather *g, vaddr_t va, struct page *p)
{
	gather_range(g, va);
	g->pages[g->nr++] = p;
	if (g->nr == VM_GATHER_MAX)
		gather_flush(g);
}

/* ---- table walks over ranges ---- */

/*
 * Clear every present leaf in [start, end) under table (at level), and free
 * the tables below it that become empty. Cannot fail. [start, end) lies in
 * the part of the address space table maps. The walk goes by index, skips
 * empty (zero) slots inline and stops once it has met as many present
 * entries as the table counts: sparse user tables are cheap to cross.
 */
static void pt_unmap_level(struct vm_gather *g, pte_t *table, int level, vaddr_t start, vaddr_t end)
{
	vaddr_t span = pt_span(level), base = ALIGN_DOWN(start, span);
	unsigned int first = arch_pt_index(start, level), last = arch_pt_index(end - 1, level);
	u64 left = virt_to_page(table)->private;

	for (unsigned int i = first; left && (i = pt_next_used(table, i, last)) <= last; i++) {
		vaddr_t va = base + (vaddr_t)(i - first) * span;
		pte_t e = table[i];
		struct page *child;

		left--;
		if (!arch_pte_present(e) || (level > 0 && arch_pte_huge(e)))
			continue;
		if (level == 0) {
			pt_clear(&table[i]);
			g->vs->resident_pages--;
			gather_page(g, va, phys_to_page(arch_pte_addr(e)));
			continue;
		}
		child = phys_to_page(arch_pte_addr(e));
		pt_unmap_level(g, pt_table_of(e), level - 1, MAX(va, start), MIN(va + span, end));
		if (child->private == 0) {
			pt_clear(&table[i]);
			pt_forget(g->vs, child);
			gather_page(g, MAX(va, start), child);
		}
	}
}

static void pt_unmap(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
	struct vm_gather g;

	gather_init(&g, vs);
	pt_unmap_level(&g, vs->root, PT_ROOT_LEVEL, start, end);
	gather_flush(&g);
}

/*
 * vm_space_destroy's teardown: drop every leaf's page and free every table
 * under table (at level) in slots [first, last], clearing the slots. The
 * space is loaded nowhere and its TLB entries are already shot down, so
 * nothing is gathered or flushed; the walk stops once the table's count of
 * present entries is used up.
 */
static void pt_destroy_level(struct vm_space *vs, pte_t *table, int level, unsigned int first,
			     unsigned int last)
{
	struct page *tp = virt_to_page(table);

	for (unsigned int i = first; tp->private && (i = pt_next_used(table, i, last)) <= last;
	     i++) {
		pte_t e = table[i];
		struct page *child;

		pt_clear(&table[i]);
		if (level == 0) {
			vs->resident_pages--;
			page_put(phys_to_page(arch_pte_addr(e)));
			continue;
		}
		if (arch_pte_huge(e))
			continue; /* never made here; not ours */
		child = phys_to_page(arch_pte_addr(e));
		pt_destroy_level(vs, pt_table_of(e), level - 1, 0, ARCH_PT_ENTRIES - 1);
		pt_forget(vs, child);
		page_free(child);
	}
}

/* Free the empty tables on va's path, bottom up (never the root). */
static void pt_prune(struct vm_space *vs, vaddr_t va)
{
	pte_t *path[ARCH_PT_LEVELS];
	struct vm_gather g;
	int level = PT_ROOT_LEVEL;

	path[level] = vs->root;
	while (level > 0) {
		pte_t e = path[level][arch_pt_index(va, level)];

		if (!arch_pte_present(e) || arch_pte_huge(e))
			break;
		path[level - 1] = pt_table_of(e);
		level--;
	}
	gather_init(&g, vs);
	for (; level < PT_ROOT_LEVEL; level++) {
		struct page *p = virt_to_page(path[level]);

		if (p->private)
			break;
		pt_clear(&path[level + 1][arch_pt_index(va, level + 1)]);
		pt_forget(vs, p);
		gather_page(&g, va, p);
	}
	gather_flush(&g);
}

typedef int (*pt_leaf_fn)(void *ctx, vaddr_t va, pte_t *slot);

/* Call fn on every present leaf in [start, end) under table; stops at the first error. */
static int pt_for_each_leaf(pte_t *table, int level, vaddr_t start, vaddr_t end, pt_leaf_fn fn,
			    void *ctx)
{
	vaddr_t span = pt_span(level), next;
	int err = 0;

	for (vaddr_t va = start; va < end && !err; va = next) {
		pte_t e = table[arch_pt_index(va, level)];

		next = MIN(ALIGN_DOWN(va, span) + span, end);
		if (!arch_pte_present(e))
			continue;
		if (level == 0)
			err = fn(ctx, va, &table[arch_pt_index(va, 0)]);
		else if (!arch_pte_huge(e))
			err = pt_for_each_leaf(pt_table_of(e), level - 1, va, next, fn, ctx);
	}
	return err;
}

/*
 * The PTE_PROT_* bits of a leaf in a region with protection prot. A page
 * that may be shared (cow) is never writable. A region without any access
 * keeps its pages as kernel-only entries, so user mode faults on them.
 */
static u32 leaf_prot(u32 prot, bool cow)
{
	u32 p = (prot & VM_PROT_MASK) ? prot | PTE_PROT_USER : 0;

	if (cow)
		p = (p & ~PTE_PROT_WRITE) | PTE_PROT_COW;
	return p;
}

static bool leaf_is_cow(pte_t e)
{
	return arch_pte_prot(e) & PTE_PROT_COW;
}

/* ---- regions ---- */

static struct vm_area *area_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area, node) : NULL;
}

static struct vm_area *area_next(struct vm_area *a)
{
	return area_of(rb_next(&a->node));
}

/* The first region ending above addr (it contains addr or lies above it), or NULL. */
static struct vm_area *area_first_above(struct vm_space *vs, vaddr_t addr)
{
	struct rb_node *n = vs->areas.node;
	struct vm_area *best = NULL;

	while (n) {
		struct vm_area *a = area_of(n);

		if (addr < a->end) {
			best = a;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vm_area *vm_find_area(struct vm_space *vs, vaddr_t addr)
{
	struct vm_area *a = area_first_above(vs, addr);

	return a && a->start <= addr ? a : NULL;
}

static void area_link_tree(struct vm_space *vs, struct vm_area *a)
{
	struct rb_node **link = &vs->areas.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = a->start < area_of(parent)->start ? &parent->left : &parent->right;
	}
	rb_link_node(&a->node, parent, link);
	rb_insert_color(&a->node, &vs->areas);
}

/* Insert a (its object reference already taken) into vs. */
static void area_insert(struct vm_space *vs, struct vm_area *a)
{
	area_link_tree(vs, a);
	vs->nr_areas++;
	a->vs = vs;
	list_init(&a->obj_link);
	if (a->obj.ops) {
		spin_lock(&vm_objects_lock);
		list_add_tail(&a->obj_link, &vm_objects);
		spin_unlock(&vm_objects_lock);
	}
}

/* Take a off the object list (idempotent); its reference stays until area_remove. */
static void area_unlist(struct vm_area *a)
{
	if (!a->obj.ops)
		return;
	spin_lock(&vm_objects_lock);
	if (!list_empty(&a->obj_link)) {
		list_del(&a->obj_link);
		list_init(&a->obj_link);
	}
	spin_unlock(&vm_objects_lock);
}

static void area_remove(struct vm_space *vs, struct vm_area *a)
{
	rb_erase(&a->node, &vs->areas);
	vs->nr_areas--;
	area_unlist(a);
	if (a->obj.ops)
		a->obj.ops->put(a->obj.obj);
	kfree(a);
}

/* The object page index mapped at va (inside a). */
static u64 area_index(const struct vm_area *a, vaddr_t va)
{
	return a->pgoff + (va - a->start) / PAGE_SIZE;
}

/* Cut a at addr (inside it): a keeps [start, addr), spare becomes [addr, end). */
static struct vm_area *area_split(struct vm_space *vs, struct vm_area *a, vaddr_t addr,
				  struct vm_area *spare)
{
	spare->start = addr;
	spare->end = a->end;
	spare->prot = a->prot;
	spare->flags = a->flags;
	spare->obj = a->obj;
	spare->pgoff = area_index(a, addr);
	if (spare->obj.ops)
		spare->obj.ops->get(spare->obj.obj);
	a->end = addr;
	area_insert(vs, spare);
	return spare;
}

static bool area_can_merge(const struct vm_area *a, const struct vm_area *b)
{
	return a && b && a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->flags == VMA_ANON && !a->obj.ops && !b->obj.ops;
}

/*
 * Merge equal neighbours among the regions touching [start, end), including
 * the ones just below start and at end. The page tables do not change.
 */
static void area_merge_range(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
	struct vm_area *a = area_first_above(vs, start - 1), *next;

	while (a && (next = area_next(a)) && next->start <= end) {
		if (area_can_merge(a, next)) {
			a->end = next->end;
			area_remove(vs, next);
		} else {
			a = next;
		}
	}
}

/* [start, start + len) page aligned, non-empty, not wrapping, inside the user range. */
static bool vm_range_ok(vaddr_t start, size_t len)
{
	return len && IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) &&
	       start >= arch_user_base() && start + len > start && start + len <= arch_user_top();
}

/* ---- spaces ---- */

struct vm_space *vm_space_create(void)
{
	struct vm_space *vs = kmalloc(sizeof(*vs));
	struct page *root;

	if (!vs)
		return NULL;
	memset(vs, 0, sizeof(*vs));
	root = pt_alloc(vs);
	if (!root) {
		kfree(vs);
		return NULL;
	}
	vs->root = page_address(root);
	vs->root_phys = page_to_phys(root);
	vs->areas.node = NULL;
	arch_pt_share_kernel(vs->root);
	return vs;
}

void vm_space_destroy(struct vm_space *vs)
{
	struct rb_node *n;
	struct page *root;

	if (!vs)
		return;
	if (vm_current() == vs)
		vm_space_activate(NULL);
	/* Out of vm_object_truncate's sight before the tables go. */
	for (n = rb_first(&vs->areas); n; n = rb_next(n))
		area_unlist(area_of(n));
	/*
	 * No thread uses the space any more and no CPU has it loaded; one
	 * shootdown (a no-op on one CPU) covers what other CPUs may still
	 * cache of it, before any page goes back.
	 */
	vm_tlb_flush(vs, arch_user_base(), arch_user_top() - arch_user_base());
	pt_destroy_level(vs, vs->root, PT_ROOT_LEVEL,
			 arch_pt_index(arch_user_base(), PT_ROOT_LEVEL),
			 arch_pt_index(arch_user_top() - 1, PT_ROOT_LEVEL));
	while ((n = rb_first(&vs->areas)))
		area_remove(vs, area_of(n));
	if (vs->resident_pages || vs->table_pages != 1)
		pr_err("vm: destroy left %llu pages, %llu tables",
		       (unsigned long long)vs->resident_pages, (unsigned long long)vs->table_pages);
	root = virt_to_page(vs->root);
	pt_forget(vs, root);
	page_free(root);
	kfree(vs);
}

void vm_space_activate(struct vm_space *vs)
{
	unsigned long flags = arch_irq_save();
	struct thread *t = current_thread();

	vm_active[this_cpu()->id] = vs;
	if (t && !t->proc)
		t->kvm = vs; /* a kernel thread keeps the space it loaded (sched_switch_mm) */
	arch_mmu_load(vs ? vs->root_phys : arch_mmu_kernel_root());
	arch_irq_restore(flags);
}

struct vm_space *vm_current(void)
{
	unsigned long flags = arch_irq_save();
	struct vm_space *vs = vm_active[this_cpu()->id];

	if (vs && vs->root_phys != arch_mmu_current())
		vs = NULL;
	arch_irq_restore(flags);
	return vs;
}

/*
 * The CPUs that have vs loaded now. Called after the page-table change: a
 * CPU that loads vs later (vm_space_activate stores vm_active before the
 * serializing CR3 write) walks the new tables, and without PCIDs a CPU
 * that has not loaded vs caches nothing of it - so only these need a
 * shootdown. The full barrier orders our table writes before the reads.
 */
static u64 vm_cpus_loaded(struct vm_space *vs)
{
	u64 mask = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (u32 i = 0; i < MAX_CPUS && i < 64; i++)
		if (__atomic_load_n(&vm_active[i], __ATOMIC_RELAXED) == vs)
			mask |= 1ull << i;
	return mask;
}

/* This CPU's part of vm_tlb_flush (preemption off: the CPU must not change). */
static void tlb_flush_local(struct vm_space *vs, vaddr_t start, size_t len)
{
	/*
	 * vs == NULL: kernel-half mappings, cached in every space (and global):
	 * always flushed page by page, since a CR3 reload keeps global entries.
	 */
	if (vs && vs->root_phys != arch_mmu_current())
		return; /* not loaded here: nothing of it can be cached (no PCIDs) */
	if (vs && (len == 0 || len > VM_TLB_FLUSH_MAX_PAGES * PAGE_SIZE)) {
		arch_tlb_flush_all();
		return;
	}
	for (vaddr_t va = start & PAGE_MASK; va < start + len; va += PAGE_SIZE)
		arch_tlb_flush_page(va);
}

void vm_tlb_flush(struct vm_space *vs, vaddr_t start, size_t len)
{
	/*
	 * The other CPUs that have the space loaded (its threads run there, or
	 * a kernel thread keeps it) get a shootdown and we wait for it;
	 * kernel-half mappings are cached everywhere: every CPU. Preemption
	 * is off so "the other CPUs" and "this CPU" stay the same ones.
	 */
	preempt_disable();
	if (vs)
		arch_tlb_flush_cpus(vm_cpus_loaded(vs), start, len ? len : (size_t)1 << 47);
	else
		arch_tlb_flush_others(start, len ? len : (size_t)1 << 47);
	tlb_flush_local(vs, start, len);
	preempt_enable();
}

pte_t vm_lookup_pte(struct vm_space *vs, vaddr_t va)
{
	pte_t *slot;

	if (va < arch_user_base() || va >= arch_user_top())
		return 0;
	slot = pt_walk(vs, va, false);
	return slot && arch_pte_present(*slot) ? *slot : 0;
}

/* ---- map, unmap, protect ---- */

static int map_area(struct vm_space *vs, vaddr_t start, size_t len, u32 prot, u32 flags,
		    const struct vm_object *obj, u64 pgoff)
{
	struct vm_area *a, *next;

	if (!vm_range_ok(start, len) || (prot & ~VM_PROT_MASK))
		return -EINVAL;
	next = area_first_above(vs, start);
	if (next && next->start < start + len)
		return -EEXIST;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->start = start;
	a->end = start + len;
	a->prot = prot;
	a->flags = flags;
	if (obj) {
		a->obj = *obj;
		a->pgoff = pgoff;
		obj->ops->get(obj->obj);
	}
	area_insert(vs, a);
	area_merge_range(vs, start, start + len);
	return 0;
}

int vm_map_anon(struct vm_space *vs, vaddr_t start, size_t len, u32 prot)
{
	return map_area(vs, start, len, prot, VMA_ANON, NULL, 0);
}

int vm_map_object(struct vm_space *vs, vaddr_t start, size_t len, u32 prot, u32 flags,
		  const struct vm_object *obj, u64 pgoff)
{
	if (!obj || !obj->ops || (flags & ~(VMA_SHARED | VMA_MAYWRITE)))
		return -EINVAL;
	if ((flags & VMA_SHARED) && (prot & VM_WRITE) && !(flags & VMA_MAYWRITE))
		return -EACCES;
	if (pgoff + len / PAGE_SIZE < pgoff)
		return -EINVAL;
	return map_area(vs, start, len, prot, flags, obj, pgoff);
}

int vm_map_page(struct vm_space *vs, vaddr_t va, struct page *p)
{
	struct vm_area *a;
	pte_t *slot;

	if (!vm_range_ok(va, PAGE_SIZE) || !p || !__atomic_load_n(&p->refcount, __ATOMIC_RELAXED))
		return -EINVAL;
	a = vm_find_area(vs, va);
	if (!a)
		return -EFAULT;
	/* A present leaf means the whole path exists: the walk then creates nothing. */
	slot = pt_walk(vs, va, true);
	if (!slot) {
		pt_prune(vs, va);
		return -ENOMEM;
	}
	if (arch_pte_present(*slot))
		return -EEXIST;
	page_get(p);
	pt_set(slot, arch_pte_leaf(page_to_phys(p), leaf_prot(a->prot, true)));
	vs->resident_pages++;
	return 0; /* not present -> present: nothing cached to flush */
}

int vm_unmap(struct vm_space *vs, vaddr_t start, size_t len)
{
	vaddr_t end = start + len;
	struct vm_area *a, *next, *spare = NULL;

	if (!vm_range_ok(start, len))
		return -EINVAL;
	a = area_first_above(vs, start);
	if (a && a->start < start && a->end > end) {
		spare = kmalloc(sizeof(*spare)); /* the only allocation: do it first */
		if (!spare)
			return -ENOMEM;
	}
	for (; a && a->start < end; a = next) {
		next = area_next(a);
		if (a->start < start && a->end > end) {
			area_split(vs, a, end, spare);
			a->end = start;
			break;
		} else if (a->start < start) {
			a->end = start;
		} else if (a->end > end) {
			a->pgoff = area_index(a, end);
			a->start = end; /* stays between its neighbours: tree order holds */
		} else {
			area_remove(vs, a);
		}
	}
	pt_unmap(vs, start, end);
	return 0;
}

struct protect_ctx {
	u32 prot;
	vaddr_t lo, hi; /* changed entries; lo == hi: none */
};

static int protect_leaf(void *arg, vaddr_t va, pte_t *slot)
{
	struct protect_ctx *c = arg;
	pte_t e = *slot;
	pte_t ne = arch_pte_leaf(arch_pte_addr(e), leaf_prot(c->prot, leaf_is_cow(e)));

	if (ne != e) {
		pte_write(slot, ne);
		if (c->lo == c->hi)
			c->lo = va;
		c->hi = va + PAGE_SIZE;
	}
	return 0;
}

int vm_protect(struct vm_space *vs, vaddr_t start, size_t len, u32 prot)
{
	vaddr_t end = start + len, covered = start;
	struct vm_area *first, *last, *a, *spare[2] = {NULL, NULL};
	struct protect_ctx c = {.prot = prot};
	bool same = true, cut_lo, cut_hi;

	if (!vm_range_ok(start, len) || (prot & ~VM_PROT_MASK))
		return -EINVAL;
	first = area_first_above(vs, start);
	for (a = first; covered < end; a = area_next(a)) {
		if (!a || a->start > covered)
			return -ENOMEM; /* a hole (POSIX mprotect's ENOMEM) */
		if ((a->flags & VMA_SHARED) && (prot & VM_WRITE) && !(a->flags & VMA_MAYWRITE))
			return -EACCES; /* a shared view of a file not open for writing */
		same &= a->prot == prot;
		covered = a->end;
	}
	if (same)
		return 0;
	last = area_first_above(vs, end - 1);
	cut_lo = first->start < start;
	cut_hi = last->end > end;
	if ((cut_lo && !(spare[0] = kmalloc(sizeof(struct vm_area)))) ||
	    (cut_hi && !(spare[1] = kmalloc(sizeof(struct vm_area))))) {
		kfree(spare[0]);
		return -ENOMEM;
	}
	/* Nothing can fail from here on. Cut the top first: last may be first. */
	if (cut_hi)
		area_split(vs, last, end, spare[1]);
	if (cut_lo)
		first = area_split(vs, first, start, spare[0]);
	for (a = first; a && a->start < end; a = area_next(a))
		a->prot = prot;
	pt_for_each_leaf(vs->root, PT_ROOT_LEVEL, start, end, protect_leaf, &c);
	if (c.lo != c.hi)
		vm_tlb_flush(vs, c.lo, c.hi - c.lo);
	area_merge_range(vs, start, end);
	return 0;
}

/* ---- discard, move, extend, truncate ---- */

bool vm_range_mapped(struct vm_space *vs, vaddr_t start, size_t len)
{
	vaddr_t end = start + len, covered = start;

	if (!vm_range_ok(start, len))
		return false;
	for (struct vm_area *a = area_first_above(vs, start); covered < end; a = area_next(a)) {
		if (!a || a->start > covered)
			return false;
		covered = a->end;
	}
	return true;
}

bool vm_range_free(struct vm_space *vs, vaddr_t start, size_t len)
{
	struct vm_area *a;

	if (!vm_range_ok(start, len))
		return false;
	a = area_first_above(vs, start);
	return !a || a->start >= start + len;
}

vaddr_t vm_find_free(struct vm_space *vs, vaddr_t lo, vaddr_t hi, size_t len)
{
	struct vm_area *a;
	vaddr_t top = ALIGN_DOWN(hi, PAGE_SIZE);

	lo = MAX(ALIGN_UP(lo, PAGE_SIZE), arch_user_base());
	top = MIN(top, arch_user_top());
	if (!len || !IS_ALIGNED(len, PAGE_SIZE) || top < lo)
		return 0;
	/* The regions reaching into [lo, top), from the highest down. */
	a = area_first_above(vs, top - 1);
	if (a && a->start >= top)
		a = area_of(rb_prev(&a->node));
	else if (!a)
		a = area_of(rb_last(&vs->areas));
	for (;;) {
		vaddr_t gap_lo = a ? MAX(a->end, lo) : lo;

		if (top >= gap_lo && top - gap_lo >= len)
			return top - len;
		if (!a || a->start <= lo)
			return 0;
		top = a->start;
		a = area_of(rb_prev(&a->node));
	}
}

bool vm_page_resident(struct vm_space *vs, vaddr_t va)
{
	struct vm_area *a = vm_find_area(vs, va);
	struct page *p;

	if (!a)
		return false;
	if (vm_lookup_pte(vs, va & PAGE_MASK))
		return true;
	/* An object's page counts even where this space has not touched it (Linux's page cache). */
	if (!a->obj.ops ||
	    a->obj.ops->get_page(a->obj.obj, area_index(a, va & PAGE_MASK), false, &p))
		return false;
	page_put(p);
	return true;
}

int vm_discard(struct vm_space *vs, vaddr_t start, size_t len)
{
	if (!vm_range_ok(start, len))
		return -EINVAL;
	if (!vm_range_mapped(vs, start, len))
		return -ENOMEM;
	pt_unmap(vs, start, start + len);
	return 0;
}

struct move_ctx {
	struct vm_space *vs;
	vaddr_t from, to;
};

/* Pass one of vm_move: the tables for the page's new place (may fail). */
static int move_prepare_leaf(void *arg, vaddr_t va, pte_t *slot)
{
	struct move_ctx *c = arg;

	(void)slot;
	return pt_walk(c->vs, c->to + (va - c->from), true) ? 0 : -ENOMEM;
}

/* Pass two: the entry moves, with its reference (cannot fail). */
static int move_leaf(void *arg, vaddr_t va, pte_t *slot)
{
	struct move_ctx *c = arg;
	pte_t *dst = pt_walk(c->vs, c->to + (va - c->from), false);

	pt_set(dst, *slot);
	pt_clear(slot);
	return 0;
}

int vm_move(struct vm_space *vs, vaddr_t from, size_t len, vaddr_t to)
{
	struct move_ctx c = {.vs = vs, .from = from, .to = to};
	struct vm_area *a, *next, *spare[2] = {NULL, NULL};
	bool cut_lo, cut_hi;

	if (!vm_range_ok(from, len) || !vm_range_ok(to, len))
		return -EINVAL;
	a = vm_find_area(vs, from);
	if (!a || a->end < from + len)
		return -EFAULT;
	next = area_first_above(vs, to);
	if (next && next->start < to + len)
		return -EEXIST;
	cut_lo = a->start < from;
	cut_hi = a->end > from + len;
	if ((cut_lo && !(spare[0] = kmalloc(sizeof(struct vm_area)))) ||
	    (cut_hi && !(spare[1] = kmalloc(sizeof(struct vm_area)))))
		goto out_nomem;
	if (pt_for_each_leaf(vs->root, PT_ROOT_LEVEL, from, from + len, move_prepare_leaf, &c)) {
		pt_unmap(vs, to, to + len); /* only empty tables there: they go */
		goto out_nomem;
	}
	/* Nothing can fail from here on. */
	if (cut_hi)
		area_split(vs, a, from + len, spare[1]);
	if (cut_lo)
		a = area_split(vs, a, from, spare[0]);
	pt_for_each_leaf(vs->root, PT_ROOT_LEVEL, from, from + len, move_leaf, &c);
	vm_tlb_flush(vs, from, len);
	pt_unmap(vs, from, from + len); /* the tables left empty */
	rb_erase(&a->node, &vs->areas);
	a->start = to;
	a->end = to + len;
	area_link_tree(vs, a);
	area_merge_range(vs, from, from);
	area_merge_range(vs, to, to + len);
	return 0;

out_nomem:
	kfree(spare[0]);
	kfree(spare[1]);
	return -ENOMEM;
}

int vm_extend(struct vm_space *vs, vaddr_t end, size_t len)
{
	struct vm_area *a, *next;

	if (!vm_range_ok(end, len) || end == arch_user_base())
		return -EINVAL;
	a = vm_find_area(vs, end - 1);
	if (!a || a->end != end)
		return -EFAULT;
	next = area_next(a);
	if (next && next->start < end + len)
		return -EEXIST;
	a->end = end + len;
	area_merge_range(vs, a->start, a->end);
	return 0;
}

/*
 * One pass over the object regions: unmap what key lost in every space
 * whose lock can be had now. false: a space was busy (start over later;
 * what was done stays done, unmapping twice is harmless).
 */
static bool truncate_pass(const void *key, u64 first_index)
{
	struct vm_area *a;
	bool done = true, taken;

	spin_lock(&vm_objects_lock);
	list_for_each_entry (a, &vm_objects, obj_link) {
		u64 pages = (a->end - a->start) / PAGE_SIZE;
		vaddr_t start = a->start;

		if (a->obj.key != key || a->pgoff + pages <= first_index)
			continue;
		/* The space's lock ranks above the list lock: only try it (vm.c's lock order). */
		if (!vm_trylock(a->vs, &taken)) {
			done = false;
			break;
		}
		if (first_index > a->pgoff)
			start += (first_index - a->pgoff) * PAGE_SIZE;
		/* Private copies go too, as on Linux: the range reads the file again. */
		pt_unmap(a->vs, start, a->end);
		vm_unlock(a->vs, taken);
	}
	spin_unlock(&vm_objects_lock);
	return done;
}

void vm_object_truncate(const void *key, u64 first_index)
{
	while (!truncate_pass(key, first_index))
		sched_yield(); /* let the space's holder finish */
}

/* ---- faults ---- */

static bool access_allowed(u32 prot, u32 access)
{
	if ((access & VM_FAULT_WRITE) && !(prot & VM_WRITE))
		return false;
	if ((access & VM_FAULT_EXEC) && !(prot & VM_EXEC))
		return false;
	if ((access & VM_FAULT_READ) && !(prot & VM_READ))
		return false;
	return prot & VM_PROT_MASK;
}

/* First touch of an unmapped page of a: map a zeroed page. */
static int fault_demand_zero(struct vm_space *vs, struct vm_area *a, vaddr_t va)
{
	struct page *p = page_alloc(0, PAF_ZERO);
	pte_t *slot;

	if (!p)
		return -ENOMEM;
	slot = pt_walk(vs, va, true);
	if (!slot) {
		page_put(p);
		pt_prune(vs, va);
		return -ENOMEM;
	}
	pt_set(slot, arch_pte_leaf(page_to_phys(p), leaf_prot(a->prot, false)));
	vs->resident_pages++;
	return 0;
}

/*
 * Write to a present read-only page of a writable region: copy unless we are
 * its only holder. Only holders can raise the count, and an owner outside
 * vm.c (a tmpfs file) holds its own reference as long as the page is its, so
 * refcount 1 means no other space and no file can see the page.
 */
static int fault_cow(struct vm_space *vs, struct vm_area *a, vaddr_t va, pte_t *slot)
{
	struct page *old = phys_to_page(arch_pte_addr(*slot)), *copy = NULL;

	if (__atomic_load_n(&old->refcount, __ATOMIC_ACQUIRE) > 1) {
		copy = page_alloc(0, 0);
		if (!copy)
			return -ENOMEM;
		memcpy(page_address(copy), page_address(old), PAGE_SIZE);
	}
	pte_write(slot, arch_pte_leaf(page_to_phys(copy ? copy : old), leaf_prot(a->prot, false)));
	vm_tlb_flush(vs, va, PAGE_SIZE);
	if (copy)
		page_put(old);
	return 0;
}

/*
 * First touch of a page of an object region: the object's page itself
 * (shared: writable as the region allows; private: copy-on-write, or
 * copied right away for a write), zeros for a hole of a private region.
 */
static int fault_object(struct vm_space *vs, struct vm_area *a, vaddr_t va, u32 access)
{
	bool shared = a->flags & VMA_SHARED, cow = !shared;
	struct page *p;
	pte_t *slot;
	int err = a->obj.ops->get_page(a->obj.obj, area_index(a, va), shared, &p);

	if (err == -ENOENT && !shared)
		return fault_demand_zero(vs, a, va);
	if (err)
		return err == -ENOENT ? -ENXIO : err;
	if (cow && (access & VM_FAULT_WRITE) && (a->prot & VM_WRITE)) {
		struct page *copy = page_alloc(0, 0);

		if (!copy) {
			page_put(p);
			return -ENOMEM;
		}
		memcpy(page_address(copy), page_address(p), PAGE_SIZE);
		page_put(p);
		p = copy;
		cow = false;
	}
	slot = pt_walk(vs, va, true);
	if (!slot) {
		page_put(p);
		pt_prune(vs, va);
		return -ENOMEM;
	}
	/* The reference get_page took is the leaf's. */
	pt_set(slot, arch_pte_leaf(page_to_phys(p), leaf_prot(a->prot, cow)));
	vs->resident_pages++;
	return 0;
}

int vm_handle_fault(struct vm_space *vs, vaddr_t addr, u32 access)
{
	vaddr_t va = addr & PAGE_MASK;
	struct vm_area *a;
	pte_t *slot;

	if (!vs || addr < arch_user_base() || addr >= arch_user_top())
		return -EFAULT;
	a = vm_find_area(vs, addr);
	if (!a)
		return -EFAULT;
	if (!access_allowed(a->prot, access))
		return -EACCES;
	slot = pt_walk(vs, va, false);
	if (!slot || !arch_pte_present(*slot))
		return a->obj.ops ? fault_object(vs, a, va, access) : fault_demand_zero(vs, a, va);
	if ((access & VM_FAULT_WRITE) && !(arch_pte_prot(*slot) & PTE_PROT_WRITE) &&
	    !(a->flags & VMA_SHARED))
		return fault_cow(vs, a, va, slot);
	/* The entry already allows it: the TLB was stale. */
	vm_tlb_flush(vs, va, PAGE_SIZE);
	return 0;
}

/* ---- clone ---- */

struct clone_ctx {
	struct vm_space *child;
	bool shared;	/* the region being copied is VMA_SHARED */
	u32 leaf_prot;	/* its copy-on-write leaves' PTE_PROT_* */
	vaddr_t lo, hi; /* parent entries changed; lo == hi: none */
};

/*
 * Copy the entries of [start, end) from the parent's table src to the
 * child's table dst (both at level), creating the child's tables on the
 * way: the two trees are walked side by side, so each leaf costs no walk
 * from the root. A present page is shared: COW and read-only in both
 * spaces, one more reference; a shared region's page stays as it is in
 * both.
 */
static int clone_level(struct clone_ctx *c, pte_t *src, pte_t *dst, int level, vaddr_t start,
		       vaddr_t end)
{
	vaddr_t span = pt_span(level), base = ALIGN_DOWN(start, span);
	unsigned int first = arch_pt_index(start, level), last = arch_pt_index(end - 1, level);
	u64 left = virt_to_page(src)->private;

	for (unsigned int i = first; left && (i = pt_next_used(src, i, last)) <= last; i++) {
		vaddr_t va = base + (vaddr_t)(i - first) * span;
		pte_t e = src[i], cow;
		int err;

		left--;
		if (!arch_pte_present(e))
			continue;
		if (level > 0) {
			if (arch_pte_huge(e))
				continue;
			if (!dst[i]) {
				struct page *p = pt_alloc(c->child);

				if (!p)
					return -ENOMEM;
				pt_set(&dst[i], arch_pte_table(page_to_phys(p)));
			}
			err = clone_level(c, pt_table_of(e), pt_table_of(dst[i]), level - 1,
					  MAX(va, start), MIN(va + span, end));
			if (err)
				return err;
			continue;
		}
		cow = c->shared ? e : arch_pte_leaf(arch_pte_addr(e), c->leaf_prot);
		if (cow != e) {
			pte_write(&src[i], cow);
			if (c->lo == c->hi)
				c->lo = va;
			c->hi = va + PAGE_SIZE;
		}
		page_get(phys_to_page(arch_pte_addr(e)));
		pt_set(&dst[i], cow);
		c->child->resident_pages++;
	}
	return 0;
}

struct vm_space *vm_space_clone(struct vm_space *vs)
{
	struct vm_space *child = vm_space_create();
	struct clone_ctx c = {.child = child};
	struct vm_area *a;

	if (!child)
		return NULL;
	for (a = area_of(rb_first(&vs->areas)); a; a = area_next(a)) {
		struct vm_area *copy = kmalloc(sizeof(*copy));

		if (!copy)
			goto out_destroy;
		*copy = *a;
		if (copy->obj.ops)
			copy->obj.ops->get(copy->obj.obj);
		area_insert(child, copy);
	}
	for (a = area_of(rb_first(&vs->areas)); a; a = area_next(a)) {
		c.shared = a->flags & VMA_SHARED;
		c.leaf_prot = leaf_prot(a->prot, true);
		if (clone_level(&c, vs->root, child->root, PT_ROOT_LEVEL, a->start, a->end))
			goto out_destroy;
	}
	if (c.lo != c.hi)
		vm_tlb_flush(vs, c.lo, c.hi - c.lo);
	return child;

out_destroy:
	/* The parent keeps its COW entries: harmless, a write finds refcount 1. */
	if (c.lo != c.hi)
		vm_tlb_flush(vs, c.lo, c.hi - c.lo);
	vm_space_destroy(child);
	return NULL;
}
