# SPDX-License-Identifier: BSD-2-Clause
# Memory tests (issue 6, "Memory"): shared and fixed mappings, mremap,
# madvise, msync, mincore (userland/tests/mmapx.c) and the OOM policy
# (userland/tests/oomtest.c). Exec'd into run.py's namespace.


@test
def linux_mmap_shared(ctx):
    """mmapx: MAP_SHARED files and anonymous memory, SIGBUS past EOF, truncate, msync, MAP_FIXED(_NOREPLACE),
    hints, mremap, madvise(MADV_DONTNEED), mincore and Linux's argument checks."""
    run_tap_program(ctx, 'mmapx')
