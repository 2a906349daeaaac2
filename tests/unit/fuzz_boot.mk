# SPDX-License-Identifier: BSD-2-Clause
# Random-mutation fuzzing of every boot-time parser (fixed seed, bounded).
UNIT_TESTS += fuzz_boot
unit_fuzz_boot_SRCS := kernel/genarch/multiboot/multiboot1.c \
	kernel/genarch/multiboot/multiboot2.c kernel/core/bootinfo.c kernel/core/cmdline.c
