/* emit.c - write the patch module's Kbuild sources (copied code as assembler, klive tables in C). */
#include "emit.h"
#include "elfobj.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char klive_h_text[];	/* include/klive.h, embedded at build time */

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f))
		fatal(path, "cannot write: %m");
	free(path);
}

/* One line of the top-level asm() block, as a C string literal. */
static void asm_line(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void asm_line(struct strbuf *sb, const char *fmt, ...)
{
	char line[512], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sb_printf(sb, "\t\"");
	for (p = line; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_printf(sb, "\\%c", *p);
		else
			sb_printf(sb, "%c", *p);
	}
	sb_printf(sb, "\\n\"\n");
}

static bool is_global(const char *label)
{
	return strncmp(label, ".L", 2) != 0;
}

static void emit_chunk(struct strbuf *sb, const struct chunk *c)
{
	uint64_t i;
	size_t r;

	asm_line(sb, "\t.pushsection %s,\"%s\",@%s", c->section, c->flags,
		 c->nobits ? "nobits" : "progbits");
	if (c->pad) {
		asm_line(sb, "\t.balign 16");
		asm_line(sb, "\t.fill %u,1,0x90", c->pad);
	}
	asm_line(sb, "\t.balign %llu", (unsigned long long)c->align);
	if (is_global(c->label)) {
		asm_line(sb, "\t.globl \"%s\"", c->label);
		asm_line(sb, "\t.type \"%s\",@%s", c->label, c->code ? "function" : "object");
	}
	asm_line(sb, "\"%s\":", c->label);
	if (c->nobits) {
		asm_line(sb, "\t.skip %llu", (unsigned long long)c->size);
	} else {
		for (i = 0; i < c->size; i += 16) {
			char line[128];
			size_t n = 0;
			uint64_t j;

			for (j = i; j < c->size && j < i + 16; j++)
				n += (size_t)snprintf(line + n, sizeof(line) - n, "%s0x%02x",
						      j == i ? "" : ",", c->bytes[j]);
			asm_line(sb, "\t.byte %s", line);
		}
	}
	if (is_global(c->label))
		asm_line(sb, "\t.size \"%s\", .-\"%s\"", c->label, c->label);
	for (r = 0; r < c->nrelocs; r++) {
		const struct out_reloc *o = &c->relocs[r];

		if (o->kind == REF_KLIVE)
			continue;
		asm_line(sb, "\t.reloc \"%s\"+%llu, %s, \"%s\"%+lld", c->label,
			 (unsigned long long)o->off, rela_type_name(o->type), o->sym,
			 (long long)o->addend);
	}
	asm_line(sb, "\t.popsection");
}

/* C identifier for the asm label of chunk or function N. */
static void declare(struct strbuf *sb, const char *label, unsigned int n)
{
	sb_printf(sb, "extern char klive_sym%u[] __asm__(\"%s\");\n", n, label);
}

static unsigned int sym_index(const char **labels, unsigned int *n, const char *label)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(labels[i], label))
			return i;
	labels[*n] = label;
	return (*n)++;
}

static void emit_bytes(struct strbuf *sb, const char *name, size_t n,
		       const unsigned char *bytes, size_t len);

/*
 * The old pieces of function N (.cold parts, notrace functions patched
 * through it, with their recorded code), as klive_piecesN[].
 */
static void emit_pieces(struct strbuf *sb, const struct pfunc *f, size_t n)
{
	size_t j;

	for (j = 0; j < f->npieces; j++) {
		const struct pfunc *c = f->pieces[j].code;
		char *code, *mask;

		if (!c || !c->old_code)
			continue;
		code = xasprintf("klive_piece_code%zu_", n);
		mask = xasprintf("klive_piece_mask%zu_", n);
		emit_bytes(sb, code, j, c->old_code, c->old_size);
		emit_bytes(sb, mask, j, c->old_mask, (c->old_size + 7) / 8);
		free(code);
		free(mask);
	}
	sb_printf(sb, "static const struct klive_piece klive_pieces%zu[] = {\n", n);
	for (j = 0; j < f->npieces; j++) {
		const struct pfunc *c = f->pieces[j].code;

		sb_printf(sb, "\t{ .name = \"%s\", .sympos = %ld", f->pieces[j].name,
			  f->pieces[j].sympos);
		if (c && c->old_code)
			sb_printf(sb, ",\n\t  .old_code = klive_piece_code%zu_%zu, .old_mask = klive_piece_mask%zu_%zu, .old_size = %llu",
				  n, j, n, j, (unsigned long long)c->old_size);
		sb_printf(sb, " },\n");
	}
	sb_printf(sb, "};\n\n");
}

/* BYTES as the C array NAME. */
static void emit_bytes(struct strbuf *sb, const char *name, size_t n,
		       const unsigned char *bytes, size_t len)
{
	size_t j;

	sb_printf(sb, "static const unsigned char %s%zu[] = {", name, n);
	for (j = 0; j < len; j++)
		sb_printf(sb, "%s0x%02x,", j % 16 ? " " : "\n\t", bytes[j]);
	sb_printf(sb, "\n};\n\n");
}

/*
 * init_module and cleanup_module in assembler: the file is not run through
 * objtool (the copied code brings its own ORC and return sites), so a C
 * function's return would use the return thunk without a .return_sites
 * entry, which the kernel warns about. init tail-calls klive_enable_patch;
 * cleanup returns through the thunk and records the site.
 */
static void emit_entry_points(struct strbuf *sb, bool ibt, bool rethunk)
{
	asm_line(sb, "\t.pushsection .init.text,\"ax\",@progbits");
	asm_line(sb, "\t.globl init_module");
	asm_line(sb, "\t.type init_module,@function");
	asm_line(sb, "init_module:");
	if (ibt)
		asm_line(sb, "\tendbr64");
	asm_line(sb, "\tmovq $klive_patch_desc, %%rdi");
	asm_line(sb, "\tjmp klive_enable_patch");
	asm_line(sb, "\tint3");
	asm_line(sb, "\t.size init_module, .-init_module");
	asm_line(sb, "\t.popsection");
	asm_line(sb, "\t.pushsection .exit.text,\"ax\",@progbits");
	asm_line(sb, "\t.globl cleanup_module");
	asm_line(sb, "\t.type cleanup_module,@function");
	asm_line(sb, "cleanup_module:");
	if (ibt)
		asm_line(sb, "\tendbr64");
	if (rethunk) {
		asm_line(sb, ".Lklive_exit_ret:");
		asm_line(sb, "\tjmp __x86_return_thunk");
	} else {
		asm_line(sb, "\tret");
	}
	asm_line(sb, "\tint3");
	asm_line(sb, "\t.size cleanup_module, .-cleanup_module");
	asm_line(sb, "\t.popsection");
	if (rethunk) {
		asm_line(sb, "\t.pushsection .return_sites,\"a\",@progbits");
		asm_line(sb, "\t.long .Lklive_exit_ret - .");
		asm_line(sb, "\t.popsection");
	}
}

/* NAMES as the C array NAME<N> of strings. */
static void emit_names(struct strbuf *sb, const char *name, size_t n, char *const *names,
		       size_t len)
{
	size_t j;

	sb_printf(sb, "static const char *const %s%zu[] = {\n", name, n);
	for (j = 0; j < len; j++)
		sb_printf(sb, "\t\"%s\",\n", names[j]);
	sb_printf(sb, "};\n\n");
}

/*
 * The neighbours klive.ko finds same-named symbols by, as klive_symevs[]
 * (fresh copies' labels through LABELS, as for the other tables).
 */
static void emit_symevs(struct strbuf *sb, struct strbuf *decl, const struct plan *plan,
			const char **labels, unsigned int *nlabels)
{
	struct strbuf tab = { 0 };
	size_t i;

	for (i = 0; i < plan->nsymevs; i++) {
		const struct psymev *ev = &plan->symevs[i];

		if (ev->nrun)
			emit_names(sb, "klive_symev_run", i, ev->run, ev->nrun);
		if (ev->nnear)
			emit_names(sb, "klive_symev_near", i, ev->near, ev->nnear);
		sb_printf(&tab, "\t{ .name = \"%s\", .text = %d", ev->name, ev->text);
		if (ev->nrun)
			sb_printf(&tab, ",\n\t  .run = klive_symev_run%zu, .nr_run = %zu, .run_self = %zu",
				  i, ev->nrun, ev->self);
		if (ev->nnear)
			sb_printf(&tab, ",\n\t  .near = klive_symev_near%zu, .nr_near = %zu", i,
				  ev->nnear);
		if (ev->fallback) {
			unsigned int n = *nlabels, k = sym_index(labels, nlabels, ev->fallback);

			if (k == n)
				declare(decl, ev->fallback, k);
			sb_printf(&tab, ",\n\t  .fallback = klive_sym%u", k);
		}
		sb_printf(&tab, " },\n");
	}
	sb_printf(sb, "static const struct klive_symev klive_symevs[] = {\n%s};\n\n", tab.buf);
	sb_free(&tab);
}

/* The layouts klive.ko checks against the kernel's BTF, as klive_layouts[]. */
static void emit_layouts(struct strbuf *sb, const struct plan *plan)
{
	size_t i, j;

	for (i = 0; i < plan->nlayouts; i++) {
		const struct playout *l = &plan->layouts[i];

		if (!l->nmembers)
			continue;
		sb_printf(sb, "static const struct klive_member klive_members%zu[] = {\n", i);
		for (j = 0; j < l->nmembers; j++) {
			const struct pmember *m = &l->members[j];

			if (m->name)
				sb_printf(sb, "\t{ \"%s\", %llu, %llu },\n", m->name,
					  (unsigned long long)m->bit, (unsigned long long)m->bits);
			else
				sb_printf(sb, "\t{ NULL, %llu, %llu },\n",
					  (unsigned long long)m->bit, (unsigned long long)m->bits);
		}
		sb_printf(sb, "};\n\n");
	}
	sb_printf(sb, "static const struct klive_layout klive_layouts[] = {\n");
	for (i = 0; i < plan->nlayouts; i++) {
		const struct playout *l = &plan->layouts[i];

		if (l->nmembers)
			sb_printf(sb, "\t{ \"%s\", %d, %llu, klive_members%zu, %zu },\n", l->name,
				  l->is_union, (unsigned long long)l->size, i, l->nmembers);
		else
			sb_printf(sb, "\t{ \"%s\", %d, %llu, NULL, 0 },\n", l->name,
				  l->is_union, (unsigned long long)l->size);
	}
	sb_printf(sb, "};\n\n");
}

void emit_module(const struct plan *plan, const char *dir, const char *modname,
		 const char *patchname, bool ibt, bool rethunk)
{
	struct strbuf c = { 0 }, decl = { 0 }, funcs = { 0 }, relocs = { 0 }, pieces = { 0 };
	struct strbuf callbacks = { 0 };
	struct strbuf pre = { 0 }, symevs = { 0 };
	const char **labels;
	unsigned int nlabels = 0, nrel = 0;
	size_t i, r;
	char *kbuild;

	kbuild = xasprintf("# Generated by patchgen.\nobj-m := %s.o\n"
			   "# the copied code carries its own ORC, return sites and mcount entries\n"
			   "OBJECT_FILES_NON_STANDARD_%s.o := y\n"
			   "ccflags-y := -I$(src)\n", modname, modname);
	write_file(dir, "Kbuild", kbuild);
	free(kbuild);
	write_file(dir, "klive.h", klive_h_text);

	labels = xcalloc(plan->nchunks + plan->nfuncs + CB_KINDS + 1, sizeof(*labels));
	for (i = 0; i < plan->nfuncs; i++) {
		unsigned int n = nlabels, k = sym_index(labels, &nlabels, plan->funcs[i].label);

		if (k == n)
			declare(&decl, plan->funcs[i].label, k);
		sb_printf(&funcs, "\t{ .old_name = \"%s\", .old_sympos = %ld, .new_func = klive_sym%u",
			  plan->funcs[i].old_name, plan->funcs[i].sympos, k);
		if (plan->funcs[i].npieces) {
			emit_pieces(&pieces, &plan->funcs[i], i);
			sb_printf(&funcs, ",\n\t  .old_pieces = klive_pieces%zu, .nr_old_pieces = %zu",
				  i, plan->funcs[i].npieces);
		}
		/* OLD's code, for klive.ko's check against the running kernel */
		if (plan->funcs[i].old_code) {
			emit_bytes(&pre, "klive_old_code", i, plan->funcs[i].old_code,
				   plan->funcs[i].old_size);
			emit_bytes(&pre, "klive_old_mask", i, plan->funcs[i].old_mask,
				   (plan->funcs[i].old_size + 7) / 8);
			sb_printf(&funcs, ",\n\t  .old_code = klive_old_code%zu, .old_mask = klive_old_mask%zu, .old_size = %llu",
				  i, i, (unsigned long long)plan->funcs[i].old_size);
		}
		sb_printf(&funcs, " },\n");
	}
	for (i = 0; i < plan->nchunks; i++) {
		const struct chunk *ch = plan->chunks[i];

		for (r = 0; r < ch->nrelocs; r++) {
			const struct out_reloc *o = &ch->relocs[r];
			unsigned int n = nlabels, k;

			if (o->kind != REF_KLIVE)
				continue;
			k = sym_index(labels, &nlabels, ch->label);
			if (k == n)
				declare(&decl, ch->label, k);
			sb_printf(&relocs, "\t{ .loc = klive_sym%u + %llu, .sym = \"%s\", .sympos = %ld, .addend = %lld, .type = %u /* %s */ },\n",
				  k, (unsigned long long)o->off, o->sym, o->sympos,
				  (long long)o->addend, o->type, rela_type_name(o->type));
			nrel++;
		}
	}

	for (i = 0; i < CB_KINDS; i++) {
		unsigned int n = nlabels, k;

		if (!plan->callbacks[i])
			continue;
		k = sym_index(labels, &nlabels, plan->callbacks[i]);
		if (k == n)
			declare(&decl, plan->callbacks[i], k);
		sb_printf(&callbacks, "\t\t\t.%s = (%s (*)(void))klive_sym%u,\n",
			  plan_callback_names[i], i == CB_PRE_PATCH ? "int" : "void", k);
	}

	sb_printf(&c, "// SPDX-License-Identifier: GPL-2.0\n"
		  "/* Generated by patchgen: copied code and klive tables of patch %s. */\n"
		  "#include <linux/module.h>\n#include \"klive.h\"\n\n"
		  "/* copied code and data; relocation fields klive fills are zero */\n"
		  "asm(\n", patchname);
	for (i = 0; i < plan->nchunks; i++)
		emit_chunk(&c, plan->chunks[i]);
	emit_entry_points(&c, ibt, rethunk);
	if (plan->nsymevs)
		emit_symevs(&symevs, &decl, plan, labels, &nlabels);
	sb_printf(&c, ");\n\n%s\n", decl.buf ? decl.buf : "");
	sb_printf(&c, "%s%s%sstatic const struct klive_func klive_funcs[] = {\n%s};\n\n",
		  pieces.buf ? pieces.buf : "", pre.buf ? pre.buf : "",
		  symevs.buf ? symevs.buf : "",
		  funcs.buf ? funcs.buf : "");
	if (nrel)
		sb_printf(&c, "static const struct klive_reloc klive_relocs[] = {\n%s};\n\n",
			  relocs.buf);
	if (plan->nlayouts)
		emit_layouts(&c, plan);
	sb_printf(&c, "static const struct klive_object klive_objs[] = {\n"
		  "\t{\n\t\t.name = %s%s%s,\n"
		  "\t\t.funcs = klive_funcs,\n\t\t.nr_funcs = ARRAY_SIZE(klive_funcs),\n"
		  "\t\t.relocs = %s,\n\t\t.nr_relocs = %s,\n"
		  "\t\t.callbacks = {\n%s\t\t},\n"
		  "\t\t.layouts = %s,\n\t\t.nr_layouts = %s,\n"
		  "\t\t.symevs = %s,\n\t\t.nr_symevs = %s,\n\t},\n};\n\n",
		  strcmp(plan->target, "vmlinux") ? "\"" : "",
		  strcmp(plan->target, "vmlinux") ? plan->target : "NULL",
		  strcmp(plan->target, "vmlinux") ? "\"" : "",
		  nrel ? "klive_relocs" : "NULL",
		  nrel ? "ARRAY_SIZE(klive_relocs)" : "0",
		  callbacks.buf ? callbacks.buf : "",
		  plan->nlayouts ? "klive_layouts" : "NULL",
		  plan->nlayouts ? "ARRAY_SIZE(klive_layouts)" : "0",
		  plan->nsymevs ? "klive_symevs" : "NULL",
		  plan->nsymevs ? "ARRAY_SIZE(klive_symevs)" : "0");
	/* writable: the data of a state is the patch's own */
	if (plan->nstates) {
		sb_printf(&c, "static struct klive_state klive_states[] = {\n");
		for (i = 0; i < plan->nstates; i++)
			sb_printf(&c, "\t{ .id = %#llxUL, .version = %lluU },\n",
				  (unsigned long long)plan->states[i].id,
				  (unsigned long long)plan->states[i].version);
		sb_printf(&c, "};\n\n");
	}
	sb_printf(&c, "/* global: init_module (in the asm above) passes it to klive */\n"
		  "const struct klive_patch klive_patch_desc = {\n"
		  "\t.abi = KLIVE_ABI_VERSION,\n\t.mod = THIS_MODULE,\n\t.name = \"%s\",\n"
		  "\t.objs = klive_objs,\n\t.nr_objs = ARRAY_SIZE(klive_objs),\n"
		  "\t.replace = %d,\n"
		  "\t.states = %s,\n\t.nr_states = %s,\n"
		  "\t.layouts_unchecked = %d,\n};\n\n",
		  patchname, plan->replace,
		  plan->nstates ? "klive_states" : "NULL",
		  plan->nstates ? "ARRAY_SIZE(klive_states)" : "0",
		  plan->layouts_unchecked);
	for (i = 0; i < plan->nns; i++)
		sb_printf(&c, "MODULE_IMPORT_NS(%s);\n", plan->namespaces[i]);
	/* what the patch does, for `klive info` (modinfo) */
	sb_printf(&c, "MODULE_INFO(klive_patch, \"%s\");\n", patchname);
	for (i = 0; i < plan->nfuncs; i++)
		sb_printf(&c, "MODULE_INFO(klive_func, \"%s:%s,%ld\");\n", plan->target,
			  plan->funcs[i].old_name,
			  plan->funcs[i].sympos ? plan->funcs[i].sympos : 1);
	sb_printf(&c, "MODULE_DESCRIPTION(\"klive patch %s\");\nMODULE_LICENSE(\"GPL\");\n",
		  patchname);
	{
		char *name = xasprintf("%s.c", modname);

		write_file(dir, name, c.buf);
		free(name);
	}
	sb_free(&c);
	sb_free(&decl);
	sb_free(&funcs);
	sb_free(&relocs);
	sb_free(&pieces);
	sb_free(&callbacks);
	sb_free(&pre);
	sb_free(&symevs);
	free(labels);
}
