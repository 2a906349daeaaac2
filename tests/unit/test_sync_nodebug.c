/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sync_nodebug.c - the tests of test_sync.c compiled with
 * CONFIG_LOCK_DEBUG=0 (see sync.mk): spinlocks and wait queues as release
 * kernels run them. The lock-order cases check that nothing is counted or
 * reported; the cases that need debug checks to survive are skipped.
 */
#include "test_sync.c"
