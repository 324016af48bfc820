/* dyndbg.c - pr_debug descriptors (__dyndbg) of copied code: the patch module's own, never the running kernel's. */
#include "dyndbg.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* struct _ddebug (6.1, 6.12): four pointers, then lineno:18, class_id:6, flags:8 */
#define DD_BITS_OFF	32
#define DD_CLASS_SHIFT	18
#define DD_CLASS_MASK	0x3fu
#define DD_CLASS_DFLT	0x3fu

bool dyndbg_desc(const struct item *it)
{
	return it->kind == IT_DATA && !strcmp(it->sec->name, "__dyndbg");
}

const char *dyndbg_section(const struct item *it)
{
	return dyndbg_desc(it) ? "__dyndbg" : NULL;
}

static char *refusal(const struct item *it)
{
	const unsigned char *d;
	unsigned int bits, cls;

	if (!it->sec->data || it->sym->size < DD_BITS_OFF + 4 ||
	    it->sym->value + it->sym->size > it->sec->size)
		return xasprintf("pr_debug descriptor '%s' is not a struct _ddebug", it->sym->name);
	d = it->sec->data + it->sym->value + DD_BITS_OFF;
	bits = d[0] | d[1] << 8 | d[2] << 16 | (unsigned int)d[3] << 24;
	cls = bits >> DD_CLASS_SHIFT & DD_CLASS_MASK;
	/* a class is enabled through its class map (__dyndbg_classes), which is not carried */
	if (cls != DD_CLASS_DFLT)
		return xasprintf("pr_debug descriptor '%s' has dynamic debug class %u: its class map is not carried",
				 it->sym->name, cls);
	return NULL;
}

void dyndbg_check(struct objview *v)
{
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		struct item *fn = &v->items[i];

		if (fn->kind != IT_FUNC || !fn->selected || fn->refusal)
			continue;
		for (j = 0; j < fn->nrelas && !fn->refusal; j++) {
			const struct item *t = view_ref_target(v, fn, &fn->relas[j]);
			char *why;

			if (!t || !dyndbg_desc(t) || !(why = refusal(t)))
				continue;
			fn->refusal = xasprintf("function '%s': %s", fn->sym->name, why);
			free(why);
		}
	}
}
