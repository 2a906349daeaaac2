# SPDX-License-Identifier: BSD-2-Clause
# ChaCha20 against RFC 8439's vectors (kernel/lib/chacha20.c) and the
# random-number generator (kernel/lib/random.c, included into the test so it
# can check the constructions white-box), over the host spinlock stand-ins.
UNIT_TESTS += random
unit_random_SRCS := kernel/lib/chacha20.c kernel/arch/host/locks_host.c
unit_random_CFLAGS := -iquote kernel/lib
$(O)/unit/test_random: kernel/lib/random.c kernel/lib/chacha20.h
