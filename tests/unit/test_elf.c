/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_elf.c - host tests for the ELF64 load planner (kernel/exec/elf.c).
 *
 * ELF files are built by hand in memory (a static ET_EXEC and a static-PIE
 * ET_DYN with the program headers real linkers emit), parsed, and the plan
 * compared field by field; then every validation rule is broken on its own
 * by a targeted corruption of the valid file. Real programs are checked
 * too: Debian's /bin/busybox (busybox-static) and a musl-gcc hello world,
 * static and static-PIE, built by tests/unit/elf.mk (each skipped with a
 * note when absent). Last, a deterministic random-mutation fuzz loop feeds
 * damaged files to elf_parse() (ASan/UBSan catch any bad access; the read
 * callback catches reads outside the file) and checks that every plan it
 * accepts satisfies the invariants documented in elf.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "errno.h"
#include "unit.h"
#include "vm.h"

#define PAGE 4096ull
#define USER_LO 0x10000ull
#define USER_HI 0x800000000000ull
#define PIE_BIAS 0x555555554000ull
#define IMG_MAX 0x3000

/* A file in memory, and the read callback over it. */
struct memfile {
	const u8 *data;
	u64 size;
	int fail_call; /* 1-based call that fails with -EIO (0: none) */
	int calls;
	bool oob; /* a read outside [0, size) was asked for */
};

static int mem_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct memfile *f = ctx;

	f->calls++;
	if (off > f->size || len > f->size - off) {
		f->oob = true;
		return -EIO;
	}
	if (f->fail_call == f->calls)
		return -EIO;
	memcpy(buf, f->data + off, len);
	return 0;
}

/* A hand-made ELF file: header, program headers at 64, contents after. */
struct elfimg {
	union {
		u8 b[IMG_MAX];
		u64 align;
	};
	u64 size;
};

static struct elf64_ehdr *EH(struct elfimg *m)
{
	return (struct elf64_ehdr *)m->b;
}

static struct elf64_phdr *PH(struct elfimg *m, int i)
{
	return (struct elf64_phdr *)(m->b + 64 + 56 * i);
}

static void set_ph(struct elfimg *m, int i, u32 type, u32 flags, u64 off, u64 vaddr, u64 filesz,
		   u64 memsz)
{
	*PH(m, i) = (struct elf64_phdr){type, flags, off, vaddr, vaddr, filesz, memsz, PAGE};
}

static void init_ehdr(struct elfimg *m, u16 type, u64 entry, u16 phnum)
{
	struct elf64_ehdr *eh = EH(m);

	memset(m, 0, sizeof(*m));
	memcpy(eh->e_ident, "\177ELF", 4);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = 64;
	eh->e_ehsize = 64;
	eh->e_phentsize = 56;
	eh->e_phnum = phnum;
	for (u64 i = 0x400; i < IMG_MAX; i++)
		m->b[i] = (u8)(i * 7); /* "code" and "data" */
}

/*
 * A static ET_EXEC laid out like ld's output: PT_PHDR, text (R X) from file
 * offset 0, data (RW, with bss) on the next page, GNU_STACK, TLS, NOTE.
 */
static void make_exec(struct elfimg *m)
{
	init_ehdr(m, ET_EXEC, 0x400200, 6);
	set_ph(m, 0, PT_PHDR, PF_R, 64, 0x400040, 6 * 56, 6 * 56);
	set_ph(m, 1, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000);
	set_ph(m, 2, PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x100, 0x3000);
	set_ph(m, 3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	set_ph(m, 4, PT_TLS, PF_R, 0x1000, 0x401000, 0x10, 0x20);
	set_ph(m, 5, PT_NOTE, PF_R, 0x300, 0x400300, 0x20, 0x20);
	m->size = 0x1100;
}

/* A static PIE (ET_DYN at 0): R, R X, RW (unaligned start), DYNAMIC; no PT_PHDR. */
static void make_pie(struct elfimg *m)
{
	init_ehdr(m, ET_DYN, 0x1067, 5);
	set_ph(m, 0, PT_LOAD, PF_R, 0, 0, 0x388, 0x388);
	set_ph(m, 1, PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x32c, 0x32c);
	set_ph(m, 2, PT_LOAD, PF_R | PF_W, 0x1e10, 0x2e10, 0x208, 0x210);
	set_ph(m, 3, PT_DYNAMIC, PF_R | PF_W, 0x1e20, 0x2e20, 0x1c0, 0x1c0);
	set_ph(m, 4, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	m->size = 0x2018;
}

/* n one-page R X segments at 0x400000, 0x401000, ...; headers at 0x400, no PT_PHDR. */
static void make_loads(struct elfimg *m, int n)
{
	init_ehdr(m, ET_EXEC, 0x400008, (u16)n);
	EH(m)->e_phoff = 0x400;
	for (int i = 0; i < n; i++)
		*(struct elf64_phdr *)(m->b + 0x400 + 56 * i) = (struct elf64_phdr){
			PT_LOAD, PF_R | PF_X, 0, 0x400000 + PAGE * i, 0, 0, 0x10, PAGE};
	m->size = 0x1000;
}

static int parse_mem(const u8 *data, u64 size, u64 lo, u64 hi, u64 bias, struct elf_image *img,
		     bool *oob)
{
	struct memfile f = {.data = data, .size = size};
	int err = elf_parse(mem_read, &f, size, lo, hi, bias, img);

	if (oob)
		*oob = f.oob;
	return err;
}

static int parse(struct elfimg *m, u64 bias, struct elf_image *img)
{
	bool oob;
	int err = parse_mem(m->b, m->size, USER_LO, USER_HI, bias, img, &oob);

	CHECK(!oob);
	return err;
}

/*
 * The invariants elf.h promises for an accepted plan; returns the first one
 * broken (NULL: all hold).
 */
static const char *plan_violation(const struct elf_image *img, u64 lo, u64 hi, u64 size)
{
	bool entry_ok = false, phdr_ok = img->phdr_vaddr == 0;

	if (img->type != ET_EXEC && img->type != ET_DYN)
		return "type";
	if (img->nsegs < 1 || img->nsegs > ELF_MAX_SEGMENTS)
		return "nsegs";
	if (img->phentsize != 56 || img->phnum < 1 || img->phnum > ELF_MAX_PHDRS)
		return "phent/phnum";
	for (u32 i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		u64 end = s->vaddr + s->memsz;

		if (s->memsz == 0 || s->filesz > s->memsz)
			return "filesz <= memsz, memsz > 0";
		if (s->offset > size || s->filesz > size - s->offset)
			return "file range";
		if ((s->vaddr - s->offset) % PAGE)
			return "congruence";
		if (end < s->vaddr || end > UINT64_MAX - PAGE)
			return "vaddr + memsz overflows";
		if ((s->vaddr & ~(PAGE - 1)) < lo || ((end + PAGE - 1) & ~(PAGE - 1)) > hi)
			return "segment outside the user range";
		if (s->prot & ~(u32)(VM_READ | VM_WRITE | VM_EXEC))
			return "prot";
		if (i > 0) {
			const struct elf_segment *p = &img->segs[i - 1];

			if ((s->vaddr & ~(PAGE - 1)) <
			    ((p->vaddr + p->memsz + PAGE - 1) & ~(PAGE - 1)))
				return "segments unsorted or sharing a page";
		}
		if ((s->prot & VM_EXEC) && img->entry >= s->vaddr && img->entry < end)
			entry_ok = true;
		if (img->phdr_vaddr >= s->vaddr && img->phdr_vaddr < end &&
		    (u64)img->phnum * 56 <= end - img->phdr_vaddr)
			phdr_ok = true;
	}
	if (img->lo != (img->segs[0].vaddr & ~(PAGE - 1)))
		return "lo";
	if (img->hi !=
	    ((img->segs[img->nsegs - 1].vaddr + img->segs[img->nsegs - 1].memsz + PAGE - 1) &
	     ~(PAGE - 1)))
		return "hi";
	if (!entry_ok)
		return "entry not in an executable segment";
	if (!phdr_ok)
		return "phdr table not inside a segment";
	return NULL;
}

static bool image_is_zero(const struct elf_image *img)
{
	static const struct elf_image zero;

	return memcmp(img, &zero, sizeof(zero)) == 0;
}

/* ---- valid files ---- */

UNIT_TEST(exec_plan)
{
	struct elfimg m;
	struct elf_image img;

	make_exec(&m);
	CHECK_EQ(parse(&m, PIE_BIAS, &img), 0); /* ET_EXEC ignores the bias */
	CHECK_EQ(img.type, ET_EXEC);
	CHECK_EQ(img.entry, 0x400200);
	CHECK_EQ(img.phdr_vaddr, 0x400040);
	CHECK_EQ(img.phnum, 6);
	CHECK_EQ(img.phentsize, 56);
	CHECK_EQ(img.nsegs, 2);
	CHECK_EQ(img.segs[0].vaddr, 0x400000);
	CHECK_EQ(img.segs[0].memsz, 0x1000);
	CHECK_EQ(img.segs[0].filesz, 0x1000);
	CHECK_EQ(img.segs[0].offset, 0);
	CHECK_EQ(img.segs[0].prot, VM_READ | VM_EXEC);
	CHECK_EQ(img.segs[1].vaddr, 0x401000);
	CHECK_EQ(img.segs[1].memsz, 0x3000);
	CHECK_EQ(img.segs[1].filesz, 0x100);
	CHECK_EQ(img.segs[1].offset, 0x1000);
	CHECK_EQ(img.segs[1].prot, VM_READ | VM_WRITE);
	CHECK_EQ(img.lo, 0x400000);
	CHECK_EQ(img.hi, 0x404000);
	CHECK(!img.exec_stack);
	CHECK(plan_violation(&img, USER_LO, USER_HI, m.size) == NULL);
}

UNIT_TEST(static_pie_plan_is_biased)
{
	struct elfimg m;
	struct elf_image img;

	make_pie(&m);
	CHECK_EQ(parse(&m, PIE_BIAS, &img), 0);
	CHECK_EQ(img.type, ET_DYN);
	CHECK_EQ(img.entry, PIE_BIAS + 0x1067);
	CHECK_EQ(img.phdr_vaddr, PIE_BIAS + 64); /* derived: the first PT_LOAD maps offset 64 */
	CHECK_EQ(img.nsegs, 3);
	CHECK_EQ(img.segs[0].vaddr, PIE_BIAS);
	CHECK_EQ(img.segs[0].prot, VM_READ);
	CHECK_EQ(img.segs[1].vaddr, PIE_BIAS + 0x1000);
	CHECK_EQ(img.segs[1].prot, VM_READ | VM_EXEC);
	CHECK_EQ(img.segs[2].vaddr, PIE_BIAS + 0x2e10);
	CHECK_EQ(img.segs[2].offset, 0x1e10);
	CHECK_EQ(img.segs[2].filesz, 0x208);
	CHECK_EQ(img.segs[2].memsz, 0x210);
	CHECK_EQ(img.lo, PIE_BIAS);
	CHECK_EQ(img.hi, PIE_BIAS + 0x4000);
	CHECK(plan_violation(&img, USER_LO, USER_HI, m.size) == NULL);

	/* Without a bias it sits at 0, below the user range. */
	CHECK_EQ(parse(&m, 0, &img), -ENOEXEC);
	CHECK(image_is_zero(&img));
}

UNIT_TEST(optional_details)
{
	struct elfimg m;
	struct elf_image img;

	/* PT_GNU_STACK with PF_X asks for an executable stack; none means no. */
	make_exec(&m);
	PH(&m, 3)->p_flags = PF_R | PF_W | PF_X;
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK(img.exec_stack);
	PH(&m, 3)->p_type = PT_NULL;
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK(!img.exec_stack);

	/* No PT_PHDR and no PT_LOAD covering e_phoff: AT_PHDR 0. */
	make_exec(&m);
	PH(&m, 0)->p_type = PT_NOTE;
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK_EQ(img.phdr_vaddr, 0x400040); /* still derived from the text segment */
	PH(&m, 1)->p_offset = 0x1000;	    /* text now maps file page 1 at 0x400000 */
	PH(&m, 1)->p_filesz = 0x100;
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK_EQ(img.phdr_vaddr, 0);

	/* An empty PT_LOAD occupies nothing and is left out. */
	make_exec(&m);
	PH(&m, 5)->p_type = PT_LOAD;
	PH(&m, 5)->p_filesz = PH(&m, 5)->p_memsz = 0;
	PH(&m, 5)->p_vaddr = 0x400300; /* would be unsorted if it counted */
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK_EQ(img.nsegs, 2);

	/* As many PT_LOADs as the plan holds. */
	make_loads(&m, ELF_MAX_SEGMENTS);
	CHECK_EQ(parse(&m, 0, &img), 0);
	CHECK_EQ(img.nsegs, ELF_MAX_SEGMENTS);
	CHECK_EQ(img.phdr_vaddr, 0); /* no PT_LOAD maps file bytes */
	CHECK_EQ(img.hi, 0x400000 + PAGE * ELF_MAX_SEGMENTS);

	/* Segments may end exactly at user_hi and start exactly at user_lo. */
	make_exec(&m);
	{
		struct memfile f = {.data = m.b, .size = m.size};

		CHECK_EQ(elf_parse(mem_read, &f, m.size, 0x400000, 0x404000, 0, &img), 0);
		CHECK_EQ(elf_parse(mem_read, &f, m.size, 0x401000, 0x404000, 0, &img), -ENOEXEC);
		CHECK_EQ(elf_parse(mem_read, &f, m.size, 0x400000, 0x403000, 0, &img), -ENOEXEC);
		CHECK(!f.oob);
	}
}

UNIT_TEST(bad_arguments_and_read_errors)
{
	struct elfimg m;
	struct elf_image img;
	struct memfile f;

	make_exec(&m);
	f = (struct memfile){.data = m.b, .size = m.size};
	CHECK_EQ(elf_parse(NULL, &f, m.size, USER_LO, USER_HI, 0, &img), -EINVAL);
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI, 0, NULL), -EINVAL);
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_HI, USER_LO, 0, &img), -EINVAL);
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO + 1, USER_HI, 0, &img), -EINVAL);
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI - 1, 0, &img), -EINVAL);
	make_pie(&m);
	f = (struct memfile){.data = m.b, .size = m.size};
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI, PIE_BIAS + 8, &img), -EINVAL);

	/* The callback's error comes back, whichever read fails. */
	make_exec(&m);
	for (int call = 1; call <= 2; call++) {
		f = (struct memfile){.data = m.b, .size = m.size, .fail_call = call};
		CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI, 0, &img), -EIO);
		CHECK(image_is_zero(&img));
	}
	/* 64 program headers are read in several chunks; a later chunk failing counts. */
	init_ehdr(&m, ET_EXEC, 0x400200, 64);
	for (int i = 0; i < 64; i++)
		set_ph(&m, i, PT_NOTE, PF_R, 0, 0, 0, 0);
	set_ph(&m, 63, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000);
	m.size = 0x1000;
	f = (struct memfile){.data = m.b, .size = m.size};
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI, 0, &img), 0);
	CHECK(f.calls > 2);
	f = (struct memfile){.data = m.b, .size = m.size, .fail_call = 3};
	CHECK_EQ(elf_parse(mem_read, &f, m.size, USER_LO, USER_HI, 0, &img), -EIO);
	CHECK(!f.oob);
}

/* ---- every rule, broken on its own ---- */

enum corruption {
	C_MAGIC,
	C_CLASS32,
	C_BIG_ENDIAN,
	C_IDENT_VERSION,
	C_VERSION,
	C_OSABI,
	C_TYPE_REL,
	C_TYPE_CORE,
	C_MACHINE_386,
	C_PHENTSIZE,
	C_PHNUM_0,
	C_PHNUM_65,
	C_PHOFF_PAST_END,
	C_PHOFF_WRAPS,
	C_PHDRS_CUT,
	C_FILE_TOO_SHORT,
	C_FILESZ_GT_MEMSZ,
	C_OFFSET_PAST_END,
	C_OFFSET_WRAPS,
	C_FILESZ_PAST_END,
	C_NOT_CONGRUENT,
	C_MEMSZ_WRAPS,
	C_BELOW_USER_LO,
	C_ABOVE_USER_HI,
	C_UNSORTED,
	C_SHARED_PAGE,
	C_OVERLAP,
	C_NO_LOAD,
	C_TOO_MANY_LOADS,
	C_ENTRY_OUTSIDE,
	C_ENTRY_NOT_EXEC,
	C_ENTRY_AT_END,
	C_INTERP,
	C_PHDR_UNMAPPED,
	C_PHDR_WRONG_BYTES,
	C_PHDR_PAST_FILESZ,
	C_TWO_PHDRS,
	C_TLS_FILESZ,
	C_PIE_BIAS_WRAPS,
	C_PIE_ENTRY_WRAPS,
	NR_CORRUPTIONS
};

static const char *const corruption_names[NR_CORRUPTIONS] = {
	"magic",	   "class32",	      "big_endian",	  "ident_version",
	"version",	   "osabi",	      "type_rel",	  "type_core",
	"machine_386",	   "phentsize",	      "phnum_0",	  "phnum_65",
	"phoff_past_end",  "phoff_wraps",     "phdrs_cut",	  "file_too_short",
	"filesz_gt_memsz", "offset_past_end", "offset_wraps",	  "filesz_past_end",
	"not_congruent",   "memsz_wraps",     "below_user_lo",	  "above_user_hi",
	"unsorted",	   "shared_page",     "overlap",	  "no_load",
	"too_many_loads",  "entry_outside",   "entry_not_exec",	  "entry_at_end",
	"interp",	   "phdr_unmapped",   "phdr_wrong_bytes", "phdr_past_filesz",
	"two_phdrs",	   "tls_filesz",      "pie_bias_wraps",	  "pie_entry_wraps",
};

/* Apply one corruption to a fresh valid file; returns the bias to parse with. */
static u64 corrupt(struct elfimg *m, enum corruption c)
{
	struct elf64_ehdr *eh = EH(m);

	make_exec(m);
	switch (c) {
	case C_MAGIC:
		eh->e_ident[3] = 'f';
		break;
	case C_CLASS32:
		eh->e_ident[EI_CLASS] = 1;
		break;
	case C_BIG_ENDIAN:
		eh->e_ident[EI_DATA] = 2;
		break;
	case C_IDENT_VERSION:
		eh->e_ident[EI_VERSION] = 0;
		break;
	case C_VERSION:
		eh->e_version = 2;
		break;
	case C_OSABI:
		eh->e_ident[EI_OSABI] = 9; /* FreeBSD */
		break;
	case C_TYPE_REL:
		eh->e_type = 1;
		break;
	case C_TYPE_CORE:
		eh->e_type = 4;
		break;
	case C_MACHINE_386:
		eh->e_machine = 3;
		break;
	case C_PHENTSIZE:
		eh->e_phentsize = 64;
		break;
	case C_PHNUM_0:
		eh->e_phnum = 0;
		break;
	case C_PHNUM_65:
		memset(m->b + 64 + 6 * 56, 0, 59 * 56); /* PT_NULL: with 64, it would load */
		eh->e_phnum = 65;
		m->size = IMG_MAX;
		break;
	case C_PHOFF_PAST_END:
		eh->e_phoff = m->size;
		break;
	case C_PHOFF_WRAPS:
		eh->e_phoff = UINT64_MAX - 8;
		break;
	case C_PHDRS_CUT:
		/* Everything else fits in 400 bytes; the table needs 64 + 6 * 56 = 400. */
		PH(m, 0)->p_type = PT_NULL;
		PH(m, 1)->p_filesz = 0x100;
		PH(m, 2)->p_offset = 0x100;
		PH(m, 2)->p_vaddr = 0x401100;
		PH(m, 2)->p_filesz = 0;
		m->size = 64 + 6 * 56 - 1;
		break;
	case C_FILE_TOO_SHORT:
		m->size = 63;
		break;
	case C_FILESZ_GT_MEMSZ:
		PH(m, 2)->p_memsz = 0xff;
		break;
	case C_OFFSET_PAST_END:
		PH(m, 2)->p_offset = 0x2000;
		PH(m, 2)->p_filesz = 0;
		PH(m, 2)->p_vaddr = 0x402000;
		break;
	case C_OFFSET_WRAPS:
		PH(m, 2)->p_offset = UINT64_MAX - 0xfff; /* congruent with 0x401000 */
		break;
	case C_FILESZ_PAST_END:
		PH(m, 2)->p_filesz = 0x101;
		break;
	case C_NOT_CONGRUENT:
		PH(m, 2)->p_vaddr = 0x401800;
		break;
	case C_MEMSZ_WRAPS:
		PH(m, 2)->p_memsz = UINT64_MAX - 0x400000;
		break;
	case C_BELOW_USER_LO:
		PH(m, 0)->p_vaddr = USER_LO - PAGE + 0x40;
		PH(m, 1)->p_vaddr = USER_LO - PAGE;
		eh->e_entry = USER_LO - PAGE + 0x200;
		break;
	case C_ABOVE_USER_HI:
		PH(m, 2)->p_vaddr = USER_HI - PAGE;
		PH(m, 2)->p_memsz = PAGE + 1;
		break;
	case C_UNSORTED:
		PH(m, 0)->p_vaddr = 0x500040;
		PH(m, 1)->p_vaddr = 0x500000;
		eh->e_entry = 0x500200;
		break;
	case C_SHARED_PAGE:
		PH(m, 2)->p_offset = 0x1f00; /* data starts in text's last page */
		PH(m, 2)->p_vaddr = 0x400f00;
		PH(m, 2)->p_filesz = 0;
		m->size = 0x2000;
		break;
	case C_OVERLAP:
		PH(m, 1)->p_memsz = 0x2000;
		break;
	case C_NO_LOAD:
		PH(m, 1)->p_type = PT_NULL;
		PH(m, 2)->p_type = PT_NOTE;
		break;
	case C_TOO_MANY_LOADS:
		make_loads(m, ELF_MAX_SEGMENTS + 1);
		break;
	case C_ENTRY_OUTSIDE:
		eh->e_entry = 0x404000;
		break;
	case C_ENTRY_NOT_EXEC:
		eh->e_entry = 0x401000;
		break;
	case C_ENTRY_AT_END:
		eh->e_entry = 0x401000; /* one past the text segment's last byte */
		PH(m, 2)->p_flags |= PF_X;
		PH(m, 2)->p_vaddr = 0x402000;
		PH(m, 2)->p_offset = 0x2000;
		PH(m, 2)->p_filesz = 0;
		break;
	case C_INTERP:
		PH(m, 5)->p_type = PT_INTERP;
		break;
	case C_PHDR_UNMAPPED:
		PH(m, 0)->p_vaddr = 0x600040;
		break;
	case C_PHDR_WRONG_BYTES:
		PH(m, 0)->p_vaddr = 0x400080; /* mapped, but not where the table is */
		break;
	case C_PHDR_PAST_FILESZ:
		PH(m, 1)->p_filesz = 0x100; /* the table (64..400) is mapped, but as zeros */
		break;
	case C_TWO_PHDRS:
		PH(m, 5)->p_type = PT_PHDR;
		PH(m, 5)->p_vaddr = 0x400040;
		break;
	case C_TLS_FILESZ:
		PH(m, 4)->p_filesz = 0x21;
		break;
	case C_PIE_BIAS_WRAPS:
		make_pie(m);
		PH(m, 2)->p_vaddr = 0xffffffff00002e10ull;
		return 0x100000000ull;
	case C_PIE_ENTRY_WRAPS:
		make_pie(m);
		EH(m)->e_entry = UINT64_MAX - 0x1000;
		return PIE_BIAS;
	case NR_CORRUPTIONS:
		break;
	}
	return 0;
}

UNIT_TEST(every_rule_is_checked)
{
	struct elfimg m;
	struct elf_image img;

	make_exec(&m);
	CHECK_EQ(parse(&m, 0, &img), 0); /* so each failure below is the corruption's */
	make_pie(&m);
	CHECK_EQ(parse(&m, PIE_BIAS, &img), 0);
	/* Corruptions that move a limit by one: one step back is accepted. */
	corrupt(&m, C_PHDRS_CUT);
	m.size++;
	CHECK_EQ(parse(&m, 0, &img), 0);
	corrupt(&m, C_PHNUM_65);
	EH(&m)->e_phnum = 64;
	CHECK_EQ(parse(&m, 0, &img), 0);
	corrupt(&m, C_FILESZ_PAST_END);
	PH(&m, 2)->p_filesz--;
	CHECK_EQ(parse(&m, 0, &img), 0);
	corrupt(&m, C_ABOVE_USER_HI);
	PH(&m, 2)->p_memsz--;
	CHECK_EQ(parse(&m, 0, &img), 0);
	corrupt(&m, C_SHARED_PAGE);
	PH(&m, 2)->p_vaddr += PAGE;
	CHECK_EQ(parse(&m, 0, &img), 0);
	for (int c = 0; c < NR_CORRUPTIONS; c++) {
		u64 bias = corrupt(&m, (enum corruption)c);
		bool oob;
		int err = parse_mem(m.b, m.size, USER_LO, USER_HI, bias, &img, &oob);

		if (err != -ENOEXEC || oob || !image_is_zero(&img))
			unit_fail(__FILE__, __LINE__, "corruption %s: returned %d%s",
				  corruption_names[c], err, oob ? ", read outside the file" : "");
	}
}

/* ---- real programs ---- */

static u8 *slurp(const char *path, u64 *size)
{
	FILE *fp = fopen(path, "rb");
	u8 *data = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n);
		if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*size = (u64)n;
	}
	fclose(fp);
	return data;
}

/*
 * Parse a real program and compare the plan with what the test reads from
 * the file itself: entry, number of non-empty PT_LOADs, where the program
 * headers are, the stack flag.
 */
static void check_real(const char *path, u64 bias, bool want_pie)
{
	struct elf_image img;
	const struct elf64_ehdr *eh;
	u32 loads = 0;
	bool xstack = false, oob;
	u64 size = 0, first_load_off = 1, first_load_vaddr = 0, needed;
	const char *why;
	u8 *data = slurp(path, &size);

	if (!data) {
		printf("# skip: %s is absent\n", path);
		return;
	}
	CHECK(size >= 64);
	eh = (const struct elf64_ehdr *)data;
	needed = eh->e_phoff + 56ull * eh->e_phnum;
	for (u32 i = 0; size >= 64 && i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = (const void *)(data + eh->e_phoff + 56 * i);

		if (ph->p_type == PT_LOAD && ph->p_offset + ph->p_filesz > needed)
			needed = ph->p_offset + ph->p_filesz;
		if (ph->p_type == PT_LOAD && ph->p_memsz) {
			if (!loads++) {
				first_load_off = ph->p_offset;
				first_load_vaddr = ph->p_vaddr;
			}
		}
		if (ph->p_type == PT_GNU_STACK)
			xstack = ph->p_flags & PF_X;
	}
	CHECK_EQ(parse_mem(data, size, USER_LO, USER_HI, bias, &img, &oob), 0);
	CHECK(!oob);
	if (!want_pie)
		bias = 0;
	CHECK_EQ(img.type, want_pie ? ET_DYN : ET_EXEC);
	CHECK_EQ(img.entry, eh->e_entry + bias);
	CHECK_EQ(img.nsegs, loads);
	CHECK_EQ(img.exec_stack, xstack);
	CHECK_EQ(img.phnum, eh->e_phnum);
	if (first_load_off == 0)
		CHECK_EQ(img.phdr_vaddr, first_load_vaddr + bias + eh->e_phoff);
	why = plan_violation(&img, USER_LO, USER_HI, size);
	if (why)
		unit_fail(__FILE__, __LINE__, "%s: %s", path, why);

	/*
	 * Cut short: refused while the program headers or a segment's file
	 * bytes are missing, accepted once they are all there (what follows,
	 * section headers for instance, is not needed), never read out of bounds.
	 */
	for (u64 cut = 0; cut <= size; cut += cut < 4096 ? 61 : size / 97 + 1) {
		int err = parse_mem(data, cut, USER_LO, USER_HI, bias, &img, &oob);

		CHECK(!oob);
		if (err != (cut < needed ? -ENOEXEC : 0)) {
			unit_fail(__FILE__, __LINE__, "%s cut at %llu (needs %llu): %d", path,
				  (unsigned long long)cut, (unsigned long long)needed, err);
			break;
		}
	}
	CHECK_EQ(parse_mem(data, needed, USER_LO, USER_HI, bias, &img, &oob), 0);
	CHECK_EQ(parse_mem(data, needed - 1, USER_LO, USER_HI, bias, &img, &oob), -ENOEXEC);
	free(data);
}

UNIT_TEST(busybox_static)
{
	check_real("/bin/busybox", PIE_BIAS, false);
}

UNIT_TEST(musl_hello_static)
{
	check_real(ELF_HELLO_STATIC, PIE_BIAS, false);
}

UNIT_TEST(musl_hello_static_pie)
{
	check_real(ELF_HELLO_PIE, PIE_BIAS, true);
}

/* ---- fuzzing ---- */

#define FUZZ_ITERS 200000

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static u64 rnd(u64 n)
{
	return rnd64() % n;
}

static const u64 boundary[] = {
	0,
	1,
	55,
	56,
	63,
	64,
	0xfff,
	0x1000,
	0x1001,
	0x400000,
	0x401000,
	USER_LO,
	USER_LO - 1,
	USER_HI,
	USER_HI - 1,
	USER_HI - PAGE,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	UINT64_MAX,
	UINT64_MAX - 1,
	UINT64_MAX - PAGE + 1,
	1ull << 63,
	PIE_BIAS,
};

/* Header fields and program-header fields (offset, width) worth hitting on purpose. */
static const struct {
	u16 off, width;
} ehdr_fields[] = {{4, 1},  {5, 1},  {6, 1},  {7, 1},  {16, 2}, {18, 2},
		   {20, 4}, {24, 8}, {32, 8}, {54, 2}, {56, 2}},
  phdr_fields[] = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {32, 8}, {40, 8}};

static void put_le(u8 *p, u64 v, int width)
{
	memcpy(p, &v, (size_t)width); /* little-endian host */
}

static void mutate(struct elfimg *m)
{
	u64 region = 64 + 56 * (u64)(EH(m)->e_phnum < 64 ? EH(m)->e_phnum : 64);
	u64 pick = rnd(100);

	if (region > IMG_MAX)
		region = IMG_MAX;
	if (pick < 25) { /* flip a bit in the headers */
		m->b[rnd(region)] ^= (u8)(1u << rnd(8));
	} else if (pick < 35) { /* a random byte anywhere */
		m->b[rnd(IMG_MAX)] = (u8)rnd64();
	} else if (pick < 50) { /* a header field gets a boundary value */
		u32 f = (u32)rnd(ARRAY_SIZE(ehdr_fields));

		put_le(m->b + ehdr_fields[f].off, boundary[rnd(ARRAY_SIZE(boundary))],
		       ehdr_fields[f].width);
	} else if (pick < 85) { /* a program-header field gets a boundary or nearby value */
		u32 f = (u32)rnd(ARRAY_SIZE(phdr_fields));
		u64 at = 64 + 56 * rnd(8) + phdr_fields[f].off, v;

		memcpy(&v, m->b + at, 8);
		v = rnd(3) ? boundary[rnd(ARRAY_SIZE(boundary))] : v + rnd(0x2000) - 0x1000;
		if (at + (u64)phdr_fields[f].width <= IMG_MAX)
			put_le(m->b + at, v, phdr_fields[f].width);
	} else if (pick < 95) { /* truncate */
		m->size = rnd(m->size + 1);
	} else { /* grow: the file claims more bytes (still backed by the buffer) */
		m->size = IMG_MAX - rnd(64);
	}
}

UNIT_TEST(fuzz_never_crashes_and_plans_hold)
{
	static struct elfimg m;
	u64 accepted = 0;

	for (int iter = 0; iter < FUZZ_ITERS; iter++) {
		struct elf_image img;
		u64 lo = USER_LO, hi = USER_HI, bias = PIE_BIAS;
		const char *why;
		bool oob;
		int err, n = 1 + (int)rnd(4);

		if (rnd(2))
			make_exec(&m);
		else
			make_pie(&m);
		for (int i = 0; i < n; i++)
			mutate(&m);
		if (rnd(8) == 0) { /* a tighter or odd user range and bias */
			lo = rnd(0x500) * PAGE;
			hi = lo + (1 + rnd(0x600)) * PAGE;
			bias = rnd(4) ? rnd(0x800) * PAGE : UINT64_MAX & ~(PAGE - 1);
		}
		err = parse_mem(m.b, m.size, lo, hi, bias, &img, &oob);
		if (oob) {
			unit_fail(__FILE__, __LINE__, "iteration %d: read outside the file", iter);
			break;
		}
		if (err == 0) {
			accepted++;
			why = plan_violation(&img, lo, hi, m.size);
			if (why) {
				unit_fail(__FILE__, __LINE__, "iteration %d: accepted plan: %s",
					  iter, why);
				break;
			}
		} else if (err != -ENOEXEC || !image_is_zero(&img)) {
			unit_fail(__FILE__, __LINE__, "iteration %d: returned %d", iter, err);
			break;
		}
	}
	/* The mutations must leave enough files valid for the invariants to be exercised. */
	printf("# fuzz: %llu of %d mutated files accepted\n", (unsigned long long)accepted,
	       FUZZ_ITERS);
	CHECK(accepted > FUZZ_ITERS / 50);
	CHECK(accepted < FUZZ_ITERS);
}
