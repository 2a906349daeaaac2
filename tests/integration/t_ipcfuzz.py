# SPDX-License-Identifier: BSD-2-Clause
# The native IPC fuzzer (userland/tests/ipcfuzz.c): worker processes share
# endpoints, queues, notifications and memory objects and use them at random
# with hostile arguments (fast path and general path, handles in messages,
# timer-bounded waits), while the parent interrupts them with signals and
# kills them mid-call. With a fixed seed and a bounded number of operations;
# afterwards the program's own checks (documented results only, every echo
# reply right, no stall, /proc/ipc clean, the fast path taken) must pass, the
# shell must still answer, the console must show no kernel trouble and a
# DEBUG=1 kernel's /dev/kmemleak must report nothing unreachable.
# Exec'd into run.py's namespace (see the end of run.py).
#
# A longer run by hand (tests/integration/README.md): the test ipcfuzz_custom
# with IPCFUZZ_SEED, IPCFUZZ_OPS, IPCFUZZ_PROCS, IPCFUZZ_SMP and
# IPCFUZZ_TIMEOUT from the environment (IPCFUZZ_ARGS: more options, e.g.
# --kill-ms 0); without IPCFUZZ_OPS it is skipped.

IPCFUZZ_SEED = 1
IPCFUZZ_OPS = 12000
IPCFUZZ_PROCS = 4


def run_ipcfuzz(ctx, seed, ops, procs, smp, timeout, args=''):
    # fuzz_shell and check_after_fuzz are t_robust.py's (the same namespace
    # by the time a test runs).
    sh = fuzz_shell(ctx, timeout + 60, smp=smp)
    boot_len = len(sh.q.text())
    out, rc = sh.run('/usr/libexec/matrioska-tests/ipcfuzz --seed %d --ops %d --procs %d %s'
                     % (seed, ops, procs, args), timeout=timeout)
    for line in out.splitlines():
        m = re.match(r'^(ok|not ok) \d+ - (.*)$', line)
        if m:
            ctx.subresults.append(('ipcfuzz.%s' % m.group(2).strip().replace(' ', '_'),
                                   m.group(1) == 'ok'))
    m = re.search(r'^ipcfuzz: seed (\d+), (\d+) ops, (\d+) procs, (\d+) kills, (\d+) echoes verified$',
                  out, re.M)
    check(m is not None, 'no ipcfuzz summary line; output:\n%s' % out[-3000:])
    check(int(m.group(1)) == seed, 'the summary names seed %s, not %d' % (m.group(1), seed))
    check(int(m.group(2)) >= ops, 'only %s of %d operations made' % (m.group(2), ops))
    t = re.search(r'^ipcfuzz: (\d+) passed, (\d+) failed$', out, re.M)
    check(t is not None and t.group(2) == '0' and rc == 0,
          'ipcfuzz failed (exit %d):\n%s' % (rc, out[-3000:]))
    check_after_fuzz(sh, boot_len, 'ipcfuzz', ('[user] ', 'signal: '))
    return out


@test
def ipcfuzz_smp2(ctx):
    """ipcfuzz --seed 1 on -smp 2: random hostile native IPC in 4 processes, killed mid-call; echoes right, no panic, no leak."""
    run_ipcfuzz(ctx, IPCFUZZ_SEED, IPCFUZZ_OPS, IPCFUZZ_PROCS, smp=2, timeout=100)


@test
def ipcfuzz_smp1(ctx):
    """ipcfuzz --seed 2 on -smp 1: every worker on one CPU (the fast path's home); the same checks."""
    run_ipcfuzz(ctx, 2, IPCFUZZ_OPS, IPCFUZZ_PROCS, smp=1, timeout=100)


@test
def ipcfuzz_custom(ctx):
    """ipcfuzz with IPCFUZZ_SEED/OPS/PROCS/SMP/TIMEOUT/ARGS from the environment; else skipped."""
    if 'IPCFUZZ_OPS' not in os.environ:
        raise Skip('set IPCFUZZ_OPS to run')
    run_ipcfuzz(ctx, int(os.environ.get('IPCFUZZ_SEED', '1')), int(os.environ['IPCFUZZ_OPS']),
                int(os.environ.get('IPCFUZZ_PROCS', '4')), int(os.environ.get('IPCFUZZ_SMP', '2')),
                timeout=int(os.environ.get('IPCFUZZ_TIMEOUT', '1800')),
                args=os.environ.get('IPCFUZZ_ARGS', ''))
