# SPDX-License-Identifier: BSD-2-Clause
# Futex wait queues (kernel/ipc/futex.c): keys, buckets, wake counts,
# bitsets, requeue, timeouts and signals over the scheduler fake of
# sched_stub.c and the real wait queues (kernel/sched/waitq.c).
UNIT_TESTS += futex
unit_futex_SRCS := kernel/ipc/futex.c kernel/sched/spinlock.c kernel/sched/waitq.c tests/unit/sched_stub.c
unit_futex_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1
unit_futex_LIBS := -pthread
