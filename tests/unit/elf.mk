# SPDX-License-Identifier: BSD-2-Clause
# ELF64 load planning (kernel/exec/elf.c): hand-made files, one corruption per
# rule, real programs (/bin/busybox if busybox-static is installed, and a
# musl-gcc hello world built here, static and static-PIE, if musl-gcc is
# installed; the test skips what is absent), and a fuzz loop.
UNIT_TESTS += elf
unit_elf_SRCS := kernel/exec/elf.c
unit_elf_CFLAGS := -DELF_HELLO_STATIC='"$(O)/unit/elf_hello_static"' \
	-DELF_HELLO_PIE='"$(O)/unit/elf_hello_pie"'
ELF_MUSL_LIB := /usr/lib/x86_64-linux-musl

$(O)/unit/test_elf: $(O)/unit/elf_hello.stamp

# Static PIE: musl-gcc's specs only know -static, so the PIE start files
# (rcrt1.o self-relocates) are named by hand and ld gets -static -pie.
$(O)/unit/elf_hello.stamp: tests/unit/elf_hello.c tests/unit/elf.mk
	@mkdir -p $(dir $@)
	$(Q)rm -f $(O)/unit/elf_hello_static $(O)/unit/elf_hello_pie
	$(Q)if command -v musl-gcc >/dev/null 2>&1; then \
		musl-gcc -static -O2 -o $(O)/unit/elf_hello_static $< && \
		{ musl-gcc -O2 -fPIE -nostartfiles -Wl,-static -Wl,-pie -Wl,--no-dynamic-linker \
			-Wl,-z,text -o $(O)/unit/elf_hello_pie $(ELF_MUSL_LIB)/rcrt1.o \
			$(ELF_MUSL_LIB)/crti.o "$$(musl-gcc -print-file-name=crtbeginS.o)" $< \
			"$$(musl-gcc -print-file-name=crtendS.o)" $(ELF_MUSL_LIB)/crtn.o \
			2>/dev/null || rm -f $(O)/unit/elf_hello_pie; }; \
	else echo "  (musl-gcc absent: test_elf skips the musl programs)"; fi
	$(Q)touch $@
