/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mm.c - Linux memory system calls: brk, mmap, munmap, mprotect, madvise,
 * mremap, msync, mincore.
 *
 * MAP_ANONYMOUS|MAP_PRIVATE regions are demand-zero. A file mapping over a
 * file system that lends its pages (tmpfs: get_page) is a region backed by
 * the file (vm_map_object): MAP_PRIVATE maps the file's pages copy-on-write
 * at first touch, MAP_SHARED maps them themselves, so writes through the
 * mapping, write() and other processes' mappings all see one page; an
 * access past the end of the file gets SIGBUS, and truncation takes the
 * pages away (vm_object_truncate). MAP_SHARED|MAP_ANONYMOUS is a shared
 * mapping of an unlinked tmpfs file (tmpfs_anon_file), so fork shares it.
 * Private mappings of files that cannot lend pages are filled by copying;
 * shared ones are refused with -ENODEV.
 *
 * Without MAP_FIXED an address hint is used when that range is free;
 * otherwise an address is chosen top-down below p->mmap_top. Argument
 * checks follow Linux's order and errors (see docs/design/vm.md).
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
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
/* Flags MAP_SHARED_VALIDATE knows (anything else is -EOPNOTSUPP there). */
#define MAP_KNOWN                                                                                \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |    \
	 MAP_FIXED_NOREPLACE)

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_HWPOISON 100

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

/* Top-down search for len free bytes between the heap and p->mmap_top; 0 if none. */
static vaddr_t find_free(struct process *p, size_t len)
{
	return vm_find_free(p->vm, p->brk + MiB(1), p->mmap_top, len);
}

/* ---- files as memory objects ---- */

static int file_obj_get_page(void *obj, u64 index, bool create, struct page **out)
{
	struct file *f = obj;
	u64 size;
	int err;

	if (create)
		return vfs_get_page_shared(f, index, out);
	err = vfs_get_page(f, index, out);
	if (err != -ENOENT)
		return err;
	size = (u64)__atomic_load_n(&f->inode->size, __ATOMIC_RELAXED);
	return index >= ALIGN_UP(size, (u64)PAGE_SIZE) / PAGE_SIZE ? -ENXIO : -ENOENT;
}

static void file_obj_get(void *obj)
{
	file_get(obj);
}

static void file_obj_put(void *obj)
{
	file_put(obj);
}

static const struct vm_object_ops file_obj_ops = {
	.get_page = file_obj_get_page,
	.get = file_obj_get,
	.put = file_obj_put,
};

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

/* A private copy of a file that cannot lend its pages: an anonymous region filled now. */
static long map_copied_file(struct vm_space *vs, struct file *f, u64 off, vaddr_t addr, size_t len,
			    u32 prot)
{
	long err = vm_map_anon(vs, addr, len, VM_READ | VM_WRITE);

	if (err)
		return err;
	err = fill_from_file(f, off, addr, len);
	if (!err)
		err = vm_protect(vs, addr, len, prot);
	if (err && vm_unmap(vs, addr, len))
		pr_warn("mmap: could not undo a failed file mapping at %#lx", (unsigned long)addr);
	return err;
}

#define MMAP_ANON_DEVICE 1 /* mmap_check_file: /dev/zero, mapped as anonymous memory */

/*
 * Check a file for mapping with flags/prot; on success *vmflags says
 * VMA_SHARED / VMA_MAYWRITE. Returns MMAP_ANON_DEVICE for /dev/zero,
 * whose mappings are anonymous memory (shared ones shared) as on Linux.
 */
static long mmap_check_file(struct file *f, u64 flags, u64 prot, u32 *vmflags)
{
	struct kstat st;
	long err = vfs_fstat(f, &st);

	if (err)
		return err;
	if (!(f->fmode & FMODE_READ))
		return -EACCES;
	if (S_ISCHR(st.mode) && st.rdev == MKDEV(1, 5))
		return MMAP_ANON_DEVICE;
	if (!S_ISREG(st.mode))
		return -ENODEV;
	*vmflags = 0;
	if (flags & MAP_SHARED) {
		if (!f->ops->get_page_shared)
			return -ENODEV;
		if ((f->fmode & FMODE_WRITE) && !(f->flags & O_APPEND))
			*vmflags |= VMA_MAYWRITE;
		else if (prot & PROT_WRITE)
			return -EACCES;
		*vmflags |= VMA_SHARED;
	}
	return 0;
}

/* Touch every page of a new mapping (MAP_POPULATE); failures are left to later faults. */
static void populate(struct vm_space *vs, vaddr_t addr, size_t len, u64 prot)
{
	u32 access = (prot & PROT_WRITE) ? VM_FAULT_WRITE : VM_FAULT_READ;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return;
	for (size_t done = 0; done < len; done += PAGE_SIZE)
		if (vm_user_fault(vs, addr + done, access))
			return;
}

/*
 * The calls below read or change the process's regions: one thread of the
 * process at a time (vm_lock; faults inside, e.g. MAP_POPULATE, see that
 * the lock is already theirs).
 */
#define VM_LOCKED(name)                                       \
	static long sys_##name(SYSCALL_ARGS)                  \
	{                                                     \
		struct vm_space *vs = current_proc()->vm;     \
		bool taken = vm_lock(vs);                     \
		long ret = do_##name(a0, a1, a2, a3, a4, a5); \
                                                              \
		vm_unlock(vs, taken);                         \
		return ret;                                   \
	}

static long do_mmap(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	vaddr_t addr = a0;
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	u64 prot = a2, flags = a3, off = a5, type = flags & MAP_TYPE;
	int fd = (int)a4;
	struct file *f = NULL;
	struct vm_object obj = {.ops = &file_obj_ops};
	u32 vmflags = 0;
	unsigned long lf;
	long err;

	if (!a1)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~(u64)MAP_KNOWN))
		return -EOPNOTSUPP;
	if (type == MAP_SHARED_VALIDATE)
		flags = (flags & ~(u64)MAP_TYPE) | MAP_SHARED;
	if (prot & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (len < a1 || len > arch_user_top() - arch_user_base())
		return -ENOMEM;
	if (off + len < off)
		return -EOVERFLOW;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(p->files, fd);
		if (!f)
			return -EBADF;
		err = mmap_check_file(f, flags, prot, &vmflags);
		if (err < 0)
			goto out;
		if (err == MMAP_ANON_DEVICE) {
			file_put(f);
			f = NULL;
			flags |= MAP_ANONYMOUS;
		} else {
			obj.obj = f;
			obj.key = f->inode;
		}
	}
	if ((flags & MAP_ANONYMOUS) && (flags & MAP_SHARED)) {
		err = tmpfs_anon_file(len, &f);
		if (err) {
			err = -ENOMEM; /* -EFBIG: larger than any tmpfs file */
			goto out;
		}
		off = 0;
		vmflags = VMA_SHARED | VMA_MAYWRITE;
		obj.obj = f;
		obj.key = f->inode;
	}
	lf = spin_lock_irqsave(&p->lock);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		err = -ENOMEM;
		if (addr < arch_user_base() || addr > arch_user_top() - len)
			goto out_unlock;
		if (!vm_range_free(p->vm, addr, len)) {
			err = -EEXIST;
			if (flags & MAP_FIXED_NOREPLACE)
				goto out_unlock;
			spin_unlock_irqrestore(&p->lock, lf);
			err = vm_unmap(p->vm, addr, len); /* MAP_FIXED replaces what was there */
			if (err)
				goto out;
			lf = spin_lock_irqsave(&p->lock);
		}
	} else {
		addr = ALIGN_UP(addr, PAGE_SIZE);
		if (!addr || addr < arch_user_base() || addr > arch_user_top() - len ||
		    !vm_range_free(p->vm, addr, len))
			addr = find_free(p, len); /* the hint is taken only when it is free */
		err = -ENOMEM;
		if (!addr)
			goto out_unlock;
	}
	spin_unlock_irqrestore(&p->lock, lf);
	if (!f)
		err = vm_map_anon(p->vm, addr, len, prot_to_vm(prot));
	else if (!(vmflags & VMA_SHARED) && !f->ops->get_page)
		err = map_copied_file(p->vm, f, off, addr, len, prot_to_vm(prot));
	else
		err = vm_map_object(p->vm, addr, len, prot_to_vm(prot), vmflags, &obj,
				    off / PAGE_SIZE);
	if (err)
		goto out;
	if (flags & MAP_POPULATE)
		populate(p->vm, addr, len, prot);
	err = (long)addr;
	goto out;
out_unlock:
	spin_unlock_irqrestore(&p->lock, lf);
out:
	if (f)
		file_put(f); /* an object region holds its own reference */
	return err;
}
VM_LOCKED(mmap)
LINUX_SYSCALL(mmap, sys_mmap);

static long do_munmap(SYSCALL_ARGS)
{
	if (!IS_ALIGNED(a0, PAGE_SIZE) || !a1 || a0 + a1 < a0 || a0 + a1 > arch_user_top())
		return -EINVAL;
	if (a0 < arch_user_base())
		return a0 + a1 <= arch_user_base() ? 0 : -EINVAL;
	return vm_unmap(current_proc()->vm, a0, ALIGN_UP(a1, PAGE_SIZE));
}
VM_LOCKED(munmap)
LINUX_SYSCALL(munmap, sys_munmap);

static long do_mprotect(SYSCALL_ARGS)
{
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	long err;

	if (!IS_ALIGNED(a0, PAGE_SIZE) ||
	    a2 & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!a1)
		return 0;
	if (len < a1 || a0 + len < a0)
		return -ENOMEM;
	err = vm_protect(current_proc()->vm, a0, len, prot_to_vm(a2));
	return err == -EINVAL ? -ENOMEM : err; /* Linux: unmapped pages in the range -> ENOMEM */
}
VM_LOCKED(mprotect)
LINUX_SYSCALL(mprotect, sys_mprotect);

/* Advice values Linux knows (5-7 were never used). */
static bool madvise_known(u64 advice)
{
	return (advice <= 25 && (advice < 5 || advice > 7)) || advice == MADV_HWPOISON ||
	       advice == MADV_HWPOISON + 1;
}

static long do_madvise(SYSCALL_ARGS)
{
	struct vm_space *vs = current_proc()->vm;
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	u64 advice = a2;

	if (!IS_ALIGNED(a0, PAGE_SIZE) || !madvise_known(advice) || len < a1 || a0 + len < a0)
		return -EINVAL;
	if (!len)
		return 0;
	if (a0 < arch_user_base() || a0 + len > arch_user_top() || !vm_range_mapped(vs, a0, len))
		return -ENOMEM;
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		return vm_discard(vs, a0, len);
	return 0; /* the rest is advice only: nothing to do for memory held in RAM */
}
VM_LOCKED(madvise)
LINUX_SYSCALL(madvise, sys_madvise);

/* Grow or shrink [old, old + oldlen) to newlen in place or by moving it (see mremap(2)). */
static long do_mremap(SYSCALL_ARGS)
{
	struct process *p = current_proc();
	vaddr_t old = a0, to = a4;
	size_t oldlen = ALIGN_UP(a1, PAGE_SIZE), newlen = ALIGN_UP(a2, PAGE_SIZE);
	u64 flags = a3;
	unsigned long lf;
	long err;

	if (flags & ~(u64)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* not supported (documented) */
	if (!IS_ALIGNED(old, PAGE_SIZE) || oldlen < a1 || newlen < a2 || !newlen)
		return -EINVAL;
	if (!oldlen)
		return -EINVAL; /* duplicating a shared mapping is not supported */
	if (old < arch_user_base() || old + oldlen < old || old + oldlen > arch_user_top())
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if (!IS_ALIGNED(to, PAGE_SIZE))
			return -EINVAL;
		if (to < arch_user_base() || to + newlen < to || to + newlen > arch_user_top())
			return -EINVAL;
		if (to < old + oldlen && old < to + newlen)
			return -EINVAL; /* the ranges overlap */
		if (!vm_find_area(p->vm, old) || vm_find_area(p->vm, old)->end < old + oldlen)
			return -EFAULT;
		if (!vm_range_free(p->vm, to, newlen)) {
			err = vm_unmap(p->vm, to, newlen);
			if (err)
				return err;
		}
		if (newlen < oldlen) {
			err = vm_unmap(p->vm, old + newlen, oldlen - newlen);
			if (err)
				return err;
			oldlen = newlen;
		}
		err = vm_move(p->vm, old, oldlen, to);
		if (!err && newlen > oldlen)
			err = vm_extend(p->vm, to + oldlen, newlen - oldlen);
		return err ? err : (long)to;
	}
	if (!vm_find_area(p->vm, old) || vm_find_area(p->vm, old)->end < old + oldlen)
		return -EFAULT;
	if (newlen <= oldlen) {
		if (newlen < oldlen) {
			err = vm_unmap(p->vm, old + newlen, oldlen - newlen);
			if (err)
				return err;
		}
		return (long)old;
	}
	/* Growing: in place when the region ends there and the room after it is free. */
	if (vm_find_area(p->vm, old)->end == old + oldlen &&
	    vm_extend(p->vm, old + oldlen, newlen - oldlen) == 0)
		return (long)old;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	lf = spin_lock_irqsave(&p->lock);
	to = find_free(p, newlen);
	spin_unlock_irqrestore(&p->lock, lf);
	if (!to)
		return -ENOMEM;
	err = vm_move(p->vm, old, oldlen, to);
	if (!err)
		err = vm_extend(p->vm, to + oldlen, newlen - oldlen);
	return err ? err : (long)to;
}
VM_LOCKED(mremap)
LINUX_SYSCALL(mremap, sys_mremap);

/* tmpfs has no backing store: msync only checks its arguments. */
static long do_msync(SYSCALL_ARGS)
{
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	u64 flags = a2;

	if (flags & ~(u64)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (!IS_ALIGNED(a0, PAGE_SIZE))
		return -EINVAL;
	if (len < a1 || a0 + len < a0)
		return -ENOMEM;
	if (!len)
		return 0;
	if (a0 < arch_user_base() || a0 + len > arch_user_top() ||
	    !vm_range_mapped(current_proc()->vm, a0, len))
		return -ENOMEM;
	return 0;
}
VM_LOCKED(msync)
LINUX_SYSCALL(msync, sys_msync);

/* One byte per page of [addr, addr + len): bit 0 set when the page is resident. */
static long do_mincore(SYSCALL_ARGS)
{
	struct vm_space *vs = current_proc()->vm;
	size_t len = ALIGN_UP(a1, PAGE_SIZE);
	u8 buf[256];

	if (!IS_ALIGNED(a0, PAGE_SIZE))
		return -EINVAL;
	if (len < a1 || a0 + len < a0 || a0 + len > arch_user_top())
		return -ENOMEM;
	if (!len)
		return 0;
	if (a0 < arch_user_base() || !vm_range_mapped(vs, a0, len))
		return -ENOMEM;
	for (size_t done = 0; done < len / PAGE_SIZE;) {
		size_t n = MIN(len / PAGE_SIZE - done, sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = vm_page_resident(vs, a0 + (done + i) * PAGE_SIZE) ? 1 : 0;
		if (copy_to_user(UPTR(a2 + done), buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}
VM_LOCKED(mincore)
LINUX_SYSCALL(mincore, sys_mincore);

static long do_brk(SYSCALL_ARGS)
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
		    !vm_range_free(p->vm, old_end, new_end - old_end))
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
VM_LOCKED(brk)
LINUX_SYSCALL(brk, sys_brk);
