#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# fuzz.sh [BUILD_DIR]: a long run of the system-call fuzzer by hand
# (`make fuzz SEED=N CALLS=N PROCS=N`). Boots BUILD_DIR's kernel (a DEBUG=1
# build has /dev/kmemleak), runs userland/tests/sysfuzz with the seed, call
# count and process count from the environment (SYSFUZZ_SEED, SYSFUZZ_CALLS,
# SYSFUZZ_PROCS; SYSFUZZ_TIMEOUT seconds, default 1800), then checks as the
# `make check` test does: the shell answers, the console shows no panic,
# oops or BUG line, and the kmemleak report is empty. The transcript is in
# BUILD_DIR/logs/sysfuzz_custom-0.log. To find the call that broke the
# kernel, run sysfuzz by hand with --trace (see userland/tests/sysfuzz.c).
set -eu
build=${1:-build/fuzz}
: "${SYSFUZZ_SEED:=1}" "${SYSFUZZ_CALLS:=2000000}" "${SYSFUZZ_PROCS:=4}" "${SYSFUZZ_TIMEOUT:=1800}"
export SYSFUZZ_SEED SYSFUZZ_CALLS SYSFUZZ_PROCS SYSFUZZ_TIMEOUT
echo "fuzz: seed $SYSFUZZ_SEED, $SYSFUZZ_CALLS calls, $SYSFUZZ_PROCS processes, kernel $build"
exec python3 "$(dirname "$0")/../tests/integration/run.py" --build "$build" sysfuzz_custom
