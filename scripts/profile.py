#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A sampling profile of the guest: where Matrioska OS spends its instructions.

profile.py --build DIR [--samples N] COMMAND...
Boots DIR/matrioska.bin under -icount shift=0,align=off,sleep=off (guest time
counts instructions), types COMMAND into the shell in a loop, and samples the
guest's instruction pointer through the QEMU monitor ("info registers") while
it runs. Kernel addresses are named from DIR/matrioska.elf (nm); user-space
ones count as "[user]", the idle loop as what its symbol says. Prints the top
functions by share of samples. Used for docs/benchmarks.md's profiles:
    scripts/profile.py --build build/bench /usr/libexec/matrioska-tests/osbench fork_exit
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import tempfile
import time

ICOUNT = ['-icount', 'shift=0,align=off,sleep=off']
STAGE5 = re.compile(rb'\[boot\] stage 5/5 ')


def symbols(elf):
    out = subprocess.run(['nm', '-n', '--defined-only', elf], stdout=subprocess.PIPE).stdout.decode()
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'tTwW':
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def name_of(rip, addrs, names):
    if rip < 0x800000000000:
        return '[user]'
    i = bisect.bisect_right(addrs, rip) - 1
    return names[i] if i >= 0 else hex(rip)


def hmp(sock, cmd):
    sock.sendall(cmd.encode() + b'\n')
    buf = b''
    while not buf.rstrip().endswith(b'(qemu)'):
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors='replace')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--samples', type=int, default=3000)
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('command', nargs='+')
    args = ap.parse_args()
    kernel = os.path.join(args.build, 'matrioska.bin')
    addrs, names = symbols(os.path.join(args.build, 'matrioska.elf'))
    tmp = tempfile.mkdtemp()
    mon = os.path.join(tmp, 'mon')
    tests = os.path.join(args.build, 'tests.cpio')  # the test programs (osbench) are a boot module
    qemu = subprocess.Popen(['qemu-system-x86_64', '-kernel', kernel, '-initrd', tests, '-display', 'none',
                             '-serial', 'stdio', '-monitor', 'unix:%s,server,nowait' % mon,
                             '-no-reboot', '-m', '512', '-smp', '1'] + ICOUNT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        buf = b''
        while not STAGE5.search(buf):
            chunk = qemu.stdout.read1(4096)
            if not chunk:
                raise SystemExit('profile: QEMU ended before the shell')
            buf += chunk
        cmd = ' '.join(args.command)
        qemu.stdin.write(('while true; do %s > /dev/null; done\r' % cmd).encode())
        qemu.stdin.flush()
        time.sleep(2)
        s = socket.socket(socket.AF_UNIX)
        s.connect(mon)
        hmp(s, '')
        counts = collections.Counter()
        for _ in range(args.samples):
            m = re.search(r'RIP=([0-9a-f]+)', hmp(s, 'info registers'))
            if m:
                counts[name_of(int(m.group(1), 16), addrs, names)] += 1
            time.sleep(0.003)
        total = sum(counts.values())
        print('profile of `%s`: %d samples' % (cmd, total))
        for name, n in counts.most_common(args.top):
            print('%5.1f%%  %s' % (100.0 * n / total, name))
    finally:
        qemu.kill()
        qemu.wait()


if __name__ == '__main__':
    main()
