/* resolve.h - turn selected functions into patch chunks and decide how each reference is written. */
#ifndef PATCHGEN_RESOLVE_H
#define PATCHGEN_RESOLVE_H

#include "correlate.h"
#include "kinfo.h"
#include "plan.h"

struct kinfo;
struct strmap;

/* A range of copied code: a selected function or an alternative replacement. */
struct crange {
	unsigned int shndx;
	uint64_t start, size;
	const char *label;
	const struct item *func;	/* NULL for a replacement */
};

struct pair {
	const char *oldpath, *newpath;
	struct elfobj old, new;
	struct objview vo, vn;
	struct strmap *carried;		/* "shndx:start" -> label */
	struct crange *code;
	size_t ncode, capcode;
};

struct builder {
	struct plan *plan;
	const struct kinfo *k;
	bool vmlinux;
	struct pair *pairs;
	size_t npairs;
	struct strmap *labels;		/* label names in use */
	char **refusals;
	size_t nrefusals, caprefusals;
	bool warned_sysmap;
	unsigned int serial;
	bool allow_unchecked_layouts;	/* --no-layout-check */
};

/* Record "FILE: REASON" as a reason the patch cannot be built. */
void refuse(struct builder *b, const char *file, char *reason);

/* Chunks for the selected functions of P, and their klive_func entries. */
void resolve_funcs(struct builder *b, struct pair *p);

/*
 * How a reference R (at a place whose instruction ends DELTA bytes after
 * the field) is written in the patch. CALL: the reference is a branch, or a
 * code pointer of a special section, so it goes to the patch's own copy.
 * Returns NULL or a refusal reason; out->off is left to the caller.
 */
const char *resolve_ref(struct builder *b, struct pair *p, const struct rela *r,
			int64_t delta, bool call, struct out_reloc *out);

/* Copied code containing section offset OFF of SHNDX, or NULL. */
const struct crange *find_code(const struct pair *p, unsigned int shndx, uint64_t off);

/* Copy [start, start+size) of code section S (an alternative replacement). */
const char *carry_code_piece(struct builder *b, struct pair *p, const struct section *s,
			     uint64_t start, uint64_t size, const char **label);

/*
 * Whether vmlinux keeps sections A and B of one object in one area (the
 * linker script takes .text and .text.* of an object together, and so on).
 */
bool same_area(const char *a, const char *b);

/* A fresh label based on BASE. */
char *new_label(struct builder *b, const char *base);

#endif
