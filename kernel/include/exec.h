/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec.h - the parts of execve that do not touch an address space
 * (kernel/exec/): building the initial user stack the Linux x86_64 ABI
 * defines, and parsing "#!" interpreter lines. The ELF load plan is in
 * elf.h.
 *
 * Initial stack (System V AMD64 psABI "Initial process stack", in Linux's
 * order), from the returned rsp upwards:
 *
 *     rsp ->  argc                              (8 bytes; rsp % 16 == 0)
 *             argv[0] .. argv[argc - 1], NULL   (pointers)
 *             envp[0] .. envp[envc - 1], NULL   (pointers)
 *             auxv: (AT_*, value) pairs, ending with (AT_NULL, 0)
 *             padding
 *             16 AT_RANDOM bytes
 *             "x86_64\0"                        (AT_PLATFORM)
 *             argv strings, envp strings, execfn string (each NUL-terminated)
 *             8 zero bytes                      (end marker, at stack_top - 8)
 *     stack_top
 */
#ifndef MATRIOSKA_EXEC_H
#define MATRIOSKA_EXEC_H

#include "types.h"

/* Auxiliary vector types (Linux values, include/uapi/linux/auxvec.h). */
#define AT_NULL 0
#define AT_IGNORE 1
#define AT_EXECFD 2
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_NOTELF 10
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_BASE_PLATFORM 24
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51

#define EXEC_PLATFORM "x86_64" /* AT_PLATFORM */
#define EXEC_AUXV_MAX 20       /* auxv pairs exec_build_stack writes, AT_NULL included */

/*
 * What goes on the initial stack. argv/envp are kernel copies of the
 * strings (execve copied them in first); argv may be NULL only when argc is
 * 0, envp only when envc is 0. execfn (AT_EXECFN: the path given to execve)
 * may be NULL: the AT_EXECFN entry is then left out. random16 (16 bytes for
 * AT_RANDOM) is required. The u64 members are the auxv values.
 */
struct exec_stack_info {
	const char *const *argv;
	u32 argc;
	const char *const *envp;
	u32 envc;
	const char *execfn;
	const u8 *random16;
	u64 phdr, phent, phnum, entry, base, pagesz, uid, euid, gid, egid, hwcap, hwcap2, clktck,
		secure;
};

/*
 * exec_build_stack - lay out the initial process stack.
 * @buf, @buf_size: kernel memory standing for user memory
 *                  [stack_top - buf_size, stack_top); the image is written
 *                  into buf's tail, the rest of buf is left untouched
 * @stack_top:      user address just above the stack, 16-byte aligned
 * @info:           contents (see struct exec_stack_info)
 * @sp_out:         the user rsp to start the program with (points at argc)
 *
 * Returns 0, -E2BIG if the image does not fit in buf_size bytes, or -EINVAL
 * for inconsistent arguments. Pure function of its arguments; any context.
 */
int exec_build_stack(u8 *buf, size_t buf_size, u64 stack_top, const struct exec_stack_info *info,
		     u64 *sp_out) __must_check;

#define EXEC_SHEBANG_MAX 256 /* "#!" line limit, "#!" included, newline excluded */

/*
 * exec_parse_shebang - parse a "#!" line (Linux rules) from the start of a
 * file: buf holds its first len bytes; give at least min(file size,
 * EXEC_SHEBANG_MAX + 1) so the end of the line can be seen. The line ends
 * at the first '\n' or NUL or at the end of the data, and may be at most
 * EXEC_SHEBANG_MAX bytes long ("#!" included, the newline not). After
 * "#!": blanks (space, tab) are skipped, the interpreter path runs to the
 * next blank, and the rest of the line with surrounding blanks trimmed is
 * one optional argument (inner blanks kept, as Linux does).
 *
 * Returns 0 and fills interp and arg ("" when there is none), -ENOEXEC if
 * buf does not start with "#!", the line is too long or names no
 * interpreter, -ENAMETOOLONG if interp or arg does not fit isz/asz bytes
 * with its NUL (buffers of EXEC_SHEBANG_MAX bytes always suffice).
 */
int exec_parse_shebang(const char *buf, size_t len, char *interp, size_t isz, char *arg, size_t asz)
	__must_check;

#endif
