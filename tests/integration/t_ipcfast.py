# The native IPC fast path (issue 7, kernel/ipc/endpoint.c): the ipcfast
# program checks through /proc/ipc's per-endpoint counts that short calls and
# their replies take it and that long messages, handles and a server not
# waiting take the general path, on one CPU and on two; and, since a thread
# handing the CPU over on the fast path leaves its kernel stack (a
# continuation), that fast-path calls keep the registers the ABI keeps and
# that a client and a server waiting there are interrupted by a signal with
# a handler and go on working.


@test
def ipc_fastpath(ctx):
    """ipc fast path: short call/reply_recv go fast; long part, handles, server not waiting fall back; replies right; registers kept; signals interrupt waits on it."""
    run_tap_program(ctx, 'ipcfast')


@test
def ipc_fastpath_smp2(ctx):
    """ipc fast path on -smp 2 (both processes pinned to CPU 0): the same exact counts."""
    sh = Shell(ctx, extra=['-smp', '2'])
    out, rc = sh.run('/usr/libexec/matrioska-tests/ipcfast', timeout=120)
    m = re.search(r'^ipcfast: (\d+) passed, (\d+) failed$', out, re.M)
    check(m is not None and m.group(2) == '0' and rc == 0, 'ipcfast on -smp 2:\n%s' % out[-3000:])
