/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * klog_text.c - the kernel log's records as user space reads them: the
 * syslog(2)/dmesg line "<6>[    1.234567] text", the /dev/kmsg record
 * "6,42,1234567,-;text" (Linux's formats), and the READ_ALL assembly of
 * syslog(2) (the newest whole lines that fit). Pure text over klog_read();
 * the syscall is kernel/linux/syslog.c, the device drivers/char/kmsg.c.
 * Host-tested in tests/unit/test_procfs.c.
 */
#include "klog.h"
#include "lib.h"
#include "mm.h"

#define SYSLOG_LINE_MAX (KLOG_MSG_MAX + 48)

/* ---- formats ---- */

size_t klog_format_syslog(const struct klog_record *r, char *buf, size_t size)
{
	u64 us = r->time_ns / 1000;
	int n = snprintf(buf, size, "<%d>[%5llu.%06llu] %s\n", r->level & 7,
			 (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000),
			 r->text);

	return n > 0 ? (size_t)n : 0;
}

size_t klog_format_kmsg(const struct klog_record *r, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char prefix[64];
	int n = snprintf(prefix, sizeof(prefix), "%d,%llu,%llu,-;", r->level & 7,
			 (unsigned long long)r->seq, (unsigned long long)(r->time_ns / 1000));
	size_t len = 0;

	/* Emit one byte at a time with a bound check: the length counts even past size. */
#define PUT(c)                          \
	do {                            \
		if (len + 1 < size)     \
			buf[len] = (c); \
		len++;                  \
	} while (0)
	for (int i = 0; i < n; i++)
		PUT(prefix[i]);
	for (size_t i = 0; i < KLOG_MSG_MAX && r->text[i]; i++) {
		unsigned char c = (unsigned char)r->text[i];

		if (c < 0x20 || c >= 0x7f || c == '\\') {
			PUT('\\');
			PUT('x');
			PUT(hex[c >> 4]);
			PUT(hex[c & 15]);
		} else {
			PUT((char)c);
		}
	}
	PUT('\n');
#undef PUT
	if (size)
		buf[MIN(len, size - 1)] = '\0';
	return len;
}

size_t klog_print_size(u64 from)
{
	struct klog_record *r = kmalloc(sizeof(*r));
	size_t total = 0;

	if (!r)
		return 0;
	while (klog_read(&from, r))
		total += klog_format_syslog(r, NULL, 0);
	kfree(r);
	return total;
}

size_t klog_print_all(u64 from, char *buf, size_t size)
{
	struct klog_record *r = kmalloc(sizeof(*r));
	char *line = kmalloc(SYSLOG_LINE_MAX);
	size_t total, len = 0;
	u64 seq = from;

	if (!r || !line)
		goto out;
	/* Skip the oldest records until the rest fits, then copy whole lines. */
	total = klog_print_size(from);
	while (total > size && klog_read(&seq, r)) {
		size_t n = klog_format_syslog(r, NULL, 0);

		total -= MIN(n, total);
	}
	while (klog_read(&seq, r)) {
		size_t n = klog_format_syslog(r, line, SYSLOG_LINE_MAX);

		n = MIN(n, (size_t)SYSLOG_LINE_MAX - 1);
		if (n > size - len)
			break; /* records arrived since we measured */
		memcpy(buf + len, line, n);
		len += n;
	}
out:
	kfree(line);
	kfree(r);
	return len;
}
