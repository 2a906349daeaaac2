# SPDX-License-Identifier: BSD-2-Clause
# Signals (kernel/core/signal.c, kernel/linux/signal.c): exec'd into run.py's namespace.


@test
def linux_signals(ctx):
    """sigtest: siginfo, SA_RESTART/EINTR, NODEFER/RESETHAND, sigaltstack, queueing, SIGCHLD/wait, SIGPIPE, timers."""
    run_tap_program(ctx, 'sigtest')


@test
def linux_signals_smp(ctx):
    """sigtest on 2 CPUs: senders, timers and threads on other CPUs (kicks by IPI, stops of every thread)."""
    sh = Shell(ctx, extra=['-smp', '2'])
    out, rc = sh.run('/usr/libexec/matrioska-tests/sigtest', timeout=180)
    m = re.search(r'^sigtest: (\d+) passed, (\d+) failed$', out, re.M)
    check(m is not None and m.group(2) == '0' and rc == 0,
          'sigtest on -smp 2 failed (exit %d):\n%s' % (rc, '\n'.join(l for l in out.splitlines() if l.startswith('not ok'))[-3000:]))
