/* resolve.c - turn selected functions into patch chunks and decide how each reference is written. */
#include "resolve.h"
#include "dyndbg.h"
#include "select.h"
#include "textsec.h"
#include "util.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

void refuse(struct builder *b, const char *file, char *reason)
{
	char *line = xasprintf("%s: %s", file, reason);
	size_t i;

	free(reason);
	/* one line per reason, however many references of a function share it */
	for (i = 0; i < b->nrefusals; i++) {
		if (!strcmp(b->refusals[i], line)) {
			free(line);
			return;
		}
	}
	grow(&b->refusals, &b->caprefusals, b->nrefusals, sizeof(char *));
	b->refusals[b->nrefusals++] = line;
}

char *new_label(struct builder *b, const char *base)
{
	char *l = xstrdup(base);

	while (strmap_get(b->labels, l)) {
		free(l);
		l = xasprintf("%s.%u", base, ++b->serial);
	}
	strmap_put(b->labels, l, (void *)1);
	return l;
}

static void add_code(struct pair *p, unsigned int shndx, uint64_t start, uint64_t size,
		     const char *label, const struct item *func)
{
	grow(&p->code, &p->capcode, p->ncode, sizeof(*p->code));
	p->code[p->ncode++] = (struct crange){ shndx, start, size, label, func };
}

const struct crange *find_code(const struct pair *p, unsigned int shndx, uint64_t off)
{
	size_t i;

	for (i = 0; i < p->ncode; i++) {
		const struct crange *c = &p->code[i];

		if (c->shndx == shndx && off >= c->start && off < c->start + c->size)
			return c;
	}
	return NULL;
}

static bool type_ok_for_klive(uint32_t t)
{
	return t == R_X86_64_PC32 || t == R_X86_64_PLT32 || t == R_X86_64_32 ||
	       t == R_X86_64_32S || t == R_X86_64_64;
}

/*
 * The part of vmlinux section S lands in, as far as it keeps an object's
 * sections together: the linker script takes .text and .text.IDENT (function
 * sections) of one object in one go, and .text.unlikely.* (and .hot.*,
 * .unknown.*) in their own areas; the same holds for .data and .bss. Other
 * sections count alone.
 */
static size_t area_len(const char *s)
{
	static const char *const grouped[] = { ".text.unlikely", ".text.hot", ".text.unknown",
					       ".text", ".data", ".bss" };
	size_t i, n;

	for (i = 0; i < sizeof(grouped) / sizeof(grouped[0]); i++) {
		n = strlen(grouped[i]);
		if (strncmp(s, grouped[i], n) || (s[n] && s[n] != '.'))
			continue;
		if (!s[n] || i < 3 || !strchr(s + n + 1, '.'))
			return n;
	}
	return strlen(s);
}

bool same_area(const char *a, const char *b)
{
	size_t n = area_len(a);

	return n == area_len(b) && !strncmp(a, b, n);
}

static int by_value(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* SELF's sympos from the run of its section's symbols (kinfo_run_sympos), or 0. */
static long section_run_sympos(struct builder *b, const struct elfobj *o,
			       const struct symbol *self)
{
	const struct symbol **syms = NULL;
	size_t cap = 0, n = 0, i, at = 0;
	char **run;
	long pos = 0;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];

		if (s->shndx != self->shndx ||
		    (s->type != STT_FUNC && s->type != STT_OBJECT))
			continue;
		grow(&syms, &cap, n, sizeof(*syms));
		syms[n++] = s;
	}
	qsort(syms, n, sizeof(*syms), by_value);
	run = xcalloc(n + 1, sizeof(*run));
	for (i = 0; i < n; i++) {
		/*
		 * Two symbols at one address (or an empty one, which shares its
		 * address with whatever the linker puts next): their order in
		 * kallsyms is not necessarily ours.
		 */
		if ((i && syms[i]->value == syms[i - 1]->value) || !syms[i]->size)
			goto out;
		if (syms[i] == self)
			at = i;
		run[i] = (char *)syms[i]->name;
	}
	pos = kinfo_run_sympos(b->k, self->name, run, n, at);
out:
	free(run);
	free(syms);
	return pos;
}

/*
 * Tell which of several same-named vmlinux symbols NAME of P's object is,
 * by the object's other symbols of the same area around it
 * (kinfo_pick_sympos).
 */
static const char *pick_sympos(struct builder *b, const struct pair *p, const char *name,
			       bool global, long *pos)
{
	const struct elfobj *o = &p->old;
	const struct symbol *self = NULL;
	enum ksym_class cls = KS_ANY;
	char **near = NULL;
	size_t cap = 0, n = 0, i;
	const char *err;

	for (i = 0; i < o->nsyms && !self; i++)
		if (o->syms[i].shndx != SHN_UNDEF && o->syms[i].shndx < o->nsecs &&
		    (o->syms[i].type == STT_FUNC || o->syms[i].type == STT_OBJECT) &&
		    !strcmp(o->syms[i].name, name))
			self = &o->syms[i];
	if (self)
		cls = o->secs[self->shndx].flags & SHF_EXECINSTR ? KS_TEXT : KS_DATA;
	if (self) {
		*pos = section_run_sympos(b, o, self);
		if (*pos)
			return NULL;
	}
	for (i = 0; self && i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];

		if (s == self || s->shndx == SHN_UNDEF || s->shndx >= o->nsecs ||
		    (s->type != STT_FUNC && s->type != STT_OBJECT) ||
		    !same_area(o->secs[s->shndx].name, o->secs[self->shndx].name))
			continue;
		grow(&near, &cap, n, sizeof(*near));
		near[n++] = (char *)s->name;
	}
	err = kinfo_pick_sympos(b->k, name, global, cls, near, n, pos);
	free(near);
	return err;
}

/* sympos of NAME (a symbol of P's old object, if defined there) in the target; NULL or a refusal reason. */
static const char *target_sympos(struct builder *b, const struct pair *p, const char *name,
				 bool global, long *pos)
{
	long n = 0;
	size_t i, j;

	*pos = 0;
	if (b->vmlinux) {
		n = kinfo_sysmap_count(b->k, name);
		if (n < 0) {
			if (!global && !b->warned_sysmap) {
				warnx_(b->k->kdir, "no System.map (--system-map): klive.ko tells local symbols such as '%s' from same-named ones by their neighbours at load time",
				       name);
				b->warned_sysmap = true;
			}
			return NULL;
		}
		if (n == 0)
			return xasprintf("symbol '%s' is not in System.map of the target kernel", name);
		if (n > 1)
			return pick_sympos(b, p, name, global, pos);
		return NULL;
	}
	for (i = 0; i < b->npairs; i++) {
		const struct elfobj *o = &b->pairs[i].old;

		for (j = 0; j < o->nsyms; j++)
			if (o->syms[j].shndx != SHN_UNDEF &&
			    o->syms[j].type != STT_SECTION &&
			    o->syms[j].type != STT_FILE &&
			    !strcmp(o->syms[j].name, name))
				n++;
	}
	if (n > 1)
		return xasprintf("ambiguous symbol '%s' (%ld in the module); refusing to guess",
				 name, n);
	return NULL;
}

/*
 * Is MOD (a module path of Module.symvers) the target module? Its
 * exports are klive references too: the loader would resolve them only
 * with the target loaded, and tie the patch to it.
 */
static bool is_target_module(const struct builder *b, const char *mod)
{
	const char *base = strrchr(mod, '/');
	size_t i;

	base = base ? base + 1 : mod;
	if (b->vmlinux || strlen(base) != strlen(b->plan->target))
		return false;
	for (i = 0; base[i]; i++)
		if ((base[i] == '-' ? '_' : base[i]) !=
		    (b->plan->target[i] == '-' ? '_' : b->plan->target[i]))
			return false;
	return true;
}

/* A reference to NAME as the running kernel has it. */
static const char *running(struct builder *b, const struct pair *p, const char *name,
			   bool global, uint32_t type, int64_t addend, struct out_reloc *out)
{
	const char *mod = global ? kinfo_export_module(b->k, name) : NULL;
	const char *err;

	if (mod && is_target_module(b, mod))
		mod = NULL;

	out->type = type;
	out->addend = addend;
	out->sym = name;
	out->sympos = 0;
	/* klive.ko is loaded before any patch: its API is always there */
	if (mod && (!b->vmlinux || !strcmp(mod, "vmlinux") || !strcmp(mod, "klive"))) {
		const char *ns = kinfo_export_ns(b->k, name);

		if (ns)
			plan_add_namespace(b->plan, ns);
		out->kind = REF_EXTERN;
		return NULL;
	}
	if (type == R_X86_64_PC64)	/* the key of a __jump_table entry */
		return xasprintf("jump label on '%s', which is not exported: only the module loader applies jump label entries, and it resolves exported keys only",
				 name);
	if (!type_ok_for_klive(type))
		return xasprintf("reference to '%s' needs relocation type %u, which klive cannot resolve",
				 name, type);
	err = target_sympos(b, p, name, global, &out->sympos);
	out->kind = REF_KLIVE;
	return err;
}

static const char *out_section(const struct section *s, const char **flags, bool *nobits)
{
	*nobits = s->type == SHT_NOBITS;
	if (s->flags & SHF_EXECINSTR) {
		*flags = "ax";
		return ".text";
	}
	if (s->flags & SHF_WRITE) {
		*flags = "aw";
		return *nobits ? ".bss" : ".data";
	}
	*flags = "a";
	return ".rodata";
}

static void fill_relocs(struct builder *b, struct pair *p, struct chunk *c,
			const struct section *s, uint64_t start, const struct code_map *map,
			const struct rela *relas, size_t nrelas);

/* Copy [start, start+size) of S into a new chunk labelled LABEL. */
static struct chunk *carry_range(struct builder *b, struct pair *p, const struct section *s,
				 uint64_t start, uint64_t size, const char *label)
{
	struct chunk *c = plan_new_chunk(b->plan, label);
	size_t lo = elfobj_rela_lower(s, start), hi = elfobj_rela_lower(s, start + size);

	c->section = out_section(s, &c->flags, &c->nobits);
	c->align = s->align ? s->align : 1;
	if (c->align > 64)
		c->align = 64;
	c->size = size;
	if (!c->nobits) {
		c->bytes = xcalloc(1, size);
		memcpy(c->bytes, s->data + start, size);
	}
	/* no relocations: NULL, never NULL + 0 */
	fill_relocs(b, p, c, s, start, NULL, hi > lo ? &s->relas[lo] : NULL, hi - lo);
	return c;
}

/*
 * The flag of a WARN_ONCE/printk_once (DO_ONCE_LITE keeps it in .data.once,
 * .data..once since 6.10):
 * when the running kernel's instance cannot be told apart, a fresh copy
 * costs at most one repeated message, so it is not worth a refusal.
 */
static bool print_once_flag(const struct item *it)
{
	return it->numbered && (!strcmp(it->sec->name, ".data.once") ||
				!strcmp(it->sec->name, ".data..once")) &&
	       !strncmp(it->sym->name, "__already_done.", 15);
}

static const char *carry_data_item(struct builder *b, struct pair *p, struct item *it)
{
	if (!it->label) {
		struct chunk *c;

		it->label = new_label(b, xasprintf("%s.klive", it->sym->name));
		c = carry_range(b, p, it->sec, it->sym->value, it->sym->size, it->label);
		/* a section the module loader reads by name keeps it */
		if (dyndbg_section(it))
			c->section = dyndbg_section(it);
	}
	return it->label;
}

/*
 * The one rule for a data object the patch refers to: its own copy, or the
 * running kernel's instance. Copied: data holding addresses inside replaced
 * code (codedata.c marks it, whatever its section), pr_debug descriptors
 * (dyndbg.c), read-only data that is local or new (its bytes are all there
 * is to it), and new writable data.
 * Everything else is the running kernel's instance, whose state the
 * running code shares.
 */
static bool data_copied(const struct item *it)
{
	if (it->into || dyndbg_desc(it))
		return true;
	if (!(it->sec->flags & SHF_WRITE))
		return it->sym->bind == STB_LOCAL || !it->twin;
	return !it->twin && !it->pair_err && !it->twin_ambiguous && !is_init_section(it->sec);
}

static const char *carry_memo(struct builder *b, struct pair *p, const struct section *s,
			      uint64_t start, uint64_t size, const char *base)
{
	char *key = xasprintf("%u:%llu", s->idx, (unsigned long long)start);
	const char *label = strmap_get(p->carried, key);

	if (!label) {
		label = new_label(b, base);
		strmap_put(p->carried, key, (void *)label);
		carry_range(b, p, s, start, size, label);
	}
	free(key);
	return label;
}

const char *carry_code_piece(struct builder *b, struct pair *p, const struct section *s,
			     uint64_t start, uint64_t size, const char **label)
{
	char *key = xasprintf("%u:%llu", s->idx, (unsigned long long)start);
	struct rela *relas = NULL;
	size_t nrelas = 0, cap, i;
	struct code_map map;
	struct chunk *c;
	const char *err;

	*label = strmap_get(p->carried, key);
	if (*label) {
		free(key);
		return NULL;
	}
	err = disasm_func(&p->new, s, start, size, &map, &relas, &nrelas);
	if (err)
		return err;
	cap = nrelas;
	for (i = elfobj_rela_lower(s, start); i < s->nrelas && s->relas[i].off < start + size; i++) {
		grow(&relas, &cap, nrelas, sizeof(*relas));
		relas[nrelas++] = s->relas[i];
	}
	*label = new_label(b, xasprintf("klive%s.%llu", s->name, (unsigned long long)start));
	strmap_put(p->carried, key, (void *)*label);
	add_code(p, s->idx, start, size, *label, NULL);
	c = plan_new_chunk(b->plan, *label);
	c->section = s->name;
	c->flags = "ax";
	c->code = true;
	c->size = size;
	c->bytes = xcalloc(1, size ? size : 1);
	memcpy(c->bytes, s->data + start, size);
	fill_relocs(b, p, c, s, start, &map, relas, nrelas);
	free(key);
	return NULL;
}

const char *resolve_ref(struct builder *b, struct pair *p, const struct rela *r,
			int64_t delta, bool call, struct out_reloc *out)
{
	const struct elfobj *o = &p->new;
	const struct symbol *sym = &o->syms[r->sym];
	const struct section *s;
	struct item *it = NULL;
	const char *err = NULL;
	int64_t a, off;
	uint64_t ref;

	memset(out, 0, sizeof(*out));
	out->type = r->type;
	if (!rela_width(r->type))
		return xasprintf("unsupported relocation type %u", r->type);
	if (sym->shndx == SHN_UNDEF)
		return running(b, p, sym->name, true, r->type, r->addend, out);
	if (sym->shndx >= o->nsecs)
		return xasprintf("reference to absolute symbol '%s'", sym->name);
	s = &o->secs[sym->shndx];
	a = sym_plus_addend(sym, r);
	ref = (uint64_t)wrap_add(a, delta);
	it = view_ref_item(&p->vn, sym, ref);
	if (!it) {
		const struct crange *cr = find_code(p, s->idx, ref);

		if (cr) {
			out->kind = REF_LOCAL;
			out->sym = cr->label;
			out->addend = wrap_sub(a, (int64_t)cr->start);
			return NULL;
		}
		/* a piece of code in a special text section (textsec.c) */
		if (s->flags & SHF_EXECINSTR) {
			const char *label;
			uint64_t start;

			err = textsec_carry(b, p, s, ref, &label, &start);
			if (err)
				return err;
			out->kind = REF_LOCAL;
			out->sym = label;
			out->addend = wrap_sub(a, (int64_t)start);
			return NULL;
		}
		if ((s->flags & SHF_STRINGS) && s->data && ref < s->size) {
			uint64_t len = strnlen((const char *)s->data + ref, s->size - ref);

			out->kind = REF_LOCAL;
			out->sym = carry_memo(b, p, s, ref, len < s->size - ref ? len + 1 : len,
					      ".Lklive.str");
			out->addend = wrap_sub(a, (int64_t)ref);
			return NULL;
		}
		if ((s->flags & SHF_ALLOC) && !(s->flags & SHF_WRITE)) {
			out->kind = REF_LOCAL;
			out->sym = carry_memo(b, p, s, 0, s->size,
					      xasprintf("klive%s", s->name));
			out->addend = a;
			return NULL;
		}
		return xasprintf("reference to %s+0x%llx, which is not inside a known variable",
				 s->name, (unsigned long long)ref);
	}
	off = wrap_sub(a, (int64_t)it->sym->value);
	if (it->kind == IT_FUNC) {
		if (it->selected && (it->state == ST_NEW || it->cold || call || off)) {
			out->kind = REF_LOCAL;
			out->sym = it->label;
			out->addend = off;
			return NULL;
		}
		if (!it->twin)
			return xasprintf("reference to '%s', which is not in the running kernel and cannot be patched",
					 it->sym->name);
		/* the address of a patched function names the running one */
		if (it->selected)
			plan_add_pointer(b->plan, it->twin->sym->name);
		return running(b, p, it->twin->sym->name, it->twin->sym->bind != STB_LOCAL,
			       r->type, off, out);
	}
	if (data_copied(it)) {
		out->kind = REF_LOCAL;
		out->sym = carry_data_item(b, p, it);
		out->addend = off;
		return NULL;
	}
	if (it->twin || it->pair_err) {
		err = it->twin ? running(b, p, it->twin->sym->name,
					 it->twin->sym->bind != STB_LOCAL, r->type, off, out) :
				 it->pair_err;
		if (!err || !print_once_flag(it))
			return err;
		if (!it->fresh_once)
			warnx_(p->newpath, "print-once flag '%s' is a fresh copy (%s): its message may be printed once more",
			       it->sym->name, err);
		it->fresh_once = true;
		memset(out, 0, sizeof(*out));
		out->type = r->type;
		out->kind = REF_LOCAL;
		out->sym = carry_data_item(b, p, it);
		out->addend = off;
		return NULL;
	}
	if (it->twin_ambiguous)
		return xasprintf("cannot tell which variable of the running kernel '%s' is (several candidates)",
				 it->sym->name);
	return xasprintf("reference to __initdata '%s'", it->sym->name);
}

/*
 * A short jump out of a function (the assembler relaxed a tail call to a
 * neighbour) cannot reach anything from the copy: point it at a jmp rel32
 * stub appended to the copy instead.
 */
static void add_stub(struct builder *b, struct pair *p, struct chunk *c,
		     const struct section *s, uint64_t start, const struct rela *r)
{
	struct rela far = *r;
	struct out_reloc out;
	int64_t disp = (int64_t)c->size - (int64_t)(r->off - start + 1);
	const char *err;

	if (disp > 127) {
		refuse(b, p->newpath, xasprintf("short jump at %s+0x%llx leaves '%s' and no stub is in reach",
						s->name, (unsigned long long)r->off, c->label));
		return;
	}
	far.type = R_X86_64_PC32;
	far.addend = wrap_add(r->addend, 1 - 4);
	err = resolve_ref(b, p, &far, 4, true, &out);
	if (err) {
		refuse(b, p->newpath, xasprintf("%s (from %s)", err, c->label));
		return;
	}
	c->bytes[r->off - start] = (unsigned char)(int8_t)disp;
	c->bytes = xrealloc(c->bytes, c->size + 5);
	memcpy(c->bytes + c->size, "\xe9\0\0\0\0", 5);
	out.off = c->size + 1;
	c->size += 5;
	if (out.kind == REF_EXTERN)
		b->plan->nextern++;
	else if (out.kind == REF_KLIVE)
		b->plan->nklive++;
	plan_add_reloc(c, &out);
}

/* Resolve the relocations of a chunk copied from S at START. */
static void fill_relocs(struct builder *b, struct pair *p, struct chunk *c,
			const struct section *s, uint64_t start, const struct code_map *map,
			const struct rela *relas, size_t nrelas)
{
	uint64_t size = c->size;	/* before add_stub() appends */
	size_t i;

	for (i = 0; i < nrelas; i++) {
		const struct rela *r = &relas[i];
		const struct insn *in = map ? code_map_find(map, r->off) : NULL;
		int64_t delta = in && rela_pcrel(r->type) ?
				(int64_t)(in->off + in->len - r->off) : 0;
		struct out_reloc out;
		const char *err;

		if (map && !in) {
			refuse(b, p->newpath, xasprintf("relocation at %s+0x%llx is not inside an instruction",
							s->name, (unsigned long long)r->off));
			continue;
		}
		/* inside its section (elfcheck) is not inside this copy: a symbol size is wrong */
		if (r->off - start + rela_width(r->type) > size) {
			refuse(b, p->newpath, xasprintf("relocation at %s+0x%llx runs past the end of %s",
							s->name, (unsigned long long)r->off, c->label));
			continue;
		}
		if (r->type == R_X86_64_PC8) {
			add_stub(b, p, c, s, start, r);
			continue;
		}
		err = resolve_ref(b, p, r, delta, in && in->branch, &out);
		if (err) {
			refuse(b, p->newpath, xasprintf("%s (from %s)", err, c->label));
			continue;
		}
		out.off = r->off - start;
		if (c->bytes)
			memset(c->bytes + out.off, 0, rela_width(r->type));
		if (out.kind == REF_EXTERN)
			b->plan->nextern++;
		else if (out.kind == REF_KLIVE)
			b->plan->nklive++;
		plan_add_reloc(c, &out);
	}
}

/*
 * Add IT (a function of the old object) as a piece of F; its code is
 * checked against the running kernel's like F's (runpre.c).
 */
static void add_piece(struct pfunc *f, const struct item *it, long pos)
{
	struct ppiece *pc;

	/* one at a time: pieces of several old functions may be added */
	f->pieces = xrealloc(f->pieces, (f->npieces + 1) * sizeof(*f->pieces));
	pc = &f->pieces[f->npieces++];
	pc->name = xstrdup(it->sym->name);
	pc->sympos = pos;
	pc->code = xcalloc(1, sizeof(struct pfunc));
	pc->code->old_name = xstrdup(it->sym->name);
	pc->code->old = it;
}

/*
 * The .cold parts of OLD (a function of the old object): a task stopped in
 * one is inside the old function with no frame of it on the stack.
 */
static void add_old_pieces(struct builder *b, struct pair *p, const struct item *old,
			   struct pfunc *f)
{
	size_t i;

	for (i = 0; i < p->vo.n; i++) {
		const struct item *it = &p->vo.items[i];
		const char *err;
		long pos;

		if (it->kind != IT_FUNC || !it->cold || it->parent != old)
			continue;
		err = target_sympos(b, p, it->sym->name, it->sym->bind != STB_LOCAL, &pos);
		if (err) {
			refuse(b, p->oldpath, (char *)err);
			continue;
		}
		add_piece(f, it, pos);
	}
}

/*
 * OLD, a notrace function reached only through the function F redirects
 * (notrace.c), with its .cold parts: a task asleep there, reached by a
 * tail call that left no frame of F, still runs the old code of F.
 */
static void add_old_func_piece(struct builder *b, struct pair *p, const struct item *old,
			       struct pfunc *f)
{
	const char *err;
	long pos;

	err = target_sympos(b, p, old->sym->name, old->sym->bind != STB_LOCAL, &pos);
	if (err) {
		refuse(b, p->oldpath, (char *)err);
		return;
	}
	add_piece(f, old, pos);
	add_old_pieces(b, p, old, f);
}

void resolve_funcs(struct builder *b, struct pair *p)
{
	struct objview *v = &p->vn;
	size_t i;

	for (i = 0; i < v->n; i++) {
		struct item *it = &v->items[i];

		if (!it->selected)
			continue;
		if (it->refusal) {
			refuse(b, p->newpath, xstrdup(it->refusal));
			continue;
		}
		it->label = new_label(b, xasprintf("%s.klive", it->sym->name));
		add_code(p, it->sec->idx, it->sym->value, it->sym->size, it->label, it);
	}
	for (i = 0; i < v->n; i++) {
		struct item *it = &v->items[i];
		struct chunk *c;

		if (!it->selected || it->refusal)
			continue;
		c = plan_new_chunk(b->plan, it->label);
		c->section = ".text";
		c->flags = "ax";
		c->code = true;
		c->align = 16;
		c->pad = it->cold ? 0 : b->k->padding;
		c->size = it->sym->size;
		c->bytes = xcalloc(1, c->size);
		memcpy(c->bytes, it->sec->data + it->sym->value, c->size);
		fill_relocs(b, p, c, it->sec, it->sym->value, &it->map, it->relas, it->nrelas);
		/* a notrace function is reached through its redirected callers */
		if (it->state == ST_CHANGED && !it->cold && !it->notrace) {
			struct pfunc *f;
			const char *err;
			long pos;
			size_t k;

			err = target_sympos(b, p, it->twin->sym->name,
					    it->twin->sym->bind != STB_LOCAL, &pos);
			if (err) {
				refuse(b, p->oldpath, (char *)err);
				continue;
			}
			grow(&b->plan->funcs, &b->plan->capf, b->plan->nfuncs,
			     sizeof(*b->plan->funcs));
			f = &b->plan->funcs[b->plan->nfuncs++];
			memset(f, 0, sizeof(*f));
			f->old_name = xstrdup(it->twin->sym->name);
			f->sympos = pos;
			f->label = it->label;
			f->old = it->twin;
			add_old_pieces(b, p, it->twin, f);
			for (k = 0; k < it->ncovers; k++)
				add_old_func_piece(b, p, it->covers[k]->twin, f);
		}
	}
	/* data whose initial value changed cannot be patched */
	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == IT_DATA && v->items[i].refusal)
			refuse(b, p->newpath, xstrdup(v->items[i].refusal));
}
