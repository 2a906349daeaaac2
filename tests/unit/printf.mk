# SPDX-License-Identifier: BSD-2-Clause
# kernel/lib/printf.c against the C library; see tests/unit/printf_rename.h.
UNIT_TESTS += printf
unit_printf_SRCS := kernel/lib/printf.c
unit_printf_CFLAGS := -fno-builtin -include tests/unit/printf_rename.h
$(O)/unit/test_printf: tests/unit/printf_rename.h
