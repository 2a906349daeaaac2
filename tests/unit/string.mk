# SPDX-License-Identifier: BSD-2-Clause
# kernel/lib/string.c against the C library; see tests/unit/string_rename.h.
UNIT_TESTS += string
unit_string_SRCS := kernel/lib/string.c
unit_string_CFLAGS := -fno-builtin -include tests/unit/string_rename.h
$(O)/unit/test_string: tests/unit/string_rename.h
