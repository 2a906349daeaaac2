#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench.sh BUILD_DIR [bench.py options]: print Matrioska OS benchmark figures
# and the osbench table against Linux (see scripts/bench.py; --write-doc
# regenerates docs/benchmarks.md).
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
exec python3 "$(dirname "$0")/bench.py" --build "$build" "$@"
