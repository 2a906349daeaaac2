/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_slab_nodebug.c - the slab tests of test_slab.c, compiled with
 * CONFIG_MM_DEBUG=0 (see slab.mk): the allocator without redzones and
 * tracking, as release kernels run it. The debug-only cases check that
 * their features are off (kmemleak_scan returns -ENOSYS).
 */
#include "test_slab.c"
