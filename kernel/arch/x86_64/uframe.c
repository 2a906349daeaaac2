/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uframe.c - user register frames and Linux signal frames on x86_64.
 *
 * Every entry from ring 3 leaves one struct trap_frame at the very top of
 * the thread's kernel stack (SYSCALL entry and interrupts use the same
 * layout), so arch_user_frame() is pure arithmetic.
 *
 * Signal frames follow the x86_64 Linux ABI (what musl's sa_restorer and
 * signal handlers expect): below the interrupted stack pointer (minus the
 * 128-byte red zone) the kernel pushes the 512-byte FXSAVE image, then a
 * struct rt_sigframe = { return address (sa_restorer), struct ucontext,
 * siginfo }, with the stack pointer at the return address and
 * (rsp + 8) 16-byte aligned, as at a function's entry. rt_sigreturn
 * (sa_restorer calls it with rsp just past the return address) restores
 * the registers, the signal mask and the FPU state, and checks what user
 * space could have tampered with: segment selectors are forced to the user
 * ones, RFLAGS keeps only user-changeable bits, MXCSR reserved bits must
 * be clear.
 */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"
#include "x86.h"

#include "layout.h"

#define RED_ZONE 128
#define RFLAGS_USER_MASK 0x00000dd5ull /* CF PF AF ZF SF TF DF OF */
#define RFLAGS_IF (1ull << 9)

__noreturn void x86_resume_user(struct trap_frame *f);

struct trap_frame *arch_user_frame(struct thread *t)
{
	return arch_fast_user_frame(&t->arch);
}

size_t arch_user_frame_size(void)
{
	return sizeof(struct trap_frame);
}

void arch_user_frame_init(struct trap_frame *f, vaddr_t ip, vaddr_t sp)
{
	memset(f, 0, sizeof(*f));
	f->rip = ip;
	f->rsp = sp;
	f->cs = GDT_UCODE | 3;
	f->ss = GDT_UDATA | 3;
	f->rflags = RFLAGS_IF | 2;
}

void arch_user_frame_set_retval(struct trap_frame *f, u64 v)
{
	f->rax = v;
}

void arch_user_frame_set_sp(struct trap_frame *f, vaddr_t sp)
{
	f->rsp = sp;
}

vaddr_t arch_user_frame_sp(struct trap_frame *f)
{
	return f->rsp;
}

/* entry.S saves the system call number where interrupts keep their error code. */
bool arch_syscall_frame(struct trap_frame *f, u64 *nr, long *ret)
{
	if (f->vector != VECTOR_SYSCALL)
		return false;
	*nr = f->error;
	*ret = (long)f->rax;
	return true;
}

void arch_syscall_restart(struct trap_frame *f, u64 nr)
{
	f->rip -= 2; /* the SYSCALL instruction (0f 05) */
	f->rax = nr;
}

void arch_return_to_user(void)
{
	struct thread *t = current_thread();

	arch_irq_disable();
	if (this_cpu()->need_resched)
		sched_preempt_irq(true);
	x86_resume_user(arch_user_frame(t));
}

void arch_set_tls(struct thread *t, u64 base)
{
	t->arch.fs_base = base;
	if (t == current_thread())
		wrmsr(MSR_FS_BASE, base);
}

u64 arch_get_tls(struct thread *t)
{
	return t->arch.fs_base;
}

/* ---- Linux x86_64 signal frames (layouts are facts of the Linux ABI) ---- */

struct l_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate; /* user address of the FXSAVE image, or 0 */
	u64 reserved1[8];
};

struct l_ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct {
		u64 ss_sp;
		s32 ss_flags;
		s32 pad;
		u64 ss_size;
	} uc_stack;
	struct l_sigcontext uc_mcontext;
	u64 uc_sigmask;
};

struct l_siginfo {
	u8 bytes[SIGINFO_SIZE];
};

struct l_rt_sigframe {
	u64 pretcode;
	struct l_ucontext uc;
	struct l_siginfo info;
};

STATIC_ASSERT(sizeof(struct l_sigcontext) == 256, "Linux struct sigcontext");
STATIC_ASSERT(sizeof(struct l_siginfo) == 128, "Linux siginfo_t");

#define FXSAVE_SIZE 512
#define MXCSR_OFFSET 24

static void fxsave_current(u8 *area)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(u8(*)[FXSAVE_SIZE])area));
}

static void fxrstor_current(const u8 *area)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const u8(*)[FXSAVE_SIZE])area));
}

int arch_signal_frame_setup(struct trap_frame *f, const struct signal_frame_req *req)
{
	const struct k_sigaction *ka = req->ka;
	u8 *fx = kmalloc(FXSAVE_SIZE + 16);
	u8 *fxa;
	struct l_rt_sigframe fr;
	u64 sp = req->stack_top ? req->stack_top : f->rsp - RED_ZONE;
	u64 fx_user, frame_user;
	int err = -EFAULT;

	if (!fx)
		return -ENOMEM;
	fxa = (u8 *)ALIGN_UP((uintptr_t)fx, 16);
	fxsave_current(fxa);
	fx_user = ALIGN_DOWN(sp - FXSAVE_SIZE, 64);
	frame_user = ALIGN_DOWN(fx_user - sizeof(fr), 16) - 8; /* (rsp + 8) % 16 == 0 */
	memset(&fr, 0, sizeof(fr));
	fr.pretcode = ka->restorer;
	fr.uc.uc_stack.ss_sp = req->ss_sp;
	fr.uc.uc_stack.ss_flags = req->ss_flags;
	fr.uc.uc_stack.ss_size = req->ss_size;
	fr.uc.uc_mcontext = (struct l_sigcontext){
		.r8 = f->r8,
		.r9 = f->r9,
		.r10 = f->r10,
		.r11 = f->r11,
		.r12 = f->r12,
		.r13 = f->r13,
		.r14 = f->r14,
		.r15 = f->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rbp = f->rbp,
		.rbx = f->rbx,
		.rdx = f->rdx,
		.rax = f->rax,
		.rcx = f->rcx,
		.rsp = f->rsp,
		.rip = f->rip,
		.eflags = f->rflags,
		.cs = (u16)f->cs,
		.ss = (u16)f->ss,
		.err = f->vector == VECTOR_SYSCALL ? 0 : f->error,
		.trapno = f->vector == VECTOR_SYSCALL ? 0 : f->vector,
		.oldmask = req->old_mask,
		.fpstate = fx_user,
	};
	fr.uc.uc_sigmask = req->old_mask;
	signal_info_to_user(req->info, fr.info.bytes);
	if (copy_to_user((void *)(uintptr_t)fx_user, fxa, FXSAVE_SIZE) ||
	    copy_to_user((void *)(uintptr_t)frame_user, &fr, sizeof(fr)))
		goto out;
	f->rsp = frame_user;
	f->rip = ka->handler;
	f->rdi = (u64)req->sig;
	f->rsi = frame_user + offsetof(struct l_rt_sigframe, info);
	f->rdx = frame_user + offsetof(struct l_rt_sigframe, uc);
	f->rax = 0;
	f->rflags &= ~(1ull << 10 | 1ull << 8); /* DF and TF clear in the handler */
	err = 0;
out:
	kfree(fx);
	return err;
}

int arch_signal_frame_restore(struct trap_frame *f, u64 *mask)
{
	/* sa_restorer's `ret` popped pretcode: rsp points just past it. */
	u64 frame_user = f->rsp - 8;
	struct l_rt_sigframe fr;
	const struct l_sigcontext *sc = &fr.uc.uc_mcontext;
	u8 *fx = NULL, *fxa;
	int err = -EFAULT;

	if (copy_from_user(&fr, (const void *)(uintptr_t)frame_user, sizeof(fr)))
		return -EFAULT;
	if (sc->fpstate) {
		fx = kmalloc(FXSAVE_SIZE + 16);
		if (!fx)
			return -ENOMEM;
		fxa = (u8 *)ALIGN_UP((uintptr_t)fx, 16);
		if (copy_from_user(fxa, (const void *)(uintptr_t)sc->fpstate, FXSAVE_SIZE))
			goto out;
		/* Reserved MXCSR bits set would make FXRSTOR fault in the kernel. */
		if (*(u32 *)(fxa + MXCSR_OFFSET) & 0xffff0000u) {
			err = -EINVAL;
			goto out;
		}
		fxrstor_current(fxa);
	}
	f->r8 = sc->r8, f->r9 = sc->r9, f->r10 = sc->r10, f->r11 = sc->r11;
	f->r12 = sc->r12, f->r13 = sc->r13, f->r14 = sc->r14, f->r15 = sc->r15;
	f->rdi = sc->rdi, f->rsi = sc->rsi, f->rbp = sc->rbp, f->rbx = sc->rbx;
	f->rdx = sc->rdx, f->rax = sc->rax, f->rcx = sc->rcx, f->rsp = sc->rsp, f->rip = sc->rip;
	f->rflags = (f->rflags & ~RFLAGS_USER_MASK) | (sc->eflags & RFLAGS_USER_MASK) | RFLAGS_IF;
	f->cs = GDT_UCODE | 3;
	f->ss = GDT_UDATA | 3;
	f->vector = 0x80; /* not a syscall frame any more: return with IRETQ */
	*mask = fr.uc.uc_sigmask;
	err = 0;
out:
	kfree(fx);
	return err;
}
