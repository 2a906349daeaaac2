# SPDX-License-Identifier: BSD-2-Clause
# The first user-space services (userland/services, docs/design/services.md):
# nameserver, logd and logctl, ipcstat, over the generated RPC code.
# Exec'd into run.py's namespace.


def wait_in_shell(sh, cond, what, tries=100):
    """Run the shell condition cond every 0.1 s (in the guest) until it holds; check it did."""
    sh.must('i=0; until %s; do i=$((i+1)); [ $i -ge %d ] && break; sleep 0.1; done; %s'
            % (cond, tries, cond), status=0)


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
    # Bad requests are refused, not crashes.
    sh.must('logctl log -s kernel -l info forged', status=1)
    sh.must('logctl show -l nonsense', status=1)


@test
def services_logd_restart(ctx):
    """kill -9 logd: init restarts it, kernel records logged meanwhile reach it exactly once, none lost."""
    sh = Shell(ctx)
    wait_in_shell(sh, 'logctl show -n 1 > /dev/null 2>&1', 'logd answers')
    sh.must('logctl log -s before -l info before-restart')
    old = sh.must('pidof logd', r'^\d+$').strip()
    sh.must('kill -9 %s' % old)
    for i in range(1, 6):
        sh.must('echo "<6>svc-while-down-%d" > /dev/kmsg' % i)
    wait_in_shell(sh, 'p=$(pidof logd) && [ -n "$p" ] && [ "$p" != %s ]' % old, 'logd restarted')
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
