#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmarks for `make bench`. Prints figures; asserts nothing.

boot_wall_ms     host wall time from starting QEMU to the busybox shell's prompt
                 (boot stage 5 is printed when the shell first waits for console
                 input), median of 5 boots (includes QEMU + SeaBIOS start-up)
boot_kernel_ms   the kernel's own time from its first instruction to the stage-5
                 line (TSC), median of the same 5 boots
prompt_mem_kib   memory in use at the prompt: MemTotal - MemAvailable from
                 /proc/meminfo, read by typing into the shell
boot_kernel_ms_icount  the same under -icount shift=0,align=off,sleep=off, where
                 guest time counts instructions (1 ns each): repeatable exactly
image_bytes      size of build/matrioska.bin
kbench ...       in-kernel micro-benchmarks (bench=all) under -icount shift=0:
                 guest instructions per operation, and kernel memory in use
osbench table    ../shared/bench/osbench.c (built into the initramfs by
                 userland/build.mk) run from the shell of Matrioska OS and, through
                 ../shared/bench/linux-peer.sh --icount, on Debian's Linux in the same
                 QEMU, both under -icount shift=0,align=off,sleep=off (guest time
                 counts instructions, so the figures repeat exactly); one table:
                 benchmark, Linux, Matrioska, ratio, target, met/missed

--write-doc regenerates docs/benchmarks.md: the table with the commit it was
measured on, between generated markers; the text around them (the profiles
of missed targets) is kept. --osbench-only skips the boot and kbench figures.
"""
import argparse
import os
import re
import statistics
import subprocess
import time

STAGE5 = re.compile(rb'\[boot\] stage 5/5 \S.*\((\d+)\.(\d) ms\)')
ICOUNT = ['-icount', 'shift=0,align=off,sleep=off']


def tests_cpio(kernel):
    """The test programs' archive (osbench, ipcbench) beside the kernel: a boot module (-initrd).
    The boot and memory figures boot without it, as `qemu-system-x86_64 -kernel` does."""
    return os.path.join(os.path.dirname(os.path.abspath(kernel)), 'tests.cpio')


def qemu_cmd(kernel, extra=()):
    """QEMU booting kernel with its serial console on stdio, plus the extra arguments."""
    return ['qemu-system-x86_64', '-kernel', kernel, '-display', 'none', '-serial', 'stdio',
            '-monitor', 'none', '-no-reboot'] + list(extra)


def shell_command(kernel, extra, command, until, timeout):
    """Boot kernel under QEMU with the extra arguments, type command into the
    shell once it waits for input (boot stage 5), and collect the console
    output until the regex until (multi-line) matches it, the console closes
    or timeout seconds pass. Returns the output (bytes), finished or not."""
    p = subprocess.Popen(qemu_cmd(kernel, extra), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=subprocess.PIPE)
    start = time.monotonic()
    buf = b''
    sent = False
    try:
        while time.monotonic() - start < timeout:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
            if not sent and STAGE5.search(buf):
                p.stdin.write(command + b'\r')
                p.stdin.flush()
                sent = True
            if re.search(until, buf, re.M):
                break
    finally:
        p.kill()
        p.wait()
    return buf


def boot_once(kernel, extra=()):
    start = time.monotonic()
    p = subprocess.Popen(qemu_cmd(kernel, extra), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    buf = b''
    try:
        while time.monotonic() - start < 60:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
            m = STAGE5.search(buf)
            if m:
                wall = (time.monotonic() - start) * 1000
                return wall, int(m.group(1)) + int(m.group(2)) / 10
    finally:
        p.kill()
        p.wait()
    raise SystemExit('bench: kernel did not reach stage 5; output:\n' + buf.decode(errors='replace'))


def prompt_memory(kernel):
    """Boot to the prompt, type `cat /proc/meminfo`, return MemTotal - MemAvailable in KiB."""
    # MemAvailable comes after MemTotal in /proc/meminfo.
    buf = shell_command(kernel, (), b'cat /proc/meminfo', rb'MemAvailable:\s+\d+ kB', 60)
    total = re.search(rb'MemTotal:\s+(\d+) kB', buf)
    avail = re.search(rb'MemAvailable:\s+(\d+) kB', buf)
    if total and avail:
        return int(total.group(1)) - int(avail.group(1))
    raise SystemExit('bench: no /proc/meminfo answer from the shell; output:\n' + buf.decode(errors='replace'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--write-doc', action='store_true', help='regenerate docs/benchmarks.md')
    ap.add_argument('--osbench-only', action='store_true', help='only the osbench table')
    ap.add_argument('--commit', help='the commit BUILD was made from (default: git HEAD, '
                    'with -dirty when the working tree has changes)')
    ap.add_argument('--profile-samples', type=int, default=800,
                    help='samples per profile of a missed target (--write-doc)')
    args = ap.parse_args()
    kernel = os.path.join(args.build, 'matrioska.bin')
    if not args.osbench_only:
        boot_figures(kernel, args.runs)
    table, missed = osbench_table(kernel, args.commit)
    print(table)
    if args.write_doc:
        write_doc(table + profiles(args.build, missed, args.profile_samples))


def boot_figures(kernel, nruns):
    runs = [boot_once(kernel) for _ in range(nruns)]
    walls = [w for w, _ in runs]
    kern = [k for _, k in runs]
    _, icount_ms = boot_once(kernel, ICOUNT)
    print('bench boot_wall_ms %.1f   (to the shell prompt, median of %d; runs: %s; target < 300 ms;'
          ' Linux 6.1: ~7100 ms)' % (statistics.median(walls), len(walls), ' '.join('%.0f' % w for w in walls)))
    print('bench boot_kernel_ms %.1f   (median; kernel entry to last stage line)'
          % statistics.median(kern))
    print('bench boot_kernel_ms_icount %.1f   (instructions, repeatable)' % icount_ms)
    print('bench image_bytes %d' % os.path.getsize(kernel))
    print('bench prompt_mem_kib %d   (MemTotal - MemAvailable at the prompt; target < 4096; Linux: ~30300)'
          % prompt_memory(kernel))
    for name, value, unit in kbench(kernel):
        print('bench %s %s %s' % (name, value, unit))
    for name, value, unit in ipcbench(kernel):
        print('bench %s %s %s' % (name, value, unit))


def ipcbench(kernel, timeout=300):
    """Native IPC from user space (userland/tests/ipcbench: round trip between two
    processes on the fast path - target <= 800 instructions -, 4 KiB copied
    vs granted, queue send+receive): boot under -icount, run it from the
    shell; return [(name, value, unit)]."""
    buf = shell_command(kernel, ['-initrd', tests_cpio(kernel), '-smp', '1'] + ICOUNT,
                        b'/usr/libexec/matrioska-tests/ipcbench', rb'ipcbench: done', timeout)
    found = re.findall(rb'^kbench (\S+) (\d+) (\S+)', buf, re.M)
    if b'ipcbench: done' not in buf or not found:
        raise SystemExit('bench: ipcbench did not finish; output:\n' + buf.decode(errors='replace')[-3000:])
    return [(n.decode(), v.decode(), u.decode()) for n, v, u in found]

def kbench(kernel):
    """Run bench=all under -icount; return [(name, value, unit)]."""
    cmd = ['qemu-system-x86_64', '-kernel', kernel, '-append', 'bench=all', '-display', 'none',
           '-serial', 'stdio', '-monitor', 'none', '-no-reboot', '-device',
           'isa-debug-exit,iobase=0xf4,iosize=0x04'] + ICOUNT
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, timeout=300).stdout
    except subprocess.TimeoutExpired:
        raise SystemExit('bench: in-kernel benchmarks did not finish within 300 s')
    found = re.findall(rb'^kbench (\S+) (\d+) (\S+)', out, re.M)
    if not found:
        raise SystemExit('bench: no kbench output:\n' + out.decode(errors='replace'))
    return [(n.decode(), v.decode(), u.decode()) for n, v, u in found]


HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.join(HERE, '..', '..', 'shared', 'bench')
DOC = os.path.join(HERE, '..', 'docs', 'benchmarks.md')
OSBENCH_LINE = re.compile(r'^osbench (\S+) ([\d.]+) (\S+)', re.M)
# osbench figure, what it measures, target ratio Matrioska/Linux, whether
# lower is better (times) or higher (bandwidths), and the osbench argument
# that runs it alone.
TARGETS = [
    ('syscall_ns', 'syscall (getpid)', 0.5, 'lower', 'syscall'),
    ('pipe_roundtrip_ns', 'pipe round trip', 0.5, 'lower', 'pipe_roundtrip'),
    ('fork_exit_ns', 'fork+exit', 0.5, 'lower', 'fork_exit'),
    ('fork_exec_ns', 'fork+exec', 0.5, 'lower', 'fork_exec'),
    ('yield_pair_ns', 'yield pair', 0.5, 'lower', 'yield'),
    ('page_fault_ns', 'page fault', 0.5, 'lower', 'page_fault'),
    ('file_create_unlink_ns', 'file create+unlink', 0.5, 'lower', 'file_create'),
    ('file_write_mbps', 'file write', 2.0, 'higher', 'file_rw'),
    ('file_read_mbps', 'file read', 2.0, 'higher', 'file_rw'),
    ('pipe_mbps', 'pipe bandwidth', 2.0, 'higher', 'pipe_bandwidth'),
]


def osbench_matrioska(kernel, timeout=900):
    """Boot under -icount, run osbench from the shell; return {name: (value, unit)}."""
    buf = shell_command(kernel, ['-initrd', tests_cpio(kernel), '-m', '512', '-smp', '1'] + ICOUNT,
                        b'/usr/libexec/matrioska-tests/osbench', rb'^osbench (done|error)', timeout)
    text = buf.decode(errors='replace').replace('\r', '')
    if 'osbench done' not in text:
        raise SystemExit('bench: osbench did not finish on Matrioska OS; output:\n' + text[-3000:])
    return {n: (float(v), u) for n, v, u in OSBENCH_LINE.findall(text)}


def osbench_linux():
    """Run the Linux peer under -icount; return {name: (value, unit)}."""
    peer = os.path.join(SHARED_BENCH, 'linux-peer.sh')
    out = subprocess.run(['sh', peer, '--icount'], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=900).stdout.decode(errors='replace')
    if 'osbench done' not in out:
        raise SystemExit('bench: the Linux peer did not finish osbench; output:\n' + out[-3000:])
    return {n: (float(v), u) for n, v, u in OSBENCH_LINE.findall(out)}


def commit_id():
    def git(*a):
        return subprocess.run(['git', '-C', HERE] + list(a), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode().strip()
    rev = git('rev-parse', '--short=12', 'HEAD') or 'unknown'
    return rev + ('-dirty' if git('status', '--porcelain', '--untracked-files=no') else '')


def osbench_table(kernel, commit=None):
    """Both systems' osbench figures as one Markdown table, with the commit measured;
    and the osbench arguments of the missed targets."""
    if not os.path.exists(os.path.join(SHARED_BENCH, 'osbench.c')):
        raise SystemExit('bench: %s/osbench.c is missing' % SHARED_BENCH)
    mat = osbench_matrioska(kernel)
    lin = osbench_linux()
    rows = ['| benchmark | Linux 6.1 | Matrioska | ratio (M/L) | target | |',
            '|---|---:|---:|---:|---|---|']
    missed = []
    for key, label, target, better, arg in TARGETS:
        if key not in mat or key not in lin:
            rows.append('| %s | %s | %s | | | not measured |' % (
                label, '%.1f' % lin[key][0] if key in lin else '-',
                '%.1f' % mat[key][0] if key in mat else '-'))
            continue
        unit = lin[key][1]
        ratio = mat[key][0] / lin[key][0] if lin[key][0] else float('inf')
        met = ratio <= target if better == 'lower' else ratio >= target
        if not met and arg not in missed:
            missed.append(arg)
        rows.append('| %s | %.1f %s | %.1f %s | %.2f | %s %s | %s |' % (
            label, lin[key][0], unit, mat[key][0], unit, ratio,
            '<=' if better == 'lower' else '>=', target, 'met' if met else 'missed'))
    head = ('osbench (../shared/bench/osbench.c), both kernels in QEMU/TCG with -icount '
            'shift=0,align=off,sleep=off, -m 512, one CPU; Matrioska OS at commit %s'
            % (commit or commit_id()))
    return head + '\n\n' + '\n'.join(rows) + '\n', missed


def profiles(build, missed, samples):
    """scripts/profile.py's output for each missed target, as Markdown."""
    out = []
    for arg in missed:
        r = subprocess.run(['python3', os.path.join(HERE, 'profile.py'), '--build', build,
                            '--samples', str(samples), '--top', '15',
                            '/usr/libexec/matrioska-tests/osbench', arg],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
        out.append('\nProfile of `osbench %s` (scripts/profile.py, share of samples):\n\n```\n%s```\n'
                   % (arg, r.stdout.decode(errors='replace')))
    return ''.join(out)


BEGIN, END = '<!-- osbench table: generated by scripts/bench.py --write-doc -->', '<!-- end of generated table -->'


def write_doc(table):
    """Put the table between the markers of docs/benchmarks.md; keep the rest."""
    if os.path.exists(DOC):
        with open(DOC) as f:
            text = f.read()
    else:
        text = '# Benchmarks\n\n%s\n%s\n' % (BEGIN, END)
    if BEGIN not in text or END not in text:
        raise SystemExit('bench: %s lacks the generated-table markers' % DOC)
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    with open(DOC, 'w') as f:
        f.write(before + BEGIN + '\n' + table + END + after)
    print('bench: wrote %s' % DOC)


if __name__ == '__main__':
    main()
