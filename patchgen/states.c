/* states.c - the system states a fix declares with include/klive_state.h. */
#include "states.h"
#include "util.h"

#include <string.h>

/* A little-endian 64-bit value at P. */
static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void add_state(struct builder *b, const char *path, uint64_t id, uint64_t version)
{
	struct plan *plan = b->plan;
	size_t i;

	if (!id || version > 0xffffffffu) {
		refuse(b, path, xasprintf("system state %#llx version %llu: the id must not be 0 and the version must fit 32 bits",
					  (unsigned long long)id, (unsigned long long)version));
		return;
	}
	for (i = 0; i < plan->nstates; i++) {
		if (plan->states[i].id != id)
			continue;
		if (plan->states[i].version != version)
			refuse(b, path, xasprintf("system state %#llx declared with versions %llu and %llu",
						  (unsigned long long)id,
						  (unsigned long long)plan->states[i].version,
						  (unsigned long long)version));
		return;
	}
	grow(&plan->states, &plan->capstates, plan->nstates, sizeof(*plan->states));
	plan->states[plan->nstates].id = id;
	plan->states[plan->nstates++].version = version;
}

void states_collect(struct builder *b, struct pair *p)
{
	size_t i, off;

	for (i = 1; i < p->new.nsecs; i++) {
		const struct section *s = &p->new.secs[i];

		if (strcmp(s->name, STATES_SECTION))
			continue;
		/* constants only: 16-byte entries, nothing to relocate */
		if (!s->data || s->size % 16 || s->nrelas) {
			refuse(b, p->newpath, xasprintf("section %s is not a list of KLIVE_STATE(id, version) constants",
							s->name));
			continue;
		}
		for (off = 0; off < s->size; off += 16)
			add_state(b, p->newpath, le64(s->data + off), le64(s->data + off + 8));
	}
}
