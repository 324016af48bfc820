/* elfcheck.c - validate an object's geometry once, when it is read. */
/*
 * Every later stage indexes sections by a symbol's st_shndx, copies
 * [st_value, st_value + st_size) of its section and writes relocation
 * fields at r_offset, trusting the object: this pass is where that trust is
 * earned, so an object made by a broken tool or cut short is refused with
 * one line instead of being read out of bounds. It checks that the object
 * is well-formed, not patchgen's policy: any valid kernel object passes
 * (symbols of size 0, section and .cold symbols, addends pointing anywhere,
 * relocation types patchgen never applies).
 */
#include "elfcheck.h"
#include "util.h"

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>

/* Names end up in messages and in the assembler source of the patch: one line each. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/*
 * Bytes the field of x86-64 relocation TYPE occupies, for every type (not
 * only those patchgen applies); an unknown type counts 1 byte, so at least
 * its place must be inside the section.
 */
static unsigned int field_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE:
	case R_X86_64_COPY:
	case R_X86_64_TLSDESC_CALL:	/* marks an instruction, writes nothing */
		return 0;
	case R_X86_64_8:
	case R_X86_64_PC8:
		return 1;
	case R_X86_64_16:
	case R_X86_64_PC16:
		return 2;
	case R_X86_64_PC32:
	case R_X86_64_GOT32:
	case R_X86_64_PLT32:
	case R_X86_64_GOTPCREL:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_TLSGD:
	case R_X86_64_TLSLD:
	case R_X86_64_DTPOFF32:
	case R_X86_64_GOTTPOFF:
	case R_X86_64_TPOFF32:
	case R_X86_64_GOTPC32:
	case R_X86_64_SIZE32:
	case R_X86_64_GOTPC32_TLSDESC:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return 4;
	case R_X86_64_64:
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
	case R_X86_64_RELATIVE:
	case R_X86_64_DTPMOD64:
	case R_X86_64_DTPOFF64:
	case R_X86_64_TPOFF64:
	case R_X86_64_PC64:
	case R_X86_64_GOTOFF64:
	case R_X86_64_GOT64:
	case R_X86_64_GOTPCREL64:
	case R_X86_64_GOTPC64:
	case R_X86_64_GOTPLT64:
	case R_X86_64_PLTOFF64:
	case R_X86_64_SIZE64:
	case R_X86_64_IRELATIVE:
	case R_X86_64_RELATIVE64:
		return 8;
	case R_X86_64_TLSDESC:
		return 16;
	default:
		return 1;
	}
}

/* Sections a relocation table can apply to: ones with contents of their own. */
static bool relocatable(const struct section *t)
{
	switch (t->type) {
	case SHT_NULL:
	case SHT_NOBITS:
	case SHT_SYMTAB:
	case SHT_STRTAB:
	case SHT_RELA:
	case SHT_REL:
		return false;
	default:
		return true;
	}
}

static char *check_symtab(const struct elfobj *o, const struct section *s)
{
	if (s->entsize != sizeof(Elf64_Sym) || s->size % sizeof(Elf64_Sym))
		return xasprintf("malformed symbol table %s (entry size %llu, %llu bytes)", s->name,
				 (unsigned long long)s->entsize, (unsigned long long)s->size);
	if (!s->link || s->link >= o->nsecs || o->secs[s->link].type != SHT_STRTAB)
		return xasprintf("symbol table %s: its string table (section %u) is not a string table",
				 s->name, s->link);
	/* sh_info of a symbol table: one past the last local symbol */
	if (s->info > o->nsyms)
		return xasprintf("symbol table %s: first global symbol %u is past its %zu symbols",
				 s->name, s->info, o->nsyms);
	return NULL;
}

static char *check_rela(const struct elfobj *o, const struct section *s, size_t symtab,
			bool *relocated)
{
	const struct section *t;

	if (s->entsize != sizeof(Elf64_Rela) || s->size % sizeof(Elf64_Rela))
		return xasprintf("malformed relocation section %s (entry size %llu, %llu bytes)",
				 s->name, (unsigned long long)s->entsize,
				 (unsigned long long)s->size);
	if (s->link != symtab)
		return xasprintf("relocation section %s: its symbol table is section %u, not the symbol table",
				 s->name, s->link);
	/* sh_info of a relocation section: the section it applies to */
	if (!s->info || s->info >= o->nsecs || s->info == s->idx)
		return xasprintf("relocation section %s applies to section %u, which does not exist",
				 s->name, s->info);
	t = &o->secs[s->info];
	if (!relocatable(t))
		return xasprintf("relocation section %s applies to %s, which has no contents to relocate",
				 s->name, t->name);
	if (relocated[t->idx])
		return xasprintf("section %s has two relocation sections", t->name);
	relocated[t->idx] = true;
	return NULL;
}

/* Section names and sizes, then the symbol and relocation tables' headers. */
static char *check_sections(const struct elfobj *o)
{
	size_t symtab = 0, i;
	bool *relocated;
	char *why = NULL;

	for (i = 1; i < o->nsecs; i++) {
		const struct section *s = &o->secs[i];

		if (!s->name)
			return xasprintf("section %zu: name outside the section name table", i);
		if (!printable(s->name))
			return xasprintf("section %zu: name with control characters", i);
		/* offsets inside it must fit int64_t for relocation arithmetic */
		if (s->size > INT64_MAX)
			return xasprintf("section %s: size 0x%llx exceeds any address space",
					 s->name, (unsigned long long)s->size);
		if (s->type != SHT_SYMTAB)
			continue;
		if (symtab)
			return xasprintf("two symbol tables (%s and %s)", o->secs[symtab].name,
					 s->name);
		symtab = i;
	}
	if (!symtab)
		return xstrdup("no symbol table");
	why = check_symtab(o, &o->secs[symtab]);
	relocated = xcalloc(o->nsecs, sizeof(*relocated));
	for (i = 1; i < o->nsecs && !why; i++)
		if (o->secs[i].type == SHT_RELA)
			why = check_rela(o, &o->secs[i], symtab, relocated);
	free(relocated);
	return why;
}

static char *check_symbols(const struct elfobj *o)
{
	size_t i;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];
		const struct section *sec;

		if (!s->name)
			return xasprintf("symbol %zu: name outside the string table", i);
		if (!printable(s->name))
			return xasprintf("symbol %zu: name with control characters", i);
		if (s->shndx == SHN_XINDEX)
			return xasprintf("symbol '%s': extended section indexes are not supported",
					 s->name);
		if (s->shndx == SHN_UNDEF || s->shndx >= o->nsecs) {
			/* SHN_ABS, SHN_COMMON and the like: values, not places */
			if (s->shndx < SHN_LORESERVE && s->shndx != SHN_UNDEF)
				return xasprintf("symbol '%s': section index %u is past the %zu sections",
						 s->name, s->shndx, o->nsecs);
			continue;
		}
		sec = &o->secs[s->shndx];
		if (s->value > sec->size || s->size > sec->size - s->value)
			return xasprintf("symbol '%s' (0x%llx, %llu bytes) lies outside its section %s (%llu bytes)",
					 s->name, (unsigned long long)s->value,
					 (unsigned long long)s->size, sec->name,
					 (unsigned long long)sec->size);
	}
	return NULL;
}

static char *check_relas(const struct elfobj *o)
{
	size_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		const struct section *t = &o->secs[i];

		for (j = 0; j < t->nrelas; j++) {
			const struct rela *r = &t->relas[j];
			unsigned int w = field_width(r->type);

			if (r->sym >= o->nsyms)
				return xasprintf("relocation at %s+0x%llx refers to symbol %u, past the %zu symbols",
						 t->name, (unsigned long long)r->off, r->sym,
						 o->nsyms);
			if (r->off > t->size || w > t->size - r->off)
				return xasprintf("relocation at %s+0x%llx (type %u, %u bytes) lies outside its section (%llu bytes)",
						 t->name, (unsigned long long)r->off, r->type, w,
						 (unsigned long long)t->size);
		}
	}
	return NULL;
}

/*
 * Whether a relocation field of section T crosses offset AT: a field is
 * part of one instruction or datum, so none crosses the start or end of a
 * function or object (relocations are sorted by offset here).
 */
static const struct rela *crossing(const struct section *t, uint64_t at)
{
	size_t i = elfobj_rela_lower(t, at > 16 ? at - 16 : 0);

	for (; i < t->nrelas && t->relas[i].off < at; i++)
		if (field_width(t->relas[i].type) > at - t->relas[i].off)
			return &t->relas[i];
	return NULL;
}

/* Functions and objects have whole fields: copying one copies its fields. */
static char *check_extents(const struct elfobj *o)
{
	size_t i;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];
		const struct section *t;
		const struct rela *r;

		if ((s->type != STT_FUNC && s->type != STT_OBJECT) || !s->size ||
		    s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			continue;
		t = &o->secs[s->shndx];
		r = crossing(t, s->value);
		if (!r)
			r = crossing(t, s->value + s->size);
		if (r)
			return xasprintf("relocation at %s+0x%llx (type %u, %u bytes) crosses the bounds of '%s' (0x%llx, %llu bytes)",
					 t->name, (unsigned long long)r->off, r->type,
					 field_width(r->type), s->name,
					 (unsigned long long)s->value, (unsigned long long)s->size);
	}
	return NULL;
}

char *elfcheck(const struct elfobj *o)
{
	char *why = check_sections(o);

	if (!why)
		why = check_symbols(o);
	if (!why)
		why = check_relas(o);
	if (!why)
		why = check_extents(o);
	return why;
}
