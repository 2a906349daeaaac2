# SPDX-License-Identifier: BSD-2-Clause
# The scheduling classes (kernel/sched/rt.c, fair.c, idle.c, #included by
# sched_sim.c for white-box checks) driven by a simulated core; the kernel's
# string.c (renamed) supplies kstrtou64 for "sched_rr_ms=".
UNIT_TESTS += sched
unit_sched_SRCS := tests/unit/sched_sim.c kernel/lib/rbtree.c kernel/lib/string.c
unit_sched_CFLAGS := -fno-builtin -include tests/unit/string_rename.h
$(O)/unit/test_sched: kernel/sched/rt.c kernel/sched/fair.c kernel/sched/idle.c
