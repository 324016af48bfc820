/* layout.c - refuse a fix that changes the layout of a type or the prototype of a function the running kernel keeps using. */
/*
 * The patch's code runs on objects that unchanged code allocated and
 * fills with the running kernel's layouts, and its redirected functions
 * are still called by unchanged code the old way. So every type the copied
 * code can reach (its variables, parameters, inlined code, the variables it
 * refers to, through pointers and members) must have the same layout in
 * OLD and NEW, and every changed function the same prototype. The DWARF of
 * both objects tells; libdwfl applies the relocations of a .o's
 * .debug_info. A type only NEW has is new code's own and fine.
 */
#include "layout.h"
#include "kinfo.h"
#include "util.h"

#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 4	/* differences named in one refusal */
#define MAX_USERS 4	/* functions named in one refusal */
#define MAX_DEPTH 24	/* of a type's name and of nested anonymous members */

struct offs {
	Dwarf_Off *v;
	size_t n, cap;
};

/* The DWARF of one object, its CU-level names indexed. */
struct dw {
	Dwfl *dwfl;
	Dwarf *dbg;
	struct strmap *types;	/* "struct foo", "typedef foo_t" -> its definition (offset + 1) */
	struct strmap *declared;/* "struct foo" -> 1 for a CU-level declaration */
	struct strmap *toplevel;/* offset -> 1 for every CU-level type */
	struct strmap *funcs;	/* name -> struct offs, its subprograms */
	char **defs;		/* every key of types, in DWARF order */
	size_t ndefs, capdefs;
	struct strmap *vars;	/* name -> its variable (offset + 1) */
};

/* A type or variable the copied code uses, and which functions use it. */
struct use {
	char *key;		/* "struct foo", "variable 'bar'" */
	Dwarf_Off off;		/* NEW's definition */
	bool var;
	char **users;
	size_t nusers, capusers;
};

struct ctx {
	struct dw old, new;
	struct use *uses;
	size_t nuses, capuses;
	struct strmap *bykey;	/* key -> index + 1 */
	struct strmap *seen;	/* DIEs visited for the current function */
	const char *user;	/* "changed function foo" */
	struct offs work;	/* type DIEs still to visit */
};

static char **unchecked, **unchecked_why;
static size_t nunchecked, capunchecked, capwhy;

static char *offkey(Dwarf_Off off)
{
	return xasprintf("%" PRIx64, (uint64_t)off);
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
}

static bool type_of(Dwarf_Die *d, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(d, DW_AT_type, &a), out) != NULL;
}

static const char *kind_word(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return "struct";
	case DW_TAG_union_type: return "union";
	case DW_TAG_enumeration_type: return "enum";
	case DW_TAG_typedef: return "typedef";
	default: return NULL;
	}
}

static void offs_add(struct offs *o, Dwarf_Off off)
{
	grow(&o->v, &o->cap, o->n, sizeof(*o->v));
	o->v[o->n++] = off;
}

static void index_die(struct dw *d, Dwarf_Die *c)
{
	int tag = dwarf_tag(c);
	const char *name = die_name(c), *kind = kind_word(tag);
	Dwarf_Off off = dwarf_dieoffset(c);
	char *k;

	if (kind) {
		k = offkey(off);
		strmap_put(d->toplevel, k, (void *)1);
		free(k);
		if (!name)
			return;
		k = xasprintf("%s %s", kind, name);
		if (dwarf_hasattr(c, DW_AT_declaration)) {
			strmap_put(d->declared, k, (void *)1);
			free(k);
			return;
		}
		if (!strmap_get(d->types, k)) {
			strmap_put(d->types, k, (void *)(uintptr_t)(off + 1));
			grow(&d->defs, &d->capdefs, d->ndefs, sizeof(*d->defs));
			d->defs[d->ndefs++] = xstrdup(k);
		}
		free(k);
	} else if (tag == DW_TAG_subprogram && name) {
		struct offs *o = strmap_get(d->funcs, name);

		if (!o) {
			o = xcalloc(1, sizeof(*o));
			strmap_put(d->funcs, name, o);
		}
		offs_add(o, off);
	} else if (tag == DW_TAG_variable && name) {
		uintptr_t prev = (uintptr_t)strmap_get(d->vars, name);
		Dwarf_Die p;

		/* a definition wins over a declaration */
		if (!prev || (dwarf_offdie(d->dbg, prev - 1, &p) &&
			      dwarf_hasattr(&p, DW_AT_declaration) &&
			      !dwarf_hasattr(c, DW_AT_declaration)))
			strmap_put(d->vars, name, (void *)(uintptr_t)(off + 1));
	}
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool has_dwarf(const struct elfobj *o)
{
	size_t i;

	for (i = 0; i < o->nsecs; i++)
		if (o->secs[i].name && !strcmp(o->secs[i].name, ".debug_info"))
			return true;
	return false;
}

static void note_unchecked(const char *path, const char *why)
{
	size_t i;

	for (i = 0; i < nunchecked; i++)
		if (!strcmp(unchecked[i], path))
			return;
	grow(&unchecked, &capunchecked, nunchecked, sizeof(*unchecked));
	grow(&unchecked_why, &capwhy, nunchecked, sizeof(*unchecked_why));
	unchecked_why[nunchecked] = xstrdup(why);
	unchecked[nunchecked++] = xstrdup(path);
}

/*
 * PATH's layouts cannot be checked (WHY): a refusal, unless the user gave
 * --no-layout-check; then a warning, and the patch says so to klive.ko.
 */
static void unchecked_object(struct builder *b, const char *path, const char *why)
{
	if (!b->allow_unchecked_layouts) {
		refuse(b, path, xasprintf("%s: the layouts of the types the changed code uses cannot be checked; build the objects with debug info (CONFIG_DEBUG_INFO_DWARF*, not split), or give --no-layout-check to build the patch without this check",
					  why));
		return;
	}
	note_unchecked(path, why);
	b->plan->layouts_unchecked = true;
}

/* Read PATH's DWARF (relocated) and index it; without its types, why not. */
static const char *dw_open(struct dw *d, const struct elfobj *o, const char *path)
{
	Dwfl_Module *m;
	Dwarf_Addr bias;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, c;
	uint8_t unit_type;

	memset(d, 0, sizeof(*d));
	if (!has_dwarf(o))
		return "no DWARF";
	d->dwfl = dwfl_begin(&offline_callbacks);
	if (!d->dwfl)
		fatal(path, "cannot read its DWARF: %s", dwfl_errmsg(-1));
	m = dwfl_report_offline(d->dwfl, path, path, -1);
	dwfl_report_end(d->dwfl, NULL, NULL);
	d->dbg = m ? dwfl_module_getdwarf(m, &bias) : NULL;
	if (!d->dbg)
		fatal(path, "cannot read its DWARF: %s", dwfl_errmsg(-1));
	d->types = strmap_new();
	d->declared = strmap_new();
	d->toplevel = strmap_new();
	d->funcs = strmap_new();
	d->vars = strmap_new();
	while (!dwarf_get_units(d->dbg, cu, &cu, NULL, &unit_type, &cudie, NULL)) {
		/* -gsplit-dwarf: the types are in a .dwo file patchgen is not given */
		if (unit_type == DW_UT_skeleton)
			return "split DWARF (the types are in a .dwo file)";
		if (dwarf_child(&cudie, &c))
			continue;
		do
			index_die(d, &c);
		while (!dwarf_siblingof(&c, &c));
	}
	return NULL;
}

/* A type as a string: "struct foo *", "int[4]", "int (long, ...) *". */
static void tstr(Dwarf_Die *t, struct strbuf *sb, int depth)
{
	Dwarf_Die in, ch;
	const char *name = die_name(t), *kind;
	int tag = dwarf_tag(t);
	bool has = type_of(t, &in);

	if (depth > MAX_DEPTH) {
		sb_printf(sb, "...");
		return;
	}
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		sb_printf(sb, "%s", name ? name : "?");
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		kind = kind_word(tag);
		sb_printf(sb, "%s %s", kind, name ? name : "<anonymous>");
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		if (has)
			tstr(&in, sb, depth + 1);
		else
			sb_printf(sb, "void");
		sb_printf(sb, " *");
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_atomic_type:
		sb_printf(sb, "%s ", tag == DW_TAG_const_type ? "const" :
			  tag == DW_TAG_volatile_type ? "volatile" : "_Atomic");
		/* fall through */
	case DW_TAG_restrict_type:
		if (has)
			tstr(&in, sb, depth + 1);
		else
			sb_printf(sb, "void");
		return;
	case DW_TAG_array_type:
		if (has)
			tstr(&in, sb, depth + 1);
		if (dwarf_child(t, &ch))
			return;
		do {
			Dwarf_Attribute a;
			Dwarf_Word w;

			if (dwarf_tag(&ch) != DW_TAG_subrange_type)
				continue;
			if (!dwarf_formudata(dwarf_attr(&ch, DW_AT_count, &a), &w))
				sb_printf(sb, "[%" PRIu64 "]", (uint64_t)w);
			else if (!dwarf_formudata(dwarf_attr(&ch, DW_AT_upper_bound, &a), &w))
				sb_printf(sb, "[%" PRIu64 "]", (uint64_t)w + 1);
			else
				sb_printf(sb, "[]");
		} while (!dwarf_siblingof(&ch, &ch));
		return;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		if (has)
			tstr(&in, sb, depth + 1);
		else
			sb_printf(sb, "void");
		sb_printf(sb, " (");
		if (!dwarf_child(t, &ch)) {
			bool first = true;

			do {
				Dwarf_Die pt;

				if (dwarf_tag(&ch) == DW_TAG_unspecified_parameters) {
					sb_printf(sb, "%s...", first ? "" : ", ");
					first = false;
				} else if (dwarf_tag(&ch) == DW_TAG_formal_parameter) {
					sb_printf(sb, "%s", first ? "" : ", ");
					if (type_of(&ch, &pt))
						tstr(&pt, sb, depth + 1);
					else
						sb_printf(sb, "?");
					first = false;
				}
			} while (!dwarf_siblingof(&ch, &ch));
		}
		sb_printf(sb, ")");
		return;
	default:
		sb_printf(sb, "<tag 0x%x>", (unsigned int)tag);
	}
}

static char *type_string(Dwarf_Die *t)
{
	struct strbuf sb = { 0 };

	tstr(t, &sb, 0);
	return sb.buf;
}

/* ---- layouts of aggregates ---- */

struct mem {
	char *name;
	uint64_t bit, bits;	/* offset from the outer type's start; width if a bitfield */
	char *type;
};

struct mems {
	struct mem *v;
	size_t n, cap;
};

static bool udata(Dwarf_Die *d, unsigned int at, Dwarf_Word *w)
{
	Dwarf_Attribute a;

	return !dwarf_formudata(dwarf_attr(d, at, &a), w);
}

/* Bit offset of member M in its struct, from whichever form the compiler used. */
static uint64_t member_bit(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Word w, bitoff, bits, bytes;
	uint64_t bit = 0;

	if (udata(m, DW_AT_data_bit_offset, &w))
		return w;
	if (dwarf_attr(m, DW_AT_data_member_location, &a)) {
		Dwarf_Op *ops;
		size_t n;

		if (!dwarf_formudata(&a, &w))
			bit = w * 8;
		else if (!dwarf_getlocation(&a, &ops, &n) && n == 1 &&
			 ops[0].atom == DW_OP_plus_uconst)
			bit = ops[0].number * 8;
	}
	/* DWARF 2/3 bitfields count from the storage unit's most significant bit */
	if (udata(m, DW_AT_bit_offset, &bitoff) && udata(m, DW_AT_bit_size, &bits)) {
		Dwarf_Die t;

		if (!udata(m, DW_AT_byte_size, &bytes))
			bytes = type_of(m, &t) && dwarf_bytesize(&t) > 0 ? (Dwarf_Word)dwarf_bytesize(&t) : 0;
		bit += bytes * 8 - bitoff - bits;
	}
	return bit;
}

/* Strip const/volatile: the type an anonymous member's fields live in. */
static bool peel_cv(Dwarf_Die *t)
{
	while (dwarf_tag(t) == DW_TAG_const_type || dwarf_tag(t) == DW_TAG_volatile_type)
		if (!type_of(t, t))
			return false;
	return true;
}

static bool anon_aggregate(Dwarf_Die *t)
{
	int tag = dwarf_tag(t);

	return (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) && !die_name(t);
}

/*
 * The members of AGG, those of anonymous structs and unions inside it
 * inlined as C lets code name them (an anonymous type's members are part of
 * the outer layout, no other check sees them).
 */
static void flatten(Dwarf_Die *agg, const char *prefix, uint64_t base, struct mems *out, int depth)
{
	Dwarf_Die m;

	if (dwarf_child(agg, &m))
		return;
	do {
		const char *name;
		Dwarf_Die t, inner;
		Dwarf_Word bits = 0;
		uint64_t bit;
		struct mem *e;
		bool array = false;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		name = dwarf_diename(&m);
		bit = base + member_bit(&m);
		udata(&m, DW_AT_bit_size, &bits);
		if (type_of(&m, &t)) {
			inner = t;
			while (peel_cv(&inner) && dwarf_tag(&inner) == DW_TAG_array_type &&
			       type_of(&inner, &inner))
				array = true;
			if (peel_cv(&inner) && anon_aggregate(&inner) && depth < MAX_DEPTH) {
				char *p = name ? xasprintf("%s%s%s.", prefix, name, array ? "[]" : "") :
					  xstrdup(prefix);

				flatten(&inner, p, bit, out, depth + 1);
				free(p);
				if (!name)
					continue;
			}
		}
		grow(&out->v, &out->cap, out->n, sizeof(*out->v));
		e = &out->v[out->n++];
		e->name = name ? xasprintf("%s%s", prefix, name) :
			  xasprintf("%s(unnamed at bit %" PRIu64 ")", prefix, bit);
		e->bit = bit;
		e->bits = bits;
		e->type = type_of(&m, &t) ? type_string(&t) : xstrdup("?");
	} while (!dwarf_siblingof(&m, &m));
}

static const struct mem *find_mem(const struct mems *ms, const char *name)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (!strcmp(ms->v[i].name, name))
			return &ms->v[i];
	return NULL;
}

static void part(struct strbuf *sb, int *nparts, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add one difference to SB; past MAX_PARTS only "...". */
static void part(struct strbuf *sb, int *nparts, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (++*nparts > MAX_PARTS) {
		if (*nparts == MAX_PARTS + 1)
			sb_printf(sb, "; ...");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_printf(sb, "%s%s", *nparts > 1 ? "; " : "", buf);
}

static void where(char *buf, size_t len, const struct mem *m)
{
	if (m->bits || m->bit % 8)
		snprintf(buf, len, "bit %" PRIu64, m->bit);
	else
		snprintf(buf, len, "offset %" PRIu64, m->bit / 8);
}

/*
 * How the layout of aggregate N differs from O, or NULL when every member
 * sits where it did, as wide and of the same type (a renamed member is
 * still the same memory).
 */
static char *cmp_aggregate(Dwarf_Die *o, Dwarf_Die *n)
{
	struct mems mo = { 0 }, mn = { 0 };
	struct strbuf sb = { 0 };
	int so = dwarf_bytesize(o), sn = dwarf_bytesize(n), nparts = 0;
	bool same;
	size_t i;

	flatten(o, "", 0, &mo, 0);
	flatten(n, "", 0, &mn, 0);
	same = so == sn && mo.n == mn.n && dwarf_tag(o) == dwarf_tag(n);
	for (i = 0; same && i < mn.n; i++)
		same = mo.v[i].bit == mn.v[i].bit && mo.v[i].bits == mn.v[i].bits &&
		       !strcmp(mo.v[i].type, mn.v[i].type);
	if (same)
		return NULL;
	for (i = 0; i < mn.n; i++) {
		const struct mem *a = find_mem(&mo, mn.v[i].name), *b = &mn.v[i];
		char wa[48], wb[48];

		where(wb, sizeof(wb), b);
		if (!a) {
			part(&sb, &nparts, "member '%s' added at %s", b->name, wb);
			continue;
		}
		where(wa, sizeof(wa), a);
		if (strcmp(a->type, b->type))
			part(&sb, &nparts, "member '%s' changed type (%s -> %s)", b->name, a->type,
			     b->type);
		else if (a->bits != b->bits)
			part(&sb, &nparts, "member '%s' changed width (%" PRIu64 " -> %" PRIu64 " bits)",
			     b->name, a->bits, b->bits);
		else if (a->bit != b->bit)
			part(&sb, &nparts, "member '%s' moved from %s to %s", b->name, wa, wb);
	}
	for (i = 0; i < mo.n; i++)
		if (!find_mem(&mn, mo.v[i].name))
			part(&sb, &nparts, "member '%s' removed", mo.v[i].name);
	if (so != sn)
		part(&sb, &nparts, "size %d -> %d", so, sn);
	if (!nparts)
		part(&sb, &nparts, "members differ");
	return sb.buf;
}

/*
 * How enum N's values differ from O's, or NULL. A new constant is fine:
 * unchanged code never stores it, and the others keep their values.
 */
static char *cmp_enum(Dwarf_Die *o, Dwarf_Die *n)
{
	struct strbuf sb = { 0 };
	int nparts = 0;
	Dwarf_Die a, b;

	if (dwarf_bytesize(o) != dwarf_bytesize(n))
		part(&sb, &nparts, "size %d -> %d", dwarf_bytesize(o), dwarf_bytesize(n));
	if (dwarf_child(o, &a))
		return sb.buf;
	do {
		const char *name = dwarf_diename(&a);
		Dwarf_Attribute at;
		Dwarf_Sword va, vb;
		bool found = false;

		if (dwarf_tag(&a) != DW_TAG_enumerator || !name ||
		    dwarf_formsdata(dwarf_attr(&a, DW_AT_const_value, &at), &va))
			continue;
		if (!dwarf_child(n, &b)) {
			do {
				const char *nb = dwarf_diename(&b);

				if (dwarf_tag(&b) != DW_TAG_enumerator || !nb || strcmp(nb, name))
					continue;
				found = true;
				if (!dwarf_formsdata(dwarf_attr(&b, DW_AT_const_value, &at), &vb) &&
				    va != vb)
					part(&sb, &nparts, "'%s' %" PRId64 " -> %" PRId64, name,
					     (int64_t)va, (int64_t)vb);
				break;
			} while (!dwarf_siblingof(&b, &b));
		}
		if (!found)
			part(&sb, &nparts, "'%s' removed", name);
	} while (!dwarf_siblingof(&a, &a));
	return sb.buf;
}

/* ---- what the copied code uses ---- */

static bool first_visit(struct ctx *c, Dwarf_Die *d)
{
	char *k = offkey(dwarf_dieoffset(d));
	bool fresh = !strmap_get(c->seen, k);

	if (fresh)
		strmap_put(c->seen, k, (void *)1);
	free(k);
	return fresh;
}

static void add_use(struct ctx *c, const char *key, Dwarf_Off off, bool var)
{
	uintptr_t idx = (uintptr_t)strmap_get(c->bykey, key);
	struct use *u;

	if (!idx) {
		grow(&c->uses, &c->capuses, c->nuses, sizeof(*c->uses));
		u = &c->uses[c->nuses++];
		memset(u, 0, sizeof(*u));
		u->key = xstrdup(key);
		u->off = off;
		u->var = var;
		strmap_put(c->bykey, key, (void *)(uintptr_t)c->nuses);
	} else {
		u = &c->uses[idx - 1];
	}
	if (u->nusers && !strcmp(u->users[u->nusers - 1], c->user))
		return;
	grow(&u->users, &u->capusers, u->nusers, sizeof(*u->users));
	u->users[u->nusers++] = xstrdup(c->user);
}

static void push_type_of(struct ctx *c, Dwarf_Die *d)
{
	Dwarf_Die t;

	if (type_of(d, &t))
		offs_add(&c->work, dwarf_dieoffset(&t));
}

/* Visit every type reachable from the queued ones, recording the named CU-level ones. */
static void drain(struct ctx *c)
{
	while (c->work.n) {
		Dwarf_Die t, m;
		const char *name, *kind;
		char *k;
		int tag;
		bool top;

		if (!dwarf_offdie(c->new.dbg, c->work.v[--c->work.n], &t) || !first_visit(c, &t))
			continue;
		tag = dwarf_tag(&t);
		name = die_name(&t);
		kind = kind_word(tag);
		if (kind && name && dwarf_hasattr(&t, DW_AT_declaration)) {
			/* the definition, where this object has one */
			uintptr_t def;

			k = xasprintf("%s %s", kind, name);
			def = (uintptr_t)strmap_get(c->new.types, k);
			free(k);
			if (def)
				offs_add(&c->work, def - 1);
			continue;
		}
		k = offkey(dwarf_dieoffset(&t));
		top = strmap_get(c->new.toplevel, k);
		free(k);
		/* a type local to a function is that function's own */
		if (kind && name && top) {
			k = xasprintf("%s %s", kind, name);
			add_use(c, k, dwarf_dieoffset(&t), false);
			free(k);
		}
		switch (tag) {
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_subroutine_type:
			if (tag == DW_TAG_subroutine_type)
				push_type_of(c, &t);
			if (dwarf_child(&t, &m))
				break;
			do
				push_type_of(c, &m);
			while (!dwarf_siblingof(&m, &m));
			break;
		case DW_TAG_enumeration_type:
		case DW_TAG_base_type:
			break;
		default:	/* typedef, pointer, const, volatile, array, ... */
			push_type_of(c, &t);
		}
	}
}

/* D and everything inside it, and the abstract DIEs it is an instance of. */
static void walk(struct ctx *c, Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Die ch, org;

	if (!first_visit(c, d))
		return;
	push_type_of(c, d);
	if (dwarf_formref_die(dwarf_attr(d, DW_AT_abstract_origin, &a), &org))
		walk(c, &org);
	if (!dwarf_child(d, &ch)) {
		do
			walk(c, &ch);
		while (!dwarf_siblingof(&ch, &ch));
	}
}

/* foo.constprop.0 -> foo: a clone's DWARF is an instance of the source function. */
static char *source_name(const char *sym)
{
	char *s = xstrdup(sym), *dot = strchr(s, '.');

	if (dot && dot != s)
		*dot = 0;
	return s;
}

/* The variables function IT of V refers to, by relocation. */
static void walk_vars(struct ctx *c, const struct objview *v, const struct item *it)
{
	size_t i;

	for (i = 0; i < it->nrelas; i++) {
		const struct symbol *s = &v->o->syms[it->relas[i].sym];
		const char *name = s->name;
		const struct item *t;
		uintptr_t var;
		Dwarf_Die d;
		char *k;

		if (it->relas[i].synthetic || s->type == STT_FUNC)
			continue;
		if (s->type == STT_SECTION) {
			t = view_ref_target(v, it, &it->relas[i]);
			if (!t || t->kind != IT_DATA)
				continue;
			name = t->sym->name;
		}
		if (!name || !*name)
			continue;
		var = (uintptr_t)strmap_get(c->new.vars, name);
		if (!var || !dwarf_offdie(c->new.dbg, var - 1, &d))
			continue;
		k = xasprintf("variable '%s'", name);
		add_use(c, k, var - 1, true);
		free(k);
		push_type_of(c, &d);
	}
}

static void collect(struct ctx *c, const struct objview *v, const struct item *it)
{
	char *name = source_name(it->sym->name);
	struct offs *o = strmap_get(c->new.funcs, name);
	size_t i;

	c->seen = strmap_new();
	c->user = xasprintf("%s function %s", it->state == ST_NEW ? "new" : "changed",
			    it->sym->name);
	for (i = 0; o && i < o->n; i++) {
		Dwarf_Die d;

		if (dwarf_offdie(c->new.dbg, o->v[i], &d))
			walk(c, &d);
	}
	walk_vars(c, v, it);
	drain(c);
	free(name);
}

/* ---- verdicts ---- */

static char *users_of(const struct use *u)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < u->nusers && i < MAX_USERS; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", u->users[i]);
	if (u->nusers > MAX_USERS)
		sb_printf(&sb, " and %zu more", u->nusers - MAX_USERS);
	return sb.buf;
}

/* How the type named KEY differs between OLD's O and NEW's N, or NULL. */
static char *cmp_type(Dwarf_Die *o, Dwarf_Die *n)
{
	Dwarf_Die to, tn;
	char *so, *sn, *r = NULL;

	if (dwarf_tag(o) != dwarf_tag(n))
		return xstrdup("its kind changed");
	switch (dwarf_tag(n)) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return cmp_aggregate(o, n);
	case DW_TAG_enumeration_type:
		return cmp_enum(o, n);
	}
	/* a typedef: what it names, and an anonymous type's body */
	if (!type_of(o, &to) || !type_of(n, &tn))
		return type_of(o, &to) != type_of(n, &tn) ? xstrdup("what it names changed") : NULL;
	so = type_string(&to);
	sn = type_string(&tn);
	if (strcmp(so, sn))
		r = xasprintf("%s -> %s", so, sn);
	else if (peel_cv(&to) && peel_cv(&tn) && !die_name(&tn) && dwarf_tag(&to) == dwarf_tag(&tn))
		r = dwarf_tag(&tn) == DW_TAG_enumeration_type ? cmp_enum(&to, &tn) :
		    anon_aggregate(&tn) ? cmp_aggregate(&to, &tn) : NULL;
	free(so);
	free(sn);
	return r;
}

/*
 * Record OLD's layout of struct or union O (named NAME) in the plan, for
 * klive.ko to compare with the running kernel's BTF: its direct members,
 * as BTF lists them.
 */
static void record_layout(struct plan *plan, Dwarf_Die *o, const char *name, bool from_new)
{
	struct playout *l;
	Dwarf_Die m;
	size_t i, cap = 0;

	for (i = 0; i < plan->nlayouts; i++)
		if (!strcmp(plan->layouts[i].name, name))
			return;
	grow(&plan->layouts, &plan->caplayouts, plan->nlayouts, sizeof(*plan->layouts));
	l = &plan->layouts[plan->nlayouts++];
	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->from_new = from_new;
	l->is_union = dwarf_tag(o) == DW_TAG_union_type;
	l->size = dwarf_bytesize(o) > 0 ? (uint64_t)dwarf_bytesize(o) : 0;
	if (dwarf_child(o, &m))
		return;
	do {
		struct pmember *pm;
		Dwarf_Word bits = 0;
		const char *mn;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		grow(&l->members, &cap, l->nmembers, sizeof(*l->members));
		pm = &l->members[l->nmembers++];
		mn = dwarf_diename(&m);
		pm->name = mn ? xstrdup(mn) : NULL;
		pm->bit = member_bit(&m);
		udata(&m, DW_AT_bit_size, &bits);
		pm->bits = bits;
	} while (!dwarf_siblingof(&m, &m));
}

/*
 * A struct or union N of NEW that OLD does not define: the fix's own type,
 * or one OLD only declares (its layout is in other objects of the running
 * kernel) whose definition the fix made visible. Either way patchgen has
 * nothing to compare it with, so for vmlinux it records NEW's layout and
 * klive.ko compares it with the running kernel's BTF (a type BTF does not
 * have is the fix's own). Where klive.ko cannot (a module target, a kernel
 * without BTF), a type OLD declares is refused.
 */
static void undefined_in_old(struct builder *b, struct pair *p, struct ctx *c,
			     const struct use *u, Dwarf_Die *n)
{
	int tag = dwarf_tag(n);
	char *users;

	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
		return;
	if (b->vmlinux && b->k->btf) {
		record_layout(b->plan, n, die_name(n), true);
		return;
	}
	if (!strmap_get(c->old.declared, u->key))
		return;
	users = users_of(u);
	refuse(b, p->newpath, xasprintf("%s is only declared in OLD (its layout is in other objects of the running kernel), used by %s; %s, so nothing can compare NEW's layout with the running kernel's",
					u->key, users,
					b->vmlinux ? "the target kernel has no BTF (CONFIG_DEBUG_INFO_BTF)" :
						     "klive.ko checks module layouts only for vmlinux patches"));
	free(users);
}

static void judge(struct builder *b, struct pair *p, struct ctx *c, const struct use *u)
{
	Dwarf_Die o, n;
	uintptr_t old;
	char *diff, *users;

	if (!dwarf_offdie(c->new.dbg, u->off, &n))
		return;
	if (u->var) {
		const char *name = die_name(&n);
		Dwarf_Die to, tn;
		char *so, *sn;

		old = name ? (uintptr_t)strmap_get(c->old.vars, name) : 0;
		if (!old || !dwarf_offdie(c->old.dbg, old - 1, &o) || !type_of(&o, &to) ||
		    !type_of(&n, &tn))
			return;
		so = type_string(&to);
		sn = type_string(&tn);
		if (strcmp(so, sn)) {
			users = users_of(u);
			refuse(b, p->newpath, xasprintf("%s changed type (%s -> %s), used by %s; add data with shadow variables instead",
							u->key, so, sn, users));
			free(users);
		}
		free(so);
		free(sn);
		return;
	}
	old = (uintptr_t)strmap_get(c->old.types, u->key);
	if (!old || !dwarf_offdie(c->old.dbg, old - 1, &o)) {
		undefined_in_old(b, p, c, u, &n);
		return;
	}
	diff = cmp_type(&o, &n);
	if (!diff) {
		int tag = dwarf_tag(&o);

		if (b->vmlinux && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type))
			record_layout(b->plan, &o, die_name(&o), false);
		return;
	}
	users = users_of(u);
	if (dwarf_tag(&n) == DW_TAG_enumeration_type)
		refuse(b, p->newpath, xasprintf("%s changed values (%s), used by %s; unchanged code keeps the old values",
						u->key, diff, users));
	else
		refuse(b, p->newpath, xasprintf("%s changed layout (%s), used by %s; add data with shadow variables instead",
						u->key, diff, users));
	free(users);
	free(diff);
}

/* The source prototype of function NAME in D: "int (struct foo *, long)". */
static char *prototype(struct dw *d, const char *name)
{
	struct offs *o = strmap_get(d->funcs, name);
	Dwarf_Die best, x;
	bool have = false;
	size_t i;

	/* the DIE that names it itself: the abstract one or the only one */
	for (i = 0; o && i < o->n; i++) {
		if (!dwarf_offdie(d->dbg, o->v[i], &x) || !dwarf_diename(&x))
			continue;
		if (!have || (dwarf_hasattr(&best, DW_AT_declaration) &&
			      !dwarf_hasattr(&x, DW_AT_declaration)))
			best = x;
		have = true;
	}
	return have ? type_string(&best) : NULL;
}

/* Unchanged callers keep calling a redirected function as OLD declared it. */
static void check_prototypes(struct builder *b, struct pair *p, struct ctx *c)
{
	size_t i;

	for (i = 0; i < p->vn.n; i++) {
		const struct item *it = &p->vn.items[i];
		char *no, *nn, *po, *pn;

		/* a notrace one is called by the patch's copies only (notrace.c) */
		if (it->kind != IT_FUNC || !it->selected || it->cold || it->state != ST_CHANGED ||
		    !it->twin || it->notrace)
			continue;
		no = source_name(it->twin->sym->name);
		nn = source_name(it->sym->name);
		po = prototype(&c->old, no);
		pn = prototype(&c->new, nn);
		if (po && pn && strcmp(po, pn))
			refuse(b, p->newpath, xasprintf("function '%s' changed prototype (%s -> %s); unchanged callers still call it the old way",
							it->sym->name, po, pn));
		free(no);
		free(nn);
		free(po);
		free(pn);
	}
}

/*
 * Every other named type P's NEW object defines that OLD defines too:
 * a layout the fix changed reaches the running kernel even when no changed
 * or new function names the type (through the unchanged functions they
 * call, here or in other objects, which keep the old layout), so any change
 * is refused.
 */
static void check_all_types(struct builder *b, struct pair *p, struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->new.ndefs; i++) {
		const char *key = c->new.defs[i];
		uintptr_t o_off = (uintptr_t)strmap_get(c->old.types, key);
		uintptr_t n_off = (uintptr_t)strmap_get(c->new.types, key);
		Dwarf_Die o, n;
		char *diff;

		if (strmap_get(c->bykey, key) || !o_off ||
		    !dwarf_offdie(c->old.dbg, o_off - 1, &o) ||
		    !dwarf_offdie(c->new.dbg, n_off - 1, &n))
			continue;
		diff = cmp_type(&o, &n);
		if (!diff)
			continue;
		refuse(b, p->newpath, xasprintf("%s changed %s (%s), defined in this object though no changed or new function uses it: the unchanged code that does (here, or in other objects, reached through the functions the fix calls) keeps the old %s",
						key,
						dwarf_tag(&n) == DW_TAG_enumeration_type ? "values" : "layout",
						diff,
						dwarf_tag(&n) == DW_TAG_enumeration_type ? "values" : "layout"));
		free(diff);
	}
}

void layout_check(struct builder *b, struct pair *p)
{
	struct ctx c;
	size_t i;
	const char *why_old, *why_new;

	memset(&c, 0, sizeof(c));
	why_old = dw_open(&c.old, &p->old, p->oldpath);
	why_new = dw_open(&c.new, &p->new, p->newpath);
	if (why_old)
		unchecked_object(b, p->oldpath, why_old);
	/* one refusal for the pair */
	if (why_new && (!why_old || b->allow_unchecked_layouts))
		unchecked_object(b, p->newpath, why_new);
	if (why_old || why_new)
		goto out;
	c.bykey = strmap_new();
	for (i = 0; i < p->vn.n; i++) {
		const struct item *it = &p->vn.items[i];

		if (it->kind == IT_FUNC && it->selected && !it->cold)
			collect(&c, &p->vn, it);
	}
	for (i = 0; i < c.nuses; i++)
		judge(b, p, &c, &c.uses[i]);
	check_all_types(b, p, &c);
	check_prototypes(b, p, &c);
out:
	if (c.old.dwfl)
		dwfl_end(c.old.dwfl);
	if (c.new.dwfl)
		dwfl_end(c.new.dwfl);
}

void layout_warn_unchecked(void)
{
	size_t i;

	for (i = 0; i < nunchecked; i++)
		warnx_(unchecked[i], "%s, type layouts not checked (--no-layout-check)",
		       unchecked_why[i]);
}
