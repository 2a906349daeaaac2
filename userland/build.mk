# SPDX-License-Identifier: BSD-2-Clause
#
# userland/build.mk - included by the top-level Makefile: builds the Linux
# user space of the built-in initramfs and links the archive into the kernel.
#
#   $(O)/userland/init          our /sbin/init (userland/init, static musl)
#   $(O)/userland/tests/NAME    test programs (userland/tests/NAME.c, static musl)
#   $(O)/userland/tests/osbench ../shared/bench/osbench.c, when present (make bench)
#   $(O)/tests.cpio             the test programs as a boot module (-initrd)
#   $(O)/initramfs.cpio         the archive (scripts/mkinitramfs.sh), with Debian's
#                               static busybox and its applet links
#   $(O)/initramfs.o            the archive in section .initramfs between the symbols
#                               __initramfs_start and __initramfs_end
#                               (kernel/include/initramfs.h); linker.ld places it
#
# User programs are always built with musl-gcc (musl-tools), whatever CC is.
# The kernel link rules sit above the include of this file, so their
# prerequisite lists were expanded before KOBJS grows here: the archive's
# object is added to them explicitly below (their recipes expand $(KOBJS)
# when they run, so they link it).

MUSL_CC ?= musl-gcc
BUSYBOX ?= /bin/busybox
MUSL_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith

UL_OUT := $(O)/userland
INIT_SRCS := userland/init/init.c userland/init/inittab.c userland/init/respawn.c \
	userland/init/bootcap.c
INIT_HDRS := $(wildcard userland/init/*.h)
UTEST_PROGS := $(sort $(patsubst userland/tests/%.c,%,$(wildcard userland/tests/*.c)))
UTEST_BINS := $(patsubst %,$(UL_OUT)/tests/%,$(UTEST_PROGS))

# Fail with the fix when a tool from scripts/deps.sh is missing.
define ul_need_musl
	@command -v $(MUSL_CC) > /dev/null 2>&1 || { echo "userland: $(MUSL_CC) not found:" \
		"install musl-tools (run scripts/deps.sh)" >&2; exit 1; }
endef
define ul_need_busybox
	@test -x $(BUSYBOX) || { echo "userland: $(BUSYBOX) not found:" \
		"install busybox-static (run scripts/deps.sh)" >&2; exit 1; }
endef

$(UL_OUT)/init: $(INIT_SRCS) $(INIT_HDRS) userland/build.mk
	$(ul_need_musl)
	@mkdir -p $(dir $@)
	$(call say,MUSLCC,$@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -o $@ $(INIT_SRCS)

# libmatrioska: the native API for user programs (userland/lib/libmatrioska).
# Test programs that name it in UTEST_EXTRA_<prog> get its header path and
# the archive on their link line.
LIBM_DIR := userland/lib/libmatrioska
LIBM_SRCS := $(wildcard $(LIBM_DIR)/*.c)
LIBM_HDRS := $(wildcard $(LIBM_DIR)/*.h) $(wildcard abi/matrioska/*.h)
LIBMATRIOSKA := $(UL_OUT)/lib/libmatrioska.a
LIBM_CFLAGS := -I$(LIBM_DIR) -Iabi

$(LIBMATRIOSKA): $(LIBM_SRCS) $(LIBM_HDRS) userland/build.mk
	$(ul_need_musl)
	@mkdir -p $(dir $@)/obj
	$(call say,MUSLCC,$@)
	$(Q)for s in $(LIBM_SRCS); do \
		$(MUSL_CC) $(MUSL_CFLAGS) $(LIBM_CFLAGS) -c $$s -o $(dir $@)/obj/$$(basename $$s .c).o || exit 1; \
	done
	$(Q)rm -f $@ && ar rcs $@ $(patsubst $(LIBM_DIR)/%.c,$(dir $@)/obj/%.o,$(LIBM_SRCS))

UTEST_EXTRA_ipc := $(LIBMATRIOSKA)
UTEST_EXTRA_ipcbench := $(LIBMATRIOSKA)
UTEST_EXTRA_ipcfast := $(LIBMATRIOSKA)
UTEST_EXTRA_ipcfuzz := $(LIBMATRIOSKA)
$(UL_OUT)/tests/ipc $(UL_OUT)/tests/ipcbench $(UL_OUT)/tests/ipcfast: $(LIBMATRIOSKA) $(LIBM_HDRS)
$(UL_OUT)/tests/ipcfuzz: $(LIBMATRIOSKA) $(LIBM_HDRS)

# The programs' shared header (userland/tests/tap.h) is a prerequisite of each.
UTEST_HDRS := $(wildcard userland/tests/*.h)
$(UTEST_BINS): $(UL_OUT)/tests/%: userland/tests/%.c $(UTEST_HDRS) userland/build.mk
	$(ul_need_musl)
	@mkdir -p $(dir $@)
	$(call say,MUSLCC,$@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) $(if $(UTEST_EXTRA_$*),$(LIBM_CFLAGS)) -o $@ $< $(UTEST_EXTRA_$*)

# osbench, the benchmark program shared with the Linux peer
# (../shared/bench/osbench.c, see scripts/bench.py), when that tree is there:
# compiled unmodified with the peer's flags, installed with the test programs.
OSBENCH_SRC := $(wildcard ../shared/bench/osbench.c)
OSBENCH_BIN := $(if $(OSBENCH_SRC),$(UL_OUT)/tests/osbench)

$(UL_OUT)/tests/osbench: $(OSBENCH_SRC) userland/build.mk
	$(ul_need_musl)
	@mkdir -p $(dir $@)
	$(call say,MUSLCC,$@)
	$(Q)$(MUSL_CC) -static -O2 -o $@ $<

# $(wildcard) so that a missing busybox reaches the recipe's message instead
# of "no rule to make target".
$(O)/initramfs.cpio: $(UL_OUT)/init scripts/mkinitramfs.sh $(wildcard $(BUSYBOX))
	$(ul_need_busybox)
	$(call say,CPIO,$@)
	$(Q)BUSYBOX=$(BUSYBOX) scripts/mkinitramfs.sh $@ $(UL_OUT)/init

# The test programs travel in their own archive, a boot module (-initrd) that
# `make run`, the integration tests and the benchmarks load: they are not part
# of the system image (scripts/mkinitramfs.sh --tests).
$(O)/tests.cpio: $(UTEST_BINS) $(OSBENCH_BIN) scripts/mkinitramfs.sh
	$(call say,CPIO,$@)
	$(Q)scripts/mkinitramfs.sh --tests $@ $(UL_OUT)/tests
all: $(O)/tests.cpio

# The archive as a page-aligned object; the padding after __initramfs_end
# keeps its last page to itself so the kernel can free every page of it.
$(O)/initramfs.S: userland/build.mk
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' \
		'/* generated by userland/build.mk: the built-in initramfs (kernel/include/initramfs.h) */' \
		'	.section .initramfs, "a"' \
		'	.balign 4096' \
		'	.global __initramfs_start, __initramfs_end' \
		'	.type __initramfs_start, @object' \
		'	.type __initramfs_end, @object' \
		'__initramfs_start:' \
		'	.incbin "$(O)/initramfs.cpio"' \
		'__initramfs_end:' \
		'	.balign 4096, 0' > $@

$(O)/initramfs.o: $(O)/initramfs.S $(O)/initramfs.cpio
	$(call say,AS,$@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

KOBJS += $(O)/initramfs.o
$(O)/matrioska.stage1.elf $(O)/matrioska.elf: $(O)/initramfs.o

.PHONY: initramfs
initramfs: $(O)/initramfs.cpio

# The services and the RPC generator (userland/services).
include userland/services/services.mk
