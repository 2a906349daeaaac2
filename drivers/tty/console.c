/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * console.c - the console terminal: one tty (tty.h) on the boot console,
 * the serial port COM1 on x86_64. Output goes out through
 * arch_console_write_raw() (the tty has done ONLCR already, so the arch's
 * own "\n" -> "\r\n" must not happen again); input comes from the serial
 * receive interrupt through serial_rx_hook, which console_tty_init()
 * installs. tty_register_devices() makes it reachable as /dev/console,
 * /dev/tty and /dev/ttyS0.
 *
 * the_console is written once (compare-and-swap) and read without a lock
 * by the interrupt hook; the tty itself is never freed.
 */
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "tty.h"
#include "vfs.h"

static struct tty *the_console;

static void console_write(struct tty *t, const char *buf, size_t n)
{
	(void)t;
	arch_console_write_raw(buf, n);
}

static const struct tty_driver console_driver = {
	.write = console_write,
};

/* serial_rx_hook: receive interrupt, interrupts off. */
static void console_rx(const char *buf, size_t n)
{
	struct tty *t = __atomic_load_n(&the_console, __ATOMIC_ACQUIRE);

	if (t)
		tty_receive(t, buf, n);
}

struct tty *console_tty(void)
{
	return __atomic_load_n(&the_console, __ATOMIC_ACQUIRE);
}

void console_tty_init(void)
{
	struct tty *t, *expected = NULL;

	if (console_tty())
		return;
	t = tty_create("console", &console_driver, NULL);
	if (!t) {
		pr_err("tty: no memory for the console terminal");
		return;
	}
	if (!__atomic_compare_exchange_n(&the_console, &expected, t, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		tty_free(t); /* someone else was first */
		return;
	}
	__atomic_store_n(&serial_rx_hook, console_rx, __ATOMIC_RELEASE);
	pr_info("tty: console terminal on the serial port");
}

int tty_register_devices(void)
{
	static const struct {
		const char *name;
		u32 major, minor, mode;
		const struct file_operations *fops;
	} devs[] = {
		{"console", 5, 1, 0600, &tty_fops},
		/* The caller's controlling tty: the console is the only terminal there is. */
		{"tty", 5, 0, 0666, &tty_ctty_fops},
		{"ttyS0", 4, 64, 0660, &tty_fops},
	};
	struct tty *t = console_tty();
	int err;

	if (!t)
		return -ENODEV;
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		err = chrdev_register(devs[i].name, MKDEV(devs[i].major, devs[i].minor),
				      devs[i].mode, devs[i].fops, t);
		if (err) {
			pr_err("tty: cannot register /dev/%s: error %d", devs[i].name, err);
			return err;
		}
	}
	return 0;
}
