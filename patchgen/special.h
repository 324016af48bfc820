/* special.h - carry the special-section entries of copied code, refuse the ones patchgen cannot carry. */
#ifndef PATCHGEN_SPECIAL_H
#define PATCHGEN_SPECIAL_H

#include "resolve.h"

/* Carry the entries of known special sections that belong to copied code;
 * refuse unknown sections that refer to a selected function. */
void special_carry(struct builder *b, struct pair *p);

#endif
