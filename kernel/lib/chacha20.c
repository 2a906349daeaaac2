/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chacha20.c - the ChaCha20 block function of RFC 8439 section 2.3 and the
 * keystream built from consecutive blocks (section 2.4), written from the
 * RFC's description: a 4x4 matrix of 32-bit words (4 constants, the 8-word
 * key, a block counter and a 3-word nonce, all little-endian), 20 rounds
 * (10 "double rounds": 4 column then 4 diagonal quarter rounds), the input
 * added back in, serialized little-endian. Plain C, no SIMD (the kernel
 * is built without SSE). Used by the random-number generator (random.c).
 */
#include "chacha20.h"
#include "lib.h"

static inline u32 rotl32(u32 v, int n)
{
	return (v << n) | (v >> (32 - n));
}

static inline u32 load_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static inline void store_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static inline void quarter_round(u32 *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

/* Clear secrets in a way the compiler cannot drop as a dead store. */
static void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE])
{
	u32 s[16], x[16];

	s[0] = 0x61707865; /* "expand 32-byte k" */
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = load_le32(key + 4 * i);
	s[12] = counter;
	for (int i = 0; i < 3; i++)
		s[13 + i] = load_le32(nonce + 4 * i);

	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + s[i]);
	wipe(x, sizeof(x));
	wipe(s, sizeof(s));
}

void chacha20_stream(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		     const u8 nonce[CHACHA20_NONCE_SIZE], u8 *out, size_t len)
{
	u8 block[CHACHA20_BLOCK_SIZE];

	while (len >= CHACHA20_BLOCK_SIZE) {
		chacha20_block(key, counter++, nonce, out);
		out += CHACHA20_BLOCK_SIZE;
		len -= CHACHA20_BLOCK_SIZE;
	}
	if (len) {
		chacha20_block(key, counter, nonce, block);
		memcpy(out, block, len);
		wipe(block, sizeof(block));
	}
}
