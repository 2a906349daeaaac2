# SPDX-License-Identifier: BSD-2-Clause
# AF_UNIX sockets (net/unix/) over the real VFS (tmpfs names, files, fd-less
# file references, fs/pipe.c for passing pipes) and the real spinlocks, wait
# queues and mutexes on the scheduler fake (sched_stub.c); lock-order
# checking on. kmalloc counts live objects (fake_kmalloc.c), so every test
# proves it freed every message, socket and passed file.
UNIT_TESTS += unix
unit_unix_SRCS := net/unix/af_unix.c net/unix/unix_msg.c net/unix/unix_gc.c \
	fs/cred.c fs/dcache.c fs/namei.c fs/file.c fs/vfs.c fs/super.c fs/tmpfs.c \
	fs/devfs.c fs/fdtable.c fs/pipe.c kernel/sched/spinlock.c kernel/sched/waitq.c \
	tests/unit/sched_stub.c tests/unit/fake_pages.c tests/unit/fake_kmalloc.c
unit_unix_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1 -iquote fs -iquote net/unix
unit_unix_LIBS := -pthread
$(O)/unit/test_unix: net/unix/unix.h
