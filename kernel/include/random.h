/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * random.h - the kernel's random-number generator (kernel/lib/random.c): a
 * ChaCha20-based CSPRNG (RFC 8439 block function), seeded at boot from
 * RDSEED/RDRAND when the CPU has them and from timer jitter always, and
 * re-keyed after every request (fast key erasure) so past output cannot be
 * recomputed from the state. Serves getrandom(2), /dev/random,
 * /dev/urandom, AT_RANDOM and KASLR-style choices.
 */
#ifndef MATRIOSKA_RANDOM_H
#define MATRIOSKA_RANDOM_H

#include "types.h"

/* Fill buf with n random bytes. Any context (takes a spinlock with IRQs off). */
void get_random_bytes(void *buf, size_t n);
u64 get_random_u64(void);
/* Stir len bytes of (possibly low-quality) entropy into the state. */
void random_add_entropy(const void *data, size_t len);
/* Seed from the hardware at boot (stage 2). */
void random_init(void);

#endif
