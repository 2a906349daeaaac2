/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_exec.c - host tests for kernel/exec/stack.c: the initial process
 * stack and "#!" parsing.
 *
 * Every stack image built is read back as a program's start-up code would:
 * from rsp, argc, the argv and envp vectors and the auxiliary vector, each
 * pointer followed into the buffer (it must land inside the image, on a
 * NUL-terminated string). Alignment, the exact auxv contents and order,
 * AT_RANDOM/AT_PLATFORM/AT_EXECFN, the bytes below the image left alone and
 * the exact size at which -E2BIG starts are checked; a random loop varies
 * counts and string lengths. Shebang lines are checked against Linux's
 * rules, including the 256-byte limit on both sides of the boundary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "exec.h"
#include "unit.h"

#define TOP 0x7ffffffff000ull
#define BUFSZ 8192

static u8 buf[BUFSZ];
static u64 base; /* user address of buf[0] */

static const u8 rand16[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
			      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

/* Read back a word or a string at a user address; false if outside the buffer. */
static bool rd(u64 ua, u64 *v)
{
	if (ua < base || ua + 8 > TOP)
		return false;
	memcpy(v, buf + (ua - base), 8);
	return true;
}

static const char *str_at(u64 ua)
{
	if (ua < base || ua >= TOP || !memchr(buf + (ua - base), 0, TOP - ua))
		return NULL;
	return (const char *)buf + (ua - base);
}

static struct exec_stack_info sample_info(void)
{
	static const char *const argv[] = {"prog", "-a", "hello world"};
	static const char *const envp[] = {"HOME=/", "PATH=/bin:/usr/bin"};

	return (struct exec_stack_info){
		.argv = argv,
		.argc = 3,
		.envp = envp,
		.envc = 2,
		.execfn = "/bin/prog",
		.random16 = rand16,
		.phdr = 0x400040,
		.phent = 56,
		.phnum = 9,
		.entry = 0x401000,
		.base = 0,
		.pagesz = 4096,
		.uid = 1000,
		.euid = 1001,
		.gid = 100,
		.egid = 101,
		.hwcap = 0x178bfbff,
		.hwcap2 = 2,
		.clktck = 100,
		.secure = 0,
	};
}

/*
 * Walk the image at sp like a C runtime would and compare everything with
 * info. Reports through unit_fail (with `what`); returns false at the first
 * problem.
 */
static bool check_image(const struct exec_stack_info *info, u64 sp, const char *what)
{
	static const u64 order[] = {AT_HWCAP,  AT_PAGESZ, AT_CLKTCK,   AT_PHDR,	  AT_PHENT,
				    AT_PHNUM,  AT_BASE,	  AT_FLAGS,    AT_ENTRY,  AT_UID,
				    AT_EUID,   AT_GID,	  AT_EGID,     AT_SECURE, AT_RANDOM,
				    AT_HWCAP2, AT_EXECFN, AT_PLATFORM, AT_NULL};
	u64 v, p = sp, prev_str = 0, lowest_str = TOP;
	u32 n = 0;

#define IMG_CHECK(cond)                                                                    \
	do {                                                                               \
		if (!(cond)) {                                                             \
			unit_fail(__FILE__, __LINE__, "%s: %s (word %u)", what, #cond, n); \
			return false;                                                      \
		}                                                                          \
	} while (0)

	IMG_CHECK(sp % 16 == 0);
	IMG_CHECK(sp >= base && sp < TOP);
	IMG_CHECK(rd(p, &v) && v == info->argc);
	p += 8;
	for (n = 0; n < info->argc + 1 + info->envc + 1; n++, p += 8) {
		bool is_argv = n<info->argc, is_env = n> info->argc && n <= info->argc + info->envc;
		const char *want = is_argv  ? info->argv[n]
				   : is_env ? info->envp[n - info->argc - 1]
					    : NULL;
		const char *s;

		IMG_CHECK(rd(p, &v));
		if (!want) {
			IMG_CHECK(v == 0);
			continue;
		}
		s = str_at(v);
		IMG_CHECK(s && strcmp(s, want) == 0);
		IMG_CHECK(v > prev_str); /* argv strings, then envp strings, ascending */
		prev_str = v;
		if (v < lowest_str)
			lowest_str = v;
	}
	for (u32 i = 0; i < ARRAY_SIZE(order); i++) {
		u64 type, val, want = 0;

		if (order[i] == AT_EXECFN && !info->execfn)
			continue;
		IMG_CHECK(rd(p, &type) && rd(p + 8, &val));
		p += 16;
		IMG_CHECK(type == order[i]);
		switch (type) {
		case AT_HWCAP:
			want = info->hwcap;
			break;
		case AT_PAGESZ:
			want = info->pagesz;
			break;
		case AT_CLKTCK:
			want = info->clktck;
			break;
		case AT_PHDR:
			want = info->phdr;
			break;
		case AT_PHENT:
			want = info->phent;
			break;
		case AT_PHNUM:
			want = info->phnum;
			break;
		case AT_BASE:
			want = info->base;
			break;
		case AT_ENTRY:
			want = info->entry;
			break;
		case AT_UID:
			want = info->uid;
			break;
		case AT_EUID:
			want = info->euid;
			break;
		case AT_GID:
			want = info->gid;
			break;
		case AT_EGID:
			want = info->egid;
			break;
		case AT_SECURE:
			want = info->secure;
			break;
		case AT_HWCAP2:
			want = info->hwcap2;
			break;
		case AT_FLAGS:
		case AT_NULL:
			want = 0;
			break;
		case AT_RANDOM:
			IMG_CHECK(val >= p && val + 16 <= TOP);
			IMG_CHECK(memcmp(buf + (val - base), info->random16, 16) == 0);
			IMG_CHECK(val + 16 <= lowest_str);
			continue;
		case AT_PLATFORM:
			IMG_CHECK(str_at(val) && strcmp(str_at(val), "x86_64") == 0);
			IMG_CHECK(val >= p && val + 7 <= lowest_str);
			continue;
		case AT_EXECFN:
			IMG_CHECK(str_at(val) && strcmp(str_at(val), info->execfn) == 0);
			IMG_CHECK(val > prev_str && val < TOP - 8);
			continue;
		}
		IMG_CHECK(val == want);
	}
	IMG_CHECK(rd(TOP - 8, &v) && v == 0); /* end marker */
	return true;
#undef IMG_CHECK
}

/* Build into the top size bytes of buf (buf as a whole stands for [TOP - BUFSZ, TOP)). */
static int build(const struct exec_stack_info *info, size_t size, u64 *sp)
{
	u64 before = *sp;
	int err;

	memset(buf, 0xa5, sizeof(buf));
	base = TOP - BUFSZ;
	err = exec_build_stack(buf + (BUFSZ - size), size, TOP, info, sp);
	if (err == 0)
		CHECK(*sp >= TOP - size);
	else
		CHECK_EQ(*sp, before);
	return err;
}

UNIT_TEST(stack_layout)
{
	struct exec_stack_info info = sample_info();
	u64 sp = 0;

	base = TOP - BUFSZ;
	memset(buf, 0xa5, sizeof(buf));
	CHECK_EQ(exec_build_stack(buf, BUFSZ, TOP, &info, &sp), 0);
	CHECK(check_image(&info, sp, "sample"));
	/* Nothing below rsp was written. */
	for (u64 i = 0; i < sp - base; i++)
		if (buf[i] != 0xa5) {
			unit_fail(__FILE__, __LINE__, "byte at %llu below rsp changed",
				  (unsigned long long)i);
			break;
		}
	/* The exact layout of the top: execfn string, then the 8-byte end marker. */
	CHECK(memcmp(buf + BUFSZ - 8 - sizeof("/bin/prog"), "/bin/prog", sizeof("/bin/prog")) == 0);
}

UNIT_TEST(stack_minimal_and_without_execfn)
{
	struct exec_stack_info info = sample_info();
	u64 sp = 0;

	info.argc = 0;
	info.argv = NULL;
	info.envc = 0;
	info.envp = NULL;
	info.execfn = NULL;
	CHECK_EQ(build(&info, BUFSZ, &sp), 0);
	CHECK(check_image(&info, sp, "empty"));
	/* argc, NULL, NULL, 18 auxv pairs, random, platform, marker: small. */
	CHECK(TOP - sp <= 8 + 8 + 8 + 18 * 16 + 16 + 7 + 8 + 15);
}

UNIT_TEST(stack_too_big_is_e2big_at_the_exact_size)
{
	struct exec_stack_info info = sample_info();
	u64 sp = 0, sp2 = 0, need;

	CHECK_EQ(build(&info, BUFSZ, &sp), 0);
	need = TOP - sp;
	CHECK_EQ(build(&info, need, &sp2), 0);
	CHECK_EQ(sp2, sp);
	CHECK(check_image(&info, sp2, "exact fit"));
	sp2 = 12345;
	CHECK_EQ(build(&info, need - 1, &sp2), -E2BIG);
	CHECK_EQ(sp2, 12345); /* untouched on failure */
	CHECK_EQ(build(&info, 0, &sp2), -E2BIG);

	/* Huge counts are refused by arithmetic, not by walking off the buffer. */
	{
		static const char *many[200000];

		for (u32 i = 0; i < ARRAY_SIZE(many); i++)
			many[i] = "x";
		info.argv = many;
		info.argc = ARRAY_SIZE(many);
		CHECK_EQ(build(&info, BUFSZ, &sp2), -E2BIG);
	}
}

UNIT_TEST(stack_bad_arguments)
{
	struct exec_stack_info info = sample_info();
	u64 sp = 0;

	info.random16 = NULL;
	CHECK_EQ(build(&info, BUFSZ, &sp), -EINVAL);
	info = sample_info();
	info.argv = NULL;
	CHECK_EQ(build(&info, BUFSZ, &sp), -EINVAL);
	info = sample_info();
	info.envp = NULL;
	CHECK_EQ(build(&info, BUFSZ, &sp), -EINVAL);
	info = sample_info();
	CHECK_EQ(exec_build_stack(buf, BUFSZ, TOP - 8, &info, &sp), -EINVAL); /* top unaligned */
	CHECK_EQ(exec_build_stack(buf, BUFSZ, 4096, &info, &sp), -EINVAL);    /* below address 0 */
	CHECK_EQ(exec_build_stack(buf, BUFSZ, TOP, NULL, &sp), -EINVAL);
	CHECK_EQ(exec_build_stack(buf, BUFSZ, TOP, &info, NULL), -EINVAL);
}

static u64 rng = 0x2545f4914f6cdd1dull;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng % n);
}

/* Random counts and lengths (so every alignment case occurs) and buffer sizes. */
UNIT_TEST(stack_random_shapes)
{
	static char strs[64][80];
	static const char *ptrs[64];
	u32 built = 0, refused = 0;

	for (int iter = 0; iter < 20000; iter++) {
		struct exec_stack_info info = sample_info();
		u32 argc = rnd(24), envc = rnd(24), size = 16 * rnd(BUFSZ / 16 + 1);
		u64 sp = 0, sp_big = 0;
		int err;

		for (u32 i = 0; i < argc + envc; i++) {
			u32 len = rnd(sizeof(strs[i]));

			for (u32 j = 0; j < len; j++)
				strs[i][j] = (char)('a' + rnd(26));
			strs[i][len] = '\0';
			ptrs[i] = strs[i];
		}
		info.argc = argc;
		info.argv = ptrs;
		info.envc = envc;
		info.envp = ptrs + argc;
		info.execfn = rnd(4) ? ptrs[0] : NULL;
		if (!argc)
			info.execfn = rnd(2) ? "" : NULL;
		CHECK_EQ(build(&info, BUFSZ, &sp_big), 0);
		err = build(&info, size, &sp);
		if (err == 0) {
			built++;
			CHECK_EQ(sp, sp_big);
			if (!check_image(&info, sp, "random"))
				break;
		} else {
			refused++;
			CHECK_EQ(err, -E2BIG);
			CHECK(TOP - sp_big > size); /* refused only when it really does not fit */
		}
	}
	CHECK(built > 1000 && refused > 1000);
}

/* ---- "#!" ---- */

struct shebang_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	int ret;
	const char *interp, *arg;
};

static void check_shebang(const struct shebang_case *c, int line)
{
	char interp[EXEC_SHEBANG_MAX], arg[EXEC_SHEBANG_MAX];
	size_t len = c->len ? c->len : strlen(c->in);
	int ret;

	memset(interp, 'X', sizeof(interp));
	memset(arg, 'X', sizeof(arg));
	ret = exec_parse_shebang(c->in, len, interp, sizeof(interp), arg, sizeof(arg));
	if (ret != c->ret) {
		unit_fail(__FILE__, line, "\"%.40s\": returned %d, expected %d", c->in, ret,
			  c->ret);
		return;
	}
	if (ret == 0 && (strcmp(interp, c->interp) != 0 || strcmp(arg, c->arg) != 0))
		unit_fail(__FILE__, line, "\"%.40s\": got \"%s\" \"%s\", expected \"%s\" \"%s\"",
			  c->in, interp, arg, c->interp, c->arg);
}

UNIT_TEST(shebang_lines)
{
	static const struct shebang_case cases[] = {
		{"#!/bin/sh\n", 0, 0, "/bin/sh", ""},
		{"#!/bin/sh", 0, 0, "/bin/sh", ""}, /* ends with the file */
		{"#! /bin/sh -x\necho hi\n", 0, 0, "/bin/sh", "-x"},
		{"#!/usr/bin/env  python3  -u  \n", 0, 0, "/usr/bin/env", "python3  -u"},
		{"#!\t/bin/busybox\tsh\t\n", 0, 0, "/bin/busybox", "sh"},
		{"#!/bin/sh\r\n", 0, 0, "/bin/sh\r", ""}, /* as Linux: \r is part of the name */
		{"#!/bin/awk -f \r\n", 0, 0, "/bin/awk", "-f \r"},
		{"#!/bin/sh\0 -x\n", 12, 0, "/bin/sh", ""}, /* NUL ends the line */
		{"#!/bin/sh   \n", 0, 0, "/bin/sh", ""},
		{"#!\n", 0, -ENOEXEC, NULL, NULL},
		{"#!   \t \n/bin/sh", 0, -ENOEXEC, NULL, NULL},
		{"#!", 0, -ENOEXEC, NULL, NULL},
		{"#", 0, -ENOEXEC, NULL, NULL},
		{"", 0, -ENOEXEC, NULL, NULL},
		{"#/bin/sh\n", 0, -ENOEXEC, NULL, NULL},
		{" #!/bin/sh\n", 0, -ENOEXEC, NULL, NULL},
		{"\177ELF\2\1\1", 0, -ENOEXEC, NULL, NULL},
	};

	for (u32 i = 0; i < ARRAY_SIZE(cases); i++)
		check_shebang(&cases[i], __LINE__);
}

UNIT_TEST(shebang_length_limit)
{
	char line[EXEC_SHEBANG_MAX + 8], want[EXEC_SHEBANG_MAX];
	char interp[EXEC_SHEBANG_MAX], arg[EXEC_SHEBANG_MAX];

	/* "#!/" + 'a's: a line of exactly 256 bytes is fine, 257 is too long. */
	for (size_t linelen = EXEC_SHEBANG_MAX - 1; linelen <= EXEC_SHEBANG_MAX + 1; linelen++) {
		int want_ret = linelen <= EXEC_SHEBANG_MAX ? 0 : -ENOEXEC;

		memset(line, 'a', sizeof(line));
		memcpy(line, "#!/", 3);
		line[linelen] = '\n';
		memcpy(want, line + 2, linelen - 2);
		want[linelen - 2] = '\0';
		CHECK_EQ(exec_parse_shebang(line, sizeof(line), interp, sizeof(interp), arg,
					    sizeof(arg)),
			 want_ret);
		if (want_ret == 0)
			CHECK_STREQ(interp, want);
		/* Without a newline, the data ending there ends the line too. */
		CHECK_EQ(
			exec_parse_shebang(line, linelen, interp, sizeof(interp), arg, sizeof(arg)),
			want_ret);
	}
	/* A long argument counts the same way. */
	memset(line, 'b', sizeof(line));
	memcpy(line, "#!/bin/sh ", 10);
	line[EXEC_SHEBANG_MAX + 1] = '\n';
	CHECK_EQ(exec_parse_shebang(line, sizeof(line), interp, sizeof(interp), arg, sizeof(arg)),
		 -ENOEXEC);
	line[EXEC_SHEBANG_MAX] = '\n';
	CHECK_EQ(exec_parse_shebang(line, sizeof(line), interp, sizeof(interp), arg, sizeof(arg)),
		 0);
	CHECK_EQ(strlen(arg), EXEC_SHEBANG_MAX - 10);

	/* Output buffers: exactly big enough works, one byte less does not. */
	CHECK_EQ(exec_parse_shebang("#!/bin/sh -e\n", 13, interp, 8, arg, 3), 0);
	CHECK_STREQ(interp, "/bin/sh");
	CHECK_STREQ(arg, "-e");
	CHECK_EQ(exec_parse_shebang("#!/bin/sh -e\n", 13, interp, 7, arg, 3), -ENAMETOOLONG);
	CHECK_EQ(exec_parse_shebang("#!/bin/sh -e\n", 13, interp, 8, arg, 2), -ENAMETOOLONG);
	CHECK_EQ(exec_parse_shebang("#!/bin/sh\n", 10, interp, 8, NULL, 0), -ENAMETOOLONG);
	CHECK_EQ(exec_parse_shebang("#!/bin/sh\n", 10, interp, 8, arg, 1), 0);
	CHECK_EQ(exec_parse_shebang(NULL, 10, interp, 8, arg, 1), -ENOEXEC);
}

/* Random bytes after "#!": outputs always terminated, within their buffers, blank-free. */
UNIT_TEST(shebang_random)
{
	static const char alphabet[] = "ab/ \t\n\r\0.-";
	char in[300], interp[64], arg[EXEC_SHEBANG_MAX];
	u32 ok = 0;

	for (int iter = 0; iter < 50000; iter++) {
		size_t len = 2 + rnd(sizeof(in) - 2);
		int ret;

		in[0] = '#';
		in[1] = '!';
		for (size_t i = 2; i < len; i++)
			in[i] = rnd(8) ? alphabet[rnd(sizeof(alphabet))] : (char)rnd(256);
		memset(interp, 'X', sizeof(interp));
		memset(arg, 'X', sizeof(arg));
		ret = exec_parse_shebang(in, len, interp, sizeof(interp), arg, sizeof(arg));
		CHECK(ret == 0 || ret == -ENOEXEC || ret == -ENAMETOOLONG);
		if (ret)
			continue;
		ok++;
		CHECK(memchr(interp, 0, sizeof(interp)) && memchr(arg, 0, sizeof(arg)));
		CHECK(interp[0] && !strchr(interp, ' ') && !strchr(interp, '\t') &&
		      !strchr(interp, '\n'));
		CHECK(!strchr(arg, '\n') && arg[0] != ' ' && arg[0] != '\t');
		if (arg[0])
			CHECK(arg[strlen(arg) - 1] != ' ' && arg[strlen(arg) - 1] != '\t');
	}
	CHECK(ok > 1000);
}
