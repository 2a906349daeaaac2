/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procfs.h - the process file system (fs/procfs*.c), type "proc": Linux's
 * /proc for user space (ps, top, free, mount, pidof, uptime read it), with
 * one directory per process and system-wide files (meminfo, cpuinfo, stat,
 * uptime, loadavg, mounts, ...). Design and formats: docs/design/procfs.md.
 */
#ifndef MATRIOSKA_PROCFS_H
#define MATRIOSKA_PROCFS_H

/*
 * Register the "proc" file-system type so mount(2) can mount it. Call after
 * vfs_init(); calling it again is harmless. 0 or -errno.
 */
int procfs_register(void);

#endif
