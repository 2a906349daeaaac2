/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memobj.c - memory objects: page-granular shared memory that any number
 * of address spaces map through handles. The pages are made on first touch
 * (zeroed) and live as long as the object: every mapping region holds a
 * reference on it (vm_object_ops get/put), every handle another, so
 * closing all handles keeps existing mappings working.
 *
 * Rights: mapping needs M_R_MAP and M_R_READ (every mapping can be read),
 * a writable one M_R_WRITE too. A region mapped from a handle without M_R_WRITE
 * is made without VMA_MAYWRITE, so mprotect() cannot make it writable
 * later either. Passing a memory-object handle in a message is the
 * zero-copy page grant: the receiver maps the very same pages.
 *
 * Locking: m->lock (interrupts off) protects the page array; a page is
 * allocated outside it and installed if the slot is still empty. Mapping
 * takes the caller's space lock (vm_lock), as mmap does.
 */
#include "errno.h"
#include "ipc_internal.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#define MEMOBJ_MAX_SIZE MiB(64)

struct memobj {
	struct kobj k;
	struct spinlock lock;
	u64 size; /* bytes, a page multiple */
	u64 npages;
	struct page **pages; /* NULL: not touched yet; lock */
};

static void memobj_release(struct kobj *k)
{
	struct memobj *m = container_of(k, struct memobj, k);

	for (u64 i = 0; i < m->npages; i++)
		if (m->pages[i])
			page_put(m->pages[i]);
	kfree(m->pages);
	kfree(m);
}

static const struct kobj_ops memobj_ops = {.release = memobj_release};

static int memobj_get_page(void *obj, u64 index, bool create, struct page **out)
{
	struct memobj *m = obj;
	struct page *p, *fresh = NULL;
	unsigned long flags;

	(void)create; /* shared regions only: every page exists or is made */
	if (index >= m->npages)
		return -ENXIO;
	for (;;) {
		flags = spin_lock_irqsave(&m->lock);
		p = m->pages[index];
		if (!p && fresh) {
			p = m->pages[index] = fresh;
			fresh = NULL;
		}
		if (p)
			page_get(p);
		spin_unlock_irqrestore(&m->lock, flags);
		if (p)
			break;
		fresh = page_alloc(0, PAF_ZERO);
		if (!fresh)
			return -ENOMEM;
	}
	if (fresh)
		page_put(fresh);
	*out = p;
	return 0;
}

static void memobj_vm_get(void *obj)
{
	kobj_get(&((struct memobj *)obj)->k);
}

static void memobj_vm_put(void *obj)
{
	kobj_put(&((struct memobj *)obj)->k);
}

static const struct vm_object_ops memobj_vm_ops = {
	.get_page = memobj_get_page,
	.get = memobj_vm_get,
	.put = memobj_vm_put,
};

struct kobj *memobj_create(u64 size)
{
	struct memobj *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	kobj_init(&m->k, M_OBJ_MEMOBJ, &memobj_ops);
	spin_init(&m->lock, "memobj", LOCK_RANK_NONE);
	m->size = size;
	m->npages = size / PAGE_SIZE;
	m->pages = kzalloc(m->npages * sizeof(*m->pages));
	if (!m->pages) {
		kfree(m);
		return NULL;
	}
	return &m->k;
}

u64 memobj_size(struct kobj *o)
{
	return container_of(o, struct memobj, k)->size;
}

long msys_mem_create(u64 size, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct cap_table *t = ipc_current_table();
	struct kobj *m;
	int h;

	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!size || size > MEMOBJ_MAX_SIZE)
		return -EINVAL;
	if (!t)
		return -ENOMEM;
	m = memobj_create(ALIGN_UP(size, (u64)PAGE_SIZE));
	if (!m)
		return -ENOMEM;
	h = cap_create(t, m, M_R_ALL, 0, 0);
	kobj_put(m);
	return h;
}

long msys_mem_map(u64 h, u64 addr, u64 len, u64 prot, u64 offset, u64 a5)
{
	struct process *p = current_proc();
	struct vm_object obj = {.ops = &memobj_vm_ops};
	u32 need = M_R_MAP | M_R_READ, vmprot = 0, vmflags = VMA_SHARED;
	struct cap_ref r;
	struct memobj *m;
	bool taken;
	long err;

	(void)a5;
	if (!p)
		return -EBADF;
	if ((prot & ~(u64)(M_PROT_READ | M_PROT_WRITE)) || !prot)
		return -EINVAL;
	if (!len || !IS_ALIGNED(len, PAGE_SIZE) || !IS_ALIGNED(offset, PAGE_SIZE) ||
	    !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (prot & M_PROT_WRITE)
		need |= M_R_WRITE; /* every mapping can be read: M_R_READ always */
	err = ipc_lookup(h, M_OBJ_MEMOBJ, need, &r);
	if (err)
		return err;
	m = container_of(r.obj, struct memobj, k);
	if (offset >= m->size || len > m->size - offset) {
		err = -EINVAL;
		goto out;
	}
	if (prot & M_PROT_READ)
		vmprot |= VM_READ;
	if (prot & M_PROT_WRITE)
		vmprot |= VM_WRITE | VM_READ;
	if (r.rights & M_R_WRITE)
		vmflags |= VMA_MAYWRITE;
	obj.obj = m;
	obj.key = m;
	/*
	 * The space's lock, as mmap takes it: another thread of the process
	 * may map, unmap or fault meanwhile (the region tree changed under
	 * the search, or the free range found taken before it is mapped).
	 */
	taken = vm_lock(p->vm);
	if (!addr)
		addr = vm_find_free(p->vm, p->brk + MiB(1), p->mmap_top, len);
	if (!addr)
		err = -ENOMEM;
	else
		err = vm_map_object(p->vm, addr, len, vmprot, vmflags, &obj, offset / PAGE_SIZE);
	vm_unlock(p->vm, taken);
	if (!err)
		err = (long)addr;
out:
	kobj_put(r.obj);
	return err;
}
