/* codedata.h - data holding addresses inside replaced code goes with the new code, or the fix is refused. */
#ifndef PATCHGEN_CODEDATA_H
#define PATCHGEN_CODEDATA_H

#include "correlate.h"

/*
 * Mark each data object of NEW (V, selected) whose relocations point inside
 * a selected function, or at an object so marked, with that function
 * (item.into): the patch copies it and relocates it to the new code. Such
 * an object that unchanged code or unmarked data also refers to gets a
 * refusal naming them.
 */
void codedata_bind(struct objview *v);

/* --list: one line "copied OBJ (holds addresses inside FUNC)" per marked object. */
void codedata_print(const struct objview *v);

#endif
