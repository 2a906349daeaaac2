#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# test-on-linux.sh ARCHIVE - run our /sbin/init as PID 1 under the *host's*
# Linux kernel, in throw-away user, mount and PID namespaces chrooted into
# the unpacked initramfs, and check what it prints. Linux is the reference
# our kernel's Linux personality aims at, so this tests init itself apart
# from our kernel: inittab parsing and errors, sysinit/wait/once/respawn,
# the shell form, the respawn rate limit, the built-in default, and the
# shutdown paths (SIGTERM reboots, SIGUSR2 powers off, SIGUSR1 halts). devtmpfs cannot be mounted in a user
# namespace, so init's report of that failure is checked too.
#
# Needs unshare(1) with unprivileged user namespaces; prints "skip" and exits
# 0 without them. Every run has a hard timeout. Exits 1 if a check failed.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 ARCHIVE" >&2
	exit 2
fi
case $1 in
/*) archive=$1 ;;
*) archive=$PWD/$1 ;;
esac
[ -f "$archive" ] || { echo "test-on-linux: '$archive' does not exist" >&2; exit 2; }
if ! unshare -Urmpf --kill-child true 2> /dev/null; then
	echo "skip - unshare with user namespaces is not available here"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir "$root"
(cd "$root" && cpio --quiet -id < "$archive")
failed=0

run() { # name, stdin file: boot init, output in $work/name.out
	timeout -k 2 30 unshare -Urmpf --kill-child chroot "$root" /sbin/init \
		< "$2" > "$work/$1.out" 2>&1 || true
}

expect() { # name, fixed string
	if grep -qF -- "$2" "$work/$1.out"; then
		echo "ok - $1: $2"
	else
		echo "not ok - $1: missing \"$2\""
		failed=1
	fi
}

expect_order() { # name, string, string: the first appears before the second
	a=$(grep -nF -- "$2" "$work/$1.out" | head -1 | cut -d: -f1)
	b=$(grep -nF -- "$3" "$work/$1.out" | head -1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
		echo "ok - $1: \"$2\" before \"$3\""
	else
		echo "not ok - $1: \"$2\" (line ${a:-none}) not before \"$3\" (line ${b:-none})"
		failed=1
	fi
}

show_on_failure() {
	[ $failed -eq 0 ] && return
	echo "# output of $1:"
	sed 's/^/#   /' "$work/$1.out"
}

# 1. The archive as built: rcS, then a login shell that runs the test programs
# and asks init to shut down.
cat > "$work/shell.in" << 'EOF'
echo "env: $HOME $TERM $PATH $SHELL"
/usr/libexec/matrioska-tests/hello
/usr/libexec/matrioska-tests/forkwait
/usr/libexec/matrioska-tests/args x "y z"
kill -TERM 1
sleep 5
EOF
run default "$work/shell.in"
expect default "init: Matrioska init starting"
expect default "init: cannot mount devtmpfs on /dev: Operation not permitted (continuing without it)"
expect default "init: started /etc/init.d/rcS (pid 2)"
expect default "Welcome to Matrioska OS"
expect default "init: /etc/init.d/rcS (pid 2) exited with status 0"
expect default "init: started /bin/sh (pid "
expect default "env: /root vt100 /sbin:/usr/sbin:/bin:/usr/bin /bin/sh"
expect default "hello from musl"
expect default "child status 42"
expect default "argv[2]=y z"
expect default "init: SIGTERM received: shutting down"
expect default "init: started /bin/sync"
expect default "init: sending SIGTERM to every process"
expect default "init: rebooting"
show_on_failure default

# 2. A hand-written inittab: a bad line, the shell form, wait, once, a
# respawn entry that fails at once, and SIGUSR2 from a once entry.
f=$failed
cp "$root/etc/inittab" "$work/inittab.orig"
cat > "$root/etc/inittab" << 'EOF'
# test
::bogus:/bin/x
::sysinit:echo "sysinit via the shell: $PATH"
::wait:/bin/echo wait a:b
::once:sleep 8; kill -USR2 1
::respawn:/bin/false
EOF
run custom /dev/null
expect custom "init: /etc/inittab line 2: unknown action 'bogus' (expected sysinit, wait, once, respawn, askfirst, shutdown, ctrlaltdel or restart); line ignored"
expect custom "sysinit via the shell: /sbin:/usr/sbin:/bin:/usr/bin"
expect custom "wait a:b"
expect custom "init: /bin/false (pid "
expect custom ") exited with status 1, respawning"
expect custom "init: /bin/false is respawning too fast (5 restarts within 10 s); waiting 5 s"
expect custom "init: SIGUSR2 received: shutting down"
expect custom "init: powering off"
expect_order custom "sysinit via the shell" "wait a:b"
expect_order custom "wait a:b" "init: started sleep 8; kill -USR2 1"
# A program that fails at once: started, restarted 5 times, then a pause.
n=$(sed -n '/respawning too fast/q; /init: started \/bin\/false/p' "$work/custom.out" | wc -l)
if [ "$n" -eq 6 ]; then
	echo "ok - custom: the pause comes after the 6th start of /bin/false"
else
	echo "not ok - custom: the pause comes after $n starts of /bin/false (want 6)"
	failed=1
fi
[ $f -eq $failed ] || show_on_failure custom

# 3. No /etc/inittab: the built-in default.
f=$failed
rm "$root/etc/inittab"
printf 'echo default shell here\nkill -USR1 1\nsleep 5\n' > "$work/default.in"
run missing "$work/default.in"
expect missing "init: cannot read /etc/inittab: No such file or directory; using the built-in default"
expect missing "init: started /etc/init.d/rcS (pid 2)"
expect missing "default shell here"
expect missing "init: SIGUSR1 received: shutting down"
expect missing "init: halting"
[ $f -eq $failed ] || show_on_failure missing
cp "$work/inittab.orig" "$root/etc/inittab"

exit $failed
