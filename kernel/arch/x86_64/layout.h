/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * layout.h - x86_64 virtual and physical memory layout constants, shared by
 * the linker script, the boot assembly and C (docs/design/boot.md has the map).
 */
#ifndef MATRIOSKA_X86_LAYOUT_H
#define MATRIOSKA_X86_LAYOUT_H

/* The kernel image is linked at KERNEL_VMA + physical address. */
#define KERNEL_VMA 0xffffffff80000000
/* Physical load address of the image (1 MiB, above the legacy low memory). */
#define KERNEL_PHYS 0x100000
/* All physical memory is mapped at DIRECT_MAP_BASE + physical address. */
#define DIRECT_MAP_BASE 0xffff800000000000

#define PAGE_SIZE 4096
/* Kernel stacks of threads, each above an unmapped guard (PML4 slot 384). */
#define KSTACK_AREA_BASE 0xffffc00000000000
#define KSTACK_AREA_SIZE 0x40000000 /* 1 GiB */
#define BOOT_STACK_SIZE (16 * 1024)
#define IST_STACK_SIZE (8 * 1024)

/* GDT selectors (order fixed by SYSCALL/SYSRET: STAR uses 0x08 and 0x18). */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UCODE32 0x18
#define GDT_UDATA 0x20
#define GDT_UCODE 0x28
#define GDT_TSS 0x30

/* Offsets in struct cpu (cpu.h) used by assembly; checked in syscall.c. */
#define CPU_KERNEL_RSP 40
#define CPU_USER_RSP 48
#define CPU_EXIT_WORK 60

/* trap_frame.vector of a frame built by the syscall entry. */
#define VECTOR_SYSCALL 0x100

/* Offsets in struct trap_frame (x86.h) used by entry.S; checked in syscall.c. */
#define TF_R15 0
#define TF_R14 8
#define TF_R13 16
#define TF_R12 24
#define TF_R10 40
#define TF_R9 48
#define TF_R8 56
#define TF_RBP 64
#define TF_RDI 72
#define TF_RSI 80
#define TF_RDX 88
#define TF_RBX 104
#define TF_RAX 112
#define TF_RIP 136
#define TF_RFLAGS 152
#define TF_RSP 160

/* IST slots in the TSS (1-based, as the IDT encodes them). */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

#endif
