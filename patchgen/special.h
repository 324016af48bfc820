/* special.h - the special sections patchgen knows: carry the entries of copied code, refuse the ones it cannot carry, tell which code their sites let the kernel rewrite. */
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

/* A range [AT, AT+LEN) of section offsets the kernel may rewrite (SECTION says why). */
typedef void (*special_rewrite_fn)(void *arg, uint64_t at, uint64_t len, const char *section);

/*
 * Call FN for each range of the function [START, START+SIZE) of section
 * SHNDX of O (decoded as MAP) that an entry of O's special sections lets the
 * kernel rewrite at boot or load: alternatives, paravirt sites, jump labels,
 * static calls, return and retpoline sites, call-depth call sites, lock
 * prefixes, __fentry__ calls, sealed endbr64, 6.12 runtime constants.
 * Returns NULL, or why the entries cannot be read.
 */
const char *special_rewritten(const struct kinfo *k, const struct elfobj *o,
			      unsigned int shndx, uint64_t start, uint64_t size,
			      const struct code_map *map, special_rewrite_fn fn, void *arg);

#endif
