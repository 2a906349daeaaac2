# SPDX-License-Identifier: BSD-2-Clause
# Address spaces (kernel/mm/vm.c) on the real page allocator over fake RAM,
# driven through the host software MMU; kmalloc is a malloc shim in the test.
UNIT_TESTS += vm
unit_vm_SRCS := kernel/mm/vm.c kernel/arch/host/locks_host.c kernel/mm/pmm.c kernel/lib/rbtree.c kernel/arch/host/mmu_host.c \
	kernel/core/bootinfo.c kernel/core/klog.c kernel/lib/string.c kernel/lib/printf.c \
	tests/unit/fake_ram.c
unit_vm_CFLAGS := -fno-builtin -include tests/unit/klib_rename.h
