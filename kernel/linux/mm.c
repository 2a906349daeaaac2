/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mm.c - Linux memory system calls: brk, mmap, munmap, mprotect, madvise.
 *
 * Memory is anonymous and private: MAP_ANONYMOUS regions are demand-zero;
 * a private file mapping is an anonymous region that maps the file's own
 * pages copy-on-write when its file system lends them (tmpfs: get_page,
 * vm_map_page) and is filled from the file at mmap time otherwise (no page
 * cache yet; MAP_SHARED file mappings are refused with
 * -ENODEV, MAP_SHARED|MAP_ANONYMOUS is treated as private until processes
 * share memory in the IPC issue - documented in docs/design/linux-abi.md).
 * Without MAP_FIXED an address is chosen top-down below p->mmap_top,
 * skipping existing regions.
 */
#include "mm.h"
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "linux.h"
#include "proc.h"
#include "sched.h"
#include "uaccess.h"
#include "vfs.h"
#include "vm.h"

#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_GROWSDOWN 0x0100
#define MAP_STACK 0x20000
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000

static u32 prot_to_vm(u64 prot)
{
	u32 v = 0;

	if (prot & PROT_READ)
		v |= VM_READ;
	if (prot & PROT_WRITE)
		v |= VM_WRITE | VM_READ;
	if (prot & PROT_EXEC)
		v |= VM_EXEC | VM_READ;
	return v;
}

static bool range_free(struct vm_space *vs, vaddr_t start, size_t len)
{
	for (vaddr_t a = start; a < start + len; a += PAGE_SIZE)
		if (vm_find_area(vs, a))
			return false;
	return true;
}

/* Top-down search for len free bytes below p->mmap_top; 0 if none. */
static vaddr_t find_free(struct process *p, size_t len)
{
	vaddr_t top = p->mmap_top;

	while (top >= arch_user_base() + len && top - len >= p->brk + MiB(1)) {
		vaddr_t start = top - len;
		struct vm_area *hit = NULL;

		for (vaddr_t a = start; a < top; a += PAGE_SIZE) {
			hit = vm_find_area(p->vm, a);
			if (hit)
				break;
		}
		if (!hit)
			return start;
		top = ALIGN_DOWN(hit->start, PAGE_SIZE);
	}
	return 0;
}

static long fill_from_file(struct file *f, u64 off, vaddr_t va, size_t len)
{
	u8 *buf = page_alloc_addr(0, 0);
	long err = 0;

	if (!buf)
		return -ENOMEM;
	while (len) {
		size_t n = MIN(len, (size_t)PAGE_SIZE);
		struct uio u = {.base = (char *)buf, .len = n, .user = false};
		s64 got = vfs_pread(f, &u, off);

		if (got < 0) {
			err = got;
			break;
		}
		if (got == 0)
			break; /* past the end of the file: the rest stays zero */
		if (copy_to_user(UPTR(va), buf, (size_t)got)) {
			err = -EFAULT;
			break;
		}
		off += (u64)got;
		va += (vaddr_t)got;
		len -= (size_t)got;
	}
	page_free_addr(buf);
	return err;
}

/*
 * Fill [va, va + len) of the current space from the file at off (page
 * aligned): a file system with get_page (tmpfs) lends its own pages, mapped
 * copy-on-write (vm_map_page), so a private mapping costs memory only for
 * the pages written through it; the last page of the file is shared too
 * (its bytes past the end read as zero). Holes and pages past the end stay
 * demand-zero. Other files are copied. Like Linux's MAP_PRIVATE, a page
 * not yet written through the mapping shows later writes to the file.
 */
static long map_from_file(struct file *f, u64 off, vaddr_t va, size_t len)
{
	struct vm_space *vs = current_proc()->vm;

	if (!f->ops->get_page)
		return fill_from_file(f, off, va, len);
	for (size_t done = 0; done < len; done += PAGE_SIZE) {
		struct page *p;
		int err = vfs_get_page(f, (off + done) / PAGE_SIZE, &p);

		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		err = vm_map_page(vs, va + done, p);
		page_put(p);
		if (err)
			return err;
	}
	return 0;
}

static long sys_mmap(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	vaddr_t addr = a0;
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	u64 prot = a2, flags = a3, off = a5;
	int fd = (int)a4;
	struct file *f = NULL;
	unsigned long lf;
	long err;

	if (!a1 || len < a1 || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == 0 || (flags & (MAP_SHARED | MAP_PRIVATE)) == 3)
		return -EINVAL;
	if (prot & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct kstat st;

		f = fd_get(p->files, fd);
		if (!f)
			return -EBADF;
		err = vfs_fstat(f, &st);
		if (err)
			goto out;
		err = -EACCES;
		if (!(f->fmode & FMODE_READ))
			goto out;
		err = -ENODEV;
		if (!S_ISREG(st.mode) || (flags & MAP_SHARED))
			goto out;
	}
	lf = spin_lock_irqsave(&p->lock);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		err = -EINVAL;
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr < arch_user_base() ||
		    addr + len > arch_user_top() || addr + len < addr)
			goto out_unlock;
		if (!range_free(p->vm, addr, len)) {
			err = -EEXIST;
			if (flags & MAP_FIXED_NOREPLACE)
				goto out_unlock;
			spin_unlock_irqrestore(&p->lock, lf);
			err = vm_unmap(p->vm, addr, len);
			if (err)
				goto out;
			lf = spin_lock_irqsave(&p->lock);
		}
	} else {
		addr = find_free(p, len);
		err = -ENOMEM;
		if (!addr)
			goto out_unlock;
	}
	spin_unlock_irqrestore(&p->lock, lf);
	err = vm_map_anon(p->vm, addr, len, f ? VM_READ | VM_WRITE : prot_to_vm(prot));
	if (err)
		goto out;
	if (f) {
		err = map_from_file(f, off, addr, len);
		if (!err)
			err = vm_protect(p->vm, addr, len, prot_to_vm(prot));
		if (err) {
			if (vm_unmap(p->vm, addr, len))
				pr_warn("mmap: could not undo a failed file mapping at %#lx",
					(unsigned long)addr);
			goto out;
		}
	}
	err = (long)addr;
	goto out;
out_unlock:
	spin_unlock_irqrestore(&p->lock, lf);
out:
	if (f)
		file_put(f);
	return err;
}
LINUX_SYSCALL(mmap, sys_mmap);

static long sys_munmap(SYSCALL_ARGS)
{
	if (!IS_ALIGNED(a0, PAGE_SIZE) || !a1 || a0 + a1 < a0 || a0 + a1 > arch_user_top())
		return -EINVAL;
	return vm_unmap(current_proc()->vm, a0, ALIGN_UP(a1, PAGE_SIZE));
}
LINUX_SYSCALL(munmap, sys_munmap);

static long sys_mprotect(SYSCALL_ARGS)
{
	long err;

	if (!IS_ALIGNED(a0, PAGE_SIZE) || a2 & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!a1)
		return 0;
	err = vm_protect(current_proc()->vm, a0, ALIGN_UP(a1, PAGE_SIZE), prot_to_vm(a2));
	return err == -EINVAL ? -ENOMEM : err; /* Linux: unmapped pages in the range -> ENOMEM */
}
LINUX_SYSCALL(mprotect, sys_mprotect);

static long sys_madvise(SYSCALL_ARGS)
{
	/* Advice only: nothing to do for anonymous private memory (MADV_DONTNEED aside). */
	if (!IS_ALIGNED(a0, PAGE_SIZE))
		return -EINVAL;
	return 0;
}
LINUX_SYSCALL(madvise, sys_madvise);

static long sys_brk(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	vaddr_t want = a0, old_end, new_end;
	long ret;

	if (!want || want < p->brk_start)
		return (long)p->brk;
	old_end = ALIGN_UP(p->brk, PAGE_SIZE);
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end) {
		if (new_end > p->mmap_top - MiB(1) ||
		    !range_free(p->vm, old_end, new_end - old_end))
			return (long)p->brk;
		ret = vm_map_anon(p->vm, old_end, new_end - old_end, VM_READ | VM_WRITE);
		if (ret)
			return (long)p->brk;
	} else if (new_end < old_end) {
		if (vm_unmap(p->vm, new_end, old_end - new_end))
			return (long)p->brk;
	}
	p->brk = want;
	return (long)want;
}
LINUX_SYSCALL(brk, sys_brk);
