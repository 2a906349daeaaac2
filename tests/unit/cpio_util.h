/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpio_util.h - helpers shared by test_cpio.c and test_initramfs.c: a
 * builder for hand-made "newc"/"crc" archives (written from the format's
 * definition, independently of fs/cpio.c) and a file reader.
 */
#ifndef CPIO_UTIL_H
#define CPIO_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"
#include "types.h"

#define CPIO_BUILD_MAX (1 << 16)

struct cpio_builder {
	u8 buf[CPIO_BUILD_MAX];
	size_t len;
};

/* One member to add; zero fields are fine, nlink 0 is written as 1. */
struct cpio_spec {
	const char *name;
	u32 mode, uid, gid, nlink, mtime;
	u32 devmajor, devminor, rdevmajor, rdevminor, ino;
	const void *data;
	size_t size;
	bool crc;	  /* "070702" and a real checksum */
	s64 namesize_fix; /* added to the namesize field (to build broken ones) */
};

static inline void cpio_put(struct cpio_builder *b, const void *p, size_t n)
{
	if (b->len + n > CPIO_BUILD_MAX) {
		fprintf(stderr, "cpio_util: builder full\n");
		abort();
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void cpio_pad(struct cpio_builder *b, size_t align)
{
	static const u8 zeros[8];

	while (b->len % align)
		cpio_put(b, zeros, 1);
}

static inline void cpio_zeros(struct cpio_builder *b, size_t n)
{
	static const u8 zero;

	while (n--)
		cpio_put(b, &zero, 1);
}

/* Append an entry; returns the offset of its header. */
static inline size_t cpio_add(struct cpio_builder *b, const struct cpio_spec *s)
{
	char hdr[CPIO_HEADER_SIZE + 1];
	size_t at = b->len, namesize = strlen(s->name) + 1;
	u32 sum = 0;

	for (size_t i = 0; s->crc && i < s->size; i++)
		sum += ((const u8 *)s->data)[i];
	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 s->crc ? CPIO_MAGIC_CRC : CPIO_MAGIC_NEWC, s->ino, s->mode, s->uid, s->gid,
		 s->nlink ? s->nlink : 1, s->mtime, (u32)s->size, s->devmajor, s->devminor,
		 s->rdevmajor, s->rdevminor, (u32)(namesize + s->namesize_fix), sum);
	cpio_put(b, hdr, CPIO_HEADER_SIZE);
	cpio_put(b, s->name, namesize);
	cpio_pad(b, 4);
	if (s->size)
		cpio_put(b, s->data, s->size);
	cpio_pad(b, 4);
	return at;
}

static inline void cpio_add_trailer(struct cpio_builder *b, bool crc)
{
	struct cpio_spec t = {.name = CPIO_TRAILER, .crc = crc};

	cpio_add(b, &t);
}

/* A whole file, or NULL (and a note) when it is absent. */
static inline u8 *cpio_slurp(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	u8 *data = NULL;
	long n;

	if (!fp) {
		printf("# skip: %s is absent (no cpio on this machine?)\n", path);
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n);
		if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*size = (size_t)n;
	}
	fclose(fp);
	return data;
}

#endif
