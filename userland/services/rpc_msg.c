/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rpc_msg.c - the message helpers of the RPC runtime (rpc.h) that the code
 * scripts/rpcgen.py generates calls: strings packed NUL-terminated into a
 * message's long part and taken out again with bounds checks, and closing
 * handles a refused call or reply brought. No system call but
 * m_handle_close, so the host test (tests/unit/test_rpcgen.c) links it.
 */
#include "rpc.h"

int rpc_put_str(struct m_ipc_buffer *b, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > M_MSG_MAX_DATA - *len)
		return -EMSGSIZE;
	memcpy(b->data + *len, s, n);
	*len += n;
	return 0;
}

const char *rpc_take_str(const char *in, size_t len, size_t *pos)
{
	const char *s = in + *pos;
	const char *end;

	if (*pos >= len)
		return NULL;
	end = memchr(s, '\0', len - *pos);
	if (!end)
		return NULL;
	*pos += (size_t)(end - s) + 1;
	return s;
}

int rpc_get_str(struct m_ipc_buffer *b, size_t len, size_t *pos, char *out, size_t size)
{
	const char *s = rpc_take_str((const char *)b->data, len, pos);
	size_t n;

	if (!s)
		return -EPROTO;
	if (size == 0)
		return 0;
	n = strnlen(s, size - 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

void rpc_close_caps(struct m_ipc_buffer *b, unsigned int n)
{
	for (unsigned int i = 0; i < n && i < M_MSG_MAX_CAPS; i++)
		if (b->caps[i])
			m_handle_close((int)b->caps[i]);
}
