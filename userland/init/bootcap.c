/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootcap.c - how processes get their first capability (the rule in
 * docs/design/services.md). Before it starts anything, init creates the
 * nameserver's endpoint and keeps that handle (every right, not
 * inheritable), then derives a send-only handle marked inheritable: fork
 * copies it into every process under the same number, which init also
 * puts into the environment as MATRIOSKA_NS. The one process started as
 * /sbin/nameserver additionally inherits a receive handle, made just
 * before its fork and closed in init right after (MATRIOSKA_NS_RECV).
 *
 * init keeps its receive right, so the endpoint stays alive across a
 * nameserver restart: callers wait instead of failing. The native system
 * calls are made directly (raw syscall numbers from abi/matrioska), so init
 * needs no library, and on a kernel without them (Linux, for
 * test-on-linux.sh) every call fails with ENOSYS and nothing happens.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../abi/matrioska/ipc.h"
#include "../../abi/matrioska/syscall.h"
#include "bootcap.h"

#define NS_PATH "/sbin/nameserver"

static long ns_ep; /* init's handle to the nameserver endpoint, 0 if none */

void bootcap_setup(void)
{
	char num[24];
	long ep = syscall(MSYS_EP_CREATE);
	long send;

	if (ep <= 0)
		return;
	send = syscall(MSYS_HANDLE_DUP, ep, M_R_SEND | M_R_GRANT | M_R_DUP, 0, M_DUP_INHERIT);
	if (send <= 0) {
		syscall(MSYS_HANDLE_CLOSE, ep);
		return;
	}
	ns_ep = ep;
	snprintf(num, sizeof(num), "%ld", send);
	setenv("MATRIOSKA_NS", num, 1);
}

int bootcap_before_fork(const char *path)
{
	long r;

	if (!ns_ep || strcmp(path, NS_PATH) != 0)
		return 0;
	r = syscall(MSYS_HANDLE_DUP, ns_ep, M_R_SEND | M_R_RECV | M_R_GRANT | M_R_DUP, 0,
		    M_DUP_INHERIT);
	return r > 0 ? (int)r : 0;
}

void bootcap_in_child(int r)
{
	char num[24];

	if (r <= 0)
		return;
	snprintf(num, sizeof(num), "%d", r);
	setenv("MATRIOSKA_NS_RECV", num, 1);
}

void bootcap_after_fork(int r)
{
	if (r > 0)
		syscall(MSYS_HANDLE_CLOSE, r);
}
