/* elfobj.h - the read stage: sections, symbols and relocations of one object. */
#ifndef PATCHGEN_ELFOBJ_H
#define PATCHGEN_ELFOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rela {
	uint64_t off;		/* within the section the relocation applies to */
	uint32_t type;		/* R_X86_64_* */
	uint32_t sym;		/* symbol table index */
	int64_t addend;
	bool synthetic;		/* made by disasm for an assembler-resolved branch */
};

struct section {
	const char *name;
	unsigned int idx;
	uint32_t type;
	uint64_t flags, size, entsize, align;
	const unsigned char *data;	/* NULL for SHT_NOBITS */
	struct rela *relas;		/* sorted by off */
	size_t nrelas;
};

struct symbol {
	const char *name;
	unsigned int idx;
	unsigned char type, bind;
	unsigned int shndx;	/* SHN_UNDEF for undefined */
	uint64_t value, size;
};

struct elfobj {
	const char *path;
	uint16_t machine;
	struct section *secs;
	size_t nsecs;
	struct symbol *syms;
	size_t nsyms;
	bool is_module;		/* has .modinfo or references __this_module */
};

/* Read PATH; any problem is fatal with a one-line reason. */
void elfobj_read(struct elfobj *o, const char *path);

/* The first relocation of S at or after OFF (index into s->relas). */
size_t elfobj_rela_lower(const struct section *s, uint64_t off);

/* Width in bytes of the field relocation TYPE writes; 0 if unsupported. */
unsigned int rela_width(uint32_t type);
const char *rela_type_name(uint32_t type);
/* Whether TYPE is relative to the place it is written (S + A - P). */
bool rela_pcrel(uint32_t type);

#endif
