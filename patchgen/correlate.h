/* correlate.h - functions and data objects of one object, and their old/new pairing. */
#ifndef PATCHGEN_CORRELATE_H
#define PATCHGEN_CORRELATE_H

#include "disasm.h"
#include "elfobj.h"
#include "util.h"

struct kinfo;

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
	/*
	 * A numbered static local (count.3, __already_done.12): writable
	 * local data whose number shifts when a static is added elsewhere in
	 * the file, so it pairs by the functions that use it, never by name.
	 */
	bool numbered;
	struct item **owners;	/* functions referring to it (a .cold part: its function) */
	size_t nowners, capowners;
	char *pair_err;		/* why it cannot be told which OLD static it is */
	bool fresh_once;	/* a print-once flag copied fresh (see resolve.c) */
	/* functions only: decoded code and relocations in [value, value+size) */
	struct code_map map;
	struct rela *relas;
	size_t nrelas;
	const char *code_err;	/* why the code cannot be copied */
	struct strbuf spkey;	/* its special-section entries, layout-free */
	/* decisions (new side) */
	enum item_state state;
	char *why;		/* what differs, for a changed or new item */
	bool selected;
	const char *refusal;
	char *label;		/* assembler label of the patch's copy */
	/* data: the replaced function it holds addresses inside (codedata.c) */
	const struct item *into;
	/* notrace.c: a changed function ftrace cannot hook, patched through its callers */
	bool notrace;
	int nt_mark;		/* 0 not visited, 1 in progress, 2 done */
	struct item **through;	/* notrace: the traceable functions redirected for it */
	size_t nthrough, capthrough;
	struct item **covers;	/* traceable: the notrace functions it is redirected for */
	size_t ncovers, capcovers;
};

struct objview {
	struct elfobj *o;
	const struct kinfo *k;	/* the target kernel */
	bool is_new;		/* the NEW object's view */
	bool paired;		/* correlate() is done: items have their twins */
	struct item *items;	/* sorted by section, then address */
	size_t n;
	struct item **bysym;	/* symbol index -> item */
};

/* Collect the functions and data objects of O and decode every function. */
void view_build(struct objview *v, struct elfobj *o, const struct kinfo *k);

/*
 * Pair the items of OLD and NEW by (normalised) name; functions whose
 * normalised name several share (renumbered compiler clones) pair by
 * identical code; numbered static locals pair by the functions using them.
 */
void correlate(struct objview *old, struct objview *new);

/* The item covering section offset OFF of section SHNDX, or NULL. */
struct item *view_item_at(const struct objview *v, unsigned int shndx, uint64_t off);

/*
 * The item a reference to SYM at offset REF of SYM's section names (REF:
 * the symbol's value plus the addend, plus for pc-relative code the distance
 * to the end of the instruction): the function or object SYM is, else the
 * one covering REF, else the data object ending at REF (a pointer one past
 * it). NULL if none. Every stage asks this one question the same way.
 */
struct item *view_ref_item(const struct objview *v, const struct symbol *sym, uint64_t ref);

/* The item a defined non-section symbol names, or NULL. */
struct item *view_item_of_sym(const struct objview *v, const struct symbol *s);

/*
 * How references name IT once V is paired: the OLD symbol's name for a
 * paired item, so references compare equal exactly when they name the same
 * function or object of the running kernel.
 */
const char *item_ident(const struct objview *v, const struct item *it, char **tofree);

/*
 * The item relocation R of function FN (of V) refers to: by its symbol, or
 * for a section symbol by the address it points at; NULL if none.
 */
struct item *view_ref_target(const struct objview *v, const struct item *fn,
			     const struct rela *r);

/* The functions using numbered static ST, comma-separated (freed by the caller). */
char *item_owner_names(const struct item *st);

/* NAME without clone numbers: foo.isra.3 -> foo.isra, x.12 -> x. */
char *normalize_name(const char *name);

#endif
