/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rpcgen.c - the code scripts/rpcgen.py generates, on the host: the
 * client stubs and the server dispatcher for tests/unit/rpctest.rpc meet
 * through a loopback that does the kernel's part of a call (copy the long
 * part, turn sent handles into new numbers on the other side, pass the
 * badge, bring the reply back). Covers every parameter kind, the rights
 * each sent handle asks for, handler errors, and malformed calls and
 * replies (unknown method, unterminated string, missing or extra handles,
 * oversized arguments), including that stray handles are closed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "matrioska.h"

long rt_loopback_call(int h, struct m_msg *m, uint64_t timeout);

#include "rpctest_rpc.h"
#include "unit.h"

#define T_EP 77 /* the one handle the loopback answers */
#define T_BADGE 0xbad9eull
#define SERVER_HANDLE_BASE 100 /* sent handle h arrives as h + 100 */
#define CLIENT_HANDLE_BASE 1000

static struct m_ipc_buffer client_buf, server_buf;
static int closed[16], nclosed;
static uint64_t last_timeout, seen_badge;
static uint32_t sent_rights[M_MSG_MAX_CAPS], reply_rights[M_MSG_MAX_CAPS];
static int handler_calls, swap_in;
static bool reply_extra_cap, reply_unterminated;

struct m_ipc_buffer *rpc_buffer(void)
{
	return &client_buf;
}

int m_handle_close(int h)
{
	if (nclosed < 16)
		closed[nclosed++] = h;
	return 0;
}

static bool was_closed(int h)
{
	for (int i = 0; i < nclosed; i++)
		if (closed[i] == h)
			return true;
	return false;
}

/* ---- the server ---- */

static long h_add(void *ctx, uint64_t badge, uint64_t a, uint64_t b, uint64_t *sum)
{
	(void)ctx;
	seen_badge = badge;
	handler_calls++;
	*sum = a + b;
	return 0;
}

static long h_echo(void *ctx, uint64_t badge, const char *text, uint64_t limit, uint64_t *len,
		   char *out, size_t out_size)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	snprintf(out, out_size, "%.*s", (int)limit, text);
	*len = strlen(text);
	return 7;
}

static long h_swap(void *ctx, uint64_t badge, const char *tag, int in, int *out)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	if (strcmp(tag, "tag") != 0)
		return -EINVAL;
	swap_in = in;
	*out = 500;
	return 0;
}

static long h_fail(void *ctx, uint64_t badge, uint64_t err)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	return -(long)err;
}

static long h_four(void *ctx, uint64_t badge, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		   uint64_t *x, uint64_t *y, uint64_t *z)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	*x = a + b;
	*y = c + d;
	*z = a * d;
	return 0;
}

static long h_two(void *ctx, uint64_t badge, const char *first, const char *second, char *joined,
		  size_t size)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	snprintf(joined, size, "%s+%s", first, second);
	return 0;
}

static long h_named(void *ctx, uint64_t badge, uint64_t x, int *h, char *name, size_t size)
{
	(void)ctx;
	(void)badge;
	handler_calls++;
	*h = 600;
	snprintf(name, size, "n%llu", (unsigned long long)x);
	return 0;
}

static const struct rt_ops ops = {
	.add = h_add,
	.echo = h_echo,
	.swap = h_swap,
	.fail = h_fail,
	.four = h_four,
	.two = h_two,
	.named = h_named,
};

/* ---- the kernel's part ---- */

long rt_loopback_call(int h, struct m_msg *m, uint64_t timeout)
{
	struct m_msg s = *m;
	uint32_t n = M_INFO_CAPS(m->info), len = M_INFO_LEN(m->info);

	if (h != T_EP)
		return -EBADF;
	if (len > M_MSG_MAX_DATA || n > M_MSG_MAX_CAPS)
		return -EMSGSIZE;
	last_timeout = timeout;
	memset(&server_buf, 0xa5, sizeof(server_buf)); /* nothing beyond the message is zero */
	memcpy(server_buf.data, client_buf.data, len);
	for (uint32_t i = 0; i < n; i++) {
		server_buf.caps[i] = client_buf.caps[i] + SERVER_HANDLE_BASE;
		sent_rights[i] = client_buf.cap_rights[i];
	}
	s.badge = T_BADGE;
	rt_dispatch(&ops, NULL, &s, &server_buf);

	n = M_INFO_CAPS(s.info);
	len = M_INFO_LEN(s.info);
	memset(&client_buf, 0x5a, sizeof(client_buf));
	memcpy(client_buf.data, server_buf.data, len);
	for (uint32_t i = 0; i < n; i++) {
		client_buf.caps[i] = server_buf.caps[i] + CLIENT_HANDLE_BASE;
		reply_rights[i] = server_buf.cap_rights[i];
	}
	if (reply_unterminated && len)
		client_buf.data[len - 1] = 'x'; /* a hostile server: the last string has no NUL */
	if (reply_extra_cap) {
		client_buf.caps[n] = 999;
		s.info = M_INFO(M_INFO_LABEL(s.info), len, n + 1);
	}
	s.badge = 0;
	*m = s;
	return 0;
}

static void reset(void)
{
	nclosed = 0;
	handler_calls = 0;
	reply_extra_cap = false;
	reply_unterminated = false;
	memset(&client_buf, 0, sizeof(client_buf));
}

/* A call made by hand: label, long part, handles; returns the server's word 0. */
static long raw_call(uint32_t label, const void *data, uint32_t len, uint32_t ncaps)
{
	struct m_msg m = {.info = M_INFO(label, len, ncaps)};

	if (len)
		memcpy(client_buf.data, data, len);
	for (uint32_t i = 0; i < ncaps; i++)
		client_buf.caps[i] = 40 + i;
	if (rt_loopback_call(T_EP, &m, 0) < 0)
		return -9999;
	return (long)m.w[0];
}

UNIT_TEST(scalars_travel_in_words)
{
	uint64_t sum = 0, x = 0, y = 0, z = 0;

	reset();
	CHECK_EQ(rt_add(T_EP, 5, 40, 2, &sum), 0);
	CHECK_EQ(sum, 42);
	CHECK_EQ(last_timeout, 5);
	CHECK_EQ(seen_badge, T_BADGE);
	CHECK_EQ(rt_four(T_EP, 0, 1, 2, 3, 4, &x, &y, &z), 0);
	CHECK_EQ(x, 3);
	CHECK_EQ(y, 7);
	CHECK_EQ(z, 4);
	CHECK_EQ(RT_M_FOUR, 9);
}

UNIT_TEST(strings_both_ways)
{
	char out[64], small[3], joined[32];
	uint64_t len = 0;

	reset();
	CHECK_EQ(rt_echo(T_EP, 0, "hello", 3, &len, out, sizeof(out)), 7);
	CHECK_STREQ(out, "hel");
	CHECK_EQ(len, 5);
	/* The caller's buffer bounds the copy. */
	CHECK_EQ(rt_echo(T_EP, 0, "hello", 64, &len, small, sizeof(small)), 7);
	CHECK_STREQ(small, "he");
	/* Two strings share the long part, in order. */
	CHECK_EQ(rt_two(T_EP, 0, "left", "right", joined, sizeof(joined)), 0);
	CHECK_STREQ(joined, "left+right");
	CHECK_EQ(rt_two(T_EP, 0, "", "", joined, sizeof(joined)), 0);
	CHECK_STREQ(joined, "+");
}

UNIT_TEST(handles_carry_the_rights_the_interface_names)
{
	int out = -1;

	reset();
	CHECK_EQ(rt_swap(T_EP, 0, "tag", 12, &out), 0);
	CHECK_EQ(swap_in, 12 + SERVER_HANDLE_BASE);
	CHECK_EQ(sent_rights[0], M_R_SEND | M_R_GRANT);
	CHECK_EQ(out, 500 + CLIENT_HANDLE_BASE);
	CHECK_EQ(reply_rights[0], M_R_SEND);
	CHECK_EQ(nclosed, 0);
	/* A handler error sends no handle back (and the stub does not touch out). */
	out = -1;
	CHECK_EQ(rt_swap(T_EP, 0, "other", 12, &out), -EINVAL);
	CHECK_EQ(out, -1);
}

UNIT_TEST(handler_errors_come_back_as_negative_errno)
{
	reset();
	CHECK_EQ(rt_fail(T_EP, 0, EACCES), -EACCES);
	CHECK_EQ(rt_fail(T_EP, 0, ENOENT), -ENOENT);
	CHECK_EQ(rt_fail(T_EP, 0, 0), 0);
}

UNIT_TEST(transport_errors_pass_through)
{
	static char big[M_MSG_MAX_DATA + 10];
	uint64_t sum, len;
	char out[8];

	reset();
	CHECK_EQ(rt_add(3, 0, 1, 2, &sum), -EBADF);
	memset(big, 'x', sizeof(big) - 1);
	CHECK_EQ(rt_echo(T_EP, 0, big, 1, &len, out, sizeof(out)), -EMSGSIZE);
	CHECK_EQ(handler_calls, 0);
}

UNIT_TEST(malformed_calls_are_refused_before_the_handler)
{
	static const char unterminated[4] = {'a', 'b', 'c', 'd'};
	static const char tag[] = "tag";

	reset();
	CHECK_EQ(raw_call(55, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(raw_call(0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(raw_call(RT_M_ECHO, unterminated, sizeof(unterminated), 0), -EINVAL);
	CHECK_EQ(raw_call(RT_M_ECHO, NULL, 0, 0), -EINVAL);	     /* no string at all */
	CHECK_EQ(raw_call(RT_M_TWO, "one", 4, 0), -EINVAL);	     /* the second is missing */
	CHECK_EQ(raw_call(RT_M_SWAP, tag, sizeof(tag), 0), -EINVAL); /* its handle is missing */
	CHECK_EQ(handler_calls, 0);
	/* A handle sent to a method that takes none is closed by the server. */
	CHECK_EQ(raw_call(RT_M_ADD, NULL, 0, 1), -EINVAL);
	CHECK(was_closed(40 + SERVER_HANDLE_BASE));
	CHECK_EQ(handler_calls, 0);
}

UNIT_TEST(a_reply_with_a_stray_handle_is_a_protocol_error)
{
	uint64_t sum = 0;

	reset();
	reply_extra_cap = true;
	CHECK_EQ(rt_add(T_EP, 0, 1, 2, &sum), -EPROTO);
	CHECK(was_closed(999));
}

UNIT_TEST(a_reply_with_a_bad_string_closes_the_handles_it_brought)
{
	char name[16];
	int h = -1;

	reset();
	CHECK_EQ(rt_named(T_EP, 0, 7, &h, name, sizeof(name)), 0);
	CHECK_EQ(h, 600 + CLIENT_HANDLE_BASE);
	CHECK(strcmp(name, "n7") == 0);
	CHECK_EQ(nclosed, 0);
	reset();
	reply_unterminated = true;
	CHECK_EQ(rt_named(T_EP, 0, 7, &h, name, sizeof(name)), -EPROTO);
	CHECK(was_closed(600 + CLIENT_HANDLE_BASE));
}
