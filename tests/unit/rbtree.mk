# SPDX-License-Identifier: BSD-2-Clause
# kernel/lib/rbtree.c against a bitmap / insertion-order reference.
UNIT_TESTS += rbtree
unit_rbtree_SRCS := kernel/lib/rbtree.c
