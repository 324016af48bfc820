// SPDX-License-Identifier: GPL-2.0
/*
 * callbench_klp - the kernel's livepatch making callbench_klive.c's change
 * to callbench_func() in the callbench_target module.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

/* The original returns v & 1: the sum doubles while this runs. */
static int callbench_klp_func(int v)
{
	barrier();
	return (v & 1) << 1;
}

static struct klp_func callbench_klp_funcs[] = {
	{
		.old_name = "callbench_func",
		.new_func = callbench_klp_func,
	},
	{ }
};

static struct klp_object callbench_klp_objs[] = {
	{
		.name = "callbench_target",
		.funcs = callbench_klp_funcs,
	},
	{ }
};

static struct klp_patch callbench_klp_patch = {
	.mod = THIS_MODULE,
	.objs = callbench_klp_objs,
};

static int __init callbench_klp_init(void)
{
	return klp_enable_patch(&callbench_klp_patch);
}

/* Livepatch only lets the module go once the patch is disabled. */
static void __exit callbench_klp_exit(void)
{
}

module_init(callbench_klp_init);
module_exit(callbench_klp_exit);
MODULE_DESCRIPTION("livepatch benchmark patch: callbench_func");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
