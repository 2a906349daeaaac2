/* SPDX-License-Identifier: BSD-2-Clause */
/* arch_thread.h (host) - host unit tests never switch threads: an empty context. */
#ifndef MATRIOSKA_ARCH_THREAD_H
#define MATRIOSKA_ARCH_THREAD_H

#include "types.h"

struct arch_thread {
	u64 unused;
};

#endif
