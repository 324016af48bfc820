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

/*
 * Resolve and write every relocation of one object. Only the patch module's
 * own core memory may be written; its text is already read-only here.
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

		if (!r->sym) {
			pr_err("%s: relocation %u in %s has no symbol\n",
			       kp->name, i, objname);
			return -EINVAL;
		}
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
		if (!within_module_core(loc, pmod) ||
		    !within_module_core(loc + len - 1, pmod)) {
			pr_err("%s: relocation for %s points outside the patch module\n",
			       kp->name, r->sym);
			return -EINVAL;
		}
		klive_text_poke(r->loc, &val, len);
	}
	return 0;
}
