# SPDX-License-Identifier: BSD-2-Clause
# I/O multiplexing and event descriptors (exec'd into run.py's namespace):
# epoll, eventfd, timerfd, signalfd and Linux's pipe capacity and atomicity
# rules, checked end to end by the evtest program (userland/tests/evtest.c),
# which passes on Linux too.


@test
def linux_events(ctx):
    """evtest: epoll (LT/ET/ONESHOT, pwait's mask), eventfd, timerfd, signalfd, pipe sizes and PIPE_BUF."""
    run_tap_program(ctx, 'evtest')


@test
def shell_pipe_capacity(ctx):
    """A shell pipeline moving more than a pipe holds (64 KiB) arrives whole."""
    sh = Shell(ctx)
    sh.must('head -c 300000 /dev/zero | wc -c', r'^300000$')


@test
def linux_events_smp(ctx):
    """evtest on 2 CPUs: wake-ups from another CPU (writers, timers, signals) reach epoll and blocked readers."""
    sh = Shell(ctx, extra=['-smp', '2'])
    out, rc = sh.run('/usr/libexec/matrioska-tests/evtest', timeout=180)
    m = re.search(r'^evtest: (\d+) passed, (\d+) failed$', out, re.M)
    check(m is not None and m.group(2) == '0' and rc == 0,
          'evtest on -smp 2 failed (exit %d):\n%s' % (rc, '\n'.join(l for l in out.splitlines() if l.startswith('not ok'))[-3000:]))
