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

/* Compare the running code of @f with what the patch was built from. */
static int klive_runpre_func(struct klive_patch_state *kp,
			     struct klive_func_state *f,
			     const struct klive_func *desc)
{
	unsigned char buf[64];
	unsigned int off, i, n;

	if (!desc->old_code) {
		pr_info("%s: %s: no recorded code, not checked against the running kernel\n",
			kp->name, f->name);
		return 0;
	}
	/*
	 * A kallsyms size runs to the next symbol: alignment padding, or the
	 * code of an overridden weak function, may follow the function.
	 */
	if (f->old_size < desc->old_size) {
		pr_err("%s: %s is %lu bytes in the running kernel, %u in the patch (built from another source or configuration?)\n",
		       kp->name, f->name, f->old_size, desc->old_size);
		return -EINVAL;
	}
	for (off = 0; off < desc->old_size; off += n) {
		n = min_t(unsigned int, desc->old_size - off, sizeof(buf));
		if (copy_from_kernel_nofault(buf, (void *)(f->old_addr + off),
					     n)) {
			pr_err("%s: cannot read the code of %s\n", kp->name,
			       f->name);
			return -EFAULT;
		}
		for (i = 0; i < n; i++) {
			if (klive_masked(desc->old_mask, off + i) ||
			    buf[i] == desc->old_code[off + i])
				continue;
			if (buf[i] == 0xcc)
				pr_err("%s: %s differs from the running kernel at +0x%x: an int3, another user (a kprobe?) changed the code there\n",
				       kp->name, f->name, off + i);
			else
				pr_err("%s: %s differs from the running kernel at +0x%x (built from another source or configuration?)\n",
				       kp->name, f->name, off + i);
			return -EINVAL;
		}
	}
	return 0;
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
