/* textsec.h - code in the kernel's special text sections: pieces carried with the code that jumps to them, functions refused where the kernel tells code by its section. */
#ifndef PATCHGEN_TEXTSEC_H
#define PATCHGEN_TEXTSEC_H

#include "resolve.h"

/*
 * Refuse the selected functions of V that live in a section the kernel
 * treats specially (entry code, noinstr, idle), naming the section and why.
 */
void textsec_select(struct objview *v);

/*
 * Bounds of the piece of code section S of O that REF points to, when S is
 * a section of pieces (.altinstr_aux): *start = REF, *size up to and with
 * its final jump. Returns NULL, or why the reference cannot be followed.
 */
const char *textsec_piece(const struct elfobj *o, const struct section *s, uint64_t ref,
			  uint64_t *start, uint64_t *size);

/*
 * A reference from copied code to REF in code section S that is no known
 * function: carry the piece there with the code (label in *label, which
 * starts at *start), or say why not, naming the section.
 */
const char *textsec_carry(struct builder *b, struct pair *p, const struct section *s,
			  uint64_t ref, const char **label, uint64_t *start);

/*
 * Whether code at OFF of S belongs to function T (of V): a piece of
 * .altinstr_aux T jumps to, or the replacement of an alternative whose
 * site is in T. Their jumps back into T are T's own, no way in.
 */
bool textsec_piece_of(const struct objview *v, const struct item *t, const struct section *s,
		      uint64_t off);

#endif
