/* compare.c - decide which paired functions changed and which data changes cannot be patched. */
#include "compare.h"
#include "dyndbg.h"
#include "lineno.h"
#include "special.h"
#include "textsec.h"
#include "util.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

static void key_of(const struct objview *v, const struct rela *r, int64_t delta,
		   int depth, struct strbuf *sb);

/* Content of an item or anonymous range, relocation fields masked. */
static void content_key(const struct objview *v, const struct section *s,
			uint64_t start, uint64_t size, int depth, struct strbuf *sb)
{
	unsigned char *buf;
	size_t i;

	if (!s->data) {
		sb_printf(sb, "[bss %llu]", (unsigned long long)size);
		return;
	}
	if (start > s->size)
		start = s->size;
	if (size > s->size - start)
		size = s->size - start;
	buf = xcalloc(1, size);
	memcpy(buf, s->data + start, size);
	/* a pr_debug descriptor's line number is only shown, never acted on */
	if (!strcmp(s->name, "__dyndbg"))
		lineno_mask_dyndbg(buf, size);
	for (i = elfobj_rela_lower(s, start); i < s->nrelas && s->relas[i].off < start + size; i++) {
		const struct rela *r = &s->relas[i];
		uint64_t w = rela_width(r->type);

		if (!w)
			w = 4;
		memset(buf + (r->off - start), 0, r->off + w > start + size ?
		       start + size - r->off : w);
		sb_printf(sb, "@%llx:%u:", (unsigned long long)(r->off - start), r->type);
		if (depth < 2)
			key_of(v, r, 0, depth + 1, sb);
	}
	sb_printf(sb, "[");
	for (i = 0; i < size; i++)
		sb_printf(sb, "%02x", buf[i]);
	sb_printf(sb, "]");
	free(buf);
}

static bool is_rodata(const struct section *s)
{
	return (s->flags & SHF_ALLOC) && !(s->flags & (SHF_WRITE | SHF_EXECINSTR));
}

/*
 * What a relocation refers to, independent of layout: a symbol name with the
 * clone numbering removed, or for anonymous strings and read-only data the
 * referenced bytes themselves.
 */
static void key_of(const struct objview *v, const struct rela *r, int64_t delta,
		   int depth, struct strbuf *sb)
{
	const struct symbol *sym = &v->o->syms[r->sym];
	const struct section *s;
	struct item *it = NULL;
	int64_t a;
	uint64_t ref;

	if (sym->shndx == SHN_UNDEF) {
		sb_printf(sb, "u:%s%+lld", sym->name, (long long)r->addend);
		return;
	}
	if (sym->shndx >= v->o->nsecs) {
		sb_printf(sb, "abs:%s%+lld", sym->name, (long long)r->addend);
		return;
	}
	s = &v->o->secs[sym->shndx];
	a = sym_plus_addend(sym, r);
	ref = (uint64_t)wrap_add(a, delta);
	it = view_ref_item(v, sym, ref);
	if (it) {
		/* read-only local data and pr_debug descriptors are copied: their content counts */
		bool copied = (it->kind == IT_DATA && is_rodata(it->sec) &&
			       it->sym->bind == STB_LOCAL) || dyndbg_desc(it);
		char *tofree = NULL;
		const char *id = copied ? it->key : item_ident(v, it, &tofree);

		/*
		 * Inside read-only data (depth > 0), a pointer into the middle
		 * of a function is an entry of that function's own switch jump
		 * table: when its offset moves, that function changed and is
		 * replaced anyway, so the offset must not mark every user of
		 * the same .rodata section changed.
		 */
		if (depth > 0 && it->kind == IT_FUNC && a != (int64_t)it->sym->value) {
			sb_printf(sb, "f:%s+inner", id);
			free(tofree);
			return;
		}
		sb_printf(sb, "%c:%s%+lld", it->kind == IT_FUNC ? 'f' : 'd', id,
			  (long long)wrap_sub(a, (int64_t)it->sym->value));
		free(tofree);
		if (copied)
			content_key(v, it->sec, it->sym->value, it->sym->size, depth, sb);
		return;
	}
	if (s->flags & SHF_STRINGS && s->data && ref < s->size) {
		sb_printf(sb, "str%+lld:%.*s", (long long)wrap_sub(a, (int64_t)ref),
			  (int)strnlen((const char *)s->data + ref, s->size - ref),
			  (const char *)s->data + ref);
		return;
	}
	/* a piece of its function in a special text section: its code counts, not its place */
	if ((s->flags & SHF_EXECINSTR) && depth < 2) {
		uint64_t start, size;
		const char *err = textsec_piece(v->o, s, ref, &start, &size);

		if (!err) {
			sb_printf(sb, "piece:%s%+lld", s->name, (long long)wrap_sub(a, (int64_t)start));
			content_key(v, s, start, size, depth, sb);
			return;
		}
		free((char *)err);
	}
	sb_printf(sb, "sec:%s%+lld", s->name, (long long)a);
	if (is_rodata(s))
		content_key(v, s, 0, s->size, depth, sb);
}

/* Offset from a code relocation to the end of its instruction. */
static int64_t code_delta(const struct item *it, const struct rela *r)
{
	const struct insn *in = code_map_find(&it->map, r->off);

	if (!rela_pcrel(r->type))
		return 0;
	return in ? (int64_t)(in->off + in->len - r->off) : 0;
}

static void masked(const struct item *it, unsigned char *buf)
{
	uint64_t start = it->sym->value, size = it->sym->size;
	size_t i;

	memcpy(buf, it->sec->data + start, size);
	for (i = 0; i < it->nrelas; i++) {
		uint64_t o = it->relas[i].off - start, w = rela_width(it->relas[i].type);

		if (!w)
			w = 4;
		memset(buf + o, 0, o + w > size ? size - o : w);
	}
}

/* The first difference of masked code, or NULL (line-number arguments aside). */
static char *diff_code(const struct item *o, const struct objview *vn, const struct item *n)
{
	unsigned char *a, *b;
	char *why = NULL;
	uint64_t bad;

	if (!o->sec->data || !n->sec->data)
		return xstrdup("no code");
	if (o->sym->size != n->sym->size)
		return xasprintf("size %llu -> %llu bytes", (unsigned long long)o->sym->size,
				 (unsigned long long)n->sym->size);
	a = xcalloc(1, o->sym->size);
	b = xcalloc(1, n->sym->size);
	masked(o, a);
	masked(n, b);
	if (memcmp(a, b, o->sym->size) && !lineno_only_args(o, a, vn, n, b, &bad))
		why = xasprintf("code differs at +0x%llx", (unsigned long long)bad);
	free(a);
	free(b);
	return why;
}

/* The first relocation of O and N whose target differs, or NULL. */
static char *diff_relas(const struct objview *vo, const struct item *o,
			const struct objview *vn, const struct item *n)
{
	size_t i;

	if (o->nrelas != n->nrelas)
		return xasprintf("%zu -> %zu references", o->nrelas, n->nrelas);
	for (i = 0; i < o->nrelas; i++) {
		const struct rela *a = &o->relas[i], *b = &n->relas[i];
		struct strbuf ka = { 0 }, kb = { 0 };
		char *why = NULL;

		if (a->off - o->sym->value != b->off - n->sym->value || a->type != b->type)
			return xasprintf("reference at +0x%llx differs",
					 (unsigned long long)(b->off - n->sym->value));
		key_of(vo, a, code_delta(o, a), 0, &ka);
		key_of(vn, b, code_delta(n, b), 0, &kb);
		if (strcmp(ka.buf, kb.buf))
			why = xasprintf("reference at +0x%llx differs",
					(unsigned long long)(b->off - n->sym->value));
		sb_free(&ka);
		sb_free(&kb);
		if (why)
			return why;
	}
	return NULL;
}

bool compare_same_loose(const struct objview *vo, const struct item *o,
			const struct objview *vn, const struct item *n)
{
	char *why = diff_code(o, vn, n);
	bool same;

	if (!why)
		why = diff_relas(vo, o, vn, n);
	same = !why;
	free(why);
	return same;
}

/*
 * Append to the special key of the function owning each entry of the known
 * special sections of V: the entry's place in the function, its bytes with
 * relocation fields and line numbers masked, and what it refers to. A
 * changed exception handler, bug flag or jump label entry changes the
 * function even when its code does not.
 */
static void special_keys(struct objview *v)
{
	size_t si;

	for (si = 1; si < v->o->nsecs; si++) {
		const struct section *s = &v->o->secs[si];
		unsigned int line, es = special_entry_layout(v->k, s->name, &line);
		bool skip_start = special_start_follows_prev(s->name);
		uint64_t e;

		if (!es || !s->data || s->size % es)
			continue;
		for (e = 0; e < s->size; e += es) {
			size_t lo = elfobj_rela_lower(s, e), hi = elfobj_rela_lower(s, e + es), i;
			struct strbuf *sb;
			const struct symbol *sym;
			unsigned char *buf;
			struct item *it;
			uint64_t at;

			if (lo >= s->nrelas || s->relas[lo].off != e)
				continue;
			sym = &v->o->syms[s->relas[lo].sym];
			if (sym->shndx == SHN_UNDEF || sym->shndx >= v->o->nsecs)
				continue;
			at = (uint64_t)sym_plus_addend(sym, &s->relas[lo]);
			it = view_item_at(v, sym->shndx, at);
			if (!it || it->kind != IT_FUNC || (skip_start && at == it->sym->value))
				continue;
			sb = &it->spkey;
			sb_printf(sb, "%s@%llx:", s->name, (unsigned long long)(at - it->sym->value));
			buf = xcalloc(1, es);
			memcpy(buf, s->data + e, es);
			if (line && line + 2 <= es)
				memset(buf + line, 0, 2);
			for (i = lo; i < hi; i++) {
				const struct rela *r = &s->relas[i];
				const struct symbol *rs = &v->o->syms[r->sym];
				uint64_t t = (uint64_t)sym_plus_addend(rs, r);
				unsigned int w = rela_width(r->type);

				memset(buf + (r->off - e), 0, w && r->off + w <= e + es ? w : es - (r->off - e));
				sb_printf(sb, " %llx=", (unsigned long long)(r->off - e));
				if (rs->shndx == it->sym->shndx && t >= it->sym->value &&
				    t < it->sym->value + it->sym->size)
					sb_printf(sb, "here+%llx", (unsigned long long)(t - it->sym->value));
				else if (!strcmp(s->name, ".altinstructions") && r->off - e == 4 &&
					 rs->shndx < v->o->nsecs)
					/* the replacement code itself; its length is the last byte */
					content_key(v, &v->o->secs[rs->shndx], t, s->data[e + es - 1], 1, sb);
				else
					key_of(v, r, 0, 1, sb);
			}
			sb_printf(sb, " [");
			for (i = 0; i < es; i++)
				sb_printf(sb, "%02x", buf[i]);
			sb_printf(sb, "]\n");
			free(buf);
		}
	}
}

static bool same_data(const struct objview *vo, const struct item *o,
		      const struct objview *vn, const struct item *n)
{
	struct strbuf ka = { 0 }, kb = { 0 };
	bool eq;

	if ((o->sec->data == NULL) != (n->sec->data == NULL))
		return false;
	content_key(vo, o->sec, o->sym->value, o->sym->size, 0, &ka);
	content_key(vn, n->sec, n->sym->value, n->sym->size, 0, &kb);
	eq = !strcmp(ka.buf, kb.buf);
	sb_free(&ka);
	sb_free(&kb);
	return eq;
}

void compare_views(struct objview *old, struct objview *new)
{
	size_t i;

	special_keys(old);
	special_keys(new);
	for (i = 0; i < new->n; i++) {
		struct item *n = &new->items[i], *o = n->twin;

		if (!o) {
			n->state = ST_NEW;
			n->why = xstrdup(n->twin_ambiguous ? "several candidates of the same name in OLD" :
					 "not in OLD");
			continue;
		}
		if (n->kind == IT_FUNC) {
			n->why = diff_code(o, new, n);
			if (!n->why)
				n->why = diff_relas(old, o, new, n);
			if (!n->why && strcmp(o->spkey.buf ? o->spkey.buf : "",
					      n->spkey.buf ? n->spkey.buf : ""))
				n->why = xstrdup("special-section entries differ");
			n->state = n->why ? ST_CHANGED : ST_UNCHANGED;
			continue;
		}
		/* read-only data and descriptors are copied into the patch when used; no refusal */
		if ((!(n->sec->flags & SHF_WRITE) && !(o->sec->flags & SHF_WRITE)) ||
		    (dyndbg_desc(n) && dyndbg_desc(o))) {
			n->state = ST_UNCHANGED;
			continue;
		}
		if (o->sym->size != n->sym->size) {
			n->state = ST_CHANGED;
			n->refusal = xasprintf("size of data '%s' changed (%llu -> %llu bytes)",
					       n->sym->name, (unsigned long long)o->sym->size,
					       (unsigned long long)n->sym->size);
		} else if (!same_data(old, o, new, n)) {
			n->state = ST_CHANGED;
			n->refusal = xasprintf("initial value of data '%s' changed",
					       n->sym->name);
		}
	}
}
