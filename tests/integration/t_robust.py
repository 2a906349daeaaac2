# SPDX-License-Identifier: BSD-2-Clause
# Robustness: the system-call fuzzer (userland/tests/sysfuzz.c) with a fixed
# seed; afterwards the kernel must still answer, must have printed nothing
# alarming on the console, and must leak nothing (/dev/kmemleak, debug
# builds). Exec'd into run.py's namespace (see the end of run.py).
#
# A longer run by hand: scripts/fuzz.sh (make fuzz SEED=... CALLS=...) runs
# the test sysfuzz_custom with SYSFUZZ_SEED, SYSFUZZ_CALLS, SYSFUZZ_PROCS and
# SYSFUZZ_TIMEOUT from the environment; without SYSFUZZ_CALLS it is skipped.

SYSFUZZ_SEED = 1
SYSFUZZ_CALLS = 200000
SYSFUZZ_PROCS = 4
# Console lines that mean the kernel hit a bug, or that memory ran out and
# the system paid for it (the OOM killer naming the shell, init or a service;
# init respawning something). A worker (whatever name prctl gave it) may legitimately
# grow until the OOM killer takes it (mremap a mapping to gigabytes, then read
# /dev/zero into it): that is the OOM policy working. The kernel's notes about
# user processes it killed ("[user] ... killed", "signal: ... bad signal
# frame") and the fuzzer's own lines are not among them.
ALARM_RE = re.compile(r'^.*(panic|\bBUG\b|oops|Oops|double fault|assert|lock rank|redzone|'
                      r'poison|use.after.free|kernel page fault|in kernel mode|'
                      r'unexpected exception|oom: .*\((?:sh|init|nameserver|logd)\)|respawning).*$', re.M | re.I)


def fuzz_shell(ctx, timeout, smp=None):
    """A booted shell whose QEMU may live `timeout` seconds (Shell's default is run.py's cap), on `smp` CPUs if given."""
    args = ['-kernel', ctx.bin, '-nographic', '-no-reboot']
    if smp is not None:
        args += ['-smp', str(smp)]
    sh = Shell.__new__(Shell)
    sh.q = ctx.qemu(args, timeout=timeout)
    check_stages(sh.q)
    sh.n = 0
    return sh


def run_sysfuzz(ctx, seed, calls, procs, timeout):
    sh = fuzz_shell(ctx, timeout + 60)
    boot_len = len(sh.q.text())
    out, rc = sh.run('/usr/libexec/matrioska-tests/sysfuzz --seed %d --calls %d --procs %d'
                     % (seed, calls, procs), timeout=timeout)
    m = re.search(r'^sysfuzz: (\d+) calls, (\d+) processes, seed (\d+)$', out, re.M)
    check(m is not None, 'no sysfuzz summary line; output:\n%s' % out[-3000:])
    check(rc == 0, 'sysfuzz exited with %d:\n%s' % (rc, out[-3000:]))
    check(int(m.group(1)) >= calls, 'only %s of %d calls made' % (m.group(1), calls))
    check(int(m.group(3)) == seed, 'the summary names seed %s, not %d' % (m.group(3), seed))
    # Lines that quote a process name are skipped: a worker may have renamed
    # itself to anything (prctl PR_SET_NAME with random bytes).
    check_after_fuzz(sh, boot_len, 'sysfuzz', ('[user] ', 'signal: ', 'linux: unimplemented syscall'))
    return out


def check_after_fuzz(sh, boot_len, fuzzer, quoting):
    """After a fuzzer that reaped its workers: the shell still works, /dev/kmemleak
    (debug builds) finds nothing unreachable, and no console line since boot_len
    matches ALARM_RE (lines starting with one of `quoting` are not looked at)."""
    # The kernel still works: a command, a pipeline, the process list.
    expect_shell_answers(sh.q)
    sh.must("seq 1 10 | awk '{s+=$1} END {print s}'", r'^55$')
    sh.must('ps', r'\bsh\b')
    # Every worker was reaped: nothing may be left unreachable.
    out, rc = sh.run('cat /dev/kmemleak', timeout=120)
    if rc == 0:
        lm = re.search(r'^kmemleak: (\d+) unreachable objects?$', out, re.M)
        check(lm is not None, 'no kmemleak summary: %r' % out)
        report = '\n'.join(re.findall(r'^.*kmemleak: .*$', sh.q.text(), re.M)[-40:])
        check(lm.group(1) == '0', 'kmemleak found leaks after %s:\n%s' % (fuzzer, report))
    else:  # a release build has no /dev/kmemleak
        check(re.search(r'No such file', out), 'cat /dev/kmemleak failed: %r' % out)
    lines = [ln for ln in sh.q.text()[boot_len:].splitlines()
             if ALARM_RE.match(ln) and not ln.startswith(quoting)]
    check(not lines, 'the console shows kernel trouble:\n%s' % '\n'.join(lines[:20]))


@test
def sysfuzz_fixed_seed(ctx):
    """sysfuzz --seed 1: 200,000 random hostile syscalls in 4 processes; no panic, no oops, no leak."""
    run_sysfuzz(ctx, SYSFUZZ_SEED, SYSFUZZ_CALLS, SYSFUZZ_PROCS, timeout=110)


@test
def sysfuzz_custom(ctx):
    """sysfuzz with SYSFUZZ_SEED/CALLS/PROCS/TIMEOUT from the environment (scripts/fuzz.sh); else skipped."""
    if 'SYSFUZZ_CALLS' not in os.environ:
        raise Skip('set SYSFUZZ_CALLS (scripts/fuzz.sh) to run')
    run_sysfuzz(ctx, int(os.environ.get('SYSFUZZ_SEED', '1')), int(os.environ['SYSFUZZ_CALLS']),
                int(os.environ.get('SYSFUZZ_PROCS', '4')),
                timeout=int(os.environ.get('SYSFUZZ_TIMEOUT', '1800')))
