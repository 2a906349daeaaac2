/* SPDX-License-Identifier: BSD-2-Clause */
/* version.h - the kernel's name and version, as boot logs and uname show them. */
#ifndef MATRIOSKA_VERSION_H
#define MATRIOSKA_VERSION_H

#define KERNEL_NAME "Matrioska"
#define KERNEL_VERSION "0.1.0"

#endif
