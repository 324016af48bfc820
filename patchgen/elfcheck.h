/* elfcheck.h - validate an object's geometry once, when it is read. */
#ifndef PATCHGEN_ELFCHECK_H
#define PATCHGEN_ELFCHECK_H

#include "elfobj.h"

/*
 * Why O, as elfobj_read() loaded it, is not a well-formed relocatable
 * object (an allocated one-line reason), or NULL: names inside their string
 * tables, symbol and relocation tables linked as ELF says, every symbol
 * inside its section and every relocation field inside the section it
 * applies to.
 */
char *elfcheck(const struct elfobj *o);

#endif
