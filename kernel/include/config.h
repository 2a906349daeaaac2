/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.h - build configuration. Every option is a 0/1 macro that the
 * Makefile sets from its configuration variables (the single place they are
 * chosen: "DEBUG ?= 0" and friends at the top of the Makefile). Code tests
 * them with IS_ENABLED() in ordinary if statements, never with #ifdef inside
 * function bodies, so both branches always compile.
 *
 *   CONFIG_MM_DEBUG    slab poisoning, redzones, call-site tracking, kmemleak
 *   CONFIG_LOCK_DEBUG  lock-order (rank) checking of spinlocks
 */
#ifndef MATRIOSKA_CONFIG_H
#define MATRIOSKA_CONFIG_H

#ifndef CONFIG_MM_DEBUG
#define CONFIG_MM_DEBUG 0
#endif

#ifndef CONFIG_LOCK_DEBUG
#define CONFIG_LOCK_DEBUG 0
#endif

#define IS_ENABLED(option) ((option) != 0)

#endif
