/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_host.h - test-only controls of the host arch layer (fake console
 * capture, fake clock, software MMU). Only tests/unit/ includes this.
 */
#ifndef MATRIOSKA_ARCH_HOST_H
#define MATRIOSKA_ARCH_HOST_H

#include "types.h"

const char *host_console_text(void);
void host_console_clear(void);
void host_clock_set_ns(u64 ns);

/*
 * ---- software MMU (mmu_host.c) ----
 * The host arch hooks use an x86-64-like 4-level format: present, writable,
 * user, NX and a software COW bit; 48-bit virtual addresses. The kernel root
 * is a static table whose upper half holds a few fake supervisor entries.
 * host_mmu_access() walks the active root as a CPU running in user mode
 * would (every level must be present and user; writes need every level
 * writable; fetches need no NX), through a small TLB that caches successful
 * walks and is emptied only by arch_tlb_flush_*() and arch_mmu_load(), so a
 * missing flush in vm.c shows up as a stale translation.
 */
#define HOST_FAULT_NOT_PRESENT 1
#define HOST_FAULT_PROTECTION 2

struct host_mmu_stats {
	u64 flush_page; /* arch_tlb_flush_page calls */
	u64 flush_all;	/* arch_tlb_flush_all calls */
	u64 loads;	/* arch_mmu_load calls */
};

/* Kernel root active, TLB empty, counters zero. */
void host_mmu_reset(void);
void host_mmu_get_stats(struct host_mmu_stats *s);
const u64 *host_kernel_root_table(void); /* its 512 entries */
/*
 * A user-mode access (VM_FAULT_READ / WRITE / EXEC) to va: 0 with *pa set,
 * or HOST_FAULT_NOT_PRESENT / HOST_FAULT_PROTECTION.
 */
int host_mmu_access(vaddr_t va, u32 access, paddr_t *pa);
/*
 * What CPU and kernel do together: try the access; on a fault call
 * vm_handle_fault(vm_current(), ...) and retry once. 0 with *pa set, or the
 * handler's negative errno (-EFAULT if the retry faults again).
 */
int host_user_access(vaddr_t va, u32 access, paddr_t *pa);
/* Copy to/from user memory page by page through host_user_access and the direct map. */
int host_user_read(vaddr_t va, void *buf, size_t n);
int host_user_write(vaddr_t va, const void *buf, size_t n);

#endif
