/* symev.h - without the kernel's symbol list, record how klive.ko tells same-named vmlinux symbols apart. */
#ifndef PATCHGEN_SYMEV_H
#define PATCHGEN_SYMEV_H

#include "resolve.h"

/*
 * For a vmlinux patch built without a symbol list: one struct klive_symev
 * (plan->symevs) for each name of the old objects that the patch names
 * with sympos 0 (local symbols), and a fresh copy of each print-once flag among them for
 * klive.ko to fall back on. Refuses a local name defined by two objects of
 * the patch (only a symbol list tells which is which).
 */
void symev_record(struct builder *b);

/* The --list lines: symev NAME run N near M [text] [fresh LABEL]. */
void symev_print(const struct plan *plan);

#endif
