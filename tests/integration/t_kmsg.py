# SPDX-License-Identifier: BSD-2-Clause
# t_kmsg.py - /dev/kmsg readers are woken by new kernel log records (no
# polling in the kernel: klog's deferred wake-up, docs/design/procfs.md), and
# logd, which sleeps on /dev/kmsg, does not wake up while nothing is logged.
# Exec'd into run.py's namespace (see common rules). No timing assertions: a
# reader never woken hangs until the run's timeout; "not switched in while
# nothing was logged" compares two counts, whatever the window's length.


# wait_in_shell is t_services.py's (the same namespace by the time a test runs).


@test
def kmsg_blocked_readers_wake(ctx):
    """kmsgwait: read(), poll(), select() and epoll_wait() (LT and ET, twice each) on /dev/kmsg with no timeout are woken
    by a record logged while they sleep (the writer waits until /proc shows the reader asleep)."""
    run_tap_program(ctx, 'kmsgwait')


@test
def kmsg_shell_reader_wakes(ctx):
    """cat /dev/kmsg asleep at the end of the log is not switched in while nothing is logged, and prints a line echoed
    into /dev/kmsg afterwards."""
    sh = Shell(ctx)
    # cat reads from the oldest record, then sleeps at the end; the mark is written once it does.
    sh.q.send('cat /dev/kmsg > /tmp/kmsg.out 2>&1 &\r')
    pid = sh.must('echo $!', r'^\d+$').strip()
    wait_in_shell(sh, "grep -q '^State:[[:space:]]*S' /proc/%s/status" % pid, 'cat is asleep on /dev/kmsg')
    # Asleep, it stays asleep while nothing is logged (no 20 ms looks): its switch count does not move
    # over a window in which its output did not grow either (a window with a record is tried again).
    quiet = None
    for _ in range(4):
        out = sh.must("grep ^voluntary_ctxt_switches /proc/%s/status; wc -c < /tmp/kmsg.out; sleep 3; "
                      "grep ^voluntary_ctxt_switches /proc/%s/status; wc -c < /tmp/kmsg.out" % (pid, pid))
        nums = [int(x) for x in re.findall(r'(?:switches:\s+)?(\d+)\s*$', out, re.M)]
        check(len(nums) == 4, 'unexpected output:\n%s' % out)
        if nums[1] == nums[3]:
            quiet = (nums[0], nums[2])
            break
    check(quiet is not None, 'something was logged in every 3 s window')
    print('  blocked reader switches over 3 s idle: %d -> %d' % quiet)
    check(quiet[0] == quiet[1], 'the blocked reader was switched in %d times with nothing logged'
          % (quiet[1] - quiet[0]))
    sh.must('echo "<6>kmsg-shell-mark" > /dev/kmsg')
    wait_in_shell(sh, 'grep -q kmsg-shell-mark /tmp/kmsg.out', 'the blocked cat printed the record')
    sh.must('kill %s; wait' % pid)


def logd_switches(sh, pid):
    """voluntary_ctxt_switches of logd (all its threads), and the size of /var/log/messages."""
    out = sh.must("grep ^voluntary_ctxt_switches /proc/%s/status; stat -c 'size %%s' /var/log/messages" % pid)
    m = re.search(r'^voluntary_ctxt_switches:\s+(\d+)', out, re.M)
    s = re.search(r'^size (\d+)', out, re.M)
    check(m is not None and s is not None, 'no switch count / file size for logd:\n%s' % out)
    return int(m.group(1)), int(s.group(1))


@test
def logd_idle_no_wakeups(ctx):
    """With nothing logged, logd (both threads) is not switched in at all over seconds: no polling, no republish timer;
    a kernel record and an application record each wake it (so the count is live)."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    pid = sh.must('pidof logd', r'^\d+$').strip()
    # Boot's last records may still come; a window in which something was logged (the file grew) is tried again.
    quiet = None
    for _ in range(4):
        before, size0 = logd_switches(sh, pid)
        sh.must('sleep 3')
        after, size1 = logd_switches(sh, pid)
        if size1 == size0:
            quiet = (before, after)
            break
    check(quiet is not None, 'something was logged in every 3 s window')
    print('  logd switches over 3 s idle: %d -> %d' % quiet)
    check(quiet[1] == quiet[0], 'logd was switched in %d times while nothing was logged' % (quiet[1] - quiet[0]))
    # The count moves when there is work: a kernel record, then a call.
    sh.must('echo "<6>idle-kernel-poke" > /dev/kmsg')
    wait_in_shell(sh, 'grep -q idle-kernel-poke /var/log/messages', 'logd wrote the kernel record')
    poked, _ = logd_switches(sh, pid)
    check(poked > quiet[1], 'a kernel record did not wake logd (%d -> %d)' % (quiet[1], poked))
    sh.must('logctl log -s idle -l info idle-call-poke')
    called, _ = logd_switches(sh, pid)
    check(called > poked, 'a call did not wake logd (%d -> %d)' % (poked, called))
