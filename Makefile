# SPDX-License-Identifier: BSD-2-Clause
#
# Matrioska OS build. `make` builds build/matrioska.bin (Multiboot 1 flat
# image, boots with qemu-system-x86_64 -kernel) and build/matrioska.elf (the
# same kernel with symbols, for gdb). See README.md for the other targets.
#
# O=dir puts every output under dir (make check uses build/ for gcc and
# build/clang/ for clang). CC=clang builds with clang.

.SUFFIXES:
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

O ?= build
ifeq ($(origin CC),default)
CC := gcc
endif
LD := ld
OBJCOPY := objcopy
NM := nm
PYTHON := python3
QEMU := qemu-system-x86_64
# Configuration: the one place options are chosen (see kernel/include/config.h).
# DEBUG=1: slab poisoning, redzones, call-site tracking and kmemleak.
DEBUG ?= 0
CONFIG_FLAGS := -DCONFIG_MM_DEBUG=$(DEBUG) -DCONFIG_LOCK_DEBUG=$(DEBUG)

V ?= 0
ifeq ($(V),0)
Q := @
say = @echo "  $(1)	$(2)"
else
Q :=
say = @true
endif

CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo y)

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wshadow \
	-Wpointer-arith -Wno-unused-parameter

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -mgeneral-regs-only \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-common -fno-strict-aliasing -fno-delete-null-pointer-checks \
	$(WARN) $(CONFIG_FLAGS) -Ikernel/include -Ikernel/arch/x86_64/include -MMD -MP
ifneq ($(CC_IS_CLANG),y)
KCFLAGS += -fno-tree-loop-distribute-patterns
endif
KASFLAGS := -g -nostdinc -Ikernel/include -Ikernel/arch/x86_64/include -D__ASSEMBLY__ -MMD -MP -fno-pic
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

KSRC_C := $(sort $(wildcard kernel/core/*.c kernel/lib/*.c kernel/mm/*.c kernel/sched/*.c kernel/linux/*.c kernel/exec/*.c kernel/ipc/*.c kernel/security/*.c fs/*.c drivers/*/*.c net/*/*.c \
	kernel/genarch/*/*.c kernel/arch/x86_64/*.c))
KSRC_C += $(KSRC_EXTRA)
KSRC_S := $(sort $(wildcard kernel/arch/x86_64/*.S))
KOBJS := $(patsubst %.c,$(O)/obj/%.o,$(KSRC_C)) $(patsubst %.S,$(O)/obj/%.o,$(KSRC_S))
LDSCRIPT := kernel/arch/x86_64/linker.ld

.PHONY: FORCE all iso run debug check bench bench-doc fuzz unit ktest integration clean deps \
	format format-check compile_commands.json

all: $(O)/matrioska.bin

# Objects are rebuilt when the configuration changes.
$(O)/config.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CONFIG_FLAGS)' | cmp -s - $@ || echo '$(CONFIG_FLAGS)' > $@
FORCE:

$(KOBJS): $(O)/config.flags

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(O)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# ---- embedded native test programs (userland/native, run by ktests in ring 3) ----
USER_PROGS := $(sort $(patsubst userland/native/%.c,%,$(wildcard userland/native/*.c)))
UCFLAGS := -std=gnu11 -O2 -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables $(WARN) -Wno-missing-prototypes -Iabi

$(O)/user/%.o: userland/native/%.c userland/native/ulib.h abi/matrioska/syscall.h
	@mkdir -p $(dir $@)
	$(call say,UCC,$<)
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(O)/user/%.bin: $(O)/user/%.o
	$(Q)$(LD) -N -Ttext=0x400000 -e _start -z noexecstack --no-warn-rwx-segments -o $(O)/user/$*.elf $<
	$(Q)$(OBJCOPY) -O binary $(O)/user/$*.elf $@

$(O)/userprogs.S: $(patsubst %,$(O)/user/%.bin,$(USER_PROGS)) scripts/gen-userprogs.sh
	$(Q)scripts/gen-userprogs.sh $(O)/user $(USER_PROGS) > $@

$(O)/userprogs.o: $(O)/userprogs.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

KOBJS += $(O)/userprogs.o

# Three-step link: link once with an empty symbol table, generate the table
# from that image, link again. The table is placed after all code, so code
# addresses do not move between the two links; check-ksyms verifies it.
$(O)/ksyms-empty.S:
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) scripts/gen-ksyms.py --empty > $@

$(O)/ksyms-empty.o: $(O)/ksyms-empty.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(O)/matrioska.stage1.elf: $(KOBJS) $(O)/ksyms-empty.o $(LDSCRIPT)
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -T $(LDSCRIPT) -o $@ $(KOBJS) $(O)/ksyms-empty.o

$(O)/ksyms.S: $(O)/matrioska.stage1.elf scripts/gen-ksyms.py
	$(call say,KSYMS,$@)
	$(Q)$(NM) -n --defined-only $< | $(PYTHON) scripts/gen-ksyms.py > $@

$(O)/ksyms.o: $(O)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(O)/matrioska.elf: $(KOBJS) $(O)/ksyms.o $(LDSCRIPT)
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -T $(LDSCRIPT) -o $@ $(KOBJS) $(O)/ksyms.o
	@$(NM) -n --defined-only $(O)/matrioska.stage1.elf | grep -i ' t ' > $(O)/syms1.txt
	@$(NM) -n --defined-only $@ | grep -i ' t ' > $(O)/syms2.txt
	@cmp -s $(O)/syms1.txt $(O)/syms2.txt || { echo "ksyms: code moved between link passes" >&2; rm -f $@; exit 1; }

$(O)/matrioska.bin: $(O)/matrioska.elf
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# ---- GRUB ISO (Multiboot 2) ----
ISO_CMDLINE ?=
iso: $(O)/matrioska.iso
$(O)/matrioska.iso: $(O)/matrioska.bin scripts/mkiso.sh
	scripts/mkiso.sh $(O)/matrioska.bin $@ "$(ISO_CMDLINE)"

# ---- running ----
QEMU_ARGS ?=
run: deps all
	@echo "Matrioska OS in QEMU: serial console on this terminal. Quit with Ctrl-A then X."
	$(QEMU) -kernel $(O)/matrioska.bin -initrd $(O)/tests.cpio -nographic $(QEMU_ARGS)

debug: deps all
	@echo "QEMU is halted waiting for gdb. In another terminal run:"
	@echo "  gdb -ex 'set architecture i386:x86-64' -ex 'file $(O)/matrioska.elf' -ex 'target remote localhost:1234'"
	$(QEMU) -kernel $(O)/matrioska.bin -initrd $(O)/tests.cpio -nographic -s -S $(QEMU_ARGS)

deps:
	@scripts/deps.sh

# ---- host unit tests ----
HOSTCC ?= $(CC)
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer $(WARN) -Wno-missing-prototypes \
	-iquote kernel/include -iquote kernel/arch/host/include -iquote kernel/arch/host \
	-iquote tests/unit -DHOST_TEST
UNIT_TESTS :=
include $(sort $(wildcard tests/unit/*.mk))
include userland/build.mk
UNIT_BINS := $(patsubst %,$(O)/unit/test_%,$(UNIT_TESTS))

define unit_rule
$(O)/unit/test_$(1): tests/unit/test_$(1).c tests/unit/unit.c $$(wildcard tests/unit/*.h) kernel/arch/host/arch_host.c $$(unit_$(1)_SRCS) $$(wildcard kernel/include/*.h)
	@mkdir -p $$(dir $$@)
	$$(call say,HOSTCC,$$@)
	$$(Q)$$(HOSTCC) $$(UNIT_CFLAGS) $$(unit_$(1)_CFLAGS) -o $$@ tests/unit/test_$(1).c tests/unit/unit.c kernel/arch/host/arch_host.c $$(unit_$(1)_SRCS) $$(unit_$(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	@scripts/run-unit.sh $(UNIT_BINS)

# ---- in-kernel tests and QEMU integration tests ----
# A test-only loader that starts the kernel the wrong way (see its header).
$(O)/fakeloader.elf: tests/integration/fakeloader/fakeloader.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -c -o $(O)/fakeloader.o $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x800000 -o $@ $(O)/fakeloader.o

TEST_ARTIFACTS := $(O)/matrioska.bin $(O)/matrioska.iso $(O)/fakeloader.elf

ktest: all
	$(PYTHON) tests/integration/run.py --build $(O) ktest_all

integration: $(TEST_ARTIFACTS)
	$(PYTHON) tests/integration/run.py --build $(O)

# ---- everything CI runs ----
check: deps
	@scripts/check.sh

# Benchmarks run on a release build (DEBUG=0) of their own; the osbench
# table needs the Linux peer's kernel too (scripts/deps.sh bench).
bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory O=build/bench DEBUG=0 all
	@scripts/bench.sh build/bench

# The osbench table (and profiles of missed targets) into docs/benchmarks.md.
bench-doc:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory O=build/bench DEBUG=0 all
	@scripts/bench.sh build/bench --osbench-only --write-doc

# A long system-call fuzzer run by hand on a DEBUG=1 kernel (kmemleak):
#   make fuzz SEED=7 CALLS=5000000 PROCS=8
fuzz: deps
	@$(MAKE) --no-print-directory O=build/fuzz DEBUG=1 all
	@SYSFUZZ_SEED=$(or $(SEED),1) SYSFUZZ_CALLS=$(or $(CALLS),2000000) \
		SYSFUZZ_PROCS=$(or $(PROCS),4) scripts/fuzz.sh build/fuzz

compile_commands.json:
	bear --output compile_commands.json -- $(MAKE) -B O=$(O)/bear all $(UNIT_BINS:$(O)/%=$(O)/bear/%)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(O)

-include $(KOBJS:.o=.d)
