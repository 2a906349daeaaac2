# SPDX-License-Identifier: BSD-2-Clause
# cpio "newc"/"crc" parsing (fs/cpio.c) and the initramfs unpacker
# (fs/initramfs.c, against a fake VFS in the test). The reference archives
# are made here with GNU cpio from a small tree (directories, files whose
# sizes hit every padding case, a hard-link pair, a symlink, a FIFO, odd
# modes and times); the tests skip them with a note if cpio is absent.
UNIT_TESTS += cpio initramfs
unit_cpio_SRCS := fs/cpio.c
unit_initramfs_SRCS := fs/cpio.c fs/initramfs.c tests/unit/disk_tree.c
CPIO_TREE_DEFS := -DCPIO_TREE='"$(O)/unit/cpio_tree"' -DCPIO_NEWC='"$(O)/unit/cpio_tree.newc"' \
	-DCPIO_CRC='"$(O)/unit/cpio_tree.crc"'
unit_cpio_CFLAGS := $(CPIO_TREE_DEFS)
unit_initramfs_CFLAGS := $(CPIO_TREE_DEFS)

$(O)/unit/test_cpio $(O)/unit/test_initramfs: $(O)/unit/cpio_tree.stamp

$(O)/unit/cpio_tree.stamp: tests/unit/cpio.mk
	@mkdir -p $(dir $@)
	$(Q)set -e; t=$(O)/unit/cpio_tree; rm -rf $$t $$t.newc $$t.crc; \
	if ! command -v cpio >/dev/null 2>&1; then \
		echo "  (cpio absent: the cpio tests skip the GNU cpio archives)"; touch $@; exit 0; fi; \
	mkdir -p $$t/bin $$t/etc/init.d $$t/empty $$t/usr/share/deep/er; \
	printf 'root:x:0:0:root:/root:/bin/sh\n' > $$t/etc/passwd; \
	: > $$t/etc/empty_file; \
	printf a > $$t/usr/one; printf abc > $$t/usr/three; printf abcd > $$t/usr/four; \
	printf abcde > $$t/usr/five; printf 'x%.0s' 1 2 3 4 5 6 7 > $$t/usr/share/seven; \
	seq 1 1000 > $$t/bin/big; ln $$t/bin/big $$t/bin/big2; \
	printf '#!/bin/sh\necho hi\n' > $$t/etc/init.d/rcS; chmod 0750 $$t/etc/init.d/rcS; \
	chmod 04755 $$t/usr/five; chmod 0700 $$t/usr/share/deep; \
	ln -s ../bin/big $$t/etc/biglink; ln -s /nowhere/at/all $$t/dangling; \
	mkfifo $$t/usr/fifo; \
	touch -h -d '2001-02-03 04:05:06 UTC' $$t/etc/biglink $$t/usr/share/deep/er $$t/etc/passwd; \
	(cd $$t && find . | LC_ALL=C sort | cpio -o -H newc --quiet > ../cpio_tree.newc); \
	(cd $$t && find . | LC_ALL=C sort | cpio -o -H crc --quiet > ../cpio_tree.crc); \
	touch $@
