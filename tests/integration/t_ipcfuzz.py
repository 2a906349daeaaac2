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
# Console lines that mean the kernel hit a bug (the same as t_robust.py's,
# written out again: the test files are exec'd in any order).
IPCFUZZ_ALARM_RE = re.compile(r'^.*(panic|\bBUG\b|oops|Oops|double fault|assert|lock rank|redzone|'
                              r'poison|use.after.free|kernel page fault|in kernel mode|'
                              r'unexpected exception|respawning).*$', re.M | re.I)


def run_ipcfuzz(ctx, seed, ops, procs, smp, timeout, args=''):
    sh = Shell.__new__(Shell)
    sh.q = ctx.qemu(['-kernel', ctx.bin, '-nographic', '-no-reboot', '-smp', str(smp)],
                    timeout=timeout + 60)
    check_stages(sh.q)
    sh.n = 0
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
    # The kernel still works: a command, a pipeline, the process list.
    expect_shell_answers(sh.q)
    sh.must("seq 1 10 | awk '{s+=$1} END {print s}'", r'^55$')
    sh.must('ps', r'\bsh\b')
    # Every worker was reaped: nothing may be left unreachable.
    kl, krc = sh.run('cat /dev/kmemleak', timeout=120)
    if krc == 0:
        lm = re.search(r'^kmemleak: (\d+) unreachable objects?$', kl, re.M)
        check(lm is not None, 'no kmemleak summary: %r' % kl)
        report = '\n'.join(re.findall(r'^.*kmemleak: .*$', sh.q.text(), re.M)[-40:])
        check(lm.group(1) == '0', 'kmemleak found leaks after ipcfuzz:\n%s' % report)
    else:  # a release build has no /dev/kmemleak
        check(re.search(r'No such file', kl), 'cat /dev/kmemleak failed: %r' % kl)
    lines = [ln for ln in sh.q.text()[boot_len:].splitlines()
             if IPCFUZZ_ALARM_RE.match(ln) and not ln.startswith(('[user] ', 'signal: '))]
    check(not lines, 'the console shows kernel trouble:\n%s' % '\n'.join(lines[:20]))
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
