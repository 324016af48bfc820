/* elfobj.c - the read stage: load sections, symbols and relocations with libelf. */
#include "elfobj.h"
#include "util.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rela_cmp(const void *a, const void *b)
{
	const struct rela *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static void read_relas(struct elfobj *o, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	struct section *t;
	size_t n, i;

	if (sh->sh_info >= o->nsecs || !d || !sh->sh_entsize)
		fatal(o->path, "malformed relocation section");
	t = &o->secs[sh->sh_info];
	n = sh->sh_size / sh->sh_entsize;
	t->relas = xcalloc(n, sizeof(*t->relas));
	for (i = 0; i < n; i++) {
		GElf_Rela r;

		if (!gelf_getrela(d, (int)i, &r))
			fatal(o->path, "malformed relocation: %s", elf_errmsg(-1));
		t->relas[i].off = r.r_offset;
		t->relas[i].type = (uint32_t)GELF_R_TYPE(r.r_info);
		t->relas[i].sym = (uint32_t)GELF_R_SYM(r.r_info);
		t->relas[i].addend = r.r_addend;
		if (t->relas[i].sym >= o->nsyms)
			fatal(o->path, "relocation refers to a missing symbol");
	}
	t->nrelas = n;
	if (n > 1)
		qsort(t->relas, n, sizeof(*t->relas), rela_cmp);
}

static void read_symtab(struct elfobj *o, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n, i;

	if (!d || !sh->sh_entsize)
		fatal(o->path, "malformed symbol table");
	n = sh->sh_size / sh->sh_entsize;
	o->syms = xcalloc(n, sizeof(*o->syms));
	o->nsyms = n;
	for (i = 0; i < n; i++) {
		struct symbol *s = &o->syms[i];
		GElf_Sym gs;
		const char *name;

		if (!gelf_getsym(d, (int)i, &gs))
			fatal(o->path, "malformed symbol: %s", elf_errmsg(-1));
		name = elf_strptr(elf, sh->sh_link, gs.st_name);
		s->idx = (unsigned int)i;
		s->type = GELF_ST_TYPE(gs.st_info);
		s->bind = GELF_ST_BIND(gs.st_info);
		s->shndx = gs.st_shndx;
		s->value = gs.st_value;
		s->size = gs.st_size;
		if (s->type == STT_SECTION && s->shndx < o->nsecs)
			name = o->secs[s->shndx].name;
		s->name = xstrdup(name ? name : "");
		if (s->shndx == SHN_XINDEX || (s->shndx >= o->nsecs &&
		    s->shndx < SHN_LORESERVE))
			fatal(o->path, "unsupported symbol section index");
		if (!strcmp(s->name, "__this_module") && s->shndx == SHN_UNDEF)
			o->is_module = true;
	}
}

void elfobj_read(struct elfobj *o, const char *path)
{
	size_t shstrndx, nsecs, i;
	Elf_Scn *scn;
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fatal(path, "cannot open: %m");
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		fatal(path, "not an ELF file");
	if (eh.e_type != ET_REL)
		fatal(path, "not an ELF relocatable object (.o)");
	if (gelf_getclass(elf) != ELFCLASS64 || eh.e_machine != EM_X86_64)
		fatal(path, "not an x86-64 object (machine %u)", eh.e_machine);
	o->machine = eh.e_machine;
	if (elf_getshdrnum(elf, &nsecs) || elf_getshdrstrndx(elf, &shstrndx))
		fatal(path, "malformed section headers");
	o->secs = xcalloc(nsecs, sizeof(*o->secs));
	o->nsecs = nsecs;
	for (i = 1; i < nsecs; i++) {
		struct section *s = &o->secs[i];
		GElf_Shdr sh;
		const char *name;

		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			fatal(path, "malformed section header");
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		s->name = xstrdup(name ? name : "");
		s->idx = (unsigned int)i;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		s->entsize = sh.sh_entsize;
		s->align = sh.sh_addralign;
		if (sh.sh_type != SHT_NOBITS && sh.sh_size) {
			Elf_Data *d = elf_rawdata(scn, NULL);
			unsigned char *copy;

			if (!d || d->d_size != sh.sh_size)
				fatal(path, "cannot read section %s", s->name);
			copy = xcalloc(1, sh.sh_size);
			memcpy(copy, d->d_buf, sh.sh_size);
			s->data = copy;
		}
		if (!strcmp(s->name, ".modinfo"))
			o->is_module = true;
	}
	for (i = 1; i < nsecs; i++) {
		GElf_Shdr sh;

		scn = elf_getscn(elf, i);
		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB)
			read_symtab(o, elf, scn, &sh);
	}
	if (!o->syms)
		fatal(path, "no symbol table");
	for (i = 1; i < nsecs; i++) {
		GElf_Shdr sh;

		scn = elf_getscn(elf, i);
		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_REL)
			fatal(path, "REL relocations are not supported");
		if (sh.sh_type == SHT_RELA)
			read_relas(o, scn, &sh);
	}
	elf_end(elf);
	close(fd);
}

size_t elfobj_rela_lower(const struct section *s, uint64_t off)
{
	size_t lo = 0, hi = s->nrelas;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->relas[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned int rela_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
		return 4;
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_PC8:
		return 1;
	default:
		return 0;
	}
}

const char *rela_type_name(uint32_t type)
{
	switch (type) {
	case R_X86_64_PC32: return "R_X86_64_PC32";
	case R_X86_64_PLT32: return "R_X86_64_PLT32";
	case R_X86_64_32: return "R_X86_64_32";
	case R_X86_64_32S: return "R_X86_64_32S";
	case R_X86_64_64: return "R_X86_64_64";
	case R_X86_64_PC64: return "R_X86_64_PC64";
	default: return NULL;
	}
}

bool rela_pcrel(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32 || type == R_X86_64_PC64 ||
	       type == R_X86_64_PC8;
}
