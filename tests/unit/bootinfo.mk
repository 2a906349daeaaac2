# SPDX-License-Identifier: BSD-2-Clause
# kernel/core/bootinfo.c: the raw region list and bootinfo_finalize().
UNIT_TESTS += bootinfo
unit_bootinfo_SRCS := kernel/core/bootinfo.c
