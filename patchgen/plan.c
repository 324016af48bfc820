/* plan.c - building blocks of the patch plan shared by the resolving stages. */
#include "plan.h"
#include "util.h"

#include <string.h>

const char *const plan_callback_names[CB_KINDS] = {
	[CB_PRE_PATCH] = "pre_patch",
	[CB_POST_PATCH] = "post_patch",
	[CB_PRE_UNPATCH] = "pre_unpatch",
	[CB_POST_UNPATCH] = "post_unpatch",
};

struct chunk *plan_new_chunk(struct plan *p, const char *label)
{
	struct chunk *c = xcalloc(1, sizeof(*c));

	c->label = xstrdup(label);
	c->align = 1;
	grow(&p->chunks, &p->cap, p->nchunks, sizeof(*p->chunks));
	p->chunks[p->nchunks++] = c;
	return c;
}

void plan_add_reloc(struct chunk *c, const struct out_reloc *r)
{
	grow(&c->relocs, &c->cap, c->nrelocs, sizeof(*c->relocs));
	c->relocs[c->nrelocs++] = *r;
}

void plan_count_special(struct plan *p, const char *section, const char *func)
{
	size_t i;

	for (i = 0; i < p->nfspecial; i++)
		if (!strcmp(p->fspecial_names[i], section) && !strcmp(p->fspecial_funcs[i], func))
			break;
	if (i == p->nfspecial) {
		grow(&p->fspecial_names, &p->capfspecial, p->nfspecial, sizeof(char *));
		p->fspecial_funcs = xrealloc(p->fspecial_funcs, p->capfspecial * sizeof(char *));
		p->fspecial_counts = xrealloc(p->fspecial_counts, p->capfspecial * sizeof(size_t));
		p->fspecial_names[i] = xstrdup(section);
		p->fspecial_funcs[i] = xstrdup(func);
		p->fspecial_counts[p->nfspecial++] = 0;
	}
	p->fspecial_counts[i]++;
	for (i = 0; i < p->nspecial; i++)
		if (!strcmp(p->special_names[i], section)) {
			p->special_counts[i]++;
			return;
		}
	grow(&p->special_names, &p->capspecial, p->nspecial, sizeof(char *));
	p->special_counts = xrealloc(p->special_counts, p->capspecial * sizeof(size_t));
	p->special_names[p->nspecial] = xstrdup(section);
	p->special_counts[p->nspecial++] = 1;
}

void plan_add_namespace(struct plan *p, const char *ns)
{
	size_t i;

	for (i = 0; i < p->nns; i++)
		if (!strcmp(p->namespaces[i], ns))
			return;
	grow(&p->namespaces, &p->capns, p->nns, sizeof(char *));
	p->namespaces[p->nns++] = xstrdup(ns);
}

void plan_add_pointer(struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->npointers; i++)
		if (!strcmp(p->pointers[i], name))
			return;
	grow(&p->pointers, &p->cappointers, p->npointers, sizeof(char *));
	p->pointers[p->npointers++] = xstrdup(name);
}
