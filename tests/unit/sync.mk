# SPDX-License-Identifier: BSD-2-Clause
# Spinlocks, wait queues, mutexes, semaphores and completions
# (kernel/sched/spinlock.c, waitq.c) over a fake scheduler, CPU and timer
# (sched_stub.c); host threads play CPUs for the spinlock contention cases.
# Built twice from the same tests: test_sync with CONFIG_LOCK_DEBUG=1 and
# test_sync_nodebug with CONFIG_LOCK_DEBUG=0.
UNIT_TESTS += sync sync_nodebug
SYNC_UNIT_SRCS := kernel/sched/spinlock.c kernel/sched/waitq.c tests/unit/sched_stub.c
SYNC_UNIT_CFLAGS := -pthread -include tests/unit/sched_rename.h
unit_sync_SRCS := $(SYNC_UNIT_SRCS)
unit_sync_CFLAGS := $(SYNC_UNIT_CFLAGS) -DCONFIG_LOCK_DEBUG=1
unit_sync_LIBS := -pthread
unit_sync_nodebug_SRCS := $(SYNC_UNIT_SRCS)
unit_sync_nodebug_CFLAGS := $(SYNC_UNIT_CFLAGS) -DCONFIG_LOCK_DEBUG=0
unit_sync_nodebug_LIBS := -pthread
$(O)/unit/test_sync $(O)/unit/test_sync_nodebug: tests/unit/test_sync.c
