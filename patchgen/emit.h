/* emit.h - write the patch module's Kbuild sources (copied code as assembler, klive tables in C). */
#ifndef PATCHGEN_EMIT_H
#define PATCHGEN_EMIT_H

#include "plan.h"

#include <stdbool.h>

/*
 * Write DIR/Kbuild, DIR/klive.h and DIR/MODNAME.c for PLAN: a module named
 * MODNAME that registers the patch PATCHNAME with klive.ko. IBT: functions
 * must start with endbr64; RETHUNK: returns go through the return thunk.
 */
void emit_module(const struct plan *plan, const char *dir, const char *modname,
		 const char *patchname, bool ibt, bool rethunk);

#endif
