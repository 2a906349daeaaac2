# SPDX-License-Identifier: BSD-2-Clause
# AF_UNIX sockets (net/unix/, kernel/linux/socket.c); exec'd into run.py's namespace.


@test
def linux_unix_sockets(ctx):
    """unixsock: AF_UNIX stream/datagram/seqpacket, server and forked client over /tmp, SCM_RIGHTS, poll, errors."""
    run_tap_program(ctx, 'unixsock')


@test
def unix_socket_node(ctx):
    """bind leaves a socket node busybox sees as one: ls -l type 's', test -S, stat; opening it is ENXIO; bind again EADDRINUSE."""
    sh = Shell(ctx)
    t = '/usr/libexec/matrioska-tests/unixsock'
    sh.must(t + ' --bind /tmp/sock1; echo rc=$?', r'rc=0')
    sh.must('ls -l /tmp/sock1', r'^s[rwx-]{9} .*/tmp/sock1')
    sh.must('test -S /tmp/sock1 && echo is-socket', r'is-socket')
    sh.must('stat -c %F /tmp/sock1', r'socket')
    sh.must('cat /tmp/sock1; echo rc=$?', r'(?s)No such device or address.*rc=1')
    sh.must(t + ' --bind /tmp/sock1; echo rc=$?', r'(?s)Address (already )?in use.*rc=1')
    sh.must('rm /tmp/sock1 && ' + t + ' --bind /tmp/sock1 && echo rebound', r'rebound')


@test
def unix_syslog(ctx):
    """busybox syslogd binds /dev/log (a datagram socket) and logger's message arrives through it."""
    sh = Shell(ctx)
    sh.must('syslogd -O /tmp/msgs; echo rc=$?', r'rc=0')
    sh.must('ls -l /dev/log', r'^s[rwx-]{9} ')
    sh.must('logger -t ut hi-af-unix; echo rc=$?', r'rc=0')
    # Wait for syslogd to write the line (a bounded retry, not a timing check).
    sh.must('for i in $(seq 100); do grep -q hi-af-unix /tmp/msgs && break; sleep 0.1; done', r'')
    sh.must('cat /tmp/msgs', r'ut.*hi-af-unix')
    sh.must('killall syslogd; echo rc=$?', r'rc=0')


@test
def unix_socket_chain(ctx):
    """1000 socket pairs each queued on the next, closed from outside, and sockets queued on themselves: freed without recursion, system still up."""
    sh = Shell(ctx)
    out, rc = sh.run('/usr/libexec/matrioska-tests/unixsock --chain 1000', timeout=100)
    check(rc == 0 and 'chain of 1000 pairs and 16 cycles closed' in out, 'chain: exit %d, %r' % (rc, out))
    sh.must('echo still-alive', r'still-alive')


@test
def linux_unix_sockets_smp(ctx):
    """unixsock on -smp 2 (server and client processes on different CPUs), the chain/cycle run and a 4-process stress."""
    sh = Shell(ctx, extra=['-smp', '2'])
    for i in range(3):
        out, rc = sh.run('/usr/libexec/matrioska-tests/unixsock', timeout=100)
        check(rc == 0 and re.search(r'^unixsock: \d+ passed, 0 failed$', out, re.M),
              'unixsock on -smp 2, run %d (exit %d):\n%s' % (i, rc, '\n'.join(
                  l for l in out.splitlines() if l.startswith('not ok'))[-3000:]))
    out, rc = sh.run('/usr/libexec/matrioska-tests/unixsock --chain 300', timeout=100)
    check(rc == 0, 'chain on -smp 2: exit %d, %r' % (rc, out))
    # 4 processes passing pipes, making cycles and connecting to one listener at once.
    out, rc = sh.run('/usr/libexec/matrioska-tests/unixsock --stress 300', timeout=100)
    check(rc == 0 and 'stress: 4 x 300 rounds, 0 failed' in out, 'stress on -smp 2: exit %d, %r' % (rc, out))
    sh.must('echo still-alive', r'still-alive')
