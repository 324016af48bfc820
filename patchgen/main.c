/* main.c - patchgen command line: run read, correlate, compare, select, textsec, notrace, codedata, dyndbg, layout, special, callbacks, states, runpre, symev, emit and link. */
#include "callbacks.h"
#include "codedata.h"
#include "compare.h"
#include "correlate.h"
#include "dyndbg.h"
#include "elfobj.h"
#include "emit.h"
#include "kinfo.h"
#include "klivesyms.h"
#include "layout.h"
#include "link.h"
#include "notrace.h"
#include "objtool.h"
#include "plan.h"
#include "resolve.h"
#include "runpre.h"
#include "textsec.h"
#include "symev.h"
#include "select.h"
#include "sign.h"
#include "special.h"
#include "states.h"
#include "util.h"

#include <ctype.h>
#include <elf.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char usage[] =
"Usage: patchgen [OPTIONS] OLD.o NEW.o [OLD2.o NEW2.o ...] -o OUT.ko\n"
"\n"
"Compare objects built from the running kernel's source (OLD) and from the\n"
"fixed source (NEW), exactly as the kernel build makes them (e.g. make\n"
"fs/proc/cmdline.o), and build OUT.ko: a klive patch module that redirects\n"
"every changed function to its new version. Load klive.ko, then OUT.ko.\n"
"\n"
"Options:\n"
"  -o, --output OUT.ko      the patch module to write (required); its base\n"
"                           name is the module name\n"
"  --kdir DIR               the target kernel's build or headers directory\n"
"                           (default /lib/modules/$(uname -r)/build); needs\n"
"                           Module.symvers and .config\n"
"  --target vmlinux|MOD     the object the code belongs to; default vmlinux,\n"
"                           or the module name inferred from the object file\n"
"                           name for objects of a loadable module\n"
"  --name NAME              patch name, the /sys/kernel/livepatch/NAME\n"
"                           directory (default: OUT's base name)\n"
"  --replace                a cumulative patch: once in force it replaces\n"
"                           every earlier klive patch, and functions they\n"
"                           redirect that this one does not change run the\n"
"                           running kernel's code again (sysfs replace 1)\n"
"  --klive-symvers FILE     klive.ko's Module.symvers, for the symbol version\n"
"                           of klive_enable_patch; by default patchgen reads\n"
"                           it from the klive.ko built for the target release:\n"
"                           installed (/lib/modules/RELEASE, as modprobe finds\n"
"                           it), else core/klive.ko beside this patchgen\n"
"  --system-map FILE        the target's System.map or a /proc/kallsyms dump,\n"
"                           to find local symbols among same-named ones by\n"
"                           their neighbours (default $kdir/System.map, then\n"
"                           /boot/System.map-RELEASE, then /proc/kallsyms\n"
"                           when the target is the running kernel and it\n"
"                           shows addresses); without one, the patch carries\n"
"                           each such symbol's neighbours and klive.ko finds\n"
"                           it in the running kernel's kallsyms at load time\n"
"  --no-system-map          use no symbol list, even where one is found\n"
"  --no-layout-check        build the patch although type layouts cannot be\n"
"                           checked because the objects have no DWARF (a\n"
"                           kernel built with CONFIG_DEBUG_INFO_NONE) or\n"
"                           split DWARF; by default that is refused. You give\n"
"                           up the check that the fix changes no structure,\n"
"                           union or enum the running kernel's objects use\n"
"                           and no prototype of a redirected function: such a\n"
"                           fix would corrupt memory. Objects with DWARF are\n"
"                           still checked; klive.ko logs that the patch's\n"
"                           layouts were not checked\n"
"  --list                   print the decisions (one per line) and build\n"
"                           nothing: target T, changed F, new F (each\n"
"                           followed by indented lines: reason R, part F.cold,\n"
"                           special SECTION COUNT of its entries, pre F N\n"
"                           bytes, M compared and pre ignore +OFF LEN WHY:\n"
"                           the old code klive.ko checks against the running\n"
"                           kernel and the ranges it skips), extern S,\n"
"                           klive S sympos N, special SECTION COUNT (totals),\n"
"                           pointer F (the address of a patched function\n"
"                           names the running one), static S -> OLD (in F)\n"
"                           (the running kernel's static local S of F is)\n"
"                           or static S new (in F) (a fresh copy), callback\n"
"                           KIND F (declared with klive_callbacks.h), state\n"
"                           ID VERSION (klive_state.h), symev S\n"
"                           run N near M [text] [fresh L] (without a symbol\n"
"                           list: S's neighbours klive.ko looks for, and its\n"
"                           own copy L of a print-once flag), layout T from\n"
"                           NEW (OLD does not define T: klive.ko compares\n"
"                           NEW's layout with the kernel's BTF), layouts\n"
"                           unchecked (--no-layout-check), refuse R\n"
"  --sign-key KEY --sign-cert CERT\n"
"                           sign the module (Secure Boot, module.sig_enforce)\n"
"                           with the target's scripts/sign-file and its\n"
"                           CONFIG_MODULE_SIG_HASH\n"
"  --keep-tmp               keep the temporary Kbuild directory and print it\n"
"  -h, --help               this text\n"
"\n"
"A function is changed when its code differs other than in relocation\n"
"fields, or when what a relocation refers to differs. References to exported\n"
"symbols stay undefined symbols for the module loader; references to other\n"
"symbols of the running kernel become klive relocations that klive.ko fills\n"
"in. The patch records each redirected function's code in OLD, which\n"
"klive.ko compares with the running kernel's before it patches anything\n"
"(relocation fields and code the kernel rewrites at boot are skipped).\n"
"A changed notrace function (no __fentry__ call, such as the __do_sys_NAME\n"
"body of a system call) is copied and its callers are redirected instead,\n"
"when it is local, its address is never taken and every reference to it\n"
"is a direct call or jump from a function of the object.\n"
"patchgen refuses, with one line 'patchgen: FILE: REASON' and exit\n"
"status 1, whatever it cannot patch correctly: changed data, __init code,\n"
"other notrace functions, ambiguous local symbols, special sections it does not\n"
"know, functions in entry, noinstr and idle text sections (the\n"
"static_cpu_has() tests in .altinstr_aux go with their function), and (from\n"
"the objects' DWARF) a changed layout of a type the changed\n"
"code uses or a changed prototype of a redirected function.\n";

struct options {
	const char *kdir, *target, *name, *symvers, *sysmap, *out, *sign_key, *sign_cert;
	bool list, keep, replace, no_layout_check;
	char **objs;
	int nobjs;
};

static char *tmpdir;
static bool keep_tmp;

static void cleanup(void)
{
	if (tmpdir && !keep_tmp) {
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd))
			fprintf(stderr, "patchgen: cannot remove %s\n", tmpdir);
		free(cmd);
	}
}

/* At exit, after cleanup(): what the run allocated (util.h). */
static void release(void)
{
	util_release_all();
}

/* PATH made absolute if it exists (else as given, for the error message). */
static const char *absolute(const char *path)
{
	char buf[PATH_MAX];

	if (!path || !realpath(path, buf))
		return path;
	return xstrdup(buf);
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "kdir", required_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "klive-symvers", required_argument, NULL, 's' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "no-system-map", no_argument, NULL, 'M' },
		{ "no-layout-check", no_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "keep-tmp", no_argument, NULL, 'K' },
		{ "replace", no_argument, NULL, 'R' },
		{ "sign-key", required_argument, NULL, 'S' },
		{ "sign-cert", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'k': o->kdir = optarg; break;
		case 't': o->target = optarg; break;
		case 'n': o->name = optarg; break;
		case 's': o->symvers = optarg; break;
		case 'm': o->sysmap = optarg; break;
		case 'M': o->sysmap = ""; break;
		case 'L': o->no_layout_check = true; break;
		case 'o': o->out = optarg; break;
		case 'l': o->list = true; break;
		case 'K': o->keep = true; break;
		case 'R': o->replace = true; break;
		case 'S': o->sign_key = optarg; break;
		case 'C': o->sign_cert = optarg; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); exit(2);
		}
	}
	/* Kbuild and modpost run in other directories: make paths absolute */
	o->kdir = absolute(o->kdir);
	o->symvers = absolute(o->symvers);
	o->sysmap = absolute(o->sysmap);
	o->sign_key = absolute(o->sign_key);
	o->sign_cert = absolute(o->sign_cert);
	if (!o->sign_key != !o->sign_cert)
		fatal("usage", "--sign-key and --sign-cert go together (see --help)");
	if (o->sign_key && (access(o->sign_key, R_OK) || access(o->sign_cert, R_OK)))
		fatal(access(o->sign_key, R_OK) ? o->sign_key : o->sign_cert, "cannot read: %m");
	o->objs = argv + optind;
	o->nobjs = argc - optind;
	if (o->nobjs < 2 || o->nobjs % 2)
		fatal("usage", "give pairs of objects: OLD.o NEW.o [OLD2.o NEW2.o ...] (see --help)");
	if (!o->out && !o->list)
		fatal("usage", "-o OUT.ko is required (see --help)");
}

/* Module name from an object file name: dir/foo-bar.o -> foo_bar. */
static char *modname_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char *n = xstrdup(base ? base + 1 : path), *p;
	size_t len = strlen(n);

	if (len > 2 && !strcmp(n + len - 2, ".o"))
		n[len - 2] = 0;
	for (p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 55)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static const char *infer_target(const struct options *o, struct pair *pairs, size_t n)
{
	const char *t = NULL;
	size_t i;

	if (o->target)
		return o->target;
	for (i = 0; i < n; i++) {
		char *a, *b;

		if (!pairs[i].new.is_module) {
			if (t && strcmp(t, "vmlinux"))
				fatal(pairs[i].newpath, "objects of different targets; use --target");
			t = "vmlinux";
			continue;
		}
		a = modname_of(pairs[i].oldpath);
		b = modname_of(pairs[i].newpath);
		if (strcmp(a, b))
			fatal(pairs[i].newpath, "object of a loadable module, but its name cannot be inferred (OLD and NEW file names differ); use --target MODNAME");
		if (t && strcmp(t, a))
			fatal(pairs[i].newpath, "objects of different targets; use --target");
		t = a;
	}
	return t;
}

static void check_pair(struct pair *p)
{
	size_t i, paired = 0, funcs = 0;

	if (p->old.machine != p->new.machine)
		fatal(p->newpath, "OLD and NEW are for different machines");
	if (p->old.is_module != p->new.is_module)
		fatal(p->newpath, "OLD and NEW do not match: only one is an object of a loadable module");
	for (i = 0; i < p->vn.n; i++) {
		if (p->vn.items[i].kind != IT_FUNC)
			continue;
		funcs++;
		if (p->vn.items[i].twin)
			paired++;
	}
	if (funcs && !paired)
		fatal(p->newpath, "OLD and NEW do not match: they have no function in common");
}

/* The old code of F that klive.ko compares with the running kernel, and what it skips. */
static void print_pre(const struct pfunc *f)
{
	size_t j, n;

	if (!f->old_code)
		return;
	for (j = n = 0; j < f->old_size; j++)
		n += !(f->old_mask[j / 8] >> (j % 8) & 1);
	printf("  pre %s %llu bytes, %zu compared\n", f->old_name,
	       (unsigned long long)f->old_size, n);
	for (j = 0; j < f->nignored; j++)
		printf("  pre ignore +0x%llx %llu %s\n",
		       (unsigned long long)f->ignored[j].off,
		       (unsigned long long)f->ignored[j].len, f->ignored[j].why);
}

/* A changed or new function, why, and the special-section entries it carries. */
static void print_func(const struct plan *plan, const struct objview *v, const struct item *it)
{
	size_t i;

	printf("%s %s", it->state == ST_NEW ? "new" : "changed", it->sym->name);
	/* patched through its callers (notrace.c) */
	for (i = 0; it->notrace && i < it->nthrough; i++)
		printf("%s%s", i ? ", " : " (notrace: redirected through ", it->through[i]->sym->name);
	printf("%s\n", it->notrace && it->nthrough ? ")" : "");
	if (it->why)
		printf("  reason: %s\n", it->why);
	for (i = 0; i < v->n; i++)
		if (v->items[i].parent == it && v->items[i].selected)
			printf("  part %s%s%s\n", v->items[i].sym->name,
			       v->items[i].why ? ": " : "", v->items[i].why ? v->items[i].why : "");
	for (i = 0; i < plan->nfspecial; i++)
		if (!strcmp(plan->fspecial_funcs[i], it->sym->name))
			printf("  special %s %zu\n", plan->fspecial_names[i], plan->fspecial_counts[i]);
	/* what klive.ko compares with the running kernel, and what it skips */
	for (i = 0; i < plan->nfuncs; i++) {
		const struct pfunc *f = &plan->funcs[i];
		size_t k;

		if (f->label != it->label)
			continue;
		print_pre(f);
		/* its .cold parts, and notrace functions patched through it */
		for (k = 0; k < f->npieces; k++)
			if (f->pieces[k].code)
				print_pre(f->pieces[k].code);
	}
}

/*
 * Which static of the running kernel each numbered static local the patch
 * uses is (correlate.c pairs them by the functions using them, since their
 * numbers shift), or that it is a fresh copy.
 */
static void print_statics(const struct objview *v, struct strmap *seen)
{
	size_t i, j;

	for (i = 0; i < v->n; i++) {
		const struct item *fn = &v->items[i];

		if (fn->kind != IT_FUNC || !fn->selected || fn->refusal)
			continue;
		for (j = 0; j < fn->nrelas; j++) {
			const struct item *t;
			char *owners, *line;

			if (fn->relas[j].synthetic)
				continue;
			t = view_ref_target(v, fn, &fn->relas[j]);
			if (!t || !t->numbered || t->into ||
			    (!t->twin && t->pair_err && !t->fresh_once && !dyndbg_desc(t)))
				continue;
			owners = item_owner_names(t);
			line = dyndbg_desc(t) ? xasprintf("dyndbg %s own descriptor (in %s)",
							  t->sym->name, owners) :
			       t->fresh_once ? xasprintf("static %s fresh print-once flag (in %s)",
							 t->sym->name, owners) :
			       t->twin ? xasprintf("static %s -> %s (in %s)", t->sym->name,
						   t->twin->sym->name, owners) :
					 xasprintf("static %s new (in %s)", t->sym->name, owners);
			if (!strmap_get(seen, line)) {
				strmap_put(seen, line, (void *)1);
				printf("%s\n", line);
			}
			free(line);
			free(owners);
		}
	}
}

static void print_list(const struct plan *plan, struct pair *pairs, size_t n)
{
	struct strmap *seen = strmap_new();
	size_t i, j, r;

	printf("target %s\n", plan->target);
	for (i = 0; i < n; i++)
		for (j = 0; j < pairs[i].vn.n; j++) {
			const struct item *it = &pairs[i].vn.items[j];

			if (it->kind == IT_FUNC && it->selected && !it->cold)
				print_func(plan, &pairs[i].vn, it);
		}
	for (i = 0; i < n; i++)
		print_statics(&pairs[i].vn, seen);
	for (i = 0; i < n; i++)
		codedata_print(&pairs[i].vn);
	/* where klive.ko finds each redirected function, like the references below */
	for (i = 0; i < plan->nfuncs; i++) {
		char *line = xasprintf("klive %s sympos %ld", plan->funcs[i].old_name,
				       plan->funcs[i].sympos);

		if (!strmap_get(seen, line)) {
			strmap_put(seen, line, (void *)1);
			printf("%s\n", line);
		}
		free(line);
		/* checked on stacks as the old function */
		for (j = 0; j < plan->funcs[i].npieces; j++)
			printf("klive %s sympos %ld (part of %s)\n", plan->funcs[i].pieces[j].name,
			       plan->funcs[i].pieces[j].sympos, plan->funcs[i].old_name);
	}
	for (i = 0; i < plan->nchunks; i++)
		for (r = 0; r < plan->chunks[i]->nrelocs; r++) {
			const struct out_reloc *o = &plan->chunks[i]->relocs[r];
			char *line;

			if (o->kind == REF_EXTERN)
				line = xasprintf("extern %s", o->sym);
			else if (o->kind == REF_KLIVE)
				line = xasprintf("klive %s sympos %ld", o->sym, o->sympos);
			else
				continue;
			if (!strmap_get(seen, line)) {
				strmap_put(seen, line, (void *)1);
				printf("%s\n", line);
			}
			free(line);
		}
	for (i = 0; i < plan->nspecial; i++)
		printf("special %s %zu\n", plan->special_names[i], plan->special_counts[i]);
	for (i = 0; i < plan->npointers; i++)
		printf("pointer %s (names the running function)\n", plan->pointers[i]);
	for (i = 0; i < CB_KINDS; i++)
		if (plan->callbacks[i])
			printf("callback %s %s\n", plan_callback_names[i], plan->callback_funcs[i]);
	for (i = 0; i < plan->nstates; i++)
		printf("state %#llx %llu\n", (unsigned long long)plan->states[i].id,
		       (unsigned long long)plan->states[i].version);
	for (i = 0; i < plan->nlayouts; i++)
		if (plan->layouts[i].from_new)
			printf("layout %s %s from NEW (OLD does not define it)\n",
			       plan->layouts[i].is_union ? "union" : "struct", plan->layouts[i].name);
	if (plan->layouts_unchecked)
		printf("layouts unchecked (--no-layout-check)\n");
}

static void print_summary(const struct plan *plan, struct pair *pairs, size_t n,
			  const char *name, const char *out)
{
	struct strmap *seen = strmap_new();
	size_t i, j, r, nchanged = 0, nnew = 0;

	printf("patchgen: %s: patch '%s' for %s\n", out, name, plan->target);
	for (i = 0; i < n; i++)
		for (j = 0; j < pairs[i].vn.n; j++) {
			const struct item *it = &pairs[i].vn.items[j];

			if (it->kind != IT_FUNC || !it->selected || it->cold)
				continue;
			printf("  %-8s %s (%s)\n", it->state == ST_NEW ? "new" : "changed",
			       it->sym->name, it->why ? it->why : "changed");
			if (it->state == ST_NEW)
				nnew++;
			else
				nchanged++;
		}
	printf("  %zu changed, %zu new function(s); references to the running kernel: %zu exported, %zu via klive:",
	       nchanged, nnew, plan->nextern, plan->nklive);
	for (i = 0; i < plan->nchunks; i++)
		for (r = 0; r < plan->chunks[i]->nrelocs; r++)
			if (plan->chunks[i]->relocs[r].kind == REF_KLIVE &&
			    !strmap_get(seen, plan->chunks[i]->relocs[r].sym)) {
				strmap_put(seen, plan->chunks[i]->relocs[r].sym, (void *)1);
				printf(" %s", plan->chunks[i]->relocs[r].sym);
			}
	printf("\n  special entries carried:");
	for (i = 0; i < plan->nspecial; i++)
		printf(" %s %zu", plan->special_names[i], plan->special_counts[i]);
	printf("%s\n", plan->nspecial ? "" : " none");
	{
		unsigned long long bytes = 0, masked = 0;

		for (i = 0; i < plan->nfuncs; i++) {
			const struct pfunc *f = &plan->funcs[i];

			for (r = 0; r <= f->npieces; r++) {
				/* the function, then its pieces (.cold parts, notrace functions) */
				const struct pfunc *c = r ? f->pieces[r - 1].code : f;

				if (!c || !c->old_code)
					continue;
				bytes += c->old_size;
				for (j = 0; j < c->old_size; j++)
					masked += c->old_mask[j / 8] >> (j % 8) & 1;
			}
		}
		printf("  checked against the running kernel at load: %llu bytes of old code (%llu rewritten at boot or relocated, not compared)\n",
		       bytes, masked);
	}
	for (i = 0; i < plan->npointers; i++)
		printf("  the address of patched '%s' names the running function\n",
		       plan->pointers[i]);
	for (i = 0; i < CB_KINDS; i++)
		if (plan->callbacks[i])
			printf("  %s callback: %s\n", plan_callback_names[i], plan->callback_funcs[i]);
	for (i = 0; i < plan->nstates; i++)
		printf("  system state %#llx version %llu\n",
		       (unsigned long long)plan->states[i].id,
		       (unsigned long long)plan->states[i].version);
	if (plan->nlayouts)
		printf("  %zu type layouts recorded for klive.ko to check against the kernel's BTF\n",
		       plan->nlayouts);
	if (plan->layouts_unchecked)
		printf("  type layouts not checked (--no-layout-check): objects without usable DWARF\n");
	if (plan->nsymevs)
		printf("  %zu local symbols klive.ko finds by their neighbours (no symbol list)\n",
		       plan->nsymevs);
}

int main(int argc, char **argv)
{
	struct options o;
	struct kinfo k;
	struct plan plan = { 0 };
	struct builder b = { 0 };
	struct pair *pairs;
	size_t npairs, i, j, selected = 0;
	char *modname = NULL, *defkdir = NULL, *symvers = NULL, *symvers_from = NULL;
	const char *name;

	atexit(release);
	parse(argc, argv, &o);
	npairs = (size_t)o.nobjs / 2;
	pairs = xcalloc(npairs, sizeof(*pairs));
	if (o.out) {
		const char *base = strrchr(o.out, '/');
		size_t len;

		modname = xstrdup(base ? base + 1 : o.out);
		len = strlen(modname);
		if (len < 4 || strcmp(modname + len - 3, ".ko"))
			fatal(o.out, "the output must be a .ko file");
		modname[len - 3] = 0;
		if (!valid_name(modname))
			fatal(o.out, "module name '%s' must be letters, digits, '_' or '-'", modname);
	}
	name = o.name ? o.name : modname ? modname : "patch";
	if (!valid_name(name))
		fatal(name, "patch name must be letters, digits, '_' or '-'");
	if (!o.kdir) {
		struct utsname u;

		uname(&u);
		defkdir = xasprintf("/lib/modules/%s/build", u.release);
		o.kdir = defkdir;
	}
	kinfo_load(&k, o.kdir, o.sysmap);
	tmpdir = xstrdup("/tmp/patchgen.XXXXXX");
	if (!mkdtemp(tmpdir))
		fatal("/tmp", "cannot create a temporary directory: %m");
	keep_tmp = o.keep;
	atexit(cleanup);
	/* before any work: a module without klive's symbol versions would not load */
	symvers = klivesyms_find(&k, o.symvers, tmpdir, &symvers_from, !o.list);
	for (i = 0; i < npairs; i++) {
		struct pair *p = &pairs[i];

		p->oldpath = o.objs[2 * i];
		p->newpath = o.objs[2 * i + 1];
		elfobj_read(&p->old, objtool_prepare(&k, p->oldpath, tmpdir, 2 * (unsigned int)i));
		elfobj_read(&p->new, objtool_prepare(&k, p->newpath, tmpdir,
						     2 * (unsigned int)i + 1));
		p->old.path = p->oldpath;
		p->new.path = p->newpath;
		view_build(&p->vo, &p->old, &k);
		view_build(&p->vn, &p->new, &k);
		correlate(&p->vo, &p->vn);
		check_pair(p);
		compare_views(&p->vo, &p->vn);
		select_funcs(&p->vn);
		textsec_select(&p->vn);
		notrace_redirect(p);
		codedata_bind(&p->vn);
		dyndbg_check(&p->vn);
		p->carried = strmap_new();
	}
	plan.target = infer_target(&o, pairs, npairs);
	plan.replace = o.replace;
	b.plan = &plan;
	b.k = &k;
	b.vmlinux = !strcmp(plan.target, "vmlinux");
	b.pairs = pairs;
	b.npairs = npairs;
	b.labels = strmap_new();
	b.allow_unchecked_layouts = o.no_layout_check;
	for (i = 0; i < npairs; i++)
		for (j = 0; j < pairs[i].vn.n; j++)
			if (pairs[i].vn.items[j].selected || pairs[i].vn.items[j].refusal)
				selected++;
	if (!selected)
		fatal(pairs[0].newpath, "nothing changed: OLD and NEW have the same functions and data");
	for (i = 0; i < npairs; i++)
		layout_check(&b, &pairs[i]);
	for (i = 0; i < npairs; i++)
		resolve_funcs(&b, &pairs[i]);
	for (i = 0; i < npairs; i++)
		special_carry(&b, &pairs[i]);
	for (i = 0; i < npairs; i++)
		callbacks_collect(&b, &pairs[i]);
	for (i = 0; i < npairs; i++)
		states_collect(&b, &pairs[i]);
	for (i = 0; i < npairs; i++)
		runpre_record(&b, &pairs[i]);
	symev_record(&b);
	if (o.list) {
		print_list(&plan, pairs, npairs);
		symev_print(&plan);
	}
	if (b.nrefusals) {
		for (i = 0; i < b.nrefusals; i++) {
			if (o.list)
				printf("refuse %s\n", b.refusals[i]);
			fprintf(stderr, "patchgen: %s\n", b.refusals[i]);
		}
		return 1;
	}
	layout_warn_unchecked();
	if (!plan.nfuncs && !o.list)
		fatal(pairs[0].newpath, "no existing function changed: nothing would call the new code");
	if (o.list)
		return 0;
	emit_module(&plan, tmpdir, modname, name, k.ibt, k.rethunk);
	link_module(o.kdir, tmpdir, modname, symvers, o.out);
	if (o.sign_key)
		sign_module(&k, o.sign_key, o.sign_cert, o.out);
	print_summary(&plan, pairs, npairs, name, o.out);
	if (symvers_from)
		printf("  for %s, with the symbol versions of %s\n", k.release, symvers_from);
	if (o.sign_key)
		printf("  signed with %s\n", o.sign_key);
	if (o.keep)
		printf("  build directory kept: %s\n", tmpdir);
	free(defkdir);
	return 0;
}
