# SPDX-License-Identifier: BSD-2-Clause
# Busybox applets smoke test: one boot, many applets typed into busybox sh,
# each output checked against what the same busybox prints on Linux. Exec'd
# into run.py's namespace (see the end of run.py).


@test
def busybox_applets(ctx):
    """sort grep sed awk find xargs tar gzip/gunzip md5sum dd od stat ln/readlink mkfifo kill timeout ps top df free dmesg."""
    sh = Shell(ctx)
    sh.must('mkdir -p /tmp/ap && cd /tmp/ap')
    # Text tools.
    sh.must("printf 'pear\\napple\\nfig\\n' | sort | tr '\\n' ' '; echo", r'^apple fig pear $')
    sh.must("printf '10\\n9\\n100\\n' | sort -n -r | tr '\\n' ' '; echo", r'^100 10 9 $')
    sh.must("printf 'apple\\nbanana\\ncherry\\n' | grep -n an", r'^2:banana$')
    sh.must("printf 'apple\\nbanana\\ncherry\\n' | grep -c -v an", r'^2$')
    sh.must("printf 'x\\n' | grep -q nothing-here", status=1)
    sh.must("echo hello world | sed -e 's/world/there/' -e 's/^h/H/'", r'^Hello there$')
    sh.must("printf '1 2\\n3 4\\n' | awk '{s += $1 * $2} END {print \"sum\", s}'", r'^sum 14$')
    # find and xargs over a small tree.
    sh.must('mkdir -p tree/a/b && touch tree/a/x.txt tree/a/b/y.txt tree/z.log')
    out = sh.must("find tree -name '*.txt' | sort")
    check(out.split() == ['tree/a/b/y.txt', 'tree/a/x.txt'], 'find printed %r' % out)
    out = sh.must('find tree -type d | sort')
    check(out.split() == ['tree', 'tree/a', 'tree/a/b'], 'find -type d printed %r' % out)
    sh.must("printf '1\\n2\\n3\\n' | xargs echo args", r'^args 1 2 3$')
    sh.must("find tree -name '*.txt' | xargs -n 1 basename | sort | tr '\\n' ' '; echo", r'^x.txt y.txt $')
    # tar: create, extract elsewhere, compare.
    sh.must('seq 1 500 > tree/a/nums && echo top > tree/top')
    sh.must('tar -cf t.tar tree && mkdir out && tar -xf t.tar -C out')
    sh.must('tar -tf t.tar | sort | head -3', r'^tree/$')
    sh.must('diff -r tree out/tree && cmp tree/a/nums out/tree/a/nums && echo same', r'^same$')
    # gzip/gunzip round trip: the md5 sums are equal.
    sh.must('seq 1 3000 > g && md5sum < g > g.md5 && gzip g && test -f g.gz && test ! -e g')
    sh.must('test $(stat -c %s g.gz) -lt 14000 && gunzip g.gz && md5sum < g | cmp - g.md5 && echo gz-ok',
            r'^gz-ok$')
    sh.must('gzip -c g | gunzip -c | md5sum', r'^%s  -$' % 'ee9762749fc5338b6c9b0948d14219c7')
    sh.must("printf 'hello\\n' | md5sum", r'^b1946ac92492d2347c6235b4d2611184  -$')
    # dd with bs and count, and its status lines.
    out = sh.must('dd if=/dev/zero of=dd.out bs=512 count=4 2>&1; wc -c < dd.out')
    check(re.search(r'^4\+0 records in$', out, re.M) and re.search(r'^4\+0 records out$', out, re.M),
          'dd status lines missing: %r' % out)
    check(re.search(r'^\s*2048$', out, re.M), 'dd wrote the wrong size: %r' % out)
    sh.must("printf 'ABCD' | od -x", r'^0000000 4241 4443\n0000004$')
    # stat of a file and of the file system.
    sh.must('stat -c "%s %F %a" dd.out', r'^2048 regular file 644$')
    sh.must('stat -c "%F %h" tree', r'^directory 3$')
    sh.must('stat -f -c "%b %S" /tmp', r'^\d+ \d+$')
    # symlinks and FIFOs.
    sh.must('ln -s /tmp/ap/g lnk && readlink lnk', r'^/tmp/ap/g$')
    sh.must('readlink -f lnk', r'^/tmp/ap/g$')
    sh.must('stat -c %F lnk', r'^symbolic link$')
    sh.must('mkfifo fifo && stat -c %F fifo', r'^fifo$')
    sh.must('(echo through-the-fifo > fifo &) ; cat fifo', r'^through-the-fifo$')
    # kill and timeout: exit statuses as on Linux (busybox's timeout execs the
    # command and kills it with SIGTERM from a forked watcher: 128 + 15).
    # The background child may still be the shell, ignoring SIGTERM, until it
    # runs sleep: wait for the exec (its comm changes) before sending it.
    sh.must('sleep 100 & p=$!; until grep -q sleep /proc/$p/comm; do :; done')
    sh.must('kill $p; wait $p; echo status=$?', r'^status=143$')
    sh.must('sleep 100 & p=$!; kill -9 $p; wait $p; echo status=$?', r'^status=137$')
    sh.must('timeout 1 sleep 5; echo status=$?', r'^status=143$')
    sh.must('timeout -s KILL 1 sleep 5; echo status=$?', r'^status=137$')
    sh.must('timeout 5 true; echo status=$?', r'^status=0$')
    # Process and memory tools read /proc.
    out = sh.must('ps')
    check(re.search(r'^\s*PID\s+USER', out, re.M) and re.search(r'^\s*1\s+root.*init', out, re.M),
          'ps printed %r' % out)
    # busybox sh runs ps forked but not exec'd: "{ps} -/bin/sh" (comm, then cmdline), as on Linux.
    check(re.search(r'\{ps\}|\bps$', out, re.M), 'ps does not list itself: %r' % out)
    out = sh.must('top -b -n 1')
    for want in (r'^Mem: \d+K used, \d+K free', r'^CPU:', r'^Load average:', r'^\s*PID\s+PPID\s+USER',
                 r'\btop -b -n 1$'):
        check(re.search(want, out, re.M), 'top -b -n 1 lacks /%s/: %r' % (want, out))
    # df skips the "rootfs" line of /proc/mounts (as for Linux's initramfs root)
    # and file systems of 0 blocks (proc): it shows /dev, and a tmpfs mounted here.
    out = sh.must('df')
    check(re.search(r'^Filesystem\s+1K-blocks\s+Used\s+Available\s+Use% Mounted on$', out, re.M)
          and re.search(r'^dev\s+\d+\s+\d+\s+\d+\s+\d+% /dev$', out, re.M), 'df printed %r' % out)
    sh.must('mount -t tmpfs scratch /mnt && echo 12345 > /mnt/f && df /mnt',
            r'^scratch\s+[1-9]\d*\s+\d+\s+\d+\s+\d+% /mnt$')
    sh.must('umount /mnt && test ! -e /mnt/f && echo unmounted', r'^unmounted$')
    out = sh.must('free')
    m = re.search(r'^Mem:\s+(\d+)\s+(\d+)\s+(\d+)', out, re.M)
    check(m and int(m.group(1)) > 0 and int(m.group(1)) >= int(m.group(2)), 'free printed %r' % out)
    sh.must('dmesg | grep -c "stage 5/5"', r'^1$')
    sh.must('dmesg | head -1', r'\S')
    sh.must('cd / && rm -rf /tmp/ap && echo cleaned', r'^cleaned$')
