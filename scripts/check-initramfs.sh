#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# check-initramfs.sh ARCHIVE TESTS_ARCHIVE - check the built-in initramfs and
# the test archive (scripts/mkinitramfs.sh) without booting: list them with
# cpio and verify that sbin/init is a regular executable file and is our init
# (it carries the "Matrioska init starting" banner; not a busybox link),
# bin/busybox is a regular file, bin/sh is a symlink to busybox, etc/inittab is
# there, the services' multi-call binary and its names are there and inittab
# starts them, /tmp is world-writable and sticky, no test program is in the
# system image, and the test programs are in the test archive. Prints one line
# per check ("ok - ..." / "not ok - ...") and exits 1 if any failed.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 ARCHIVE TESTS_ARCHIVE" >&2
	exit 2
fi
archive=$1
tests_archive=$2
for a in "$archive" "$tests_archive"; do
	[ -f "$a" ] || { echo "check-initramfs: '$a' does not exist" >&2; exit 2; }
done
case $archive in
/*) ;;
*) archive=$PWD/$archive ;;
esac
command -v cpio > /dev/null || { echo "check-initramfs: cpio is missing (run scripts/deps.sh)" >&2; exit 2; }

list=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$list" "$work"' EXIT INT TERM
if ! cpio --quiet -itv < "$archive" > "$list" 2> "$work/err"; then
	echo "not ok - '$archive' is not a readable cpio archive: $(cat "$work/err")"
	exit 1
fi
if ! cpio --quiet -itv < "$tests_archive" > "$work/tests-list" 2> "$work/err"; then
	echo "not ok - '$tests_archive' is not a readable cpio archive: $(cat "$work/err")"
	exit 1
fi

failed=0
check() { # description, then a command that succeeds when the check passes
	d=$1
	shift
	if "$@"; then
		echo "ok - $d"
	else
		echo "not ok - $d"
		failed=1
	fi
}

# `cpio -itv` lines: MODE LINKS OWNER GROUP SIZE MON DAY YEAR NAME [-> TARGET]
entry() { # name: print the listing line of that member
	awk -v n="$1" '$9 == n' "$list"
}
is_file() { entry "$1" | grep -q '^-rwx'; }
is_link_to_busybox() { entry "$1" | grep -qE '^l.* -> (/bin/)?busybox$'; }
has() { [ -n "$(entry "$1")" ]; }

check "newc format" sh -c "head -c 6 '$archive' | grep -q '^070701$'"
check "sbin/init is an executable file" is_file sbin/init
check "bin/busybox is an executable file" is_file bin/busybox
check "bin/sh is a symlink to busybox" is_link_to_busybox bin/sh
check "etc/inittab is present" has etc/inittab
check "etc/init.d/rcS is an executable file" is_file etc/init.d/rcS
check "tmp is mode 1777" sh -c "awk '\$9 == \"tmp\"' '$list' | grep -q '^drwxrwxrwt'"
for d in proc dev sys root etc; do
	check "$d/ is a directory" sh -c "awk -v n=$d '\$9 == n' '$list' | grep -q '^d'"
done
check "usr/libexec/matrioska-tests/ is an empty directory in the system image" sh -c \
	"awk '\$9 == \"usr/libexec/matrioska-tests\"' '$list' | grep -q '^d' &&
	 ! awk '{print \$9}' '$list' | grep -q '^usr/libexec/matrioska-tests/'"
# The test archive: the programs, and nothing else (it is unpacked over the root).
test_file() { awk -v n="$1" '$9 == n' "$work/tests-list" | grep -q '^-rwx'; }
for t in hello args forkwait crash-segv crash-ud sysfuzz; do
	check "tests archive: usr/libexec/matrioska-tests/$t is an executable file" \
		test_file "usr/libexec/matrioska-tests/$t"
done
# osbench comes from ../shared/bench when that tree exists (userland/build.mk).
if [ -f "$(dirname "$0")/../../shared/bench/osbench.c" ]; then
	check "tests archive: usr/libexec/matrioska-tests/osbench is an executable file" \
		test_file usr/libexec/matrioska-tests/osbench
fi
check "tests archive: only usr/libexec/matrioska-tests and its programs" sh -c \
	"! awk '{print \$9}' '$work/tests-list' | grep -vqE '^usr(/libexec(/matrioska-tests(/[^/]+)?)?)?\$'"

# The services (userland/services): one multi-call binary under four names,
# started by init from etc/inittab.
check "sbin/svcbox is an executable file" is_file sbin/svcbox
for s in sbin/nameserver sbin/logd bin/logctl bin/ipcstat; do
	check "$s is a symlink to svcbox" sh -c "awk -v n=$s '\$9 == n' '$list' | grep -qE '^l.* -> (\.\./sbin/)?svcbox\$'"
done
check "var/log/ is a directory" sh -c "awk '\$9 == \"var/log\"' '$list' | grep -q '^d'"
if (cd "$work" && cpio --quiet -id etc/inittab < "$archive" 2> /dev/null) &&
	[ -f "$work/etc/inittab" ]; then
	for s in nameserver logd; do
		check "etc/inittab respawns /sbin/$s" grep -q "^null::respawn:/sbin/$s\$" "$work/etc/inittab"
	done
fi

# Our init, not busybox's: extract it and look for its banner.
if (cd "$work" && cpio --quiet -id sbin/init < "$archive" 2> /dev/null) &&
	[ -f "$work/sbin/init" ]; then
	check "sbin/init is Matrioska's init" grep -q "Matrioska init starting" "$work/sbin/init"
	check "sbin/init is not busybox" sh -c "! grep -q 'BusyBox is copyrighted' '$work/sbin/init'"
else
	echo "not ok - could not extract sbin/init"
	failed=1
fi

exit $failed
