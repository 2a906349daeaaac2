#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# check.sh - everything `make check` (and CI) runs, in layers:
#   build        the kernel, ISO and test tools with gcc, the kernel with clang,
#                and clang-format conformance
#   unit         host unit tests (ASan/UBSan), built with gcc and with clang
#   ktest        in-kernel tests (TAP over serial), gcc and clang kernels
#   integration  QEMU boots driven over the serial console
# Each layer prints its own summary; the last line is "N passed, N failed".
# Every QEMU run has a hard timeout (tests/integration/run.py), so nothing hangs.
set -u
cd "$(dirname "$0")/.."
mkdir -p build
log=build/check.log
: > "$log"
declare -A P F
layers="build unit ktest integration"
for l in $layers; do P[$l]=0; F[$l]=0; done
jobs=$(nproc 2>/dev/null || echo 2)

add() { # layer passed failed
	P[$1]=$((P[$1] + $2))
	F[$1]=$((F[$1] + $3))
}

step() { # layer name command...: one pass/fail for the command's exit status
	local layer=$1 name=$2
	shift 2
	echo "== $layer: $name"
	if "$@" >> "$log" 2>&1; then
		echo "ok - $name"
		add "$layer" 1 0
	else
		echo "not ok - $name (output in $log)"
		tail -20 "$log" | sed 's/^/#   | /'
		add "$layer" 0 1
	fi
}

summaries() { # file: add up "# summary layer=L passed=N failed=M" and unit-summary lines
	local line l p f
	while read -r line; do
		case "$line" in
		"# unit-summary "*)
			p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<< "$line")
			f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<< "$line")
			add unit "$p" "$f" ;;
		"# summary layer="*)
			l=$(sed -n 's/.*layer=\([a-z]*\).*/\1/p' <<< "$line")
			p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<< "$line")
			f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<< "$line")
			add "$l" "$p" "$f" ;;
		esac
	done < "$1"
}

run_counted() { # title expected-summary-kind command...: run, show, count its summary lines
	local title=$1
	shift
	echo "== $title"
	local out=build/check-step.out
	"$@" > "$out" 2>&1
	local rc=$?
	cat "$out" >> "$log"
	grep -E '^(not ok|ok|#)' "$out" | grep -vE '^# (unit-summary|summary)' | grep -E '^(not ok|#  )' | head -60
	if ! grep -qE '^# (unit-summary|summary)' "$out"; then
		echo "not ok - $title produced no summary (exit status $rc)"
		tail -20 "$out" | sed 's/^/#   | /'
		add integration 0 1
	fi
	summaries "$out"
}

# gcc builds the debug configuration (slab poisoning, redzones, kmemleak) that
# the full test suite runs on; clang builds the release configuration.
step build "kernel, ISO and test loader (gcc, DEBUG=1)" make -j"$jobs" O=build DEBUG=1 all iso build/fakeloader.elf
step build "kernel (clang, DEBUG=0)" make -j"$jobs" O=build/clang CC=clang DEBUG=0 all
step build "initramfs contents" scripts/check-initramfs.sh build/initramfs.cpio build/tests.cpio
step build "docs/design/linux-abi.md lists the registered system calls" python3 scripts/linux-abi.py --check
step build "sources follow .clang-format" make format-check
run_counted "unit tests (gcc, ASan/UBSan)" make -j"$jobs" O=build DEBUG=1 unit
run_counted "unit tests (clang, ASan/UBSan)" make -j"$jobs" O=build/clang CC=clang DEBUG=0 unit
if [ -f build/matrioska.bin ]; then
	run_counted "QEMU: ktests and integration tests (gcc kernel)" \
		python3 tests/integration/run.py --build build
fi
if [ -f build/clang/matrioska.bin ]; then
	run_counted "QEMU: ktests and fault reports (clang kernel)" \
		python3 tests/integration/run.py --build build/clang ktest_all boot_qemu_kernel \
		panic_backtrace kernel_page_fault_report stack_overflow_double_fault
fi

echo
tp=0
tf=0
for l in $layers; do
	printf '%-12s %4d passed, %d failed\n' "$l:" "${P[$l]}" "${F[$l]}"
	tp=$((tp + P[$l]))
	tf=$((tf + F[$l]))
done
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ] && [ "$tp" -gt 0 ]
