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


def prompt_memory(kernel):
    """Boot to the prompt, type `cat /proc/meminfo`, return MemTotal - MemAvailable in KiB."""
    cmd = ['qemu-system-x86_64', '-kernel', kernel, '-display', 'none', '-serial', 'stdio',
           '-monitor', 'none', '-no-reboot']
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.PIPE)
    start = time.monotonic()
    buf = b''
    sent = False
    try:
        while time.monotonic() - start < 60:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
            if not sent and STAGE5.search(buf):
                p.stdin.write(b'cat /proc/meminfo\r')
                p.stdin.flush()
                sent = True
            total = re.search(rb'MemTotal:\s+(\d+) kB', buf)
            avail = re.search(rb'MemAvailable:\s+(\d+) kB', buf)
            if total and avail:
                return int(total.group(1)) - int(avail.group(1))
    finally:
        p.kill()
        p.wait()
    raise SystemExit('bench: no /proc/meminfo answer from the shell; output:\n' + buf.decode(errors='replace'))


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
    cmd = ['qemu-system-x86_64', '-kernel', kernel, '-display', 'none', '-serial', 'stdio',
           '-monitor', 'none', '-no-reboot', '-smp', '1'] + ICOUNT
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.PIPE)
    start = time.monotonic()
    buf = b''
    sent = False
    try:
        while time.monotonic() - start < timeout and b'ipcbench: done' not in buf:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
            if not sent and STAGE5.search(buf):
                p.stdin.write(b'/usr/libexec/matrioska-tests/ipcbench\r')
                p.stdin.flush()
                sent = True
    finally:
        p.kill()
        p.wait()
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


if __name__ == '__main__':
    main()
