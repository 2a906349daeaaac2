/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * userprog.h - the native test programs embedded in the kernel image
 * (the .c files in userland/native, built and linked in by the Makefile) and a helper
 * that runs one in a new process and returns its exit code.
 */
#ifndef MATRIOSKA_USERPROG_H
#define MATRIOSKA_USERPROG_H

#include "types.h"

#define USERPROG_LOAD_ADDR 0x400000

struct userprog {
	const char *name;
	const u8 *start, *end;
	u64 entry; /* address of _start once loaded at USERPROG_LOAD_ADDR */
};

const struct userprog *userprog_find(const char *name);
/* Spawn the named program and wait for it: its exit code, or -ENOENT / -ENOMEM. */
int userprog_run(const char *name);

#endif
