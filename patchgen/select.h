/* select.h - choose the functions the patch carries and refuse the ones it cannot. */
#ifndef PATCHGEN_SELECT_H
#define PATCHGEN_SELECT_H

#include "correlate.h"

/*
 * Select changed and new functions of NEW (a .cold fragment goes with its
 * function) and set refusal on those that cannot be patched.
 */
void select_funcs(struct objview *new);

/* Offset of the __fentry__ call in function IT, or -1. */
long fentry_offset(const struct objview *v, const struct item *it);

/* Whether section S holds code or data that is freed after boot. */
bool is_init_section(const struct section *s);

#endif
