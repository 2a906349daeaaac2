/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty_internal.h - private to drivers/tty: what the line discipline
 * (tty.c) and the terminal ioctls (tty_ioctl.c) share. The public
 * interface is kernel/include/tty.h; the locking rules are on struct tty.
 */
#ifndef MATRIOSKA_TTY_INTERNAL_H
#define MATRIOSKA_TTY_INTERNAL_H

#include "tty.h"

#define TTY_BUF_MASK (TTY_BUF_SIZE - 1)
STATIC_ASSERT((TTY_BUF_SIZE & TTY_BUF_MASK) == 0, "TTY_BUF_SIZE must be a power of two");

struct file;

/* termios flag tests; t->lock held. */
static inline bool tty_iflag(const struct tty *t, u32 f)
{
	return (t->termios.c_iflag & f) != 0;
}

static inline bool tty_oflag(const struct tty *t, u32 f)
{
	return (t->termios.c_oflag & f) != 0;
}

static inline bool tty_lflag(const struct tty *t, u32 f)
{
	return (t->termios.c_lflag & f) != 0;
}

/* Bits of t->delim / t->eof for buffer position pos (a free-running counter). */
static inline bool tty_bit_get(const u8 *map, u32 pos)
{
	pos &= TTY_BUF_MASK;
	return (map[pos / 8] >> (pos % 8)) & 1;
}

static inline void tty_bit_put(u8 *map, u32 pos, bool on)
{
	pos &= TTY_BUF_MASK;
	if (on)
		map[pos / 8] |= (u8)(1u << (pos % 8));
	else
		map[pos / 8] &= (u8) ~(1u << (pos % 8));
}

/* Bytes in the input buffer (complete lines and the line being edited); t->lock held. */
static inline u32 tty_count_locked(const struct tty *t)
{
	return t->head - t->tail;
}

/* Drop all input: complete lines and the line being edited. t->lock held. */
void tty_flush_input_locked(struct tty *t);
/*
 * Drop t->lock (taken with spin_lock_irqsave, flags) and carry out what was
 * gathered under it: echoes, signals to the foreground group, wake-ups.
 */
void tty_unlock(struct tty *t, unsigned long flags);
/*
 * Job control: may the calling process use t for something that sig
 * (SIGTTIN: reading; SIGTTOU: writing with TOSTOP, changing settings)
 * guards? 0 (go ahead), -EINTR after sending sig to its background group,
 * or -EIO (SIGTTIN ignored or blocked, or an orphaned group). No lock held.
 */
int tty_check_background(struct tty *t, int sig);
/* The ioctl method of tty_fops (tty_ioctl.c). */
long tty_ioctl(struct file *f, u32 cmd, u64 arg);

#endif
