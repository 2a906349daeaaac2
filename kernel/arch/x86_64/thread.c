/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread.c - x86_64 thread contexts: the initial stack frame of a new
 * thread, the context switch (stack, FPU/SSE/AVX state, kernel entry stack),
 * and FPU set-up.
 *
 * FPU state is saved and restored with XSAVE/XRSTOR (the components the
 * CPU reports, up to AVX) or FXSAVE/FXRSTOR on CPUs without XSAVE, but only
 * for threads that use it. The kernel is built without SSE, so a thread
 * uses the FPU only through user code or explicit instructions (tests).
 * A thread is "active" (arch.fpu_active) while its state is in the
 * registers. Every thread starts inactive and runs with CR0.TS set, so its
 * first FPU/SSE/AVX instruction raises #NM; x86_fpu_trap() then loads the
 * thread's own area - the architectural initial state (FCW 0x37f, MXCSR
 * 0x1f80, everything else zero) for a new thread - and makes it active
 * until it is switched out, where its state is saved (fpu_switch).
 * A thread that trapped gets FPU_EAGER_SWITCHES switch-ins on which its
 * state is loaded at once (no #NM); each further trap renews that credit.
 * So a thread that keeps using the FPU pays for one trap per
 * FPU_EAGER_SWITCHES switches, and one that used it once (a printf at
 * start-up, then a loop of system calls and IPC) soon costs nothing at a
 * switch: neither side active, nothing to save, TS already set. When an
 * active prev is followed by a next that is not loaded, the registers are
 * reset to the initial state before TS is set again, so no thread's values
 * are left where another could read them (not even speculatively, past a
 * TS fault). Switching between two threads not loaded - kernel threads,
 * most system-call and IPC loops - touches neither the FPU nor CR0.
 *
 * Invariants, per CPU, with interrupts off: CR0.TS is set iff the running
 * thread is inactive; while it is, the FPU registers hold the initial state
 * (or the reset state of a CPU that has run no active thread yet). A
 * thread is active only while it runs.
 */
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "kstack.h"
#include "lib.h"
#include "mm.h"
#include "panic.h"
#include "sched.h"
#include "smp.h"
#include "x86.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define FPU_EAGER_SWITCHES 16 /* switch-ins loaded eagerly after a #NM */

void x86_switch_stacks(u64 *prev_rsp, u64 next_rsp);
void x86_switch_stacks_cont(u64 *prev_rsp, u64 next_frame, long (*cont)(void));
__noreturn void x86_switch_from_cont(u64 unused, u64 next_rsp);
__noreturn void x86_cont_run(u64 frame, long (*cont)(void));
extern char x86_thread_start[];

static u32 fpu_size = 512; /* bytes of the save area (FXSAVE: 512) */
/* Initial state for XRSTOR/FXRSTOR: XSTATE_BV 0 (all components at init), MXCSR set. */
static u8 fpu_init_state[1024] __aligned(64);
static u64 xcr0; /* only X87, SSE, AVX: the high half is always 0 */
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
	BUG_ON(fpu_size > sizeof(fpu_init_state));
	*(u16 *)fpu_init_state = 0x37f;		/* FCW (FXRSTOR loads it) */
	*(u32 *)(fpu_init_state + 24) = 0x1f80; /* MXCSR (both load it) */
}

static inline void fpu_set_ts(void)
{
	write_cr0(read_cr0() | CR0_TS);
}

static inline void clts(void)
{
	__asm__ volatile("clts" ::: "memory");
}

static void fpu_save(void *area)
{
	if (use_xsave)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((u32)xcr0), "d"(0u) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((u32)xcr0), "d"(0u) : "memory");
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
	/* The top of the stack is kept for the user register frame (uframe.c). */
	u64 *sp = (u64 *)ALIGN_DOWN(t->kstack->top - sizeof(struct trap_frame), 16);

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
	t->arch.cont = NULL;
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
	t->arch.fpu_active = false;
	t->arch.fpu_eager = 0;
	t->arch.cont = NULL;
	t->arch.kstack_top = t->kstack ? t->kstack->top : 0;
	fpu_set_ts(); /* an inactive thread runs now (the invariant starts here) */
}

/*
 * #NM: the running thread touched the FPU while inactive (CR0.TS set). Load
 * its own state and let it keep the FPU until it is switched out; the next
 * FPU_EAGER_SWITCHES times it runs its state is loaded at once. The
 * instruction is then retried. False for a #NM that is not this (no area,
 * TS clear): the caller reports it as before. Interrupts are off
 * (interrupt gate).
 */
bool x86_fpu_trap(void)
{
	struct thread *t = current_thread();

	if (!t || t->arch.fpu_active || !t->arch.fpu || !(read_cr0() & CR0_TS))
		return false;
	clts();
	fpu_restore(t->arch.fpu);
	t->arch.fpu_active = true;
	t->arch.fpu_eager = FPU_EAGER_SWITCHES;
	return true;
}

/*
 * prev is active or next has eager switch-ins left: move the registers
 * over (see the top). Afterwards next is active iff its state was loaded;
 * otherwise TS is set and the registers hold the initial state.
 */
static void fpu_switch(struct thread *prev, struct thread *next)
{
	bool was_active = prev->arch.fpu_active;

	if (was_active) {
		fpu_save(prev->arch.fpu);
		prev->arch.fpu_active = false;
	}
	if (next->arch.fpu_eager) { /* only a trap sets it, and only with an area */
		next->arch.fpu_eager--;
		if (!was_active)
			clts();
		fpu_restore(next->arch.fpu);
		next->arch.fpu_active = true;
	} else if (was_active) {
		fpu_restore(fpu_init_state);
		fpu_set_ts();
	}
}

/* The stack the CPU switches to on an entry from user mode (inline: every switch). */
static inline void set_kernel_stack(u64 top)
{
	struct cpu *c = this_cpu();

	((struct x86_percpu *)c->arch)->tss.rsp[0] = top;
	c->kernel_rsp = top;
}

void x86_set_kernel_stack(u64 top)
{
	set_kernel_stack(top);
}

/* What every switch does besides the stack: FPU, kernel entry stack, TLS base. */
static inline void switch_prepare(struct thread *prev, struct thread *next)
{
	if (unlikely(prev->arch.fpu_active | next->arch.fpu_eager))
		fpu_switch(prev, next);
	if (next->arch.kstack_top)
		set_kernel_stack(next->arch.kstack_top);
	if (prev->arch.fs_base != next->arch.fs_base)
		wrmsr(MSR_FS_BASE, next->arch.fs_base);
}

/* A thread's user frame: the top of its kernel stack (uframe.c). */
static inline u64 user_frame(const struct thread *t)
{
	return t->arch.kstack_top - sizeof(struct trap_frame);
}

void arch_context_switch(struct thread *prev, struct thread *next)
{
	long (*cont)(void) = next->arch.cont;

	switch_prepare(prev, next);
	if (unlikely(cont)) {
		next->arch.cont = NULL;
		x86_switch_stacks_cont(&prev->arch.rsp, user_frame(next), cont);
	} else {
		x86_switch_stacks(&prev->arch.rsp, next->arch.rsp);
	}
}

void arch_context_switch_cont(struct thread *prev, struct thread *next, long (*cont)(void))
{
	long (*ncont)(void) = next->arch.cont;

	switch_prepare(prev, next);
	prev->arch.cont = cont;
	if (likely(ncont)) {
		next->arch.cont = NULL;
		x86_cont_run(user_frame(next), ncont);
	}
	x86_switch_from_cont(0, next->arch.rsp);
}
