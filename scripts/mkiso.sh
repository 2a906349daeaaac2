#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# mkiso.sh KERNEL.bin OUT.iso [CMDLINE]: a BIOS-bootable ISO in which GRUB
# loads the kernel with its Multiboot 2 loader, console on serial and VGA.
set -eu
kernel=$1
out=$2
cmdline=${3:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/matrioska.bin"
cat > "$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "Matrioska OS" {
	multiboot2 /boot/matrioska.bin $cmdline
	boot
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>"$dir.log" || { cat "$dir.log" >&2; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
echo "built $out"
