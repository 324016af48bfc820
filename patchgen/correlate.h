/* correlate.h - functions and data objects of one object, and their old/new pairing. */
#ifndef PATCHGEN_CORRELATE_H
#define PATCHGEN_CORRELATE_H

#include "disasm.h"
#include "elfobj.h"

enum item_kind { IT_FUNC, IT_DATA };
enum item_state { ST_UNCHANGED, ST_CHANGED, ST_NEW };

struct item {
	const struct symbol *sym;
	const struct section *sec;
	enum item_kind kind;
	char *key;		/* name with clone numbering removed */
	struct item *twin;	/* the other object's item, if paired */
	struct item *parent;	/* for a .cold fragment: its function */
	bool cold;
	bool twin_ambiguous;	/* several candidates shared the key */
	/* functions only: decoded code and relocations in [value, value+size) */
	struct code_map map;
	struct rela *relas;
	size_t nrelas;
	const char *code_err;	/* why the code cannot be copied */
	/* decisions (new side) */
	enum item_state state;
	bool selected;
	const char *refusal;
	char *label;		/* assembler label of the patch's copy */
};

struct objview {
	struct elfobj *o;
	struct item *items;	/* sorted by section, then address */
	size_t n;
	struct item **bysym;	/* symbol index -> item */
};

/* Collect the functions and data objects of O and decode every function. */
void view_build(struct objview *v, struct elfobj *o);

/* Pair the items of OLD and NEW by (normalised) name. */
void correlate(struct objview *old, struct objview *new);

/* The item covering section offset OFF of section SHNDX, or NULL. */
struct item *view_item_at(const struct objview *v, unsigned int shndx, uint64_t off);

/* The item a defined non-section symbol names, or NULL. */
struct item *view_item_of_sym(const struct objview *v, const struct symbol *s);

/* NAME without clone numbers: foo.isra.3 -> foo.isra, x.12 -> x. */
char *normalize_name(const char *name);

#endif
