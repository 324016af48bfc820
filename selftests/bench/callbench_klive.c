// SPDX-License-Identifier: GPL-2.0
/*
 * callbench_klive - a hand-written klive patch of callbench_func() in the
 * callbench_target module; callbench_klp.c makes the same change for the
 * kernel's livepatch.
 */
#include <linux/module.h>
#include <klive.h>

/* The original returns v & 1: the sum doubles while this runs. */
static int callbench_klive_func(int v)
{
	barrier();
	return (v & 1) << 1;
}

static const struct klive_func callbench_klive_funcs[] = {
	{
		.old_name = "callbench_func",
		.new_func = callbench_klive_func,
	},
};

static const struct klive_object callbench_klive_objs[] = {
	{
		.name = "callbench_target",
		.funcs = callbench_klive_funcs,
		.nr_funcs = ARRAY_SIZE(callbench_klive_funcs),
	},
};

static const struct klive_patch callbench_klive_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "callbench_klive",
	.objs = callbench_klive_objs,
	.nr_objs = ARRAY_SIZE(callbench_klive_objs),
};

static int __init callbench_klive_init(void)
{
	return klive_enable_patch(&callbench_klive_patch);
}

/* klive lets the module go only once the patch is disabled. */
static void __exit callbench_klive_exit(void)
{
}

module_init(callbench_klive_init);
module_exit(callbench_klive_exit);
MODULE_DESCRIPTION("klive benchmark patch: callbench_func");
MODULE_LICENSE("GPL");
