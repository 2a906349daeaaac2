/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty_test.c - ktests of the terminal layer inside the kernel (real
 * spinlocks, wait queues, mutexes and kmalloc): bytes fed through
 * tty_receive() on a tty whose driver records what it is sent, read back
 * and written through tty_fops with kernel uios. tty.console_line
 * (explicit only) reads a line typed on the real console through the whole
 * path: receive interrupt, serial_rx_hook, the console tty, a blocking
 * read; tests/integration/run.py types it.
 */
#include "klog.h"
#include "ktest.h"
#include "lib.h"
#include "sync.h"
#include "timer.h"
#include "tty.h"
#include "vfs.h"

#define SEC 1000000000ull

struct rec {
	char buf[256];
	size_t len;
};

static void rec_write(struct tty *tty, const char *b, size_t n)
{
	struct rec *r = tty->drv_data;

	for (size_t i = 0; i < n && r->len < sizeof(r->buf) - 1; i++)
		r->buf[r->len++] = b[i];
	r->buf[r->len] = '\0';
}

static const struct tty_driver rec_driver = {.write = rec_write};

static s64 kread(struct file *f, char *buf, size_t n)
{
	struct uio u = {.base = buf, .len = n, .user = false};
	u64 pos = 0;

	return tty_fops.read(f, &u, &pos);
}

KTEST(tty, canonical_read_through_kernel_uio)
{
	static const char typed[] = "hi\x7fo wor\x17ld\r";
	static struct rec r;
	struct file f;
	struct uio u;
	struct tty *tty;
	char buf[32];
	u64 pos = 0;

	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	tty = tty_create("ktest", &rec_driver, &r);
	KT_EXPECT(t, tty != NULL);
	if (!tty)
		return;
	f.priv = tty;
	tty_receive(tty, typed, sizeof(typed) - 1);
	KT_EXPECT_STREQ(t, r.buf, "hi\b \bo wor\b \b\b \b\b \bld\r\n");
	KT_EXPECT_EQ(t, tty_fops.poll(&f, NULL) & POLLIN, POLLIN);
	memset(buf, 0, sizeof(buf));
	KT_EXPECT_EQ(t, kread(&f, buf, sizeof(buf) - 1), 6);
	KT_EXPECT_STREQ(t, buf, "ho ld\n");
	KT_EXPECT_EQ(t, tty_fops.poll(&f, NULL) & POLLIN, 0);

	r.len = 0;
	u = (struct uio){.base = (char *)"ok\n", .len = 3, .user = false};
	KT_EXPECT_EQ(t, tty_fops.write(&f, &u, &pos), 3);
	KT_EXPECT_STREQ(t, r.buf, "ok\r\n");
	tty_free(tty);
}

static bool console_readable(void *arg)
{
	return (tty_fops.poll(arg, NULL) & POLLIN) != 0;
}

KTEST_EXPLICIT(tty, console_line)
{
	struct tty *con;
	struct file f;
	char buf[128];
	s64 n;
	int r;

	console_tty_init();
	con = console_tty();
	KT_EXPECT(t, con != NULL);
	if (!con)
		return;
	memset(&f, 0, sizeof(f));
	f.priv = con;
	kprintf("# tty: type a line and press Enter (10 s)\n");
	r = wait_until(&con->wq, console_readable, &f, clock_ns() + 10 * SEC);
	KT_EXPECT_EQ(t, r, 0);
	if (r)
		return;
	memset(buf, 0, sizeof(buf));
	n = kread(&f, buf, sizeof(buf) - 1);
	/* Enter sends CR; ICRNL makes it the newline that ends the line. */
	KT_EXPECT(t, n > 0 && buf[n - 1] == '\n');
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	kprintf("tty: console read '%s' and a newline\n", buf);
}
