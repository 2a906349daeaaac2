# SPDX-License-Identifier: BSD-2-Clause
# The initial process stack and "#!" parsing (kernel/exec/stack.c).
UNIT_TESTS += exec
unit_exec_SRCS := kernel/exec/stack.c
