# Native capabilities and IPC (issue 7): the ipc test program (libmatrioska)
# on the booted system, its 100,000-call stress run across two CPUs, and the
# in-kernel ipc ktests.


def run_ipc_program(ctx, args, extra=(), timeout=240):
    """Run /usr/libexec/matrioska-tests/ipc ARGS; collect its TAP lines; require a clean summary."""
    sh = Shell(ctx, extra=list(extra))
    out, rc = sh.run('/usr/libexec/matrioska-tests/ipc ' + args, timeout=timeout)
    for line in out.splitlines():
        m = re.match(r'^(ok|not ok) \d+ - (.*)$', line)
        if m:
            ctx.subresults.append(('ipc.%s' % m.group(2).strip().replace(' ', '_'), m.group(1) == 'ok'))
    m = re.search(r'^ipc: (\d+) passed, (\d+) failed$', out, re.M)
    check(m is not None, 'no ipc summary line in:\n%s' % out[-3000:])
    check(m.group(2) == '0' and rc == 0, 'ipc %s: %s failed (exit %d):\n%s' % (args, m.group(2), rc, out[-3000:]))
    return out


@test
def ipc_native_api(ctx):
    """ipc: capability rules, call/reply of every size, transfer, badges, timeouts, server and client death, queues, notifications, shared and read-only memory, hostile arguments."""
    run_ipc_program(ctx, '')


@test
def ipc_stress_100k_smp2(ctx):
    """100,000 IPC calls between two processes on -smp 2: every reply right, the server counted them all."""
    out = run_ipc_program(ctx, 'stress 100000', extra=['-smp', '2'], timeout=600)
    check(re.search(r'^# stress: 100000 calls, 0 bad, server counted 100001$', out, re.M),
          'stress summary missing:\n%s' % out[-2000:])


@test
def ipc_procopen_race_smp2(ctx):
    """m_proc_open (and a give) racing each child's exit, 1000 times on -smp 2: a handle or -ESRCH, never a crash."""
    out = run_ipc_program(ctx, 'procrace 1000', extra=['-smp', '2'], timeout=300)
    check(re.search(r'^# procrace: 1000 rounds, \d+ handles opened, \d+ times seen gone, 0 bad$', out, re.M),
          'procrace summary missing:\n%s' % out[-2000:])


@test
def ipc_ktests(ctx):
    """ktest=ipc: endpoints, queues and notifications between kernel-side threads; the direct switch."""
    run_ktests(ctx, 'ktest=ipc', 'ktest-ipc.')
