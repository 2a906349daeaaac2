/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stack.c - the initial user stack of a new program (argc, argv, envp, the
 * auxiliary vector and the strings they point at, laid out as exec.h
 * draws it) and the "#!" line parser that execve uses before it gives a
 * script to its interpreter.
 *
 * exec_build_stack() works on a kernel buffer that stands for the top of the
 * new stack, so it needs no address space and is tested on the host: it
 * measures everything first (overflow-checked), refuses with -E2BIG what
 * does not fit, and only then writes, strings from the top down and the
 * pointer vectors below them. All user addresses it writes are computed
 * from stack_top; none is a kernel address.
 */
#include "errno.h"
#include "exec.h"
#include "lib.h"

/* Where things go, as distances below stack_top (all checked to fit). */
struct stack_layout {
	u64 base;	 /* user address of buf[0] */
	u64 strings;	 /* argv/envp/execfn strings start here (user address) */
	u64 strings_end; /* stack_top - 8: the zero end marker */
	u64 platform;	 /* "x86_64\0" */
	u64 random;	 /* 16 AT_RANDOM bytes */
	u64 sp;		 /* argc, then the vectors */
};

static bool add_ok(u64 *acc, u64 v)
{
	if (*acc + v < *acc)
		return false;
	*acc += v;
	return true;
}

static u32 auxv_count(const struct exec_stack_info *info)
{
	return EXEC_AUXV_MAX - 1 - (info->execfn ? 0 : 1); /* AT_NULL included */
}

static int measure(u64 buf_size, u64 stack_top, const struct exec_stack_info *info,
		   struct stack_layout *l)
{
	u64 strsz = 0, below, words;

	for (u32 i = 0; i < info->argc; i++)
		if (!add_ok(&strsz, strlen(info->argv[i]) + 1ull))
			return -E2BIG;
	for (u32 i = 0; i < info->envc; i++)
		if (!add_ok(&strsz, strlen(info->envp[i]) + 1ull))
			return -E2BIG;
	if (info->execfn && !add_ok(&strsz, strlen(info->execfn) + 1ull))
		return -E2BIG;

	below = 8; /* end marker */
	if (!add_ok(&below, strsz) || !add_ok(&below, sizeof(EXEC_PLATFORM)) || !add_ok(&below, 16))
		return -E2BIG;
	/* argc, argv + NULL, envp + NULL, auxv pairs: at most 2^33 + 43 words. */
	words = 1 + (info->argc + 1ull) + (info->envc + 1ull) + 2ull * auxv_count(info);
	if (!add_ok(&below, words * 8) || !add_ok(&below, 15))
		return -E2BIG;
	below &= ~15ull; /* stack_top is 16-aligned, so this makes rsp 16-aligned */
	if (below > buf_size)
		return -E2BIG;

	l->base = stack_top - buf_size;
	l->strings_end = stack_top - 8;
	l->strings = l->strings_end - strsz;
	l->platform = l->strings - sizeof(EXEC_PLATFORM);
	l->random = l->platform - 16;
	l->sp = stack_top - below;
	return 0;
}

static void put_bytes(u8 *buf, const struct stack_layout *l, u64 uaddr, const void *src, size_t n)
{
	memcpy(buf + (uaddr - l->base), src, n);
}

static void put_word(u8 *buf, const struct stack_layout *l, u64 *slot, u64 v)
{
	put_bytes(buf, l, *slot, &v, sizeof(v));
	*slot += 8;
}

/*
 * Copy one string to *cursor and its user address into the vector at *slot.
 * The string cannot outgrow the measured space unless someone changed it
 * meanwhile; that is caught rather than trusted.
 */
static int put_string(u8 *buf, const struct stack_layout *l, u64 *cursor, u64 *slot, const char *s)
{
	u64 n = strlen(s) + 1ull;

	if (n > l->strings_end - *cursor)
		return -EINVAL;
	put_bytes(buf, l, *cursor, s, n);
	if (slot)
		put_word(buf, l, slot, *cursor);
	*cursor += n;
	return 0;
}

static void put_aux(u8 *buf, const struct stack_layout *l, u64 *slot, u64 type, u64 val)
{
	put_word(buf, l, slot, type);
	put_word(buf, l, slot, val);
}

int exec_build_stack(u8 *buf, size_t buf_size, u64 stack_top, const struct exec_stack_info *info,
		     u64 *sp_out)
{
	static const u64 zero;
	struct stack_layout l;
	u64 cursor, slot, execfn_at = 0;
	int err;

	if (!buf || !info || !sp_out || !info->random16 || (info->argc && !info->argv) ||
	    (info->envc && !info->envp) || (stack_top & 15) || buf_size > stack_top)
		return -EINVAL;
	err = measure(buf_size, stack_top, info, &l);
	if (err)
		return err;

	/* argc and the argv/envp vectors, with their strings. */
	cursor = l.strings;
	slot = l.sp;
	put_word(buf, &l, &slot, info->argc);
	for (u32 i = 0; i < info->argc; i++)
		if ((err = put_string(buf, &l, &cursor, &slot, info->argv[i])))
			return err;
	put_word(buf, &l, &slot, 0);
	for (u32 i = 0; i < info->envc; i++)
		if ((err = put_string(buf, &l, &cursor, &slot, info->envp[i])))
			return err;
	put_word(buf, &l, &slot, 0);
	if (info->execfn) {
		execfn_at = cursor;
		if ((err = put_string(buf, &l, &cursor, NULL, info->execfn)))
			return err;
	}
	put_bytes(buf, &l, l.strings_end, &zero, sizeof(zero));
	put_bytes(buf, &l, l.platform, EXEC_PLATFORM, sizeof(EXEC_PLATFORM));
	put_bytes(buf, &l, l.random, info->random16, 16);

	/* The auxiliary vector, in the order Linux writes it. */
	put_aux(buf, &l, &slot, AT_HWCAP, info->hwcap);
	put_aux(buf, &l, &slot, AT_PAGESZ, info->pagesz);
	put_aux(buf, &l, &slot, AT_CLKTCK, info->clktck);
	put_aux(buf, &l, &slot, AT_PHDR, info->phdr);
	put_aux(buf, &l, &slot, AT_PHENT, info->phent);
	put_aux(buf, &l, &slot, AT_PHNUM, info->phnum);
	put_aux(buf, &l, &slot, AT_BASE, info->base);
	put_aux(buf, &l, &slot, AT_FLAGS, 0);
	put_aux(buf, &l, &slot, AT_ENTRY, info->entry);
	put_aux(buf, &l, &slot, AT_UID, info->uid);
	put_aux(buf, &l, &slot, AT_EUID, info->euid);
	put_aux(buf, &l, &slot, AT_GID, info->gid);
	put_aux(buf, &l, &slot, AT_EGID, info->egid);
	put_aux(buf, &l, &slot, AT_SECURE, info->secure);
	put_aux(buf, &l, &slot, AT_RANDOM, l.random);
	put_aux(buf, &l, &slot, AT_HWCAP2, info->hwcap2);
	if (info->execfn)
		put_aux(buf, &l, &slot, AT_EXECFN, execfn_at);
	put_aux(buf, &l, &slot, AT_PLATFORM, l.platform);
	put_aux(buf, &l, &slot, AT_NULL, 0);

	*sp_out = l.sp;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy [s, s + n) as a C string into dst[size]; -ENAMETOOLONG if it does not fit. */
static int copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (!dst || n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int exec_parse_shebang(const char *buf, size_t len, char *interp, size_t isz, char *arg, size_t asz)
{
	size_t end, i, ip, ilen, a, aend;
	int err;

	if (!buf || len < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	/* The line ends at '\n', NUL or the end of the data; [0, end) is the line. */
	for (end = 2; end < len && end <= EXEC_SHEBANG_MAX; end++)
		if (buf[end] == '\n' || buf[end] == '\0')
			break;
	if (end > EXEC_SHEBANG_MAX)
		return -ENOEXEC; /* too long */

	for (i = 2; i < end && is_blank(buf[i]); i++)
		;
	ip = i;
	while (i < end && !is_blank(buf[i]))
		i++;
	ilen = i - ip;
	if (ilen == 0)
		return -ENOEXEC; /* "#!" followed by nothing but blanks */
	for (a = i; a < end && is_blank(buf[a]); a++)
		;
	for (aend = end; aend > a && is_blank(buf[aend - 1]); aend--)
		;

	err = copy_field(interp, isz, buf + ip, ilen);
	if (!err)
		err = copy_field(arg, asz, buf + a, aend - a);
	return err;
}
