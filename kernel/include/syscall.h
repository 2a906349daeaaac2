/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscall.h - the generic system-call dispatcher (kernel/core/syscall.c).
 * The arch entry code collects the number and six arguments and calls
 * syscall_dispatch(); native calls (abi/matrioska/syscall.h) are handled
 * here, everything else goes to the Linux personality (not yet: -ENOSYS).
 */
#ifndef MATRIOSKA_SYSCALL_H
#define MATRIOSKA_SYSCALL_H

#include "types.h"

long syscall_dispatch(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

#endif
