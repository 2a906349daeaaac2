#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# mkinitramfs.sh OUT.cpio INIT_BINARY
# mkinitramfs.sh --tests OUT.cpio TESTPROGS_DIR
#
# Build the built-in initramfs that the kernel image carries: a cpio "newc"
# archive of a small root file system with our /sbin/init, Debian's static
# busybox (/bin/busybox) with a symlink for each of its applets, the /etc
# files init and the shell read, and an empty /usr/libexec/matrioska-tests.
# When MKINITRAMFS_EXTRA names a directory, its tree is laid over the root
# (the services of userland/services/services.mk: /sbin/svcbox and its names).
#
# With --tests, build instead the test archive: the user-space test programs
# of TESTPROGS_DIR (every executable file in it) under
# /usr/libexec/matrioska-tests, loaded as a boot module (-initrd
# build/tests.cpio, as `make run` and the tests do) and unpacked over the
# built-in root. The test programs are not part of the system image: a plain
# `qemu-system-x86_64 -kernel build/matrioska.bin` boots without them, and
# their 1+ MiB does not count in the memory in use at the prompt.
#
# The archive is deterministic: the staging tree gets fixed modes and mtime
# 0, the file list is sorted in the C locale, owners are 0:0 and cpio
# renumbers inodes and drops device numbers. Member names are relative
# ("bin/busybox", no leading "./" or "/"); symlinks to busybox are absolute
# ("/bin/busybox"). The archive has no device nodes (building it needs no
# root): init mounts devtmpfs on /dev.
set -eu

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

# The archive is deterministic: fixed times everywhere (-h: the links
# themselves), a sorted list, owners 0:0, renumbered inodes (GNU cpio 2.13+).
write_archive() { # stage-dir out
	reproducible=
	if cpio --help 2>&1 | grep -q -- --reproducible; then
		reproducible=--reproducible
	fi
	find "$1" -exec touch -h -d @0 {} +
	tmp_out=$2.tmp
	(
		cd "$1"
		find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
			cpio --quiet -o -H newc -R 0:0 $reproducible
	) > "$tmp_out" || {
		rm -f "$tmp_out"
		die "cpio failed"
	}
	mv "$tmp_out" "$2"
}

if [ "${1:-}" = "--tests" ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --tests OUT.cpio TESTPROGS_DIR" >&2; exit 2; }
	out=$2
	tests=$3
	[ -d "$tests" ] || die "test program directory '$tests' does not exist"
	command -v cpio > /dev/null || die "cpio is missing (run scripts/deps.sh)"
	umask 022
	stage=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
	trap 'rm -rf "$stage"' EXIT INT TERM
	mkdir -p "$stage/usr/libexec/matrioska-tests"
	for t in "$tests"/*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		install -m 0755 "$t" "$stage/usr/libexec/matrioska-tests/$(basename "$t")"
	done
	write_archive "$stage" "$out"
	exit 0
fi

if [ $# -ne 2 ]; then
	echo "usage: $0 OUT.cpio INIT_BINARY  |  $0 --tests OUT.cpio TESTPROGS_DIR" >&2
	exit 2
fi
out=$1
init=$2
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Validate every input before building anything.
if [ ! -f "$init" ] || [ ! -x "$init" ]; then
	die "init binary '$init' is missing or not executable"
fi
[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing: install busybox-static (run scripts/deps.sh)"
command -v cpio > /dev/null || die "cpio is missing (run scripts/deps.sh)"
applets=$("$BUSYBOX" --list-full) || die "'$BUSYBOX --list-full' failed"
[ -n "$applets" ] || die "'$BUSYBOX --list-full' listed no applets"

umask 022
stage=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM

# Directories (a few with special modes below).
for d in bin sbin usr/bin usr/sbin usr/libexec/matrioska-tests etc etc/init.d \
	proc dev tmp sys root home var var/log run mnt; do
	mkdir -p "$stage/$d"
done
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"

install -m 0755 "$init" "$stage/sbin/init"
install -m 0755 "$BUSYBOX" "$stage/bin/busybox"

# One symlink per applet; never replace an existing file (our init wins).
for a in $applets; do
	case "$a" in
	/* | *..* | "") die "busybox lists a strange applet path '$a'" ;;
	esac
	[ -e "$stage/$a" ] || [ -L "$stage/$a" ] && continue
	mkdir -p "$stage/$(dirname "$a")"
	ln -s /bin/busybox "$stage/$a"
done

# Programs built outside the test directory (the services of
# userland/services/services.mk), as a tree laid over the root.
if [ -n "${MKINITRAMFS_EXTRA:-}" ] && [ -d "$MKINITRAMFS_EXTRA" ]; then
	cp -R "$MKINITRAMFS_EXTRA/." "$stage/"
fi

cat > "$stage/etc/inittab" << 'EOF'
# /etc/inittab - read by Matrioska's /sbin/init (busybox's format).
#
#   <id>:<runlevels>:<action>:<process>
#
# <id>: a tty under /dev (e.g. ttyS0), empty for the console. <runlevels>:
# ignored. <action>: sysinit (run first, waited for), wait (then, waited
# for), once (started, not waited for), respawn (restarted when it exits),
# askfirst (like respawn, after "Please press Enter"), shutdown (run on
# SIGTERM/SIGUSR2 before powering off). A '-' before the process makes it
# a login shell.

# Boot script.
::sysinit:/etc/init.d/rcS

# A login shell on the console, restarted when it exits.
::respawn:-/bin/sh

# The services (docs/design/services.md), on /dev/null, restarted when they
# exit; the shell does not wait for them.
null::respawn:/sbin/nameserver
null::respawn:/sbin/logd

# Before powering off.
::shutdown:/bin/sync
EOF

cat > "$stage/etc/init.d/rcS" << 'EOF'
#!/bin/sh
# /etc/init.d/rcS - the boot script init runs first (sysinit in /etc/inittab).
if [ -r /etc/hostname ] && command -v hostname > /dev/null 2>&1; then
	hostname "$(cat /etc/hostname)" 2> /dev/null || true
fi
echo "Welcome to Matrioska OS ($(uname -sr 2> /dev/null || echo 'unknown kernel'))"
EOF
chmod 0755 "$stage/etc/init.d/rcS"

echo matrioska > "$stage/etc/hostname"
echo 'root:x:0:0:root:/root:/bin/sh' > "$stage/etc/passwd"
echo 'root:x:0:' > "$stage/etc/group"
cat > "$stage/etc/profile" << 'EOF'
# /etc/profile - read by login shells.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\u@\h:\w\$ '
[ -r /etc/motd ] && cat /etc/motd
EOF
echo 'Matrioska OS: busybox sh on a hybrid kernel. Test programs (loaded by make run): /usr/libexec/matrioska-tests' \
	> "$stage/etc/motd"

write_archive "$stage" "$out"
