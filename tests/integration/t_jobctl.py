# SPDX-License-Identifier: BSD-2-Clause
# Job control over the serial console (busybox sh, drivers/tty, stop/continue
# in kernel/core/signal.c): exec'd into run.py's namespace. Keystrokes are
# typed as a person would; no timing is asserted (sleeps only let the shell
# start a job before a control character is typed).


@test
def jobctl_background_fg_ctrl_c(ctx):
    """`sleep 100 &` is listed by jobs as Running; fg brings it back and ^C ends it (status 130)."""
    sh = Shell(ctx)
    sh.must('sleep 100 & true')
    sh.must('jobs', r'^\[1\]\+\s+Running\s+sleep 100')
    sh.q.send('fg\r')
    sh.q.expect(r'^sleep 100$', timeout=30)  # fg names the job it continues
    time.sleep(1.0)  # let the shell hand the terminal to the job (nothing timed is checked)
    sh.q.send('\x03')
    sh.q.expect(r'\^C', timeout=30)
    sh.must('echo last=$?', r'^last=130$')
    sh.must('jobs', None)
    out, _ = sh.run('jobs')
    check('sleep' not in out, 'the job is still listed after ^C:\n' + out)


@test
def jobctl_ctrl_z_bg_kill(ctx):
    """^Z stops a foreground sleep (Stopped), bg resumes it in the background (Running), kill %1 ends it."""
    sh = Shell(ctx)
    sh.q.send('sleep 100\r')
    sh.q.expect(r'sleep 100$', timeout=30)
    time.sleep(1.0)  # let the shell fork and exec sleep (no timing is asserted)
    sh.q.send('\x1a')
    sh.q.expect(r'\[1\]\+\s+Stopped\s+sleep 100', timeout=30)
    sh.q.expect(PROMPT, timeout=30)
    sh.must('jobs', r'^\[1\]\+\s+Stopped\s+sleep 100')
    sh.q.send('bg\r')
    sh.q.expect(r'^\[1\] sleep 100$', timeout=30)
    sh.q.expect(PROMPT, timeout=30)
    sh.must('jobs', r'^\[1\]\+\s+Running\s+sleep 100')
    sh.must('kill %1')
    out, _ = sh.run('wait; jobs')
    check('Running' not in out, 'the job still runs after kill %1:\n' + out)
    sh.must('echo alive', r'^alive$')


@test
def jobctl_background_read_stops(ctx):
    """A background job reading the terminal gets SIGTTIN and stops; fg gives it the line."""
    sh = Shell(ctx)
    sh.must('(read x; echo got=$x) & true')
    for _ in range(30):  # wait for the job to reach its read (an event, not a time)
        out, _ = sh.run('jobs')
        if 'Stopped' in out:
            break
        time.sleep(1.0)
    check(re.search(r'^\[1\]\+\s+Stopped \(tty input\)', out, re.M), 'jobs printed:\n' + out)
    sh.q.send('fg\r')
    time.sleep(1.0)
    sh.q.send('hello\r')
    sh.q.expect(r'^got=hello$', timeout=30)
    sh.q.expect(PROMPT, timeout=30)
    sh.must('echo alive', r'^alive$')


@test
def jobctl_vi_edits_a_file(ctx):
    """vi over the console: insert text, :wq, and the file holds it."""
    sh = Shell(ctx)
    sh.q.send('vi /tmp/vi.txt\r')
    sh.q.expect(r'/tmp/vi.txt', timeout=30)
    time.sleep(1.0)  # vi draws its screen in raw mode first
    for keys in ['i', 'hello from vi', '\r', 'second line', '\x1b', ':wq', '\r']:
        sh.q.send(keys)
        time.sleep(0.3)
    sh.q.expect(PROMPT, timeout=30)
    sh.must('cat /tmp/vi.txt', r'^hello from vi\nsecond line$')
    sh.must('stty -a | head -1', None)
    sh.must('echo alive', r'^alive$')
