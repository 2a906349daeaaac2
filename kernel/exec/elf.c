/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * elf.c - ELF64 load planning for execve: read the file header and the
 * program headers of a static x86_64 executable through a read callback,
 * check every field that loading depends on, and describe the result as a
 * struct elf_image (see elf.h for its invariants).
 *
 * Validate, then act: this file only validates. execve maps exactly what
 * the plan says, so any check missing here would be a hole there; all the
 * arithmetic on file values is overflow-checked, and the program headers are
 * read in small fixed-size chunks so the stack use does not depend on the
 * file. Only little-endian x86_64 files are accepted, and the kernel is
 * little-endian, so the on-disk structures are read as they are.
 */
#include "elf.h"
#include "errno.h"
#include "lib.h"
#include "vm.h"

#define PHDR_CHUNK 8 /* program headers read per callback: 448 bytes of stack */

/* Parser state beyond what ends up in the plan. */
struct elf_scan {
	const struct elf64_ehdr *eh;
	u64 file_size, user_lo, user_hi, bias;
	bool have_phdr; /* a PT_PHDR was seen; its biased vaddr is in phdr_vaddr */
	u64 phdr_vaddr;
};

static inline u64 page_down(u64 x)
{
	return x & ~(ELF_PAGE_SIZE - 1);
}

static inline bool page_aligned(u64 x)
{
	return (x & (ELF_PAGE_SIZE - 1)) == 0;
}

/* Add a load bias; false on overflow. */
static bool add_bias(u64 v, u64 bias, u64 *out)
{
	*out = v + bias;
	return *out >= v;
}

static int check_ehdr(const struct elf64_ehdr *eh, u64 file_size)
{
	static const u8 magic[4] = {0x7f, 'E', 'L', 'F'};
	u64 table;

	if (memcmp(eh->e_ident + EI_MAG0, magic, sizeof(magic)) != 0)
		return -ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_ident[EI_OSABI] != ELFOSABI_SYSV && eh->e_ident[EI_OSABI] != ELFOSABI_GNU)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return -ENOEXEC;
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return -ENOEXEC;
	table = (u64)eh->e_phnum * sizeof(struct elf64_phdr); /* <= 64 * 56: no overflow */
	if (eh->e_phoff > file_size || table > file_size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

static u32 prot_of(u32 p_flags)
{
	return ((p_flags & PF_R) ? VM_READ : 0) | ((p_flags & PF_W) ? VM_WRITE : 0) |
	       ((p_flags & PF_X) ? VM_EXEC : 0);
}

/* Check one PT_LOAD and append it to the plan. */
static int add_load(struct elf_image *img, const struct elf_scan *s, const struct elf64_phdr *ph)
{
	struct elf_segment *seg;
	u64 vaddr, end;

	if (ph->p_filesz > ph->p_memsz)
		return -ENOEXEC;
	if (ph->p_offset > s->file_size || ph->p_filesz > s->file_size - ph->p_offset)
		return -ENOEXEC;
	/* Unsigned wrap-around keeps the difference's low bits exact. */
	if (!page_aligned(ph->p_vaddr - ph->p_offset))
		return -ENOEXEC;
	if (ph->p_memsz == 0)
		return 0; /* occupies no memory: nothing to map */
	if (!add_bias(ph->p_vaddr, s->bias, &vaddr) || !add_bias(vaddr, ph->p_memsz, &end))
		return -ENOEXEC;
	if (end > s->user_hi || page_down(vaddr) < s->user_lo)
		return -ENOEXEC; /* user_hi is page aligned, so the page end fits too */
	if (img->nsegs > 0) {
		const struct elf_segment *prev = &img->segs[img->nsegs - 1];
		u64 prev_end = ALIGN_UP(prev->vaddr + prev->memsz, ELF_PAGE_SIZE);

		if (page_down(vaddr) < prev_end)
			return -ENOEXEC; /* unsorted, or shares a page with the previous one */
	}
	if (img->nsegs == ELF_MAX_SEGMENTS)
		return -ENOEXEC;
	seg = &img->segs[img->nsegs++];
	seg->vaddr = vaddr;
	seg->memsz = ph->p_memsz;
	seg->filesz = ph->p_filesz;
	seg->offset = ph->p_offset;
	seg->prot = prot_of(ph->p_flags);
	return 0;
}

static int add_phdr(struct elf_image *img, struct elf_scan *s, const struct elf64_phdr *ph)
{
	switch (ph->p_type) {
	case PT_LOAD:
		return add_load(img, s, ph);
	case PT_INTERP:
		return -ENOEXEC; /* needs a dynamic loader: not supported yet */
	case PT_PHDR:
		if (s->have_phdr || !add_bias(ph->p_vaddr, s->bias, &s->phdr_vaddr))
			return -ENOEXEC;
		s->have_phdr = true;
		return 0;
	case PT_GNU_STACK:
		img->exec_stack = (ph->p_flags & PF_X) != 0;
		return 0;
	case PT_TLS:
		/* The program sets up its own TLS from this header; it must make sense. */
		return ph->p_filesz <= ph->p_memsz ? 0 : -ENOEXEC;
	default:
		return 0; /* PT_DYNAMIC, PT_NOTE, PT_GNU_*, ...: nothing for the loader */
	}
}

/* The segment whose memory contains [addr, addr + len), or NULL. */
static const struct elf_segment *seg_containing(const struct elf_image *img, u64 addr, u64 len)
{
	for (u32 i = 0; i < img->nsegs; i++) {
		const struct elf_segment *seg = &img->segs[i];

		if (addr >= seg->vaddr && addr - seg->vaddr <= seg->memsz &&
		    len <= seg->memsz - (addr - seg->vaddr))
			return seg;
	}
	return NULL;
}

/*
 * Where the program headers are in memory: PT_PHDR's address, which must
 * map the table's file bytes, or else wherever a PT_LOAD maps e_phoff.
 */
static int find_phdr_vaddr(struct elf_image *img, const struct elf_scan *s)
{
	u64 phoff = s->eh->e_phoff, table = (u64)s->eh->e_phnum * sizeof(struct elf64_phdr);
	const struct elf_segment *seg;

	if (s->have_phdr) {
		u64 at;

		seg = seg_containing(img, s->phdr_vaddr, table);
		if (!seg)
			return -ENOEXEC;
		at = s->phdr_vaddr - seg->vaddr; /* <= memsz */
		if (at > seg->filesz || table > seg->filesz - at || seg->offset + at != phoff)
			return -ENOEXEC; /* not the program headers' own bytes */
		img->phdr_vaddr = s->phdr_vaddr;
		return 0;
	}
	for (u32 i = 0; i < img->nsegs; i++) {
		seg = &img->segs[i];
		if (phoff >= seg->offset && phoff - seg->offset <= seg->filesz &&
		    table <= seg->filesz - (phoff - seg->offset)) {
			img->phdr_vaddr = seg->vaddr + (phoff - seg->offset);
			return 0;
		}
	}
	img->phdr_vaddr = 0; /* not mapped: AT_PHDR will say so */
	return 0;
}

/* Whole-file checks once every program header has been seen. */
static int finish(struct elf_image *img, const struct elf_scan *s)
{
	const struct elf_segment *seg, *last;
	u64 entry;

	if (img->nsegs == 0)
		return -ENOEXEC;
	if (!add_bias(s->eh->e_entry, s->bias, &entry))
		return -ENOEXEC;
	seg = seg_containing(img, entry, 1);
	if (!seg || !(seg->prot & VM_EXEC))
		return -ENOEXEC;
	img->entry = entry;
	last = &img->segs[img->nsegs - 1];
	img->lo = page_down(img->segs[0].vaddr);
	img->hi = ALIGN_UP(last->vaddr + last->memsz, ELF_PAGE_SIZE);
	img->type = s->eh->e_type;
	img->phnum = s->eh->e_phnum;
	img->phentsize = s->eh->e_phentsize;
	return find_phdr_vaddr(img, s);
}

/* The callback's result: only 0 is success; a bogus positive value is an I/O error. */
static int do_read(elf_read_fn read, void *ctx, u64 off, void *buf, size_t len)
{
	int err = read(ctx, off, buf, len);

	return err > 0 ? -EIO : err;
}

int elf_parse(elf_read_fn read, void *ctx, u64 file_size, u64 user_lo, u64 user_hi, u64 dyn_bias,
	      struct elf_image *out)
{
	struct elf64_phdr ph[PHDR_CHUNK];
	struct elf64_ehdr eh;
	struct elf_scan s;
	int err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!read || user_lo >= user_hi || !page_aligned(user_lo) || !page_aligned(user_hi))
		return -EINVAL;
	if (file_size < sizeof(eh))
		return -ENOEXEC;
	err = do_read(read, ctx, 0, &eh, sizeof(eh));
	if (err)
		goto out_fail;
	err = check_ehdr(&eh, file_size);
	if (err)
		goto out_fail;
	if (eh.e_type == ET_DYN && !page_aligned(dyn_bias)) {
		err = -EINVAL;
		goto out_fail;
	}

	s = (struct elf_scan){
		.eh = &eh,
		.file_size = file_size,
		.user_lo = user_lo,
		.user_hi = user_hi,
		.bias = eh.e_type == ET_DYN ? dyn_bias : 0,
	};
	for (u32 i = 0; i < eh.e_phnum;) {
		u32 n = MIN((u32)PHDR_CHUNK, eh.e_phnum - i);

		err = do_read(read, ctx, eh.e_phoff + (u64)i * sizeof(ph[0]), ph,
			      n * sizeof(ph[0]));
		if (err)
			goto out_fail;
		for (u32 j = 0; j < n; j++) {
			err = add_phdr(out, &s, &ph[j]);
			if (err)
				goto out_fail;
		}
		i += n;
	}
	err = finish(out, &s);
	if (err)
		goto out_fail;
	return 0;

out_fail:
	memset(out, 0, sizeof(*out));
	return err;
}
