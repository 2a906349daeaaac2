#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench.sh BUILD_DIR: print Matrioska OS benchmark figures (see scripts/bench.py).
set -eu
exec python3 "$(dirname "$0")/bench.py" --build "${1:-build}"
