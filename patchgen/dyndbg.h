/* dyndbg.h - pr_debug descriptors (__dyndbg) of copied code: the patch module's own, never the running kernel's. */
#ifndef PATCHGEN_DYNDBG_H
#define PATCHGEN_DYNDBG_H

#include "correlate.h"

#include <stdbool.h>

/*
 * Whether IT is a dynamic debug descriptor (struct _ddebug in __dyndbg).
 * It holds no state of the running code: its flags and static key only
 * say whether its pr_debug prints. The patch carries its own copy in its
 * own __dyndbg section, which the module loader registers under the patch
 * module's name; it is compared by content, line number aside.
 */
bool dyndbg_desc(const struct item *it);

/* The output section of a copied descriptor, or NULL for other data. */
const char *dyndbg_section(const struct item *it);

/*
 * Refuse each selected function of V (item.refusal) that uses a descriptor
 * the patch cannot carry: one of a dynamic debug class, whose class map
 * (__dyndbg_classes) would have to come too.
 */
void dyndbg_check(struct objview *v);

#endif
