/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cpio.c - host tests for the cpio parser (fs/cpio.c).
 *
 * Archives written by GNU cpio (newc and crc, made by tests/unit/cpio.mk
 * from a small tree) are walked and every entry compared with lstat(),
 * readlink() and the contents of the file on disk. Hand-made archives
 * (tests/unit/cpio_util.h) cover every name and data padding case,
 * concatenation with zero padding, and each kind of damage, with the exact
 * error message and offset. A deterministic random-mutation loop checks
 * that damaged archives never make the parser read outside its buffer
 * (ASan) or deliver an entry that breaks the documented guarantees.
 */
#define _GNU_SOURCE /* nftw */
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio_util.h"
#include "errno.h"
#include "unit.h"

/* What a walk saw. */
#define MAX_SEEN 256
struct seen {
	u32 n;
	struct cpio_entry e[MAX_SEEN];
	int stop_at;   /* 1-based entry at which the callback fails (0: never) */
	int stop_with; /* its return value */
};

static int record(const struct cpio_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->stop_at && (int)s->n + 1 == s->stop_at)
		return s->stop_with;
	if (s->n < MAX_SEEN)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

/* ---- archives made by GNU cpio ---- */

static u32 tree_files;

static int count_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	tree_files++;
	return 0;
}

/* Compare one archive entry with the file it came from. */
static void check_against_disk(const struct cpio_entry *e, u32 archive)
{
	char path[512], link[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", CPIO_TREE, e->name);
	if (lstat(path, &st) != 0) {
		unit_fail(__FILE__, __LINE__, "%s: not on disk", e->name);
		return;
	}
	CHECK_EQ(e->archive, archive);
	CHECK_EQ(e->mode, st.st_mode);
	CHECK_EQ(e->uid, st.st_uid);
	CHECK_EQ(e->gid, st.st_gid);
	CHECK_EQ(e->nlink, st.st_nlink);
	CHECK_EQ(e->mtime, st.st_mtime);
	CHECK_EQ(e->ino & 0xffffffff, st.st_ino & 0xffffffff);
	CHECK(e->name[e->namelen] == '\0' && strlen(e->name) == e->namelen);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, link, sizeof(link));

		CHECK(n > 0 && (size_t)n == e->size && memcmp(e->data, link, (size_t)n) == 0);
	} else if (S_ISREG(st.st_mode)) {
		size_t size = 0;
		u8 *want;

		/* Hard links: GNU cpio sends the data with the last name only. */
		if (e->size == 0 && st.st_size != 0) {
			CHECK(st.st_nlink > 1);
			return;
		}
		CHECK_EQ(e->size, st.st_size);
		want = st.st_size ? cpio_slurp(path, &size) : NULL;
		CHECK(st.st_size == 0 || (want && memcmp(want, e->data, size) == 0));
		free(want);
	} else {
		CHECK_EQ(e->size, 0);
	}
}

static void check_tree_archive(const char *file)
{
	static struct seen s;
	char err[128];
	size_t len = 0;
	u8 *a = cpio_slurp(file, &len);
	int n;

	if (!a)
		return;
	tree_files = 0;
	CHECK_EQ(nftw(CPIO_TREE, count_file, 8, FTW_PHYS), 0);
	CHECK(tree_files > 15);
	memset(&s, 0, sizeof(s));
	n = cpio_parse(a, len, record, &s, err, sizeof(err));
	CHECK_EQ(n, tree_files);
	CHECK_STREQ(err, "");
	CHECK_STREQ(s.e[0].name, ".");
	for (u32 i = 0; i < s.n && i < MAX_SEEN; i++)
		check_against_disk(&s.e[i], 0);
	free(a);
}

UNIT_TEST(gnu_cpio_newc)
{
	check_tree_archive(CPIO_NEWC);
}

UNIT_TEST(gnu_cpio_crc)
{
	check_tree_archive(CPIO_CRC);
}

/* newc + crc + newc in one buffer, as a boot loader concatenates initrds. */
UNIT_TEST(gnu_cpio_concatenated)
{
	static struct seen s;
	static u8 cat[3 * 65536];
	size_t l1 = 0, l2 = 0, len;
	u8 *a = cpio_slurp(CPIO_NEWC, &l1), *b = cpio_slurp(CPIO_CRC, &l2);
	int n;

	if (!a || !b || 2 * l1 + l2 + 1024 > sizeof(cat)) {
		free(a);
		free(b);
		return;
	}
	memcpy(cat, a, l1);
	memset(cat + l1, 0, 1000); /* extra zero padding between archives */
	memcpy(cat + l1 + 1000, b, l2);
	memcpy(cat + l1 + 1000 + l2, a, l1);
	len = 2 * l1 + 1000 + l2;
	memset(&s, 0, sizeof(s));
	n = cpio_parse(cat, len, record, &s, NULL, 0);
	CHECK(n > 0 && n % 3 == 0);
	for (u32 i = 0; i < s.n && i < MAX_SEEN; i++)
		check_against_disk(&s.e[i], i / (s.n / 3));
	free(a);
	free(b);
}

/* ---- hand-made archives ---- */

static struct cpio_builder B;

UNIT_TEST(every_padding_case_round_trips)
{
	static struct seen s;
	static const char data[] = "0123456789abcdef";
	char names[8][16];
	int n;

	B.len = 0;
	/* Name lengths 1..8 (header + name hits every residue mod 4), data sizes 0..8. */
	for (int i = 0; i < 8; i++) {
		struct cpio_spec sp = {.name = names[i], .mode = S_IFREG | 0644, .data = data};

		memset(names[i], 'a' + i, (size_t)i + 1);
		names[i][i + 1] = '\0';
		sp.size = (size_t)(i * 3) % 9;
		sp.ino = 100 + (u32)i;
		sp.mtime = 1700000000 + (u32)i;
		sp.crc = i & 1;
		cpio_add(&B, &sp);
	}
	cpio_add_trailer(&B, false);
	memset(&s, 0, sizeof(s));
	n = cpio_parse(B.buf, B.len, record, &s, NULL, 0);
	CHECK_EQ(n, 8);
	for (int i = 0; i < 8 && i < n; i++) {
		CHECK_STREQ(s.e[i].name, names[i]);
		CHECK_EQ(s.e[i].namelen, i + 1);
		CHECK_EQ(s.e[i].size, (i * 3) % 9);
		CHECK(memcmp(s.e[i].data, data, s.e[i].size) == 0);
		CHECK_EQ(((const u8 *)s.e[i].data - B.buf) % 4, 0);
		CHECK_EQ(s.e[i].ino, 100 + i);
		CHECK_EQ(s.e[i].mtime, 1700000000 + i);
		CHECK_EQ(s.e[i].mode, S_IFREG | 0644);
		CHECK_EQ(s.e[i].archive, 0);
	}
}

UNIT_TEST(fields_and_lowercase_hex)
{
	static struct seen s;
	struct cpio_spec sp = {.name = "dev/tty0",
			       .mode = S_IFCHR | 0620,
			       .uid = 0xabcdef01,
			       .gid = 5,
			       .nlink = 1,
			       .mtime = 0xffffffff,
			       .devmajor = 8,
			       .devminor = 1,
			       .rdevmajor = 4,
			       .rdevminor = 0x12345,
			       .ino = 0xfedcba98};
	int n;

	B.len = 0;
	cpio_add(&B, &sp);
	cpio_add_trailer(&B, false);
	for (size_t i = 6; i < CPIO_HEADER_SIZE; i++) /* GNU cpio writes upper case; both are hex */
		if (B.buf[i] >= 'A' && B.buf[i] <= 'F')
			B.buf[i] = (u8)(B.buf[i] - 'A' + 'a');
	memset(&s, 0, sizeof(s));
	n = cpio_parse(B.buf, B.len, record, &s, NULL, 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(s.e[0].mode, S_IFCHR | 0620);
	CHECK_EQ(s.e[0].uid, 0xabcdef01);
	CHECK_EQ(s.e[0].gid, 5);
	CHECK_EQ(s.e[0].mtime, 0xffffffff);
	CHECK_EQ(s.e[0].devmajor, 8);
	CHECK_EQ(s.e[0].devminor, 1);
	CHECK_EQ(s.e[0].rdevmajor, 4);
	CHECK_EQ(s.e[0].rdevminor, 0x12345);
	CHECK_EQ(s.e[0].ino, 0xfedcba98);
	CHECK_EQ(s.e[0].size, 0);
	CHECK(s.e[0].data != NULL);
}

UNIT_TEST(concatenation_zero_padding_and_edges)
{
	static struct seen s;
	struct cpio_spec a = {.name = "a", .mode = S_IFREG | 0600, .data = "A", .size = 1};
	struct cpio_spec b = {.name = "b", .mode = S_IFDIR | 0755};
	size_t cut;

	/* Leading zeros, archive, 3 zero bytes... the next archive must be aligned. */
	B.len = 0;
	cpio_zeros(&B, 8);
	cpio_add(&B, &a);
	cpio_add_trailer(&B, false);
	cpio_zeros(&B, 512);
	cpio_add(&B, &b);
	cpio_add(&B, &a);
	cpio_add_trailer(&B, true);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &s, NULL, 0), 3);
	CHECK_EQ(s.e[0].archive, 0);
	CHECK_EQ(s.e[1].archive, 1);
	CHECK_EQ(s.e[2].archive, 1);
	CHECK_STREQ(s.e[1].name, "b");

	/* The trailer's padding may be cut off at the very end. */
	B.len = 0;
	cpio_add(&B, &a);
	cpio_add_trailer(&B, false);
	cut = B.len - 1; /* "TRAILER!!!\0" ends at 110 + 11 = 121 past its header: 3 pad bytes */
	CHECK_EQ(cpio_parse(B.buf, cut, record, &s, NULL, 0), 1);
	CHECK_EQ(cpio_parse(B.buf, cut - 2, record, &s, NULL, 0), 1);
	CHECK_EQ(cpio_parse(B.buf, cut - 3, record, &s, NULL, 0), -EINVAL); /* NUL cut off */

	/* Empty and all-zero buffers hold no archive and no error. */
	CHECK_EQ(cpio_parse(B.buf, 0, record, &s, NULL, 0), 0);
	CHECK_EQ(cpio_parse("\0\0\0\0\0", 5, record, &s, NULL, 0), 0);
	CHECK_EQ(cpio_parse(NULL, 0, record, &s, NULL, 0), 0);
	CHECK_EQ(cpio_parse(NULL, 4, record, &s, NULL, 0), -EINVAL);
	CHECK_EQ(cpio_parse(B.buf, B.len, NULL, &s, NULL, 0), -EINVAL);
}

/* Parse B and expect -EINVAL with exactly this message; n entries delivered first. */
static void expect_error(const char *msg, u32 delivered, int line)
{
	static struct seen s;
	char err[160];
	int ret;

	memset(&s, 0, sizeof(s));
	memset(err, 'X', sizeof(err));
	ret = cpio_parse(B.buf, B.len, record, &s, err, sizeof(err));
	if (ret != -EINVAL || strcmp(err, msg) != 0 || s.n != delivered)
		unit_fail(__FILE__, line,
			  "got %d \"%.*s\" after %u entries; expected \"%s\" after %u", ret,
			  (int)sizeof(err) - 1, err, s.n, msg, delivered);
}

static const struct cpio_spec good = {
	.name = "good", .mode = S_IFREG | 0644, .data = "data!", .size = 5, .ino = 7};

/* Two entries (the second at 124) and a trailer; returns the second's offset. */
static size_t two_entries(bool crc)
{
	struct cpio_spec sp = good;
	size_t at;

	sp.crc = crc;
	B.len = 0;
	cpio_add(&B, &sp);
	at = cpio_add(&B, &sp);
	cpio_add_trailer(&B, crc);
	return at;
}

UNIT_TEST(each_kind_of_damage_is_reported_with_its_offset)
{
	static const char *const fields[13] = {
		"ino",	    "mode",	"uid",	     "gid",	  "nlink",    "mtime", "filesize",
		"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"};
	char msg[128];
	size_t at = two_entries(false);
	struct cpio_spec sp = good;

	CHECK_EQ(at, 124); /* 110 + "good\0" -> 116, + 5 data -> 121, padded to 124 */

	B.buf[at + 5] = '9';
	expect_error("cpio: bad magic at offset 124", 1, __LINE__);
	two_entries(false);
	memcpy(B.buf + at, "070707", 6);
	expect_error("cpio: old \"odc\" format (070707) not supported at offset 124", 1, __LINE__);

	for (int f = 0; f < 13; f++) {
		two_entries(false);
		B.buf[at + 6 + 8 * f + 3] = f & 1 ? 'g' : ' ';
		snprintf(msg, sizeof(msg), "cpio: field %s is not 8 hex digits at offset %d",
			 fields[f], 124 + 6 + 8 * f);
		expect_error(msg, 1, __LINE__);
	}

	two_entries(false);
	B.len = at + 109;
	expect_error("cpio: header cut short (109 of 110 bytes) at offset 124", 1, __LINE__);

	B.len = 0;
	cpio_add(&B, &good);
	sp.namesize_fix = -5;
	cpio_add(&B, &sp);
	expect_error("cpio: empty name (namesize 0) at offset 124", 1, __LINE__);

	B.len = 0;
	cpio_add(&B, &good);
	sp.namesize_fix = 1000;
	cpio_add(&B, &sp);
	cpio_add_trailer(&B, false);
	expect_error("cpio: name runs past the end (namesize 1005) at offset 234", 1, __LINE__);

	B.len = 0;
	cpio_add(&B, &good);
	sp.namesize_fix = -1; /* the name's last byte is 'd', not NUL */
	cpio_add(&B, &sp);
	cpio_add_trailer(&B, false);
	expect_error("cpio: name not NUL-terminated at offset 234", 1, __LINE__);

	two_entries(false);
	B.buf[at + 110 + 1] = '\0';
	expect_error("cpio: NUL inside the name at offset 234", 1, __LINE__);

	two_entries(false);
	B.len = at + 120; /* data at 240, one of its 5 bytes missing */
	expect_error("cpio: data of \"good\" runs past the end (5 bytes) at offset 240", 1,
		     __LINE__);

	at = two_entries(true);
	B.buf[at + 110 + 8] ^= 1; /* a data byte: the checksum no longer matches */
	expect_error("cpio: checksum mismatch for \"good\" at offset 240", 1, __LINE__);
	two_entries(true);
	B.buf[at + 6 + 8 * 12 + 7] ^= 1; /* the check field itself */
	expect_error("cpio: checksum mismatch for \"good\" at offset 240", 1, __LINE__);

	two_entries(false);
	B.len = 248 + 106; /* cut the trailer's header */
	expect_error("cpio: header cut short (106 of 110 bytes) at offset 248", 2, __LINE__);
	B.len = 248;
	expect_error("cpio: archive ends without a TRAILER!!! entry at offset 248", 2, __LINE__);

	two_entries(false);
	cpio_zeros(&B, 6);
	B.buf[B.len - 1] = 'x'; /* junk at an unaligned offset */
	snprintf(msg, sizeof(msg), "cpio: junk after an archive at offset %zu", B.len - 1);
	expect_error(msg, 2, __LINE__);
	two_entries(false);
	cpio_zeros(&B, 1);
	at = B.len; /* a second archive that starts unaligned */
	cpio_add(&B, &good);
	cpio_add_trailer(&B, false);
	snprintf(msg, sizeof(msg), "cpio: junk after an archive at offset %zu", at);
	expect_error(msg, 2, __LINE__);
	two_entries(false);
	cpio_zeros(&B, 4);
	cpio_put(&B, "0707", 4); /* aligned, but not a header */
	snprintf(msg, sizeof(msg), "cpio: header cut short (4 of 110 bytes) at offset %zu",
		 B.len - 4);
	expect_error(msg, 2, __LINE__);
}

UNIT_TEST(callback_error_stops_the_walk)
{
	static struct seen s;
	char err[128];

	two_entries(false);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	s.stop_with = -ENOSPC;
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &s, err, sizeof(err)), -ENOSPC);
	CHECK_EQ(s.n, 1);
	CHECK_STREQ(err, "cpio: stopped by the consumer (error -28) at \"good\" at offset 124");
	/* Positive returns mean "go on". */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	s.stop_with = 5;
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &s, err, sizeof(err)), 2);
}

UNIT_TEST(small_error_buffers)
{
	char err[8];

	two_entries(false);
	B.buf[0] = 'x';
	memset(err, 'X', sizeof(err));
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &(struct seen){0}, err, sizeof(err)), -EINVAL);
	CHECK_STREQ(err, "cpio: b");
	err[0] = 'X';
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &(struct seen){0}, err, 1), -EINVAL);
	CHECK_EQ(err[0], '\0');
	CHECK_EQ(cpio_parse(B.buf, B.len, record, &(struct seen){0}, NULL, 100), -EINVAL);
}

/* ---- fuzzing ---- */

#define FUZZ_ITERS 200000

static u64 rng_state = 0x853c49e6748fea9bull;

static u64 rnd(u64 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

struct fuzz_seen {
	const u8 *buf;
	size_t len;
	u32 n;
	bool bad;
};

/* Every delivered entry must be what cpio.h promises. */
static int fuzz_check(const struct cpio_entry *e, void *arg)
{
	struct fuzz_seen *f = arg;
	const u8 *name = (const u8 *)e->name, *data = e->data;

	f->n++;
	if (name < f->buf || name + e->namelen + 1 > f->buf + f->len || e->name[e->namelen] ||
	    memchr(e->name, 0, e->namelen) || !data || data < f->buf ||
	    e->size > (size_t)(f->buf + f->len - data) || (e->size && (data - f->buf) % 4) ||
	    (name - f->buf) % 4 != 2)
		f->bad = true;
	return 0;
}

static const char hexchars[] = "0123456789abcdefABCDEFgx \0";
static const u32 boundary[] = {0,    1,		 2,	     3,		 4,	     5,
			       0x6e, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000};

static void mutate(u8 *buf, size_t *len, const size_t *hdrs, u32 nhdrs)
{
	u64 pick = rnd(100);

	if (!*len)
		return;
	if (pick < 25) {
		buf[rnd(*len)] ^= (u8)(1u << rnd(8));
	} else if (pick < 40) {
		buf[rnd(*len)] = (u8)rnd(256);
	} else if (pick < 55) { /* one hex digit of a header */
		size_t at = hdrs[rnd(nhdrs)] + 6 + rnd(104);

		if (at < *len)
			buf[at] = (u8)hexchars[rnd(sizeof(hexchars) - 1)];
	} else if (pick < 85) { /* a whole field gets a boundary value (or near the old one) */
		size_t at = hdrs[rnd(nhdrs)] + 6 + 8 * rnd(13);
		char field[9];
		u32 v = boundary[rnd(ARRAY_SIZE(boundary))];

		if (rnd(3) == 0 && at + 8 <= *len) {
			memcpy(field, buf + at, 8);
			field[8] = '\0';
			v = (u32)strtoul(field, NULL, 16) + (u32)rnd(9) - 4;
		}
		snprintf(field, sizeof(field), "%08X", v);
		if (at + 8 <= *len)
			memcpy(buf + at, field, 8);
	} else if (pick < 95) {
		*len = rnd(*len + 1);
	} else { /* a header's magic */
		size_t at = hdrs[rnd(nhdrs)];

		if (at + 6 <= *len)
			memcpy(buf + at, rnd(2) ? "070702" : "070701", 6);
	}
}

UNIT_TEST(fuzz_never_crashes_and_entries_hold)
{
	static u8 tmpl[2][4096], buf[4096];
	static size_t tlen[2], hdrs[2][64];
	static u32 nh[2];
	static const char text[] = "#!/bin/sh\nexec /bin/busybox sh\n";
	struct cpio_spec specs[] = {
		{.name = ".", .mode = S_IFDIR | 0755},
		{.name = "bin", .mode = S_IFDIR | 0755},
		{.name = "bin/sh", .mode = S_IFLNK | 0777, .data = "busybox", .size = 7},
		{.name = "init", .mode = S_IFREG | 0755, .data = text, .size = sizeof(text) - 1},
		{.name = "x", .mode = S_IFREG | 0644, .nlink = 2, .ino = 9},
		{.name = "y",
		 .mode = S_IFREG | 0644,
		 .nlink = 2,
		 .ino = 9,
		 .data = "xy",
		 .size = 2},
		{.name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5, .rdevminor = 1},
	};
	u64 accepted = 0, refused = 0;
	char err[160];

	/* Template 0: one newc archive; template 1: crc + zeros + newc. */
	for (int t = 0; t < 2; t++) {
		B.len = 0;
		for (u32 i = 0; i < ARRAY_SIZE(specs); i++) {
			specs[i].crc = t == 1;
			hdrs[t][nh[t]++] = cpio_add(&B, &specs[i]);
		}
		hdrs[t][nh[t]++] = B.len;
		cpio_add_trailer(&B, t == 1);
		if (t == 1) {
			cpio_zeros(&B, 12);
			for (u32 i = 0; i < 3; i++) {
				specs[i].crc = false;
				hdrs[t][nh[t]++] = cpio_add(&B, &specs[i]);
			}
			hdrs[t][nh[t]++] = B.len;
			cpio_add_trailer(&B, false);
		}
		memcpy(tmpl[t], B.buf, B.len);
		tlen[t] = B.len;
		CHECK(cpio_parse(tmpl[t], tlen[t], record, &(struct seen){0}, NULL, 0) > 0);
	}

	for (int iter = 0; iter < FUZZ_ITERS; iter++) {
		int t = (int)rnd(2), ret, n = 1 + (int)rnd(3);
		size_t len = tlen[t];
		struct fuzz_seen f;
		u8 *copy;

		memcpy(buf, tmpl[t], len);
		for (int i = 0; i < n; i++)
			mutate(buf, &len, hdrs[t], nh[t]);
		/* An exact-size heap copy, so ASan sees any read past the end. */
		copy = malloc(len ? len : 1);
		memcpy(copy, buf, len);
		f = (struct fuzz_seen){copy, len, 0, false};
		err[0] = 'X';
		ret = cpio_parse(copy, len, fuzz_check, &f, err, sizeof(err));
		free(copy);
		if (f.bad || (ret >= 0 && (u32)ret != f.n) || (ret < 0 && ret != -EINVAL) ||
		    (ret == -EINVAL && !strstr(err, " at offset ")) || (ret >= 0 && err[0])) {
			unit_fail(__FILE__, __LINE__,
				  "iteration %d: ret %d, %u entries, bad %d: %s", iter, ret, f.n,
				  f.bad, err);
			break;
		}
		if (ret >= 0)
			accepted++;
		else
			refused++;
	}
	printf("# fuzz: %llu accepted, %llu refused\n", (unsigned long long)accepted,
	       (unsigned long long)refused);
	CHECK(accepted > FUZZ_ITERS / 20 && refused > FUZZ_ITERS / 20);
}
