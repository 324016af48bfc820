/* correlate.c - collect functions and data objects and pair old/new ones by name or by use. */
#include "compare.h"
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
	size_t len = strlen(name), i = len;

	/*
	 * BTF_ID() names end in __<counter><line> (include/linux/btf_ids.h);
	 * the name before it is what resolve_btfids acts on.
	 */
	while (i > 0 && isdigit((unsigned char)name[i - 1]))
		i--;
	if (!strncmp(name, "__BTF_ID__", 10) && i < len && i > 12 &&
	    !strncmp(name + i - 2, "__", 2)) {
		memcpy(out, name, i - 2);
		return out;
	}
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

/*
 * Writable local data named NAME.N: a function's static variable, which
 * the compiler numbers across the whole file. Read-only ones (__func__.3,
 * CSWTCH.12) are copied into the patch by content and need no pairing.
 */
static bool is_numbered_static(const struct elfobj *o, const struct symbol *s)
{
	const char *dot = strrchr(s->name, '.');

	if (s->type != STT_OBJECT || s->bind != STB_LOCAL || !dot || dot == s->name ||
	    !dot[1] || !(o->secs[s->shndx].flags & SHF_WRITE))
		return false;
	for (dot++; *dot; dot++)
		if (!isdigit((unsigned char)*dot))
			return false;
	return true;
}

void view_build(struct objview *v, struct elfobj *o, const struct kinfo *k)
{
	size_t i, cap = 0;

	v->o = o;
	v->k = k;
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
		it->numbered = is_numbered_static(o, s);
		/* __UNIQUE_ID_ddebug123.4: the __COUNTER__ shifts like the number */
		if (it->numbered && !strncmp(it->key, "__UNIQUE_ID_", 12)) {
			size_t l = strlen(it->key);

			while (l > 12 && isdigit((unsigned char)it->key[l - 1]))
				it->key[--l] = 0;
		}
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

		if (x->kind != it->kind || x->numbered)
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

		if (x->kind == it->kind && !x->twin && !x->numbered &&
		    !strcmp(bykey ? x->key : x->sym->name,
			    bykey ? it->key : it->sym->name))
			return x;
	}
	return NULL;
}

static void pair(struct item *a, struct item *b)
{
	a->twin = b;
	b->twin = a;
}

static size_t count_key(const struct objview *v, const struct item *it)
{
	size_t i, n = 0;

	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == it->kind && !v->items[i].numbered &&
		    !strcmp(v->items[i].key, it->key))
			n++;
	return n;
}

/* The one unpaired function of V with IT's key and the same code as IT, or NULL. */
static struct item *same_code_match(const struct objview *v, const struct objview *vit,
				    const struct item *it)
{
	struct item *found = NULL;
	size_t i;

	for (i = 0; i < v->n; i++) {
		struct item *x = &v->items[i];

		if (x->kind != IT_FUNC || x->twin || strcmp(x->key, it->key))
			continue;
		if (v->is_new ? compare_same_loose(vit, it, v, x) : compare_same_loose(v, x, vit, it)) {
			if (found)
				return NULL;
			found = x;
		}
	}
	return found;
}

struct item *view_ref_target(const struct objview *v, const struct item *fn,
			     const struct rela *r)
{
	const struct symbol *sym = &v->o->syms[r->sym];
	struct item *it = NULL;
	int64_t delta = 0;

	if (sym->shndx == SHN_UNDEF || sym->shndx >= v->o->nsecs)
		return NULL;
	if (sym->type == STT_FUNC || sym->type == STT_OBJECT)
		it = view_item_of_sym(v, sym);
	if (!it) {
		const struct insn *in = code_map_find(&fn->map, r->off);

		if (in && rela_pcrel(r->type))
			delta = (int64_t)(in->off + in->len - r->off);
		it = view_ref_item(v, sym, (uint64_t)wrap_add(sym_plus_addend(sym, r), delta));
	}
	return it;
}

char *item_owner_names(const struct item *st)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < st->nowners; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", st->owners[i]->sym->name);
	if (!st->nowners)
		sb_printf(&sb, "no function");
	return sb.buf;
}

static void add_owner(struct item *st, struct item *fn)
{
	size_t i;

	for (i = 0; i < st->nowners; i++)
		if (st->owners[i] == fn)
			return;
	grow(&st->owners, &st->capowners, st->nowners, sizeof(*st->owners));
	st->owners[st->nowners++] = fn;
}

/*
 * The functions referring to each numbered static local of V, by the
 * relocations of their code; a .cold part refers for its function.
 * Special-section entries and other data do not make an owner.
 */
static void find_owners(struct objview *v)
{
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		struct item *fn = &v->items[i];

		if (fn->kind != IT_FUNC)
			continue;
		for (j = 0; j < fn->nrelas; j++) {
			struct item *t;

			if (fn->relas[j].synthetic)
				continue;
			t = view_ref_target(v, fn, &fn->relas[j]);
			if (t && t->numbered)
				add_owner(t, fn->cold && fn->parent ? fn->parent : fn);
		}
	}
}

/*
 * Whether statics A and B have the same owners; with MAP, A is of NEW and B
 * of OLD and A's owners are taken through their twins.
 */
static bool same_owners(const struct item *a, const struct item *b, bool map)
{
	size_t i, j;

	if (a->nowners != b->nowners || !a->nowners)
		return false;
	for (i = 0; i < a->nowners; i++) {
		const struct item *want = map ? a->owners[i]->twin : a->owners[i];
		bool found = false;

		for (j = 0; want && j < b->nowners && !found; j++)
			found = b->owners[j] == want;
		if (!found)
			return false;
	}
	return true;
}

/* Where FN, then its .cold parts, first refers to ST. */
static uint64_t first_ref(const struct objview *v, const struct item *fn, const struct item *st)
{
	uint64_t best = UINT64_MAX;
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		const struct item *f = &v->items[i];
		uint64_t base = f == fn ? 0 : (uint64_t)(i + 1) << 32;

		if (f->kind != IT_FUNC || (f != fn && !(f->cold && f->parent == fn)))
			continue;
		for (j = 0; j < f->nrelas; j++) {
			uint64_t at = base + f->relas[j].off - f->sym->value;

			if (!f->relas[j].synthetic && at < best &&
			    view_ref_target(v, f, &f->relas[j]) == st)
				best = at;
		}
	}
	return best;
}

struct ranked {
	struct item *it;
	uint64_t pos;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static unsigned long long static_number(const struct item *it)
{
	return strtoull(strrchr(it->sym->name, '.') + 1, NULL, 10);
}

/*
 * Pair the N new statics GN with the N old statics GO, all used by the same
 * functions, by the order of their first use in LEAD (NEW) and its twin. The
 * compiler numbers statics in source order (or its reverse): when the
 * numbers do not follow the same order on both sides, the statics moved:
 * return why, pairing nothing.
 */
static const char *pair_ranked(const struct objview *old, const struct objview *new,
			       const struct item *lead, struct ranked *gn, struct ranked *go,
			       size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		gn[i].pos = first_ref(new, lead, gn[i].it);
		go[i].pos = first_ref(old, lead->twin, go[i].it);
	}
	qsort(gn, n, sizeof(*gn), ranked_cmp);
	qsort(go, n, sizeof(*go), ranked_cmp);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if ((static_number(gn[i].it) < static_number(gn[j].it)) !=
			    (static_number(go[i].it) < static_number(go[j].it)))
				return "their order changed";
	for (i = 0; i < n; i++)
		pair(gn[i].it, go[i].it);
	return NULL;
}

static void static_refusal(struct item *it, const char *why)
{
	char *owners = item_owner_names(it);

	it->twin_ambiguous = true;
	it->pair_err = xasprintf("static local '%s' (in %s): cannot tell which static of the running kernel it is (%s)",
				 it->sym->name, owners, why);
	free(owners);
}

/*
 * Numbered static locals pair by owner: the statics of one base name used
 * by exactly the same (paired) functions pair in the order of their first
 * use, when both sides have as many. A static left over is new (a fresh
 * copy goes into the patch) when OLD has no unpaired static of its base
 * name left, and otherwise cannot be told apart (pair_err): never by its
 * name, whose number is shifted by any static added above it.
 */
static void pair_statics(struct objview *old, struct objview *new)
{
	bool *done = xcalloc(new->n ? new->n : 1, sizeof(*done));
	struct ranked *gn = NULL, *go = NULL;
	size_t capn = 0, capo = 0, i, j;

	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i];
		size_t nn = 0, no = 0;
		const char *err;
		char *why = NULL;

		if (!it->numbered || done[i] || !it->nowners)
			continue;
		for (j = i; j < new->n; j++) {
			struct item *x = &new->items[j];

			if (!x->numbered || strcmp(x->key, it->key) || !same_owners(x, it, false))
				continue;
			done[j] = true;
			grow(&gn, &capn, nn, sizeof(*gn));
			gn[nn++] = (struct ranked){ x, 0 };
		}
		for (j = 0; j < old->n; j++) {
			struct item *x = &old->items[j];

			if (!x->numbered || x->twin || strcmp(x->key, it->key) ||
			    !same_owners(it, x, true))
				continue;
			grow(&go, &capo, no, sizeof(*go));
			go[no++] = (struct ranked){ x, 0 };
		}
		if (!no)
			continue;
		if (nn != no)
			why = xasprintf("%zu named %s there before, %zu now", no, it->key, nn);
		else if ((err = pair_ranked(old, new, it->owners[0], gn, go, nn)))
			why = xstrdup(err);
		for (j = 0; why && j < nn; j++)
			static_refusal(gn[j].it, why);
		free(why);
	}
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i];

		if (!it->numbered || it->twin || it->pair_err)
			continue;
		for (j = 0; j < old->n; j++) {
			const struct item *x = &old->items[j];

			if (x->numbered && !x->twin && !strcmp(x->key, it->key)) {
				char *why = xasprintf("no static of OLD is used by the same functions, and OLD's '%s' is left over",
						      x->sym->name);

				static_refusal(it, why);
				free(why);
				break;
			}
		}
	}
	free(gn);
	free(go);
	free(done);
}

/*
 * Exact names that are unique on both sides pair first, except numbered
 * clones whose normalised name is shared: their numbers may have moved
 * (foo.constprop.0 and foo.constprop.1 swap), so they pair by identical
 * code, one to one. What is left pairs by normalised name when exactly one
 * candidate remains on each side, so a renumbered clone (foo.isra.0 ->
 * foo.isra.1) still finds its old self. The rest is new (and an old
 * function nobody pairs with is simply left alone). Numbered static locals
 * pair last, by the functions that use them (pair_statics).
 */
void correlate(struct objview *old, struct objview *new)
{
	size_t i;

	old->is_new = false;
	new->is_new = true;
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i], *t;

		if (it->numbered || count_name(new, it, false) != 1 ||
		    count_name(old, it, false) != 1)
			continue;
		if (it->kind == IT_FUNC && strcmp(it->key, it->sym->name) &&
		    (count_key(new, it) > 1 || count_key(old, it) > 1))
			continue;
		t = find_unpaired(old, it, false);
		if (t)
			pair(it, t);
	}
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i], *t;

		if (it->twin || it->kind != IT_FUNC)
			continue;
		t = same_code_match(old, new, it);
		if (t && same_code_match(new, old, t) == it)
			pair(it, t);
	}
	for (i = 0; i < new->n; i++) {
		struct item *it = &new->items[i], *t;
		size_t nn, no;

		if (it->twin || it->numbered)
			continue;
		nn = count_name(new, it, true);
		no = count_name(old, it, true);
		if (nn == 1 && no == 1) {
			t = find_unpaired(old, it, true);
			pair(it, t);
		} else if (no > 0) {
			it->twin_ambiguous = true;
		}
	}
	find_owners(old);
	find_owners(new);
	pair_statics(old, new);
	old->paired = true;
	new->paired = true;
}

const char *item_ident(const struct objview *v, const struct item *it, char **tofree)
{
	*tofree = NULL;
	if (!v->paired)
		return it->key;
	if (!v->is_new)
		return it->sym->name;
	if (it->twin)
		return it->twin->sym->name;
	*tofree = xasprintf("new:%s", it->sym->name);
	return *tofree;
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

/*
 * The data object of section SHNDX whose last byte is just below OFF, when
 * nothing anonymous follows it there: no relocation between OFF and the
 * next object (a switch's jump table has no symbol, but entries pointing
 * into code). NULL otherwise.
 */
static struct item *data_ending_at(const struct objview *v, unsigned int shndx, uint64_t off)
{
	const struct section *s = &v->o->secs[shndx];
	struct item *found = NULL;
	uint64_t next = s->size;
	size_t i;

	for (i = 0; i < v->n && v->items[i].sym->shndx <= shndx; i++) {
		struct item *it = &v->items[i];

		if (it->sym->shndx != shndx)
			continue;
		if (it->kind == IT_DATA && it->sym->size && it->sym->value + it->sym->size == off)
			found = it;
		if (it->sym->value >= off && it->sym->value < next)
			next = it->sym->value;
	}
	i = elfobj_rela_lower(s, off);
	if (found && i < s->nrelas && s->relas[i].off < next)
		return NULL;
	return found;
}

struct item *view_ref_item(const struct objview *v, const struct symbol *sym, uint64_t ref)
{
	struct item *it = NULL;

	if (sym->shndx == SHN_UNDEF || sym->shndx >= v->o->nsecs)
		return NULL;
	if (sym->type == STT_FUNC || sym->type == STT_OBJECT)
		it = view_item_of_sym(v, sym);
	if (!it)
		it = view_item_at(v, sym->shndx, ref);
	/*
	 * Nothing there: a pointer one past an array (a loop bound, offsets+N),
	 * which the assembler turns into a reference to the section. It is
	 * that array's end, never the section's bytes (whose name and layout
	 * shift with every static of the file).
	 */
	if (!it)
		it = data_ending_at(v, sym->shndx, ref);
	return it;
}

struct item *view_item_of_sym(const struct objview *v, const struct symbol *s)
{
	return v->bysym[s->idx];
}
