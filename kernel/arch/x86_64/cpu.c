/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpu.c - the boot CPU: feature detection (CPUID), the final GDT with a TSS
 * whose IST slots give double fault, NMI and machine check their own stacks
 * (x86_gdt_load, which every AP uses for its own GDT and TSS too), and the
 * small CPU-control hooks of arch.h (halt, interrupt flag, register dump,
 * isa-debug-exit).
 */
#include "cpu.h"
#include "arch.h"
#include "klog.h"
#include "lib.h"
#include "smp.h"
#include "x86.h"

struct x86_features x86_cpu;
static bool has_rdrand, has_rdseed; /* set by cpu_detect(); read by arch_random_u64() */

struct gdt_ptr {
	u16 limit;
	u64 base;
} __packed;

/* The boot CPU's GDT and TSS; APs have their own (smp.c). */
struct x86_percpu x86_boot_percpu;

static u64 gdt_tss_low(const struct x86_tss *t)
{
	u64 base = (u64)(uintptr_t)t, limit = sizeof(*t) - 1;

	return (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
	       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
}

void x86_gdt_load(struct x86_percpu *pc, const uintptr_t ist_top[3], uintptr_t rsp0)
{
	struct gdt_ptr ptr;
	u64 *gdt = pc->gdt;
	struct x86_tss *tss = &pc->tss;

	gdt[0] = 0;
	gdt[GDT_KCODE / 8] = 0x00af9a000000ffffull;
	gdt[GDT_KDATA / 8] = 0x00cf92000000ffffull;
	gdt[GDT_UCODE32 / 8] = 0x00cffa000000ffffull;
	gdt[GDT_UDATA / 8] = 0x00cff2000000ffffull;
	gdt[GDT_UCODE / 8] = 0x00affa000000ffffull;
	for (int i = 0; i < 3; i++)
		tss->ist[i] = ist_top[i];
	tss->rsp[0] = rsp0;
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap */
	gdt[GDT_TSS / 8] = gdt_tss_low(tss);
	gdt[GDT_TSS / 8 + 1] = (u64)(uintptr_t)tss >> 32;

	ptr.limit = sizeof(pc->gdt) - 1;
	ptr.base = (u64)(uintptr_t)gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "i"(GDT_KCODE), "r"(GDT_KDATA), "r"(GDT_TSS)
			 : "rax", "memory");
}

void gdt_init(void)
{
	uintptr_t ist = (uintptr_t)ist_stacks, tops[3];

	/* IST stacks: [guard page][stack] x 3, in the order DF, NMI, MC. */
	for (int i = 0; i < 3; i++) {
		ist += PAGE_SIZE + IST_STACK_SIZE;
		tops[i] = ist;
	}
	x86_gdt_load(&x86_boot_percpu, tops, (uintptr_t)boot_stack_top);
}

int x86_kernel_stacks(struct kstack_info *out, int max)
{
	static const char *const ist_names[3] = {"double-fault IST stack", "NMI IST stack",
						 "machine-check IST stack"};
	uintptr_t p = (uintptr_t)ist_stacks;
	int n = 0;

	if (n < max)
		out[n++] = (struct kstack_info){"boot stack", (uintptr_t)boot_stack_guard,
						(uintptr_t)boot_stack_bottom,
						(uintptr_t)boot_stack_top};
	for (int i = 0; i < 3 && n < max; i++) {
		out[n++] = (struct kstack_info){ist_names[i], p, p + PAGE_SIZE,
						p + PAGE_SIZE + IST_STACK_SIZE};
		p += PAGE_SIZE + IST_STACK_SIZE;
	}
	return n;
}

static void cpuid_string(u32 leaf, char *dst)
{
	u32 r[4];

	cpuid(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	memcpy(dst, r, 16);
}

void cpu_detect(void)
{
	u32 a, b, c, d, max, maxext;

	cpuid(0, 0, &max, &b, &c, &d);
	memcpy(x86_cpu.vendor, &b, 4);
	memcpy(x86_cpu.vendor + 4, &d, 4);
	memcpy(x86_cpu.vendor + 8, &c, 4);
	x86_cpu.vendor[12] = '\0';
	cpuid(1, 0, &a, &b, &c, &d);
	x86_cpu.stepping = a & 0xf;
	x86_cpu.model = (a >> 4) & 0xf;
	x86_cpu.family = (a >> 8) & 0xf;
	if (x86_cpu.family == 0xf)
		x86_cpu.family += (a >> 20) & 0xff;
	if (x86_cpu.family >= 6)
		x86_cpu.model |= ((a >> 16) & 0xf) << 4;
	x86_cpu.pge = d & (1u << 13);
	x86_cpu.apic = d & (1u << 9);
	x86_cpu.xsave = c & (1u << 26);
	has_rdrand = c & (1u << 30);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		x86_cpu.smep = b & (1u << 7);
		x86_cpu.smap = b & (1u << 20);
		has_rdseed = b & (1u << 18);
	}
	cpuid(0x80000000, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		x86_cpu.nx = d & (1u << 20);
		x86_cpu.pdpe1gb = d & (1u << 26);
	}
	if (maxext >= 0x80000004) {
		cpuid_string(0x80000002, x86_cpu.brand);
		cpuid_string(0x80000003, x86_cpu.brand + 16);
		cpuid_string(0x80000004, x86_cpu.brand + 32);
		x86_cpu.brand[48] = '\0';
	}
	if (maxext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		x86_cpu.tsc_invariant = d & (1u << 8);
	}
}

const char *arch_cpu_name(void)
{
	static char name[96];
	const char *brand = x86_cpu.brand;

	while (*brand == ' ')
		brand++;
	snprintf(name, sizeof(name), "%s %s (family %u model %u)", x86_cpu.vendor,
		 *brand ? brand : "x86_64", x86_cpu.family, x86_cpu.model);
	return name;
}

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_stop_other_cpus(void)
{
	x86_stop_other_cpus();
}

/* RDSEED / RDRAND: CF=1 when the value is valid. */
static bool rdseed64(u64 *v)
{
	bool ok;

	__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static bool rdrand64(u64 *v)
{
	bool ok;

	__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

/*
 * RDSEED (full entropy, may run dry briefly) first, then RDRAND (a DRBG
 * reseeded by the same source), 10 tries each as Intel advises. All ones is
 * refused: some AMD parts return it with CF=1 when their generator is broken.
 */
bool arch_random_u64(u64 *out)
{
	for (int i = 0; has_rdseed && i < 10; i++) {
		if (rdseed64(out) && *out != ~0ull)
			return true;
		__asm__ volatile("pause");
	}
	for (int i = 0; has_rdrand && i < 10; i++)
		if (rdrand64(out) && *out != ~0ull)
			return true;
	return false;
}

void arch_cpu_relax(void)
{
	__asm__ volatile("pause");
	x86_ipi_poll(); /* a CPU spinning with interrupts off still answers IPI requests */
}

/* isa-debug-exit at port 0xf4 (QEMU -device isa-debug-exit,iobase=0xf4,iosize=4). */
void arch_emulator_exit(u32 code)
{
	serial_drain(); /* QEMU drops what is still in the UART FIFO when it exits */
	outl(0xf4, code);
}

uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

void arch_print_cpu_state(void)
{
	u64 rsp, rbp, rflags;

	__asm__ volatile("movq %%rsp, %0; movq %%rbp, %1; pushfq; popq %2"
			 : "=r"(rsp), "=r"(rbp), "=r"(rflags));
	kprintf("  RSP %016llx  RBP %016llx  RFLAGS %016llx\n", (unsigned long long)rsp,
		(unsigned long long)rbp, (unsigned long long)rflags);
	kprintf("  CR0 %016llx  CR2 %016llx  CR3 %016llx  CR4 %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

bool x86_smap_enabled;

/* SMEP: the kernel never executes user pages; SMAP: never touches them outside uaccess. */
void cpu_enable_protections(void)
{
	u64 cr4 = read_cr4();

	if (x86_cpu.smep)
		cr4 |= CR4_SMEP;
	if (x86_cpu.smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	x86_smap_enabled = x86_cpu.smap;
	pr_info("cpu: SMEP %s, SMAP %s, NX %s, write protection on", x86_cpu.smep ? "on" : "absent",
		x86_cpu.smap ? "on" : "absent", x86_cpu.nx ? "on" : "absent");
}

/* x86_set_kernel_stack() is in thread.c, inline in the context switch. */
