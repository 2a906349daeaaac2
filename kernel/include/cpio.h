/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpio.h - cpio archives in the "newc" (magic 070701) and "crc" (070702)
 * formats, the formats Linux initramfs images use (fs/cpio.c), and the
 * initramfs unpacker that turns such an archive into files through the VFS
 * (fs/initramfs.c).
 *
 * Format facts (from the format's definition): a 110-byte ASCII header (the
 * 6-character magic and 13 fields of 8 hexadecimal digits: ino, mode, uid,
 * gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize, check), then the name with its NUL, zero-padded so the data
 * starts at a multiple of 4, then the data, padded to a multiple of 4. An
 * entry named "TRAILER!!!" ends an archive. In the "crc" format, check is
 * the 32-bit sum of the data bytes. Offsets are counted from the start of
 * the buffer, so several archives may be concatenated, with zero bytes
 * between them (as boot loaders and Linux allow).
 */
#ifndef MATRIOSKA_CPIO_H
#define MATRIOSKA_CPIO_H

#include "types.h"

#define CPIO_HEADER_SIZE 110
#define CPIO_MAGIC_NEWC "070701"
#define CPIO_MAGIC_CRC "070702"
#define CPIO_TRAILER "TRAILER!!!"

/*
 * One archive member as the parser delivers it. name and data point into
 * the caller's buffer and stay valid as long as it does; name is
 * NUL-terminated (namelen excludes the NUL and the name contains no other
 * NUL); data is never NULL (it may point at the end of the buffer when size
 * is 0). For a symlink, data is the target (not NUL-terminated).
 */
struct cpio_entry {
	const char *name;
	size_t namelen;
	u32 mode; /* S_IF* type and permission bits (Linux values, vfs.h) */
	u32 uid, gid, nlink;
	u64 mtime;		  /* seconds since the epoch */
	u32 devmajor, devminor;	  /* the device the file was on (hard-link identity) */
	u32 rdevmajor, rdevminor; /* the device a device node stands for */
	u64 ino;
	const void *data;
	size_t size;
	u32 archive; /* which archive of a concatenation (0, 1, ...): inode numbers are per archive
		      */
};

/*
 * cpio_parse - walk every entry of buf[0, len) and call cb for each (the
 * trailers are not delivered).
 * @err, @errsz: where a one-line description of a malformed archive goes,
 *               with the byte offset of the problem (may be NULL / 0)
 *
 * Everything is validated before cb sees an entry: magic, every field's 8
 * hex digits, namesize > 0 with the name NUL-terminated and free of other
 * NULs, name and data inside the buffer (no arithmetic overflow), the crc
 * format's checksum (of regular files: GNU cpio writes 0 for the others).
 * Between archives only zero bytes may appear, and the next archive starts
 * at a multiple of 4; the buffer must end after a trailer (padding after
 * it may be cut off).
 *
 * cb returns 0 (or any value >= 0) to go on. Returns the number of
 * entries delivered, -EINVAL for a malformed archive
 * (entries before the bad spot have been delivered), or the first negative
 * value cb returned (the walk stops there). Pure, any context.
 */
int cpio_parse(const void *buf, size_t len, int (*cb)(const struct cpio_entry *e, void *arg),
	       void *arg, char *err, size_t errsz);

/*
 * initramfs_unpack - create the contents of a cpio archive (newc or crc,
 * possibly several concatenated) in the VFS, as root: directories, regular
 * files (hard links, whose data comes with the last name of the group, as
 * GNU cpio writes them), symlinks, device nodes, FIFOs and sockets, with the
 * archive's owner, permission bits and mtime. Names are relative to the
 * root whether or not they start with "/" or "./"; a name with a ".."
 * component is refused. Missing parent directories are created (0755). An
 * existing non-directory at a name is replaced, so a later archive
 * overrides an earlier one; an existing directory is kept and takes the new
 * attributes.
 *
 * @what names the archive in log messages ("initrd", "built-in", ...).
 * A malformed archive stops the unpacking at the bad spot (what came
 * before stays) and is reported with one pr_err line; an entry the VFS
 * refuses is reported with pr_warn and skipped.
 *
 * Returns 0 when everything was unpacked, otherwise the first error
 * (-EINVAL for a malformed archive or a refused name, -ENOMEM, or the
 * VFS's error). Thread context (it sleeps in the VFS); boot time.
 */
int initramfs_unpack(const void *buf, size_t len, const char *what);

#endif
