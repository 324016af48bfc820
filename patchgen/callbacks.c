/* callbacks.c - the callbacks a fix declares with include/klive_callbacks.h. */
#include "callbacks.h"
#include "util.h"

#include <elf.h>
#include <string.h>

static int kind_index(const char *kind)
{
	int i;

	for (i = 0; i < CB_KINDS; i++)
		if (!strcmp(kind, plan_callback_names[i]))
			return i;
	return -1;
}

/* The function a declaration's pointer names, or NULL. */
static struct item *callee(struct pair *p, const struct rela *r)
{
	const struct symbol *s = &p->new.syms[r->sym];

	if (s->type == STT_FUNC)
		return view_item_of_sym(&p->vn, s);
	if (s->shndx == SHN_UNDEF || s->shndx >= p->new.nsecs)
		return NULL;
	return view_item_at(&p->vn, s->shndx, (uint64_t)sym_plus_addend(s, r));
}

void callbacks_collect(struct builder *b, struct pair *p)
{
	size_t i, r;

	for (i = 1; i < p->new.nsecs; i++) {
		const struct section *s = &p->new.secs[i];
		const char *kind = s->name + strlen(CALLBACKS_SECTION);
		int k;

		if (strncmp(s->name, CALLBACKS_SECTION, strlen(CALLBACKS_SECTION)))
			continue;
		k = kind_index(kind);
		if (k < 0) {
			refuse(b, p->newpath, xasprintf("unknown callback kind '%s' (section %s)",
							kind, s->name));
			continue;
		}
		if (s->size != 8 * s->nrelas) {
			refuse(b, p->newpath, xasprintf("section %s is not a list of function pointers",
							s->name));
			continue;
		}
		for (r = 0; r < s->nrelas; r++) {
			const struct rela *rel = &s->relas[r];
			struct item *it = rel->type == R_X86_64_64 ? callee(p, rel) : NULL;

			if (!it || !it->label || it->state == ST_UNCHANGED) {
				refuse(b, p->newpath, xasprintf("the %s callback (section %s) must be a function new or changed in the fix",
								kind, s->name));
				continue;
			}
			if (b->plan->callbacks[k]) {
				refuse(b, p->newpath, xasprintf("two %s callbacks: %s and %s",
								kind, b->plan->callback_funcs[k],
								it->sym->name));
				continue;
			}
			b->plan->callbacks[k] = it->label;
			b->plan->callback_funcs[k] = it->sym->name;
		}
	}
}
