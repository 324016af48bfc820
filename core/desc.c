// SPDX-License-Identifier: GPL-2.0
/* desc.c - take klive's own copy of a patch description, check it, and free it. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "klive_internal.h"

/* Bounds of a description; far above what patchgen writes. */
#define KLIVE_OBJS_MAX		64
#define KLIVE_FUNCS_MAX		4096
#define KLIVE_RELOCS_MAX	65536
#define KLIVE_PIECES_MAX	16
#define KLIVE_LAYOUTS_MAX	16384
#define KLIVE_MEMBERS_MAX	4096
#define KLIVE_CODE_MAX		(256 * 1024)	/* bytes of one old function */
#define KLIVE_STATES_MAX	256

/* Names become sysfs directories: keep them plain. */
static bool klive_valid_name(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strnlen(name, KLIVE_NAME_MAX);
	if (len == 0 || len == KLIVE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	}
	return true;
}

/* A copy of string @s of at most @max - 1 characters; NULL stays NULL. */
static int klive_dup_str(const char **dst, const char *s, size_t max)
{
	*dst = NULL;
	if (!s)
		return 0;
	if (strnlen(s, max) == max)
		return -EINVAL;
	*dst = kstrndup(s, max, GFP_KERNEL);
	return *dst ? 0 : -ENOMEM;
}

/* A copy of array @src of @n elements of @size bytes, at most @max. */
static int klive_dup_array(const void **dst, const void *src, unsigned int n,
			   unsigned int max, size_t size)
{
	*dst = NULL;
	if (!n)
		return 0;
	if (n > max || !src)
		return -EINVAL;
	/* n <= max keeps n * size far from overflowing */
	*dst = kmemdup(src, n * size, GFP_KERNEL);
	return *dst ? 0 : -ENOMEM;
}

/*
 * A copy into *@dcode and *@dmask of an old function's (or piece's)
 * recorded code @code and mask @mask of @size bytes, read only from the
 * patch module's read-only data: a description pointing elsewhere is
 * malformed.
 */
static int klive_copy_code(const unsigned char **dcode,
			   const unsigned char **dmask,
			   const unsigned char *code, const unsigned char *mask,
			   unsigned int size, const struct module *mod)
{
	size_t mlen = DIV_ROUND_UP(size, 8);

	*dcode = NULL;
	*dmask = NULL;
	if (!code && !mask && !size)
		return 0;
	if (!code || !mask || !size || size > KLIVE_CODE_MAX ||
	    !klive_in_module_rodata((unsigned long)code, size, mod) ||
	    !klive_in_module_rodata((unsigned long)mask, mlen, mod))
		return -EINVAL;
	*dcode = kmemdup(code, size, GFP_KERNEL);
	*dmask = kmemdup(mask, mlen, GFP_KERNEL);
	return *dcode && *dmask ? 0 : -ENOMEM;
}

static int klive_copy_func(struct klive_func *f, const struct module *mod)
{
	const unsigned char *code = f->old_code, *mask = f->old_mask;
	const struct klive_piece *src = f->old_pieces;
	struct klive_piece *pieces;
	unsigned int k;
	int ret;

	/* until copied, nothing here is klive's to free */
	f->old_pieces = NULL;
	f->old_code = NULL;
	f->old_mask = NULL;
	ret = klive_dup_str(&f->old_name, f->old_name, KSYM_NAME_LEN) ?:
	      klive_dup_array((const void **)&f->old_pieces, src,
			      f->nr_old_pieces, KLIVE_PIECES_MAX,
			      sizeof(*f->old_pieces));
	if (ret) {
		f->nr_old_pieces = 0;
		return ret;
	}
	pieces = (struct klive_piece *)f->old_pieces;
	/* the module's pointers until copied: nothing here to free yet */
	for (k = 0; k < f->nr_old_pieces; k++) {
		pieces[k].old_code = NULL;
		pieces[k].old_mask = NULL;
	}
	for (k = 0; k < f->nr_old_pieces; k++) {
		ret = klive_dup_str(&pieces[k].name, pieces[k].name,
				    KSYM_NAME_LEN);
		if (ret) {
			f->nr_old_pieces = k;
			return ret;
		}
		ret = klive_copy_code(&pieces[k].old_code, &pieces[k].old_mask,
				      src[k].old_code, src[k].old_mask,
				      src[k].old_size, mod);
		if (ret) {
			f->nr_old_pieces = k + 1;
			return ret;
		}
	}
	return klive_copy_code(&f->old_code, &f->old_mask, code, mask,
			       f->old_size, mod);
}

/*
 * Copy the @n layouts at @src into @obj; on error what was copied stays
 * reachable from @obj (counts cut to the copied part).
 */
static int klive_copy_layouts(struct klive_object *obj,
			      const struct klive_layout *src, unsigned int n)
{
	struct klive_layout *lay;
	struct klive_member *m;
	unsigned int j, k, nm;
	int ret;

	ret = klive_dup_array((const void **)&obj->layouts, src, n,
			      KLIVE_LAYOUTS_MAX, sizeof(*src));
	if (ret)
		return ret;
	lay = (struct klive_layout *)obj->layouts;
	for (j = 0; j < n; j++) {
		nm = lay[j].nr_members;
		lay[j].nr_members = 0;
		ret = klive_dup_str(&lay[j].name, lay[j].name, KSYM_NAME_LEN);
		if (ret)
			lay[j].members = NULL;
		else
			ret = klive_dup_array((const void **)&lay[j].members,
					      lay[j].members, nm,
					      KLIVE_MEMBERS_MAX, sizeof(*m));
		obj->nr_layouts = j + 1;
		if (ret)
			return ret;
		m = (struct klive_member *)lay[j].members;
		for (k = 0; k < nm; k++, lay[j].nr_members++) {
			ret = klive_dup_str(&m[k].name, m[k].name,
					    KSYM_NAME_LEN);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Copy one object; on error what was copied stays reachable from @obj
 * (counts cut to the copied part) for klive_desc_free().
 */
static int klive_copy_obj(struct klive_object *obj, const struct module *mod)
{
	const struct klive_layout *layouts = obj->layouts;
	const struct klive_symev *symevs = obj->symevs;
	unsigned int n, j, nr_layouts = obj->nr_layouts;
	unsigned int nr_symevs = obj->nr_symevs;
	struct klive_func *funcs;
	struct klive_reloc *relocs;
	int ret;

	/* the module's until copied: nothing to free */
	obj->layouts = NULL;
	obj->nr_layouts = 0;
	obj->symevs = NULL;
	obj->nr_symevs = 0;
	ret = klive_dup_str(&obj->name, obj->name, KLIVE_NAME_MAX);
	if (ret) {
		obj->funcs = NULL;
		obj->relocs = NULL;
		obj->nr_funcs = obj->nr_relocs = 0;
		return ret;
	}
	n = obj->nr_relocs;
	ret = klive_dup_array((const void **)&obj->relocs, obj->relocs, n,
			      KLIVE_RELOCS_MAX, sizeof(*obj->relocs));
	relocs = (struct klive_reloc *)obj->relocs;
	obj->nr_relocs = 0;
	for (j = 0; !ret && j < n; j++, obj->nr_relocs++)
		ret = klive_dup_str(&relocs[j].sym, relocs[j].sym,
				    KSYM_NAME_LEN);
	if (ret) {
		obj->funcs = NULL;
		obj->nr_funcs = 0;
		return ret;
	}
	n = obj->nr_funcs;
	ret = klive_dup_array((const void **)&obj->funcs, obj->funcs, n,
			      KLIVE_FUNCS_MAX, sizeof(*obj->funcs));
	funcs = (struct klive_func *)obj->funcs;
	obj->nr_funcs = 0;
	for (j = 0; !ret && j < n; j++) {
		ret = klive_copy_func(&funcs[j], mod);
		obj->nr_funcs++;
	}
	return ret ?: klive_copy_layouts(obj, layouts, nr_layouts) ?:
	       klive_symev_copy(obj, symevs, nr_symevs, mod);
}

void klive_desc_free(struct klive_patch *d)
{
	unsigned int i, j, k;

	if (!d)
		return;
	for (i = 0; i < d->nr_objs; i++) {
		const struct klive_object *obj = &d->objs[i];

		for (j = 0; j < obj->nr_funcs; j++) {
			const struct klive_func *f = &obj->funcs[j];

			for (k = 0; k < f->nr_old_pieces; k++) {
				kfree(f->old_pieces[k].name);
				kfree(f->old_pieces[k].old_code);
				kfree(f->old_pieces[k].old_mask);
			}
			kfree(f->old_pieces);
			kfree(f->old_name);
			kfree(f->old_code);
			kfree(f->old_mask);
		}
		for (j = 0; j < obj->nr_relocs; j++)
			kfree(obj->relocs[j].sym);
		for (j = 0; j < obj->nr_layouts; j++) {
			const struct klive_layout *l = &obj->layouts[j];

			for (k = 0; k < l->nr_members; k++)
				kfree(l->members[k].name);
			kfree(l->members);
			kfree(l->name);
		}
		klive_symev_free(obj);
		kfree(obj->layouts);
		kfree(obj->funcs);
		kfree(obj->relocs);
		kfree(obj->name);
	}
	kfree(d->objs);
	kfree(d->states);
	kfree(d->name);
	kfree(d);
}

/*
 * klive's own copy of @in: what is checked is what is used, whatever the
 * patch module does with its description afterwards.
 */
static struct klive_patch *klive_desc_copy(const struct klive_patch *in)
{
	struct klive_patch *d;
	unsigned int i, n;
	int ret;

	d = kmemdup(in, sizeof(*in), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->name = NULL;
	d->objs = NULL;
	d->states = NULL;
	n = d->nr_objs;
	d->nr_objs = 0;
	/* ids and versions only: the data stays the module's (in->states) */
	ret = klive_dup_array((const void **)&d->states, in->states,
			      in->nr_states, KLIVE_STATES_MAX,
			      sizeof(*in->states));
	if (ret)
		d->nr_states = 0;
	for (i = 0; i < d->nr_states; i++)
		d->states[i].data = NULL;
	if (!ret)
		ret = klive_dup_str(&d->name, in->name, KLIVE_NAME_MAX);
	if (!ret)
		ret = klive_dup_array((const void **)&d->objs, in->objs, n,
				      KLIVE_OBJS_MAX, sizeof(*in->objs));
	for (i = 0; !ret && i < n; i++) {
		ret = klive_copy_obj((struct klive_object *)&d->objs[i],
				     in->mod);
		d->nr_objs++;
	}
	if (ret) {
		klive_desc_free(d);
		return ERR_PTR(ret);
	}
	return d;
}

/* Check klive's copy: names, counts, no object twice, some function. */
static int klive_desc_check(const struct klive_patch *patch)
{
	const char *pname = patch->name;
	unsigned int i, j, k, nr_funcs = 0;

	if (!klive_valid_name(pname)) {
		pr_err("%s: patch name must be 1-%d characters of [A-Za-z0-9_-]\n",
		       pname ?: "(null)", KLIVE_NAME_MAX - 1);
		return -EINVAL;
	}
	if (!patch->nr_objs) {
		pr_err("%s: patch has no objects\n", pname);
		return -EINVAL;
	}
	for (i = 0; i < patch->nr_objs; i++) {
		const struct klive_object *obj = &patch->objs[i];

		if (obj->name && (!klive_valid_name(obj->name) ||
				  !strcmp(obj->name, "vmlinux"))) {
			pr_err("%s: object %u has an invalid module name\n",
			       pname, i);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			const char *a = obj->name, *b = patch->objs[j].name;

			if (a == b || (a && b && !strcmp(a, b))) {
				pr_err("%s: object %s is listed twice\n", pname,
				       a ?: "vmlinux");
				return -EINVAL;
			}
		}
		for (j = 0; j < obj->nr_funcs; j++) {
			const struct klive_func *f = &obj->funcs[j];
			bool ok = f->old_name && f->new_func;

			for (k = 0; k < f->nr_old_pieces; k++)
				ok = ok && f->old_pieces[k].name;
			if (!ok) {
				pr_err("%s: function %u of %s is malformed\n",
				       pname, j, obj->name ?: "vmlinux");
				return -EINVAL;
			}
		}
		if (obj->name && obj->nr_symevs) {
			pr_err("%s: symbol evidence is for vmlinux only, not %s\n",
			       pname, obj->name);
			return -EINVAL;
		}
		for (j = 0; j < obj->nr_layouts; j++) {
			if (!obj->layouts[j].name) {
				pr_err("%s: type layout %u in %s has no name\n",
				       pname, j, obj->name ?: "vmlinux");
				return -EINVAL;
			}
		}
		for (j = 0; j < obj->nr_relocs; j++) {
			if (!obj->relocs[j].sym) {
				pr_err("%s: relocation %u in %s has no symbol\n",
				       pname, j, obj->name ?: "vmlinux");
				return -EINVAL;
			}
		}
		nr_funcs += obj->nr_funcs;
	}
	/* as in the kernel, a patch may only set up states in its callbacks */
	if (!nr_funcs && !patch->nr_states && !patch->replace &&
	    !klive_has_callbacks(patch)) {
		pr_err("%s: patch has no functions, callbacks or states\n",
		       pname);
		return -EINVAL;
	}
	return klive_check_callbacks(patch) ?: klive_check_states(patch);
}

/*
 * Take and check klive's copy of the description @in handed to
 * klive_enable_patch(); an ERR_PTR (logged) if it cannot be used.
 */
struct klive_patch *klive_desc_take(const struct klive_patch *in)
{
	struct klive_patch *d;
	int ret;

	if (!in) {
		pr_err("(null): no patch given\n");
		return ERR_PTR(-EINVAL);
	}
	if (in->abi != KLIVE_ABI_VERSION) {
		pr_err("patch ABI %u, klive.ko implements %u: rebuild the patch with this klive's patchgen\n",
		       in->abi, KLIVE_ABI_VERSION);
		return ERR_PTR(-EINVAL);
	}
	/*
	 * Only the module's own init may enable it: until it is live no task
	 * switches, so a failing init cannot leave one in freed code.
	 */
	if (!in->mod || READ_ONCE(in->mod->state) != MODULE_STATE_COMING ||
	    !within_module_core((unsigned long)in, in->mod)) {
		pr_err("klive_enable_patch() must be called from the init of the module holding the patch\n");
		return ERR_PTR(-EINVAL);
	}
	d = klive_desc_copy(in);
	if (IS_ERR(d)) {
		pr_err("%s: malformed patch description (%ld)\n", in->mod->name,
		       PTR_ERR(d));
		return d;
	}
	ret = klive_desc_check(d);
	if (ret) {
		klive_desc_free(d);
		return ERR_PTR(ret);
	}
	return d;
}
