# SPDX-License-Identifier: BSD-2-Clause
# kernel/core/cmdline.c, plus cmdline_boot.c against a klog stub.
UNIT_TESTS += cmdline
unit_cmdline_SRCS := kernel/core/cmdline.c kernel/core/cmdline_boot.c
