# SPDX-License-Identifier: BSD-2-Clause
# Signals (kernel/core/signal.c, kernel/linux/signal.c): exec'd into run.py's namespace.


@test
def linux_signals(ctx):
    """sigtest: siginfo, SA_RESTART/EINTR, NODEFER/RESETHAND, sigaltstack, queueing, SIGCHLD/wait, SIGPIPE, timers."""
    run_tap_program(ctx, 'sigtest')
