#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Install the Debian packages that building, running and testing Matrioska OS
# need, if any is missing. As root it runs apt-get itself; otherwise it prints
# the exact command and fails. `make run`, `make check` and `make bench` call
# it first, so a fresh Debian 12 machine needs nothing else.
#
# `deps.sh bench` (what `make bench` runs) also wants Debian's Linux kernel,
# linux-image-amd64: the Linux peer that osbench is compared with
# (../shared/bench/linux-peer.sh). `make check` does not need it.
set -eu

PACKAGES="make gcc binutils python3 clang lld libclang-rt-dev qemu-system-x86
grub-pc-bin grub-common xorriso mtools musl-tools busybox-static e2fsprogs
cpio bear clang-format"
if [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES linux-image-amd64"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
