/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fuzz_boot.c - random-mutation fuzzing of the boot-time parsers.
 *
 * Valid Multiboot 1 and 2 structures are built in a fake physical memory,
 * then damaged at random (bit flips, random bytes, "interesting" values such
 * as 0, 20, 0xffffffff written over sizes, counts and pointers) and fed to
 * mb1_parse()/mb2_parse(); whatever parses is then finalized. Random raw maps
 * (wrapping, overlapping, unaligned, more than fit) go straight to
 * bootinfo_finalize(), and random command lines to cmdline_parse(). The seed
 * is fixed and the iteration counts bounded, so a run is repeatable and takes
 * seconds under ASan/UBSan. After every call the invariants must hold: only
 * the documented return values, strings NUL-terminated inside their arrays,
 * counts within bounds, and after a successful finalize a sorted,
 * non-overlapping, merged map that agrees, at sampled addresses, with a
 * reference evaluation of the raw map.
 */
#include <stdint.h>
#include <string.h>

#include "bootinfo.h"
#include "cmdline.h"
#include "errno.h"
#include "unit.h"

#define FUZZ_MEM 0x10000u
#define IMG 0x800u /* the template lives in mem[0, IMG) */
#define PAGE 4096u

static u8 mem[FUZZ_MEM];
static u8 image[IMG];
static struct boot_info bi, raw;
static u64 rng_state;
static int iter;
static u32 nr_enospc; /* finalize calls that returned -ENOSPC */

static u64 rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static u32 rnd(u32 n)
{
	return (u32)(rnd64() % n);
}

static const void *fake_read(void *ctx, paddr_t phys, u64 len)
{
	if (phys + len < phys || phys + len > FUZZ_MEM)
		return NULL;
	return mem + phys;
}

static void put32(u64 at, u32 v)
{
	memcpy(mem + at, &v, 4);
}

static void put64(u64 at, u64 v)
{
	memcpy(mem + at, &v, 8);
}

static void putstr(u64 at, const char *s)
{
	memcpy(mem + at, s, strlen(s) + 1);
}

/* Report a broken invariant once, with the iteration, and stop the loop. */
#define FUZZ_CHECK(cond)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			unit_fail(__FILE__, __LINE__, "iteration %d: %s", iter, #cond); \
			return false;                                                   \
		}                                                                       \
	} while (0)

/* ---- reference evaluation of a raw map at one address ---- */

struct span {
	u64 base, end;
	u32 type;
};

/* Span i of raw (regions, kernel, modules) as finalize should see it. */
static bool ref_span(u32 i, u64 ks, u64 ke, struct span *s)
{
	u32 nr = MIN(raw.nr_regions, (u32)BOOT_MAX_REGIONS);

	if (i < nr) {
		const struct mem_region *r = &raw.regions[i];

		s->base = r->base;
		s->end = r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;
		s->type = r->type >= MEM_USABLE && r->type <= MEM_KERNEL ? r->type : MEM_RESERVED;
	} else if (i == nr) {
		*s = (struct span){ks, ke, MEM_KERNEL};
	} else {
		*s = (struct span){raw.modules[i - nr - 1].start, raw.modules[i - nr - 1].end,
				   MEM_MODULE};
	}
	return s->base < s->end;
}

static u32 ref_nr_spans(void)
{
	return MIN(raw.nr_regions, (u32)BOOT_MAX_REGIONS) + 1 +
	       MIN(raw.nr_modules, (u32)BOOT_MAX_MODULES);
}

static u32 ref_overlay(u64 ks, u64 ke, u64 x)
{
	struct span s;
	u32 t = 0;

	for (u32 i = 0; i < ref_nr_spans(); i++)
		if (ref_span(i, ks, ke, &s) && s.base <= x && x < s.end && s.type > t)
			t = s.type;
	return t;
}

/* Final type at x: the overlay, with usable kept only in wholly usable pages. */
static u32 ref_type(u64 ks, u64 ke, u64 x)
{
	u64 page = x & ~(u64)(PAGE - 1);
	struct span s;

	if (ref_overlay(ks, ke, x) != MEM_USABLE)
		return ref_overlay(ks, ke, x);
	if (page > UINT64_MAX - PAGE)
		return MEM_RESERVED; /* the top page is never whole */
	if (ref_overlay(ks, ke, page) != MEM_USABLE)
		return MEM_RESERVED;
	for (u32 i = 0; i < ref_nr_spans(); i++) {
		if (!ref_span(i, ks, ke, &s))
			continue;
		if (s.base > page && s.base < page + PAGE &&
		    ref_overlay(ks, ke, s.base) != MEM_USABLE)
			return MEM_RESERVED;
		if (s.end > page && s.end < page + PAGE && ref_overlay(ks, ke, s.end) != MEM_USABLE)
			return MEM_RESERVED;
	}
	return MEM_USABLE;
}

static u32 final_type(u64 x)
{
	for (u32 i = 0; i < bi.nr_regions; i++)
		if (x >= bi.regions[i].base && x - bi.regions[i].base < bi.regions[i].len)
			return bi.regions[i].type;
	return 0;
}

/* ---- invariants ---- */

static bool check_strings(void)
{
	FUZZ_CHECK(memchr(bi.cmdline, 0, sizeof(bi.cmdline)));
	FUZZ_CHECK(memchr(bi.loader_name, 0, sizeof(bi.loader_name)));
	for (u32 i = 0; i < BOOT_MAX_MODULES; i++)
		FUZZ_CHECK(memchr(bi.modules[i].cmdline, 0, sizeof(bi.modules[i].cmdline)));
	FUZZ_CHECK(!bi.cmdline_truncated || strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
	return true;
}

static bool check_parsed(int ret, u32 proto)
{
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	FUZZ_CHECK(bi.protocol == proto);
	FUZZ_CHECK(bi.nr_regions <= BOOT_MAX_REGIONS);
	FUZZ_CHECK(bi.nr_modules <= BOOT_MAX_MODULES);
	FUZZ_CHECK(bi.rsdp_len == 0 || bi.rsdp_len == 20 || bi.rsdp_len == 36);
	if (!check_strings())
		return false;
	for (u32 i = 0; ret == 0 && i < bi.nr_modules; i++)
		FUZZ_CHECK(bi.modules[i].start <= bi.modules[i].end);
	return true;
}

/* Sorted, non-overlapping, non-empty, merged, whole usable pages. */
static bool check_canonical(void)
{
	FUZZ_CHECK(bi.nr_regions <= BOOT_MAX_REGIONS);
	for (u32 i = 0; i < bi.nr_regions; i++) {
		const struct mem_region *r = &bi.regions[i], *prev = r - 1;

		FUZZ_CHECK(r->len > 0);
		FUZZ_CHECK(r->len <= UINT64_MAX - r->base);
		FUZZ_CHECK(r->type >= MEM_USABLE && r->type <= MEM_KERNEL);
		if (r->type == MEM_USABLE)
			FUZZ_CHECK(r->base % PAGE == 0 && r->len % PAGE == 0);
		if (i == 0)
			continue;
		FUZZ_CHECK(r->base >= prev->base + prev->len);
		FUZZ_CHECK(r->base != prev->base + prev->len || r->type != prev->type);
	}
	return true;
}

/* Compare with the reference at the edges of every span and region, and a bit around. */
static bool check_against_reference(u64 ks, u64 ke)
{
	for (u32 k = 0; k < 24; k++) {
		u32 nr_out = bi.nr_regions, pick = rnd(ref_nr_spans() + nr_out + 1);
		u64 x = rnd64(), a = 0, b = 0;
		struct span s;

		if (pick < ref_nr_spans() && ref_span(pick, ks, ke, &s)) {
			a = s.base;
			b = s.end;
		} else if (pick >= ref_nr_spans() && pick - ref_nr_spans() < nr_out) {
			a = bi.regions[pick - ref_nr_spans()].base;
			b = a + bi.regions[pick - ref_nr_spans()].len;
		}
		if (a < b) {
			u64 pts[6] = {a, b - 1, b, a - 1, a + rnd(PAGE), b - 1 - rnd(PAGE)};

			x = pts[rnd(6)];
		}
		FUZZ_CHECK(final_type(x) == ref_type(ks, ke, x));
	}
	return true;
}

static void random_kernel(u64 *ks, u64 *ke)
{
	if (rnd(4) == 0) {
		*ks = *ke = 0;
		return;
	}
	*ks = rnd(4) ? rnd(FUZZ_MEM * 4) : rnd64();
	*ke = *ks + rnd(0x20000);
	if (*ke < *ks)
		*ke = UINT64_MAX;
}

/* Finalize what is in bi and check the result. */
static bool finalize_and_check(void)
{
	u64 ks, ke;
	int ret;

	random_kernel(&ks, &ke);
	raw = bi;
	ret = bootinfo_finalize(&bi, ks, ke);
	FUZZ_CHECK(ret == 0 || ret == -ENOSPC);
	if (ret == -ENOSPC) {
		nr_enospc++;
		FUZZ_CHECK(memcmp(&bi, &raw, sizeof(bi)) == 0);
		return true;
	}
	if (!check_canonical() || !check_strings())
		return false;
	FUZZ_CHECK(bootinfo_usable_bytes(&bi) % PAGE == 0);
	return check_against_reference(ks, ke);
}

/* ---- mutation ---- */

/* Sizes around the minimums, overflow bait, and the edges of readable memory. */
static const u32 interesting[] = {
	0,	    1,		4,	    7,		8,	    15,		  16,
	19,	    20,		23,	    24,		32,	    36,		  0x100,
	0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff, FUZZ_MEM - 8, FUZZ_MEM - 1,
	FUZZ_MEM,   IMG,
};

/* Damage the template: hot is a list of field offsets worth hitting often. */
static void mutate(const u32 *hot, u32 nr_hot)
{
	for (u32 n = 1 + rnd(6); n > 0; n--) {
		u32 at = rnd(IMG - 4);

		switch (rnd(5)) {
		case 0:
			mem[at] ^= (u8)(1u << rnd(8));
			break;
		case 1:
			mem[at] = (u8)rnd(256);
			break;
		case 2:
			put32(at & ~3u, interesting[rnd(ARRAY_SIZE(interesting))]);
			break;
		default:
			at = hot[rnd(nr_hot)];
			put32(at,
			      rnd(3) ? interesting[rnd(ARRAY_SIZE(interesting))] : (u32)rnd64());
			break;
		}
	}
}

static void fill_background(void)
{
	for (u32 i = 0; i < FUZZ_MEM; i++)
		mem[i] = rnd(64) ? (u8)('A' + rnd(26)) : 0;
}

/* ---- Multiboot 1 ---- */

#define MB1_INFO 0x100u

static u32 mb1_hot[64];
static u32 mb1_nr_hot;

static void mb1_template(void)
{
	static const u32 fields[] = {0, 4, 8, 16, 20, 24, 44, 48, 64};
	u32 e = 0x400;

	memset(mem, 0, IMG);
	put32(MB1_INFO, 0x24d);
	put32(MB1_INFO + 4, 639);
	put32(MB1_INFO + 8, 65536);
	put32(MB1_INFO + 16, 0x200);
	putstr(0x200, "console=ttyS0 init=\"/bin/sh -l\"");
	put32(MB1_INFO + 20, 2);
	put32(MB1_INFO + 24, 0x300);
	put32(0x300, 0x200000);
	put32(0x304, 0x201000);
	put32(0x308, 0x380);
	put32(0x310, 0x300000);
	put32(0x314, 0x300800);
	putstr(0x380, "initrd");
	for (u32 i = 0; i < ARRAY_SIZE(fields); i++)
		mb1_hot[mb1_nr_hot++] = MB1_INFO + fields[i];
	for (u32 i = 0; i < 8; i++) {
		mb1_hot[mb1_nr_hot++] = e;
		put32(e, i == 3 ? 28 : 20);
		put64(e + 4, (u64)i * 0x123400);
		put64(e + 12, 0x100000 + i * 0x1111);
		put32(e + 20, 1 + i % 5);
		e += 4 + (i == 3 ? 28 : 20);
	}
	put32(MB1_INFO + 44, e - 0x400);
	put32(MB1_INFO + 48, 0x400);
	put32(MB1_INFO + 64, 0x700);
	putstr(0x700, "fuzz loader");
	memcpy(image, mem, IMG);
}

UNIT_TEST(fuzz_multiboot1)
{
	u32 parsed = 0;

	rng_state = 0x1234567887654321ull;
	fill_background();
	mb1_template();
	for (iter = 0; iter < 60000; iter++) {
		int ret;

		memcpy(mem, image, IMG);
		if (iter)
			mutate(mb1_hot, mb1_nr_hot);
		ret = mb1_parse(&bi, MB1_INFO, fake_read, NULL);
		if (!check_parsed(ret, BOOT_PROTO_MULTIBOOT1))
			break;
		if (ret == 0 && (parsed++, !finalize_and_check()))
			break;
	}
	/* The mutations must leave a fair share parseable to reach finalize. */
	CHECK(parsed > 6000);
	CHECK(parsed < 54000);
}

/* ---- Multiboot 2 ---- */

#define MB2_INFO 0x100u

static u32 mb2_hot[64];
static u32 mb2_nr_hot;
static u32 mb2_off;

static void mb2_tag(u32 type, const void *payload, u32 len)
{
	u32 at = MB2_INFO + mb2_off;

	mb2_hot[mb2_nr_hot++] = at;
	mb2_hot[mb2_nr_hot++] = at + 4;
	put32(at, type);
	put32(at + 4, 8 + len);
	if (len)
		memcpy(mem + at + 8, payload, len);
	mb2_off += (8 + len + 7) & ~7u;
}

static void mb2_template(void)
{
	u8 p[256];
	u32 v[2];

	memset(mem, 0, IMG);
	mb2_off = 8;
	mb2_hot[mb2_nr_hot++] = MB2_INFO;
	mb2_tag(1, "quiet loglevel=4", 17);
	mb2_tag(2, "fuzz loader", 12);
	v[0] = 0x400000;
	v[1] = 0x480000;
	memcpy(p, v, 8);
	memcpy(p + 8, "initrd", 7);
	mb2_tag(3, p, 15);
	v[0] = 639;
	v[1] = 65536;
	mb2_tag(4, v, 8);
	v[0] = 24;
	v[1] = 0;
	memcpy(p, v, 8);
	for (u32 i = 0; i < 6; i++) {
		u64 base = (u64)i * 0x234500, len = 0x200000 - i * 0x3333;
		u32 type = 1 + i % 5, zero = 0;

		memcpy(p + 8 + i * 24, &base, 8);
		memcpy(p + 16 + i * 24, &len, 8);
		memcpy(p + 24 + i * 24, &type, 4);
		memcpy(p + 28 + i * 24, &zero, 4);
	}
	mb2_hot[mb2_nr_hot++] = MB2_INFO + mb2_off + 8; /* entry_size */
	mb2_tag(6, p, 8 + 6 * 24);
	memset(p, 'R', 36);
	mb2_tag(14, p, 20);
	mb2_tag(15, p, 36);
	mb2_tag(99, p, 5);
	mb2_tag(0, NULL, 0);
	put32(MB2_INFO, mb2_off);
	memcpy(image, mem, IMG);
}

UNIT_TEST(fuzz_multiboot2)
{
	u32 parsed = 0;

	rng_state = 0x0badc0ffee15600dull;
	fill_background();
	mb2_template();
	for (iter = 0; iter < 60000; iter++) {
		int ret;

		memcpy(mem, image, IMG);
		if (iter)
			mutate(mb2_hot, mb2_nr_hot);
		ret = mb2_parse(&bi, MB2_INFO, fake_read, NULL);
		if (!check_parsed(ret, BOOT_PROTO_MULTIBOOT2))
			break;
		if (ret == 0 && (parsed++, !finalize_and_check()))
			break;
	}
	CHECK(parsed > 6000);
	CHECK(parsed < 54000);
}

/* ---- raw maps straight into finalize ---- */

static u64 random_addr(void)
{
	switch (rnd(6)) {
	case 0:
		return rnd64();
	case 1:
		return UINT64_MAX - rnd(0x10000);
	case 2:
		return (u64)rnd(0x1000) * PAGE;
	default:
		return rnd(0x400000);
	}
}

static u64 random_len(void)
{
	switch (rnd(6)) {
	case 0:
		return rnd64();
	case 1:
		return 0;
	case 2:
		return (u64)(1 + rnd(64)) * PAGE;
	default:
		return 1 + rnd(0x40000);
	}
}

/*
 * Mostly small maps; now and then a big one, which in "sparse" form (short
 * entries spread apart) tends to need more than BOOT_MAX_REGIONS results.
 */
static void random_raw_map(void)
{
	bool big = rnd(40) == 0, sparse = big && rnd(2);
	u32 n = big ? rnd(2 * BOOT_MAX_REGIONS) : rnd(24);

	memset(&bi, 0, sizeof(bi));
	for (u32 i = 0; i < n; i++) {
		if (sparse)
			(void)bootinfo_add_region(&bi, (u64)rnd(0x400) << 16, 1 + rnd(0x8000),
						  1 + rnd(MEM_BOOTLOADER));
		else
			(void)bootinfo_add_region(&bi, random_addr(), random_len(), rnd(11));
	}
	bi.nr_modules = rnd(4) ? 0 : rnd(BOOT_MAX_MODULES + 1);
	for (u32 i = 0; i < bi.nr_modules; i++) {
		bi.modules[i].start = random_addr();
		bi.modules[i].end = bi.modules[i].start + random_len();
	}
}

UNIT_TEST(fuzz_finalize_random_maps)
{
	u32 fitted = 0, truncated = 0;

	rng_state = 0xfeedfacecafebeefull;
	for (iter = 0; iter < 30000; iter++) {
		random_raw_map();
		truncated += bi.regions_truncated;
		if (!finalize_and_check())
			break;
		fitted += bi.nr_regions > 0 && memcmp(&bi, &raw, sizeof(bi)) != 0;
	}
	/* Both outcomes must have been exercised. */
	CHECK(fitted > 20000);
	CHECK(truncated > 50);
	CHECK(nr_enospc > 20);
}

/* ---- command lines ---- */

static int cl_warnings;
static bool cl_ok = true;

static int fz_flag(const char *val)
{
	cl_ok &= val == NULL;
	return rnd(8) ? 0 : -EINVAL;
}

static int fz_value(const char *val)
{
	cl_ok &= val != NULL && !strchr(val, '"') && strlen(val) < CMDLINE_WORD_MAX;
	return rnd(4) ? 0 : -EINVAL;
}

static const struct cmdline_param fz_params[] = {
	{"quiet", fz_flag, CMDLINE_FLAG},
	{"loglevel", fz_value, CMDLINE_VALUE},
	{"init", fz_value, CMDLINE_VALUE},
	{"x", fz_flag, CMDLINE_FLAG},
};

static void fz_warn(void *ctx, const char *msg)
{
	size_t n = strnlen(msg, 1024);

	cl_ok &= n > 0 && n < 1024;
	cl_warnings++;
}

static void random_cmdline(char *buf, size_t cap)
{
	static const char *const tokens[] = {
		"quiet", "loglevel", "init", "x", "=", "\"", " ", "\t", "7", "abc", "==", "\" \"",
	};
	size_t n = 0, want = rnd(8) ? rnd(80) : rnd((u32)cap);

	while (n < want) {
		const char *t = tokens[rnd(ARRAY_SIZE(tokens))];
		size_t len = strlen(t);

		if (rnd(16) == 0) {	/* a long run to cross CMDLINE_WORD_MAX */
			len = rnd(400); /* not inside MIN(): evaluated twice */
			len = MIN(len, want - n);
			memset(buf + n, 'k', len);
		} else {
			len = MIN(len, want - n);
			memcpy(buf + n, t, len);
		}
		n += len;
	}
	buf[n] = '\0';
}

UNIT_TEST(fuzz_cmdline)
{
	static char line[2048];

	rng_state = 0x5eed5eed5eed5eedull;
	for (iter = 0; iter < 50000; iter++) {
		int ret;

		random_cmdline(line, sizeof(line) - 1);
		cl_warnings = 0;
		ret = cmdline_parse(line, fz_params, fz_params + ARRAY_SIZE(fz_params), fz_warn,
				    NULL);
		if (ret != cl_warnings || ret < 0 || !cl_ok) {
			unit_fail(__FILE__, __LINE__,
				  "iteration %d: ret %d, %d warnings, ok %d: '%s'", iter, ret,
				  cl_warnings, cl_ok, line);
			break;
		}
	}
}
