/* elfobj.c - the read stage: load sections, symbols and relocations with libelf. */
#include "elfcheck.h"
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

static const char *elf_err(void)
{
	const char *m = elf_errmsg(-1);

	return m ? m : "unknown libelf error";
}

/*
 * Attach the relocations of SH to the section they apply to. A table
 * elfcheck() will reject (entry size, target, a second table for one
 * section) is left unread: only what indexing needs is checked here. So are
 * those of a compressed section (-gz debug info): they apply to the inflated
 * contents, which only libdw reads (layout.c), relocating them itself.
 */
static bool is_dwarf(const struct section *s)
{
	return s->name && !strncmp(s->name, ".debug_", 7) && !(s->flags & SHF_ALLOC);
}

static char *read_relas(struct elfobj *o, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d;
	struct section *t;
	size_t n, i;

	if (sh->sh_entsize != sizeof(Elf64_Rela) || sh->sh_size % sizeof(Elf64_Rela) ||
	    !sh->sh_info || sh->sh_info >= o->nsecs || o->secs[sh->sh_info].relas ||
	    (o->secs[sh->sh_info].flags & SHF_COMPRESSED) || is_dwarf(&o->secs[sh->sh_info]))
		return NULL;
	n = sh->sh_size / sizeof(Elf64_Rela);
	d = elf_getdata(scn, NULL);
	if (n && !d)
		return xasprintf("cannot read a relocation section: %s", elf_err());
	t = &o->secs[sh->sh_info];
	t->relas = xcalloc(n, sizeof(*t->relas));
	for (i = 0; i < n; i++) {
		GElf_Rela r;

		if (!gelf_getrela(d, (int)i, &r))
			return xasprintf("malformed relocation: %s", elf_err());
		t->relas[i].off = r.r_offset;
		t->relas[i].type = (uint32_t)GELF_R_TYPE(r.r_info);
		t->relas[i].sym = (uint32_t)GELF_R_SYM(r.r_info);
		t->relas[i].addend = r.r_addend;
	}
	t->nrelas = n;
	if (n > 1)
		qsort(t->relas, n, sizeof(*t->relas), rela_cmp);
	return NULL;
}

/* The symbols of SH; a name outside the string table stays NULL for elfcheck(). */
static char *read_symtab(struct elfobj *o, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d;
	size_t n, i;

	if (sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_size % sizeof(Elf64_Sym))
		return NULL;
	n = sh->sh_size / sizeof(Elf64_Sym);
	d = elf_getdata(scn, NULL);
	if (n && !d)
		return xasprintf("cannot read the symbol table: %s", elf_err());
	o->syms = xcalloc(n, sizeof(*o->syms));
	o->nsyms = n;
	for (i = 0; i < n; i++) {
		struct symbol *s = &o->syms[i];
		const char *name;
		GElf_Sym gs;

		if (!gelf_getsym(d, (int)i, &gs))
			return xasprintf("malformed symbol: %s", elf_err());
		s->idx = (unsigned int)i;
		s->type = GELF_ST_TYPE(gs.st_info);
		s->bind = GELF_ST_BIND(gs.st_info);
		s->shndx = gs.st_shndx;
		s->value = gs.st_value;
		s->size = gs.st_size;
		if (s->type == STT_SECTION && s->shndx != SHN_UNDEF && s->shndx < o->nsecs)
			name = o->secs[s->shndx].name;
		else
			name = elf_strptr(elf, sh->sh_link, gs.st_name);
		s->name = name ? xstrdup(name) : NULL;
	}
	return NULL;
}

/* Everything of ELF into O; NULL or why it cannot be read. */
static char *load(struct elfobj *o, Elf *elf)
{
	size_t shstrndx, nsecs, i;
	bool symtab = false;
	Elf_Scn *scn;
	GElf_Ehdr eh;
	char *why;

	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return xstrdup("not an ELF file");
	if (eh.e_type != ET_REL)
		return xstrdup("not an ELF relocatable object (.o)");
	if (gelf_getclass(elf) != ELFCLASS64 || eh.e_machine != EM_X86_64)
		return xasprintf("not an x86-64 object (machine %u)", eh.e_machine);
	o->machine = eh.e_machine;
	if (elf_getshdrnum(elf, &nsecs) || elf_getshdrstrndx(elf, &shstrndx))
		return xstrdup("malformed section headers");
	o->secs = xcalloc(nsecs, sizeof(*o->secs));
	o->nsecs = nsecs;
	for (i = 1; i < nsecs; i++) {
		struct section *s = &o->secs[i];
		GElf_Shdr sh;
		const char *name;

		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			return xasprintf("malformed section header %zu: %s", i, elf_err());
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		s->name = name ? xstrdup(name) : NULL;
		s->idx = (unsigned int)i;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		s->entsize = sh.sh_entsize;
		s->align = sh.sh_addralign;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		/*
		 * DWARF is libdw's (layout.c), never part of a patch: listed,
		 * not copied, and its relocations are not read (in a kernel
		 * object they outnumber all others several times over).
		 */
		if (is_dwarf(s)) {
			s->size = 0;
			s->data = xcalloc(1, 1);
			continue;
		}
		if (sh.sh_type != SHT_NOBITS) {
			Elf_Data *d = sh.sh_size ? elf_rawdata(scn, NULL) : NULL;
			unsigned char *copy;

			if (sh.sh_size && (!d || d->d_size != sh.sh_size))
				return xasprintf("cannot read section %zu: %s", i, elf_err());
			/* even an empty section gets a buffer: no copy starts at NULL */
			copy = xcalloc(1, sh.sh_size);
			if (sh.sh_size)
				memcpy(copy, d->d_buf, sh.sh_size);
			s->data = copy;
		}
	}
	/* the first symbol table; elfcheck() refuses a second one */
	for (i = 1; i < nsecs && !symtab; i++) {
		GElf_Shdr sh;

		scn = elf_getscn(elf, i);
		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			symtab = true;
			if ((why = read_symtab(o, elf, scn, &sh)))
				return why;
		}
	}
	for (i = 1; i < nsecs; i++) {
		GElf_Shdr sh;

		scn = elf_getscn(elf, i);
		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_REL)
			return xstrdup("REL relocations are not supported");
		if (sh.sh_type == SHT_RELA && (why = read_relas(o, scn, &sh)))
			return why;
	}
	return NULL;
}

void elfobj_read(struct elfobj *o, const char *path)
{
	char *why;
	size_t i;
	Elf *elf;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fatal(path, "cannot open: %m");
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	why = load(o, elf);
	/* O holds copies of all it needs: release the file before any verdict */
	elf_end(elf);
	close(fd);
	if (!why)
		why = elfcheck(o);
	if (why)
		fatal(path, "%s", why);
	for (i = 1; i < o->nsecs; i++)
		if (!strcmp(o->secs[i].name, ".modinfo"))
			o->is_module = true;
	for (i = 0; i < o->nsyms; i++)
		if (!strcmp(o->syms[i].name, "__this_module") && o->syms[i].shndx == SHN_UNDEF)
			o->is_module = true;
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
