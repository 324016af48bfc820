/* notrace.c - patch a changed notrace function through its callers, when they provably are all of them. */
#include "notrace.h"
#include "select.h"
#include "textsec.h"
#include "util.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

enum { HIT_NONE, HIT_ENTRY, HIT_INSIDE };

/*
 * Sections whose entries name an instruction of a function so that the
 * kernel can rewrite it in place (alternatives, paravirt, jump labels,
 * static calls, return/call/retpoline sites, lock prefixes, sealed endbr),
 * unwind through it (ORC) or fix up a fault or trap in it (exception and
 * bug tables). None of them is a way to call the function or hands its
 * address to anyone, so they do not count as callers.
 */
static const char *const bookkeeping[] = {
	".orc_unwind_ip", ".altinstructions", ".parainstructions", "__jump_table",
	".static_call_sites", ".return_sites", ".call_sites", ".retpoline_sites",
	".smp_locks", ".ibt_endbr_seal", "__ex_table", "__bug_table",
};

static bool is_bookkeeping(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(bookkeeping) / sizeof(bookkeeping[0]); i++)
		if (!strcmp(name, bookkeeping[i]))
			return true;
	return false;
}

/* Whether REF (an offset of section SHNDX) is T's entry, inside T or its .cold parts, or neither. */
static int hit(const struct objview *v, const struct item *t, unsigned int shndx, uint64_t ref)
{
	size_t i;

	if (shndx == t->sec->idx && ref >= t->sym->value && ref < t->sym->value + t->sym->size)
		return ref == t->sym->value ? HIT_ENTRY : HIT_INSIDE;
	for (i = 0; i < v->n; i++) {
		const struct item *c = &v->items[i];

		if (c->kind == IT_FUNC && c->cold && c->parent == t && shndx == c->sec->idx &&
		    ref >= c->sym->value && ref < c->sym->value + c->sym->size)
			return HIT_INSIDE;
	}
	return HIT_NONE;
}

static void add_unique(struct item ***list, size_t *n, size_t *cap, struct item *it)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*list)[i] == it)
			return;
	grow(list, cap, *n, sizeof(**list));
	(*list)[(*n)++] = it;
}

/*
 * Add to *CALLERS the functions of V whose call or jump reaches T's entry;
 * return why T is reached some other way (its address taken, a jump into
 * its code, a reference from data), or NULL.
 */
static char *scan(const struct objview *v, const struct item *t, struct item ***callers,
		  size_t *n, size_t *cap)
{
	const struct elfobj *o = v->o;
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		const struct item *fn = &v->items[i];
		struct item *owner = fn->cold && fn->parent ? fn->parent : (struct item *)fn;

		if (fn->kind != IT_FUNC || owner == t)
			continue;
		for (j = 0; j < fn->nrelas; j++) {
			const struct rela *r = &fn->relas[j];
			const struct symbol *sym = &o->syms[r->sym];
			const struct insn *in = code_map_find(&fn->map, r->off);
			int64_t delta = in && rela_pcrel(r->type) ?
					(int64_t)(in->off + in->len - r->off) : 0;
			int h;

			if (sym->shndx == SHN_UNDEF || sym->shndx >= o->nsecs)
				continue;
			h = hit(v, t, sym->shndx, (uint64_t)wrap_add(sym_plus_addend(sym, r), delta));
			if (h == HIT_NONE)
				continue;
			/* the branch target field, the last one of the instruction */
			if (h == HIT_ENTRY && in && in->branch && delta == (int64_t)rela_width(r->type)) {
				add_unique(callers, n, cap, owner);
				continue;
			}
			return h == HIT_ENTRY ?
			       xasprintf("its address is taken in '%s'", fn->sym->name) :
			       xasprintf("'%s' refers into its code", fn->sym->name);
		}
	}
	for (i = 0; i < o->nsecs; i++) {
		const struct section *s = &o->secs[i];

		/* not in the running kernel, or only where it rewrites or unwinds code */
		if (!(s->flags & SHF_ALLOC) || !strncmp(s->name, ".discard.", 9) ||
		    is_bookkeeping(s->name))
			continue;
		for (j = 0; j < s->nrelas; j++) {
			const struct rela *r = &s->relas[j];
			const struct symbol *sym = &o->syms[r->sym];
			const struct item *at;
			uint64_t ref;

			if (sym->shndx == SHN_UNDEF || sym->shndx >= o->nsecs)
				continue;
			at = s->flags & SHF_EXECINSTR ? view_item_at(v, s->idx, r->off) : NULL;
			if (at && at->kind == IT_FUNC)
				continue;	/* a function's: seen above */
			/* T's own .altinstr_aux test or alternative jumping back (textsec.c) */
			if ((s->flags & SHF_EXECINSTR) && textsec_piece_of(v, t, s, r->off))
				continue;
			ref = (uint64_t)sym_plus_addend(sym, r);
			/* code outside functions: a pc-relative field usually ends its instruction */
			if (hit(v, t, sym->shndx, ref) ||
			    ((s->flags & SHF_EXECINSTR) && rela_pcrel(r->type) &&
			     hit(v, t, sym->shndx, ref + rela_width(r->type))))
				return xasprintf("it is referenced from %s+0x%llx", s->name,
						 (unsigned long long)r->off);
		}
	}
	return NULL;
}

static void fail(struct item *t, char *why)
{
	t->refusal = xasprintf("function '%s' has no __fentry__ call (notrace) and cannot be patched through its callers: %s",
			       t->sym->name, why);
	free(why);
}

/* Select X, which calls notrace T, in T's place. */
static void take_caller(const struct objview *v, struct item *x, const struct item *t)
{
	size_t i;

	if (x->selected)
		return;
	x->selected = true;
	x->state = ST_CHANGED;
	x->why = xasprintf("redirected for notrace %s", t->sym->name);
	if (x->code_err)
		x->refusal = xasprintf("function '%s': %s", x->sym->name, x->code_err);
	else
		x->notrace = fentry_offset(v, x) < 0;
	for (i = 0; i < v->n; i++) {
		struct item *c = &v->items[i];

		if (c->kind == IT_FUNC && c->cold && c->parent == x) {
			c->selected = true;
			if (c->code_err && !c->refusal)
				c->refusal = xasprintf("function '%s': %s", c->sym->name,
						       c->code_err);
		}
	}
}

static void process(struct pair *p, struct item *t)
{
	struct item **oc = NULL, **callers = NULL;
	size_t no = 0, capo = 0, n = 0, cap = 0, i, j;
	char *why;

	t->nt_mark = 1;
	if (t->sym->bind != STB_LOCAL || !t->twin || t->twin->sym->bind != STB_LOCAL) {
		fail(t, xstrdup("it is not local, so objects not given may call it"));
		goto out;
	}
	why = scan(&p->vo, t->twin, &oc, &no, &capo);
	if (why) {
		fail(t, xasprintf("in OLD, %s", why));
		goto out;
	}
	/* the running callers, as NEW has them */
	for (i = 0; i < no; i++) {
		if (!oc[i]->twin) {
			fail(t, xasprintf("its caller '%s' is not in NEW", oc[i]->sym->name));
			goto out;
		}
		add_unique(&callers, &n, &cap, oc[i]->twin);
	}
	why = scan(&p->vn, t, &callers, &n, &cap);
	if (why) {
		fail(t, xasprintf("in NEW, %s", why));
		goto out;
	}
	if (!no) {
		fail(t, xstrdup("no function of OLD calls it, so there is nothing to redirect instead"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct item *x = callers[i];

		if (is_init_section(x->sec)) {
			fail(t, xasprintf("its caller '%s' is __init/__exit code", x->sym->name));
			goto out;
		}
		if (x->state == ST_NEW)
			continue;	/* only the patch calls it, and the copy of T */
		take_caller(&p->vn, x, t);
		if (x->refusal)
			continue;	/* refused with its own reason */
		if (!x->notrace) {
			add_unique(&t->through, &t->nthrough, &t->capthrough, x);
			continue;
		}
		if (x->nt_mark == 1) {
			fail(t, xasprintf("it and its caller '%s' are notrace and call each other",
					  x->sym->name));
			goto out;
		}
		if (!x->nt_mark)
			process(p, x);
		for (j = 0; j < x->nthrough; j++)
			add_unique(&t->through, &t->nthrough, &t->capthrough, x->through[j]);
	}
	for (i = 0; i < t->nthrough; i++)
		add_unique(&t->through[i]->covers, &t->through[i]->ncovers,
			   &t->through[i]->capcovers, t);
out:
	t->nt_mark = 2;
	free(oc);
	free(callers);
}

void notrace_redirect(struct pair *p)
{
	size_t i;

	for (i = 0; i < p->vn.n; i++) {
		struct item *t = &p->vn.items[i];

		if (t->kind == IT_FUNC && t->selected && t->notrace && !t->refusal && !t->nt_mark)
			process(p, t);
	}
}
