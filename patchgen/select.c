/* select.c - choose the functions the patch carries and refuse the ones it cannot. */
#include "select.h"
#include "util.h"

#include <string.h>

bool is_init_section(const struct section *s)
{
	return !strncmp(s->name, ".init.", 6) || !strncmp(s->name, ".exit.", 6) ||
	       !strncmp(s->name, ".meminit.", 9);
}

long fentry_offset(const struct objview *v, const struct item *it)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	uint64_t start = it->sym->value;
	long call = 0;
	size_t i;

	if (it->sym->size >= 9 && !memcmp(it->sec->data + start, endbr64, 4))
		call = 4;
	if (it->sym->size < (uint64_t)call + 5 || it->sec->data[start + call] != 0xe8)
		return -1;
	for (i = 0; i < it->nrelas; i++) {
		const struct rela *r = &it->relas[i];

		if (r->off == start + call + 1 && !r->synthetic &&
		    !strcmp(v->o->syms[r->sym].name, "__fentry__"))
			return call;
	}
	return -1;
}

void select_funcs(struct objview *new)
{
	size_t i;

	/* a changed fragment changes its function */
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i];

		if (it->kind == IT_FUNC && it->cold && it->state != ST_UNCHANGED &&
		    it->parent && it->parent->state == ST_UNCHANGED) {
			it->parent->state = ST_CHANGED;
			it->parent->why = xasprintf("its part %s changed", it->sym->name);
		}
	}
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i];

		if (it->kind != IT_FUNC || it->state == ST_UNCHANGED)
			continue;
		if (it->cold) {
			if (!it->parent)
				it->refusal = xasprintf("fragment '%s' has no parent function",
							it->sym->name);
			continue;
		}
		it->selected = true;
		if (is_init_section(it->sec))
			it->refusal = xasprintf("function '%s' is __init/__exit code (%s); changes to it cannot be applied",
						it->sym->name, it->sec->name);
		else if (it->code_err)
			it->refusal = xasprintf("function '%s': %s", it->sym->name, it->code_err);
		else if (it->state == ST_CHANGED && fentry_offset(new, it) < 0)
			it->notrace = true;	/* notrace.c: through its callers, or refused */
	}
	/* a selected function takes its fragments along */
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i];

		if (it->kind == IT_FUNC && it->cold && it->parent && it->parent->selected) {
			it->selected = true;
			if (it->code_err && !it->refusal)
				it->refusal = xasprintf("function '%s': %s", it->sym->name,
							it->code_err);
		}
	}
}
