/* special.c - the special sections patchgen knows: carry the entries of copied code, refuse the ones it cannot carry, tell which code their sites let the kernel rewrite. */
#include "special.h"
#include "callbacks.h"
#include "util.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

enum field_kind {
	F_CODE,		/* points into the code the entry describes: the copy */
	F_OTHER,	/* anything else: resolved like any reference */
	F_KEY,		/* static key / static call key: must be exported or ours */
	F_REPL,		/* alternative replacement code */
};

enum action {
	A_CARRY,
	A_DROP,		/* left out on purpose (see table) */
	A_ORC,		/* .orc_unwind_ip with its parallel .orc_unwind */
};

struct field {
	unsigned int off;
	enum field_kind kind;
};

/* What the kernel may rewrite, at boot or module load, at the code an entry names. */
enum rewrite {
	RW_NONE,
	RW_INSN,	/* the whole instruction at the site */
	RW_BYTE,	/* one byte: a lock prefix, unlocked on a one-CPU machine */
	RW_ORIG,	/* an alternative's original instructions (u8 length, 2 bytes before the end) */
	RW_PARA,	/* a paravirt site (u8 length at offset 9) */
};

/*
 * Entry layouts, from arch/x86/include/asm and include/linux of 6.1/6.12,
 * one row per section (a new kernel's section is one more row). The first
 * field is the code the entry belongs to.
 */
struct special_desc {
	const char *name;
	unsigned int size;	/* 0: computed by entry_size() */
	enum action action;
	bool drop_unexported_key;	/* code works without the entry */
	unsigned int nfields;
	struct field fields[3];
	unsigned int line_field;	/* offset of a u16 source line, 0: none */
	/*
	 * Entries mark where a state starts and exist only where it changes
	 * (ORC): one at a function's first byte says how the code before it
	 * ended, not something of the function, whose entry state is the
	 * calling convention's.
	 */
	bool start_follows_prev;
	enum rewrite rewrite;
};

static const struct special_desc specials[] = {
	/* .altinstructions first: its replacements are code later tables refer to */
	{
		.name = ".altinstructions",
		.action = A_CARRY,
		.nfields = 2, .fields = { { 0, F_CODE }, { 4, F_REPL } },
		.rewrite = RW_ORIG,
	},
	/* the __fentry__ call: a NOP until ftrace uses it */
	{
		.name = "__mcount_loc",
		.size = 8,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_INSN,
	},
	{
		.name = "__ex_table",
		.size = 12,
		.action = A_CARRY,
		.nfields = 2, .fields = { { 0, F_CODE }, { 4, F_CODE } },
		.rewrite = RW_NONE,
	},
	/* struct bug_entry with relative pointers and DEBUG_BUGVERBOSE: the line at 8 */
	{
		.name = "__bug_table",
		.size = 12,
		.action = A_CARRY,
		.nfields = 2, .fields = { { 0, F_CODE }, { 4, F_OTHER } },
		.line_field = 8,
		.rewrite = RW_NONE,
	},
	{
		.name = ".return_sites",
		.size = 4,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_INSN,
	},
	{
		.name = ".retpoline_sites",
		.size = 4,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_INSN,
	},
	{
		.name = ".call_sites",
		.size = 4,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_INSN,
	},
	{
		.name = ".smp_locks",
		.size = 4,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_BYTE,
	},
	{
		.name = ".parainstructions",
		.size = 16,
		.action = A_CARRY,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_PARA,
	},
	/* a jump label without its entry would stay in its compiled state: refused */
	{
		.name = "__jump_table",
		.size = 16,
		.action = A_CARRY,
		.nfields = 3, .fields = { { 0, F_CODE }, { 4, F_CODE }, { 8, F_KEY } },
		.rewrite = RW_INSN,
	},
	/*
	 * Without its entry a static call keeps calling the trampoline, which
	 * follows the key: slower but right, so unexported keys are dropped.
	 */
	{
		.name = ".static_call_sites",
		.size = 8,
		.action = A_CARRY,
		.drop_unexported_key = true,
		.nfields = 2, .fields = { { 0, F_CODE }, { 4, F_KEY } },
		.rewrite = RW_INSN,
	},
	{
		.name = ".orc_unwind_ip",
		.size = 4,
		.action = A_ORC,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.start_follows_prev = true,
		.rewrite = RW_NONE,
	},
	/* sealing would remove the endbr64 the copy may need: keep it */
	{
		.name = ".ibt_endbr_seal",
		.size = 4,
		.action = A_DROP,
		.nfields = 1, .fields = { { 0, F_CODE } },
		.rewrite = RW_INSN,
	},
};

/* 6.12 runtime constants: one 4-byte pointer into the immediate it patches */
static const struct special_desc runtime_const = {
	.name = "runtime_",
	.size = 4,
	.action = A_DROP,
	.nfields = 1, .fields = { { 0, F_CODE } },
	.rewrite = RW_INSN,
};

/* Sections whose references to a function need nothing from the patch. */
static const char *const ordinary[] = {
	".data", ".rodata", ".bss", ".init.", ".exit.", ".ref.", ".meminit",
	"__ksymtab", "___ksymtab", ".export_symbol", "__kcrctab", ".discard.",
	".note", ".initcall", ".con_initcall", "__patchable_function_entries",
	"__param", ".orc_unwind", ".altinstr_replacement", ".comment",
	CALLBACKS_SECTION,	/* callbacks.c's */
};

static bool name_is(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

static unsigned int entry_size(const struct kinfo *k, const struct special_desc *d)
{
	if (d->size)
		return d->size;
	/* struct alt_instr grew a 32-bit ft_flags in 6.3 */
	return k->version > 6 || (k->version == 6 && k->patchlevel >= 3) ? 14 : 12;
}

unsigned int special_entry_layout(const struct kinfo *k, const char *name,
				  unsigned int *line_field)
{
	size_t d;

	*line_field = 0;
	for (d = 0; d < sizeof(specials) / sizeof(specials[0]); d++)
		if (!strcmp(specials[d].name, name)) {
			if (specials[d].action == A_DROP)
				return 0;
			*line_field = specials[d].line_field;
			return entry_size(k, &specials[d]);
		}
	return 0;
}

bool special_start_follows_prev(const char *name)
{
	size_t d;

	for (d = 0; d < sizeof(specials) / sizeof(specials[0]); d++)
		if (!strcmp(specials[d].name, name))
			return specials[d].start_follows_prev;
	return false;
}

static const struct field *field_at(const struct special_desc *d, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].off == off)
			return &d->fields[i];
	return NULL;
}

/* The copied code a relocation of a data section points into, or NULL. */
static const struct crange *target_code(const struct pair *p, const struct rela *r)
{
	const struct symbol *s = &p->new.syms[r->sym];

	if (s->shndx == SHN_UNDEF || s->shndx >= p->new.nsecs)
		return NULL;
	return find_code(p, s->shndx, s->value + (uint64_t)r->addend);
}

static const char *fn_name(const struct crange *c)
{
	return c->func ? c->func->sym->name : c->label;
}

/* The function an entry is listed under: a .cold part's entries go to its function. */
static const char *owner_name(const struct crange *c)
{
	return c->func && c->func->cold && c->func->parent ? c->func->parent->sym->name :
	       fn_name(c);
}

/* Whether the key of entry E of S is a symbol klive would have to resolve. */
static bool unexported_key(struct builder *b, struct pair *p, const struct special_desc *d,
			   const struct section *s, uint64_t e, unsigned int es)
{
	size_t i, hi = elfobj_rela_lower(s, e + es);

	for (i = elfobj_rela_lower(s, e); i < hi; i++) {
		const struct field *f = field_at(d, s->relas[i].off - e);
		struct out_reloc out;

		if (f && f->kind == F_KEY &&
		    !resolve_ref(b, p, &s->relas[i], 0, false, &out) && out.kind == REF_KLIVE)
			return true;
	}
	return false;
}

/* Name of the symbol the F_KEY field of entry E of S refers to, or NULL. */
static const char *key_symbol(const struct pair *p, const struct special_desc *d,
			      const struct section *s, uint64_t e, unsigned int es)
{
	size_t i, hi = elfobj_rela_lower(s, e + es);

	for (i = elfobj_rela_lower(s, e); i < hi; i++) {
		const struct field *f = field_at(d, s->relas[i].off - e);

		if (f && f->kind == F_KEY)
			return p->new.syms[s->relas[i].sym].name;
	}
	return NULL;
}

/* Section offset a code field at entry offset FOFF of entry E points to. */
static bool code_field(const struct pair *p, const struct section *s, uint64_t e,
		       unsigned int foff, uint64_t *at)
{
	size_t i = elfobj_rela_lower(s, e + foff);
	const struct symbol *sym;

	if (i >= s->nrelas || s->relas[i].off != e + foff)
		return false;
	sym = &p->new.syms[s->relas[i].sym];
	*at = sym->value + (uint64_t)s->relas[i].addend;
	return true;
}

/*
 * A jump label on a tracepoint whose key is not exported: the module loader
 * cannot apply its entry, so the copy takes the branch for good. With no
 * probe attached, the enabled path calls the tracepoint's iterator, which
 * finds no probe and returns: the same behaviour, a few cycles slower.
 * Any other unexported key keeps the refusal (its branch changes behaviour).
 */
static const char *force_tracepoint_on(struct builder *b, const struct pair *p,
				       const struct section *s, uint64_t e,
				       const struct crange *owner)
{
	static const unsigned char nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	static const unsigned char nop2[] = { 0x66, 0x90 };
	uint64_t site, target;
	struct chunk *c = NULL;
	unsigned char *code;
	int64_t rel;
	size_t i;

	if (!code_field(p, s, e, 0, &site) || !code_field(p, s, e, 4, &target) ||
	    site < owner->start || target < owner->start ||
	    site >= owner->start + owner->size || target > owner->start + owner->size)
		return "its branch target is outside the function";
	for (i = 0; i < b->plan->nchunks && !c; i++)
		if (!strcmp(b->plan->chunks[i]->label, owner->label))
			c = b->plan->chunks[i];
	if (!c || !c->bytes || site - owner->start + 5 > c->size)
		return "its code is not in the patch";
	code = c->bytes + (site - owner->start);
	if (code[0] == 0xe9 || code[0] == 0xeb)
		return NULL;	/* compiled as taken already */
	if (!memcmp(code, nop5, sizeof(nop5))) {
		rel = (int64_t)target - (int64_t)(site + 5);
		code[0] = 0xe9;
		code[1] = (unsigned char)rel;
		code[2] = (unsigned char)(rel >> 8);
		code[3] = (unsigned char)(rel >> 16);
		code[4] = (unsigned char)(rel >> 24);
		return NULL;
	}
	rel = (int64_t)target - (int64_t)(site + 2);
	if (!memcmp(code, nop2, sizeof(nop2)) && rel >= -128 && rel <= 127) {
		code[0] = 0xeb;
		code[1] = (unsigned char)rel;
		return NULL;
	}
	return "its site is not a jump label NOP";
}

/*
 * The symbol of a reference klive.ko writes (REF_KLIVE) into [lo, hi) of
 * the chunk LABEL, or NULL.
 */
static const char *klive_ref_in(const struct builder *b, const char *label, uint64_t lo,
				uint64_t hi)
{
	size_t i, r;

	for (i = 0; i < b->plan->nchunks; i++) {
		const struct chunk *c = b->plan->chunks[i];

		if (strcmp(c->label, label))
			continue;
		for (r = 0; r < c->nrelocs; r++)
			if (c->relocs[r].kind == REF_KLIVE && c->relocs[r].off < hi &&
			    c->relocs[r].off + rela_width(c->relocs[r].type) > lo)
				return c->relocs[r].sym;
	}
	return NULL;
}

/*
 * klive.ko writes its references at the patch module's init, after the
 * module loader applied alternatives: a reference inside an alternative's
 * original instruction would land in whatever replaced it, one inside its
 * replacement code would be written where it was copied from, never into
 * the live instruction. Such an alternative is refused.
 */
static const char *alt_klive_ref(const struct builder *b, const struct pair *p,
				 const struct section *s, uint64_t e, unsigned int es,
				 const struct crange *owner, const char *repl_label)
{
	unsigned int len = s->data[e + es - 2];
	uint64_t site;
	const char *sym;

	if (code_field(p, s, e, 0, &site) && site >= owner->start) {
		sym = klive_ref_in(b, owner->label, site - owner->start,
				   site - owner->start + len);
		if (sym)
			return sym;
	}
	return repl_label ? klive_ref_in(b, repl_label, 0, UINT64_MAX) : NULL;
}

/* Copy entry I of S (size ES) when it belongs to copied code. */
static void carry_entry(struct builder *b, struct pair *p, const struct special_desc *d,
			const struct section *s, uint64_t e, unsigned int es,
			const struct crange *owner, char **label)
{
	size_t lo = elfobj_rela_lower(s, e), hi = elfobj_rela_lower(s, e + es), i;
	struct chunk *c;

	*label = NULL;
	if (d->action == A_DROP)
		return;
	if (d->drop_unexported_key && unexported_key(b, p, d, s, e, es)) {
		plan_count_special(b->plan, xasprintf("%s(dropped)", s->name), owner_name(owner));
		return;
	}
	if (!strcmp(d->name, "__jump_table")) {
		const char *key = key_symbol(p, d, s, e, es);
		const char *why = NULL;

		if (key && !strncmp(key, "__tracepoint_", 13) &&
		    !kinfo_export_module(b->k, key)) {
			why = force_tracepoint_on(b, p, s, e, owner);
			if (!why) {
				plan_count_special(b->plan, "__jump_table(tracepoint always on)",
						   owner_name(owner));
				return;
			}
			refuse(b, p->newpath, xasprintf("function '%s': jump label on tracepoint '%s': %s",
							fn_name(owner), key, why));
			return;
		}
	}
	c = plan_new_chunk(b->plan, new_label(b, ".Lklive.entry"));
	c->section = s->name;
	c->flags = (s->flags & SHF_WRITE) ? "aw" : "a";
	c->align = s->align && es % s->align == 0 ? s->align : 1;
	c->size = es;
	c->bytes = xcalloc(1, es);
	memcpy(c->bytes, s->data + e, es);
	for (i = lo; i < hi; i++) {
		const struct rela *r = &s->relas[i];
		const struct field *f = field_at(d, r->off - e);
		struct out_reloc out;
		const char *err;

		if (!f) {
			refuse(b, p->newpath, xasprintf("unexpected relocation in %s entry of '%s'",
							s->name, fn_name(owner)));
			return;
		}
		/* elfcheck knows the section, not its entry size: the field must fit the entry */
		if (r->off - e + rela_width(r->type) > es) {
			refuse(b, p->newpath, xasprintf("malformed %s entry of '%s': its %u-byte relocation at +%llu does not fit the %u-byte entry",
							s->name, fn_name(owner), rela_width(r->type),
							(unsigned long long)(r->off - e), es));
			return;
		}
		if (f->kind == F_REPL) {
			const struct symbol *sym = &p->new.syms[r->sym];
			const struct section *rs = sym->shndx < p->new.nsecs ?
						   &p->new.secs[sym->shndx] : NULL;
			uint64_t start = sym->value + (uint64_t)r->addend;
			unsigned int len = s->data[e + es - 1];
			const char *l;

			if (!rs || !rs->data || start + len > rs->size) {
				refuse(b, p->newpath, xasprintf("malformed %s entry of '%s'",
								s->name, fn_name(owner)));
				return;
			}
			err = carry_code_piece(b, p, rs, start, len, &l);
			out = (struct out_reloc){ 0, r->type, REF_LOCAL, l, 0, 0 };
			if (!err) {
				const char *sym = alt_klive_ref(b, p, s, e, es, owner, l);

				if (sym)
					err = xasprintf("an alternative refers to '%s', which is not exported: klive.ko would resolve it only after the module loader applied the alternative",
							sym);
			}
		} else {
			err = resolve_ref(b, p, r, 0, f->kind == F_CODE, &out);
		}
		if (!err && out.kind == REF_KLIVE)
			err = xasprintf(f->kind == F_KEY ?
					"key '%s' is not exported; %s entries for it are not supported yet" :
					"'%s' is not exported; %s entries referring to it are not supported",
					out.sym, s->name);
		if (err) {
			refuse(b, p->newpath, xasprintf("function '%s': %s", fn_name(owner), err));
			return;
		}
		out.off = r->off - e;
		memset(c->bytes + out.off, 0, rela_width(r->type));
		if (out.kind == REF_EXTERN)
			b->plan->nextern++;
		plan_add_reloc(c, &out);
	}
	*label = c->label;
	plan_count_special(b->plan, s->name, owner_name(owner));
}

/* The .orc_unwind state of entry number N, parallel to an .orc_unwind_ip entry just carried. */
static void add_orc_state(struct builder *b, const struct section *orc, uint64_t n)
{
	struct chunk *c = plan_new_chunk(b->plan, new_label(b, ".Lklive.orc"));

	c->section = ".orc_unwind";
	c->flags = "a";
	c->size = 6;
	c->bytes = xcalloc(1, 6);
	memcpy(c->bytes, orc->data + n * 6, 6);
}

/* An .orc_unwind_ip entry for the copy at LABEL with the state of entry E of S. */
static void add_orc_entry(struct builder *b, const struct section *s, const struct section *orc,
			  uint64_t e, unsigned int es, const char *label)
{
	struct out_reloc out = { 0, R_X86_64_PC32, REF_LOCAL, label, 0, 0 };
	struct chunk *c = plan_new_chunk(b->plan, new_label(b, ".Lklive.entry"));

	c->section = s->name;
	c->flags = "a";
	c->align = s->align && es % s->align == 0 ? s->align : 1;
	c->size = es;
	c->bytes = xcalloc(1, es);
	plan_add_reloc(c, &out);
	add_orc_state(b, orc, e / es);
}

/*
 * A section whose entries mark where a state starts (ORC) has one only
 * where the state changes: a copied function with no entry at its first
 * byte starts in the state of the last entry before it. Its copy follows
 * other code in the patch, so it gets that entry at its start.
 */
static void add_start_entries(struct builder *b, struct pair *p, const struct section *s,
			      const struct section *orc, unsigned int es)
{
	size_t i;

	for (i = 0; i < p->ncode; i++) {
		const struct crange *c = &p->code[i];
		uint64_t e, best = 0, best_at = 0;
		bool have = false;

		if (!c->func || c->func->refusal)
			continue;
		for (e = 0; e < s->size; e += es) {
			size_t ri = elfobj_rela_lower(s, e);
			const struct symbol *sym;
			uint64_t at;

			if (ri >= s->nrelas || s->relas[ri].off != e)
				continue;
			sym = &p->new.syms[s->relas[ri].sym];
			at = sym->value + (uint64_t)s->relas[ri].addend;
			if (sym->shndx == c->shndx && at <= c->start && (!have || at >= best_at)) {
				have = true;
				best = e;
				best_at = at;
			}
		}
		if (!have || best_at == c->start)
			continue;
		add_orc_entry(b, s, orc, best, es, c->label);
		plan_count_special(b->plan, s->name, owner_name(c));
	}
}

static void carry_section(struct builder *b, struct pair *p, const struct special_desc *d,
			  const struct section *s)
{
	unsigned int es = entry_size(b->k, d);
	const struct section *orc = NULL;
	uint64_t e;
	size_t i;

	if (!s->data || s->size % es) {
		refuse(b, p->newpath, xasprintf("section %s has an unexpected size for %u-byte entries",
						s->name, es));
		return;
	}
	if (d->action == A_ORC) {
		for (i = 1; i < p->new.nsecs; i++)
			if (!strcmp(p->new.secs[i].name, ".orc_unwind"))
				orc = &p->new.secs[i];
		if (!orc || !orc->data || orc->size / 6 != s->size / es) {
			refuse(b, p->newpath, xstrdup("malformed .orc_unwind/.orc_unwind_ip"));
			return;
		}
	}
	for (e = 0; e < s->size; e += es) {
		size_t ri = elfobj_rela_lower(s, e + d->fields[0].off);
		const struct crange *owner;
		struct crange own;
		char *label;

		if (ri >= s->nrelas || s->relas[ri].off != e + d->fields[0].off)
			continue;
		owner = target_code(p, &s->relas[ri]);
		if (!owner || (owner->func && owner->func->refusal))
			continue;
		/* a copy: carrying replacement code grows p->code under the pointer */
		own = *owner;
		carry_entry(b, p, d, s, e, es, &own, &label);
		if (label && orc)
			add_orc_state(b, orc, e / es);
	}
	if (orc && d->start_follows_prev)
		add_start_entries(b, p, s, orc, es);
}

/* Refuse a section nobody taught patchgen that refers into copied code. */
static void check_unknown(struct builder *b, struct pair *p, const struct section *s)
{
	size_t i;

	if (!(s->flags & SHF_ALLOC) || (s->flags & SHF_EXECINSTR) || !s->nrelas)
		return;
	for (i = 0; i < sizeof(ordinary) / sizeof(ordinary[0]); i++)
		if (name_is(s->name, ordinary[i]))
			return;
	for (i = 0; i < s->nrelas; i++) {
		const struct crange *c = target_code(p, &s->relas[i]);

		if (!c)
			continue;
		/*
		 * 6.12 runtime constants: the kernel patches these immediates
		 * once at boot and the module loader never does, so a copy
		 * would keep the build-time placeholder.
		 */
		if (!strncmp(s->name, "runtime_", 8))
			refuse(b, p->newpath, xasprintf("function %s uses a runtime constant (section %s), which the module loader does not apply to modules",
							fn_name(c), s->name));
		else
			refuse(b, p->newpath, xasprintf("function %s has entries in section %s which patchgen does not support",
							fn_name(c), s->name));
		return;
	}
}

void special_carry(struct builder *b, struct pair *p)
{
	size_t d, i;

	for (d = 0; d < sizeof(specials) / sizeof(specials[0]); d++)
		for (i = 1; i < p->new.nsecs; i++)
			if (!strcmp(p->new.secs[i].name, specials[d].name))
				carry_section(b, p, &specials[d], &p->new.secs[i]);
	for (i = 1; i < p->new.nsecs; i++) {
		const struct section *s = &p->new.secs[i];
		bool known = false;

		for (d = 0; d < sizeof(specials) / sizeof(specials[0]); d++)
			if (!strcmp(s->name, specials[d].name))
				known = true;
		if (!known)
			check_unknown(b, p, s);
	}
}

/* Where entry E of S (of O) says the kernel rewrites code, and how much. */
static const char *rewrite_site(const struct elfobj *o, const struct special_desc *d,
				const struct section *s, uint64_t e, unsigned int es,
				unsigned int shndx, const struct code_map *map,
				uint64_t *at, uint64_t *len)
{
	size_t ri = elfobj_rela_lower(s, e + d->fields[0].off);
	const struct symbol *sym;
	const struct insn *in;

	*len = 0;
	if (ri >= s->nrelas || s->relas[ri].off != e + d->fields[0].off)
		return NULL;
	sym = &o->syms[s->relas[ri].sym];
	if (sym->shndx != shndx)
		return NULL;
	*at = sym->value + (uint64_t)s->relas[ri].addend;
	switch (d->rewrite) {
	case RW_INSN:
		in = code_map_find(map, *at);
		if (!in)
			return NULL;	/* not in this function */
		if (in->off != *at && strncmp(d->name, "runtime_", 8))
			return xasprintf("%s entry points inside an instruction", s->name);
		*at = in->off;
		*len = in->len;
		break;
	case RW_BYTE:
		*len = 1;
		break;
	case RW_ORIG:
		*len = s->data[e + es - 2];
		break;
	case RW_PARA:
		*len = s->data[e + 9];
		break;
	case RW_NONE:
		break;
	}
	return NULL;
}

static const char *rewritten_in(const struct elfobj *o, const struct special_desc *d,
				const struct section *s, unsigned int es, unsigned int shndx,
				uint64_t start, uint64_t size, const struct code_map *map,
				special_rewrite_fn fn, void *arg)
{
	uint64_t e, at, len;
	const char *err;

	if (!s->data || s->size % es)
		return xasprintf("section %s has an unexpected size for %u-byte entries",
				 s->name, es);
	for (e = 0; e < s->size; e += es) {
		err = rewrite_site(o, d, s, e, es, shndx, map, &at, &len);
		if (err)
			return err;
		if (!len || at + len <= start || at >= start + size)
			continue;
		if (at < start || at + len > start + size)
			return xasprintf("%s entry covers code beyond its function", s->name);
		fn(arg, at, len, s->name);
	}
	return NULL;
}

const char *special_rewritten(const struct kinfo *k, const struct elfobj *o,
			      unsigned int shndx, uint64_t start, uint64_t size,
			      const struct code_map *map, special_rewrite_fn fn, void *arg)
{
	const char *err = NULL;
	size_t d, i;

	for (i = 1; i < o->nsecs && !err; i++) {
		const struct section *s = &o->secs[i];

		if (!strncmp(s->name, "runtime_", 8)) {
			err = rewritten_in(o, &runtime_const, s, runtime_const.size, shndx, start,
					   size, map, fn, arg);
			continue;
		}
		for (d = 0; d < sizeof(specials) / sizeof(specials[0]) && !err; d++)
			if (specials[d].rewrite != RW_NONE && !strcmp(s->name, specials[d].name))
				err = rewritten_in(o, &specials[d], s, entry_size(k, &specials[d]),
						   shndx, start, size, map, fn, arg);
	}
	return err;
}
