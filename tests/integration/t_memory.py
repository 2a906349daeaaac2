# SPDX-License-Identifier: BSD-2-Clause
# Memory tests (issue 6, "Memory"): shared and fixed mappings, mremap,
# madvise, msync, mincore (userland/tests/mmapx.c) and the OOM policy
# (userland/tests/oomtest.c). Exec'd into run.py's namespace.


@test
def linux_mmap_shared(ctx):
    """mmapx: MAP_SHARED files and anonymous memory, SIGBUS past EOF, truncate, msync, MAP_FIXED(_NOREPLACE),
    hints, mremap, madvise(MADV_DONTNEED), mincore and Linux's argument checks."""
    run_tap_program(ctx, 'mmapx')


OOM_LINE = r'oom: out of memory: killed process (\d+) \((%s)\), rss (\d+) KiB'
OOM_MEM = ['-m', '64']


def oom_meminfo_used_kib(sh):
    out = sh.must('cat /proc/meminfo')
    total = re.search(r'^MemTotal:\s+(\d+) kB$', out, re.M)
    free = re.search(r'^MemFree:\s+(\d+) kB$', out, re.M)
    check(total and free, 'meminfo: %r' % out)
    return int(total.group(1)) - int(free.group(1)), int(total.group(1))


@test
def oom_kills_largest(ctx):
    """With -m 64, a process touching memory until none is left is killed by the OOM policy (one log line
    naming it, status 137), its memory comes back, and the shell still works."""
    sh = Shell(ctx, extra=OOM_MEM)
    before, total = oom_meminfo_used_kib(sh)
    out, rc = sh.run('/usr/libexec/matrioska-tests/oomtest', timeout=100)
    check(rc == 137, 'oomtest exited with %d, expected 137 (SIGKILL); output:\n%s' % (rc, out[-2000:]))
    m = re.search(OOM_LINE % 'oomtest', sh.q.text())
    check(m, 'no "oom: ... killed process PID (oomtest)" line on the console')
    check(int(m.group(3)) > total // 2, 'the victim had only %s KiB of %d' % (m.group(3), total))
    check(len(re.findall(OOM_LINE % r'[^)]*', sh.q.text())) == 1, 'more than one OOM kill')
    sh.must('echo alive', r'^alive$')
    sh.must('free', r'Mem:')
    after, _ = oom_meminfo_used_kib(sh)
    check(after - before < 4096, 'used memory %d KiB before, %d KiB after the kill' % (before, after))


@test
def oom_kills_child_not_parent(ctx):
    """The largest offender is killed, not the process that asked: a forked child eating memory dies with
    SIGKILL and its parent reports it; then the same through brk."""
    sh = Shell(ctx, extra=OOM_MEM)
    sh.must('/usr/libexec/matrioska-tests/oomtest fork', r'^oomtest: child killed by SIGKILL$')
    check(re.search(OOM_LINE % 'oomtest', sh.q.text()), 'no oom line for the child')
    out, rc = sh.run('/usr/libexec/matrioska-tests/oomtest brk', timeout=100)
    check(rc == 137, 'oomtest brk exited with %d; output:\n%s' % (rc, out[-2000:]))
    sh.must('echo alive', r'^alive$')


@test
def oom_from_kernel_copies(ctx):
    """Memory that runs out inside a kernel copy (read() from /dev/zero into untouched memory) runs the same
    policy: the reader is killed with SIGKILL and named in the log; the shell still works."""
    sh = Shell(ctx, extra=OOM_MEM)
    out, rc = sh.run('/usr/libexec/matrioska-tests/oomtest read', timeout=100)
    check(rc == 137, 'oomtest read exited with %d; output:\n%s' % (rc, out[-2000:]))
    check(re.search(OOM_LINE % 'oomtest', sh.q.text()), 'no oom line for the reader')
    sh.must('echo alive', r'^alive$')


@test
def oom_kills_largest_not_faulting(ctx):
    """The process whose fault finds no memory is not necessarily the one killed: a child holding 60% of RAM
    is killed when its parent takes 60% too, and the parent's fault waits for the memory and goes on."""
    sh = Shell(ctx, extra=OOM_MEM)
    sh.must('/usr/libexec/matrioska-tests/oomtest victim', r'^oomtest: the larger child was killed')
    check(len(re.findall(OOM_LINE % 'oomtest', sh.q.text())) == 1, 'not exactly one OOM kill')
    sh.must('echo alive', r'^alive$')


@test
def linux_mmap_shared_smp4(ctx):
    """mmapx on four CPUs: shared pages, truncation and TLB shootdowns across CPUs."""
    sh = Shell(ctx, extra=['-smp', '4'])
    out, rc = sh.run('/usr/libexec/matrioska-tests/mmapx', timeout=120)
    m = re.search(r'^mmapx: (\d+) passed, (\d+) failed$', out, re.M)
    check(m and m.group(2) == '0' and rc == 0, 'mmapx on -smp 4:\n%s' % out[-3000:])


def meminfo_kib(sh, field):
    m = re.search(r'^%s:\s+(\d+) kB$' % field, sh.must('cat /proc/meminfo'), re.M)
    check(m, 'no %s in /proc/meminfo' % field)
    return int(m.group(1))


@test
def meminfo_counts_shmem(ctx):
    """/proc/meminfo's Shmem and Cached count tmpfs data (files and shared memory): 4 MiB written to /tmp
    show up there and go away with rm."""
    sh = Shell(ctx)
    before = meminfo_kib(sh, 'Shmem')
    sh.must('dd if=/dev/zero of=/tmp/shm.bin bs=4096 count=1024 2>/dev/null')
    grown = meminfo_kib(sh, 'Shmem')
    check(grown - before >= 4096, 'Shmem %d kB, then %d kB after writing 4 MiB' % (before, grown))
    check(meminfo_kib(sh, 'Cached') >= grown, 'Cached is below Shmem')
    sh.must('rm /tmp/shm.bin')
    after = meminfo_kib(sh, 'Shmem')
    check(grown - after >= 4096, 'Shmem %d kB after rm (was %d kB)' % (after, grown))
