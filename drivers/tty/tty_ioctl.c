/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty_ioctl.c - the terminal ioctls of tty_fops (Linux's numbers and
 * semantics, tty.h): termios (TCGETS, TCSETS, TCSETSW, TCSETSF), window
 * size (TIOCGWINSZ, TIOCSWINSZ with SIGWINCH), the controlling terminal and
 * its foreground process group (TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP,
 * TIOCGSID), input queue and flow control (FIONREAD, TCFLSH, TCXONC,
 * TCSBRK). Anything else is -ENOTTY.
 *
 * Each ioctl copies its argument in first, checks it, then changes the tty
 * under t->lock; user memory and the process layer are only touched with
 * the lock dropped. Whether the tty is the caller's controlling terminal is
 * decided by its session: t->session == proc_current_sid(). Changes
 * (TCSETS*, TCFLSH, TCXONC, TIOCSPGRP) from a background group of the
 * session get SIGTTOU first, unless it is ignored or blocked.
 */
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "signal.h"
#include "tty.h"
#include "tty_internal.h"
#include "uaccess.h"
#include "vfs.h"

/* New termios (TCSETS*): a change of ICANON re-reads the pending input as Linux does. */
static void set_termios_locked(struct tty *t, const struct termios *nt)
{
	bool canon_changed = (t->termios.c_lflag ^ nt->c_lflag) & ICANON;
	bool ixon_off = (t->termios.c_iflag & IXON) && !(nt->c_iflag & IXON);

	t->termios = *nt;
	if (canon_changed) {
		memset(t->delim, 0, sizeof(t->delim));
		memset(t->eof, 0, sizeof(t->eof));
		t->lnext = false;
		/* Into canonical mode, pending input becomes one complete line. */
		if (tty_lflag(t, ICANON) && t->head != t->tail)
			tty_bit_put(t->delim, t->head - 1, true);
		t->canon_end = t->head;
	}
	if (ixon_off)
		t->stopped = false; /* nothing could restart it any more */
	t->pending_wake = true;
}

static long tty_set_termios(struct tty *t, const void *uarg, bool flush)
{
	struct termios nt;
	unsigned long flags;

	if (copy_from_user(&nt, uarg, sizeof(nt)))
		return -EFAULT;
	flags = spin_lock_irqsave(&t->lock);
	if (flush)
		tty_flush_input_locked(t);
	set_termios_locked(t, &nt);
	tty_unlock(t, flags);
	return 0;
}

static long tty_get_termios(struct tty *t, void *uarg)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct termios tio = t->termios;

	spin_unlock_irqrestore(&t->lock, flags);
	return copy_to_user(uarg, &tio, sizeof(tio)) ? -EFAULT : 0;
}

static long tty_set_winsize(struct tty *t, const void *uarg)
{
	struct winsize ws;
	unsigned long flags;

	if (copy_from_user(&ws, uarg, sizeof(ws)))
		return -EFAULT;
	flags = spin_lock_irqsave(&t->lock);
	if (memcmp(&ws, &t->winsize, sizeof(ws)) != 0) {
		t->winsize = ws;
		t->pending_sigs |= SIGMASK(SIGWINCH);
	}
	tty_unlock(t, flags);
	return 0;
}

static long tty_get_winsize(struct tty *t, void *uarg)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct winsize ws = t->winsize;

	spin_unlock_irqrestore(&t->lock, flags);
	return copy_to_user(uarg, &ws, sizeof(ws)) ? -EFAULT : 0;
}

/* The tty's session if it is the caller's controlling terminal, else 0. */
static int ctty_session(struct tty *t)
{
	int sid = proc_current_sid();
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int session = t->session;

	spin_unlock_irqrestore(&t->lock, flags);
	return session > 0 && session == sid ? session : 0;
}

/* TIOCGPGRP and TIOCGSID: only on the caller's controlling terminal. */
static long tty_get_id(struct tty *t, void *uarg, bool want_sid)
{
	int session = ctty_session(t), id;
	unsigned long flags;

	if (!session)
		return -ENOTTY;
	flags = spin_lock_irqsave(&t->lock);
	id = want_sid ? t->session : t->pgrp;
	spin_unlock_irqrestore(&t->lock, flags);
	return copy_to_user(uarg, &id, sizeof(id)) ? -EFAULT : 0;
}

static long tty_set_pgrp(struct tty *t, const void *uarg)
{
	int session = ctty_session(t), pgrp;
	unsigned long flags;
	long ret = 0;

	if (!session)
		return -ENOTTY;
	if (copy_from_user(&pgrp, uarg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (!proc_pgrp_in_session(pgrp, session))
		return -EPERM;
	flags = spin_lock_irqsave(&t->lock);
	if (t->session == session)
		t->pgrp = pgrp;
	else
		ret = -ENOTTY; /* the terminal changed hands meanwhile */
	spin_unlock_irqrestore(&t->lock, flags);
	return ret;
}

/* TIOCSCTTY: the caller's session takes the terminal if it is free. */
static long tty_set_ctty(struct tty *t)
{
	int sid = proc_current_sid(), pgid = proc_current_pgid();
	unsigned long flags;
	long ret = 0;

	if (sid <= 0)
		return -EPERM;
	flags = spin_lock_irqsave(&t->lock);
	if (t->session && t->session != sid) {
		ret = -EPERM;
	} else if (!t->session) {
		t->session = sid;
		t->pgrp = pgid;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return ret;
}

/* TIOCNOTTY: the caller's session gives the terminal up. */
static long tty_release_ctty(struct tty *t)
{
	int session = ctty_session(t);
	unsigned long flags;

	if (!session)
		return -ENOTTY;
	flags = spin_lock_irqsave(&t->lock);
	if (t->session == session) {
		t->session = 0;
		t->pgrp = 0;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}

static long tty_inq(struct tty *t, void *uarg)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int n;

	if (tty_lflag(t, ICANON)) {
		/* Complete lines, without their EOF bytes (which a read never returns). */
		n = (int)(t->canon_end - t->tail);
		for (u32 i = t->tail; i != t->canon_end; i++)
			n -= tty_bit_get(t->eof, i);
	} else {
		n = (int)tty_count_locked(t);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return copy_to_user(uarg, &n, sizeof(n)) ? -EFAULT : 0;
}

static long tty_flush(struct tty *t, u64 arg)
{
	unsigned long flags;

	if (arg != TCIFLUSH && arg != TCOFLUSH && arg != TCIOFLUSH)
		return -EINVAL;
	if (arg == TCOFLUSH)
		return 0; /* output is handed to the driver at once: nothing is queued */
	flags = spin_lock_irqsave(&t->lock);
	tty_flush_input_locked(t);
	tty_unlock(t, flags);
	return 0;
}

static long tty_flow(struct tty *t, u64 arg)
{
	unsigned long flags;
	char c;

	switch (arg) {
	case TCOOFF:
	case TCOON:
		flags = spin_lock_irqsave(&t->lock);
		t->stopped = arg == TCOOFF;
		t->pending_wake = true;
		tty_unlock(t, flags);
		return 0;
	case TCIOFF:
	case TCION:
		/* Ask the other end to stop or resume sending: send VSTOP / VSTART. */
		flags = spin_lock_irqsave(&t->lock);
		c = (char)t->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		spin_unlock_irqrestore(&t->lock, flags);
		if (c != TTY_DISABLED_CHAR)
			t->drv->write(t, &c, 1);
		return 0;
	default:
		return -EINVAL;
	}
}

long tty_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct tty *t = f->priv;
	void *uarg = (void *)(uintptr_t)arg;

	switch (cmd) {
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCXONC:
	case TCFLSH:
	case TIOCSPGRP: {
		/* Changing the terminal from a background group: SIGTTOU first (job control). */
		int r = tty_check_background(t, SIGTTOU);

		if (r)
			return r;
		break;
	}
	default:
		break;
	}
	switch (cmd) {
	case TCGETS:
		return tty_get_termios(t, uarg);
	case TCSETS:
	case TCSETSW: /* output is never queued, so it has drained already */
		return tty_set_termios(t, uarg, false);
	case TCSETSF:
		return tty_set_termios(t, uarg, true);
	case TCSBRK:
		/* tcdrain(): nothing is queued. A break (arg 0) has no meaning on our devices. */
		return 0;
	case TCXONC:
		return tty_flow(t, arg);
	case TCFLSH:
		return tty_flush(t, arg);
	case TIOCGWINSZ:
		return tty_get_winsize(t, uarg);
	case TIOCSWINSZ:
		return tty_set_winsize(t, uarg);
	case TIOCGPGRP:
		return tty_get_id(t, uarg, false);
	case TIOCSPGRP:
		return tty_set_pgrp(t, uarg);
	case TIOCGSID:
		return tty_get_id(t, uarg, true);
	case TIOCSCTTY:
		return tty_set_ctty(t);
	case TIOCNOTTY:
		return tty_release_ctty(t);
	case FIONREAD:
		return tty_inq(t, uarg);
	default:
		return -ENOTTY;
	}
}
