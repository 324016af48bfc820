/* textsec.c - code in the kernel's special text sections: pieces carried with the code that jumps to them, functions refused where the kernel tells code by its section. */
#include "textsec.h"
#include "disasm.h"
#include "special.h"
#include "util.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

enum textsec_kind {
	TS_PIECES,	/* unnamed pieces of the functions that jump there: carried */
	TS_REFUSE,	/* the kernel treats code by its address range: refused */
};

/*
 * Code sections of 6.1/6.12 that are not plain .text, one row each (a
 * section that holds functions and is not listed is carried as .text is:
 * .text.unlikely, .text.hot, .ref.text, .sched.text, .spinlock.text,
 * .softirqentry.text, whose copies only escape the kernel's own attribution:
 * /proc/PID/wchan, profiling, stack depot trimming; __init/__exit code is
 * refused in select.c).
 */
static const struct textsec {
	const char *name;
	bool prefix;	/* NAME starts the section's name */
	enum textsec_kind kind;
	const char *why;
} textsecs[] = {
	/* static_cpu_has(): the test of the CPU bit run before alternatives are applied */
	{ .name = ".altinstr_aux", .kind = TS_PIECES },
	{
		.name = ".entry.text", .kind = TS_REFUSE,
		.why = "entry code is mapped into user page tables (PTI) and never probed; a copy in module memory is neither",
	},
	{
		.name = ".noinstr.text", .kind = TS_REFUSE,
		.why = "noinstr code runs where tracing and probes must not (RCU not watching); a copy in module memory is not protected so",
	},
	{
		.name = ".cpuidle.text", .kind = TS_REFUSE,
		.why = "idle code is noinstr and the kernel recognises idle CPUs by this section (cpu_in_idle()); a copy in module memory is neither",
	},
	{
		.name = ".kprobes.text", .kind = TS_REFUSE,
		.why = "kprobes must not probe it; a copy in module memory could be probed",
	},
	{
		.name = ".irqentry.text", .kind = TS_REFUSE,
		.why = "interrupt entry code: stack traces are cut there (filter_irq_stacks()) and on x86 it lies in the entry area; a copy in module memory is neither",
	},
	{
		.name = ".head.text", .kind = TS_REFUSE,
		.why = "it runs only at boot",
	},
	{
		.name = ".static_call.text", .kind = TS_REFUSE,
		.why = "a static call trampoline is rewritten through its key by static_call_update(); a copy would not be",
	},
	/* retpoline and return thunks: alternatives and call sites name the running ones */
	{
		.name = ".text.__x86.", .prefix = true, .kind = TS_REFUSE,
		.why = "the kernel's call sites and alternatives use the running thunks, never a copy",
	},
	{
		.name = ".text..__x86.", .prefix = true, .kind = TS_REFUSE,
		.why = "the kernel's call sites and alternatives use the running thunks, never a copy",
	},
};

static const struct textsec *textsec_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(textsecs) / sizeof(textsecs[0]); i++)
		if (textsecs[i].prefix ? !strncmp(textsecs[i].name, name, strlen(textsecs[i].name)) :
		    !strcmp(textsecs[i].name, name))
			return &textsecs[i];
	return NULL;
}

void textsec_select(struct objview *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		struct item *it = &v->items[i];
		const struct textsec *t;

		if (it->kind != IT_FUNC || !it->selected || it->refusal)
			continue;
		t = textsec_of(it->sec->name);
		if (t && t->kind == TS_REFUSE) {
			it->notrace = false;	/* not through callers either */
			it->refusal = xasprintf("function '%s' is in section %s: %s",
						it->sym->name, it->sec->name, t->why);
		}
	}
}

const char *textsec_piece(const struct elfobj *o, const struct section *s, uint64_t ref,
			  uint64_t *start, uint64_t *size)
{
	const struct textsec *t = textsec_of(s->name);
	struct rela *extra = NULL;
	struct code_map map;
	const char *err;
	size_t nextra = 0, i;

	if (!t)
		return xasprintf("reference into %s+0x%llx, which is not a known function",
				 s->name, (unsigned long long)ref);
	if (t->kind == TS_REFUSE)
		return xasprintf("reference into %s+0x%llx: %s", s->name,
				 (unsigned long long)ref, t->why);
	if (!s->data || ref >= s->size)
		return xasprintf("reference to %s+0x%llx, past its end", s->name,
				 (unsigned long long)ref);
	/* pieces follow each other: decode from REF to the first unconditional jump */
	err = disasm_func(o, s, ref, s->size - ref, &map, &extra, &nextra);
	free(extra);
	if (err)
		return xasprintf("%s+0x%llx: %s", s->name, (unsigned long long)ref, err);
	for (i = 0; i < map.n; i++) {
		unsigned char op = s->data[map.insns[i].off];

		if (op == 0xe9 || op == 0xeb) {
			*start = ref;
			*size = map.insns[i].off + map.insns[i].len - ref;
			free(map.insns);
			return NULL;
		}
	}
	free(map.insns);
	return xasprintf("the code at %s+0x%llx does not end in a jump", s->name,
			 (unsigned long long)ref);
}

const char *textsec_carry(struct builder *b, struct pair *p, const struct section *s,
			  uint64_t ref, const char **label, uint64_t *start)
{
	const char *owner = NULL, *err;
	uint64_t size;
	size_t i;

	err = textsec_piece(&p->new, s, ref, start, &size);
	if (!err)
		err = carry_code_piece(b, p, s, *start, size, label);
	if (err)
		return err;
	/* listed under the function its jumps return to */
	for (i = elfobj_rela_lower(s, *start);
	     !owner && i < s->nrelas && s->relas[i].off < *start + size; i++) {
		const struct symbol *sym = &p->new.syms[s->relas[i].sym];
		const struct item *it = view_ref_item(&p->vn, sym,
						      (uint64_t)wrap_add(sym_plus_addend(sym, &s->relas[i]), 4));

		if (it && it->kind == IT_FUNC)
			owner = (it->cold && it->parent ? it->parent : it)->sym->name;
	}
	plan_count_special(b->plan, s->name, owner ? owner : *label);
	return NULL;
}

/* The target of relocation R of S at entry offset E + FOFF, when there is one. */
static bool field_target(const struct elfobj *o, const struct section *s, uint64_t at,
			 const struct symbol **sym, uint64_t *to)
{
	size_t i = elfobj_rela_lower(s, at);

	if (i >= s->nrelas || s->relas[i].off != at)
		return false;
	*sym = &o->syms[s->relas[i].sym];
	*to = (uint64_t)sym_plus_addend(*sym, &s->relas[i]);
	return (*sym)->shndx < o->nsecs;
}

/* Whether OFF of .altinstr_aux S lies in a piece T's code jumps to. */
static bool aux_of(const struct objview *v, const struct item *t, const struct section *s,
		   uint64_t off)
{
	uint64_t start, size;
	size_t i;

	for (i = 0; i < t->nrelas; i++) {
		const struct rela *r = &t->relas[i];
		const struct symbol *sym = &v->o->syms[r->sym];
		const struct insn *in = code_map_find(&t->map, r->off);
		int64_t delta = in && rela_pcrel(r->type) ? (int64_t)(in->off + in->len - r->off) : 0;
		const char *err;

		if (sym->shndx != s->idx)
			continue;
		err = textsec_piece(v->o, s, (uint64_t)wrap_add(sym_plus_addend(sym, r), delta),
				    &start, &size);
		if (err)
			free((char *)err);
		else if (off >= start && off < start + size)
			return true;
	}
	return false;
}

/* Whether OFF of .altinstr_replacement S replaces code of an alternative site in T. */
static bool replacement_of(const struct objview *v, const struct item *t, const struct section *s,
			   uint64_t off)
{
	unsigned int line, es = special_entry_layout(v->k, ".altinstructions", &line);
	const struct elfobj *o = v->o;
	const struct symbol *sym;
	uint64_t e, site, repl;
	size_t i;

	for (i = 1; i < o->nsecs && es; i++) {
		const struct section *a = &o->secs[i];

		if (strcmp(a->name, ".altinstructions") || !a->data)
			continue;
		for (e = 0; e + es <= a->size; e += es) {
			if (!field_target(o, a, e, &sym, &site) || sym->shndx != t->sec->idx ||
			    site < t->sym->value || site >= t->sym->value + t->sym->size ||
			    !field_target(o, a, e + 4, &sym, &repl) || sym->shndx != s->idx)
				continue;
			if (off >= repl && off < repl + a->data[e + es - 1])
				return true;
		}
	}
	return false;
}

bool textsec_piece_of(const struct objview *v, const struct item *t, const struct section *s,
		      uint64_t off)
{
	if (!strcmp(s->name, ".altinstr_aux"))
		return aux_of(v, t, s, off);
	if (!strcmp(s->name, ".altinstr_replacement"))
		return replacement_of(v, t, s, off);
	return false;
}
