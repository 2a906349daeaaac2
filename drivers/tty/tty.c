/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty.c - the terminal line discipline (tty.h): what happens to bytes
 * between a terminal device and the programs that read and write it, with
 * Linux's termios semantics so Linux programs (busybox sh) behave as on
 * Linux.
 *
 * Input (tty_receive, from the device's receive interrupt): flow control
 * (IXON), signal characters (ISIG), CR/NL translation, then either
 * canonical line editing (ICANON: erase, kill, word erase, literal next,
 * reprint, lines ended by NL/EOL/EOL2/EOF) or raw storage, with echo
 * (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL). Echo bytes, signals and
 * wake-ups are gathered under the lock and carried out after it is dropped
 * (tty_unlock), so the interrupt handler never calls the driver, the signal
 * code or a wait queue with the tty's lock held.
 *
 * Output (tty_write): copied in through a small buffer, OPOST translations
 * (ONLCR, OCRNL, ONOCR, ONLRET) applied, written by the driver with the
 * lock dropped. Output can be stopped (VSTOP, TCOOFF): writers then wait.
 *
 * Reads wait (interruptibly) outside every lock, then copy out under
 * read_mutex in small chunks: a chunk is looked at under the lock, copied
 * to the reader without it, and only then consumed, so a faulting reader
 * loses nothing and a flush in between (^C, TCFLSH) is noticed through
 * flush_gen. The ioctls are in tty_ioctl.c.
 *
 * Job control (tty_check_background): a process of a background group of
 * the terminal's session that reads gets SIGTTIN for its group (EIO if it
 * ignores or blocks it, or its group is orphaned); one that writes with
 * TOSTOP set, or changes the terminal's settings, gets SIGTTOU unless it
 * ignores or blocks it. The call then fails with -EINTR, which restarts
 * it once the group is continued (syscall_restart_kind).
 *
 * Lock order: t->wq.lock -> t->lock (the wait condition takes t->lock).
 * read_mutex is taken before either and never while waiting for input.
 */
#include "tty.h"
#include "boot.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "signal.h"
#include "timer.h"
#include "tty_internal.h"
#include "vfs.h"

/* t->lock's rank: above the wait queues', since wait_until()'s condition takes it. */
#define LOCK_RANK_TTY (LOCK_RANK_WAITQ + 5)

/* Most echo bytes one ordinary input byte produces (a tab erase: 8 backspaces). */
#define ECHO_SLACK 16
/* Bytes moved per lock round in reads and writes (stack buffers). */
#define CHUNK 128
#define VTIME_UNIT_NS 100000000ull /* VTIME counts tenths of a second */
#define CTRL(c) ((c)&0x1f)
#define DEL 0x7f

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* ---- small helpers (all need t->lock) ---- */

/* Is c the (enabled) special character c_cc[idx]? */
static bool is_cc(const struct tty *t, int idx, u8 c)
{
	return c != TTY_DISABLED_CHAR && t->termios.c_cc[idx] == c;
}

static bool is_ctrl(u8 c)
{
	return c < 0x20 || c == DEL;
}

/* A UTF-8 continuation byte (occupies no column) when IUTF8 is set. */
static bool is_continuation(const struct tty *t, u8 c)
{
	return tty_iflag(t, IUTF8) && (c & 0xc0) == 0x80;
}

static bool is_word_char(u8 c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

static u8 buf_at(const struct tty *t, u32 pos)
{
	return (u8)t->buf[pos & TTY_BUF_MASK];
}

/* ---- output processing and echo ---- */

static void column_advance_locked(struct tty *t, u8 c)
{
	if (c == '\t')
		t->column = (t->column | 7) + 1;
	else if (c == '\b')
		t->column -= t->column > 0;
	else if (!is_ctrl(c) && !is_continuation(t, c))
		t->column++;
}

/*
 * One byte through the OPOST translations into out (room for 2 bytes);
 * keeps t->column. Returns the number of bytes stored (0..2).
 */
static size_t opost_locked(struct tty *t, u8 c, char *out)
{
	if (!tty_oflag(t, OPOST)) {
		column_advance_locked(t, c);
		out[0] = (char)c;
		return 1;
	}
	if (c == '\n') {
		if (tty_oflag(t, ONLCR) || tty_oflag(t, ONLRET))
			t->column = 0;
		if (!tty_oflag(t, ONLCR)) {
			out[0] = '\n';
			return 1;
		}
		out[0] = '\r';
		out[1] = '\n';
		return 2;
	}
	if (c == '\r') {
		if (tty_oflag(t, ONOCR) && t->column == 0)
			return 0;
		if (tty_oflag(t, OCRNL)) {
			if (tty_oflag(t, ONLRET))
				t->column = 0;
			out[0] = '\n';
			return 1;
		}
		t->column = 0;
		out[0] = '\r';
		return 1;
	}
	column_advance_locked(t, c);
	out[0] = (char)c;
	return 1;
}

/* Echo c exactly (after OPOST). Echoes that do not fit are dropped, like Linux's overwritten ones.
 */
static void echo_raw_locked(struct tty *t, u8 c)
{
	if (t->echo_len + 2 > TTY_ECHO_SIZE)
		return;
	t->echo_len += (u32)opost_locked(t, c, t->echo + t->echo_len);
}

/* Echo c as typed: control characters as ^X with ECHOCTL (not tab or newline). */
static void echo_char_locked(struct tty *t, u8 c)
{
	if (tty_lflag(t, ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n') {
		echo_raw_locked(t, '^');
		echo_raw_locked(t, c ^ 0x40);
		return;
	}
	echo_raw_locked(t, c);
}

static void echo_backspace_locked(struct tty *t)
{
	echo_raw_locked(t, '\b');
	echo_raw_locked(t, ' ');
	echo_raw_locked(t, '\b');
}

/* ---- input buffer ---- */

/* Drop all input, complete lines and the line being edited. */
void tty_flush_input_locked(struct tty *t)
{
	t->tail = t->head;
	t->canon_end = t->head;
	t->lnext = false;
	t->flush_gen++;
	t->pending_wake = true;
}

/* Append c (room already checked). In non-canonical mode it is readable at once. */
static void store_locked(struct tty *t, u8 c, bool delim, bool eof)
{
	t->buf[t->head & TTY_BUF_MASK] = (char)c;
	tty_bit_put(t->delim, t->head, delim);
	tty_bit_put(t->eof, t->head, eof);
	t->head++;
	if (delim || !tty_lflag(t, ICANON)) {
		t->canon_end = t->head;
		t->pending_wake = true;
	}
}

/* An ordinary character: stored and echoed if there is room, else dropped. */
static void receive_ordinary_locked(struct tty *t, u8 c)
{
	/* Canonical mode keeps the last byte for the newline that ends the line. */
	u32 limit = tty_lflag(t, ICANON) ? TTY_BUF_SIZE - 1 : TTY_BUF_SIZE;

	if (tty_count_locked(t) >= limit)
		return;
	if (tty_lflag(t, ECHO)) {
		if (t->head == t->canon_end)
			t->canon_column = t->column;
		echo_char_locked(t, c);
	}
	store_locked(t, c, false, false);
}

/* A line delimiter in canonical mode: the line becomes readable. */
static void receive_delim_locked(struct tty *t, u8 c, bool eof)
{
	if (tty_count_locked(t) >= TTY_BUF_SIZE)
		return;
	if (c == '\n' && !eof) {
		if (tty_lflag(t, ECHO) || tty_lflag(t, ECHONL))
			echo_raw_locked(t, '\n');
	} else if (!eof && tty_lflag(t, ECHO)) {
		if (t->head == t->canon_end)
			t->canon_column = t->column;
		echo_char_locked(t, c);
	}
	store_locked(t, c, true, eof);
}

/* Erasing a tab: back up to where the character before it ended. */
static void erase_tab_locked(struct tty *t)
{
	u32 col = t->canon_column, n;

	for (u32 i = t->canon_end; i != t->head; i++) {
		u8 c = buf_at(t, i);

		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctrl(c))
			col += tty_lflag(t, ECHOCTL) ? 2 : 0;
		else if (!is_continuation(t, c))
			col++;
	}
	n = t->column > col ? MIN(t->column - col, 8u) : 0;
	while (n--)
		echo_raw_locked(t, '\b');
}

/* ERASE, WERASE or KILL in canonical mode, with Linux's echo rules. */
static void erase_locked(struct tty *t, enum erase_kind kind)
{
	bool seen_word = false;

	if (t->head == t->canon_end)
		return;
	if (kind == ERASE_LINE) {
		if (!tty_lflag(t, ECHO)) {
			t->head = t->canon_end;
			return;
		}
		if (!tty_lflag(t, ECHOK) || !tty_lflag(t, ECHOKE) || !tty_lflag(t, ECHOE)) {
			t->head = t->canon_end;
			echo_char_locked(t, t->termios.c_cc[VKILL]);
			if (tty_lflag(t, ECHOK))
				echo_raw_locked(t, '\n');
			return;
		}
	}
	while (t->head != t->canon_end) {
		u8 c = buf_at(t, t->head - 1);

		if (kind == ERASE_WORD) {
			if (is_word_char(c))
				seen_word = true;
			else if (seen_word)
				break;
		}
		t->head--;
		if (tty_lflag(t, ECHO)) {
			if (kind == ERASE_CHAR && !tty_lflag(t, ECHOE)) {
				echo_char_locked(t, t->termios.c_cc[VERASE]);
			} else if (c == '\t') {
				erase_tab_locked(t);
			} else if (!is_continuation(t, c)) {
				/* ^X took two columns, other control characters none. */
				if (is_ctrl(c) && tty_lflag(t, ECHOCTL))
					echo_backspace_locked(t);
				if (!is_ctrl(c) || tty_lflag(t, ECHOCTL))
					echo_backspace_locked(t);
			}
		}
		/* With IUTF8 a character is its lead byte and every continuation byte. */
		if (kind == ERASE_CHAR && !is_continuation(t, c))
			break;
	}
}

/* VREPRINT: ^R, a new line, and the line being edited again. */
static void reprint_locked(struct tty *t, u8 c)
{
	echo_char_locked(t, c);
	echo_raw_locked(t, '\n');
	t->canon_column = t->column;
	for (u32 i = t->canon_end; i != t->head; i++)
		echo_char_locked(t, buf_at(t, i));
}

/* INTR, QUIT, SUSP: a signal for the foreground group; input flushed (unless NOFLSH). */
static void signal_char_locked(struct tty *t, u8 c, int sig)
{
	t->pending_sigs |= SIGMASK(sig);
	if (!tty_lflag(t, NOFLSH))
		tty_flush_input_locked(t);
	if (tty_iflag(t, IXON) && t->stopped) {
		t->stopped = false;
		t->pending_wake = true;
	}
	if (tty_lflag(t, ECHO))
		echo_char_locked(t, c);
}

/* Canonical-mode special characters; false if c is an ordinary character. */
static bool receive_canon_special_locked(struct tty *t, u8 c)
{
	bool ext = tty_lflag(t, IEXTEN);

	if (is_cc(t, VERASE, c) || c == '\b') {
		erase_locked(t, ERASE_CHAR);
	} else if (is_cc(t, VKILL, c)) {
		erase_locked(t, ERASE_LINE);
	} else if (ext && is_cc(t, VWERASE, c)) {
		erase_locked(t, ERASE_WORD);
	} else if (ext && is_cc(t, VLNEXT, c)) {
		t->lnext = true;
		if (tty_lflag(t, ECHO) && tty_lflag(t, ECHOCTL)) {
			echo_raw_locked(t, '^');
			echo_raw_locked(t, '\b');
		}
	} else if (ext && tty_lflag(t, ECHO) && is_cc(t, VREPRINT, c)) {
		reprint_locked(t, c);
	} else if (c == '\n') {
		receive_delim_locked(t, c, false);
	} else if (is_cc(t, VEOF, c)) {
		receive_delim_locked(t, c, true);
	} else if (is_cc(t, VEOL, c) || (ext && is_cc(t, VEOL2, c))) {
		receive_delim_locked(t, c, false);
	} else {
		return false;
	}
	return true;
}

static void receive_byte_locked(struct tty *t, u8 c)
{
	int sig = 0;

	if (t->lnext) {
		t->lnext = false;
		receive_ordinary_locked(t, c);
		return;
	}
	if (tty_iflag(t, ISTRIP))
		c &= 0x7f;
	if (tty_iflag(t, IXON)) {
		if (is_cc(t, VSTART, c)) {
			t->stopped = false;
			t->pending_wake = true;
			return;
		}
		if (is_cc(t, VSTOP, c)) {
			t->stopped = true;
			return;
		}
		if (t->stopped && tty_iflag(t, IXANY)) {
			t->stopped = false;
			t->pending_wake = true;
		}
	}
	if (tty_lflag(t, ISIG)) {
		if (is_cc(t, VINTR, c))
			sig = SIGINT;
		else if (is_cc(t, VQUIT, c))
			sig = SIGQUIT;
		else if (is_cc(t, VSUSP, c))
			sig = SIGTSTP;
		if (sig) {
			signal_char_locked(t, c, sig);
			return;
		}
	}
	if (c == '\r') {
		if (tty_iflag(t, IGNCR))
			return;
		if (tty_iflag(t, ICRNL))
			c = '\n';
	} else if (c == '\n' && tty_iflag(t, INLCR)) {
		c = '\r';
	}
	if (tty_lflag(t, ICANON) && receive_canon_special_locked(t, c))
		return;
	receive_ordinary_locked(t, c);
}

/*
 * Drop t->lock and carry out what was gathered under it: echo bytes to the
 * driver, signals to the foreground group, wake-ups of readers, pollers and
 * writers. Every path that changes a tty ends with this.
 */
void tty_unlock(struct tty *t, unsigned long flags)
{
	char echo[TTY_ECHO_SIZE];
	u32 len = t->echo_len;
	u64 sigs = t->pending_sigs;
	int pgrp = t->pgrp;
	bool wake = t->pending_wake;

	if (len)
		memcpy(echo, t->echo, len);
	t->echo_len = 0;
	t->pending_sigs = 0;
	t->pending_wake = false;
	spin_unlock_irqrestore(&t->lock, flags);
	if (len)
		t->drv->write(t, echo, len);
	for (int sig = 1; sigs; sig++) {
		if (!(sigs & SIGMASK(sig)))
			continue;
		sigs &= ~SIGMASK(sig);
		if (pgrp > 0)
			signal_send_pgrp(pgrp, sig);
	}
	if (wake)
		wake_up_all(&t->wq);
}

void tty_receive(struct tty *t, const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned long flags = spin_lock_irqsave(&t->lock);

		/* Stop at a signal (sent before later input) or when echoes need flushing. */
		while (i < n && !t->pending_sigs && t->echo_len + ECHO_SLACK <= TTY_ECHO_SIZE)
			receive_byte_locked(t, (u8)buf[i++]);
		tty_unlock(t, flags);
	}
}

/* ---- creation ---- */

static void tty_default_termios(struct termios *tio)
{
	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = ICRNL | IXON;
	tio->c_oflag = OPOST | ONLCR;
	tio->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	tio->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	tio->c_cc[VINTR] = CTRL('C');
	tio->c_cc[VQUIT] = CTRL('\\');
	tio->c_cc[VERASE] = DEL;
	tio->c_cc[VKILL] = CTRL('U');
	tio->c_cc[VEOF] = CTRL('D');
	tio->c_cc[VTIME] = 0;
	tio->c_cc[VMIN] = 1;
	tio->c_cc[VSTART] = CTRL('Q');
	tio->c_cc[VSTOP] = CTRL('S');
	tio->c_cc[VSUSP] = CTRL('Z');
	tio->c_cc[VREPRINT] = CTRL('R');
	tio->c_cc[VDISCARD] = CTRL('O');
	tio->c_cc[VWERASE] = CTRL('W');
	tio->c_cc[VLNEXT] = CTRL('V');
}

struct tty *tty_create(const char *name, const struct tty_driver *drv, void *drv_data)
{
	struct tty *t;

	if (!drv || !drv->write || !name)
		return NULL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->name = name;
	t->drv = drv;
	t->drv_data = drv_data;
	spin_init(&t->lock, "tty", LOCK_RANK_TTY);
	wait_queue_init(&t->wq, "tty");
	mutex_init(&t->read_mutex, "tty-read");
	tty_default_termios(&t->termios);
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	return t;
}

void tty_free(struct tty *t)
{
	kfree(t);
}

/* ---- reading ---- */

/* Would a read find something: a complete line, or at least want bytes? */
static bool readable_locked(const struct tty *t, u32 want)
{
	if (tty_lflag(t, ICANON))
		return t->canon_end != t->tail;
	return tty_count_locked(t) >= want;
}

struct input_wait {
	struct tty *t;
	u32 want; /* bytes wanted in non-canonical mode */
};

/* wait_until() condition (wq->lock held, interrupts off). */
static bool input_ready(void *arg)
{
	struct input_wait *w = arg;
	unsigned long flags = spin_lock_irqsave(&w->t->lock);
	bool ready = readable_locked(w->t, w->want);

	spin_unlock_irqrestore(&w->t->lock, flags);
	return ready;
}

static u64 vtime_deadline(u8 vtime)
{
	return clock_ns() + (u64)vtime * VTIME_UNIT_NS;
}

/*
 * Wait until a read of len bytes may go ahead, as termios says. Returns
 * 1 (data should be there; wait again if another reader took it), 0 (read
 * what is there, even nothing, and return: VMIN/VTIME timed out or asked
 * for no waiting), -EAGAIN (O_NONBLOCK and nothing to read) or -EINTR.
 */
static int wait_for_input(struct tty *t, size_t len, bool nonblock)
{
	struct input_wait w = {.t = t, .want = 1};
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool canon = tty_lflag(t, ICANON);
	u8 vmin = t->termios.c_cc[VMIN], vtime = t->termios.c_cc[VTIME];
	u32 want = (u32)MIN((size_t)vmin, len), have;
	int err;

	spin_unlock_irqrestore(&t->lock, flags);
	if (!canon && vmin == 0 && vtime == 0)
		return 0;
	if (nonblock)
		return input_ready(&w) ? 1 : -EAGAIN;
	if (canon) {
		err = wait_until_intr(&t->wq, input_ready, &w, 0);
		return err ? err : 1;
	}
	if (vmin == 0) {
		err = wait_until_intr(&t->wq, input_ready, &w, vtime_deadline(vtime));
		return err == -ETIMEDOUT ? 0 : err ? err : 1;
	}
	w.want = vtime ? 1 : want;
	err = wait_until_intr(&t->wq, input_ready, &w, 0);
	if (err || !vtime)
		return err ? err : 1;
	/* VTIME with VMIN: an inter-byte timer, restarted by every byte that arrives. */
	for (;;) {
		flags = spin_lock_irqsave(&t->lock);
		have = tty_count_locked(t);
		spin_unlock_irqrestore(&t->lock, flags);
		if (have >= want)
			return 1;
		w.want = have + 1;
		err = wait_until_intr(&t->wq, input_ready, &w, vtime_deadline(vtime));
		if (err == -ETIMEDOUT)
			return 0;
		if (err)
			return err;
	}
}

/*
 * Canonical mode: the length of the first complete line (with its newline
 * or EOL; without an EOF byte, which *eof then reports), or 0 with *found
 * false if there is none.
 */
static u32 line_length_locked(const struct tty *t, bool *found, bool *eof)
{
	*found = false;
	*eof = false;
	for (u32 i = t->tail; i != t->canon_end; i++) {
		if (!tty_bit_get(t->delim, i))
			continue;
		*found = true;
		*eof = tty_bit_get(t->eof, i);
		return i - t->tail + (*eof ? 0 : 1);
	}
	return 0;
}

/*
 * Move what a read may take to u: at most one line in canonical mode,
 * whatever is there in non-canonical mode. Caller holds t->read_mutex.
 * Bytes copied or -EFAULT; *consumed says whether any input was used up
 * (a lone EOF is consumed with 0 bytes).
 */
static s64 copy_input(struct tty *t, struct uio *u, bool *consumed)
{
	char kbuf[CHUNK];
	unsigned long flags = spin_lock_irqsave(&t->lock);
	u32 gen = t->flush_gen, total = 0, done = 0, n;
	bool found = false, eof = false;

	*consumed = false;
	if (tty_lflag(t, ICANON)) {
		u32 line = line_length_locked(t, &found, &eof);

		/* A line that does not fit is read in pieces; its EOF goes with the last one. */
		if (found && line <= u->len) {
			total = line;
		} else if (found) {
			total = (u32)u->len;
			eof = false;
		}
	} else {
		total = (u32)MIN((size_t)tty_count_locked(t), u->len);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	while (done < total) {
		n = MIN(total - done, (u32)CHUNK);
		flags = spin_lock_irqsave(&t->lock);
		if (t->flush_gen != gen) {
			spin_unlock_irqrestore(&t->lock, flags);
			break;
		}
		for (u32 i = 0; i < n; i++)
			kbuf[i] = (char)buf_at(t, t->tail + i);
		spin_unlock_irqrestore(&t->lock, flags);
		if (uio_copy_out(u, done, kbuf, n))
			return done ? (s64)done : -EFAULT;
		flags = spin_lock_irqsave(&t->lock);
		if (t->flush_gen != gen) {
			spin_unlock_irqrestore(&t->lock, flags);
			break;
		}
		t->tail += n;
		spin_unlock_irqrestore(&t->lock, flags);
		done += n;
		*consumed = true;
	}
	if (eof && done == total) {
		flags = spin_lock_irqsave(&t->lock);
		if (t->flush_gen == gen) {
			t->tail++; /* the EOF byte itself is never returned */
			*consumed = true;
		}
		spin_unlock_irqrestore(&t->lock, flags);
	}
	return done;
}

int tty_check_background(struct tty *t, int sig)
{
	int pgid = proc_current_pgid(), sid = proc_current_sid();
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int session = t->session, fg = t->pgrp;

	spin_unlock_irqrestore(&t->lock, flags);
	/* Not our controlling terminal, no foreground group, or we are it: go ahead. */
	if (!session || session != sid || !fg || fg == pgid || pgid <= 0)
		return 0;
	if (signal_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (proc_pgrp_orphaned(pgid))
		return -EIO;
	signal_send_pgrp(pgid, sig);
	return -EINTR;
}

static s64 tty_read(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *t = f->priv;
	bool nonblock = (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
	bool consumed;
	s64 n;
	int r;

	(void)pos;
	if (!u->len)
		return 0;
	r = tty_check_background(t, SIGTTIN);
	if (r)
		return r;
	boot_console_reader(); /* the first read completes boot stage 5 */
	for (;;) {
		r = wait_for_input(t, u->len, nonblock);
		if (r < 0)
			return r;
		mutex_lock(&t->read_mutex);
		n = copy_input(t, u, &consumed);
		mutex_unlock(&t->read_mutex);
		if (n || consumed || r == 0)
			return n;
		/* Another reader (or a flush) took it: wait again. */
	}
}

/* ---- writing ---- */

static bool output_allowed(void *arg)
{
	struct tty *t = arg;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool ok = !t->stopped;

	spin_unlock_irqrestore(&t->lock, flags);
	return ok;
}

/* TOSTOP: background writers are stopped. */
static bool tty_write_stopped_by_tostop(struct tty *t)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool on = tty_lflag(t, TOSTOP);

	spin_unlock_irqrestore(&t->lock, flags);
	return on;
}

static s64 tty_write(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *t = f->priv;
	bool nonblock = (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
	char in[CHUNK], out[2 * CHUNK];
	size_t done = 0;

	(void)pos;
	if (tty_write_stopped_by_tostop(t)) {
		int r = tty_check_background(t, SIGTTOU);

		if (r)
			return r;
	}
	while (done < u->len) {
		size_t n = MIN(u->len - done, (size_t)CHUNK), len = 0;
		unsigned long flags;
		int err = 0;

		if (!output_allowed(t))
			err = nonblock ? -EAGAIN : wait_until_intr(&t->wq, output_allowed, t, 0);
		if (!err && uio_copy_in(in, u, done, n))
			err = -EFAULT;
		if (err)
			return done ? (s64)done : err;
		flags = spin_lock_irqsave(&t->lock);
		for (size_t i = 0; i < n; i++)
			len += opost_locked(t, (u8)in[i], out + len);
		tty_unlock(t, flags);
		if (len)
			t->drv->write(t, out, len);
		done += n;
	}
	return (s64)done;
}

/* ---- poll ---- */

static u32 tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = f->priv;
	u32 mask = POLLOUT | POLLWRNORM;
	unsigned long flags;
	u8 vmin, vtime;

	if (pt) {
		boot_console_reader(); /* waiting for input counts as reading (stage 5) */
		poll_wait(pt, &t->wq);
	}
	flags = spin_lock_irqsave(&t->lock);
	vmin = t->termios.c_cc[VMIN];
	vtime = t->termios.c_cc[VTIME];
	/* A read would not block: a line, VMIN bytes, or VMIN = VTIME = 0 (never blocks). */
	if (tty_lflag(t, ICANON)
		    ? readable_locked(t, 1)
		    : readable_locked(t, MAX(vmin, (u8)1)) || (vmin == 0 && vtime == 0))
		mask |= POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&t->lock, flags);
	return mask;
}

static int tty_open(struct inode *inode, struct file *f)
{
	(void)inode;
	f->fmode |= FMODE_NOSEEK;
	return 0;
}

const struct file_operations tty_fops = {
	.open = tty_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

/* /dev/tty: the caller's controlling terminal; ENXIO for a process without one. */
static int tty_ctty_open(struct inode *inode, struct file *f)
{
	struct tty *t = f->priv;
	int sid = proc_current_sid();
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool mine = t->session && t->session == sid;

	spin_unlock_irqrestore(&t->lock, flags);
	if (!mine)
		return -ENXIO;
	return tty_open(inode, f);
}

const struct file_operations tty_ctty_fops = {
	.open = tty_ctty_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};
