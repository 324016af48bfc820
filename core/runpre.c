// SPDX-License-Identifier: GPL-2.0
/* runpre.c - refuse a patch whose recorded old code is not the running kernel's. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/kernel.h>
#include <linux/uaccess.h>
#include "klive_internal.h"

static bool klive_masked(const unsigned char *mask, unsigned int i)
{
	return mask[i / 8] & (1U << (i % 8));
}

/*
 * Compare the running code of @name (@size bytes at @addr, the kallsyms
 * size) with the @len bytes @code the patch was built from.
 */
static int klive_runpre_code(struct klive_patch_state *kp, const char *name,
			     unsigned long addr, unsigned long size,
			     const unsigned char *code,
			     const unsigned char *mask, unsigned int len)
{
	unsigned char buf[64];
	unsigned int off, i, n;

	/*
	 * A kallsyms size runs to the next symbol: alignment padding, or the
	 * code of an overridden weak function, may follow the function.
	 */
	if (size < len) {
		pr_err("%s: %s is %lu bytes in the running kernel, %u in the patch (built from another source or configuration?)\n",
		       kp->name, name, size, len);
		return -EINVAL;
	}
	for (off = 0; off < len; off += n) {
		n = min_t(unsigned int, len - off, sizeof(buf));
		if (copy_from_kernel_nofault(buf, (void *)(addr + off), n)) {
			pr_err("%s: cannot read the code of %s\n", kp->name,
			       name);
			return -EFAULT;
		}
		for (i = 0; i < n; i++) {
			if (klive_masked(mask, off + i) ||
			    buf[i] == code[off + i])
				continue;
			if (buf[i] == 0xcc)
				pr_err("%s: %s differs from the running kernel at +0x%x: an int3, another user (a kprobe?) changed the code there\n",
				       kp->name, name, off + i);
			else
				pr_err("%s: %s differs from the running kernel at +0x%x (built from another source or configuration?)\n",
				       kp->name, name, off + i);
			return -EINVAL;
		}
	}
	return 0;
}

/* Compare the running code of @f and of its recorded pieces with the patch's. */
static int klive_runpre_func(struct klive_patch_state *kp,
			     struct klive_func_state *f,
			     const struct klive_func *desc)
{
	unsigned int k;
	int ret;

	if (!desc->old_code) {
		pr_info("%s: %s: no recorded code, not checked against the running kernel\n",
			kp->name, f->name);
		return 0;
	}
	ret = klive_runpre_code(kp, f->name, f->old_addr, f->old_size,
				desc->old_code, desc->old_mask,
				desc->old_size);
	/* its .cold parts, and notrace functions patched through @f */
	for (k = 0; !ret && k < f->nr_pieces; k++) {
		const struct klive_piece *pc = &desc->old_pieces[k];

		if (pc->old_code)
			ret = klive_runpre_code(kp, pc->name,
						f->pieces[k].addr,
						f->pieces[k].size,
						pc->old_code, pc->old_mask,
						pc->old_size);
	}
	return ret;
}

/*
 * Check every resolved old function of @os against the code the patch
 * recorded; called before anything is changed, so a refusal leaves the
 * kernel as it was.
 */
int klive_runpre_check(struct klive_patch_state *kp,
		       struct klive_obj_state *os)
{
	unsigned int j;
	int ret;

	for (j = 0; j < os->obj->nr_funcs; j++) {
		ret = klive_runpre_func(kp, &os->funcs[j], &os->obj->funcs[j]);
		if (ret)
			return ret;
	}
	return 0;
}
