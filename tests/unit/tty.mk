# SPDX-License-Identifier: BSD-2-Clause
# The terminal line discipline, its ioctls and the console tty
# (drivers/tty/tty.c, tty_ioctl.c, console.c) on the real spinlocks and
# wait queues (kernel/sched/spinlock.c, waitq.c) over the fake scheduler of
# the sync tests (sched_stub.c), with lock-order checking on. Signals, processes, user copies, uio, poll_wait,
# chrdev_register and kzalloc are fakes in test_tty.c.
UNIT_TESTS += tty
unit_tty_SRCS := drivers/tty/tty.c drivers/tty/tty_ioctl.c drivers/tty/console.c kernel/sched/spinlock.c \
	kernel/sched/waitq.c tests/unit/sched_stub.c
unit_tty_CFLAGS := -pthread -include tests/unit/sched_rename.h -DCONFIG_LOCK_DEBUG=1
unit_tty_LIBS := -pthread
