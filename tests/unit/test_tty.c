/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tty.c - host tests of the line discipline (drivers/tty/tty.c) and
 * the console tty (drivers/tty/console.c). Bytes go in through
 * tty_receive() as the receive interrupt would deliver them; programs are
 * played through tty_fops (read, write, poll, ioctl) on a struct file; the
 * driver records every byte the tty sends to the device (echoes and
 * output), so echoes are checked byte for byte.
 *
 * Blocking is played with the scheduler fake (sched_stub.c): a read that
 * must wait calls sched_block(), whose hook does what the rest of the
 * system would meanwhile (a line is typed, a signal arrives, time passes).
 * Signals, processes, user copies, uio, poll_wait, chrdev_register and
 * kzalloc are fakes below. Every test ends by checking that no lock-order
 * violation happened and no wait blocked with a lock held.
 */
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arch_host.h"
#include "boot.h"
#include "errno.h"
#include "mm.h"
#include "proc.h"
#include "sched_stub.h"
#include "signal.h"
#include "sync.h"
#include "tty.h"
#include "uaccess.h"
#include "unit.h"
#include "vfs.h"

/* ---- fakes of the subsystems tty.c uses ---- */

#define MAX_SIGS 64
static struct {
	int pgid, sig;
} sigs[MAX_SIGS];
static int nr_sigs;

int signal_send_pgrp(int pgid, int sig)
{
	if (nr_sigs < MAX_SIGS) {
		sigs[nr_sigs].pgid = pgid;
		sigs[nr_sigs].sig = sig;
	}
	nr_sigs++;
	return 0;
}

/* Job control: what the caller does with SIGTTIN/SIGTTOU, and whether its group is orphaned. */
static bool cur_ignores_sig, cur_orphaned;

bool signal_ignored_or_blocked(int sig)
{
	(void)sig;
	return cur_ignores_sig;
}

bool proc_pgrp_orphaned(int pgid)
{
	(void)pgid;
	return cur_orphaned;
}

/* The calling "process" and the groups that exist: {pgid, sid}. */
static int cur_pgid, cur_sid;
static const struct {
	int pgid, sid;
} groups[] = {{100, 100}, {101, 100}, {200, 200}};

static int console_reads; /* boot_console_reader() calls */

void boot_console_reader(void)
{
	console_reads++;
}

int proc_current_pgid(void)
{
	return cur_pgid;
}

int proc_current_sid(void)
{
	return cur_sid;
}

bool proc_pgrp_in_session(int pgid, int sid)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].pgid == pgid && groups[i].sid == sid)
			return true;
	return false;
}

/* "User" memory is host memory, except this address, which always faults. */
#define BAD_UPTR ((void *)64)

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (usrc == BAD_UPTR)
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (udst == BAD_UPTR)
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

static int uio_overruns;

int uio_copy_out(const struct uio *u, size_t off, const void *src, size_t n)
{
	if (off + n > u->len) {
		uio_overruns++;
		return -EFAULT;
	}
	if (u->user)
		return copy_to_user(u->base == BAD_UPTR ? BAD_UPTR : u->base + off, src, n);
	memcpy(u->base + off, src, n);
	return 0;
}

int uio_copy_in(void *dst, const struct uio *u, size_t off, size_t n)
{
	if (off + n > u->len) {
		uio_overruns++;
		return -EFAULT;
	}
	if (u->user)
		return copy_from_user(dst, u->base == BAD_UPTR ? BAD_UPTR : u->base + off, n);
	memcpy(dst, u->base + off, n);
	return 0;
}

static int poll_waits;
static struct wait_queue *poll_wq;

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	(void)pt;
	poll_waits++;
	poll_wq = wq;
}

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(const void *p)
{
	free((void *)p);
}

#define MAX_DEVS 8
static struct {
	char name[16];
	u64 dev;
	u32 mode;
	const struct file_operations *fops;
	void *priv;
} devs[MAX_DEVS];
static int nr_devs;

int chrdev_register(const char *name, u64 dev, u32 mode, const struct file_operations *fops,
		    void *priv)
{
	if (nr_devs == MAX_DEVS)
		return -ENOMEM;
	snprintf(devs[nr_devs].name, sizeof(devs[nr_devs].name), "%s", name);
	devs[nr_devs].dev = dev;
	devs[nr_devs].mode = mode;
	devs[nr_devs].fops = fops;
	devs[nr_devs].priv = priv;
	nr_devs++;
	return 0;
}

/* ---- the test terminal: a driver that records, a file, helpers ---- */

static char out[16384];
static size_t out_len;

static void rec_write(struct tty *t, const char *buf, size_t n)
{
	(void)t;
	if (out_len + n >= sizeof(out)) {
		unit_fail(__FILE__, __LINE__, "driver output overflows the test's buffer");
		return;
	}
	memcpy(out + out_len, buf, n);
	out_len += n;
	out[out_len] = '\0';
}

static const struct tty_driver rec_drv = {.write = rec_write};

static struct thread threads[2];
static struct thread *const T1 = &threads[1];
static struct tty *tt;
static struct file file;
static u64 violations_before;

static void setup(void)
{
	memset(threads, 0, sizeof(threads));
	T1->tid = 1;
	snprintf(T1->name, sizeof(T1->name), "T1");
	T1->state = THREAD_RUNNABLE;
	stub_reset(T1);
	out_len = 0;
	out[0] = '\0';
	nr_sigs = 0;
	poll_waits = 0;
	poll_wq = NULL;
	uio_overruns = 0;
	cur_pgid = 100;
	cur_sid = 100;
	cur_ignores_sig = true; /* like a job-control shell: SIGTTOU ignored */
	cur_orphaned = false;
	violations_before = lock_order_violations();
	tt = tty_create("test", &rec_drv, NULL);
	memset(&file, 0, sizeof(file));
	file.priv = tt;
	file.ops = &tty_fops;
	CHECK(tt != NULL);
}

static void teardown(void)
{
	CHECK_EQ(lock_order_violations(), violations_before);
	CHECK(strstr(stub_log(), "blocks with preemption disabled") == NULL);
	CHECK_EQ(uio_overruns, 0);
	CHECK_EQ(this_cpu()->preempt_count, 0);
	tty_free(tt);
	tt = NULL;
}

static void feed_n(const char *s, size_t n)
{
	tty_receive(tt, s, n);
}

static void feed(const char *s)
{
	feed_n(s, strlen(s));
}

static void clear_out(void)
{
	out_len = 0;
	out[0] = '\0';
}

static s64 rd(char *buf, size_t n)
{
	struct uio u = {.base = buf, .len = n, .user = false};
	u64 pos = 0;

	return tty_fops.read(&file, &u, &pos);
}

/* Read into a NUL-terminated string; returns the read's result. */
static s64 rds(char *buf, size_t size)
{
	s64 n = rd(buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static s64 wr(const char *s, size_t n)
{
	struct uio u = {.base = (char *)s, .len = n, .user = false};
	u64 pos = 0;

	return tty_fops.write(&file, &u, &pos);
}

static long ioc(u32 cmd, void *arg)
{
	return tty_fops.ioctl(&file, cmd, (u64)(uintptr_t)arg);
}

static long ioc_val(u32 cmd, u64 arg)
{
	return tty_fops.ioctl(&file, cmd, arg);
}

static int inq(void)
{
	int n = -1;

	CHECK_EQ(ioc(FIONREAD, &n), 0);
	return n;
}

static struct termios get_termios(void)
{
	struct termios tio;

	memset(&tio, 0xa5, sizeof(tio));
	CHECK_EQ(ioc(TCGETS, &tio), 0);
	return tio;
}

static void set_lflag(u32 set, u32 clear)
{
	struct termios tio = get_termios();

	tio.c_lflag = (tio.c_lflag | set) & ~clear;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
}

static void set_iflag(u32 set, u32 clear)
{
	struct termios tio = get_termios();

	tio.c_iflag = (tio.c_iflag | set) & ~clear;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
}

static void set_raw(u8 vmin, u8 vtime)
{
	struct termios tio = get_termios();

	tio.c_lflag &= ~(u32)(ICANON | ECHO);
	tio.c_cc[VMIN] = vmin;
	tio.c_cc[VTIME] = vtime;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
}

/* Make the test terminal the controlling tty of session 100, foreground group 100. */
static void take_ctty(void)
{
	CHECK_EQ(ioc_val(TIOCSCTTY, 0), 0);
}

/* ---- creation and defaults ---- */

UNIT_TEST(create_needs_a_driver_with_write)
{
	static const struct tty_driver no_write = {.write = NULL};

	CHECK(tty_create("x", NULL, NULL) == NULL);
	CHECK(tty_create("x", &no_write, NULL) == NULL);
	CHECK(tty_create(NULL, &rec_drv, NULL) == NULL);
}

UNIT_TEST(defaults_are_linux_console_ones)
{
	struct termios tio;
	struct winsize ws;

	setup();
	tio = get_termios();
	/* What `stty -g` shows on a Linux console: 500:5:4bf:8a3b. */
	CHECK_EQ(tio.c_iflag, 0x500);
	CHECK_EQ(tio.c_oflag, 0x5);
	CHECK_EQ(tio.c_cflag, 0x4bf);
	CHECK_EQ(tio.c_lflag, 0x8a3b);
	CHECK_EQ(tio.c_line, 0);
	CHECK_EQ(tio.c_cc[VINTR], 3);
	CHECK_EQ(tio.c_cc[VQUIT], 0x1c);
	CHECK_EQ(tio.c_cc[VERASE], 0x7f);
	CHECK_EQ(tio.c_cc[VKILL], 0x15);
	CHECK_EQ(tio.c_cc[VEOF], 4);
	CHECK_EQ(tio.c_cc[VTIME], 0);
	CHECK_EQ(tio.c_cc[VMIN], 1);
	CHECK_EQ(tio.c_cc[VSUSP], 0x1a);
	CHECK_EQ(tio.c_cc[VWERASE], 0x17);
	CHECK_EQ(tio.c_cc[VLNEXT], 0x16);
	CHECK_EQ(tio.c_cc[VREPRINT], 0x12);
	CHECK_EQ(tio.c_cc[VEOL], 0);
	CHECK_EQ(ioc(TIOCGWINSZ, &ws), 0);
	CHECK_EQ(ws.ws_row, 24);
	CHECK_EQ(ws.ws_col, 80);
	teardown();
}

/* ---- canonical input ---- */

UNIT_TEST(canonical_line_is_assembled_and_echoed)
{
	char buf[64];

	setup();
	feed("hel");
	CHECK_STREQ(out, "hel");
	CHECK_EQ(inq(), 0); /* no complete line yet */
	feed("lo\r");	    /* Enter sends CR; ICRNL makes it NL */
	CHECK_STREQ(out, "hello\r\n");
	CHECK_EQ(inq(), 6);
	CHECK_EQ(rds(buf, sizeof(buf)), 6);
	CHECK_STREQ(buf, "hello\n");
	CHECK_EQ(inq(), 0);
	teardown();
}

UNIT_TEST(canonical_read_returns_one_line_at_a_time)
{
	char buf[64];

	setup();
	feed("one\ntwo\nthr");
	CHECK_EQ(rds(buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "one\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "two\n");
	file.flags = O_NONBLOCK;
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN); /* "thr" is still being edited */
	teardown();
}

UNIT_TEST(canonical_long_line_is_read_in_pieces)
{
	char buf[8];

	setup();
	feed("abcdefghij\n");
	CHECK_EQ(rds(buf, 5), 4);
	CHECK_STREQ(buf, "abcd");
	CHECK_EQ(rds(buf, 5), 4);
	CHECK_STREQ(buf, "efgh");
	CHECK_EQ(rds(buf, 8), 3);
	CHECK_STREQ(buf, "ij\n");
	CHECK_EQ(rd(buf, 0), 0);
	teardown();
}

UNIT_TEST(erase_removes_a_character_with_exact_echo)
{
	char buf[64];

	setup();
	feed("ab\x7f"
	     "c\r");
	CHECK_STREQ(out, "ab\b \bc\r\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "ac\n");
	teardown();
}

UNIT_TEST(backspace_erases_like_verase)
{
	char buf[64];

	setup();
	feed("xy\b\bz\n");
	CHECK_STREQ(out, "xy\b \b\b \bz\r\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "z\n");
	teardown();
}

UNIT_TEST(erase_on_an_empty_line_does_nothing)
{
	char buf[64];

	setup();
	feed("\x7f\x7f\b\n");
	CHECK_STREQ(out, "\r\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "\n");
	teardown();
}

UNIT_TEST(erase_of_a_control_character_removes_both_columns)
{
	char buf[64];

	setup();
	feed("a\x01");
	CHECK_STREQ(out, "a^A");
	feed("\x7f\n");
	CHECK_STREQ(out, "a^A\b \b\b \b\r\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "a\n");
	teardown();
}

UNIT_TEST(erase_of_a_tab_backs_up_to_the_previous_column)
{
	setup();
	feed("ab\tc");
	CHECK_STREQ(out, "ab\tc");
	clear_out();
	feed("\x7f\x7f"); /* c, then the tab that went from column 2 to 8 */
	CHECK_STREQ(out, "\b \b\b\b\b\b\b\b");
	teardown();
}

UNIT_TEST(erase_without_echoe_echoes_the_erase_character)
{
	setup();
	set_lflag(0, ECHOE);
	feed("ab\x7f");
	CHECK_STREQ(out, "ab^?");
	teardown();
}

UNIT_TEST(kill_erases_the_line_visually_with_echoke)
{
	char buf[64];

	setup();
	feed("abc\x15");
	CHECK_STREQ(out, "abc\b \b\b \b\b \b");
	feed("d\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "d\n");
	teardown();
}

UNIT_TEST(kill_without_echoke_echoes_the_kill_character_and_newline)
{
	char buf[64];

	setup();
	set_lflag(0, ECHOKE);
	feed("ab\x15");
	CHECK_STREQ(out, "ab^U\r\n");
	feed("x\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "x\n");
	teardown();
}

UNIT_TEST(werase_erases_the_last_word_and_trailing_blanks)
{
	char buf[64];

	setup();
	feed("foo bar  ");
	clear_out();
	feed("\x17");
	CHECK_STREQ(out, "\b \b\b \b\b \b\b \b\b \b");
	feed("\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 5);
	CHECK_STREQ(buf, "foo \n");
	teardown();
}

UNIT_TEST(werase_is_ordinary_without_iexten)
{
	char buf[64];

	setup();
	set_lflag(0, IEXTEN);
	feed("a\x17\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "a\x17\n");
	teardown();
}

UNIT_TEST(lnext_takes_the_next_character_literally)
{
	char buf[64];

	setup();
	take_ctty();
	feed("\x16\x03\x16\x7f\n");
	CHECK_STREQ(out, "^\b^C^\b^?\r\n");
	CHECK_EQ(nr_sigs, 0);
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "\x03\x7f\n");
	teardown();
}

UNIT_TEST(reprint_echoes_the_line_again)
{
	setup();
	feed("ab\x12");
	CHECK_STREQ(out, "ab^R\r\nab");
	teardown();
}

UNIT_TEST(eof_at_line_start_reads_zero)
{
	char buf[64];

	setup();
	feed("\x04");
	CHECK_STREQ(out, ""); /* ^D is not echoed */
	CHECK_EQ(inq(), 0);
	CHECK_EQ(rd(buf, sizeof(buf)), 0);
	feed("next\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 5);
	CHECK_STREQ(buf, "next\n");
	teardown();
}

UNIT_TEST(eof_mid_line_delivers_the_partial_line_without_newline)
{
	char buf[64];

	setup();
	feed("abc\x04");
	CHECK_STREQ(out, "abc");
	CHECK_EQ(inq(), 3);
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "abc");
	file.flags = O_NONBLOCK;
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN); /* the EOF went with the line */
	teardown();
}

UNIT_TEST(eof_line_read_in_pieces_keeps_its_eof_for_the_last_piece)
{
	char buf[64];

	setup();
	feed("abc\x04");
	CHECK_EQ(rds(buf, 3), 2);
	CHECK_STREQ(buf, "ab");
	CHECK_EQ(rds(buf, 2), 1);
	CHECK_STREQ(buf, "c");
	file.flags = O_NONBLOCK;
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN);
	teardown();
}

UNIT_TEST(veol_ends_a_line_too)
{
	struct termios tio;
	char buf[64];

	setup();
	tio = get_termios();
	tio.c_cc[VEOL] = ';';
	CHECK_EQ(ioc(TCSETS, &tio), 0);
	feed("a;b");
	CHECK_STREQ(out, "a;b");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "a;");
	teardown();
}

UNIT_TEST(disabled_special_characters_are_ordinary)
{
	struct termios tio;
	char buf[64];

	setup();
	take_ctty();
	tio = get_termios();
	tio.c_cc[VINTR] = TTY_DISABLED_CHAR;
	tio.c_cc[VEOF] = TTY_DISABLED_CHAR;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
	feed_n("\x03\x04\0\n", 4); /* ^C, ^D and NUL (== the disabled VEOL) are plain data */
	CHECK_EQ(nr_sigs, 0);
	CHECK_EQ(rd(buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "\x03\x04\0\n", 4) == 0);
	teardown();
}

/* ---- input translation ---- */

UNIT_TEST(cr_translation_flags)
{
	char buf[64];

	setup();
	set_iflag(0, ICRNL);
	feed("x\r");
	CHECK_STREQ(out, "x^M"); /* a CR is not a line end without ICRNL */
	CHECK_EQ(inq(), 0);
	feed("\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "x\r\n");
	set_iflag(IGNCR, 0);
	feed("y\r\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "y\n");
	set_iflag(INLCR, IGNCR);
	set_lflag(0, ICANON);
	feed("z\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "z\r");
	teardown();
}

UNIT_TEST(istrip_clears_the_eighth_bit)
{
	char buf[64];

	setup();
	set_iflag(ISTRIP, 0);
	feed("\xe1\x8a");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "a\n");
	teardown();
}

/* ---- signals ---- */

UNIT_TEST(intr_signals_the_foreground_group_flushes_and_echoes)
{
	char buf[64];

	setup();
	take_ctty();
	feed("done\nabc\x03");
	CHECK_STREQ(out, "done\r\nabc^C");
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(sigs[0].pgid, 100);
	CHECK_EQ(sigs[0].sig, SIGINT);
	CHECK_EQ(inq(), 0); /* the complete line went too, as on Linux */
	feed("x\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "x\n");
	teardown();
}

UNIT_TEST(quit_and_susp_send_their_signals)
{
	setup();
	take_ctty();
	feed("\x1c\x1a");
	CHECK_EQ(nr_sigs, 2);
	CHECK_EQ(sigs[0].sig, SIGQUIT);
	CHECK_EQ(sigs[1].sig, SIGTSTP);
	CHECK_STREQ(out, "^\\^Z");
	teardown();
}

UNIT_TEST(signal_characters_work_in_raw_mode_and_not_without_isig)
{
	char buf[8];

	setup();
	take_ctty();
	set_raw(1, 0);
	feed("\x03");
	CHECK_EQ(nr_sigs, 1);
	set_lflag(0, ISIG);
	feed("\x03");
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(rd(buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 3);
	teardown();
}

UNIT_TEST(noflsh_keeps_input_on_a_signal)
{
	setup();
	take_ctty();
	set_lflag(NOFLSH, 0);
	feed("ab\ncd\x03");
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(inq(), 3);
	teardown();
}

UNIT_TEST(no_signal_without_a_foreground_group)
{
	setup();
	feed("abc\x03");
	CHECK_EQ(nr_sigs, 0);
	CHECK_STREQ(out, "abc^C");
	CHECK_EQ(inq(), 0);
	teardown();
}

/* ---- buffer limits ---- */

UNIT_TEST(canonical_buffer_full_accepts_only_newline)
{
	static char big[5000], buf[TTY_BUF_SIZE + 16];
	size_t as = 0;

	setup();
	memset(big, 'a', sizeof(big));
	feed_n(big, sizeof(big));
	for (size_t i = 0; i < out_len; i++)
		as += out[i] == 'a';
	CHECK_EQ(as, TTY_BUF_SIZE - 1); /* only what was kept was echoed */
	CHECK_EQ(inq(), 0);
	clear_out();
	feed("b");
	CHECK_STREQ(out, ""); /* dropped, not echoed */
	CHECK_EQ(inq(), 0);
	feed("\n"); /* the last byte was kept for the line's end */
	CHECK_STREQ(out, "\r\n");
	CHECK_EQ(inq(), TTY_BUF_SIZE);
	CHECK_EQ(rd(buf, sizeof(buf)), TTY_BUF_SIZE);
	CHECK_EQ(buf[TTY_BUF_SIZE - 2], 'a');
	CHECK_EQ(buf[TTY_BUF_SIZE - 1], '\n');
	feed("ok\n");
	CHECK_EQ(rd(buf, sizeof(buf)), 3);
	teardown();
}

UNIT_TEST(kill_of_a_full_line_cannot_overflow_the_echo)
{
	static char big[TTY_BUF_SIZE];
	char buf[8];

	setup();
	memset(big, 'q', sizeof(big));
	feed_n(big, sizeof(big));
	clear_out();
	feed("\x15");
	CHECK(out_len > 0 && out_len <= TTY_ECHO_SIZE);
	for (size_t i = 0; i + 3 <= out_len; i += 3)
		CHECK(memcmp(out + i, "\b \b", 3) == 0);
	feed("z\n");
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "z\n");
	teardown();
}

UNIT_TEST(raw_buffer_full_drops_the_rest)
{
	static char big[5000], buf[TTY_BUF_SIZE + 16];

	setup();
	set_raw(1, 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	feed_n(big, sizeof(big));
	CHECK_EQ(inq(), TTY_BUF_SIZE);
	CHECK_EQ(rd(buf, sizeof(buf)), TTY_BUF_SIZE);
	CHECK(memcmp(buf, big, TTY_BUF_SIZE) == 0);
	teardown();
}

/* ---- non-canonical reads ---- */

UNIT_TEST(raw_vmin1_returns_what_is_there)
{
	char buf[64];

	setup();
	set_raw(1, 0);
	feed("xy");
	CHECK_STREQ(out, ""); /* ECHO off */
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "xy");
	teardown();
}

static void hook_feed_a_then_bc(u32 call)
{
	if (call == 1)
		feed("a");
	else if (call == 2)
		feed("bc");
}

UNIT_TEST(raw_vmin3_waits_for_three_bytes)
{
	char buf[64];

	setup();
	set_raw(3, 0);
	stub.hook = hook_feed_a_then_bc;
	CHECK_EQ(rds(buf, sizeof(buf)), 3);
	CHECK_STREQ(buf, "abc");
	CHECK_EQ(stub.block_calls, 2);
	CHECK_EQ(stub.stuck, 0);
	teardown();
}

UNIT_TEST(raw_vmin_is_capped_by_the_read_size)
{
	char buf[64];

	setup();
	set_raw(5, 0);
	feed("pq");
	CHECK_EQ(rds(buf, 3), 2); /* wants min(VMIN, 2) = 2 bytes: there */
	CHECK_STREQ(buf, "pq");
	teardown();
}

UNIT_TEST(raw_vmin0_vtime0_never_blocks)
{
	char buf[8];

	setup();
	set_raw(0, 0);
	CHECK_EQ(rd(buf, sizeof(buf)), 0);
	file.flags = O_NONBLOCK;
	CHECK_EQ(rd(buf, sizeof(buf)), 0); /* as on Linux: 0, not EAGAIN */
	CHECK_EQ(stub.block_calls, 0);
	CHECK(tty_fops.poll(&file, NULL) & POLLIN);
	teardown();
}

static u64 armed_deadline;

/* The armed timeout (on the waiter's stack) is recorded while it exists, then it fires. */
static void hook_time_passes(u32 call)
{
	(void)call;
	armed_deadline = stub.armed ? stub.armed->deadline_ns : 0;
	host_clock_set_ns(arch_clock_ns() + 2000000000ull);
	stub_fire_timer();
}

UNIT_TEST(raw_vtime_times_out_with_zero)
{
	char buf[8];

	setup();
	set_raw(0, 5);
	stub.hook = hook_time_passes;
	CHECK_EQ(rd(buf, sizeof(buf)), 0);
	CHECK_EQ(stub.arms, 1);
	CHECK_EQ(armed_deadline, 500000000ull); /* 5 tenths from time 0 */
	CHECK_EQ(stub.stuck, 0);
	teardown();
}

static void hook_feed_k(u32 call)
{
	(void)call;
	feed("k");
}

UNIT_TEST(raw_vtime_returns_a_byte_that_comes_in_time)
{
	char buf[8];

	setup();
	set_raw(0, 5);
	stub.hook = hook_feed_k;
	CHECK_EQ(rds(buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "k");
	teardown();
}

static void hook_byte_then_silence(u32 call)
{
	if (call == 1)
		feed("x");
	else
		hook_time_passes(call);
}

UNIT_TEST(raw_vmin_vtime_interbyte_timer_returns_what_came)
{
	char buf[8];

	setup();
	set_raw(4, 1);
	stub.hook = hook_byte_then_silence;
	CHECK_EQ(rds(buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "x");
	CHECK_EQ(stub.block_calls, 2);
	teardown();
}

UNIT_TEST(switching_modes_keeps_pending_input)
{
	char buf[16];

	setup();
	feed("ab"); /* being edited */
	set_raw(1, 0);
	CHECK_EQ(inq(), 2);
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "ab");
	feed("cd");
	set_lflag(ICANON, 0); /* pending raw input becomes one line */
	CHECK_EQ(inq(), 2);
	CHECK_EQ(rds(buf, sizeof(buf)), 2);
	CHECK_STREQ(buf, "cd");
	teardown();
}

/* ---- blocking, non-blocking, interrupted reads ---- */

static void hook_type_a_line(u32 call)
{
	if (call == 1)
		feed("typed\r");
}

UNIT_TEST(blocking_read_waits_for_a_line)
{
	char buf[64];

	setup();
	stub.hook = hook_type_a_line;
	CHECK_EQ(rds(buf, sizeof(buf)), 6);
	CHECK_STREQ(buf, "typed\n");
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(stub.stuck, 0);
	teardown();
}

UNIT_TEST(nonblocking_read_without_a_line_is_eagain)
{
	char buf[64];

	setup();
	file.flags = O_NONBLOCK;
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN);
	feed("part");
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN);
	feed("\n");
	CHECK_EQ(rd(buf, sizeof(buf)), 5);
	set_raw(1, 0);
	CHECK_EQ(rd(buf, sizeof(buf)), -EAGAIN);
	CHECK_EQ(stub.block_calls, 0);
	teardown();
}

static void hook_signal_arrives(u32 call)
{
	(void)call;
	stub.signal_pending = true;
	sched_wake(current_thread()); /* what signal_send_thread() does */
}

UNIT_TEST(interrupted_blocking_read_is_eintr)
{
	char buf[64];

	setup();
	stub.hook = hook_signal_arrives;
	CHECK_EQ(rd(buf, sizeof(buf)), -EINTR);
	CHECK_EQ(stub.block_calls, 1);
	teardown();
}

static void hook_ctrl_c(u32 call)
{
	(void)call;
	feed("abc\x03");
	stub.signal_pending = true; /* the foreground reader got SIGINT */
	sched_wake(current_thread());
}

UNIT_TEST(ctrl_c_during_a_read_interrupts_it)
{
	char buf[64];

	setup();
	take_ctty();
	stub.hook = hook_ctrl_c;
	CHECK_EQ(rd(buf, sizeof(buf)), -EINTR);
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(sigs[0].sig, SIGINT);
	CHECK_STREQ(out, "abc^C");
	CHECK_EQ(inq(), 0);
	teardown();
}

UNIT_TEST(read_into_a_faulting_buffer_loses_nothing)
{
	struct uio u = {.base = BAD_UPTR, .len = 16, .user = true};
	u64 pos = 0;
	char buf[16];

	setup();
	feed("keep\n");
	CHECK_EQ(tty_fops.read(&file, &u, &pos), -EFAULT);
	CHECK_EQ(rds(buf, sizeof(buf)), 5);
	CHECK_STREQ(buf, "keep\n");
	teardown();
}

/* ---- output ---- */

UNIT_TEST(write_translates_newlines_with_onlcr)
{
	setup();
	CHECK_EQ(wr("a\nb\n", 4), 4);
	CHECK_STREQ(out, "a\r\nb\r\n");
	teardown();
}

UNIT_TEST(write_without_opost_is_raw)
{
	struct termios tio;

	setup();
	tio = get_termios();
	tio.c_oflag &= ~(u32)OPOST;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
	CHECK_EQ(wr("a\nb\r", 4), 4);
	CHECK_STREQ(out, "a\nb\r");
	tio.c_oflag = OPOST | OCRNL;
	CHECK_EQ(ioc(TCSETS, &tio), 0);
	clear_out();
	CHECK_EQ(wr("c\rd\n", 4), 4);
	CHECK_STREQ(out, "c\nd\n");
	teardown();
}

UNIT_TEST(long_write_goes_out_in_full)
{
	static char msg[1000];
	size_t nl = 0;

	setup();
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = i % 10 == 9 ? '\n' : (char)('0' + i % 10);
		nl += msg[i] == '\n';
	}
	CHECK_EQ(wr(msg, sizeof(msg)), (s64)sizeof(msg));
	CHECK_EQ(out_len, sizeof(msg) + nl);
	CHECK(memcmp(out, "012345678\r\n0123", 15) == 0);
	teardown();
}

UNIT_TEST(write_from_a_faulting_buffer_is_efault)
{
	struct uio u = {.base = BAD_UPTR, .len = 4, .user = true};
	u64 pos = 0;

	setup();
	CHECK_EQ(tty_fops.write(&file, &u, &pos), -EFAULT);
	CHECK_EQ(out_len, 0);
	teardown();
}

static void hook_ctrl_q(u32 call)
{
	(void)call;
	feed("\x11");
}

UNIT_TEST(ixon_stop_and_start_characters_hold_output)
{
	setup();
	feed("\x13"); /* ^S */
	CHECK_EQ(out_len, 0);
	file.flags = O_NONBLOCK;
	CHECK_EQ(wr("x", 1), -EAGAIN);
	file.flags = 0;
	stub.hook = hook_ctrl_q; /* ^Q comes while the writer waits */
	CHECK_EQ(wr("y", 1), 1);
	CHECK_STREQ(out, "y");
	CHECK_EQ(stub.block_calls, 1);
	CHECK_EQ(inq(), 0); /* flow-control characters are not input */
	teardown();
}

UNIT_TEST(tcxonc_stops_restarts_and_sends_flow_characters)
{
	setup();
	CHECK_EQ(ioc_val(TCXONC, TCOOFF), 0);
	file.flags = O_NONBLOCK;
	CHECK_EQ(wr("x", 1), -EAGAIN);
	CHECK_EQ(ioc_val(TCXONC, TCOON), 0);
	CHECK_EQ(wr("x", 1), 1);
	CHECK_EQ(ioc_val(TCXONC, TCIOFF), 0);
	CHECK_EQ(ioc_val(TCXONC, TCION), 0);
	CHECK_STREQ(out, "x\x13\x11");
	CHECK_EQ(ioc_val(TCXONC, 7), -EINVAL);
	teardown();
}

/* ---- poll ---- */

UNIT_TEST(poll_reports_input_when_a_read_would_not_block)
{
	struct poll_table *pt = (struct poll_table *)&file; /* any non-NULL table */

	setup();
	CHECK_EQ(tty_fops.poll(&file, NULL), POLLOUT | POLLWRNORM);
	CHECK_EQ(poll_waits, 0);
	feed("abc");
	CHECK_EQ(tty_fops.poll(&file, pt), POLLOUT | POLLWRNORM);
	CHECK_EQ(poll_waits, 1);
	CHECK(poll_wq == &tt->wq);
	feed("\n");
	CHECK_EQ(tty_fops.poll(&file, pt), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	set_raw(2, 0);
	tty_fops.ioctl(&file, TCFLSH, TCIFLUSH);
	feed("a");
	CHECK(!(tty_fops.poll(&file, NULL) & POLLIN));
	feed("b");
	CHECK(tty_fops.poll(&file, NULL) & POLLIN);
	teardown();
}

/* ---- ioctls ---- */

UNIT_TEST(tcsets_then_tcgets_round_trips)
{
	struct termios set, got;

	setup();
	memset(&set, 0, sizeof(set));
	set.c_iflag = IGNBRK | INLCR | IXOFF;
	set.c_oflag = OPOST | ONLRET;
	set.c_cflag = CS8 | CREAD | CLOCAL;
	set.c_lflag = ISIG | ECHONL;
	set.c_line = 0;
	for (int i = 0; i < NCCS; i++)
		set.c_cc[i] = (u8)(0x40 + i);
	CHECK_EQ(ioc(TCSETS, &set), 0);
	got = get_termios();
	CHECK(memcmp(&set, &got, sizeof(set)) == 0);
	CHECK_EQ(ioc(TCSETSW, &set), 0);
	teardown();
}

UNIT_TEST(termios_ioctls_with_bad_pointers_are_efault)
{
	struct termios before, after;

	setup();
	before = get_termios();
	CHECK_EQ(ioc(TCSETS, BAD_UPTR), -EFAULT);
	CHECK_EQ(ioc(TCGETS, BAD_UPTR), -EFAULT);
	CHECK_EQ(ioc(TIOCGWINSZ, BAD_UPTR), -EFAULT);
	CHECK_EQ(ioc(TIOCSWINSZ, BAD_UPTR), -EFAULT);
	CHECK_EQ(ioc(FIONREAD, BAD_UPTR), -EFAULT);
	after = get_termios();
	CHECK(memcmp(&before, &after, sizeof(before)) == 0);
	teardown();
}

UNIT_TEST(tcsetsf_flushes_input)
{
	struct termios tio;

	setup();
	feed("gone\n");
	tio = get_termios();
	CHECK_EQ(ioc(TCSETSF, &tio), 0);
	CHECK_EQ(inq(), 0);
	teardown();
}

UNIT_TEST(tcflsh_flushes_input_and_checks_its_argument)
{
	setup();
	feed("a\nb\n");
	CHECK_EQ(ioc_val(TCFLSH, TCOFLUSH), 0);
	CHECK_EQ(inq(), 4);
	CHECK_EQ(ioc_val(TCFLSH, TCIFLUSH), 0);
	CHECK_EQ(inq(), 0);
	feed("c\n");
	CHECK_EQ(ioc_val(TCFLSH, TCIOFLUSH), 0);
	CHECK_EQ(inq(), 0);
	CHECK_EQ(ioc_val(TCFLSH, 3), -EINVAL);
	teardown();
}

UNIT_TEST(winsize_set_get_and_sigwinch)
{
	struct winsize ws = {.ws_row = 50, .ws_col = 132}, got;

	setup();
	take_ctty();
	CHECK_EQ(ioc(TIOCSWINSZ, &ws), 0);
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(sigs[0].pgid, 100);
	CHECK_EQ(sigs[0].sig, SIGWINCH);
	CHECK_EQ(ioc(TIOCGWINSZ, &got), 0);
	CHECK(memcmp(&ws, &got, sizeof(ws)) == 0);
	CHECK_EQ(ioc(TIOCSWINSZ, &ws), 0); /* no change, no signal (as Linux) */
	CHECK_EQ(nr_sigs, 1);
	teardown();
}

UNIT_TEST(fionread_counts_complete_lines_without_eof_bytes)
{
	setup();
	feed("ab\ncd");
	CHECK_EQ(inq(), 3);
	feed("\x04");
	CHECK_EQ(inq(), 5);
	set_raw(1, 0);
	feed("e");
	CHECK_EQ(inq(), 7); /* raw: every byte, the ^D included */
	teardown();
}

UNIT_TEST(controlling_tty_and_foreground_group)
{
	int pgrp = -1, sid = -1;

	setup();
	/* Not anyone's controlling tty yet. */
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), -ENOTTY);
	CHECK_EQ(ioc(TIOCGSID, &sid), -ENOTTY);
	pgrp = 101;
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), -ENOTTY);
	CHECK_EQ(ioc(TIOCNOTTY, NULL), -ENOTTY);

	take_ctty();
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), 0);
	CHECK_EQ(pgrp, 100);
	CHECK_EQ(ioc(TIOCGSID, &sid), 0);
	CHECK_EQ(sid, 100);
	CHECK_EQ(ioc_val(TIOCSCTTY, 0), 0); /* again, same session: fine */

	pgrp = 101; /* another group of session 100 */
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), 0);
	pgrp = 0;
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), 0);
	CHECK_EQ(pgrp, 101);
	pgrp = 200; /* a group of another session */
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), -EPERM);
	pgrp = 555; /* no such group */
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), -EPERM);
	pgrp = -1;
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), -EINVAL);
	CHECK_EQ(ioc(TIOCSPGRP, BAD_UPTR), -EFAULT);
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), 0);
	CHECK_EQ(pgrp, 101);

	/* Signals now go to group 101. */
	feed("\x03");
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(sigs[0].pgid, 101);

	/* Another session can neither steal it nor query it. */
	cur_sid = 200;
	cur_pgid = 200;
	CHECK_EQ(ioc_val(TIOCSCTTY, 0), -EPERM);
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), -ENOTTY);
	CHECK_EQ(ioc(TIOCNOTTY, NULL), -ENOTTY);

	/* The owner gives it up; then the other session may take it. */
	cur_sid = 100;
	cur_pgid = 100;
	CHECK_EQ(ioc(TIOCNOTTY, NULL), 0);
	CHECK_EQ(ioc(TIOCGPGRP, &pgrp), -ENOTTY);
	feed("\x03");
	CHECK_EQ(nr_sigs, 1);
	cur_sid = 200;
	cur_pgid = 200;
	CHECK_EQ(ioc_val(TIOCSCTTY, 0), 0);
	CHECK_EQ(ioc(TIOCGSID, &sid), 0);
	CHECK_EQ(sid, 200);
	cur_sid = 0; /* a kernel thread has no session */
	CHECK_EQ(ioc_val(TIOCSCTTY, 0), -EPERM);
	teardown();
}

UNIT_TEST(unknown_ioctls_are_enotty_and_others_accepted)
{
	setup();
	CHECK_EQ(ioc_val(0x5401 + 0x100, 0), -ENOTTY);
	CHECK_EQ(ioc_val(0, 0), -ENOTTY);
	CHECK_EQ(ioc_val(TCSBRK, 1), 0);
	teardown();
}

UNIT_TEST(open_marks_the_file_unseekable)
{
	struct file f;

	memset(&f, 0, sizeof(f));
	CHECK_EQ(tty_fops.open(NULL, &f), 0);
	CHECK(f.fmode & FMODE_NOSEEK);
}

/* ---- robustness ---- */

static u32 rng_state = 12345;

static u32 rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

UNIT_TEST(fuzz_random_input_termios_and_reads)
{
	static char chunk[300], buf[TTY_BUF_SIZE + 1];

	setup();
	take_ctty();
	file.flags = O_NONBLOCK;
	for (int round = 0; round < 3000; round++) {
		u32 op = rng() % 8;

		if (op < 4) {
			size_t n = rng() % sizeof(chunk);

			for (size_t i = 0; i < n; i++)
				chunk[i] =
					(char)(rng() % 4 ? rng() % 32 + (rng() % 2) * 96 : rng());
			feed_n(chunk, n);
		} else if (op < 6) {
			s64 r = rd(buf, rng() % sizeof(buf));

			CHECK(r == -EAGAIN || (r >= 0 && r <= TTY_BUF_SIZE));
		} else if (op == 6) {
			struct termios tio = get_termios();

			tio.c_iflag = rng();
			tio.c_oflag = rng();
			tio.c_lflag = rng() & ~(u32)NOFLSH;
			tio.c_cc[VMIN] = (u8)(rng() % 3);
			for (int i = 0; i < 4; i++)
				tio.c_cc[rng() % NCCS] = (u8)rng();
			tio.c_cc[VTIME] = 0; /* timed reads would need the clock hook */
			CHECK_EQ(ioc(TCSETS, &tio), 0);
		} else {
			s64 r = wr(chunk, rng() % sizeof(chunk));

			CHECK(r >= 0 || r == -EAGAIN); /* -EAGAIN: a random VSTOP stopped output */
		}
		CHECK(inq() >= 0 && inq() <= TTY_BUF_SIZE);
		CHECK(tt->head - tt->tail <= TTY_BUF_SIZE);
		CHECK(tt->canon_end - tt->tail <= tt->head - tt->tail);
		if (out_len > sizeof(out) / 2)
			clear_out();
	}
	teardown();
}

/* ---- the console tty (console.c) ---- */

UNIT_TEST(console_tty_takes_serial_input_and_registers_devices)
{
	struct file cf;
	struct uio u;
	char buf[16];
	u64 pos = 0;

	setup();
	nr_devs = 0;
	CHECK(console_tty() == NULL);
	CHECK_EQ(tty_register_devices(), -ENODEV);
	CHECK(serial_rx_hook == NULL);
	console_tty_init();
	CHECK(console_tty() != NULL);
	CHECK(serial_rx_hook != NULL);
	console_tty_init(); /* idempotent */
	host_console_clear();
	serial_rx_hook("hi\r", 3);
	CHECK(strstr(host_console_text(), "hi\r\n") != NULL); /* echo, translated once */
	memset(&cf, 0, sizeof(cf));
	cf.priv = console_tty();
	u = (struct uio){.base = buf, .len = sizeof(buf), .user = false};
	CHECK_EQ(tty_fops.read(&cf, &u, &pos), 3);
	CHECK(memcmp(buf, "hi\n", 3) == 0);

	CHECK_EQ(tty_register_devices(), 0);
	CHECK_EQ(nr_devs, 3);
	CHECK_STREQ(devs[0].name, "console");
	CHECK_EQ(MAJOR(devs[0].dev), 5);
	CHECK_EQ(MINOR(devs[0].dev), 1);
	CHECK_STREQ(devs[1].name, "tty");
	CHECK_EQ(MAJOR(devs[1].dev), 5);
	CHECK_EQ(MINOR(devs[1].dev), 0);
	CHECK_STREQ(devs[2].name, "ttyS0");
	CHECK_EQ(MAJOR(devs[2].dev), 4);
	CHECK_EQ(MINOR(devs[2].dev), 64);
	for (int i = 0; i < 3; i++) {
		/* /dev/tty opens only as the caller's controlling terminal. */
		CHECK(devs[i].fops == (i == 1 ? &tty_ctty_fops : &tty_fops));
		CHECK(devs[i].priv == console_tty());
	}
	{
		struct file tf = {.priv = console_tty()};

		cur_sid = 100;
		CHECK_EQ(tty_ctty_fops.open(NULL, &tf), -ENXIO); /* no controlling tty yet */
	}
	teardown();
}

/* ---- job control ---- */

UNIT_TEST(background_group_gets_sigttin_and_sigttou)
{
	struct termios tio;
	int pgrp = 101;
	char buf[8];

	setup();
	take_ctty();
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), 0); /* group 101 in front; we (100) are behind */
	cur_ignores_sig = false;
	feed("x\n");

	/* Reading from the background: SIGTTIN to our group, and the read waits (-EINTR). */
	CHECK_EQ(rd(buf, sizeof(buf)), -EINTR);
	CHECK_EQ(nr_sigs, 1);
	CHECK_EQ(sigs[0].pgid, 100);
	CHECK_EQ(sigs[0].sig, SIGTTIN);

	/* Writing is allowed without TOSTOP; with it, SIGTTOU. */
	CHECK_EQ(wr("ab", 2), 2);
	CHECK_EQ(ioc(TCGETS, &tio), 0);
	tio.c_lflag |= TOSTOP;
	CHECK_EQ(ioc(TCSETS, &tio), -EINTR); /* changing settings from behind: SIGTTOU */
	CHECK_EQ(nr_sigs, 2);
	CHECK_EQ(sigs[1].sig, SIGTTOU);
	cur_ignores_sig = true; /* a process ignoring SIGTTOU may change them */
	CHECK_EQ(ioc(TCSETS, &tio), 0);
	cur_ignores_sig = false;
	CHECK_EQ(wr("ab", 2), -EINTR);
	CHECK_EQ(nr_sigs, 3);
	CHECK_EQ(sigs[2].sig, SIGTTOU);
	pgrp = 100;
	CHECK_EQ(ioc(TIOCSPGRP, &pgrp), -EINTR); /* tcsetpgrp from behind: SIGTTOU too */
	CHECK_EQ(nr_sigs, 4);

	/* SIGTTIN ignored or an orphaned group: EIO instead of a stop. */
	cur_ignores_sig = true;
	CHECK_EQ(rd(buf, sizeof(buf)), -EIO);
	cur_ignores_sig = false;
	cur_orphaned = true;
	CHECK_EQ(rd(buf, sizeof(buf)), -EIO);
	CHECK_EQ(nr_sigs, 4);

	/* In front again, the line is there. */
	cur_pgid = 101;
	CHECK_EQ(rd(buf, sizeof(buf)), 2);
	CHECK_EQ(buf[0], 'x');
	teardown();
}
