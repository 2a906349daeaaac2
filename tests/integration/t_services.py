# SPDX-License-Identifier: BSD-2-Clause
# The first user-space services (userland/services, docs/design/services.md):
# nameserver, logd and logctl, ipcstat, over the generated RPC code.
# Exec'd into run.py's namespace.


def wait_in_shell(sh, cond, what, tries=100):
    """Run the shell condition cond every 0.1 s (in the guest) until it holds; check it did."""
    sh.must('i=0; until %s; do i=$((i+1)); [ $i -ge %d ] && break; sleep 0.1; done; %s'
            % (cond, tries, cond), status=0)


def loose_must(sh, cmd, status=0, timeout=60):
    """Type cmd and check its exit status, finding the end tag anywhere in a line.

    init's console lines (a service killed, respawned) can land in the middle
    of the shell's output, even inside the tag line, so Shell.must's anchored
    match is not used; the typed echo shows "$?" literally, so only the real
    output matches."""
    sh.n += 1
    tag = 'SVCEND%d' % sh.n
    sh.q.send('%s; echo %s:$?:\r' % (cmd, tag))
    m = sh.q.expect(r'%s:(\d+):' % tag, timeout=timeout)
    check(int(m.group(1)) == status, '%r exited with %s, expected %d' % (cmd, m.group(1), status))


def kill_and_wait_respawn(sh, prog):
    """kill -9 the running prog and wait until init has started the next one; return the old pid."""
    old = sh.must('pidof %s' % prog, r'^\d+$').strip()
    loose_must(sh, 'kill -9 %s' % old)
    loose_must(sh, 'i=0; until p=$(pidof %s) && [ -n "$p" ] && [ "$p" != %s ]; do i=$((i+1)); '
               '[ $i -ge 100 ] && break; sleep 0.1; done; [ $i -lt 100 ]; r=$?; sleep 0.5; '
               '[ $r = 0 ]' % (prog, old))
    return old


@test
def services_nameserver(ctx):
    """svctest: publish/lookup/withdraw through the nameserver, send-only handles, missing names, malformed calls."""
    run_tap_program(ctx, 'svctest')


@test
def services_logd(ctx):
    """logctl log/show with source and level filters, /var/log/messages, kernel records, filters set in logd."""
    sh = Shell(ctx)
    # logd is started by init; wait until it answers (no timing asserted).
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    sh.must('logctl log -s svc-a -l warning first-message-a')
    sh.must('logctl log -s svc-b -l debug second-message-b')
    sh.must('logctl log -s svc-a -l err third-message-a')
    out = sh.must('logctl show')
    for want in (r' warning svc-a: first-message-a$', r' debug svc-b: second-message-b$',
                 r' err svc-a: third-message-a$', r' info logd: logd started$'):
        check(re.search(want, out, re.M), 'logctl show lacks /%s/:\n%s' % (want, out[-3000:]))
    # Per-source and per-level selection, and -n.
    out = sh.must('logctl show -s svc-a')
    check('first-message-a' in out and 'third-message-a' in out and 'second-message-b' not in out,
          'logctl show -s svc-a:\n%s' % out)
    out = sh.must('logctl show -l err')
    check('third-message-a' in out and 'first-message-a' not in out and 'second-message-b' not in out,
          'logctl show -l err:\n%s' % out)
    out = sh.must('logctl show -n 1 -s svc-a')
    check(out.strip().endswith('third-message-a') and out.count('\n') == 1, 'logctl show -n 1:\n%s' % out)
    # The file.
    out = sh.must('grep -c message- /var/log/messages', r'^3$')
    # Kernel records (lines written to /dev/kmsg become klog records, which logd reads).
    sh.must('echo "<5>svc-kernel-mark-1" > /dev/kmsg')
    wait_in_shell(sh, 'logctl show -s kernel | grep -q svc-kernel-mark-1', 'kernel record in logd')
    sh.must('logctl show -s kernel', r' notice kernel\[\d+\]: svc-kernel-mark-1$')
    sh.must('grep -c svc-kernel-mark-1 /var/log/messages', r'^1$')
    # A filter in logd: svc-c's records above warning are dropped on arrival.
    sh.must('logctl filter -s svc-c -l warning')
    sh.must('logctl filters', r'^svc-c warning$')
    sh.must('logctl log -s svc-c -l info dropped-by-filter')
    sh.must('logctl log -s svc-c -l crit kept-by-filter')
    out = sh.must('logctl show -s svc-c')
    check('kept-by-filter' in out and 'dropped-by-filter' not in out, 'filter:\n%s' % out)
    sh.must('grep -c by-filter /var/log/messages', r'^1$')
    sh.must('logctl filter -s svc-c -l none')
    sh.must('logctl filters | grep -c svc-c', status=1)
    # The default filter "*" holds for every source without its own.
    sh.must("logctl filter -s '*' -l err")
    sh.must('logctl filters', r'^\* err$')
    sh.must('logctl log -s svc-d -l warning dropped-by-default')
    sh.must('logctl log -s svc-d -l err kept-by-default')
    out = sh.must('logctl show -s svc-d')
    check('kept-by-default' in out and 'dropped-by-default' not in out, 'default filter:\n%s' % out)
    sh.must("logctl filter -s '*' -l none")
    sh.must('logctl filters | grep -c .', status=1)
    # Bad requests are refused, not crashes.
    sh.must('logctl log -s kernel -l info forged', status=1)
    sh.must('logctl show -l nonsense', status=1)


@test
def services_logd_restart(ctx):
    """kill -9 logd: init restarts it; kernel records logged while it was stopped and then dead reach the next logd exactly once, none lost."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    sh.must('logctl log -s before -l info before-restart')
    # logd is stopped first, so the records surely wait in the kernel ring
    # (not in the file) when it is killed: only the next logd can take them.
    old = sh.must('pidof logd', r'^\d+$').strip()
    sh.must('kill -STOP %s' % old)
    for i in range(1, 6):
        sh.must('echo "<6>svc-while-down-%d" > /dev/kmsg' % i)
    sh.must('grep -c svc-while-down /var/log/messages', r'^0$', status=1)
    kill_and_wait_respawn(sh, 'logd')
    wait_in_shell(sh, 'grep -q svc-while-down-5 /var/log/messages', 'records written')
    for i in range(1, 6):
        sh.must('grep -c "svc-while-down-%d$" /var/log/messages' % i, r'^1$')
        sh.must('logctl show -s kernel | grep -c "svc-while-down-%d$"' % i, r'^1$')
    # No kernel record twice, and no gap in the kernel sequence numbers logd wrote.
    out = sh.must("grep -o 'kernel\\[[0-9]*\\]' /var/log/messages | tr -d 'kernel[]' | sort -n | uniq -d | wc -l",
                  r'^\s*0$')
    out = sh.must("grep -o 'kernel\\[[0-9]*\\]' /var/log/messages | tr -d 'kernel[]' | sort -n | "
                  "awk 'NR>1 && $1!=p+1 {gap++} {p=$1} END {print \"gaps=\" gap+0}'", r'^gaps=0$')
    # The ring came back from the file, and logd answers again.
    sh.must('logctl show -s before', r' info before: before-restart$')
    sh.must('logctl log -s after -l info after-restart')
    sh.must('logctl show -n 1', r'after-restart$')


@test
def services_ipcstat(ctx):
    """/proc/ipc and ipcstat: the nameserver's endpoint with its holders (init, nameserver, logd), a queue and a memory object of a test program."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    out = sh.must('cat /proc/ipc', r'^pid comm handle type object rights badge details$')
    ns_pid = sh.must('pidof nameserver', r'^\d+$').strip()
    # The nameserver holds a receive handle; init holds every right on the same object.
    m = re.search(r'^%s nameserver (\d+) endpoint ([0-9a-f]{16}) grant,send,recv,dup 0 receivers=2 ' % ns_pid,
                  out, re.M)
    check(m is not None, 'no receive handle of the nameserver in /proc/ipc:\n%s' % out)
    obj = m.group(2)
    check(re.search(r'^1 init \d+ endpoint %s read,write,map,grant,send,recv,manage,dup 0 ' % obj, out, re.M),
          'init does not hold the nameserver endpoint:\n%s' % out)
    out = sh.must('ipcstat -t endpoint')
    line = [l for l in out.splitlines() if obj in l]
    check(len(line) == 1, 'ipcstat does not list object %s once:\n%s' % (obj, out))
    check(re.search(r'\b%s/nameserver#\d+:grant,send,recv,dup\b' % ns_pid, line[0]) and
          re.search(r'\b1/init#\d+:', line[0]) and re.search(r'/logd#\d+:grant,send,dup\b', line[0]),
          'ipcstat holders of the nameserver endpoint: %r' % line[0])
    # logd's own endpoint: held by logd (all rights) and the nameserver (send,grant,dup).
    logd_pid = sh.must('pidof logd', r'^\d+$').strip()
    out = sh.must('ipcstat -p %s' % logd_pid)
    line = [l for l in out.splitlines() if re.search(r'\b%s/logd#\d+:read,write,map,grant,send,recv,manage,dup\b' % logd_pid, l)]
    check(len(line) == 1 and re.search(r'\b%s/nameserver#\d+:grant,send,dup\b' % ns_pid, line[0]),
          'ipcstat -p logd does not show logd\'s endpoint published at the nameserver:\n%s' % out)
    # A queue and a memory object appear with their holder, and go when it exits.
    sh.q.send('/usr/libexec/matrioska-tests/svctest hold > /tmp/hold.out &\r')
    wait_in_shell(sh, 'grep -q holding /tmp/hold.out', 'svctest hold started')
    hold_pid = sh.must('pidof svctest', r'^\d+$').strip()
    sh.must('ipcstat -t queue', r'^queue\s+[0-9a-f]{16}\s+slots=8\s+%s/svctest#\d+:read,write,map,grant,send,recv,manage,dup$' % hold_pid)
    sh.must('ipcstat -t memory', r'^memory\s+[0-9a-f]{16}\s+size=8192\s+%s/svctest#\d+:' % hold_pid)
    sh.must('kill %s; wait' % hold_pid)
    sh.must('ipcstat -t queue | grep -c svctest', r'^0$', status=1)
    sh.must('ipcstat -t memory | grep -c svctest', r'^0$', status=1)
    # Every handle line is well formed.
    out = sh.must("tail -n +2 /proc/ipc | grep -cv '^[0-9]* [^ ]* [0-9]* [a-z]* [0-9a-f]\\{16\\} [a-z,-]* [0-9]* '",
                  r'^0$', status=1)


@test
def services_follow_and_nameserver_restart(ctx):
    """logctl follow prints new records, across a logd restart; kill -9 nameserver: init restarts it on the same endpoint, logd publishes again, clients carry on."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    sh.must('logctl log -s fol -l info follow-old')
    # -n 1: start with the last record so far, so we know when follow is running.
    sh.q.send('logctl follow -n 1 -s fol > /tmp/follow.out 2>&1 &\r')
    wait_in_shell(sh, 'grep -q follow-old /tmp/follow.out', 'follow started')
    sh.must('logctl log -s fol -l info follow-1')
    wait_in_shell(sh, 'grep -q follow-1 /tmp/follow.out', 'follow printed the record')
    kill_and_wait_respawn(sh, 'logd')
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers again')
    sh.must('logctl log -s fol -l info follow-2')
    wait_in_shell(sh, 'grep -q follow-2 /tmp/follow.out', 'follow found the new logd')
    out = sh.must('cat /tmp/follow.out')
    check(out.count('follow-old') == 1 and out.count('follow-1') == 1 and out.count('follow-2') == 1,
          'logctl follow printed:\n%s' % out)
    sh.must('kill %1; wait')

    # The nameserver: same endpoint after the restart (init keeps a receive handle).
    kill_and_wait_respawn(sh, 'nameserver')
    # Its table started empty; logd publishes again within seconds.
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd found again')
    sh.must('logctl log -s after-ns -l info after-ns-restart')
    sh.must('logctl show -s after-ns', r'after-ns-restart$')
    sh.must('/usr/libexec/matrioska-tests/svctest', r'^svctest: \d+ passed, 0 failed$')


@test
def services_logd_rotation(ctx):
    """/var/log/messages becomes messages.0 at 256 KiB; a restarted logd reads both back: no kernel record or sequence number twice."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    # About 2400 kernel records of ~150 bytes in the file, in bursts the 256-record kernel ring holds.
    pad = 'x' * 90
    sh.must('n=0; while [ $n -lt 12 ]; do i=0; while [ $i -lt 200 ]; do echo "<6>rot-$n-$i-%s" > /dev/kmsg; '
            'i=$((i+1)); done; n=$((n+1)); sleep 0.3; done' % pad, status=0)
    wait_in_shell(sh, 'grep -q "rot-11-199-" /var/log/messages', 'the last record written')
    sh.must('[ -f /var/log/messages.0 ] && [ $(stat -c %s /var/log/messages) -lt 262144 ] && '
            '[ $(stat -c %s /var/log/messages.0) -ge 262144 ] && [ $(stat -c %s /var/log/messages.0) -lt 262464 ]')
    kill_and_wait_respawn(sh, 'logd')
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers again')
    sh.must('logctl log -s rot -l info after-rotation-restart')
    sh.must('logctl show -n 2', r'after-rotation-restart$')
    sh.must("cat /var/log/messages.0 /var/log/messages | grep -o 'kernel\\[[0-9]*\\]' | sort | uniq -d | wc -l",
            r'^\s*0$')
    sh.must("cat /var/log/messages.0 /var/log/messages | cut -d' ' -f1 | sort | uniq -d | wc -l", r'^\s*0$')
    sh.must('grep -c "rot-11-199-" /var/log/messages.0 /var/log/messages | awk -F: \'{s+=$2} END {print s}\'', r'^1$')
