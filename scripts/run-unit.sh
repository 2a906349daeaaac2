#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# run-unit.sh BIN...: run host unit-test binaries, show their TAP output and
# print one "# unit-summary passed=N failed=M" line for all of them. A binary
# that dies without its own summary (a sanitizer report, a crash) counts as
# one more failure, and so does one whose exit status disagrees with it.
set -u
passed=0
failed=0
for bin in "$@"; do
	echo "# $bin"
	out=$(timeout 300 "$bin" 2>&1) # a hung test fails, it does not hang CI
	rc=$?
	printf '%s\n' "$out" | grep -v '^# unit-summary'
	sum=$(printf '%s\n' "$out" | sed -n 's/^# unit-summary passed=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p' | tail -1)
	if [ -z "$sum" ]; then
		echo "not ok - $bin died (exit status $rc) before finishing"
		failed=$((failed + 1))
		continue
	fi
	p=${sum% *}
	f=${sum#* }
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
		echo "not ok - $bin exited with status $rc after passing everything"
		failed=$((failed + 1))
	fi
done
echo "# unit-summary passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
