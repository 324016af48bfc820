/* correlate.c - collect functions and data objects and pair old/new ones by name. */
#include "correlate.h"
#include "util.h"

#include <ctype.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

char *normalize_name(const char *name)
{
	char *out = xcalloc(1, strlen(name) + 1), *o = out;
	const char *p = name, *dot;

	dot = strchr(p, '.');
	if (!dot || dot == p) {
		strcpy(out, name);
		return out;
	}
	memcpy(o, p, (size_t)(dot - p));
	o += dot - p;
	p = dot;
	while (*p == '.') {
		const char *q = p + 1;
		size_t len;
		bool digits = true;

		while (*q && *q != '.')
			q++;
		len = (size_t)(q - p - 1);
		for (size_t i = 0; i < len; i++)
			if (!isdigit((unsigned char)p[1 + i]))
				digits = false;
		if (!digits || !len) {
			memcpy(o, p, len + 1);
			o += len + 1;
		}
		p = q;
	}
	*o = 0;
	return out;
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->sym->shndx != y->sym->shndx)
		return x->sym->shndx < y->sym->shndx ? -1 : 1;
	if (x->sym->value != y->sym->value)
		return x->sym->value < y->sym->value ? -1 : 1;
	return x->sym->idx < y->sym->idx ? -1 : x->sym->idx > y->sym->idx;
}

static int rela_cmp(const void *a, const void *b)
{
	const struct rela *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Decode a function and gather its real and synthetic relocations. */
static void load_code(struct objview *v, struct item *it)
{
	const struct section *s = it->sec;
	uint64_t start = it->sym->value, end = start + it->sym->size;
	size_t i = elfobj_rela_lower(s, start), cap = 0;

	it->code_err = disasm_func(v->o, s, start, it->sym->size, &it->map,
				   &it->relas, &it->nrelas);
	cap = it->nrelas;
	for (; i < s->nrelas && s->relas[i].off < end; i++) {
		grow(&it->relas, &cap, it->nrelas, sizeof(*it->relas));
		it->relas[it->nrelas++] = s->relas[i];
	}
	if (it->nrelas > 1)
		qsort(it->relas, it->nrelas, sizeof(*it->relas), rela_cmp);
}

void view_build(struct objview *v, struct elfobj *o)
{
	size_t i, cap = 0;

	v->o = o;
	v->items = NULL;
	v->n = 0;
	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];
		struct item *it;

		if ((s->type != STT_FUNC && s->type != STT_OBJECT) ||
		    s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			continue;
		grow(&v->items, &cap, v->n, sizeof(*v->items));
		it = &v->items[v->n++];
		it->sym = s;
		it->sec = &o->secs[s->shndx];
		it->kind = s->type == STT_FUNC ? IT_FUNC : IT_DATA;
		it->key = normalize_name(s->name);
		it->cold = strstr(s->name, ".cold") != NULL;
	}
	if (v->n > 1)
		qsort(v->items, v->n, sizeof(*v->items), item_cmp);
	v->bysym = xcalloc(o->nsyms, sizeof(*v->bysym));
	for (i = 0; i < v->n; i++)
		v->bysym[v->items[i].sym->idx] = &v->items[i];
	for (i = 0; i < v->n; i++) {
		struct item *it = &v->items[i];

		if (it->kind == IT_FUNC)
			load_code(v, it);
		if (it->cold) {
			char *base = xstrdup(it->sym->name);

			*strstr(base, ".cold") = 0;
			for (size_t j = 0; j < v->n; j++)
				if (v->items[j].kind == IT_FUNC && !v->items[j].cold &&
				    !strcmp(v->items[j].sym->name, base))
					it->parent = &v->items[j];
			free(base);
		}
	}
}

static size_t count_name(const struct objview *v, const struct item *it, bool bykey)
{
	size_t i, n = 0;

	for (i = 0; i < v->n; i++) {
		const struct item *x = &v->items[i];

		if (x->kind != it->kind)
			continue;
		if (bykey ? !strcmp(x->key, it->key) && !x->twin :
			    !strcmp(x->sym->name, it->sym->name))
			n++;
	}
	return n;
}

static struct item *find_unpaired(const struct objview *v, const struct item *it, bool bykey)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		struct item *x = &v->items[i];

		if (x->kind == it->kind && !x->twin &&
		    !strcmp(bykey ? x->key : x->sym->name,
			    bykey ? it->key : it->sym->name))
			return x;
	}
	return NULL;
}

/*
 * Exact names that are unique on both sides pair first; what is left pairs
 * by normalised name when exactly one candidate remains on each side, so a
 * renumbered clone (foo.isra.0 -> foo.isra.1) still finds its old self.
 */
void correlate(struct objview *old, struct objview *new)
{
	size_t i;

	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i], *t;

		if (count_name(new, it, false) != 1 || count_name(old, it, false) != 1)
			continue;
		t = find_unpaired(old, it, false);
		if (t) {
			it->twin = t;
			t->twin = it;
		}
	}
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i], *t;
		size_t nn, no;

		if (it->twin)
			continue;
		nn = count_name(new, it, true);
		no = count_name(old, it, true);
		if (nn == 1 && no == 1) {
			t = find_unpaired(old, it, true);
			it->twin = t;
			t->twin = it;
		} else if (no > 0) {
			it->twin_ambiguous = true;
		}
	}
}

struct item *view_item_at(const struct objview *v, unsigned int shndx, uint64_t off)
{
	struct item *best = NULL;
	size_t lo = 0, hi = v->n, i;

	/* first item of the section */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v->items[mid].sym->shndx < shndx)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < v->n && v->items[i].sym->shndx == shndx; i++) {
		struct item *it = &v->items[i];
		uint64_t s = it->sym->value;

		if (s > off)
			break;
		if (off >= s && (off < s + it->sym->size || (!it->sym->size && off == s))) {
			/* prefer a function, then the first symbol */
			if (!best || (best->kind != IT_FUNC && it->kind == IT_FUNC))
				best = it;
		}
	}
	return best;
}

struct item *view_item_of_sym(const struct objview *v, const struct symbol *s)
{
	return v->bysym[s->idx];
}
