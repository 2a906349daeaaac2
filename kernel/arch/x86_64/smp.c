/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp.c - per-CPU data and bringing the other processors (APs) online.
 *
 * Per-CPU data: cpus[i] is CPU i's struct cpu; its GS base points at it, so
 * this_cpu() is one load (%gs:0, the self pointer). While in the kernel the
 * GS base holds the kernel's pointer and IA32_KERNEL_GS_BASE the user's
 * (0), ready for swapgs on entries from user mode. cpus[i].arch points at
 * the CPU's struct x86_percpu: GDT, TSS and (APs) IST stacks.
 *
 * Boot (x86_smp_init, boot CPU, once, after the page allocator is up): read
 * the MADT, mask the 8259s, set up this CPU's local APIC, the I/O APICs and
 * the timer, then start every enabled AP of the MADT in turn (up to
 * MAX_CPUS). For each AP: allocate its stacks, fill the trampoline's
 * parameter block, send INIT, wait 10 ms, send a STARTUP IPI, wait 200 us,
 * send a second one if the AP has not called in (the MP start-up sequence of
 * the Intel SDM), then wait up to a second for it to say it is online.
 * The AP runs trampoline.S (16 -> 32 -> 64-bit) and arrives in
 * x86_ap_main(), which loads its own GDT/TSS/IDT and GS base, enables its
 * LAPIC and timer, marks itself online and enters the scheduler
 * (sched_init_cpu, which becomes its idle loop).
 *
 * APs are started one at a time, so one trampoline parameter block serves
 * them all. Logical CPU ids are dense: 0 is the boot CPU, then APs in MADT
 * order; nr_cpus counts those online.
 */
#include "smp.h"
#include "acpi.h"
#include "arch.h"
#include "bootinfo.h"
#include "errno.h"
#include "klog.h"
#include "kstack.h"
#include "lib.h"
#include "sched.h"
#include "x86.h"

#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_LMA (1ull << 10)
#define CR4_PAE (1ull << 5)
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull

#define INIT_DELAY_NS 10000000ull	   /* 10 ms after INIT */
#define SIPI_DELAY_NS 200000ull		   /* 200 us after each STARTUP */
#define AP_ONLINE_TIMEOUT_NS 1000000000ull /* generous: TCG can be slow */

STATIC_ASSERT(MAX_CPUS <= 64, "CPU masks are u64");
STATIC_ASSERT(offsetof(struct cpu, self) == 0, "this_cpu() loads %gs:0");
STATIC_ASSERT(offsetof(struct trampoline_params, cr4) == TP_CR4, "trampoline.S layout");
STATIC_ASSERT(offsetof(struct trampoline_params, efer) == TP_EFER, "trampoline.S layout");
STATIC_ASSERT(offsetof(struct trampoline_params, cr0) == TP_CR0, "trampoline.S layout");
STATIC_ASSERT(offsetof(struct trampoline_params, kernel_cr3) == TP_KERNEL_CR3,
	      "trampoline.S layout");
STATIC_ASSERT(offsetof(struct trampoline_params, stack_top) == TP_STACK, "trampoline.S layout");
STATIC_ASSERT(offsetof(struct trampoline_params, cpu) == TP_CPU, "trampoline.S layout");
STATIC_ASSERT(sizeof(struct trampoline_params) == TP_SIZE, "trampoline.S layout");

struct cpu cpus[MAX_CPUS];
u32 nr_cpus = 1;

static struct x86_percpu ap_percpu[MAX_CPUS]; /* [0] unused: the boot CPU's is in cpu.c */
static u64 online_mask;
static struct acpi_madt_info madt;
static bool have_madt;
static bool trampoline_ok;    /* its pages were usable RAM, now reserved */
static u32 expected_cpus = 1; /* the boot CPU and every AP start_aps() tried */

extern const char trampoline_start[], trampoline_end[], trampoline_params[];

struct idt_ptr {
	u16 limit;
	u64 base;
} __packed;
static struct idt_ptr boot_idt; /* the IDT is shared: APs load the boot CPU's */

u64 x86_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

void x86_mark_online(struct cpu *c)
{
	c->online = true;
	__atomic_fetch_or(&online_mask, 1ull << c->id, __ATOMIC_RELEASE);
}

static void percpu_load_gs(struct cpu *c)
{
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void x86_percpu_init_boot(void)
{
	struct cpu *c = &cpus[0];

	c->self = c;
	c->id = 0;
	c->arch = &x86_boot_percpu;
	percpu_load_gs(c);
	x86_mark_online(c);
}

const struct acpi_madt_info *x86_smp_madt(void)
{
	return have_madt ? &madt : NULL;
}

u32 x86_smp_expected_cpus(void)
{
	return expected_cpus;
}

/* ---- the trampoline ---- */

void x86_smp_reserve_trampoline(struct boot_info *bi)
{
	paddr_t lo = TRAMPOLINE_PHYS, hi = TRAMPOLINE_PHYS + TRAMPOLINE_PAGES * PAGE_SIZE;
	bool usable = false, other = false;

	/* Raw map, before finalize: inside a usable region and overlapping nothing else. */
	for (u32 i = 0; i < bi->nr_regions; i++) {
		const struct mem_region *r = &bi->regions[i];
		u64 end = r->len > ~0ull - r->base ? ~0ull : r->base + r->len;

		if (r->base >= hi || end <= lo)
			continue;
		if (r->type == MEM_USABLE && r->base <= lo && end >= hi)
			usable = true;
		else if (r->type != MEM_USABLE)
			other = true;
	}
	trampoline_ok = usable && !other;
	if (trampoline_ok && bootinfo_add_region(bi, lo, hi - lo, MEM_RESERVED) != 0)
		trampoline_ok = false;
}

/*
 * Copy the trampoline below 1 MiB and build its page tables: the first
 * 2 MiB identity-mapped (the AP is executing there when paging comes on),
 * and the kernel half shared with the kernel's PML4 so it can jump up.
 */
static void trampoline_install(void)
{
	u64 *pml4 = phys_to_virt(TRAMPOLINE_PML4);
	u64 *pdpt = phys_to_virt(TRAMPOLINE_PDPT);
	u64 *pd = phys_to_virt(TRAMPOLINE_PD);
	const u64 *kroot = phys_to_virt(arch_mmu_kernel_root());

	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	memset(pml4, 0, 3 * PAGE_SIZE);
	pml4[0] = TRAMPOLINE_PDPT | PTE_P | PTE_W;
	for (int i = 256; i < 512; i++)
		pml4[i] = kroot[i];
	pdpt[0] = TRAMPOLINE_PD | PTE_P | PTE_W;
	pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	__asm__ volatile("sidt %0" : "=m"(boot_idt));
}

static struct trampoline_params *trampoline_params_page(void)
{
	return phys_to_virt(TRAMPOLINE_PHYS + (paddr_t)(trampoline_params - trampoline_start));
}

/* ---- per-CPU stacks ---- */

static void ap_free_stacks(struct x86_percpu *pc)
{
	if (pc->idle_stack)
		kstack_free(pc->idle_stack);
	for (int i = 0; i < 3; i++) {
		if (pc->ist_stacks[i])
			kstack_free(pc->ist_stacks[i]);
	}
	pc->idle_stack = NULL;
	memset(pc->ist_stacks, 0, sizeof(pc->ist_stacks));
}

static int ap_alloc_stacks(struct x86_percpu *pc, u32 id)
{
	static const char *const ist_names[3] = {"double-fault", "NMI", "machine-check"};
	char name[KSTACK_NAME_MAX];

	snprintf(name, sizeof(name), "cpu%u idle", id);
	pc->idle_stack = kstack_alloc(name);
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "cpu%u %s IST", id, ist_names[i]);
		pc->ist_stacks[i] = kstack_alloc(name);
	}
	if (!pc->idle_stack || !pc->ist_stacks[0] || !pc->ist_stacks[1] || !pc->ist_stacks[2]) {
		ap_free_stacks(pc);
		return -ENOMEM;
	}
	return 0;
}

/* ---- AP start ---- */

static void delay_ns(u64 ns)
{
	u64 t0 = arch_clock_ns();

	while (arch_clock_ns() - t0 < ns)
		arch_cpu_relax();
}

static bool wait_stage(struct x86_percpu *pc, u32 stage, u64 timeout_ns)
{
	u64 t0 = arch_clock_ns();

	while (__atomic_load_n(&pc->boot_stage, __ATOMIC_ACQUIRE) < stage) {
		if (arch_clock_ns() - t0 > timeout_ns)
			return false;
		arch_cpu_relax();
	}
	return true;
}

static int start_ap(const struct acpi_cpu *ac)
{
	u32 id = nr_cpus;
	struct cpu *c = &cpus[id];
	struct x86_percpu *pc = &ap_percpu[id];
	struct trampoline_params *tp = trampoline_params_page();
	u32 sipi = ICR_STARTUP | (TRAMPOLINE_PHYS >> 12);

	memset(c, 0, sizeof(*c));
	memset(pc, 0, sizeof(*pc));
	if (ap_alloc_stacks(pc, id)) {
		pr_err("smp: out of memory for the stacks of CPU %u", id);
		return -ENOMEM;
	}
	c->self = c;
	c->id = id;
	c->apic_id = ac->apic_id;
	c->arch = pc;
	pc->acpi_uid = ac->uid;

	tp->cr3 = TRAMPOLINE_PML4;
	tp->cr4 = (u32)(CR4_PAE | (read_cr4() & (CR4_PGE | CR4_SMEP | CR4_SMAP)));
	tp->efer = (u32)(rdmsr(MSR_EFER) & ~EFER_LMA);
	tp->cr0 = (u32)read_cr0();
	tp->kernel_cr3 = arch_mmu_kernel_root();
	tp->stack_top = pc->idle_stack->top;
	tp->cpu = (u64)(uintptr_t)c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* INIT, 10 ms, STARTUP, 200 us, STARTUP again if it has not started: SDM's MP init. */
	lapic_send_ipi(ac->apic_id, ICR_INIT | ICR_ASSERT);
	lapic_ipi_idle();
	delay_ns(INIT_DELAY_NS);
	lapic_send_ipi(ac->apic_id, sipi);
	lapic_ipi_idle();
	delay_ns(SIPI_DELAY_NS);
	if (!wait_stage(pc, AP_STAGE_CALLED_IN, 0)) {
		lapic_send_ipi(ac->apic_id, sipi);
		lapic_ipi_idle();
		delay_ns(SIPI_DELAY_NS);
	}
	if (!wait_stage(pc, AP_STAGE_ONLINE, AP_ONLINE_TIMEOUT_NS)) {
		pr_err("smp: the CPU with APIC id %u %s; left offline", ac->apic_id,
		       pc->boot_stage == AP_STAGE_NONE ? "did not start"
						       : "started but did not finish its set-up");
		/* INIT puts it back in wait-for-SIPI: it cannot run on in this slot. */
		tp->cpu = 0;
		lapic_send_ipi(ac->apic_id, ICR_INIT | ICR_ASSERT);
		lapic_ipi_idle();
		delay_ns(INIT_DELAY_NS);
		c->online = false;
		__atomic_fetch_and(&online_mask, ~(1ull << id), __ATOMIC_RELEASE);
		ap_free_stacks(pc);
		return -ETIMEDOUT;
	}
	__atomic_store_n(&nr_cpus, id + 1, __ATOMIC_RELEASE);
	return 0;
}

static void start_aps(u32 bsp_apic_id)
{
	u32 ignored = 0;

	if (!trampoline_ok) {
		pr_warn("smp: physical %#x-%#x is not free RAM: no room for the AP trampoline; "
			"running on one CPU",
			TRAMPOLINE_PHYS, TRAMPOLINE_PHYS + TRAMPOLINE_PAGES * PAGE_SIZE - 1);
		return;
	}
	trampoline_install();
	for (u32 i = 0; i < madt.nr_cpus; i++) {
		const struct acpi_cpu *ac = &madt.cpus[i];

		if (!ac->enabled || ac->apic_id == bsp_apic_id)
			continue;
		if (ac->apic_id > 0xff) {
			pr_warn("smp: CPU with x2APIC id %u needs x2APIC mode; left offline",
				ac->apic_id);
			continue;
		}
		if (expected_cpus == MAX_CPUS) {
			ignored++;
			continue;
		}
		expected_cpus++;
		if (start_ap(ac) == -ENOMEM)
			break;
	}
	if (ignored)
		pr_warn("smp: %u more CPU%s left offline (MAX_CPUS is %d)", ignored,
			ignored == 1 ? "" : "s", MAX_CPUS);
}

__noreturn void x86_ap_main(struct cpu *c)
{
	struct x86_percpu *pc;
	uintptr_t ist[3];

	if (!c)
		arch_halt(); /* started after its boot CPU gave up on it */
	pc = c->arch;
	percpu_load_gs(c);
	__atomic_store_n(&pc->boot_stage, AP_STAGE_CALLED_IN, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++)
		ist[i] = pc->ist_stacks[i]->top;
	x86_gdt_load(pc, ist, pc->idle_stack->top);
	__asm__ volatile("lidt %0" : : "m"(boot_idt));
	x86_fpu_init_cpu();
	x86_syscall_init_cpu();
	lapic_init_cpu(x86_smp_madt());
	lapic_timer_init_cpu();
	x86_mark_online(c);
	pr_info("smp: CPU %u online (APIC id %u)", c->id, c->apic_id);
	__atomic_store_n(&pc->boot_stage, AP_STAGE_ONLINE, __ATOMIC_RELEASE);
	sched_init_cpu(); /* becomes this CPU's idle loop */
	arch_halt();
}

/* ACPI tables are read through the direct map. */
static const void *read_phys(void *ctx, paddr_t phys, u64 len)
{
	(void)ctx;
	if (phys + len < phys || phys + len > direct_map_limit)
		return NULL;
	return phys_to_virt(phys);
}

static void log_madt(void)
{
	char rsdp[40] = "the loader's copy";

	if (madt.rsdp_phys)
		snprintf(rsdp, sizeof(rsdp), "at %#llx", (unsigned long long)madt.rsdp_phys);
	pr_info("acpi: RSDP revision %u (%s), MADT at %#llx", madt.acpi_revision, rsdp,
		(unsigned long long)madt.madt_phys);
	pr_info("acpi: %u CPU%s (%u enabled), %u I/O APIC%s, %u interrupt override%s", madt.nr_cpus,
		madt.nr_cpus == 1 ? "" : "s", madt.nr_cpus_enabled, madt.nr_ioapics,
		madt.nr_ioapics == 1 ? "" : "s", madt.nr_overrides,
		madt.nr_overrides == 1 ? "" : "s");
	if (madt.cpus_truncated || madt.truncated)
		pr_warn("acpi: the MADT lists more entries than the kernel keeps");
}

int x86_smp_init(const struct boot_info *bi)
{
	int err = acpi_madt_load(bi, read_phys, NULL, &madt);
	u32 bsp;

	have_madt = err == 0;
	if (have_madt)
		log_madt();
	else
		pr_warn("smp: %s ACPI MADT; running on one CPU",
			err == -ENOENT ? "no" : "malformed");
	pic_disable();
	err = lapic_init(have_madt ? madt.lapic_phys : 0);
	if (err) {
		pr_warn("smp: no local APIC: one CPU and no timer interrupts");
		return err;
	}
	bsp = lapic_id();
	cpus[0].apic_id = bsp;
	for (u32 i = 0; have_madt && i < madt.nr_cpus; i++) {
		if (madt.cpus[i].apic_id == bsp)
			this_percpu()->acpi_uid = madt.cpus[i].uid;
	}
	lapic_init_cpu(x86_smp_madt());
	x86_ipi_init();
	ioapic_init(x86_smp_madt());
	lapic_timer_init_cpu();
	if (have_madt)
		start_aps(bsp);
	pr_info("smp: %u CPU%s online", nr_cpus, nr_cpus == 1 ? "" : "s");
	return 0;
}
