/* states.h - the system states a fix declares with include/klive_state.h. */
#ifndef PATCHGEN_STATES_H
#define PATCHGEN_STATES_H

#include "resolve.h"

#define STATES_SECTION ".klive.states"

/*
 * Add to B's plan the states P's NEW object declares (id, version); refuse
 * a malformed section, an id of 0, a version beyond 32 bits, and one id
 * declared with two versions in the patch.
 */
void states_collect(struct builder *b, struct pair *p);

#endif
