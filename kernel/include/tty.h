/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty.h - terminals (drivers/tty/): a Linux-compatible line discipline
 * between a character device driver (the serial console today) and the
 * programs reading and writing it.
 *
 * Input arrives from the driver's receive interrupt through tty_receive():
 * it is translated (ICRNL, INLCR, IGNCR, ISTRIP), turned into signals for
 * the foreground process group (ISIG: ^C, ^\, ^Z), edited in canonical mode
 * (erase, kill, word erase, literal next, reprint, end of file), echoed, and
 * kept in a 4 KiB buffer until read. Output written by programs gets the
 * OPOST translations (ONLCR, OCRNL) and goes to the driver's write method.
 * Programs reach a tty through tty_fops (read, write, poll, ioctl), which
 * the device files /dev/console, /dev/tty and /dev/ttyS0 use.
 *
 * The termios, winsize and ioctl numbers are Linux's x86_64 values (facts of
 * the ABI): struct termios is the kernel's (TCGETS) layout, not the C
 * library's larger one, so the Linux personality passes it through as is.
 * See drivers/tty/README.md for what is and is not implemented.
 */
#ifndef MATRIOSKA_TTY_H
#define MATRIOSKA_TTY_H

#include "sync.h"
#include "types.h"

/* ---- struct termios (Linux, asm-generic/termbits.h) ---- */

#define NCCS 19
struct termios {
	u32 c_iflag;
	u32 c_oflag;
	u32 c_cflag;
	u32 c_lflag;
	u8 c_line; /* line discipline: 0 (N_TTY), kept but not interpreted */
	u8 c_cc[NCCS];
};
STATIC_ASSERT(sizeof(struct termios) == 36, "struct termios is Linux's 36-byte layout");

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040

/* c_cflag */
#define CBAUD 0010017
#define B38400 0000017
#define CSIZE 0000060
#define CS8 0000060
#define CSTOPB 0000100
#define CREAD 0000200
#define PARENB 0000400
#define PARODD 0001000
#define HUPCL 0002000
#define CLOCAL 0004000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define FLUSHO 0010000
#define PENDIN 0040000
#define IEXTEN 0100000

/* The character that disables a c_cc entry (_POSIX_VDISABLE on Linux). */
#define TTY_DISABLED_CHAR 0

struct winsize {
	u16 ws_row;
	u16 ws_col;
	u16 ws_xpixel;
	u16 ws_ypixel;
};

/* ---- ioctl numbers (Linux, asm-generic/ioctls.h) ---- */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* TCFLSH arguments */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
/* TCXONC arguments */
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* ---- terminals ---- */

#define TTY_BUF_SIZE 4096 /* input buffer (a power of two) */
#define TTY_ECHO_SIZE 256 /* echo bytes gathered before they go to the driver */

struct tty;

/*
 * What a terminal's device does. write() sends bytes to the device exactly
 * as given (the tty has already done the output processing). It is called
 * without the tty's lock, from thread context (tty writes) and from the
 * receive interrupt (echoes): it must not sleep.
 */
struct tty_driver {
	void (*write)(struct tty *t, const char *buf, size_t n);
};

/*
 * A terminal. Lock order: wq.lock (LOCK_RANK_WAITQ), then lock: the lock is
 * taken inside wait_until()'s condition, so nothing may wake wq while
 * holding it. Nothing sleeps, signals, echoes or calls the driver while
 * holding lock. read_mutex serializes readers (it is held while copying
 * out, never while waiting for input).
 *
 * Input buffer: buf is a ring indexed by free-running u32 counters (the
 * index is counter & (TTY_BUF_SIZE - 1)), in this order modulo 2^32:
 *   tail <= canon_end <= head, head - tail <= TTY_BUF_SIZE.
 *   [tail, canon_end) complete lines (canonical mode) or readable data;
 *   [canon_end, head) the line being edited (canonical mode only; in
 *   non-canonical mode canon_end == head).
 * A set bit in delim[] marks a byte that ends a line (NL, EOL, EOL2, EOF);
 * a set bit in eof[] marks an end-of-file byte (^D), which ends the line
 * but is never returned by a canonical read.
 */
struct tty {
	const char *name; /* e.g. "console"; static string; immutable */
	const struct tty_driver *drv;
	void *drv_data;	      /* the driver's; immutable */
	struct spinlock lock; /* irqsave: the receive interrupt takes it */
	struct wait_queue wq; /* readers, pollers, writers waiting for output restart */
	struct mutex read_mutex;

	/* everything below under lock */
	struct termios termios;
	struct winsize winsize;
	int session; /* controlling session (0 = none) */
	int pgrp;    /* foreground process group (0 = none) */
	u32 tail, canon_end, head;
	u32 flush_gen;	   /* bumped by every input flush (readers detect it) */
	u32 column;	   /* output column, for erasing tabs */
	u32 canon_column;  /* column where the line being edited started */
	bool lnext;	   /* the next character is taken literally (VLNEXT) */
	bool stopped;	   /* output stopped (VSTOP / TCOOFF) */
	u64 pending_sigs;  /* SIGMASK()s to send to pgrp once the lock is dropped */
	bool pending_wake; /* wake wq once the lock is dropped */
	u32 echo_len;	   /* bytes in echo[] */
	char echo[TTY_ECHO_SIZE];
	u8 delim[TTY_BUF_SIZE / 8];
	u8 eof[TTY_BUF_SIZE / 8];
	char buf[TTY_BUF_SIZE];
};

/*
 * A terminal with Linux's console defaults (ICRNL IXON, OPOST ONLCR,
 * B38400 CS8 CREAD HUPCL, ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE
 * IEXTEN; ^C ^\ DEL ^U ^D, VMIN 1, VTIME 0; 24x80), no session. name must
 * stay valid (a string literal). NULL if drv (or its write) is missing or
 * memory is short. Thread context.
 */
struct tty *tty_create(const char *name, const struct tty_driver *drv, void *drv_data);
/* Free a tty nobody uses any more (no open file, no driver callbacks). */
void tty_free(struct tty *t);
/*
 * Input from the device: n bytes received. Called from the receive
 * interrupt (interrupts off) or thread context; never sleeps. Echoes go to
 * the driver's write and signals to the foreground group before it returns,
 * so signal_send_pgrp() is called from interrupt context too.
 */
void tty_receive(struct tty *t, const char *buf, size_t n);

/* read, write, poll, ioctl of a tty device; f->priv is the struct tty. */
extern const struct file_operations tty_fops;
/* /dev/tty: tty_fops whose open fails with ENXIO unless it is the caller's controlling tty. */
extern const struct file_operations tty_ctty_fops;

/* ---- the console (drivers/tty/console.c) ---- */

/*
 * Create the console tty on the boot console (serial COM1 on x86_64) and
 * install the serial receive hook so typed bytes reach it. Idempotent.
 * Thread context.
 */
void console_tty_init(void);
/* The console tty, NULL before console_tty_init(). */
struct tty *console_tty(void);
/*
 * Register /dev/console (5,1), /dev/tty (5,0; for now the console tty
 * itself) and /dev/ttyS0 (4,64) with chrdev_register(). 0 or the first
 * error (-ENODEV if console_tty_init() has not run).
 */
int tty_register_devices(void) __must_check;

#endif
