/* compare.h - decide which paired functions changed and which data changes cannot be patched. */
#ifndef PATCHGEN_COMPARE_H
#define PATCHGEN_COMPARE_H

#include "correlate.h"

/*
 * Set state (unchanged, changed, new) and why of every function of NEW, and
 * set refusal on data of NEW whose size or initial value changed. Source
 * line numbers alone (bug table entries, pr_debug descriptors, line
 * arguments of __might_sleep-style calls) do not make a change.
 */
void compare_views(struct objview *old, struct objview *new);

/*
 * Whether functions O (of VO) and N (of VN) have the same code and refer to
 * the same things by normalised name: used to pair renumbered clones.
 */
bool compare_same_loose(const struct objview *vo, const struct item *o,
			const struct objview *vn, const struct item *n);

#endif
