/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpio.c - a parser for cpio archives in the "newc" and "crc" formats (see
 * cpio.h for the format): walks a buffer holding one or more concatenated
 * archives and hands each member to a callback, fully validated.
 *
 * The input is untrusted (a boot loader hands it over as is), so every
 * header field is checked digit by digit, every size is checked against
 * what is left of the buffer before any pointer is formed, and the first
 * problem ends the walk with a message naming its byte offset. Nothing is
 * allocated and nothing outside [buf, buf + len) is ever read.
 */
#include "cpio.h"
#include "errno.h"
#include "lib.h"
#include "vfs.h" /* S_IF* */

/* Header fields, in order, after the 6-byte magic. */
enum cpio_field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	NR_FIELDS
};

static const char *const field_names[NR_FIELDS] = {
	"ino",	    "mode",	"uid",	     "gid",	  "nlink",    "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

/* Walk state: where we are, and where errors are described. */
struct cpio_walk {
	const u8 *buf;
	size_t len;
	char *err;
	size_t errsz;
};

static __printf(3, 4) int malformed(const struct cpio_walk *w, size_t off, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!w->err || !w->errsz)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(w->err, w->errsz, fmt, ap);
	va_end(ap);
	n = strlen(w->err);
	snprintf(w->err + n, w->errsz - n, " at offset %zu", off);
	return -EINVAL;
}

static int hex_digit(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 8 hex digits at p; false if any is not one. */
static bool parse_hex8(const u8 *p, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (u32)d;
	}
	*out = v;
	return true;
}

static u32 byte_sum(const u8 *p, size_t n)
{
	u32 sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

static bool is_magic(const u8 *p)
{
	return memcmp(p, CPIO_MAGIC_NEWC, 6) == 0 || memcmp(p, CPIO_MAGIC_CRC, 6) == 0;
}

/*
 * Decode and check the entry whose header is at off; on success fill e and
 * set *next to where the next header (or the padding after a trailer)
 * starts.
 */
static int read_entry(const struct cpio_walk *w, size_t off, struct cpio_entry *e, size_t *next)
{
	const u8 *h = w->buf + off;
	u32 f[NR_FIELDS];
	size_t name_off, data_off, end;

	if (w->len - off >= 6 && !is_magic(h)) {
		if (memcmp(h, "070707", 6) == 0)
			return malformed(w, off, "cpio: old \"odc\" format (070707) not supported");
		return malformed(w, off, "cpio: bad magic");
	}
	if (w->len - off < CPIO_HEADER_SIZE)
		return malformed(w, off, "cpio: header cut short (%zu of %d bytes)", w->len - off,
				 CPIO_HEADER_SIZE);
	for (int i = 0; i < NR_FIELDS; i++)
		if (!parse_hex8(h + 6 + 8 * i, &f[i]))
			return malformed(w, off + 6 + 8 * (size_t)i,
					 "cpio: field %s is not 8 hex digits", field_names[i]);

	name_off = off + CPIO_HEADER_SIZE;
	if (f[F_NAMESIZE] == 0)
		return malformed(w, off, "cpio: empty name (namesize 0)");
	if (f[F_NAMESIZE] > w->len - name_off)
		return malformed(w, name_off, "cpio: name runs past the end (namesize %u)",
				 f[F_NAMESIZE]);
	if (w->buf[name_off + f[F_NAMESIZE] - 1] != '\0')
		return malformed(w, name_off, "cpio: name not NUL-terminated");
	if (strlen((const char *)w->buf + name_off) != f[F_NAMESIZE] - 1u)
		return malformed(w, name_off, "cpio: NUL inside the name");

	/* name_off + namesize <= len, so neither sum below can overflow a size_t. */
	data_off = ALIGN_UP(name_off + f[F_NAMESIZE], (size_t)4);
	if (f[F_FILESIZE] && (data_off > w->len || f[F_FILESIZE] > w->len - data_off))
		return malformed(w, data_off,
				 "cpio: data of \"%.64s\" runs past the end (%u bytes)",
				 (const char *)w->buf + name_off, f[F_FILESIZE]);
	if (data_off > w->len)
		data_off = w->len; /* padding after an empty last entry may be cut off */
	end = data_off + f[F_FILESIZE];
	/* GNU cpio sums regular files only (a symlink's check is 0). */
	if (memcmp(h, CPIO_MAGIC_CRC, 6) == 0 && S_ISREG(f[F_MODE]) &&
	    byte_sum(w->buf + data_off, f[F_FILESIZE]) != f[F_CHECK])
		return malformed(w, data_off, "cpio: checksum mismatch for \"%.64s\"",
				 (const char *)w->buf + name_off);

	*e = (struct cpio_entry){
		.name = (const char *)w->buf + name_off,
		.namelen = f[F_NAMESIZE] - 1u,
		.mode = f[F_MODE],
		.uid = f[F_UID],
		.gid = f[F_GID],
		.nlink = f[F_NLINK],
		.mtime = f[F_MTIME],
		.devmajor = f[F_DEVMAJOR],
		.devminor = f[F_DEVMINOR],
		.rdevmajor = f[F_RDEVMAJOR],
		.rdevminor = f[F_RDEVMINOR],
		.ino = f[F_INO],
		.data = w->buf + data_off,
		.size = f[F_FILESIZE],
	};
	*next = MIN(ALIGN_UP(end, (size_t)4), w->len);
	return 0;
}

int cpio_parse(const void *buf, size_t len, int (*cb)(const struct cpio_entry *e, void *arg),
	       void *arg, char *err, size_t errsz)
{
	struct cpio_walk w = {buf, len, err, errsz};
	bool in_archive = false;
	u32 archive = 0;
	size_t off = 0;
	int count = 0;

	if (err && errsz)
		err[0] = '\0';
	if ((!buf && len) || !cb)
		return malformed(&w, 0, "cpio: no buffer or no callback");
	while (off < len) {
		struct cpio_entry e;
		size_t next = len;
		int ret;

		if (!in_archive) {
			/* Between archives: zero padding, then a header at a multiple of 4. */
			if (w.buf[off] == 0) {
				off++;
				continue;
			}
			if (off % 4)
				return malformed(&w, off, "cpio: junk after an archive");
			in_archive = true;
		}
		ret = read_entry(&w, off, &e, &next);
		if (ret)
			return ret;
		if (e.namelen == sizeof(CPIO_TRAILER) - 1 &&
		    memcmp(e.name, CPIO_TRAILER, sizeof(CPIO_TRAILER) - 1) == 0) {
			in_archive = false;
			archive++;
			off = next;
			continue;
		}
		if (count == __INT_MAX__)
			return malformed(&w, off, "cpio: too many entries");
		e.archive = archive;
		ret = cb(&e, arg);
		if (ret < 0) {
			malformed(&w, off, "cpio: stopped by the consumer (error %d) at \"%.64s\"",
				  ret, e.name);
			return ret;
		}
		count++;
		off = next;
	}
	if (in_archive)
		return malformed(&w, len, "cpio: archive ends without a " CPIO_TRAILER " entry");
	return count;
}
