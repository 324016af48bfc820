// SPDX-License-Identifier: GPL-2.0
/* symev.c - find same-named vmlinux symbols by the neighbours a patch records (struct klive_symev). */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/bsearch.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include "klive_internal.h"

/* Bounds of one record; far above what patchgen writes. */
#define KLIVE_SYMEVS_MAX	4096
#define KLIVE_SYMEV_NAMES_MAX	65536

/* A copy of the @n names at @src, each at most KSYM_NAME_LEN - 1 long. */
static int klive_symev_dup_names(const char *const **dst, const char *const *src,
				 unsigned int n)
{
	const char **names;
	unsigned int i;

	*dst = NULL;
	if (!n)
		return 0;
	if (n > KLIVE_SYMEV_NAMES_MAX || !src)
		return -EINVAL;
	names = kcalloc(n, sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	*dst = names;
	for (i = 0; i < n; i++) {
		if (!src[i] || strnlen(src[i], KSYM_NAME_LEN) == KSYM_NAME_LEN)
			return -EINVAL;
		names[i] = kstrdup(src[i], GFP_KERNEL);
		if (!names[i])
			return -ENOMEM;
	}
	return 0;
}

static void klive_symev_free_names(const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; names && i < n; i++)
		kfree(names[i]);
	kfree(names);
}

void klive_symev_free(const struct klive_object *obj)
{
	unsigned int i;

	for (i = 0; i < obj->nr_symevs; i++) {
		const struct klive_symev *ev = &obj->symevs[i];

		kfree(ev->name);
		klive_symev_free_names(ev->run, ev->nr_run);
		klive_symev_free_names(ev->near, ev->nr_near);
	}
	kfree(obj->symevs);
}

/*
 * Copy the @n records at @src into @obj; on error what was copied stays
 * reachable from @obj for klive_symev_free(). A fresh copy must be the
 * patch module's own data.
 */
int klive_symev_copy(struct klive_object *obj, const struct klive_symev *src,
		     unsigned int n, const struct module *mod)
{
	struct klive_symev *evs;
	unsigned int i;
	int ret;

	obj->symevs = NULL;
	obj->nr_symevs = 0;
	if (!n)
		return 0;
	if (n > KLIVE_SYMEVS_MAX || !src)
		return -EINVAL;
	evs = kcalloc(n, sizeof(*evs), GFP_KERNEL);
	if (!evs)
		return -ENOMEM;
	obj->symevs = evs;
	for (i = 0; i < n; i++) {
		struct klive_symev *ev = &evs[i];

		obj->nr_symevs = i + 1;
		if (!src[i].name ||
		    strnlen(src[i].name, KSYM_NAME_LEN) == KSYM_NAME_LEN ||
		    (src[i].nr_run && src[i].run_self >= src[i].nr_run) ||
		    (src[i].fallback &&
		     !klive_in_module_data((unsigned long)src[i].fallback, 1,
					   mod)))
			return -EINVAL;
		ev->name = kstrdup(src[i].name, GFP_KERNEL);
		if (!ev->name)
			return -ENOMEM;
		ev->run_self = src[i].run_self;
		ev->text = src[i].text;
		ev->fallback = src[i].fallback;
		ret = klive_symev_dup_names(&ev->run, src[i].run,
					    src[i].nr_run);
		ev->nr_run = ev->run ? src[i].nr_run : 0;
		if (ret)
			return ret;
		ret = klive_symev_dup_names(&ev->near, src[i].near,
					    src[i].nr_near);
		ev->nr_near = ev->near ? src[i].nr_near : 0;
		if (ret)
			return ret;
	}
	return 0;
}

/* A neighbour's name: how often, and where (last), kallsyms has it. */
struct klive_near {
	const char *name;
	unsigned long idx;
	unsigned long count;
};

/* What the walk of kallsyms gathers for one record. */
struct klive_symev_scan {
	const struct klive_symev *ev;
	unsigned long idx;		/* kallsyms index of the current symbol */
	unsigned long *occ;		/* indices of the candidates */
	unsigned long *occ_addr;
	unsigned int nocc, capocc;
	unsigned int *active;		/* j: run[0..j-1] ends here, distinct */
	unsigned int nactive;
	unsigned int run_hits;
	unsigned long run_pick;		/* 1-based among the candidates */
	struct klive_near *near;	/* sorted by name */
	int err;
};

static int klive_near_cmp(const void *a, const void *b)
{
	return strcmp(((const struct klive_near *)a)->name,
		      ((const struct klive_near *)b)->name);
}

static int klive_near_key(const void *key, const void *elt)
{
	return strcmp(key, ((const struct klive_near *)elt)->name);
}

static int klive_symev_add_occ(struct klive_symev_scan *s, unsigned long addr)
{
	if (s->nocc == s->capocc) {
		unsigned int cap = s->capocc ? 2 * s->capocc : 16;
		unsigned long *o, *a;

		o = krealloc_array(s->occ, cap, sizeof(*o), GFP_KERNEL);
		if (!o)
			return -ENOMEM;
		s->occ = o;
		a = krealloc_array(s->occ_addr, cap, sizeof(*a), GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		s->occ_addr = a;
		s->capocc = cap;
	}
	s->occ[s->nocc] = s->idx;
	s->occ_addr[s->nocc++] = addr;
	return 0;
}

/* The run ends at the current symbol: which candidate is its symbol? */
static void klive_symev_run_hit(struct klive_symev_scan *s)
{
	unsigned long at = s->idx + 1 - s->ev->nr_run + s->ev->run_self;
	unsigned int i = s->nocc;

	while (i-- > 0) {
		if (s->occ[i] == at) {
			s->run_hits++;
			s->run_pick = i + 1;
			return;
		}
	}
}

/* The symbol @name at @addr, next in kallsyms order, for one record. */
static int klive_symev_step(struct klive_symev_scan *s, const char *name,
			    unsigned long addr)
{
	const struct klive_symev *ev = s->ev;
	struct klive_near *n;
	unsigned int j, k;
	int ret;

	if (!strcmp(name, ev->name)) {
		ret = klive_symev_add_occ(s, addr);
		if (ret)
			return ret;
	}
	if (ev->nr_run >= 3) {
		/* partial matches go on or end; at most nr_run of them */
		for (j = 0, k = 0; j < s->nactive; j++) {
			unsigned int next = s->active[j];

			if (strcmp(name, ev->run[next]))
				continue;
			if (next + 1 == ev->nr_run)
				klive_symev_run_hit(s);
			else
				s->active[k++] = next + 1;
		}
		if (!strcmp(name, ev->run[0]))
			s->active[k++] = 1;
		s->nactive = k;
	}
	n = ev->nr_near ? bsearch(name, s->near, ev->nr_near, sizeof(*n),
				  klive_near_key) : NULL;
	if (n) {
		n->count++;
		n->idx = s->idx;
	}
	s->idx++;
	return 0;
}

/* All records of an object share one walk of kallsyms. */
struct klive_symev_walk {
	struct klive_symev_scan *scans;
	unsigned int n;
	int err;
};

static int klive_symev_cb(KLIVE_SYM_CB_ARGS)
{
	struct klive_symev_walk *w = data;
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		w->err = klive_symev_step(&w->scans[i], name, addr);
		if (w->err)
			return 1;
	}
	return 0;
}

/* Is the candidate at @addr of the record's class (code or data)? */
static bool klive_symev_fits(const struct klive_symev *ev, unsigned long addr)
{
	return !!ev->text == klive_in_kernel_text(addr);
}

/*
 * The neighbour rule: the candidate near which the object's other symbols
 * that are unique in kallsyms lie, when it is the only one near any.
 */
static unsigned long klive_symev_near(struct klive_symev_scan *s,
				      unsigned int *evidence,
				      unsigned int *supported)
{
	const struct klive_symev *ev = s->ev;
	unsigned long window = 2UL * ev->nr_near + 8, pick = 0;
	unsigned int i, j, need, *support;

	*evidence = 0;
	*supported = 0;
	support = kcalloc(s->nocc, sizeof(*support), GFP_KERNEL);
	if (!support) {
		s->err = -ENOMEM;
		return 0;
	}
	for (j = 0; j < ev->nr_near; j++) {
		const struct klive_near *n = &s->near[j];

		if (n->count != 1 || !strcmp(n->name, ev->name))
			continue;
		(*evidence)++;
		for (i = 0; i < s->nocc; i++) {
			unsigned long a = s->occ[i], b = n->idx;

			if ((a > b ? a - b : b - a) <= window)
				support[i]++;
		}
	}
	need = *evidence < 2 ? *evidence : 2;
	for (i = 0; i < s->nocc; i++) {
		if (!support[i])
			continue;
		(*supported)++;
		if (support[i] >= need && klive_symev_fits(ev, s->occ_addr[i]))
			pick = i + 1;
	}
	kfree(support);
	return *supported == 1 ? pick : 0;
}

/* Set up the walk of record @ev; klive_symev_release() undoes it. */
static int klive_symev_prepare(struct klive_symev_scan *s,
			       const struct klive_symev *ev)
{
	unsigned int j;

	s->ev = ev;
	if (ev->nr_run >= 3) {
		s->active = kcalloc(ev->nr_run, sizeof(*s->active),
				    GFP_KERNEL);
		if (!s->active)
			return -ENOMEM;
	}
	if (ev->nr_near) {
		s->near = kcalloc(ev->nr_near, sizeof(*s->near), GFP_KERNEL);
		if (!s->near)
			return -ENOMEM;
		for (j = 0; j < ev->nr_near; j++)
			s->near[j].name = ev->near[j];
		sort(s->near, ev->nr_near, sizeof(*s->near), klive_near_cmp,
		     NULL);
	}
	return 0;
}

static void klive_symev_release(struct klive_symev_scan *s)
{
	kfree(s->near);
	kfree(s->active);
	kfree(s->occ);
	kfree(s->occ_addr);
}

/*
 * After the walk: sympos of the record's symbol in vmlinux, 0 when its
 * name is unique (or absent: the lookup says so), else the candidate the
 * evidence picks; -ENOENT when undecided (logged).
 */
static long klive_symev_decide(const struct klive_patch *patch,
			       struct klive_symev_scan *s)
{
	const struct klive_symev *ev = s->ev;
	unsigned int evidence = 0, supported = 0;
	long pos;

	if (s->nocc <= 1)
		return 0;
	/* a whole run twice is no better than a guess */
	if (ev->nr_run >= 3 && s->run_hits == 1)
		pos = s->run_pick;
	else
		pos = klive_symev_near(s, &evidence, &supported);
	if (s->err)
		return s->err;
	if (pos) {
		pr_info("%s: %s is the symbol %ld of %u of that name in kallsyms (by its object's neighbours)\n",
			patch->name, ev->name, pos, s->nocc);
		return pos;
	}
	if (ev->fallback)
		pr_info("%s: print-once flag %s cannot be told apart among %u in kallsyms: the patch uses its own copy\n",
			patch->name, ev->name, s->nocc);
	else if (!evidence)
		pr_err("%s: ambiguous symbol %s (%u candidates in kallsyms, and no other symbol of its object is unique there to tell them apart); refusing to guess\n",
		       patch->name, ev->name, s->nocc);
	else
		pr_err("%s: ambiguous symbol %s (%u candidates in kallsyms, %u of them next to other symbols of its object); refusing to guess\n",
		       patch->name, ev->name, s->nocc, supported);
	return -ENOENT;
}

/* Give every reference of @obj to the record's name with sympos 0 @pos. */
static void klive_symev_set(struct klive_object *obj, const char *name,
			    unsigned long pos)
{
	struct klive_func *funcs = (struct klive_func *)obj->funcs;
	struct klive_reloc *relocs = (struct klive_reloc *)obj->relocs;
	unsigned int j, k;

	/* only data (a print-once flag) has a fresh copy */
	for (j = 0; pos != KLIVE_SYMPOS_FRESH && j < obj->nr_funcs; j++) {
		struct klive_piece *pc = (struct klive_piece *)funcs[j].old_pieces;

		if (!funcs[j].old_sympos && !strcmp(funcs[j].old_name, name))
			funcs[j].old_sympos = pos;
		for (k = 0; k < funcs[j].nr_old_pieces; k++)
			if (!pc[k].sympos && !strcmp(pc[k].name, name))
				pc[k].sympos = pos;
	}
	for (j = 0; j < obj->nr_relocs; j++)
		if (!relocs[j].sympos && !strcmp(relocs[j].sym, name))
			relocs[j].sympos = pos;
}

/* One walk of kallsyms for the records of @obj, then their decisions. */
static int klive_symev_resolve_obj(const struct klive_patch *patch,
				   struct klive_object *obj)
{
	struct klive_symev_walk w = { .n = obj->nr_symevs };
	unsigned int j;
	long pos;
	int ret = 0;

	if (!w.n)
		return 0;
	w.scans = kcalloc(w.n, sizeof(*w.scans), GFP_KERNEL);
	if (!w.scans)
		return -ENOMEM;
	for (j = 0; j < w.n && !ret; j++)
		ret = klive_symev_prepare(&w.scans[j], &obj->symevs[j]);
	if (!ret) {
		klive_on_each_symbol(klive_symev_cb, &w);
		ret = w.err;
	}
	for (j = 0; j < w.n && !ret; j++) {
		const struct klive_symev *ev = &obj->symevs[j];

		pos = klive_symev_decide(patch, &w.scans[j]);
		if (pos == -ENOENT && ev->fallback)
			klive_symev_set(obj, ev->name, KLIVE_SYMPOS_FRESH);
		else if (pos == -ENOENT)
			ret = -EEXIST;
		else if (pos < 0)
			ret = pos;
		else if (pos)
			klive_symev_set(obj, ev->name, pos);
	}
	for (j = 0; j < w.n; j++)
		klive_symev_release(&w.scans[j]);
	kfree(w.scans);
	return ret;
}

/*
 * Resolve the records of klive's copy @patch: each reference to an
 * ambiguous name gets the sympos its evidence picks, or the fresh copy
 * (KLIVE_SYMPOS_FRESH); the patch is refused when neither exists.
 */
int klive_symev_resolve(struct klive_patch *patch)
{
	unsigned int i;
	int ret;

	for (i = 0; i < patch->nr_objs; i++) {
		ret = klive_symev_resolve_obj(patch, (struct klive_object *)
					      &patch->objs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The patch module's fresh copy of @name, for KLIVE_SYMPOS_FRESH. */
unsigned long klive_symev_fresh(const struct klive_object *obj,
				const char *name)
{
	unsigned int j;

	for (j = 0; j < obj->nr_symevs; j++)
		if (obj->symevs[j].fallback && !strcmp(obj->symevs[j].name, name))
			return (unsigned long)obj->symevs[j].fallback;
	return 0;
}
