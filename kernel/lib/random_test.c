/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * random_test.c - ktests for the random-number generator (random.c) and
 * ChaCha20 (chacha20.c) built with the kernel's flags: the RFC 8439 block
 * vector, draws that differ, and a loose bit-balance check over 64 KiB of
 * output (the host test, tests/unit/test_random.c, checks the construction
 * itself in depth).
 */
#include "chacha20.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "random.h"

KTEST(random, chacha20_rfc8439_block)
{
	/* RFC 8439 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
	static const u8 want_head[8] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15};
	static const u8 want_tail[8] = {0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
	static const u8 nonce[12] = {0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0};
	u8 key[32], out[64];

	for (int i = 0; i < 32; i++)
		key[i] = (u8)i;
	chacha20_block(key, 1, nonce, out);
	KT_EXPECT(t, memcmp(out, want_head, 8) == 0);
	KT_EXPECT(t, memcmp(out + 56, want_tail, 8) == 0);
}

KTEST(random, draws_differ)
{
	u8 a[32], b[32];

	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KT_EXPECT(t, memcmp(a, b, sizeof(a)) != 0);
	KT_EXPECT(t, get_random_u64() != get_random_u64());
}

KTEST(random, bit_balance_64k)
{
	const size_t n = 64 * 1024;
	u8 *buf = kmalloc(n);
	u64 ones = 0, bits = n * 8;

	KT_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	get_random_bytes(buf, n);
	for (size_t i = 0; i < n; i++)
		for (u32 v = buf[i]; v; v &= v - 1) /* no popcount: it may need libgcc */
			ones++;
	/* Expect bits/2 ones, sigma = sqrt(bits)/2 = 362: allow about 11 sigma. */
	KT_EXPECT(t, ones > bits / 2 - 4096 && ones < bits / 2 + 4096);
	kfree(buf);
}
