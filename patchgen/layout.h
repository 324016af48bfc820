/* layout.h - refuse a fix that changes the layout of a type or the prototype of a function the running kernel keeps using. */
#ifndef PATCHGEN_LAYOUT_H
#define PATCHGEN_LAYOUT_H

#include "resolve.h"

/*
 * Compare, in the DWARF of P's OLD and NEW objects, the types the selected
 * functions of NEW use (transitively, through pointers too) and the types of
 * the variables they refer to, and the prototypes of the changed functions;
 * each difference is one refusal in B. An object without usable DWARF is
 * refused, or with b->allow_unchecked_layouts (--no-layout-check) noted for
 * layout_warn_unchecked() and marked in the plan (layouts_unchecked).
 */
void layout_check(struct builder *b, struct pair *p);

/* One warning for each object whose layouts were not checked (--no-layout-check). */
void layout_warn_unchecked(void);

#endif
