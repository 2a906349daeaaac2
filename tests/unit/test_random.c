/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_random.c - host tests for ChaCha20 (kernel/lib/chacha20.c) and the
 * random-number generator (kernel/lib/random.c).
 *
 * ChaCha20 is checked against RFC 8439's vectors: the block function
 * (section 2.3.2), the encryption example (section 2.4.2, which runs the
 * keystream over two blocks and a partial one) and the all-zero vector of
 * appendix A.1. random.c is included into this file (white-box), so the
 * tests can read the pool key and check the documented constructions
 * exactly: that every request replaces the key and draws its output from a
 * one-time key (fast key erasure), the re-keying of long requests, the
 * mixing of entropy chunk by chunk, the stirring of the cycle counter before
 * seeding. Then plain behaviour: sizes, distinct draws, a loose statistical
 * check on 1 MiB.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/lib/random.c"
#include "arch_host.h"
#include "unit.h"

static char warns[1024];

void klog(int level, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(warns);

	va_start(ap, fmt);
	vsnprintf(warns + n, sizeof(warns) - n, fmt, ap);
	va_end(ap);
	n = strlen(warns);
	snprintf(warns + n, sizeof(warns) - n, "|%d\n", level);
}

static void unhex(const char *hex, u8 *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (u8)v;
	}
}

static bool equal_hex(const u8 *p, const char *hex)
{
	u8 want[256];
	size_t n = strlen(hex) / 2;

	unhex(hex, want, n);
	return memcmp(p, want, n) == 0;
}

/* ---- ChaCha20, RFC 8439 ---- */

UNIT_TEST(chacha20_block_rfc8439_2_3_2)
{
	u8 key[32], nonce[12], out[64];

	for (int i = 0; i < 32; i++)
		key[i] = (u8)i;
	unhex("000000090000004a00000000", nonce, 12);
	chacha20_block(key, 1, nonce, out);
	CHECK(equal_hex(out, "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
			     "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));
}

UNIT_TEST(chacha20_zero_key_rfc8439_a_1)
{
	u8 key[32] = {0}, nonce[12] = {0}, out[64];

	chacha20_block(key, 0, nonce, out);
	CHECK(equal_hex(out, "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
			     "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
}

UNIT_TEST(chacha20_encryption_rfc8439_2_4_2)
{
	static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer "
				    "you only one tip for the future, sunscreen would be it.";
	u8 key[32], nonce[12], ks[sizeof(plain) - 1], ct[sizeof(plain) - 1];

	for (int i = 0; i < 32; i++)
		key[i] = (u8)i;
	unhex("000000000000004a00000000", nonce, 12);
	CHECK_EQ(sizeof(ct), 114);
	chacha20_stream(key, 1, nonce, ks, sizeof(ks));
	for (size_t i = 0; i < sizeof(ct); i++)
		ct[i] = (u8)(plain[i] ^ ks[i]);
	CHECK(equal_hex(ct, "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
			    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
			    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
			    "5af90bbf74a35be6b40b8eedf2785e42874d"));
}

UNIT_TEST(chacha20_stream_is_consistent_across_lengths)
{
	u8 key[32], nonce[12] = {1, 2, 3}, whole[300], part[300];

	for (int i = 0; i < 32; i++)
		key[i] = (u8)(i * 13);
	chacha20_stream(key, 7, nonce, whole, sizeof(whole));
	for (size_t n = 0; n <= sizeof(part); n++) {
		memset(part, 0xee, sizeof(part));
		chacha20_stream(key, 7, nonce, part, n);
		CHECK(memcmp(part, whole, n) == 0);
		if (n < sizeof(part))
			CHECK_EQ(part[n], 0xee); /* not one byte more */
	}
	/* Starting one block later is the same stream shifted by 64 bytes. */
	chacha20_stream(key, 8, nonce, part, 64);
	CHECK(memcmp(part, whole + 64, 64) == 0);
}

/* ---- the generator's constructions, recomputed ---- */

struct ref_state {
	u8 key[32];
	u64 generation;
};

static void save(struct ref_state *r)
{
	memcpy(r->key, crng.key, 32);
	r->generation = crng.generation;
}

/* What one request key derivation does, computed from the outside. */
static void ref_request_key(struct ref_state *r, u8 rkey[32])
{
	u8 nonce[12], block[64];

	make_nonce(nonce, DOMAIN_KEY, r->generation++);
	chacha20_block(r->key, 0, nonce, block);
	memcpy(r->key, block, 32);
	memcpy(rkey, block + 32, 32);
}

static void ref_output(struct ref_state *r, u8 *out, size_t n)
{
	u8 rkey[32], nonce[12];

	make_nonce(nonce, DOMAIN_OUT, 0);
	while (n) {
		size_t chunk = n < REKEY_BYTES ? n : REKEY_BYTES;

		ref_request_key(r, rkey);
		chacha20_stream(rkey, 0, nonce, out, chunk);
		out += chunk;
		n -= chunk;
	}
}

UNIT_TEST(init_seeds_and_says_how)
{
	u8 before[32];

	memcpy(before, crng.key, 32);
	warns[0] = '\0';
	random_init();
	CHECK(crng.seeded);
	CHECK(memcmp(before, crng.key, 32) != 0);
	CHECK(strstr(warns, "random: no RDSEED/RDRAND") != NULL); /* the host has neither */
}

UNIT_TEST(fast_key_erasure_exactly_as_documented)
{
	static u8 out[REKEY_BYTES * 2 + 100], want[sizeof(out)];
	static const size_t sizes[] = {
		1, 31, 32, 33, 64, 100, REKEY_BYTES, REKEY_BYTES + 1, sizeof(out)};
	struct ref_state r;

	random_init();
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 old[32];
		u64 gen = crng.generation;

		save(&r);
		memcpy(old, crng.key, 32);
		get_random_bytes(out, sizes[i]);
		ref_output(&r, want, sizes[i]);
		CHECK(memcmp(out, want, sizes[i]) == 0);
		CHECK(memcmp(crng.key, r.key, 32) == 0); /* the pool key was replaced... */
		CHECK(memcmp(crng.key, old, 32) != 0);
		/* ...once per REKEY_BYTES of output. */
		CHECK_EQ(crng.generation, r.generation);
		CHECK_EQ(crng.generation - gen, (sizes[i] + REKEY_BYTES - 1) / REKEY_BYTES);
	}
}

UNIT_TEST(mixing_exactly_as_documented)
{
	u8 data[40], k[32], nonce[12], block[64];
	struct ref_state r;

	for (int i = 0; i < 40; i++)
		data[i] = (u8)(0xa0 + i);
	random_init();
	save(&r);
	random_add_entropy(data, sizeof(data));
	/* Chunk 1: 32 bytes; chunk 2: 8 bytes, zero-padded, length 8 in the counter. */
	for (int c = 0; c < 2; c++) {
		size_t n = c == 0 ? 32 : 8;

		for (size_t i = 0; i < 32; i++)
			k[i] = r.key[i] ^ (i < n ? data[32 * c + i] : 0);
		make_nonce(nonce, DOMAIN_MIX, r.generation++);
		chacha20_block(k, (u32)n, nonce, block);
		memcpy(r.key, block, 32);
	}
	CHECK(memcmp(crng.key, r.key, 32) == 0);
	CHECK_EQ(crng.generation, r.generation);
}

/* Restore a saved state into the generator (white-box). */
static void restore(const struct ref_state *r, bool seeded)
{
	memcpy(crng.key, r->key, 32);
	crng.generation = r->generation;
	crng.seeded = seeded;
}

UNIT_TEST(mixing_tells_inputs_apart)
{
	struct ref_state s;
	u8 k1[32], k2[32], k3[32], k4[32];

	random_init();
	save(&s);
	random_add_entropy("a", 1);
	memcpy(k1, crng.key, 32);
	restore(&s, true);
	random_add_entropy("a\0", 2); /* zero padding cannot make these collide */
	memcpy(k2, crng.key, 32);
	restore(&s, true);
	random_add_entropy("b", 1);
	memcpy(k3, crng.key, 32);
	restore(&s, true);
	random_add_entropy("a", 1);
	memcpy(k4, crng.key, 32);
	CHECK(memcmp(k1, k2, 32) != 0);
	CHECK(memcmp(k1, k3, 32) != 0);
	CHECK(memcmp(k1, k4, 32) == 0); /* deterministic: same state, same input */
	random_add_entropy(NULL, 0);	/* nothing to mix: no change */
	CHECK(memcmp(k4, crng.key, 32) == 0);
}

UNIT_TEST(unseeded_requests_stir_in_the_cycle_counter)
{
	struct ref_state s;
	u8 a[16], b[16], c[16];

	random_init();
	save(&s);
	restore(&s, false);
	host_clock_set_ns(1000);
	get_random_bytes(a, sizeof(a));
	restore(&s, false);
	host_clock_set_ns(1001);
	get_random_bytes(b, sizeof(b));
	restore(&s, true);
	get_random_bytes(c, sizeof(c)); /* seeded: the counter plays no part */
	CHECK(memcmp(a, b, 16) != 0);
	CHECK(memcmp(a, c, 16) != 0);
	restore(&s, true);
	host_clock_set_ns(5);
	get_random_bytes(a, sizeof(a));
	CHECK(memcmp(a, c, 16) == 0);
	random_init();
}

/* ---- behaviour ---- */

UNIT_TEST(draws_differ_and_every_size_works)
{
	static u8 prev[200], cur[200];

	random_init();
	get_random_bytes(NULL, 0);
	for (size_t n = 1; n <= sizeof(cur); n++) {
		memset(cur, 0, sizeof(cur));
		get_random_bytes(cur, n);
		if (n >= 8)
			CHECK(memcmp(cur, prev, n) != 0);
		for (size_t i = n; i < sizeof(cur); i++)
			if (cur[i]) {
				unit_fail(__FILE__, __LINE__, "size %zu wrote byte %zu", n, i);
				break;
			}
		memcpy(prev, cur, sizeof(prev));
	}
	CHECK(get_random_u64() != get_random_u64());
}

UNIT_TEST(output_looks_uniform)
{
	const size_t n = 1 << 20;
	u8 *buf = malloc(n);
	u64 counts[256] = {0}, ones = 0;
	double chi2 = 0, expect = (double)n / 256;

	random_init();
	get_random_bytes(buf, n);
	for (size_t i = 0; i < n; i++) {
		counts[buf[i]]++;
		ones += (u64)__builtin_popcount(buf[i]);
	}
	for (int v = 0; v < 256; v++)
		chi2 += (counts[v] - expect) * (counts[v] - expect) / expect;
	/* 8 Mbit: sigma 1448 ones; chi-square with 255 degrees of freedom: mean 255, sd 22.6. */
	CHECK(ones > n * 4 - 10000 && ones < n * 4 + 10000);
	CHECK(chi2 < 400);
	free(buf);
}
