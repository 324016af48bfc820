// SPDX-License-Identifier: GPL-2.0
/* reloc.c - write a patch module's references to unexported target symbols. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/elf.h>
#include <linux/module.h>
#include "klive_internal.h"

/* Compute the value and width of one relocation; -ERANGE on overflow. */
static int klive_reloc_value(const struct klive_reloc *r, unsigned long s,
			     u64 *val, size_t *len)
{
	u64 v = s + r->addend;

	switch (r->type) {
	case R_X86_64_64:
		*len = 8;
		break;
	case R_X86_64_32:
		*len = 4;
		if (v != (u32)v)
			return -ERANGE;
		break;
	case R_X86_64_32S:
		*len = 4;
		if ((s64)v != (s32)v)
			return -ERANGE;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		*len = 4;
		v -= (unsigned long)r->loc;
		if ((s64)v != (s32)v)
			return -ERANGE;
		break;
	default:
		return -EOPNOTSUPP;
	}
	*val = v;
	return 0;
}

static bool klive_overlaps(unsigned long addr, size_t len, const void *p,
			   size_t size)
{
	unsigned long b = (unsigned long)p;

	return p && size && addr < b + size && b < addr + len;
}

/*
 * Does [addr, addr+len) overlap the description klive reads (patch,
 * objects, functions, pieces, relocations)? Writing there would change
 * what was checked.
 */
static bool klive_in_description(const struct klive_patch *patch,
				 unsigned long addr, size_t len)
{
	unsigned int i, j;

	if (klive_overlaps(addr, len, patch, sizeof(*patch)) ||
	    klive_overlaps(addr, len, patch->objs,
			   patch->nr_objs * sizeof(*patch->objs)))
		return true;
	for (i = 0; i < patch->nr_objs; i++) {
		const struct klive_object *obj = &patch->objs[i];

		if (klive_overlaps(addr, len, obj->funcs,
				   obj->nr_funcs * sizeof(*obj->funcs)) ||
		    klive_overlaps(addr, len, obj->relocs,
				   obj->nr_relocs * sizeof(*obj->relocs)))
			return true;
		for (j = 0; j < obj->nr_funcs; j++) {
			const struct klive_func *f = &obj->funcs[j];

			if (klive_overlaps(addr, len, f->old_pieces,
					   f->nr_old_pieces *
					   sizeof(*f->old_pieces)))
				return true;
		}
	}
	return false;
}

/*
 * Resolve and write every relocation of one object. Only the patch module's
 * own core text and data may be written, never the patch description; its
 * text and read-only data are read-only here already.
 */
int klive_apply_relocs(struct klive_patch_state *kp, struct klive_obj_state *os)
{
	const struct klive_object *obj = os->obj;
	struct module *pmod = kp->patch->mod;
	const char *objname = obj->name ?: "vmlinux";
	unsigned int i;

	for (i = 0; i < obj->nr_relocs; i++) {
		const struct klive_reloc *r = &obj->relocs[i];
		unsigned long loc = (unsigned long)r->loc, s;
		size_t len = 0;
		u64 val;
		int ret;

		ret = klive_lookup(obj->name, r->sym, r->sympos, &s);
		if (ret) {
			pr_err("%s: relocation symbol %s (sympos %lu) %s in %s\n",
			       kp->name, r->sym, r->sympos,
			       ret == -EEXIST ? "is ambiguous" : "not found",
			       objname);
			return ret;
		}
		ret = klive_reloc_value(r, s, &val, &len);
		if (ret == -EOPNOTSUPP) {
			pr_err("%s: relocation type %u for %s is not supported\n",
			       kp->name, r->type, r->sym);
			return ret;
		}
		if (ret) {
			pr_err("%s: relocation type %u for %s overflows at %pS\n",
			       kp->name, r->type, r->sym, r->loc);
			return ret;
		}
		if ((!klive_in_module_text(loc, len, pmod) &&
		     !klive_in_module_data(loc, len, pmod) &&
		     !klive_in_module_rodata(loc, len, pmod)) ||
		    klive_in_description(kp->orig, loc, len)) {
			pr_err("%s: relocation for %s is not in the patch module's code or data, or is in its patch description\n",
			       kp->name, r->sym);
			return -EINVAL;
		}
		klive_text_poke(r->loc, &val, len);
	}
	return 0;
}
