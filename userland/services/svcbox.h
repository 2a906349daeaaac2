/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * svcbox.h - the programs of the services' multi-call binary (svcbox.c):
 * one static executable installed under every name, so the services share
 * one copy of the C library on disk and their text pages in memory.
 */
#ifndef MATRIOSKA_SVCBOX_H
#define MATRIOSKA_SVCBOX_H

int nameserver_main(int argc, char **argv);
int logd_main(int argc, char **argv);
int logctl_main(int argc, char **argv);
int ipcstat_main(int argc, char **argv);

#endif
