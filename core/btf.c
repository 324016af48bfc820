// SPDX-License-Identifier: GPL-2.0
/* btf.c - check the type layouts a patch was built against with the running kernel's BTF. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/bsearch.h>
#include <linux/kernel.h>
#include <linux/kernel_read_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <uapi/linux/btf.h>
#include "klive_internal.h"

/*
 * vmlinux's BTF lies between __start_BTF and __stop_BTF: read in its raw,
 * stable format (uapi/linux/btf.h), which both 6.1 and 6.12 have, rather
 * than through the kernel's BTF API, of which neither exports enough. A
 * module's BTF is split BTF on top of vmlinux's: its string offsets go on
 * from the end of vmlinux's strings. The loader frees the module's copy
 * once it runs, so it is read from /sys/kernel/btf/MODULE.
 */
struct klive_btf {
	const struct btf_header *hdr;
	const char *types, *strs;
	u32 types_len, strs_len;
	const struct klive_btf *base;	/* vmlinux's, for a module's */
};

/* One layout of the patch, and what the kernel's BTF said about it. */
struct klive_layout_check {
	const struct klive_layout *l;
	bool seen, matched;
	char why[160];			/* the first difference seen */
};

/* Check the header of raw BTF @h, @size bytes long, and point @b into it. */
static int klive_btf_parse(struct klive_btf *b, const void *data, size_t size)
{
	const struct btf_header *h = data;

	if (size < sizeof(*h))
		return -EINVAL;
	if (h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size ||
	    h->type_off > size - h->hdr_len ||
	    h->type_len > size - h->hdr_len - h->type_off ||
	    h->str_off > size - h->hdr_len ||
	    h->str_len > size - h->hdr_len - h->str_off || !h->str_len)
		return -EINVAL;
	b->hdr = h;
	b->types = (const char *)h + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = (const char *)h + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	b->base = NULL;
	return 0;
}

static int klive_btf_find(struct klive_btf *b)
{
	unsigned long start, stop;

	if (klive_lookup(NULL, "__start_BTF", 0, &start) ||
	    klive_lookup(NULL, "__stop_BTF", 0, &stop) || stop < start)
		return -ENOENT;
	return klive_btf_parse(b, (const void *)start, stop - start);
}

/*
 * Read module @name's BTF into *@data (vfree() it) and point @b into it,
 * on top of vmlinux's @base.
 */
static int klive_btf_module(struct klive_btf *b, const struct klive_btf *base,
			    const char *name, void **data)
{
	char path[MODULE_NAME_LEN + 16];
	size_t size = 0;
	ssize_t n;
	int ret;

	*data = NULL;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", name);
	n = kernel_read_file_from_path_initns(path, 0, data, INT_MAX, &size,
					      READING_UNKNOWN);
	if (n < 0)
		return n;
	ret = klive_btf_parse(b, *data, n);
	if (ret) {
		vfree(*data);
		*data = NULL;
		return ret;
	}
	b->base = base;
	return 0;
}

static const char *klive_btf_str(const struct klive_btf *b, u32 off)
{
	if (b->base) {
		if (off < b->base->strs_len)
			return klive_btf_str(b->base, off);
		off -= b->base->strs_len;
	}
	if (off >= b->strs_len || !memchr(b->strs + off, 0, b->strs_len - off))
		return NULL;
	return b->strs + off;
}

/* Bytes after struct btf_type that a type of @kind with @vlen entries has. */
static long klive_btf_extra(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
		return sizeof(u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static int klive_check_cmp(const void *a, const void *b)
{
	const struct klive_layout_check *x = a, *y = b;

	return strcmp(x->l->name, y->l->name);
}

static int klive_check_key(const void *key, const void *elt)
{
	const struct klive_layout_check *y = elt;

	return strcmp(key, y->l->name);
}

/* Whether BTF type @t (a struct or union named like @c) is @c's layout. */
static bool klive_btf_same(const struct klive_btf *b, const struct btf_type *t,
			   struct klive_layout_check *c)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);
	const struct klive_layout *l = c->l;
	unsigned int vlen = BTF_INFO_VLEN(t->info), i;
	bool kflag = BTF_INFO_KFLAG(t->info);

	if ((BTF_INFO_KIND(t->info) == BTF_KIND_UNION) != !!l->is_union) {
		snprintf(c->why, sizeof(c->why), "it is a%s there",
			 l->is_union ? " struct" : " union");
		return false;
	}
	if (t->size != l->size) {
		snprintf(c->why, sizeof(c->why), "size %u, the kernel's %u",
			 l->size, t->size);
		return false;
	}
	for (i = 0; i < vlen && i < l->nr_members; i++) {
		const struct klive_member *lm = &l->members[i];
		const char *name = klive_btf_str(b, m[i].name_off);
		u32 off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		u32 bits = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;

		if (!name)
			name = "";
		if (strcmp(lm->name ?: "", name) || lm->bit_offset != off ||
		    (kflag && lm->bit_size != bits)) {
			snprintf(c->why, sizeof(c->why),
				 "member %u '%s' at bit %u width %u, the kernel's '%s' at bit %u width %u",
				 i, lm->name ?: "", lm->bit_offset,
				 lm->bit_size, name, off, bits);
			return false;
		}
	}
	if (vlen != l->nr_members) {
		snprintf(c->why, sizeof(c->why), "%u members, the kernel's %u",
			 l->nr_members, vlen);
		return false;
	}
	return true;
}

/* Walk the BTF types once, comparing each named struct or union we know. */
static int klive_btf_walk(const struct klive_btf *b,
			  struct klive_layout_check *checks, unsigned int n)
{
	u32 pos = 0;

	while (pos < b->types_len) {
		const struct btf_type *t;
		unsigned int kind;
		long extra;

		if (b->types_len - pos < sizeof(*t))
			return -EINVAL;
		t = (const struct btf_type *)(b->types + pos);
		kind = BTF_INFO_KIND(t->info);
		extra = klive_btf_extra(kind, BTF_INFO_VLEN(t->info));
		if (extra < 0 || extra > b->types_len - pos - sizeof(*t))
			return -EINVAL;
		if ((kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) &&
		    t->name_off) {
			const char *name = klive_btf_str(b, t->name_off);
			struct klive_layout_check *c;

			c = name ? bsearch(name, checks, n, sizeof(*checks),
					   klive_check_key) : NULL;
			if (c && !c->matched) {
				/* a name BTF has several times: any one may be it */
				c->seen = true;
				c->matched = klive_btf_same(b, t, c);
			}
		}
		pos += sizeof(*t) + extra;
	}
	return 0;
}

/*
 * Refuse @obj of @patch if a layout its code was built against differs
 * from the running kernel's (vmlinux's BTF, and the module's for a module
 * object); without BTF say so and go on.
 */
static int klive_check_layouts_on(const struct klive_patch *patch,
				  const struct klive_object *obj,
				  const struct klive_btf *base)
{
	const char *what = obj->name ?: "vmlinux";
	struct klive_layout_check *checks;
	unsigned int i, n = obj->nr_layouts, missing = 0;
	struct klive_btf mb;
	void *mdata = NULL;
	int ret;

	if (obj->name) {
		/* without it, a type of the module could pass for vmlinux's */
		ret = klive_btf_module(&mb, base, obj->name, &mdata);
		if (ret) {
			pr_info("%s: module %s has no usable BTF (%d): its type layouts are not checked\n",
				patch->name, obj->name, ret);
			return 0;
		}
	}
	checks = kvcalloc(n, sizeof(*checks), GFP_KERNEL);
	if (!checks) {
		vfree(mdata);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		checks[i].l = &obj->layouts[i];
	sort(checks, n, sizeof(*checks), klive_check_cmp, NULL);
	ret = klive_btf_walk(base, checks, n);
	if (!ret && mdata)
		ret = klive_btf_walk(&mb, checks, n);
	if (ret) {
		pr_info("%s: the running kernel's BTF is malformed or too new: type layouts of %s not checked\n",
			patch->name, what);
		ret = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct klive_layout_check *c = &checks[i];

		if (!c->seen) {
			missing++;
		} else if (!c->matched) {
			pr_err("%s: %s %s differs from the running kernel's BTF (%s): the patch was built from another source or configuration\n",
			       patch->name, c->l->is_union ? "union" : "struct",
			       c->l->name, c->why);
			ret = -EINVAL;
			goto out;
		}
	}
	if (missing)
		pr_info("%s: %u of %u type layouts of %s are not in the running kernel's BTF, not checked\n",
			patch->name, missing, n, what);
out:
	kvfree(checks);
	vfree(mdata);
	return ret;
}

/*
 * Refuse object @obj of @patch if it was built against other layouts;
 * a module object is checked once its module is loaded (or coming: its
 * BTF is in sysfs from MODULE_STATE_COMING on).
 */
int klive_check_obj_layouts(const struct klive_patch *patch,
			    const struct klive_object *obj)
{
	struct klive_btf b;
	int ret;

	if (!obj->nr_layouts)
		return 0;
	ret = klive_btf_find(&b);
	if (ret) {
		pr_info("%s: the running kernel has no usable BTF (%d): type layouts not checked\n",
			patch->name, ret);
		return 0;
	}
	return klive_check_layouts_on(patch, obj, &b);
}
