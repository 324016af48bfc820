/* codedata.c - data holding addresses inside replaced code goes with the new code, or the fix is refused. */
/*
 * A computed-goto table (static const void *t[] = { &&a, &&b }), a switch
 * jump table, any object with a pointer into the middle of a function: in
 * the running kernel its entries point into the OLD function. The new code
 * reaching the running instance would jump back into the old code with
 * the new function's stack frame. Whatever its name or section (.rodata,
 * .data.rel.ro on 6.12, .data), such an object is the new code's own: the
 * patch copies it and its relocations name the copy. The address of a
 * function's first byte is not "inside": it names the running function,
 * which the redirection sends to the new code.
 *
 * If unchanged code (which stays in place) or other data also refers to
 * the object, the running instance stays in use beside the copy: refused.
 */
#include "codedata.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The function whose code R points inside when that code is replaced, else NULL. */
static const struct item *inside_replaced(const struct objview *v, const struct rela *r)
{
	const struct symbol *sym = &v->o->syms[r->sym];
	const struct item *it;
	uint64_t ref;

	if (sym->shndx == SHN_UNDEF || sym->shndx >= v->o->nsecs)
		return NULL;
	ref = (uint64_t)sym_plus_addend(sym, r);
	it = view_ref_item(v, sym, ref);
	if (!it || it->kind != IT_FUNC || !it->selected)
		return NULL;
	if (!it->cold && ref == it->sym->value)
		return NULL;
	return it->cold && it->parent ? it->parent : it;
}

/* The data item R (in data) refers to, or NULL. */
static const struct item *data_target(const struct objview *v, const struct rela *r)
{
	const struct symbol *sym = &v->o->syms[r->sym];
	const struct item *it;

	if (sym->shndx == SHN_UNDEF || sym->shndx >= v->o->nsecs)
		return NULL;
	it = view_ref_item(v, sym, (uint64_t)sym_plus_addend(sym, r));
	return it && it->kind == IT_DATA ? it : NULL;
}

/* The relocations of S inside data item IT: [*lo, *hi). */
static void item_relas(const struct item *it, size_t *lo, size_t *hi)
{
	*lo = elfobj_rela_lower(it->sec, it->sym->value);
	*hi = elfobj_rela_lower(it->sec, it->sym->value + it->sym->size);
}

/* Mark IT if it points inside replaced code or at a marked object; true if newly marked. */
static bool mark(const struct objview *v, struct item *it)
{
	size_t lo, hi, i;

	if (it->into || !(it->sec->flags & SHF_ALLOC) || (it->sec->flags & SHF_EXECINSTR))
		return false;
	item_relas(it, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct rela *r = &it->sec->relas[i];
		const struct item *t = inside_replaced(v, r);

		if (!t) {
			t = data_target(v, r);
			t = t && t != it ? t->into : NULL;
		}
		if (t) {
			it->into = t;
			return true;
		}
	}
	return false;
}

static void add_user(struct strbuf *sb, const char *kind, const char *name)
{
	sb_printf(sb, "%s%s '%s'", sb->len ? ", " : "", kind, name);
}

/* Who else may refer to marked IT: unchanged functions, unmarked data, other objects; or NULL. */
static char *other_users(const struct objview *v, const struct item *it)
{
	struct strbuf sb = { 0 };
	size_t i, j, lo, hi;

	for (i = 0; i < v->n; i++) {
		const struct item *u = &v->items[i];

		if (u->kind == IT_FUNC) {
			if (u->selected)
				continue;
			for (j = 0; j < u->nrelas; j++)
				if (!u->relas[j].synthetic && view_ref_target(v, u, &u->relas[j]) == it) {
					add_user(&sb, "unchanged function", u->sym->name);
					break;
				}
			continue;
		}
		if (u == it || u->into || !(u->sec->flags & SHF_ALLOC))
			continue;
		item_relas(u, &lo, &hi);
		for (j = lo; j < hi; j++)
			if (data_target(v, &u->sec->relas[j]) == it) {
				add_user(&sb, "data", u->sym->name);
				break;
			}
	}
	/* the running kernel's other objects may use a global one */
	if (it->sym->bind != STB_LOCAL && it->twin)
		sb_printf(&sb, "%sother objects (it is global)", sb.len ? ", " : "");
	return sb.buf;
}

void codedata_bind(struct objview *v)
{
	bool again = true;
	size_t i;

	/* an object pointing at a marked one is marked too, until nothing changes */
	while (again) {
		again = false;
		for (i = 0; i < v->n; i++)
			if (v->items[i].kind == IT_DATA && mark(v, &v->items[i]))
				again = true;
	}
	for (i = 0; i < v->n; i++) {
		struct item *it = &v->items[i];
		char *users;

		if (it->kind != IT_DATA || !it->into)
			continue;
		users = other_users(v, it);
		/*
		 * The copy is the new code's alone: a changed initial value or
		 * size concerns only it, and which running static it would be
		 * no longer matters.
		 */
		free((void *)it->refusal);
		it->refusal = NULL;
		if (users)
			it->refusal = xasprintf("data '%s' holds addresses inside changed function '%s' and is also used by %s, which would keep using the running copy (pointing into the old code)",
						it->sym->name, it->into->sym->name, users);
		free(users);
	}
}

void codedata_print(const struct objview *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == IT_DATA && v->items[i].into && !v->items[i].refusal)
			printf("copied %s (holds addresses inside %s)\n", v->items[i].sym->name,
			       v->items[i].into->sym->name);
}
