# SPDX-License-Identifier: BSD-2-Clause
# The VFS (fs/: path walk, tmpfs, open files, name-space calls, mounts,
# devfs, fd tables) over the scheduler fake (sched_stub.c) with a counting
# malloc shim for kmalloc, refcounted pages from fake_pages.c (tmpfs hands
# its pages out by reference), fake user copies and a fake
# get_random_bytes (all in test_vfs.c); fs/pipe.c for FIFOs. fs/ files are listed one by one:
# fs/cpio.c and fs/initramfs.c belong to another test.
UNIT_TESTS += vfs
unit_vfs_SRCS := fs/cred.c fs/dcache.c fs/namei.c fs/file.c fs/vfs.c fs/super.c fs/tmpfs.c \
	fs/devfs.c fs/fdtable.c fs/pipe.c kernel/sched/spinlock.c kernel/sched/waitq.c tests/unit/sched_stub.c \
	tests/unit/fake_pages.c tests/unit/fake_kmalloc.c
unit_vfs_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1 -iquote fs
unit_vfs_LIBS := -pthread
$(O)/unit/test_vfs: fs/internal.h
