# SPDX-License-Identifier: BSD-2-Clause
# The buddy page allocator on fake RAM, with the kernel's own lib (renamed).
UNIT_TESTS += pmm
unit_pmm_SRCS := kernel/mm/pmm.c kernel/arch/host/locks_host.c kernel/core/bootinfo.c kernel/core/klog.c \
	kernel/lib/string.c kernel/lib/printf.c tests/unit/fake_ram.c
unit_pmm_CFLAGS := -fno-builtin -include tests/unit/klib_rename.h
