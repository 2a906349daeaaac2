/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc.c - processes: an address space plus its threads. For now a process
 * runs one user thread started from a flat program image (the ELF loader
 * and fork/exec belong to the user-space issue); the kernel's ktests use it
 * to run small embedded test programs in ring 3.
 *
 * Lifetime: proc_spawn_flat() creates the process and its first thread;
 * when the last thread exits, proc_exit() tears the address
 * space down and completes p->done; proc_wait() joins the first thread,
 * collects the exit code and frees the process.
 *
 * Locking: p->lock covers threads, nr_threads, exit_code and exited.
 */
#include "proc.h"
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "uaccess.h"
#include "vm.h"

#define USER_STACK_SIZE (64 * 1024)
#define FLAT_BSS_EXTRA (64 * 1024) /* zero-filled room after a flat image */

static struct spinlock pid_lock = SPINLOCK_INIT("pid", LOCK_RANK_NONE);
static u64 next_pid = 1;

struct process *current_proc(void)
{
	struct thread *t = current_thread();

	return t ? t->proc : NULL;
}

/* First code of a process's first thread: join the process, enter ring 3. */
static void user_thread_main(void *arg)
{
	struct process *p = arg;
	struct thread *t = current_thread();
	unsigned long f = spin_lock_irqsave(&p->lock);

	t->proc = p;
	list_add_tail(&t->proc_link, &p->threads);
	spin_unlock_irqrestore(&p->lock, f);
	vm_space_activate(p->vm);
	arch_enter_user(p->entry, p->stack_top);
}

/* Copy image into p's space at addr (activates the space for the copy). */
static int load_image(struct process *p, const void *image, size_t len, vaddr_t addr)
{
	struct vm_space *old = vm_current();
	int err;

	vm_space_activate(p->vm);
	err = copy_to_user((void *)addr, image, len);
	vm_space_activate(old);
	return err;
}

struct process *proc_spawn_flat(const char *name, const void *image, size_t len, vaddr_t load_addr,
				vaddr_t entry)
{
	struct thread_attr attr = {.policy = SCHED_NORMAL};
	size_t span = ALIGN_UP(len, PAGE_SIZE) + FLAT_BSS_EXTRA;
	vaddr_t stack_base = arch_user_top() - USER_STACK_SIZE;
	struct process *p = kzalloc(sizeof(*p));
	unsigned long f;

	if (!p)
		return NULL;
	p->vm = vm_space_create();
	if (!p->vm)
		goto out_free;
	if (vm_map_anon(p->vm, load_addr, span, VM_READ | VM_WRITE | VM_EXEC) ||
	    vm_map_anon(p->vm, stack_base, USER_STACK_SIZE, VM_READ | VM_WRITE) ||
	    load_image(p, image, len, load_addr))
		goto out_vm;
	strlcpy(p->name, name, sizeof(p->name));
	list_init(&p->threads);
	spin_init(&p->lock, "process", LOCK_RANK_NONE);
	completion_init(&p->done, "process done");
	p->entry = entry;
	p->stack_top = arch_user_top() - 64; /* 16-byte aligned, a little headroom */
	p->nr_threads = 1;
	f = spin_lock_irqsave(&pid_lock);
	p->pid = next_pid++;
	spin_unlock_irqrestore(&pid_lock, f);
	/* Joined by proc_wait(), so the process is gone for good when it returns. */
	p->main_thread = thread_create(name, user_thread_main, p, &attr);
	if (!p->main_thread)
		goto out_vm;
	return p;

out_vm:
	vm_space_destroy(p->vm);
out_free:
	kfree(p);
	return NULL;
}

void proc_exit(int code)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	unsigned long f;
	bool last;

	if (!p)
		thread_exit(code);
	f = spin_lock_irqsave(&p->lock);
	if (!p->exited) {
		p->exited = true;
		p->exit_code = code;
	}
	list_del(&t->proc_link);
	last = --p->nr_threads == 0;
	spin_unlock_irqrestore(&p->lock, f);
	t->proc = NULL;
	if (last) {
		vm_space_destroy(p->vm); /* switches this CPU to the kernel's table first */
		p->vm = NULL;
		complete_all(&p->done);
	}
	thread_exit(code);
}

int proc_wait(struct process *p)
{
	int code;

	wait_for_completion(&p->done);
	thread_join(p->main_thread);
	code = p->exit_code;
	kfree(p);
	return code;
}
