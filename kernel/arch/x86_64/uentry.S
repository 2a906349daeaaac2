/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uentry.S - x86_resume_user(frame): leave for user mode through a saved
 * struct trap_frame (x86.h) with IRETQ, restoring every general register.
 * Used where SYSRET will not do: the first return of a forked child and
 * rt_sigreturn (SYSRET would clobber the interrupted code's rcx and r11).
 * The frame is the one at the top of the current thread's kernel stack.
 */
#include "frame.inc"
#include "layout.h"

	.text
	.global x86_resume_user
x86_resume_user:
	cli
	movq %rdi, %rsp
	POP_GPRS
	addq $16, %rsp /* vector, error */
	swapgs
	iretq
