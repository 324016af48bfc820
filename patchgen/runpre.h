/* runpre.h - record each redirected old function's code, masked where the kernel rewrites it, for klive.ko's check of the running kernel. */
#ifndef PATCHGEN_RUNPRE_H
#define PATCHGEN_RUNPRE_H

#include "resolve.h"

/*
 * For each redirected function of P, keep OLD's code and the ranges
 * klive.ko must not compare with the running kernel's: relocation fields,
 * the __fentry__ call, a leading endbr64, and what the special sections
 * let the kernel rewrite. Refuses what cannot be recorded.
 */
void runpre_record(struct builder *b, struct pair *p);

#endif
