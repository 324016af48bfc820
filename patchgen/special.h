/* special.h - carry the special-section entries of copied code, refuse the ones patchgen cannot carry. */
#ifndef PATCHGEN_SPECIAL_H
#define PATCHGEN_SPECIAL_H

#include "resolve.h"

/* Carry the entries of known special sections that belong to copied code;
 * refuse unknown sections that refer to a selected function. */
void special_carry(struct builder *b, struct pair *p);

/*
 * Entry size of special section NAME in kernel K, 0 for a section whose
 * entries are not carried; *LINE_FIELD: offset of a field holding only a
 * source line number (0: none).
 */
unsigned int special_entry_layout(const struct kinfo *k, const char *name,
				  unsigned int *line_field);

/*
 * Whether an entry of special section NAME at a function's first byte
 * belongs to the code before it (ORC: written only where the unwind state
 * changes), so it does not tell the function apart.
 */
bool special_start_follows_prev(const char *name);

#endif
