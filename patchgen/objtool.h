/* objtool.h - give objects the objtool metadata (ORC, return/call sites) that Kbuild adds only at vmlinux link time. */
#ifndef PATCHGEN_OBJTOOL_H
#define PATCHGEN_OBJTOOL_H

#include "kinfo.h"

/*
 * When the target uses ORC but PATH has no .orc_unwind (6.12 with IBT runs
 * objtool on vmlinux.o only), run the target's objtool on a copy in TMPDIR
 * as for module code and return the copy's path; else return PATH.
 */
const char *objtool_prepare(const struct kinfo *k, const char *path, const char *tmpdir,
			    unsigned int serial);

#endif
