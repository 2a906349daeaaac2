/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chacha20.h - the ChaCha20 block function and keystream of RFC 8439
 * (kernel/lib/random.c), private to kernel/lib: the random-number generator
 * is built on them, and the tests check them against the RFC's vectors.
 */
#ifndef MATRIOSKA_CHACHA20_H
#define MATRIOSKA_CHACHA20_H

#include "types.h"

#define CHACHA20_KEY_SIZE 32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/* One 64-byte block for (key, 32-bit block counter, 96-bit nonce) (RFC 8439 2.3). */
void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE]);

/*
 * len bytes of keystream starting at block `counter` (encryption XORs it
 * with the plaintext, RFC 8439 2.4). The caller keeps counter + blocks
 * below 2^32.
 */
void chacha20_stream(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		     const u8 nonce[CHACHA20_NONCE_SIZE], u8 *out, size_t len);

#endif
