/* callbacks.h - the callbacks a fix declares with include/klive_callbacks.h. */
#ifndef PATCHGEN_CALLBACKS_H
#define PATCHGEN_CALLBACKS_H

#include "resolve.h"

/* Section prefix of the declarations; special.c leaves these sections to us. */
#define CALLBACKS_SECTION ".klive.callbacks."

/*
 * Record in B's plan the copy of each function P's NEW object declares as
 * a callback (after resolve: the copies have labels); refuse a callback
 * that is not a new or changed function, an unknown kind, or a kind
 * declared twice in the patch.
 */
void callbacks_collect(struct builder *b, struct pair *p);

#endif
