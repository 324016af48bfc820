/* notrace.h - patch a changed notrace function through its callers, when they provably are all of them. */
#ifndef PATCHGEN_NOTRACE_H
#define PATCHGEN_NOTRACE_H

#include "resolve.h"

/*
 * For each selected function of P that ftrace cannot hook (no __fentry__
 * call, marked notrace by select.c): keep its new version as a private
 * copy and select its callers in its place, recursively up to traceable
 * ones, when it is local, its address is never taken and every reference
 * to it in OLD and NEW is a direct call or jump from a function of the
 * object; otherwise set its refusal. Each traceable caller so redirected
 * lists the notrace functions it covers (item->covers), whose old code the
 * stack check must count as its own.
 */
void notrace_redirect(struct pair *p);

#endif
