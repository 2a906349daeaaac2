# SPDX-License-Identifier: BSD-2-Clause
# init's /etc/inittab parser and respawn rate limit (userland/init), plain C
# with no system calls, built with the host compiler and libc.
UNIT_TESTS += inittab
unit_inittab_SRCS := userland/init/inittab.c userland/init/respawn.c
unit_inittab_CFLAGS := -iquote userland/init
