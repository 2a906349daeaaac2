/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * random.c - the kernel's random-number generator (random.h): one 256-bit
 * ChaCha20 key, the "pool", from which all output is derived and into
 * which all entropy is mixed.
 *
 * Output (fast key erasure): each request, under the lock, computes one
 * ChaCha20 block with the pool key K and a never-repeating nonce
 * (DOMAIN_KEY, generation++); its first 32 bytes replace K at once and its
 * last 32 bytes become a one-time request key R. The caller's bytes are
 * then ChaCha20(R, nonce (DOMAIN_OUT, 0)) keystream, made outside the lock,
 * with R re-derived the same way every REKEY_BYTES; R and every block are
 * wiped afterwards. So nothing that produced earlier output survives in
 * memory: the state, if stolen, does not give past output away.
 *
 * Mixing (random_add_entropy): the input is taken 32 bytes at a time; each
 * chunk c (zero-padded, its length n in the block counter) updates the pool
 * as K = first 32 bytes of ChaCha20(K xor c, counter n, nonce (DOMAIN_MIX,
 * generation++)). ChaCha20 keyed by K xor c is a PRF: while K is secret,
 * K xor c is uniformly secret whatever c is, so inputs an attacker chooses
 * cannot reduce what the pool holds; while K is known (before seeding), the
 * unknown bits of c are carried into the new key. It is a keyed
 * compression function built on the ChaCha20 permutation, not a proven
 * hash; it is what this kernel uses until it has one (e.g. BLAKE2s).
 *
 * Seeding (random_init, boot stage 2): up to 8 words from RDSEED/RDRAND
 * (arch_random_u64) when the CPU has them, the cycle counter and clock, and
 * cycle-counter deltas around repeated ChaCha20 blocks (timer jitter; under
 * an emulator without RDRAND this is all there is, and it is weak). Until
 * then, every request first stirs in the cycle counter, so early output is
 * at least not constant.
 *
 * Locking: crng.lock (a leaf spinlock, taken with interrupts off: any
 * context may ask for random bytes) covers key, generation and seeded.
 */
#include "random.h"
#include "arch.h"
#include "chacha20.h"
#include "klog.h"
#include "lib.h"
#include "sync.h"

#define DOMAIN_KEY 1		/* nonce word 0: deriving the next pool key and a request key */
#define DOMAIN_OUT 2		/* output keystream under a request key */
#define DOMAIN_MIX 3		/* mixing input into the pool */
#define REKEY_BYTES (64 * 1024) /* output bytes per request key */
#define SEED_HW_WORDS 8
#define SEED_JITTER_SAMPLES 32

static struct {
	struct spinlock lock;
	u8 key[CHACHA20_KEY_SIZE]; /* the pool; replaced on every use */
	u64 generation;		   /* nonce counter: no (domain, generation) repeats */
	bool seeded;		   /* random_init() has run */
} crng = {.lock = SPINLOCK_INIT("random", LOCK_RANK_NONE)};

static void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void make_nonce(u8 nonce[CHACHA20_NONCE_SIZE], u32 domain, u64 counter)
{
	for (int i = 0; i < 4; i++)
		nonce[i] = (u8)(domain >> (8 * i));
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (u8)(counter >> (8 * i));
}

/* Mix len bytes into the pool key (see the file comment). crng.lock held. */
static void mix_locked(const u8 *data, size_t len)
{
	u8 k[CHACHA20_KEY_SIZE], nonce[CHACHA20_NONCE_SIZE], block[CHACHA20_BLOCK_SIZE];

	do {
		size_t n = MIN(len, sizeof(k));

		for (size_t i = 0; i < sizeof(k); i++)
			k[i] = crng.key[i] ^ (i < n ? data[i] : 0);
		make_nonce(nonce, DOMAIN_MIX, crng.generation++);
		chacha20_block(k, (u32)n, nonce, block);
		memcpy(crng.key, block, sizeof(crng.key));
		data += n;
		len -= n;
	} while (len);
	wipe(k, sizeof(k));
	wipe(block, sizeof(block));
}

/* Replace the pool key and hand out a one-time request key. */
static void next_request_key(u8 rkey[CHACHA20_KEY_SIZE])
{
	u8 nonce[CHACHA20_NONCE_SIZE], block[CHACHA20_BLOCK_SIZE];
	unsigned long flags = spin_lock_irqsave(&crng.lock);

	if (!crng.seeded) {
		u64 c = arch_cycles();

		mix_locked((const u8 *)&c, sizeof(c));
	}
	make_nonce(nonce, DOMAIN_KEY, crng.generation++);
	chacha20_block(crng.key, 0, nonce, block);
	memcpy(crng.key, block, CHACHA20_KEY_SIZE);
	spin_unlock_irqrestore(&crng.lock, flags);
	memcpy(rkey, block + CHACHA20_KEY_SIZE, CHACHA20_KEY_SIZE);
	wipe(block, sizeof(block));
}

void get_random_bytes(void *buf, size_t n)
{
	u8 rkey[CHACHA20_KEY_SIZE], nonce[CHACHA20_NONCE_SIZE];
	u8 *out = buf;

	make_nonce(nonce, DOMAIN_OUT, 0);
	while (n) {
		size_t chunk = MIN(n, (size_t)REKEY_BYTES);

		next_request_key(rkey);
		chacha20_stream(rkey, 0, nonce, out, chunk);
		out += chunk;
		n -= chunk;
	}
	wipe(rkey, sizeof(rkey));
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

void random_add_entropy(const void *data, size_t len)
{
	const u8 *p = data;

	/* One chunk per lock hold: long inputs do not keep interrupts off. */
	while (len) {
		size_t n = MIN(len, (size_t)CHACHA20_KEY_SIZE);
		unsigned long flags = spin_lock_irqsave(&crng.lock);

		mix_locked(p, n);
		spin_unlock_irqrestore(&crng.lock, flags);
		p += n;
		len -= n;
	}
}

void random_init(void)
{
	u64 seed[SEED_HW_WORDS + 2 + SEED_JITTER_SAMPLES];
	u8 scratch[CHACHA20_BLOCK_SIZE] = {0}, out[CHACHA20_BLOCK_SIZE];
	u32 n = 0, hw = 0;
	unsigned long flags;

	for (int i = 0; i < SEED_HW_WORDS; i++) {
		if (!arch_random_u64(&seed[n]))
			break; /* no such instruction, or it keeps failing */
		n++;
		hw++;
	}
	seed[n++] = arch_cycles();
	seed[n++] = arch_clock_ns();
	/* Jitter: how long blocks take varies with caches, interrupts, the host. */
	for (int i = 0; i < SEED_JITTER_SAMPLES; i++) {
		u64 t0 = arch_cycles();

		for (int j = 0; j <= i % 4; j++) {
			chacha20_block(scratch, (u32)j, scratch + 32, out);
			memcpy(scratch, out, sizeof(scratch));
		}
		seed[n++] = (arch_cycles() - t0) ^ (t0 << 32) ^ scratch[i % sizeof(scratch)];
	}
	random_add_entropy(seed, n * sizeof(seed[0]));
	flags = spin_lock_irqsave(&crng.lock);
	crng.seeded = true;
	spin_unlock_irqrestore(&crng.lock, flags);
	wipe(seed, sizeof(seed));
	wipe(scratch, sizeof(scratch));
	wipe(out, sizeof(out));
	if (hw)
		pr_info("random: seeded from %u RDSEED/RDRAND words and %u timer samples", hw,
			SEED_JITTER_SAMPLES);
	else
		pr_warn("random: no RDSEED/RDRAND: seeded from %u timer samples only (weak under "
			"emulation)",
			SEED_JITTER_SAMPLES);
}
