# SPDX-License-Identifier: BSD-2-Clause
# Pipes, FIFOs, the poll engine, epoll and eventfd (fs/pipe.c, fs/poll.c,
# fs/epoll.c, fs/eventfd.c) on the real
# spinlocks, wait queues and mutexes (kernel/sched/spinlock.c, waitq.c) over
# the fake scheduler of the sync tests (sched_stub.c), with lock-order
# checking on. Files, the fd table, uio and user copies, kmalloc and
# signal_send_thread are fakes in test_pipe.c.
UNIT_TESTS += pipe
unit_pipe_SRCS := fs/pipe.c fs/poll.c fs/epoll.c fs/eventfd.c kernel/lib/rbtree.c kernel/sched/spinlock.c kernel/sched/waitq.c \
	tests/unit/sched_stub.c
unit_pipe_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1
unit_pipe_LIBS := -pthread
