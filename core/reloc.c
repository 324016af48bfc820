// SPDX-License-Identifier: GPL-2.0
/* reloc.c - write a patch module's references to unexported target symbols. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/elf.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>
#include "klive_internal.h"

/*
 * An IBT kernel seals the ENDBR of every function whose address it never
 * takes (boot and module load): an indirect call to it faults. A patch
 * that takes the address of such a function of the running kernel (a
 * relocation naming its start that is not the target of a direct call or
 * jump) is refused, never loaded to fault later.
 */
static int klive_check_endbr(struct klive_patch_state *kp,
			     struct klive_obj_state *os,
			     const struct klive_reloc *r, unsigned long s)
{
#ifdef CONFIG_X86_KERNEL_IBT
	const u8 *p = r->loc;
	unsigned long size, off;
	u8 op[2] = { 0, 0 };
	u32 insn;

	if (!cpu_feature_enabled(X86_FEATURE_IBT))
		return 0;
	switch (r->type) {
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		if (r->addend != -4)
			return 0;
		/* call, jmp or jcc rel32: no indirect branch */
		if (klive_in_module_text((unsigned long)p - 2, 2,
					 kp->patch->mod))
			memcpy(op, p - 2, 2);
		if (op[1] == 0xe8 || op[1] == 0xe9 ||
		    (op[0] == 0x0f && (op[1] & 0xf0) == 0x80))
			return 0;
		break;
	case R_X86_64_64:
	case R_X86_64_32S:
		if (r->addend)
			return 0;
		break;
	default:
		return 0;
	}
	if (!klive_size_offset(s, &size, &off) || off ||
	    !(os->mod ? klive_in_module_text(s, 4, os->mod) :
			klive_in_kernel_text(s)))
		return 0;
	if (copy_from_kernel_nofault(&insn, (void *)s, sizeof(insn)) ||
	    is_endbr(insn))
		return 0;
	pr_err("%s: the patch takes the address of %s, which has no ENDBR in the running kernel (sealed: its address was never taken); an indirect call to it would fault under IBT\n",
	       kp->name, r->sym);
	return -EINVAL;
#else
	return 0;
#endif
}

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

		if (r->sympos == KLIVE_SYMPOS_FRESH) {
			s = klive_symev_fresh(obj, r->sym);
			ret = s ? 0 : -ENOENT;
		} else {
			ret = klive_lookup(obj->name, r->sym, r->sympos, &s);
		}
		if (ret) {
			pr_err("%s: relocation symbol %s (sympos %lu) %s in %s\n",
			       kp->name, r->sym, r->sympos,
			       ret == -EEXIST ? "is ambiguous" : "not found",
			       objname);
			return ret;
		}
		ret = klive_check_endbr(kp, os, r, s);
		if (ret)
			return ret;
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

/*
 * The object's module went: zero the fields written for it, so that no
 * reference into the freed module is left in the patch module (its next
 * load writes them again). Only the written ones: their places were
 * checked then.
 */
void klive_clear_relocs(struct klive_obj_state *os)
{
	const struct klive_object *obj = os->obj;
	const u64 zero = 0;
	unsigned int i;

	if (!os->relocated)
		return;
	for (i = 0; i < obj->nr_relocs; i++) {
		const struct klive_reloc *r = &obj->relocs[i];

		klive_text_poke(r->loc, &zero,
				r->type == R_X86_64_64 ? 8 : 4);
	}
	os->relocated = false;
}
