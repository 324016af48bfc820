/* kinfo.c - facts about the target kernel: exports (Module.symvers), its symbol list (System.map or kallsyms), config. */
#include "kinfo.h"
#include "util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* Where one name occurs in the symbol list, in list order. */
struct koccur {
	size_t n, cap;
	size_t *idx;
};

struct strmap {
	char **keys;
	void **vals;
	size_t cap, n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

struct strmap *strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 1024;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	return m;
}

static size_t slot(const struct strmap *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	size_t i = slot(m, key);

	return m->keys[i] ? m->vals[i] : NULL;
}

/* Put KEY (copied when COPY, else it must outlive the map) -> VAL. */
static void put(struct strmap *m, char *key, bool copy, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap big = { xcalloc(m->cap * 2, sizeof(char *)),
				      xcalloc(m->cap * 2, sizeof(void *)),
				      m->cap * 2, 0 };

		for (i = 0; i < m->cap; i++)
			if (m->keys[i])
				put(&big, m->keys[i], false, m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = big;
	}
	i = slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = copy ? xstrdup(key) : key;
		m->n++;
	}
	m->vals[i] = val;
}

void strmap_put(struct strmap *m, const char *key, void *val)
{
	put(m, (char *)key, true, val);
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static char *read_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[256];

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return xstrdup(buf);
}

static void load_release(struct kinfo *k)
{
	char *path = xasprintf("%s/include/generated/utsrelease.h", k->kdir);
	FILE *f = fopen(path, "r");
	char buf[256], rel[128];

	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (sscanf(buf, "#define UTS_RELEASE \"%127[^\"]\"", rel) == 1)
				k->release = xstrdup(rel);
		fclose(f);
	}
	free(path);
	if (!k->release) {
		path = xasprintf("%s/include/config/kernel.release", k->kdir);
		k->release = read_line(path);
		free(path);
	}
	if (!k->release)
		k->release = xstrdup("");
	sscanf(k->release, "%d.%d", &k->version, &k->patchlevel);
}

/* The next tab-ended field of the line at *P, NUL-terminated in place ("" past its end). */
static char *field(char **p)
{
	char *f = *p;
	size_t n = strcspn(f, "\t");

	*p = f + n;
	if (f[n])
		*(*p)++ = 0;
	return f;
}

/*
 * Add the exports listed in the Module.symvers at PATH; false if unreadable.
 * The file is read whole and its fields split in place: the map's keys and
 * values point into it (value: module NUL type NUL namespace), so tens of
 * thousands of exports cost one allocation.
 */
bool kinfo_add_symvers(struct kinfo *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf, *p;
	long len;

	if (!f)
		return false;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return false;
	}
	buf = xcalloc(1, (size_t)len + 2);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return false;
	}
	fclose(f);
	buf[len] = '\n';
	for (p = buf; *p; ) {
		char *line = p, *eol = strchr(p, '\n');
		char *crc, *name, *mod, *type;

		*eol = 0;
		p = eol + 1;
		crc = field(&line);
		name = field(&line);
		mod = field(&line);
		type = field(&line);
		field(&line);	/* namespace, "" when none */
		if (!*crc || !*name || !*mod || !*type)
			continue;
		put(k->exports, name, false, mod);
	}
	return true;
}

static void load_symvers(struct kinfo *k)
{
	char *path = xasprintf("%s/Module.symvers", k->kdir);

	k->exports = strmap_new();
	if (!kinfo_add_symvers(k, path))
		fatal(path, "cannot open (is --kdir a kernel build directory?)");
	free(path);
}

/*
 * The symbol list in file order: System.map and /proc/kallsyms are both in
 * kallsyms order, the order in which klive.ko counts sympos.
 */
static void load_sysmap(struct kinfo *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0, ncap = 0;

	if (!f)
		fatal(path, "cannot open System.map");
	k->sysmap = strmap_new();
	while (fgets(line, sizeof(line), f)) {
		char addr[64], type[8], name[512];
		struct koccur *o;

		if (sscanf(line, "%63s %7s %511s", addr, type, name) != 3)
			continue;
		/* kallsyms dumps tag module symbols "[mod]": not vmlinux */
		if (strchr(line, '['))
			continue;
		o = strmap_get(k->sysmap, name);
		if (!o) {
			o = xcalloc(1, sizeof(*o));
			strmap_put(k->sysmap, name, o);
		}
		grow(&o->idx, &o->cap, o->n, sizeof(*o->idx));
		o->idx[o->n++] = k->nsymlist;
		grow(&k->symtypes, &cap, k->nsymlist, 1);
		grow(&k->symnames, &ncap, k->nsymlist, sizeof(*k->symnames));
		k->symnames[k->nsymlist] = xstrdup(name);
		k->symtypes[k->nsymlist++] = type[0];
	}
	fclose(f);
	/* Debian ships a one-line placeholder in /boot */
	if (k->nsymlist < 100) {
		k->sysmap = NULL;
		k->nsymlist = 0;
		return;
	}
	k->sysmap_path = xstrdup(path);
}

/* Config options and the objtool arguments Kbuild derives from them. */
static const struct {
	const char *opt, *arg;
} objtool_opts[] = {
	{ "CONFIG_HAVE_JUMP_LABEL_HACK", "--hacks=jump_label" },
	{ "CONFIG_HAVE_NOINSTR_HACK", "--hacks=noinstr" },
	{ "CONFIG_MITIGATION_CALL_DEPTH_TRACKING", "--hacks=skylake" },
	{ "CONFIG_CALL_DEPTH_TRACKING", "--hacks=skylake" },
	{ "CONFIG_UNWINDER_ORC", "--orc" },
	{ "CONFIG_RETPOLINE", "--retpoline" },
	{ "CONFIG_MITIGATION_RETPOLINE", "--retpoline" },
	{ "CONFIG_RETHUNK", "--rethunk" },
	{ "CONFIG_MITIGATION_RETHUNK", "--rethunk" },
	{ "CONFIG_SLS", "--sls" },
	{ "CONFIG_MITIGATION_SLS", "--sls" },
	{ "CONFIG_HAVE_STATIC_CALL_INLINE", "--static-call" },
	{ "CONFIG_HAVE_UACCESS_VALIDATION", "--uaccess" },
};

static void objtool_option(struct kinfo *k, const char *line)
{
	size_t i, n = 0;

	while (k->objtool_args[n])
		n++;
	for (i = 0; i < sizeof(objtool_opts) / sizeof(objtool_opts[0]); i++) {
		size_t len = strlen(objtool_opts[i].opt);

		if (!strncmp(line, objtool_opts[i].opt, len) && !strcmp(line + len, "=y\n") &&
		    n < 14)
			k->objtool_args[n++] = xstrdup(objtool_opts[i].arg);
	}
}

static void load_config(struct kinfo *k)
{
	char *path = xasprintf("%s/.config", k->kdir);
	FILE *f = fopen(path, "r");
	char line[512];
	bool padding = false;
	unsigned int bytes = 0;

	if (!f)
		fatal(path, "cannot open the kernel config");
	while (fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "CONFIG_UNWINDER_ORC=y\n"))
			k->orc = true;
		else if (!strcmp(line, "CONFIG_X86_KERNEL_IBT=y\n"))
			k->ibt = true;
		else if (!strcmp(line, "CONFIG_RETHUNK=y\n") ||
			 !strcmp(line, "CONFIG_MITIGATION_RETHUNK=y\n"))
			k->rethunk = true;
		else if (!strcmp(line, "CONFIG_MODVERSIONS=y\n"))
			k->modversions = true;
		else if (!strcmp(line, "CONFIG_DEBUG_INFO_BTF=y\n"))
			k->btf = true;
		else if (!strcmp(line, "CONFIG_CALL_PADDING=y\n"))
			padding = true;
		else
			sscanf(line, "CONFIG_FUNCTION_PADDING_BYTES=%u", &bytes);
		objtool_option(k, line);
	}
	fclose(f);
	free(path);
	k->padding = padding ? bytes : 0;
}

/*
 * The running kernel's /proc/kallsyms, when KDIR is for the running release
 * and it shows addresses (kptr_restrict, root): kallsyms order is what
 * klive.ko counts in.
 */
static bool running_kallsyms(const struct kinfo *k)
{
	struct utsname u;
	unsigned long long addr = 0;
	char *line;
	bool ok;

	if (uname(&u) || strcmp(u.release, k->release))
		return false;
	line = read_line("/proc/kallsyms");
	ok = line && sscanf(line, "%llx", &addr) == 1 && addr;
	free(line);
	return ok;
}

void kinfo_load(struct kinfo *k, const char *kdir, const char *sysmap)
{
	struct stat st;
	char *p;

	memset(k, 0, sizeof(*k));
	k->kdir = kdir;
	if (stat(kdir, &st) || !S_ISDIR(st.st_mode))
		fatal(kdir, "kernel build directory does not exist (use --kdir)");
	load_release(k);
	load_config(k);
	load_symvers(k);
	if (sysmap && !*sysmap)
		return;		/* --no-system-map */
	if (sysmap) {
		load_sysmap(k, sysmap);
		if (!k->sysmap)
			fatal(sysmap, "not a System.map (too few symbols)");
		return;
	}
	p = xasprintf("%s/System.map", kdir);
	if (!is_file(p)) {
		free(p);
		p = xasprintf("/boot/System.map-%s", k->release);
	}
	if (is_file(p))
		load_sysmap(k, p);
	free(p);
	if (!k->sysmap && running_kallsyms(k))
		load_sysmap(k, "/proc/kallsyms");
}

const char *kinfo_export_module(const struct kinfo *k, const char *name)
{
	return strmap_get(k->exports, name);
}

const char *kinfo_export_ns(const struct kinfo *k, const char *name)
{
	const char *v = strmap_get(k->exports, name);

	if (!v)
		return NULL;
	v += strlen(v) + 1;	/* the type */
	v += strlen(v) + 1;
	return *v ? v : NULL;
}

long kinfo_sysmap_count(const struct kinfo *k, const char *name)
{
	const struct koccur *o;

	if (!k->sysmap)
		return -1;
	o = strmap_get(k->sysmap, name);
	return o ? (long)o->n : 0;
}

/* Whether type letter T can be a symbol of binding GLOBAL and class CLS. */
static bool type_fits(char t, bool global, enum ksym_class cls)
{
	if (t == 'w' || t == 'W' || t == 'v' || t == 'V')
		return global;	/* weak */
	if (!isalpha((unsigned char)t) || !!isupper((unsigned char)t) != global)
		return false;
	t = (char)tolower((unsigned char)t);
	if (cls == KS_TEXT)
		return t == 't';
	if (cls == KS_DATA)
		return t == 'd' || t == 'b' || t == 'r';
	return true;
}

/*
 * Tell same-named symbols apart by their neighbourhood. The linker keeps an
 * object's sections whole, so the object's other symbols of the same area
 * (NEAR) lie within 2 * NNEAR entries of the right occurrence (2: 6.12 adds
 * a __pfx_ symbol before each function). Only neighbours whose names are
 * unique in the list count as evidence.
 * An occurrence is picked only when it has MIN(2, evidence available) such
 * neighbours within the window and every other candidate has none; a global
 * symbol needs no neighbours when only one candidate is global.
 */
char *kinfo_pick_sympos(const struct kinfo *k, const char *name, bool global,
			enum ksym_class cls, char *const *near, size_t nnear, long *pos)
{
	const struct koccur *o = strmap_get(k->sysmap, name);
	size_t window = 2 * nnear + 8, evidence = 0, i, j, fit = 0, supported = 0;
	long pick = 0;
	size_t *support = xcalloc(o->n, sizeof(*support));
	char *err = NULL;

	for (j = 0; j < nnear; j++) {
		const struct koccur *u = strmap_get(k->sysmap, near[j]);

		if (!u || u->n != 1 || !strcmp(near[j], name))
			continue;
		evidence++;
		for (i = 0; i < o->n; i++) {
			size_t a = o->idx[i], b = u->idx[0];

			if ((a > b ? a - b : b - a) <= window)
				support[i]++;
		}
	}
	for (i = 0; i < o->n; i++) {
		if (type_fits(k->symtypes[o->idx[i]], global, cls)) {
			fit++;
			if (global)
				pick = (long)i + 1;
		}
	}
	if (global && fit == 1)
		goto out;
	pick = 0;
	for (i = 0; i < o->n; i++) {
		if (!support[i])
			continue;
		supported++;
		if (support[i] >= (evidence < 2 ? evidence : 2) &&
		    type_fits(k->symtypes[o->idx[i]], global, cls))
			pick = (long)i + 1;
	}
	if (!evidence)
		err = xasprintf("ambiguous symbol '%s' (%zu candidates in %s, and no other symbol of its object is unique there to tell them apart); refusing to guess",
				name, o->n, k->sysmap_path);
	else if (supported != 1 || !pick)
		err = xasprintf("ambiguous symbol '%s' (%zu candidates in %s, %zu of them next to other symbols of its object); refusing to guess",
				name, o->n, k->sysmap_path, supported);
out:
	free(support);
	*pos = pick;
	return err;
}

/*
 * The linker keeps an object's section whole, so its symbols follow each
 * other in kallsyms order exactly as in the object. Where an object has
 * many same-named statics (the __already_done.N flags of WARN_ONCE), their
 * neighbours are ambiguous too, but the whole run of names is not.
 */
long kinfo_run_sympos(const struct kinfo *k, const char *name,
		      char *const *run, size_t nrun, size_t self)
{
	const struct koccur *o = strmap_get(k->sysmap, name);
	long pick = 0;
	size_t i, j;

	/* two names in a row can be a coincidence; three rarely are */
	if (!o || nrun < 3 || self >= nrun)
		return 0;
	for (i = 0; i < o->n; i++) {
		size_t at = o->idx[i];

		if (at < self || at - self + nrun > k->nsymlist)
			continue;
		for (j = 0; j < nrun; j++)
			if (strcmp(k->symnames[at - self + j], run[j]))
				break;
		if (j < nrun)
			continue;
		if (pick)
			return 0;	/* twice: no better than a guess */
		pick = (long)i + 1;
	}
	return pick;
}
