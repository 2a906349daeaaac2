/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch_host.h - test-only controls of the host arch layer (fake console
 * capture and fake clock). Only tests/unit/ includes this.
 */
#ifndef MATRIOSKA_ARCH_HOST_H
#define MATRIOSKA_ARCH_HOST_H

#include "types.h"

const char *host_console_text(void);
void host_console_clear(void);
void host_clock_set_ns(u64 ns);

#endif
