/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread.c - x86_64 thread contexts: the initial stack frame of a new
 * thread, the context switch (stack, FPU/SSE/AVX state, kernel entry stack),
 * and FPU set-up.
 *
 * FPU state is switched eagerly on every context switch with XSAVE/XRSTOR
 * (the components the CPU reports, up to AVX) or FXSAVE/FXRSTOR on CPUs
 * without XSAVE. The kernel itself is built without SSE, so only threads'
 * own use of the FPU matters. A new thread starts from the architectural
 * initial state (FCW 0x37f, MXCSR 0x1f80, everything else zero).
 */
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "kstack.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "x86.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)

void x86_switch_stacks(u64 *prev_rsp, u64 next_rsp);
extern char x86_thread_start[];

static u32 fpu_size = 512; /* bytes of the save area (FXSAVE: 512) */
static u64 xcr0;
static bool use_xsave;

static inline void xsetbv(u32 idx, u64 v)
{
	__asm__ volatile("xsetbv" : : "c"(idx), "a"((u32)v), "d"((u32)(v >> 32)));
}

/* Turn the FPU on for this CPU (boot CPU and every AP). */
void x86_fpu_init_cpu(void)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4();

	write_cr0((cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP);
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (use_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (use_xsave)
		xsetbv(0, xcr0);
	__asm__ volatile("fninit");
}

/* Decide XSAVE vs FXSAVE and the area size (boot CPU, once). */
void x86_fpu_init(void)
{
	u32 a, b, c, d;

	use_xsave = x86_cpu.xsave;
	if (use_xsave) {
		cpuid(0xd, 0, &a, &b, &c, &d);
		xcr0 = (((u64)d << 32) | a) & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
	}
	x86_fpu_init_cpu();
	if (use_xsave) {
		cpuid(0xd, 0, &a, &b, &c, &d);
		fpu_size = b; /* size for the components enabled in XCR0 */
	}
}

static void fpu_save(void *area)
{
	if (use_xsave)
		__asm__ volatile("xsave64 (%0)"
				 :
				 : "r"(area), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)"
				 :
				 : "r"(area), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* A zeroed FPU save area in the initial state, 64-byte aligned; the raw pointer sits below it. */
static void *fpu_area_alloc(void)
{
	u8 *raw = kzalloc(fpu_size + 72);
	void **area;

	if (!raw)
		return NULL;
	area = (void **)ALIGN_UP((uintptr_t)raw + 8, 64);
	area[-1] = raw;
	*(u16 *)area = 0x37f;		    /* FCW */
	*(u32 *)((u8 *)area + 24) = 0x1f80; /* MXCSR */
	return area;
}

int arch_thread_init(struct thread *t, void (*entry)(void))
{
	u64 *sp = (u64 *)t->kstack->top;

	t->arch.fpu = fpu_area_alloc();
	if (!t->arch.fpu)
		return -ENOMEM;
	/* Frame popped by x86_switch_stacks: r15 r14 r13 r12 rbx rbp, then "ret". */
	*--sp = 0; /* alignment: the entry call sees a 16-byte aligned stack */
	*--sp = (u64)(uintptr_t)x86_thread_start;
	*--sp = 0;		       /* rbp */
	*--sp = (u64)(uintptr_t)entry; /* rbx */
	*--sp = 0;		       /* r12 */
	*--sp = 0;		       /* r13 */
	*--sp = 0;		       /* r14 */
	*--sp = 0;		       /* r15 */
	t->arch.rsp = (u64)(uintptr_t)sp;
	t->arch.kstack_top = t->kstack->top;
	return 0;
}

void arch_thread_free(struct thread *t)
{
	if (t->arch.fpu)
		kfree(((void **)t->arch.fpu)[-1]);
	t->arch.fpu = NULL;
}

void arch_thread_adopt(struct thread *t)
{
	t->arch.fpu = fpu_area_alloc(); /* NULL: this thread's FPU state is not kept */
	t->arch.kstack_top = t->kstack ? t->kstack->top : 0;
}

void arch_context_switch(struct thread *prev, struct thread *next)
{
	if (prev->arch.fpu)
		fpu_save(prev->arch.fpu);
	if (next->arch.fpu)
		fpu_restore(next->arch.fpu);
	if (next->arch.kstack_top)
		x86_set_kernel_stack(next->arch.kstack_top);
	x86_switch_stacks(&prev->arch.rsp, next->arch.rsp);
}
