// SPDX-License-Identifier: GPL-2.0
/* klive_bad_patch.c - a patch of a function that does not exist; must not load. */
#include <linux/module.h>
#include <klive.h>

static noinline int klive_bad_replacement(void)
{
	return 0;
}

static const struct klive_func klive_bad_funcs[] = {
	{
		.old_name = "klive_no_such_function",
		.new_func = klive_bad_replacement,
	},
};

static const struct klive_object klive_bad_objs[] = {
	{
		.name = NULL,
		.funcs = klive_bad_funcs,
		.nr_funcs = ARRAY_SIZE(klive_bad_funcs),
	},
};

static const struct klive_patch klive_bad_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "klive_bad_patch",
	.objs = klive_bad_objs,
	.nr_objs = ARRAY_SIZE(klive_bad_objs),
};

static int __init klive_bad_init(void)
{
	return klive_enable_patch(&klive_bad_patch);
}

static void __exit klive_bad_exit(void)
{
}

module_init(klive_bad_init);
module_exit(klive_bad_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: a patch that must be refused");
