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
	uint32_t link, info;		/* sh_link, sh_info */
	/* NULL for SHT_NOBITS only: a copy of zero bytes never starts at NULL */
	const unsigned char *data;
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

/*
 * Read PATH and check its geometry (elfcheck.c): past this, every symbol and
 * relocation field lies inside its section. Any problem is fatal with a
 * one-line reason.
 */
void elfobj_read(struct elfobj *o, const char *path);

/* The first relocation of S at or after OFF (index into s->relas). */
size_t elfobj_rela_lower(const struct section *s, uint64_t off);

/* Width in bytes of the field relocation TYPE writes; 0 if unsupported. */
unsigned int rela_width(uint32_t type);
const char *rela_type_name(uint32_t type);
/* Whether TYPE is relative to the place it is written (S + A - P). */
bool rela_pcrel(uint32_t type);

/*
 * Relocation arithmetic wraps modulo 2^64, as the linker's does: an addend
 * may hold any value, and a signed overflow would be undefined behaviour.
 */
static inline int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* Where relocation R points through its symbol S: S + A. */
static inline int64_t sym_plus_addend(const struct symbol *s, const struct rela *r)
{
	return (int64_t)(s->value + (uint64_t)r->addend);
}

#endif
