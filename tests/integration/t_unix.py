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
