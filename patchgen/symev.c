/* symev.c - without the kernel's symbol list, record how klive.ko tells same-named vmlinux symbols apart. */
#include "symev.h"
#include "kinfo.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_code_or_data(const struct elfobj *o, const struct symbol *s)
{
	return s->shndx != SHN_UNDEF && s->shndx < o->nsecs &&
	       (s->type == STT_FUNC || s->type == STT_OBJECT);
}

static int by_value(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/*
 * The names of SELF's section's symbols in address order, as kallsyms
 * lists them; none when two share an address or one is empty (the
 * linker's order among them is not necessarily ours), as patchgen does
 * with a list.
 */
static void section_run(const struct elfobj *o, const struct symbol *self, struct psymev *ev)
{
	const struct symbol **syms = NULL;
	size_t cap = 0, n = 0, i;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];

		if (s->shndx == self->shndx && is_code_or_data(o, s)) {
			grow(&syms, &cap, n, sizeof(*syms));
			syms[n++] = s;
		}
	}
	qsort(syms, n, sizeof(*syms), by_value);
	for (i = 0; i < n; i++)
		if ((i && syms[i]->value == syms[i - 1]->value) || !syms[i]->size)
			n = 0;
	ev->run = xcalloc(n + 1, sizeof(*ev->run));
	for (i = 0; i < n; i++) {
		if (syms[i] == self)
			ev->self = i;
		ev->run[i] = xstrdup(syms[i]->name);
	}
	ev->nrun = n;
	free(syms);
}

/* The other symbols of SELF's object that the linker keeps in its area, each name once. */
static void neighbours(const struct elfobj *o, const struct symbol *self, struct psymev *ev)
{
	struct strmap *seen = strmap_new();
	size_t cap = 0, i;

	strmap_put(seen, self->name, (void *)1);
	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];

		if (!is_code_or_data(o, s) || strmap_get(seen, s->name) ||
		    !same_area(o->secs[s->shndx].name, o->secs[self->shndx].name))
			continue;
		strmap_put(seen, s->name, (void *)1);
		grow(&ev->near, &cap, ev->nnear, sizeof(*ev->near));
		ev->near[ev->nnear++] = xstrdup(s->name);
	}
}

/* A print-once flag (DO_ONCE_LITE: .data.once, .data..once since 6.10). */
static bool print_once(const struct elfobj *o, const struct symbol *s)
{
	const char *sec = o->secs[s->shndx].name;

	return (!strcmp(sec, ".data.once") || !strcmp(sec, ".data..once")) &&
	       !strncmp(s->name, "__already_done.", 15);
}

/*
 * A fresh copy of print-once flag S: with a list, patchgen takes one when
 * the running kernel's flag cannot be told apart; klive.ko does the same.
 */
static const char *fresh_flag(struct builder *b, const struct elfobj *o, const struct symbol *s)
{
	const struct section *sec = &o->secs[s->shndx];
	char *label = new_label(b, xasprintf("%s.klive_fresh", s->name));
	struct chunk *c = plan_new_chunk(b->plan, label);

	c->section = ".data";
	c->flags = "aw";
	c->align = sec->align ? sec->align : 1;
	if (c->align > 64)
		c->align = 64;
	c->size = s->size;
	c->nobits = !sec->data;
	if (sec->data && s->value + s->size <= sec->size) {
		c->bytes = xcalloc(1, s->size ? s->size : 1);
		memcpy(c->bytes, sec->data + s->value, s->size);
	} else if (!c->nobits) {
		c->bytes = xcalloc(1, s->size ? s->size : 1);
	}
	return c->label;
}

/* Global names the patch leaves to klive.ko without a list (for one warning). */
struct globals {
	struct strbuf names;
	size_t n;
};

/* The evidence for NAME if an old object defines it as a local symbol (only one may). */
static void record(struct builder *b, struct strmap *done, const char *name,
		   struct globals *g)
{
	const struct elfobj *def = NULL;
	const struct symbol *self = NULL;
	const char *defpath = NULL;
	struct plan *plan = b->plan;
	struct psymev *ev;
	size_t i, j;

	if (strmap_get(done, name))
		return;
	strmap_put(done, name, (void *)1);
	for (i = 0; i < b->npairs; i++) {
		const struct elfobj *o = &b->pairs[i].old;

		for (j = 0; j < o->nsyms; j++) {
			if (!is_code_or_data(o, &o->syms[j]) || o->syms[j].bind != STB_LOCAL ||
			    strcmp(o->syms[j].name, name))
				continue;
			if (def && def != o) {
				refuse(b, b->pairs[i].oldpath,
				       xasprintf("local symbol '%s' is also defined in %s: without the kernel's symbol list (--system-map) klive.ko cannot tell which is which",
						 name, defpath));
				return;
			}
			def = o;
			defpath = b->pairs[i].oldpath;
			self = &o->syms[j];
		}
	}
	/*
	 * A symbol of another object: the patch knows nothing of its
	 * neighbours. A global one is unique in vmlinux but for a rare
	 * same-named static, which only a list's type letters tell apart.
	 */
	if (!self) {
		if (g->n++ < 4)
			sb_printf(&g->names, "%s'%s'", g->n > 1 ? ", " : "", name);
		return;
	}
	grow(&plan->symevs, &plan->capsymevs, plan->nsymevs, sizeof(*plan->symevs));
	ev = &plan->symevs[plan->nsymevs++];
	memset(ev, 0, sizeof(*ev));
	ev->name = xstrdup(name);
	ev->text = !!(def->secs[self->shndx].flags & SHF_EXECINSTR);
	section_run(def, self, ev);
	neighbours(def, self, ev);
	if (print_once(def, self))
		ev->fallback = fresh_flag(b, def, self);
}

void symev_record(struct builder *b)
{
	struct plan *plan = b->plan;
	struct strmap *done;
	struct globals g = { { 0 }, 0 };
	size_t i, j, n;

	if (!b->vmlinux || kinfo_sysmap_count(b->k, "") >= 0)
		return;
	done = strmap_new();
	for (i = 0; i < plan->nfuncs; i++) {
		if (!plan->funcs[i].sympos)
			record(b, done, plan->funcs[i].old_name, &g);
		for (j = 0; j < plan->funcs[i].npieces; j++)
			if (!plan->funcs[i].pieces[j].sympos)
				record(b, done, plan->funcs[i].pieces[j].name, &g);
	}
	/* fresh flags add chunks: only those before them have references */
	n = plan->nchunks;
	for (i = 0; i < n; i++)
		for (j = 0; j < plan->chunks[i]->nrelocs; j++) {
			const struct out_reloc *r = &plan->chunks[i]->relocs[j];

			if (r->kind == REF_KLIVE && !r->sympos)
				record(b, done, r->sym, &g);
		}
	/*
	 * kallsyms does not tell klive.ko a symbol's binding, so a global
	 * name a static of another object shares is ambiguous at load time.
	 */
	if (g.n > 4)
		sb_printf(&g.names, " and %zu more", g.n - 4);
	if (g.n)
		warnx_(b->k->kdir, "without the kernel's symbol list, klive.ko takes the global symbol%s %s only if %s the only one of that name in kallsyms: a static of the same name elsewhere makes it refuse the patch (--system-map tells them apart by type)",
		       g.n > 1 ? "s" : "", g.names.buf, g.n > 1 ? "each is" : "it is");
	sb_free(&g.names);
}

void symev_print(const struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nsymevs; i++) {
		const struct psymev *ev = &plan->symevs[i];

		printf("symev %s run %zu near %zu%s", ev->name, ev->nrun, ev->nnear,
		       ev->text ? " text" : "");
		if (ev->fallback)
			printf(" fresh %s", ev->fallback);
		printf("\n");
	}
}
