/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * elf.h - ELF64 executables (kernel/exec/elf.c): the file layouts the ELF
 * specification and the System V AMD64 psABI define (names are ours), and
 * elf_parse(), which reads and validates the header and program headers of a
 * static x86_64 executable and turns them into a load plan that execve can
 * map without re-checking anything.
 *
 * The parser only plans: it never maps memory and never trusts the file.
 * Every field it uses is checked before use; a file that is not a loadable
 * static x86_64 ELF64 executable is refused with -ENOEXEC.
 */
#ifndef MATRIOSKA_ELF_H
#define MATRIOSKA_ELF_H

#include "types.h"

/* ---- file layouts (ELF specification, little-endian ELF64) ---- */

#define EI_NIDENT 16
#define EI_MAG0 0
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3 /* a.k.a. ELFOSABI_LINUX */

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_SHLIB 5
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK 0x6474e551
#define PT_GNU_RELRO 0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

/* The file header, at offset 0 (64 bytes). */
struct elf64_ehdr {
	u8 e_ident[EI_NIDENT]; /* "\177ELF", class, data, version, OS ABI, ... */
	u16 e_type;	       /* ET_* */
	u16 e_machine;	       /* EM_* */
	u32 e_version;	       /* EV_CURRENT */
	u64 e_entry;	       /* entry point (virtual address) */
	u64 e_phoff;	       /* file offset of the program header table */
	u64 e_shoff;	       /* file offset of the section header table (unused here) */
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize; /* size of one program header */
	u16 e_phnum;	 /* number of program headers */
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};

/* One program header (56 bytes): a segment or a piece of information. */
struct elf64_phdr {
	u32 p_type;  /* PT_* */
	u32 p_flags; /* PF_* */
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};

STATIC_ASSERT(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
STATIC_ASSERT(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* ---- the load plan ---- */

#define ELF_PAGE_SIZE 4096ull /* the granule segments are mapped and checked at */
#define ELF_MAX_PHDRS 64      /* more program headers than this: -ENOEXEC */
#define ELF_MAX_SEGMENTS 16   /* more PT_LOAD segments than this: -ENOEXEC */

/*
 * One PT_LOAD segment: map file bytes [offset, offset + filesz) at vaddr,
 * zero-fill up to vaddr + memsz (including the rest of the last file page).
 * vaddr and offset are congruent modulo ELF_PAGE_SIZE; filesz <= memsz;
 * memsz > 0.
 */
struct elf_segment {
	u64 vaddr, memsz, filesz, offset;
	u32 prot; /* VM_READ | VM_WRITE | VM_EXEC (vm.h) */
};

/*
 * What elf_parse() found. Invariants when it returns 0:
 *  - 1 <= nsegs <= ELF_MAX_SEGMENTS; segs[] is sorted by vaddr and no two
 *    segments touch the same page: page_end(segs[i]) <= page_start(segs[i+1]);
 *  - every segment's pages lie in [user_lo, user_hi) and
 *    [lo, hi) = [page_start(segs[0]), page_end(segs[nsegs - 1]));
 *  - entry lies inside a segment with VM_EXEC;
 *  - every address (entry, phdr_vaddr, segs[].vaddr, lo, hi) already
 *    includes dyn_bias for ET_DYN.
 */
struct elf_image {
	u16 type;	/* ET_EXEC or ET_DYN (static PIE) */
	u64 entry;	/* AT_ENTRY and the first user rip */
	u64 phdr_vaddr; /* AT_PHDR: where the program headers are mapped, 0 if nowhere */
	u16 phnum;	/* AT_PHNUM */
	u16 phentsize;	/* AT_PHENT */
	u64 lo, hi;	/* page-aligned span of all PT_LOADs */
	u32 nsegs;
	struct elf_segment segs[ELF_MAX_SEGMENTS];
	bool exec_stack; /* PT_GNU_STACK asked for an executable stack */
};

/*
 * elf_read_fn - read exactly len bytes at file offset off into buf.
 * Returns 0, or a negative errno that elf_parse() passes on. elf_parse()
 * only asks for ranges inside [0, file_size).
 */
typedef int (*elf_read_fn)(void *ctx, u64 off, void *buf, size_t len);

/*
 * elf_parse - validate a static x86_64 ELF64 executable and plan its loading.
 * @read, @ctx:  how to read the file (see elf_read_fn)
 * @file_size:   the file's size in bytes
 * @user_lo, @user_hi: the user range every segment must lie in
 *               (user_lo < user_hi, both multiples of ELF_PAGE_SIZE)
 * @dyn_bias:    load bias added to every address of an ET_DYN (static PIE)
 *               file, a multiple of ELF_PAGE_SIZE; ignored for ET_EXEC
 * @out:         the plan; on failure it is zeroed
 *
 * Accepts ET_EXEC and ET_DYN files for EM_X86_64 without PT_INTERP (a
 * program that needs a dynamic loader is refused for now). Returns 0,
 * -ENOEXEC for anything wrong with the file, -EINVAL for bad arguments, or
 * the read callback's error. Never reads outside [0, file_size) and uses
 * only a fixed amount of stack. Any context that may call @read.
 */
int elf_parse(elf_read_fn read, void *ctx, u64 file_size, u64 user_lo, u64 user_hi, u64 dyn_bias,
	      struct elf_image *out) __must_check;

#endif
