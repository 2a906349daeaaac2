# SPDX-License-Identifier: BSD-2-Clause
# klog, ksyms and extable from kernel/core, with the kernel's own lib (renamed).
UNIT_TESTS += core
unit_core_SRCS := kernel/core/klog.c kernel/core/ksyms.c kernel/core/extable.c \
	kernel/lib/string.c kernel/lib/printf.c
unit_core_CFLAGS := -fno-builtin -include tests/unit/klib_rename.h
