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


@test
def kill_minus_one_broadcast(ctx):
    """kill -TERM -1 from the shell ends every other process but init; the shell (which ignores SIGTERM) stays."""
    sh = Shell(ctx)
    sh.must('sleep 100 & sleep 101 & true')
    sh.must('jobs', r'Running\s+sleep 101')
    # Services started by init die too and init says so while respawning them: the
    # sleep only keeps that chatter from landing in the middle of the END tag.
    sh.must('kill -TERM -1; sleep 2')
    out, _ = sh.run('wait; jobs')
    check('Running' not in out, 'jobs still run after kill -1:\n' + out)
    sh.must('echo alive', r'^alive$')
