/* compare.h - decide which paired functions changed and which data changes cannot be patched. */
#ifndef PATCHGEN_COMPARE_H
#define PATCHGEN_COMPARE_H

#include "correlate.h"

/*
 * Set state of every function of NEW (unchanged, changed, new) and set
 * refusal on data of NEW whose size or initial value changed.
 */
void compare_views(struct objview *old, struct objview *new);

#endif
