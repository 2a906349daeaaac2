#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""QEMU integration tests for Matrioska OS.

Each test boots the kernel in QEMU (TCG) with a hard timeout, reads the serial
console as a person at a terminal would, and checks what it says. The ktest
tests also run the in-kernel TAP suites and count each in-kernel test.

Usage: run.py --build DIR [--list] [TEST...]
Output: TAP-style lines, a transcript of every QEMU run in DIR/logs/, and
summary lines "# summary layer=ktest|integration passed=N failed=M".
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

QEMU = 'qemu-system-x86_64'
DEBUG_EXIT = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
EXIT_PASS, EXIT_FAIL, EXIT_PANIC = 33, 35, 37
HARD_TIMEOUT = 120  # seconds; no QEMU run lives longer than this
STAGE_RE = (r'\[boot\] stage (\d)/5 ([a-z ]+) \.\.\. (ok|not yet|FAILED) '
            r'\((\d+)\.(\d) ms\)')


class Failure(Exception):
    pass


class Skip(Exception):
    """The test cannot run with this build; the reason is printed as a TAP SKIP."""


class Qemu:
    """One QEMU process with its serial console on a pipe."""

    def __init__(self, args, log_path, timeout=HARD_TIMEOUT):
        self.cmd = [QEMU] + args
        self.log_path = log_path
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.pos = 0
        self.deadline = time.monotonic() + timeout
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.killer = threading.Timer(timeout, self._kill)
        self.killer.daemon = True
        self.killer.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            if not data:
                return
            with self.lock:
                self.buf += data

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()

    def text(self):
        with self.lock:
            return self.buf.decode('utf-8', 'replace').replace('\r', '')

    def expect(self, pattern, timeout=60):
        """Wait for pattern (a regex) after the previous match; return the match."""
        regex = re.compile(pattern, re.M)
        end = min(self.deadline, time.monotonic() + timeout)
        while True:
            m = regex.search(self.text(), self.pos)
            if m:
                self.pos = m.end()
                return m
            if self.proc.poll() is not None:
                self.reader.join(2)
                m = regex.search(self.text(), self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise Failure('QEMU exited (status %d) before /%s/ appeared'
                              % (self.proc.returncode, pattern))
            if time.monotonic() > end:
                raise Failure('no /%s/ within %d s' % (pattern, timeout))
            time.sleep(0.02)

    def wait_exit(self, timeout=60):
        try:
            rc = self.proc.wait(timeout=max(0.1, min(timeout, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            raise Failure('QEMU still running after %d s' % timeout)
        self.reader.join(2)
        return rc

    def still_running(self, seconds):
        """True if QEMU is still running `seconds` later (it halted rather than reset)."""
        try:
            self.proc.wait(timeout=seconds)
            return False
        except subprocess.TimeoutExpired:
            return True

    def send(self, s):
        self.proc.stdin.write(s.encode())
        self.proc.stdin.flush()

    def close(self):
        self.killer.cancel()
        self._kill()
        self.proc.wait()
        self.reader.join(2)
        with open(self.log_path, 'w') as f:
            f.write('$ ' + ' '.join(self.cmd) + '\n' + self.text())


class Context:
    def __init__(self, build):
        self.build = build
        self.bin = os.path.join(build, 'matrioska.bin')
        self.iso = os.path.join(build, 'matrioska.iso')
        self.fakeloader = os.path.join(build, 'fakeloader.elf')
        # The test programs (/usr/libexec/matrioska-tests) are a boot module of their own.
        self.tests_cpio = os.path.join(build, 'tests.cpio')
        self.logdir = os.path.join(build, 'logs')
        os.makedirs(self.logdir, exist_ok=True)
        self.runs = []
        self.subresults = []  # (name, ok) from in-kernel TAP
        self.current = None

    def with_tests(self, args):
        """Booting our kernel: load the test programs' archive first, before any -initrd of the test's."""
        args = list(args)
        if '-kernel' not in args or args[args.index('-kernel') + 1] != self.bin \
                or not os.path.exists(self.tests_cpio):
            return args
        if '-initrd' in args:
            i = args.index('-initrd') + 1
            args[i] = self.tests_cpio + ',' + args[i]
        else:
            args += ['-initrd', self.tests_cpio]
        return args

    def qemu(self, args, timeout=HARD_TIMEOUT):
        args = self.with_tests(args)
        log = os.path.join(self.logdir, '%s-%d.log' % (self.current, len(self.runs)))
        q = Qemu(args, log, timeout)
        self.runs.append(q)
        return q

    def kernel(self, append=None, extra=(), debug_exit=False):
        args = ['-kernel', self.bin]
        if append is not None:
            args += ['-append', append]
        if debug_exit:
            args += DEBUG_EXIT
        return self.qemu(args + ['-nographic', '-no-reboot'] + list(extra))


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def expect_shell_answers(q):
    """The console shell is alive: it evaluates a typed command."""
    q.send('echo shell-$((6*7))\r')
    q.expect(r'^shell-42$', timeout=30)


def check_stages(q):
    """Stages 1-5 appear once each, in order, with non-decreasing times, each 'ok'."""
    # the whole stage-5 line, not just its start: the rest may still be in flight
    q.expect(STAGE_RE.replace(r'(\d)/5', r'(5)/5'))
    stages = re.findall(STAGE_RE, q.text())
    check(len(stages) == 5, 'expected 5 stage lines, found %d' % len(stages))
    last = 0.0
    for n, (num, name, result, ms, tenth) in enumerate(stages, 1):
        t = int(ms) + int(tenth) / 10
        check(int(num) == n, 'stage %s printed where stage %d was expected' % (num, n))
        want = 'ok'
        check(result == want, 'stage %d (%s) says %r, expected %r' % (n, name, result, want))
        check(t >= last, 'stage %d time %.1f ms is before stage %d' % (n, t, n - 1))
        last = t
    return last


def parse_tap(ctx, text, prefix):
    """Record every ok/not ok line of a TAP run; return (plan, results)."""
    plan = re.search(r'^1\.\.(\d+)$', text, re.M)
    results = re.findall(r'^(ok|not ok) (\d+) - (\S+)', text, re.M)
    for status, _, name in results:
        ctx.subresults.append(('%s%s' % (prefix, name), status == 'ok'))
    return (int(plan.group(1)) if plan else -1), results


def run_ktests(ctx, spec, prefix, extra=(), must_say=None, timeout=110):
    """Boot with ktest=spec, check the TAP run is complete and all ok; count each test."""
    q = ctx.kernel(spec, debug_exit=True, extra=list(extra))
    rc = q.wait_exit(timeout)
    text = q.text()
    check('TAP version 13' in text, 'no TAP header')
    if must_say:
        check(must_say in text, 'the kernel never said %r' % must_say)
    plan, results = parse_tap(ctx, text, prefix)
    check(plan > 0 and plan == len(results),
          'plan 1..%d but %d results' % (plan, len(results)))
    bad = [n for s, _, n in results if s != 'ok']
    check(not bad, 'failing ktests: %s' % ', '.join(bad))
    check(rc == EXIT_PASS, 'QEMU exit status %d, expected %d' % (rc, EXIT_PASS))


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def boot_qemu_kernel(ctx):
    """The README's command line boots through every stage (Multiboot 1)."""
    q = ctx.qemu(['-kernel', ctx.bin, '-nographic'])
    m = q.expect(r"loader '([^']*)', command line '([^']*)'")
    check(m.group(1).lower().startswith('qemu'), 'loader name %r' % m.group(1))
    m = q.expect(r'Multiboot 1: (\d+) MiB usable RAM')
    check(100 <= int(m.group(1)) <= 128, 'usable RAM %s MiB with -m 128' % m.group(1))
    q.expect(r'cpu: .*features:')
    q.expect(r'paging: kernel W\^X')
    check_stages(q)
    expect_shell_answers(q)


@test
def boot_grub_iso(ctx):
    """GRUB boots the same kernel from the ISO through Multiboot 2."""
    q = ctx.qemu(['-cdrom', ctx.iso, '-nographic', '-no-reboot'])
    m = q.expect(r"loader '([^']*)'", timeout=90)
    check('GRUB' in m.group(1), 'loader name %r' % m.group(1))
    m = q.expect(r'Multiboot 2: (\d+) MiB usable RAM')
    check(100 <= int(m.group(1)) <= 128, 'usable RAM %s MiB with -m 128' % m.group(1))
    check_stages(q)
    expect_shell_answers(q)


@test
def ktest_all(ctx):
    """ktest=all runs every in-kernel test, prints TAP 13 and exits with the pass code."""
    run_ktests(ctx, 'ktest=all', 'ktest.', timeout=90)

@test
def ktest_all_cpu_max(ctx):
    """The ktests again on -cpu max: SMEP, SMAP (uaccess opens it), 1 GiB pages, XSAVE."""
    run_ktests(ctx, 'ktest=all', 'ktest-cpu-max.', ['-cpu', 'max'], must_say='SMAP on')

@test
def ktest_group_selection(ctx):
    """ktest=GROUP runs only that group; an unknown group is a failure, not a pass."""
    q = ctx.kernel('ktest=lib', debug_exit=True)
    rc = q.wait_exit(60)
    names = re.findall(r'^ok \d+ - (\S+)', q.text(), re.M)
    check(names and all(n.startswith('lib.') for n in names), 'ran %r' % names)
    check(rc == EXIT_PASS, 'exit status %d' % rc)
    q = ctx.kernel('ktest=nosuchgroup', debug_exit=True)
    rc = q.wait_exit(60)
    check('# no test matches' in q.text(), 'no complaint about an empty selection')
    check(rc == EXIT_FAIL, 'exit status %d, expected %d' % (rc, EXIT_FAIL))


@test
def panic_backtrace(ctx):
    """panic() prints the message, registers and a symbolized backtrace."""
    q = ctx.kernel('ktest=core.panic_backtrace', debug_exit=True)
    q.expect(r'\*\*\* KERNEL PANIC: deliberate panic from ktest \(depth 3\)')
    q.expect(r'RSP [0-9a-f]{16}')
    q.expect(r'CR0 [0-9a-f]{16}')
    q.expect(r'backtrace:')
    for fn in ('panic_chain', 'panic_chain', 'panic_chain', 'ktest_core_panic_backtrace',
               'ktest_(run|boot)', 'kmain'):
        q.expect(r'\[<ffffffff8[0-9a-f]{7}>\] %s\+0x[0-9a-f]+' % fn)
    q.expect(r'system halted')
    rc = q.wait_exit(30)
    check(rc == EXIT_PANIC, 'exit status %d, expected %d' % (rc, EXIT_PANIC))


@test
def kernel_page_fault_report(ctx):
    """An unexpected kernel page fault names the exception, decodes it, shows CR2 and RIP."""
    q = ctx.kernel('ktest=traps.fatal_page_fault', debug_exit=True)
    q.expect(r'KERNEL FAULT: page fault \(#PF\), vector 14, in kernel mode')
    q.expect(r'page not present, write, kernel mode')
    q.expect(r'faulting address \(CR2\) 00000000dead0000')
    q.expect(r'at ktest_traps_fatal_page_fault\+0x[0-9a-f]+')
    q.expect(r'RAX [0-9a-f]{16}  RBX')
    q.expect(r'\] ktest_(run|boot)\+0x')
    q.expect(r'system halted')
    rc = q.wait_exit(30)
    check(rc == EXIT_PANIC, 'exit status %d' % rc)


@test
def stack_overflow_double_fault(ctx):
    """Overflowing the boot stack hits its guard page; the double fault is reported on its IST stack."""
    q = ctx.kernel('ktest=traps.stack_overflow', debug_exit=True)
    q.expect(r'KERNEL FAULT: double fault \(#DF\), vector 8, in kernel mode')
    q.expect(r'kernel stack overflow: the boot stack ran into its guard page')
    q.expect(r'backtrace:')
    for _ in range(3):  # the faulting frame and the recursion under it
        q.expect(r'\[<ffffffff8[0-9a-f]{7}>\] overflow_recurse\+0x')
    q.expect(r'system halted')
    rc = q.wait_exit(30)
    check(rc == EXIT_PANIC, 'exit status %d' % rc)


@test
def thread_stack_overflow_names_owner(ctx):
    """Overflowing a kernel thread stack hits its guard; the report names the stack's owner."""
    q = ctx.kernel('ktest=traps.kstack_overflow', debug_exit=True)
    q.expect(r'KERNEL FAULT: double fault \(#DF\), vector 8, in kernel mode')
    q.expect(r'kernel stack overflow: the kernel stack of overflow-test ran into its guard page '
             r'at ffffc[0-9a-f]{11}')
    q.expect(r'\[<ffffffff8[0-9a-f]{7}>\] overflow_recurse\+0x')
    q.expect(r'system halted')
    rc = q.wait_exit(30)
    check(rc == EXIT_PANIC, 'exit status %d' % rc)


@test
def cmdline_warnings(ctx):
    """Unknown and malformed parameters are warned about and ignored; boot goes on."""
    q = ctx.kernel('bogus=1 =x loglevel=abc quiet=1 ktest')
    q.expect(r"cmdline: unknown parameter 'bogus'")
    q.expect(r"cmdline: .*'=x'")
    q.expect(r"cmdline: .*'loglevel'.*'abc'")
    q.expect(r"cmdline: .*'quiet'")
    q.expect(r"cmdline: .*'ktest'")
    check_stages(q)


@test
def quiet_hides_info(ctx):
    """'quiet' keeps informational lines (the stage lines) off the console."""
    q = ctx.kernel('quiet ktest=lib', debug_exit=True)
    rc = q.wait_exit(60)
    text = q.text()
    check('TAP version 13' in text, 'kernel did not get to the ktests')
    check('[boot] stage' not in text, 'stage lines printed despite quiet')
    check(rc == EXIT_PASS, 'exit status %d' % rc)


@test
def loglevel_debug_shows_memory_map(ctx):
    """loglevel=7 prints the normalized memory map, kernel image carved out of usable RAM."""
    q = ctx.kernel('loglevel=7')
    q.expect(r'\[boot\]   0000000000000000-[0-9a-f]{16} usable')
    q.expect(r'\[boot\]   0000000000100000-[0-9a-f]{16} kernel')
    check_stages(q)


@test
def not_multiboot_halts(ctx):
    """Started by a loader that is not Multiboot: a clear message, then a halt (no reset)."""
    q = ctx.qemu(['-kernel', ctx.fakeloader, '-initrd', ctx.bin, '-nographic', '-no-reboot'])
    q.expect(r'not started by a Multiboot loader \(EAX=0xdeadbeef')
    q.expect(r'Halting')
    check(q.still_running(1.0), 'QEMU exited (reset or triple fault) instead of halting')


@test
def malformed_boot_info_halts(ctx):
    """Multiboot magic with a malformed information block: reported, halted."""
    q = ctx.qemu(['-kernel', ctx.fakeloader, '-initrd', ctx.bin + ' badinfo',
                  '-nographic', '-no-reboot'])
    q.expect(r'stage 1/5 bootloader handoff \.\.\. FAILED')
    q.expect(r'information structure is malformed')
    q.expect(r'halting')
    check(q.still_running(1.0), 'QEMU exited instead of halting')


@test
def too_little_memory_halts(ctx):
    """-m 16: the kernel says how much memory it found and needs, then halts."""
    q = ctx.kernel(extra=['-m', '16'])
    q.expect(r'stage 1/5 bootloader handoff \.\.\. FAILED')
    m = q.expect(r'not enough memory: (\d+) MiB usable, Matrioska OS needs at least 32 MiB')
    check(int(m.group(1)) < 16, 'reported %s MiB usable with -m 16' % m.group(1))
    q.expect(r'halting')
    check(q.still_running(1.0), 'QEMU exited instead of halting')


@test
def no_long_mode_halts(ctx):
    """A 32-bit-only CPU gets a clear message on serial and a halt."""
    q = ctx.kernel(extra=['-cpu', 'qemu32'])
    q.expect(r'this CPU has no 64-bit long mode')
    check(q.still_running(1.0), 'QEMU exited instead of halting')


@test
def max_cpu_features(ctx):
    """-cpu max (SMEP, SMAP, 1 GiB pages, NX) boots too; the features are detected."""
    q = ctx.kernel(extra=['-cpu', 'max'])
    q.expect(r'features:.* nx.* 1g-pages.* smep smap')
    q.expect(r'direct map \d+ GiB in 1 GiB pages')
    check_stages(q)


@test
def smp4_boot(ctx):
    """-smp 4: the MADT lists 4 CPUs; the 3 APs start, each says so, boot completes."""
    q = ctx.kernel(extra=['-smp', '4'])
    q.expect(r'acpi: RSDP revision \d \(at 0xf[0-9a-f]{4}\), MADT at 0x[0-9a-f]+')
    q.expect(r'acpi: 4 CPUs \(4 enabled\), 1 I/O APIC, \d+ interrupt overrides')
    q.expect(r'apic: local APIC at 0xfee00000, id 0')
    q.expect(r'apic: timer in (TSC-deadline|one-shot) mode')
    q.expect(r'apic: IOAPIC 0 at 0xfec00000, GSIs 0-23, all masked')
    for n in (1, 2, 3):
        q.expect(r'smp: CPU %d online \(APIC id %d\)' % (n, n))
    q.expect(r'smp: 4 CPUs online')
    check_stages(q)
    expect_shell_answers(q)


@test
def smp1_boot(ctx):
    """-smp 1: no AP to start; one CPU online, the timer still set up, boot completes."""
    q = ctx.kernel(extra=['-smp', '1'])
    q.expect(r'acpi: 1 CPU \(1 enabled\)')
    q.expect(r'apic: timer in (TSC-deadline|one-shot) mode')
    q.expect(r'smp: 1 CPU online')
    check_stages(q)
    check('smp: CPU 1 online' not in q.text(), 'an AP came online with -smp 1')


@test
def smp_no_acpi_falls_back(ctx):
    """-no-acpi with -smp 2: no MADT, a warning, one CPU, and the smp ktests still pass."""
    q = ctx.kernel('ktest=smp', debug_exit=True, extra=['-smp', '2', '-no-acpi'])
    rc = q.wait_exit(60)
    text = q.text()
    check('smp: no ACPI MADT; running on one CPU' in text, 'no warning about the missing MADT')
    check('smp: 1 CPU online' in text, 'not exactly one CPU online')
    plan, results = parse_tap(ctx, text, 'ktest-no-acpi.')
    check(plan > 0 and plan == len(results),
          'plan 1..%d but %d results' % (plan, len(results)))
    bad = [n for s, _, n in results if s != 'ok']
    check(not bad, 'failing ktests: %s' % ', '.join(bad))
    check(rc == EXIT_PASS, 'QEMU exit status %d, expected %d' % (rc, EXIT_PASS))


@test
def smp_grub_multiboot2(ctx):
    """GRUB (Multiboot 2) hands over an RSDP copy; 2 CPUs come online through it."""
    q = ctx.qemu(['-cdrom', ctx.iso, '-nographic', '-no-reboot', '-smp', '2'])
    q.expect(r'Multiboot 2:', timeout=90)
    q.expect(r"acpi: RSDP revision \d \(the loader's copy\), MADT at 0x[0-9a-f]+")
    q.expect(r'acpi: 2 CPUs \(2 enabled\)')
    q.expect(r'smp: CPU 1 online \(APIC id 1\)')
    q.expect(r'smp: 2 CPUs online')
    check_stages(q)


@test
def ktest_all_smp4(ctx):
    """ktest=all on 4 CPUs: every in-kernel test passes with the APs online."""
    run_ktests(ctx, 'ktest=all', 'ktest-smp4.', ['-smp', '4'], must_say='smp: 4 CPUs online')

@test
def ktest_smp_oneshot_timer_smp2(ctx):
    """The smp ktests with the LAPIC timer forced to one-shot mode (lapic_timer=oneshot)."""
    run_ktests(ctx, 'ktest=smp lapic_timer=oneshot', 'ktest-smp-oneshot.', ['-smp', '2'],
               must_say='apic: timer in one-shot mode', timeout=60)

def has_symbol(ctx, name):
    """Is name a symbol of the kernel that was built (matrioska.elf)?"""
    elf = os.path.join(ctx.build, 'matrioska.elf')
    try:
        out = subprocess.run(['nm', elf], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return re.search(r' %s$' % re.escape(name), out, re.M) is not None


def typed_line_ktest(ctx, spec, prompt):
    """Boot ktest=spec, wait for its prompt, type "hello" and Enter on the serial console."""
    q = ctx.kernel(spec, debug_exit=True)
    q.expect(prompt)
    q.send('hello\r')
    return q


@test
def serial_input_interrupt(ctx):
    """A line typed on the serial console reaches the kernel through the COM1 receive interrupt."""
    q = typed_line_ktest(ctx, 'ktest=serial.typed_line', r'# serial: type a line')
    q.expect(r"^serial: typed line 'hello'$")
    rc = q.wait_exit(30)
    parse_tap(ctx, q.text(), 'ktest-serial-input.')
    check(rc == EXIT_PASS, 'QEMU exit status %d, expected %d' % (rc, EXIT_PASS))


@test
def console_tty_reads_typed_line(ctx):
    """With drivers/tty built in: the console tty echoes a typed line and a read returns it."""
    if not has_symbol(ctx, 'ktest_tty_console_line'):
        raise Skip('kernel built without drivers/tty (make KSRC_EXTRA=...)')
    q = typed_line_ktest(ctx, 'ktest=tty.console_line', r'# tty: type a line')
    q.expect(r'^hello$')  # the echo ("hello\r\n"; the transcript drops CRs)
    q.expect(r"^tty: console read 'hello' and a newline$")
    rc = q.wait_exit(30)
    parse_tap(ctx, q.text(), 'ktest-console-tty.')
    check(rc == EXIT_PASS, 'QEMU exit status %d, expected %d' % (rc, EXIT_PASS))


@test
def panic_smp4_stops_other_cpus(ctx):
    """A panic with 4 CPUs online stops the others and still reports in full."""
    q = ctx.kernel('ktest=core.panic_backtrace', debug_exit=True, extra=['-smp', '4'])
    q.expect(r'smp: 4 CPUs online')
    q.expect(r'\*\*\* KERNEL PANIC: deliberate panic from ktest')
    q.expect(r'backtrace:')
    q.expect(r'system halted')
    rc = q.wait_exit(30)
    check(rc == EXIT_PANIC, 'exit status %d, expected %d' % (rc, EXIT_PANIC))



# ---- the busybox shell on the serial console (issue: user space) ----

PROMPT = r'root@matrioska:[^\n#]*# '


class Shell:
    """A booted system at its shell prompt; run() types a command like a person would."""

    def __init__(self, ctx, extra=(), append=None):
        self.q = ctx.kernel(append=append, extra=list(extra))
        # Every stage ok; stage 5 comes when the shell first waits for console input,
        # so typed commands are read from then on (the tty buffers what comes early).
        check_stages(self.q)
        self.n = 0

    def run(self, cmd, timeout=60):
        """Type cmd; return (its output, its exit status). Output excludes the echoed command."""
        self.n += 1
        tag = 'END%d' % self.n
        # The echo of the typed line shows "$?" literally, so only the real output matches.
        self.q.send('%s; echo %s:$?:\r' % (cmd, tag))
        m = self.q.expect(r'^%s:(\d+):$' % tag, timeout=timeout)
        text = self.q.text()
        # The shell's line editor wraps a long echoed line at the terminal width,
        # possibly inside the tag: allow a line break between any two characters.
        echoed = '\n?'.join(re.escape(c) for c in 'echo %s:$?:' % tag)
        found = [e for e in re.finditer(echoed, text[:m.start()])]
        start = found[-1].end() if found else -1
        body = text[text.index('\n', start) + 1:m.start()] if start >= 0 else ''
        self.q.expect(PROMPT, timeout=timeout)
        return body, int(m.group(1))

    def must(self, cmd, want_re=None, status=0):
        out, rc = self.run(cmd)
        check(rc == status, '%r exited with %d, expected %d; output:\n%s' % (cmd, rc, status, out))
        if want_re is not None:
            check(re.search(want_re, out, re.M), '%r printed %r, expected /%s/' % (cmd, out, want_re))
        return out


@test
def shell_boots_to_prompt(ctx):
    """The plain command line reaches busybox sh with all five stage lines ok; echo and ls / work."""
    sh = Shell(ctx)
    sh.must('echo hello world', r'^hello world$')
    out = sh.must('ls /')
    for d in ('bin', 'dev', 'etc', 'proc', 'sbin', 'tmp', 'usr'):
        check(re.search(r'\b%s\b' % d, out), 'ls / does not list %s: %r' % (d, out))


@test
def shell_files_and_pipes(ctx):
    """Files under /tmp, a pipeline through awk, exit statuses, uname, a script file run with sh."""
    sh = Shell(ctx)
    sh.must('mkdir -p /tmp/a/b && echo data > /tmp/a/b/f && cat /tmp/a/b/f', r'^data$')
    sh.must("seq 1 100 | awk '{s+=$1} END {print s}'", r'^5050$')
    sh.must("sh -c 'exit 3'; echo status=$?", r'^status=3$')
    sh.must('uname -s', r'^Matrioska$')
    sh.must("printf 'echo from-script $1\\nexit 7\\n' > /tmp/s.sh; sh /tmp/s.sh arg1", r'^from-script arg1$',
            status=7)
    sh.must('cat /tmp/nonexistent', status=1)


@test
def shell_missing_command_and_crash(ctx):
    """A missing command exits 127; a crashing static program is killed, reported, and the shell lives on."""
    sh = Shell(ctx)
    sh.must('no-such-command-here', status=127)
    sh.must('/usr/libexec/matrioska-tests/crash-segv', status=139)
    sh.must('/usr/libexec/matrioska-tests/crash-ud', status=132)
    sh.must('echo still alive', r'^still alive$')


@test
def shell_musl_programs(ctx):
    """Static musl programs: exec with argv and auxv, fork + wait with an exit status."""
    sh = Shell(ctx)
    sh.must('/usr/libexec/matrioska-tests/hello', r'^hello from musl$')
    out = sh.must('/usr/libexec/matrioska-tests/args one two')
    check(re.search(r'^argc=3$', out, re.M), 'args: %r' % out)
    check(re.search(r'^argv\[2\]=two$', out, re.M), 'args: %r' % out)
    check(re.search(r'^AT_PAGESZ=4096$', out, re.M), 'args: %r' % out)
    sh.must('/usr/libexec/matrioska-tests/forkwait', r'^child status 42$')



@test
def shell_proc_and_tools(ctx):
    """procfs and the tools built on it: /proc/meminfo, ps, free, mount, uptime, dmesg | head."""
    sh = Shell(ctx)
    out = sh.must('cat /proc/meminfo', r'^MemTotal:\s+\d+ kB$')
    check(re.search(r'^MemAvailable:\s+\d+ kB$', out, re.M), 'meminfo: %r' % out)
    out = sh.must('ps')
    check(re.search(r'^\s*1 root\s+/sbin/init', out, re.M), 'ps does not show init: %r' % out)
    sh.must('free', r'^Mem:\s+\d+\s+\d+\s+\d+')
    sh.must('mount', r'^proc on /proc type proc')
    sh.must('uptime', r'up .*load average')
    sh.must('dmesg | head -3', r'\[boot\] Matrioska')
    sh.must('readlink /proc/self/exe', r'^/bin/busybox$')


@test
def shell_ctrl_c_interrupts(ctx):
    """^C on the console sends SIGINT to the foreground job; the shell stays and reports 130."""
    sh = Shell(ctx)
    sh.q.send('sleep 30\r')
    sh.q.expect(r'sleep 30$', timeout=30)  # the echo: the shell has the line
    time.sleep(1.0)  # let the shell fork and exec sleep (no timing is asserted)
    sh.q.send('\x03')
    sh.q.expect(r'\^C', timeout=30)
    sh.must('echo last=$?', r'^last=130$')
    sh.must('echo alive', r'^alive$')


def run_tap_program(ctx, prog, timeout=120):
    """Run a userland/tests program that prints ok/not ok lines and "NAME: N passed, M failed"."""
    sh = Shell(ctx)
    out, rc = sh.run('/usr/libexec/matrioska-tests/' + prog, timeout=timeout)
    for line in out.splitlines():
        m = re.match(r'^(ok|not ok) \d+ - (.*)$', line)
        if m:
            ctx.subresults.append(('%s.%s' % (prog, m.group(2).strip().replace(' ', '_')), m.group(1) == 'ok'))
    m = re.search(r'^%s: (\d+) passed, (\d+) failed$' % prog, out, re.M)
    check(m is not None, 'no %s summary line in:\n%s' % (prog, out[-2000:]))
    check(m.group(2) == '0' and rc == 0, '%s: %s failed (exit %d)' % (prog, m.group(2), rc))


@test
def linux_file_api(ctx):
    """fsapi (a static musl program) exercises the file system calls end to end on Matrioska."""
    run_tap_program(ctx, 'fsapi')


@test
def linux_process_api(ctx):
    """procapi: vfork, clone, COW, wait4, handlers and sigreturn, sigtimedwait, getrandom, uname, sched_getaffinity."""
    run_tap_program(ctx, 'procapi')


@test
def linux_mmap_file(ctx):
    """mmapfile: private file mappings read the file, keep their writes private (fork too), outlive unlink."""
    run_tap_program(ctx, 'mmapfile')


def meminfo_used_kib(sh):
    """MemTotal - MemFree from /proc/meminfo, read through the shell."""
    out = sh.must('cat /proc/meminfo')
    total = re.search(r'^MemTotal:\s+(\d+) kB$', out, re.M)
    free = re.search(r'^MemFree:\s+(\d+) kB$', out, re.M)
    check(total and free, 'meminfo: %r' % out)
    return int(total.group(1)) - int(free.group(1))


@test
def exec_shares_file_pages(ctx):
    """Processes running one binary map its pages from the file instead of copying them; the pages outlive rm
    while mapped and are freed when the last process exits."""
    sh = Shell(ctx)
    size_kib = int(sh.must('wc -c < /bin/busybox', r'^\d+$').strip()) // 1024
    sh.must('mkdir -p /tmp/x && cp /bin/busybox /tmp/x/sleep')  # argv[0] names the applet
    base = meminfo_used_kib(sh)
    sh.must('for i in 1 2 3 4; do /tmp/x/sleep 600 & done; '
            'while [ "$(ps | grep -c \'[/]tmp/x/sleep\')" -lt 4 ]; do :; done')
    running = meminfo_used_kib(sh)
    # A copy of busybox per process would cost at least its text (~80% of the file) each.
    check(running - base < size_kib, 'four /tmp/x/sleep processes use %d KiB more (busybox is %d KiB): '
          'exec copies the file' % (running - base, size_kib))
    sh.must('rm /tmp/x/sleep')
    removed = meminfo_used_kib(sh)
    check(removed > running - size_kib // 4,
          'rm freed %d KiB while the pages are mapped' % (running - removed))
    sh.must("kill $(ps | grep '[/]tmp/x/sleep' | awk '{print $1}'); wait")
    after = meminfo_used_kib(sh)
    check(after < base - size_kib * 3 // 4,
          'the removed file\'s pages were not freed at exit: %d KiB in use, %d before the processes '
          '(the file held %d KiB)' % (after, base, size_kib))


@test
def initramfs_memory_given_back(ctx):
    """After unpacking, the built-in archive's pages and an -initrd module's whole pages go back to the page
    allocator: one boot line says how much, and MemTotal grows by exactly that over the boot-time figure."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'tree', 'etc'))
        with open(os.path.join(d, 'tree', 'etc', 'big.bin'), 'wb') as f:
            f.write(bytes(range(256)) * 1024)  # 256 KiB
        arch = os.path.join(d, 'big.cpio')
        subprocess.run('cd %s/tree && find . | cpio -o -H newc --quiet > %s' % (d, arch), shell=True,
                       check=True)
        sh = Shell(ctx, extra=['-initrd', arch])
        text = sh.q.text()
        boot = re.search(r'^mm: (\d+) KiB managed', text, re.M)
        m = re.search(r'^initramfs: (\d+) KiB given back to the page allocator \(built-in archive (\d+) KiB, '
                      r'boot modules (\d+) KiB\)$', text, re.M)
        check(boot and m, 'no "mm:" or "initramfs: ... given back" boot line')
        total, builtin, modules = (int(x) for x in m.groups())
        archive_kib = os.path.getsize(os.path.join(ctx.build, 'initramfs.cpio')) // 1024
        check(builtin >= archive_kib and builtin <= archive_kib + 4,
              'built-in archive: %d KiB given back, the archive is %d KiB' % (builtin, archive_kib))
        # Both modules: the test programs' archive and this one.
        module_kib = (os.path.getsize(arch) + os.path.getsize(ctx.tests_cpio)) // 1024
        check(module_kib - 12 <= modules <= module_kib,
              'boot module: %d KiB given back, the archive is %d KiB' % (modules, module_kib))
        check(total == builtin + modules, 'total %d != %d + %d' % (total, builtin, modules))
        out = sh.must('cat /proc/meminfo', r'^MemTotal:\s+\d+ kB$')
        memtotal = int(re.search(r'^MemTotal:\s+(\d+) kB$', out, re.M).group(1))
        check(memtotal == int(boot.group(1)) + total,
              'MemTotal %d KiB, expected %d at boot + %d given back' % (memtotal, int(boot.group(1)), total))
        sh.must('wc -c < /etc/big.bin', r'^262144$')


@test
def initrd_adds_files(ctx):
    """An archive passed with -initrd is unpacked over the built-in one: its files appear."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'tree', 'etc'))
        with open(os.path.join(d, 'tree', 'etc', 'extra.txt'), 'w') as f:
            f.write('from-initrd\n')
        with open(os.path.join(d, 'tree', 'etc', 'motd'), 'w') as f:
            f.write('motd replaced by initrd\n')
        arch = os.path.join(d, 'extra.cpio')
        subprocess.run('cd %s/tree && find . | cpio -o -H newc --quiet > %s' % (d, arch), shell=True,
                       check=True)
        sh = Shell(ctx, extra=['-initrd', arch])
        sh.must('cat /etc/extra.txt', r'^from-initrd$')
        sh.must('cat /etc/motd', r'^motd replaced by initrd$')
        sh.must('ls /bin/busybox', r'^/bin/busybox$')



@test
def shell_scripts_signals_respawn(ctx):
    """A #! script runs directly; kill sends SIGTERM/SIGKILL; orphans are reaped; init respawns the shell."""
    sh = Shell(ctx)
    sh.must("printf '#!/bin/sh\\necho shebang-ok \"$@\"\\n' > /tmp/x && chmod +x /tmp/x && /tmp/x a b",
            r'^shebang-ok a b$')
    # SIGTERM once sleep runs (before its exec the forked interactive shell still ignores
    # SIGTERM, and an ignored signal is discarded, as on Linux): /proc shows the exec.
    sh.must("sleep 30 & p=$!; until grep -q '^sleep' /proc/$p/cmdline; do :; done; kill $p; wait $p;"
            " echo term=$?", r'^term=143$')
    sh.must('sleep 30 & kill -9 $!; wait $!; echo kill=$?', r'^kill=137$')
    # An orphan: its parent (the inner sh) exits at once; init must reap it.
    sh.must("sh -c 'sleep 1 & exit 0'; sleep 2; ps -o stat,comm | grep -c '^Z' || true", r'^0$')
    # A zombie whose parent exits without waiting goes to init as a zombie: init gets SIGCHLD.
    sh.must("sh -c '(exit 0) & exec sleep 1'; sleep 1; ps -o stat,comm | grep -c '^Z' || true", r'^0$')
    # init gets only the signals it handles: these must not kill it (that would panic the kernel).
    sh.must('kill -ALRM 1; kill -9 1; kill -SEGV 1; sleep 1; ps -o pid,comm | grep -c "^ *1 init"', r'^1$')
    sh.q.send('exit\r')
    sh.q.expect(r'init: /bin/sh \(pid \d+\) exited with status 0', timeout=30)
    sh.q.expect(r'init: started /bin/sh', timeout=30)
    sh.must('echo respawned', r'^respawned$')


@test
def initrd_malformed_is_reported(ctx):
    """A garbage -initrd is reported in one line and skipped; the system still boots to the shell."""
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, 'bad.cpio')
        with open(bad, 'wb') as f:
            f.write(b'070701' + b'zz' * 60 + b'not a cpio archive at all\n' * 40)
        sh = Shell(ctx, extra=['-initrd', bad])
        check(re.search(r'^initramfs boot module \(-initrd\): unpacking stopped: cpio: .* at offset \d+',
                        sh.q.text(), re.M),
              'no error line for the malformed -initrd')
        sh.must('echo still-booted', r'^still-booted$')


# ---- shutting down: reboot(2), ACPI power-off, resets (issue: reboot) ----

def shell_types(ctx, cmd, append=None, extra=()):
    """Boot to the shell and type cmd, which is to end the system; return the Qemu."""
    sh = Shell(ctx, append=append, extra=list(extra))
    sh.q.send(cmd + '\r')
    return sh.q


def check_exits(q, what):
    rc = q.wait_exit(30)
    check(rc == 0, '%s: QEMU exit status %d' % (what, rc))


def init_shuts_down(q, sig, doing):
    """init's shutdown sequence for sig, in order, ending with the reboot(2) it asks for. The first
    line may follow the shell's next prompt on the same line: busybox's poweroff/reboot/halt signal
    init and exit at once, so the shell and init write to the console concurrently."""
    for pat in (r'init: %s received: shutting down$' % sig, r'^init: sending SIGTERM to every process$',
                r'^init: sending SIGKILL to every process$', r'^init: %s$' % doing):
        q.expect(pat, timeout=30)


@test
def poweroff_force(ctx):
    """poweroff -f: reboot(2) logs one line and ACPI S5 (FADT PM1a_CNT, the DSDT's \\_S5) turns QEMU off."""
    q = shell_types(ctx, 'poweroff -f')
    check(re.search(r'^acpi: power-off through PM1a_CNT 0x[0-9a-f]+, \\_S5 sleep type [0-7]/[0-7] '
                    r'\(FADT at 0x[0-9a-f]+, DSDT at 0x[0-9a-f]+\)$', q.text(), re.M),
          'no boot line saying how the machine powers off')
    q.expect(r'^reboot: power down \(requested by pid \d+, poweroff\)$', timeout=30)
    check_exits(q, 'poweroff -f')


@test
def poweroff_through_init_smp2(ctx):
    """busybox poweroff signals init (SIGUSR2), which stops everything and powers off; 2 CPUs, q35 chipset."""
    q = shell_types(ctx, 'poweroff', extra=['-smp', '2', '-M', 'q35'])
    init_shuts_down(q, 'SIGUSR2', 'powering off')
    q.expect(r'^reboot: power down \(requested by pid 1, init\)$', timeout=30)
    check_exits(q, 'poweroff')


@test
def reboot_force_resets(ctx):
    """reboot -f resets through port 0xCF9; reboot=kbd and reboot=triple take the 8042 and triple-fault
    paths. With -no-reboot each reset ends QEMU, before the next way is tried."""
    ways = ['the reset control register', 'the keyboard controller', 'a triple fault']
    for i, append in enumerate((None, 'reboot=kbd', 'reboot=triple')):
        q = shell_types(ctx, 'reboot -f', append=append)
        q.expect(r'^reboot: restarting system \(requested by pid \d+, reboot\)$', timeout=30)
        q.expect(r'^reboot: resetting through %s' % ways[i], timeout=30)
        check_exits(q, 'reboot -f (%s)' % ways[i])
        for later in ways[i + 1:]:
            check('resetting through ' + later not in q.text(),
                  '%s did not reset the machine: %s was tried' % (ways[i], later))


@test
def reboot_and_halt_through_init(ctx):
    """busybox reboot (SIGTERM to init) restarts the machine; busybox halt (SIGUSR1) halts it, QEMU stays."""
    q = shell_types(ctx, 'reboot')
    init_shuts_down(q, 'SIGTERM', 'rebooting')
    q.expect(r'^reboot: restarting system \(requested by pid 1, init\)$', timeout=30)
    check_exits(q, 'reboot')
    q = shell_types(ctx, 'halt')
    init_shuts_down(q, 'SIGUSR1', 'halting')
    q.expect(r'^reboot: system halted \(requested by pid 1, init\)$', timeout=30)
    check(q.still_running(1.0), 'QEMU exited after halt')


@test
def poweroff_without_acpi_halts(ctx):
    """-no-acpi: no power-off at boot, said once; poweroff -f (run by init: no console input without
    ACPI) then says it failed and halts every CPU instead, and QEMU keeps running."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'tree', 'etc'))
        with open(os.path.join(d, 'tree', 'etc', 'inittab'), 'w') as f:
            f.write('::sysinit:/sbin/poweroff -f\n')
        arch = os.path.join(d, 'poweroff.cpio')
        subprocess.run('cd %s/tree && find . | cpio -o -H newc --quiet > %s' % (d, arch), shell=True,
                       check=True)
        q = ctx.kernel(extra=['-no-acpi', '-initrd', arch])
        q.expect(r'^acpi: no power-off: no ACPI RSDP$')
        q.expect(r'^reboot: power down \(requested by pid \d+, poweroff\)$')
        q.expect(r'^acpi: cannot power off: no ACPI RSDP$')
        q.expect(r'^reboot: power-off failed \(error -19\): system halted$')
        check(q.still_running(1.0), 'QEMU exited instead of halting')


@test
def reboot_syscall_checks(ctx):
    """rebootargs: reboot(2) is EPERM for non-root, EINVAL for bad magics and commands; CAD_ON/OFF succeed."""
    run_tap_program(ctx, 'rebootargs')


# More tests live beside this file in t_*.py (one per area, so that work on
# different areas touches different files). They are run in this module's
# namespace: they use test, Shell, check, run_tap_program... as if written here.
_here = os.path.dirname(os.path.abspath(__file__))
for _name in sorted(os.listdir(_here)):
    if _name.startswith('t_') and _name.endswith('.py'):
        _path = os.path.join(_here, _name)
        with open(_path) as _f:
            exec(compile(_f.read(), _path, 'exec'), globals())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('names', nargs='*')
    args = ap.parse_args()
    if args.list:
        for t in TESTS:
            print('%-32s %s' % (t.__name__, t.__doc__))
        return 0
    unknown = set(args.names) - {t.__name__ for t in TESTS}
    if unknown:
        print('unknown tests: %s' % ' '.join(sorted(unknown)))
        return 2
    chosen = [t for t in TESTS if not args.names or t.__name__ in args.names]
    ctx = Context(args.build)
    passed = failed = skipped = 0
    print('1..%d' % len(chosen))
    for i, t in enumerate(chosen, 1):
        ctx.current = t.__name__
        ctx.runs = []
        start = time.monotonic()
        skip = None
        try:
            t(ctx)
            ok, why = True, ''
        except Skip as e:
            ok, why, skip = True, '', str(e)
        except Failure as e:
            ok, why = False, str(e)
        finally:
            for q in ctx.runs:
                q.close()
        secs = time.monotonic() - start
        if skip is not None:
            skipped += 1
            print('ok %d - %s # SKIP %s' % (i, t.__name__, skip))
        elif ok:
            passed += 1
            print('ok %d - %s (%.1f s)' % (i, t.__name__, secs))
        else:
            failed += 1
            print('not ok %d - %s: %s' % (i, t.__name__, why))
            for q in ctx.runs[-1:]:
                tail = q.text().splitlines()[-25:]
                print('\n'.join('#   | ' + line for line in tail))
                print('#   full transcript: %s' % q.log_path)
        sys.stdout.flush()
    kp = sum(1 for _, ok in ctx.subresults if ok)
    kf = len(ctx.subresults) - kp
    if ctx.subresults:
        print('# summary layer=ktest passed=%d failed=%d' % (kp, kf))
    if skipped:
        print('# skipped %d integration test%s (see SKIP above)' % (skipped, '' if skipped == 1 else 's'))
    print('# summary layer=integration passed=%d failed=%d' % (passed, failed))
    return 1 if failed or kf else 0


if __name__ == '__main__':
    sys.exit(main())
