#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmarks for `make bench`. Prints figures; asserts nothing.

boot_wall_ms     host wall time from starting QEMU to the kernel's last boot
                 stage line, median of 5 boots (includes QEMU + SeaBIOS start-up)
boot_kernel_ms   the kernel's own time from its first instruction to the last
                 stage line (TSC), median of the same 5 boots
boot_kernel_ms_icount  the same under -icount shift=0,align=off,sleep=off, where
                 guest time counts instructions (1 ns each): repeatable exactly
image_bytes      size of build/matrioska.bin
kbench ...       in-kernel micro-benchmarks (bench=all) under -icount shift=0:
                 guest instructions per operation, and kernel memory in use
"""
import argparse
import os
import re
import statistics
import subprocess
import time

STAGE5 = re.compile(rb'\[boot\] stage 5/5 \S.*\((\d+)\.(\d) ms\)')
ICOUNT = ['-icount', 'shift=0,align=off,sleep=off']


def boot_once(kernel, extra=()):
    cmd = ['qemu-system-x86_64', '-kernel', kernel, '-display', 'none', '-serial', 'stdio',
           '-monitor', 'none', '-no-reboot'] + list(extra)
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--runs', type=int, default=5)
    args = ap.parse_args()
    kernel = os.path.join(args.build, 'matrioska.bin')
    runs = [boot_once(kernel) for _ in range(args.runs)]
    walls = [w for w, _ in runs]
    kern = [k for _, k in runs]
    _, icount_ms = boot_once(kernel, ICOUNT)
    print('bench boot_wall_ms %.1f   (median of %d; runs: %s; target < 150 ms of kernel time)'
          % (statistics.median(walls), len(walls), ' '.join('%.0f' % w for w in walls)))
    print('bench boot_kernel_ms %.1f   (median; kernel entry to last stage line)'
          % statistics.median(kern))
    print('bench boot_kernel_ms_icount %.1f   (instructions, repeatable)' % icount_ms)
    print('bench image_bytes %d' % os.path.getsize(kernel))
    for name, value, unit in kbench(kernel):
        print('bench %s %s %s' % (name, value, unit))


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


if __name__ == '__main__':
    main()
