# SPDX-License-Identifier: BSD-2-Clause
# The slab allocator and kmemleak over the real page allocator on fake RAM,
# with the kernel's own lib (renamed). Built twice from the same tests:
# test_slab with CONFIG_MM_DEBUG=1 (redzones, poison, call sites, kmemleak)
# and test_slab_nodebug with CONFIG_MM_DEBUG=0 (the fast paths as shipped).
UNIT_TESTS += slab slab_nodebug
SLAB_UNIT_SRCS := kernel/mm/slab.c kernel/arch/host/locks_host.c kernel/mm/kmemleak.c kernel/mm/pmm.c kernel/core/bootinfo.c \
	kernel/core/ksyms.c kernel/core/klog.c kernel/lib/string.c kernel/lib/printf.c \
	tests/unit/fake_ram.c
SLAB_UNIT_CFLAGS := -fno-builtin -include tests/unit/klib_rename.h -iquote kernel/mm
unit_slab_SRCS := $(SLAB_UNIT_SRCS)
unit_slab_CFLAGS := $(SLAB_UNIT_CFLAGS) -DCONFIG_MM_DEBUG=1
unit_slab_nodebug_SRCS := $(SLAB_UNIT_SRCS)
unit_slab_nodebug_CFLAGS := $(SLAB_UNIT_CFLAGS) -DCONFIG_MM_DEBUG=0
$(O)/unit/test_slab $(O)/unit/test_slab_nodebug: kernel/mm/slab.h tests/unit/test_slab.c
