# SPDX-License-Identifier: BSD-2-Clause
# tmpfs limits (exec'd into run.py's namespace: see run.py).


@test
def tmpfs_full_is_enospc(ctx):
    """A tmpfs holds at most half of RAM, as statfs says: filling /tmp ends in ENOSPC, not in the OOM
    killer; removing the file gives the memory back and the shell lives on."""
    sh = Shell(ctx)
    out = sh.must('stat -f -c "%b %S" /tmp')
    blocks, bsize = (int(x) for x in out.split())
    limit = blocks * bsize
    check(48 << 20 <= limit <= 64 << 20, 'statfs says %d bytes for /tmp with -m 128' % limit)
    out = sh.must('dd if=/dev/zero of=/tmp/fill bs=1M count=200 2>&1', status=1)
    check('No space left on device' in out, 'dd did not hit ENOSPC: %r' % out)
    size = int(sh.must('wc -c < /tmp/fill').strip())
    check(limit - (8 << 20) <= size <= limit, 'wrote %d bytes, the limit is %d' % (size, limit))
    check('oom:' not in sh.q.text(), 'the OOM killer ran')
    sh.must('rm /tmp/fill && dd if=/dev/zero of=/tmp/again bs=1M count=8 2>/dev/null && wc -c < /tmp/again',
            r'^\s*8388608$')
    sh.must('echo alive', r'^alive$')
