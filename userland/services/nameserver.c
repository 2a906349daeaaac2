/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nameserver.c - /sbin/nameserver: the registry through which services
 * publish an endpoint under a name and clients find it
 * (docs/design/services.md; interface nameserver.rpc).
 *
 * init creates the nameserver's endpoint before anything else runs, keeps
 * a handle with every right, gives every process a send handle to it by
 * fork inheritance ($MATRIOSKA_NS) and this program a receive handle
 * ($MATRIOSKA_NS_RECV). Because init keeps its own receive right, the
 * endpoint outlives a nameserver crash: clients' calls wait (up to their
 * timeout) until init has restarted us. The table is in memory only: after
 * a restart, services publish again. To tell them, a starting nameserver
 * logs "nameserver: serving (pid N)" in the kernel log (/dev/kmsg), which
 * logd watches anyway (it publishes again when it sees that record).
 *
 * Entries hold a send|grant|dup handle to the service's endpoint; a lookup
 * hands out a send-only copy. Publishing a name again replaces the entry
 * (names are not owned: any process with the nameserver handle may
 * publish; see "Limits" in services.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nameserver_rpc.h"
#include "svcbox.h"

#define NS_MAX 64
#define NS_NAME_MAX 64

struct ns_entry {
	char name[NS_NAME_MAX];
	int ep; /* 0: free */
};

static struct ns_entry entries[NS_MAX];

static struct ns_entry *ns_find(const char *name)
{
	for (int i = 0; i < NS_MAX; i++)
		if (entries[i].ep && strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}

static bool ns_valid_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < NS_NAME_MAX && !strchr(name, '/');
}

static long ns_do_publish(void *ctx, uint64_t badge, const char *name, int ep)
{
	struct ns_entry *e;
	struct m_handle_info info;

	(void)ctx;
	(void)badge;
	if (!ns_valid_name(name) || m_handle_info(ep, &info) < 0 || info.type != M_OBJ_ENDPOINT) {
		m_handle_close(ep);
		return -EINVAL;
	}
	e = ns_find(name);
	if (!e) {
		for (int i = 0; i < NS_MAX && !e; i++)
			if (!entries[i].ep)
				e = &entries[i];
		if (!e) {
			m_handle_close(ep);
			return -ENOSPC;
		}
		snprintf(e->name, sizeof(e->name), "%s", name);
	} else {
		m_handle_close(e->ep);
	}
	e->ep = ep;
	return 0;
}

static long ns_do_lookup(void *ctx, uint64_t badge, const char *name, int *ep)
{
	struct ns_entry *e = ns_find(name);

	(void)ctx;
	(void)badge;
	if (!e)
		return -ENOENT;
	*ep = e->ep;
	return 0;
}

static long ns_do_withdraw(void *ctx, uint64_t badge, const char *name)
{
	struct ns_entry *e = ns_find(name);

	(void)ctx;
	(void)badge;
	if (!e)
		return -ENOENT;
	m_handle_close(e->ep);
	e->ep = 0;
	return 0;
}

static long ns_do_list(void *ctx, uint64_t badge, uint64_t index, char *name, size_t size)
{
	(void)ctx;
	(void)badge;
	for (int i = 0; i < NS_MAX; i++) {
		if (entries[i].ep && index-- == 0) {
			snprintf(name, size, "%s", entries[i].name);
			return 0;
		}
	}
	return -ENOENT;
}

static const struct ns_ops ns_server = {
	.publish = ns_do_publish,
	.lookup = ns_do_lookup,
	.withdraw = ns_do_withdraw,
	.list = ns_do_list,
};

/* "The table is empty": a kernel log record that services watching it act on (logd). */
static void announce(void)
{
	char line[64];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	int n = snprintf(line, sizeof(line), "<6>nameserver: serving (pid %d)\n", (int)getpid());

	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n) {
		/* Not fatal: services then find out only when they publish again. */
	}
	close(fd);
}

int nameserver_main(int argc, char **argv)
{
	int ep = rpc_env_handle(RPC_NS_RECV_ENV);
	long r;

	(void)argc;
	(void)argv;
	if (ep < 0) {
		fprintf(stderr, "nameserver: no %s handle (start me from init)\n", RPC_NS_RECV_ENV);
		return 1;
	}
	unsetenv(RPC_NS_RECV_ENV);
	announce();
	r = ns_serve(ep, &ns_server, NULL, 0, NULL);
	fprintf(stderr, "nameserver: serving failed: %s\n", strerror((int)-r));
	return 1;
}
