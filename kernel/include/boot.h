/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * boot.h - notifications into the boot sequence (kernel/core/main.c) from
 * the subsystems that observe its last milestones.
 */
#ifndef MATRIOSKA_BOOT_H
#define MATRIOSKA_BOOT_H

/*
 * A user program reads the console for the first time: the shell's prompt
 * is up, which completes boot stage 5. Cheap after the first call.
 */
void boot_console_reader(void);

#endif
