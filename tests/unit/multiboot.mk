# SPDX-License-Identifier: BSD-2-Clause
# The Multiboot 1 and 2 parsers, fed synthetic structures in fake memory.
UNIT_TESTS += multiboot
unit_multiboot_SRCS := kernel/genarch/multiboot/multiboot1.c \
	kernel/genarch/multiboot/multiboot2.c kernel/core/bootinfo.c
