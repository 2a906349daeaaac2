/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * initramfs.h - the built-in initramfs: a cpio "newc" archive (built by
 * scripts/mkinitramfs.sh from userland/build.mk) linked into the kernel
 * image, so `qemu-system-x86_64 -kernel matrioska.bin` needs nothing else.
 *
 * It holds /sbin/init (userland/init), Debian's static /bin/busybox with a
 * symlink per applet, /etc (inittab, rcS, passwd, group, profile, hostname,
 * motd), the empty mount points and the test programs in
 * /usr/libexec/matrioska-tests. Member names are relative ("bin/busybox");
 * there are no device nodes.
 *
 * Layout (kernel/arch/x86_64/linker.ld): section .initramfs sits in the
 * read-only part of the image after all code, mapped R/NX at its link
 * address. __initramfs_start is page aligned, and the pages from it up to
 * __initramfs_end rounded up to a page hold the archive and nothing else.
 * They are part of the kernel image, which the page allocator keeps reserved
 * (arch_kernel_range() ends at _kernel_end), so the archive is intact until
 * it is unpacked. Once it is (and any -initrd boot modules too), stage 4
 * (kernel/core/main.c release_initramfs) takes the range out of the image
 * mapping with arch_kernel_image_release() and hands its pages to the
 * allocator with pmm_add_free(), logging "initramfs: N KiB given back".
 * From then on nobody may read the symbols below: a late reader faults.
 * The footprint benchmark (bench=mm) reports the archive's pages as
 * initramfs_kib and leaves them out of kernel_mem_used_kib.
 */
#ifndef MATRIOSKA_INITRAMFS_H
#define MATRIOSKA_INITRAMFS_H

#include "types.h"

/* The archive is [__initramfs_start, __initramfs_end); empty if they are equal. */
extern const u8 __initramfs_start[], __initramfs_end[];

#endif
