# SPDX-License-Identifier: BSD-2-Clause
# procfs (fs/procfs*.c) mounted on the real VFS over a fake process table,
# the exact text of its formats, and the kernel log's user-space forms
# (kernel/core/klog_text.c: record formats, syslog READ_ALL assembly;
# drivers/char/kmsg.c: /dev/kmsg) over a fake log ring.
# Same fakes as the VFS test: scheduler stub, counting kmalloc, fake_pages.c, user copies.
UNIT_TESTS += procfs
unit_procfs_SRCS := fs/cred.c fs/dcache.c fs/namei.c fs/file.c fs/vfs.c fs/super.c fs/tmpfs.c \
	fs/devfs.c fs/fdtable.c fs/pipe.c fs/procfs.c fs/procfs_pid.c fs/procfs_sys.c \
	fs/procfs_fmt.c fs/procfs_ipc.c tests/unit/fake_ipc_stat.c kernel/core/klog_text.c drivers/char/kmsg.c kernel/sched/spinlock.c kernel/sched/waitq.c \
	tests/unit/sched_stub.c tests/unit/fake_pages.c tests/unit/fake_kmalloc.c
unit_procfs_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1 -iquote fs
unit_procfs_LIBS := -pthread
$(O)/unit/test_procfs: fs/internal.h fs/procfs_internal.h
