# Threads and futexes (issue 6): static musl programs from userland/tests
# (pthreads, threadapi) on a 4-CPU machine, so threads of one process run
# on different CPUs at the same time.


def run_tap_program_smp(ctx, prog, cpus, timeout=110):
    """run_tap_program on a machine with `cpus` CPUs."""
    sh = Shell(ctx, extra=['-smp', str(cpus)])
    out, rc = sh.run('/usr/libexec/matrioska-tests/' + prog, timeout=timeout)
    for line in out.splitlines():
        m = re.match(r'^(ok|not ok) \d+ - (.*)$', line)
        if m:
            ctx.subresults.append(('%s.%s' % (prog, m.group(2).strip().replace(' ', '_')), m.group(1) == 'ok'))
    m = re.search(r'^%s: (\d+) passed, (\d+) failed$' % prog, out, re.M)
    check(m is not None, 'no %s summary line in:\n%s' % (prog, out[-2000:]))
    check(m.group(2) == '0' and rc == 0, '%s: %s failed (exit %d):\n%s' % (prog, m.group(2), rc, out[-3000:]))


@test
def threads_pthreads_smp4(ctx):
    """pthreads: 4 threads, a mutex and a condition variable give the right total 100 runs in a row on -smp 4."""
    sh = Shell(ctx, extra=['-smp', '4'])
    # Up to the hard QEMU limit: 4 virtual CPUs on a loaded host are slow (no timing is checked).
    out, rc = sh.run('/usr/libexec/matrioska-tests/pthreads', timeout=110)
    check(rc == 0 and re.search(r'^pthreads: 100 runs, total ok$', out, re.M),
          'pthreads exited with %d:\n%s' % (rc, out[-2000:]))


@test
def threads_api_smp4(ctx):
    """threadapi: thread ids, join, exit vs exit_group, TLS, futex errors/requeue/bitsets/EINTR, exec, fork and fatal signals from threads."""
    run_tap_program_smp(ctx, 'threadapi', 4)


@test
def threads_api_1cpu(ctx):
    """threadapi on one CPU: the same checks when threads only interleave, never run at once."""
    run_tap_program_smp(ctx, 'threadapi', 1)
