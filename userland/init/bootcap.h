/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootcap.h - the capabilities init hands out at boot (bootcap.c,
 * docs/design/services.md): the nameserver's endpoint.
 */
#ifndef INIT_BOOTCAP_H
#define INIT_BOOTCAP_H

/* Make the nameserver endpoint and the inherited send handle; silent without native IPC. */
void bootcap_setup(void);
/* Before forking path: a receive handle to inherit if path is the nameserver, else 0. */
int bootcap_before_fork(const char *path);
/* In the child: tell the nameserver its receive handle (r from bootcap_before_fork). */
void bootcap_in_child(int r);
/* In init after the fork: drop that handle again. */
void bootcap_after_fork(int r);

#endif
