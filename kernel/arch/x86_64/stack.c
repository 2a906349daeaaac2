/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stack.c - knowledge of the kernel's stacks: which stack an address is on,
 * whether it is in a stack's guard page (overflow reports), and a
 * frame-pointer walker that only follows frames within one known stack, so a
 * corrupt %rbp chain ends a backtrace instead of faulting inside a panic.
 */
#include "arch.h"
#include "kstack.h"
#include "lib.h"
#include "x86.h"

#define MAX_STACKS 8

/* Thread stacks from kstack.c, described in the same form as the static ones. */
static const struct kstack_info *find_thread_stack(uintptr_t addr, bool guard)
{
	static struct kstack_info info;
	static char name[KSTACK_NAME_MAX + 16];
	bool in_guard;
	const struct kstack *ks = kstack_lookup(addr, &in_guard);

	if (!ks || in_guard != guard)
		return NULL;
	snprintf(name, sizeof(name), "kernel stack of %s", ks->owner);
	info = (struct kstack_info){name, ks->bottom - KSTACK_GUARD, ks->bottom, ks->top};
	return &info;
}

static const struct kstack_info *find(uintptr_t addr, bool guard)
{
	static struct kstack_info stacks[MAX_STACKS];
	static int nr;

	if (!nr)
		nr = x86_kernel_stacks(stacks, MAX_STACKS);
	for (int i = 0; i < nr; i++) {
		uintptr_t lo = guard ? stacks[i].guard : stacks[i].bottom;
		uintptr_t hi = guard ? stacks[i].bottom : stacks[i].top;

		if (addr >= lo && addr < hi)
			return &stacks[i];
	}
	return find_thread_stack(addr, guard);
}

const struct kstack_info *x86_stack_of(uintptr_t addr)
{
	return find(addr, false);
}

const struct kstack_info *x86_guard_of(uintptr_t addr)
{
	return find(addr, true);
}

int arch_stack_walk(uintptr_t fp, uintptr_t *pcs, int max)
{
	const struct kstack_info *st = x86_stack_of(fp);
	int n = 0;

	while (st && n < max) {
		const uintptr_t *frame = (const uintptr_t *)fp;

		/* A frame is [saved rbp][return address]; both must be on the stack. */
		if (fp & 7 || fp < st->bottom || fp + 16 > st->top)
			break;
		if (frame[1] == 0)
			break;
		pcs[n++] = frame[1];
		if (frame[0] <= fp) /* stacks grow down: callers' frames are higher */
			break;
		fp = frame[0];
	}
	return n;
}
