/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86.h - private declarations shared by the x86_64 arch files: port and
 * MSR access, control registers, CPUID, the trap frame layout built by
 * isr.S, and the functions the arch files call in each other. Generic code
 * never includes this; it uses kernel/include/arch.h.
 */
#ifndef MATRIOSKA_X86_H
#define MATRIOSKA_X86_H

#include "arch_uframe.h" /* struct trap_frame (the IPC fast path reads it inline) */
#include "layout.h"
#include "mm.h"
#include "types.h"

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n)                                                       \
	static inline u64 read_cr##n(void)                                 \
	{                                                                  \
		u64 v;                                                     \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                  \
	}                                                                  \
	static inline void write_cr##n(u64 v)                              \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define EFER_NXE (1ull << 11)
#define CR0_WP (1ull << 16)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

/* Values saved by boot.S. */
/* boot_tsc: arch_cpu.h (the inline clock reads it) */
extern u32 boot_magic, boot_info_phys, boot_cpuid_ext_edx;

/* Linker-script symbols. */
extern char _image_start_phys[], _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _bss_start[], _bss_end[], _kernel_end[];
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
extern char ist_stacks[], ist_stacks_end[];

static inline paddr_t kernel_virt_to_phys(const void *p)
{
	return (paddr_t)((uintptr_t)p - KERNEL_VMA);
}

/* CPU features found by cpu_detect(). */
struct x86_features {
	bool nx, pge, pdpe1gb, smep, smap, tsc_invariant, xsave, apic;
	char vendor[13];
	char brand[49];
	u32 family, model, stepping;
};
extern struct x86_features x86_cpu;

void serial_init(void);
void serial_drain(void);
void gdt_init(void);
void idt_init(void);
void cpu_detect(void);
void cpu_enable_protections(void);
void x86_fpu_init(void);
void x86_fpu_init_cpu(void);
/* #NM from a thread's first FPU use: true if handled (thread.c). */
bool x86_fpu_trap(void);
/* Kernel stack for entries from user mode (TSS.rsp0, syscall stack) on this CPU. */
void x86_set_kernel_stack(u64 top);
/* CR4.SMAP is on: uaccess must bracket user accesses with stac/clac. */
extern bool x86_smap_enabled;
void tsc_calibrate(void);
void tsc_report(void);
struct boot_info;
int paging_init(const struct boot_info *bi, const char **why);
/* Highest physical address (exclusive) reachable through the direct map. */
extern u64 direct_map_limit;
/* Physical address of the kernel's own PML4 (set by paging_init). */
extern paddr_t kernel_root_phys;

/* A kernel stack and its unmapped guard page, for reports and stack walks. */
struct kstack_info {
	const char *name;
	uintptr_t guard, bottom, top; /* guard page is [guard, bottom) */
};
int x86_kernel_stacks(struct kstack_info *out, int max);
const struct kstack_info *x86_stack_of(uintptr_t addr);
const struct kstack_info *x86_guard_of(uintptr_t addr);

/* Record of the last exception fixed up through the exception table (ktests). */
struct x86_fixup_record {
	u64 vector, error, cr2, rip;
	u64 count;
};
extern struct x86_fixup_record x86_last_fixup;

void x86_trap(struct trap_frame *f);

/* Interrupt vectors (32-255). Legacy PIC vectors 32-47 are masked. */
#define VEC_IOAPIC_BASE 48 /* IOAPIC inputs 0-23 -> 48-71 */
#define VEC_LAPIC_TIMER 0xec
#define VEC_IPI_RESCHED 0xf0
#define VEC_IPI_TLB 0xf1
#define VEC_IPI_STOP 0xf2
#define VEC_IPI_CALL 0xf3
#define VEC_IPI_WORK 0xf4 /* self-IPI: deferred work (arch_irq_work_raise) */
#define VEC_SPURIOUS 0xff
typedef void (*x86_irq_handler_t)(struct trap_frame *f);
/* Route vector to handler (runs with interrupts off; must EOI its own interrupt). */
void x86_irq_register(u8 vector, x86_irq_handler_t handler);
/* End of every interrupt: preempt the interrupted thread if it should yield. */
void x86_irq_exit(struct trap_frame *f);
void x86_syscall_init_cpu(void);
/* ACPI, APICs, LAPIC timer, and the other CPUs (smp.c). */
int x86_smp_init(const struct boot_info *bi);
/* Read and log what powering off needs from ACPI (power.c; stage 3, after x86_smp_init). */
void x86_power_init(const struct boot_info *bi);
/* A fault from user mode: resolved (returns) or the process is killed. */
void x86_user_fault(struct trap_frame *f, u64 cr2);
/* Signals pending on the way back to user mode (may not return: IRETQ path). */
void x86_user_return_work(struct trap_frame *f);
/* Run fn(arg) on another stack whose top (16-byte aligned) is top. */
void x86_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg);

#endif
