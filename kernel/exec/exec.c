/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec.c - execve: replace the calling process's program.
 *
 * Steps, each validated before anything is changed ("point of no return"
 * comes last): open the file through the VFS and check it is a regular
 * executable file; "#!" scripts restart with the interpreter (depth-limited);
 * elf_parse() validates the headers into a load plan; a new address space is
 * built (each PT_LOAD an anonymous region whose whole file pages are the
 * file's own pages shared copy-on-write, the rest copied from the file,
 * then given its final protection), plus a demand-zero stack region with the initial
 * stack image from exec_build_stack(). Only then does the process switch to
 * the new space: close-on-exec descriptors are closed, caught signals reset,
 * the old space freed (or handed back to a vfork parent) and the user
 * register frame pointed at the entry point.
 *
 * Arguments are copied into one kernel arena (struct exec_args) first, from
 * user memory (execve) or from kernel strings (the first process).
 */
#include "exec.h"
#include "arch.h"
#include "elf.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "random.h"
#include "sched.h"
#include "uaccess.h"
#include "vfs.h"
#include "vm.h"

#define ARGS_ORDER 3 /* 32 KiB for argv + envp strings and pointers */
#define ARGS_SIZE (PAGE_SIZE << ARGS_ORDER)
#define ARGS_MAX_PTRS 1024
#define STACK_IMAGE_ORDER 4 /* the built initial stack: at most 64 KiB */
#define USER_STACK_RESERVE MiB(8)
#define SHEBANG_DEPTH 4
#define PIE_BASE 0x555555554000ull
#define EXEC_PATH_MAX 256

struct exec_args {
	char *arena; /* strings, back to back */
	size_t used;
	const char **argv, **envp; /* pointers into arena, NULL-terminated */
	u32 argc, envc;
};

static int args_init(struct exec_args *a)
{
	a->arena = page_alloc_addr(ARGS_ORDER, 0);
	a->argv = kmalloc(sizeof(char *) * (ARGS_MAX_PTRS + 1));
	a->envp = kmalloc(sizeof(char *) * (ARGS_MAX_PTRS + 1));
	a->used = 0;
	a->argc = a->envc = 0;
	if (!a->arena || !a->argv || !a->envp)
		return -ENOMEM;
	return 0;
}

static void args_free(struct exec_args *a)
{
	if (a->arena)
		page_free_addr(a->arena);
	kfree(a->argv);
	kfree(a->envp);
}

/* Append a kernel string to the arena; returns it or NULL (E2BIG). */
static const char *args_push_kstr(struct exec_args *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n > ARGS_SIZE - a->used)
		return NULL;
	d = a->arena + a->used;
	memcpy(d, s, n);
	a->used += n;
	return d;
}

static int args_add(struct exec_args *a, const char ***vec, u32 *count, const char *s)
{
	const char *copy;

	if (*count >= ARGS_MAX_PTRS)
		return -E2BIG;
	copy = args_push_kstr(a, s);
	if (!copy)
		return -E2BIG;
	(*vec)[(*count)++] = copy;
	(*vec)[*count] = NULL;
	return 0;
}

/* Copy a user NULL-terminated string vector (uvec may be NULL: empty). */
static int args_copy_user_vec(struct exec_args *a, const char *const *uvec, bool env)
{
	const char ***vec = env ? &a->envp : &a->argv;
	u32 *count = env ? &a->envc : &a->argc;

	(*vec)[*count] = NULL;
	if (!uvec)
		return 0;
	for (u32 i = 0;; i++) {
		const char *up;
		long n;

		if (i >= ARGS_MAX_PTRS)
			return -E2BIG;
		if (copy_from_user(&up, &uvec[i], sizeof(up)))
			return -EFAULT;
		if (!up)
			return 0;
		n = strncpy_from_user(a->arena + a->used, up, ARGS_SIZE - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		(*vec)[(*count)++] = a->arena + a->used;
		(*vec)[*count] = NULL;
		a->used += (size_t)n + 1;
	}
}

static int args_copy_kernel_vec(struct exec_args *a, const char *const *kvec, bool env)
{
	int err;

	(env ? a->envp : a->argv)[0] = NULL;
	for (u32 i = 0; kvec && kvec[i]; i++) {
		err = args_add(a, env ? &a->envp : &a->argv, env ? &a->envc : &a->argc, kvec[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- loading ---- */

struct elf_reader {
	struct file *f;
};

static int elf_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct elf_reader *r = ctx;
	struct uio u = {.base = buf, .len = len, .user = false};
	s64 n = vfs_pread(r->f, &u, off);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* Copy file bytes [off, off + len) to user address va of the active space. */
static int copy_file_to_user(struct file *f, u64 off, vaddr_t va, u64 len)
{
	u8 *buf = page_alloc_addr(0, 0);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (len) {
		size_t n = (size_t)MIN(len, PAGE_SIZE);
		struct uio u = {.base = (char *)buf, .len = n, .user = false};
		s64 got = vfs_pread(f, &u, off);

		if (got != (s64)n) {
			err = got < 0 ? (int)got : -EIO;
			break;
		}
		if (copy_to_user((void *)va, buf, n)) {
			err = -EFAULT;
			break;
		}
		off += n;
		va += n;
		len -= n;
	}
	page_free_addr(buf);
	return err;
}

/*
 * Put a segment's file part, bytes [offset, offset + filesz), at vaddr of
 * the active space vs. Each page of it that is whole (all 4096 bytes from
 * the file part) is the file system's own page, mapped copy-on-write
 * (vm_map_page), so every process running the program shares its text and
 * read-only data with the file; a hole in the file stays demand-zero. The
 * partial pages at either end (bytes before vaddr must stay zero, and so
 * must the zero-fill after filesz) and files whose file system cannot
 * share (no get_page) are copied. elf_parse() guarantees vaddr and offset
 * are congruent modulo the page size, so file pages line up with pages.
 */
static int load_file_part(struct vm_space *vs, struct file *f, const struct elf_segment *s)
{
	vaddr_t end = s->vaddr + s->filesz;
	vaddr_t first = ALIGN_UP(s->vaddr, PAGE_SIZE), last = ALIGN_DOWN(end, PAGE_SIZE);
	int err;

	if (!f->ops->get_page || first >= last)
		return copy_file_to_user(f, s->offset, s->vaddr, s->filesz);
	if (first > s->vaddr) {
		err = copy_file_to_user(f, s->offset, s->vaddr, first - s->vaddr);
		if (err)
			return err;
	}
	for (vaddr_t va = first; va < last; va += PAGE_SIZE) {
		u64 index = (s->offset + (va - s->vaddr)) / PAGE_SIZE;
		struct page *p;

		err = vfs_get_page(f, index, &p);
		if (err == -ENOENT)
			continue; /* a hole: the region's demand-zero page reads the same */
		if (err)
			return err;
		err = vm_map_page(vs, va, p);
		page_put(p);
		if (err)
			return err;
	}
	if (end > last)
		return copy_file_to_user(f, s->offset + (last - s->vaddr), last, end - last);
	return 0;
}

/* Build the new space's segments; vs must be the active space. */
static int load_segments(struct vm_space *vs, struct file *f, const struct elf_image *img)
{
	for (u32 i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		vaddr_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		vaddr_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		int err = vm_map_anon(vs, start, end - start, VM_READ | VM_WRITE);

		if (err)
			return err;
		if (s->filesz) {
			err = load_file_part(vs, f, s);
			if (err)
				return err;
		}
		err = vm_protect(vs, start, end - start, s->prot);
		if (err)
			return err;
	}
	return 0;
}

static int build_stack(struct vm_space *vs, const struct exec_args *a, const struct elf_image *img,
		       const char *execfn, const struct cred *cr, vaddr_t *sp_out)
{
	size_t size = PAGE_SIZE << STACK_IMAGE_ORDER;
	u8 *buf = page_alloc_addr(STACK_IMAGE_ORDER, 0);
	vaddr_t top = arch_user_top();
	u8 rnd[16];
	struct exec_stack_info info = {
		.argv = a->argv,
		.argc = a->argc,
		.envp = a->envp,
		.envc = a->envc,
		.execfn = execfn,
		.random16 = rnd,
		.phdr = img->phdr_vaddr,
		.phent = img->phentsize,
		.phnum = img->phnum,
		.entry = img->entry,
		.base = 0,
		.pagesz = PAGE_SIZE,
		.uid = cr->uid,
		.euid = cr->euid,
		.gid = cr->gid,
		.egid = cr->egid,
		.hwcap = 0,
		.hwcap2 = 0,
		.clktck = 100,
		.secure = 0,
	};
	u64 sp;
	int err;

	if (!buf)
		return -ENOMEM;
	get_random_bytes(rnd, sizeof(rnd));
	err = vm_map_anon(vs, top - USER_STACK_RESERVE, USER_STACK_RESERVE, VM_READ | VM_WRITE);
	if (!err)
		err = exec_build_stack(buf, size, top, &info, &sp);
	if (!err && copy_to_user((void *)(uintptr_t)sp, buf + (size - (top - sp)), top - sp))
		err = -EFAULT;
	page_free_addr(buf);
	if (!err)
		*sp_out = sp;
	return err;
}

/* Swap the process's address space under p->lock (procfs reads it there). */
static void proc_set_vm(struct process *p, struct vm_space *vs)
{
	unsigned long f = spin_lock_irqsave(&p->lock);

	p->vm = vs;
	spin_unlock_irqrestore(&p->lock, f);
}

/* Reset caught signals to the default (ignored ones stay ignored). */
static void reset_signal_handlers(struct process *p)
{
	unsigned long f = spin_lock_irqsave(&p->lock);

	for (int i = 0; i < NSIG; i++)
		if (p->sigactions[i].handler > SIG_IGN)
			p->sigactions[i] = (struct k_sigaction){0};
	spin_unlock_irqrestore(&p->lock, f);
	/* The alternate signal stack was in the old image's memory (Linux clears it too). */
	current_thread()->sas_sp = 0;
	current_thread()->sas_size = 0;
}

static int do_exec(const struct vfs_ctx *c, const char *path, struct exec_args *a, int depth)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	struct vm_space *old_vm, *vs = NULL;
	struct elf_reader rd;
	struct elf_image *img = NULL;
	struct completion *vfork_done;
	struct kstat st;
	struct file *f;
	char head[256];
	struct uio u = {.base = head, .len = sizeof(head), .user = false};
	vaddr_t sp;
	s64 n;
	int err;

	err = vfs_open(c, path, O_RDONLY, 0, &f);
	if (err)
		return err;
	err = vfs_fstat(f, &st);
	if (err)
		goto out_file;
	if (!S_ISREG(st.mode)) {
		err = -EACCES;
		goto out_file;
	}
	err = vfs_file_permission(f, c->cred, X_OK);
	if (err)
		goto out_file;
	n = vfs_pread(f, &u, 0);
	if (n < 0) {
		err = (int)n;
		goto out_file;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char interp[EXEC_PATH_MAX], arg[EXEC_PATH_MAX];
		const char **old_argv = a->argv;
		u32 old_argc = a->argc;

		err = -ELOOP;
		if (depth >= SHEBANG_DEPTH)
			goto out_file;
		err = exec_parse_shebang(head, (size_t)n, interp, sizeof(interp), arg, sizeof(arg));
		if (err)
			goto out_file;
		file_put(f);
		/* New argv: interp [arg] path argv[1..]. */
		a->argv = kmalloc(sizeof(char *) * (ARGS_MAX_PTRS + 1));
		if (!a->argv) {
			a->argv = old_argv;
			return -ENOMEM;
		}
		a->argc = 0;
		a->argv[0] = NULL;
		err = args_add(a, &a->argv, &a->argc, interp);
		if (!err && arg[0])
			err = args_add(a, &a->argv, &a->argc, arg);
		if (!err)
			err = args_add(a, &a->argv, &a->argc, path);
		for (u32 i = 1; !err && i < old_argc; i++) {
			if (a->argc >= ARGS_MAX_PTRS) {
				err = -E2BIG;
				break;
			}
			a->argv[a->argc++] = old_argv[i];
			a->argv[a->argc] = NULL;
		}
		kfree(old_argv);
		if (err)
			return err;
		return do_exec(c, interp, a, depth + 1);
	}

	img = kmalloc(sizeof(*img));
	if (!img) {
		err = -ENOMEM;
		goto out_file;
	}
	rd.f = f;
	err = elf_parse(elf_read, &rd, (u64)st.size, arch_user_base(),
			arch_user_top() - USER_STACK_RESERVE - GiB(2),
			PIE_BASE + ((get_random_u64() & 0xff) << 12), img);
	if (err)
		goto out_img;

	/* The other threads of the process end first (they use p->vm). */
	err = proc_de_thread();
	if (err)
		goto out_img;
	vs = vm_space_create();
	if (!vs) {
		err = -ENOMEM;
		goto out_img;
	}
	/*
	 * Load with the new space as the process's: a context switch reloads
	 * p->vm when this thread runs again, so it must name the space being
	 * filled. Nothing else uses p->vm meanwhile (the only thread left).
	 */
	old_vm = p->vm;
	proc_set_vm(p, vs);
	vm_space_activate(vs);
	err = load_segments(vs, f, img);
	if (!err)
		err = build_stack(vs, a, img, path, c->cred, &sp);
	if (err) {
		proc_set_vm(p, old_vm);
		vm_space_activate(old_vm);
		vm_space_destroy(vs);
		goto out_img;
	}

	/* Point of no return. */
	if (old_vm && !p->vm_borrowed)
		vm_space_destroy(old_vm);
	p->vm_borrowed = false;
	vm_space_activate(vs);
	{
		unsigned long fl = spin_lock_irqsave(&p->lock);

		vfork_done = p->vfork_done;
		p->vfork_done = NULL;
		p->brk_start = p->brk = img->hi;
		p->mmap_top = arch_user_top() - USER_STACK_RESERVE - GiB(1);
		spin_unlock_irqrestore(&p->lock, fl);
	}
	if (vfork_done)
		complete(vfork_done);
	fdtable_close_on_exec(p->files);
	reset_signal_handlers(p);
	{
		unsigned long fl = spin_lock_irqsave(&p->lock); /* procfs reads exe under it */
		struct file *old_exe = p->exe;

		p->exe = file_get(f);
		proc_set_name(p, path);
		proc_set_cmdline(p, a->argv, a->argc);
		spin_unlock_irqrestore(&p->lock, fl);
		if (old_exe)
			file_put(old_exe);
	}
	arch_set_tls(t, 0);
	arch_user_frame_init(arch_user_frame(t), img->entry, sp);
	err = 0;
out_img:
	kfree(img);
out_file:
	file_put(f);
	return err;
}

int exec_kernel(const char *path, const char *const *argv, const char *const *envp);
int exec_kernel(const char *path, const char *const *argv, const char *const *envp)
{
	struct process *p = current_proc();
	struct vfs_ctx c = {.fs = p->fs, .cred = &p->cred, .dir = NULL};
	struct exec_args a;
	int err = args_init(&a);

	if (!err)
		err = args_copy_kernel_vec(&a, argv, false);
	if (!err)
		err = args_copy_kernel_vec(&a, envp, true);
	if (!err)
		err = do_exec(&c, path, &a, 0);
	args_free(&a);
	return err;
}

/* execve/execveat: path already copied in; uargv/uenvp are user pointers. */
int exec_user(struct file *dir, const char *path, const char *const *uargv,
	      const char *const *uenvp);
int exec_user(struct file *dir, const char *path, const char *const *uargv,
	      const char *const *uenvp)
{
	struct process *p = current_proc();
	struct vfs_ctx c = {.fs = p->fs, .cred = &p->cred, .dir = dir};
	struct exec_args a;
	int err = args_init(&a);

	if (!err)
		err = args_copy_user_vec(&a, uargv, false);
	if (!err)
		err = args_copy_user_vec(&a, uenvp, true);
	if (!err)
		err = do_exec(&c, path, &a, 0);
	args_free(&a);
	return err;
}
