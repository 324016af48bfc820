// SPDX-License-Identifier: GPL-2.0
/*
 * klive_callbacks_patch.c - a patch with callbacks on two objects: vmlinux
 * (callbacks only) and klive_sample_target (its answer becomes 43). Each
 * callback logs its name; veto=N makes the module's pre-patch callback
 * refuse with -N.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <klive.h>

static int veto;
module_param(veto, int, 0644);
MODULE_PARM_DESC(veto, "errno the pre-patch callback of klive_sample_target returns");

static int klive_cb_answer(void)
{
	return 43;
}

static int klive_cb_vmlinux_pre_patch(void)
{
	pr_info("klive_callbacks_patch: vmlinux pre_patch\n");
	return 0;
}

static void klive_cb_vmlinux_post_patch(void)
{
	pr_info("klive_callbacks_patch: vmlinux post_patch\n");
}

static void klive_cb_vmlinux_pre_unpatch(void)
{
	pr_info("klive_callbacks_patch: vmlinux pre_unpatch\n");
}

static void klive_cb_vmlinux_post_unpatch(void)
{
	pr_info("klive_callbacks_patch: vmlinux post_unpatch\n");
}

static int klive_cb_target_pre_patch(void)
{
	pr_info("klive_callbacks_patch: target pre_patch\n");
	return -veto;
}

static void klive_cb_target_post_patch(void)
{
	pr_info("klive_callbacks_patch: target post_patch\n");
}

static void klive_cb_target_pre_unpatch(void)
{
	pr_info("klive_callbacks_patch: target pre_unpatch\n");
}

static void klive_cb_target_post_unpatch(void)
{
	pr_info("klive_callbacks_patch: target post_unpatch\n");
}

static const struct klive_func klive_cb_funcs[] = {
	{
		.old_name = "klive_sample_target_answer",
		.new_func = klive_cb_answer,
	},
};

static const struct klive_object klive_cb_objs[] = {
	{
		.name = NULL,
		.callbacks = {
			.pre_patch = klive_cb_vmlinux_pre_patch,
			.post_patch = klive_cb_vmlinux_post_patch,
			.pre_unpatch = klive_cb_vmlinux_pre_unpatch,
			.post_unpatch = klive_cb_vmlinux_post_unpatch,
		},
	},
	{
		.name = "klive_sample_target",
		.funcs = klive_cb_funcs,
		.nr_funcs = ARRAY_SIZE(klive_cb_funcs),
		.callbacks = {
			.pre_patch = klive_cb_target_pre_patch,
			.post_patch = klive_cb_target_post_patch,
			.pre_unpatch = klive_cb_target_pre_unpatch,
			.post_unpatch = klive_cb_target_post_unpatch,
		},
	},
};

static const struct klive_patch klive_cb_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "klive_callbacks_patch",
	.objs = klive_cb_objs,
	.nr_objs = ARRAY_SIZE(klive_cb_objs),
};

static int __init klive_cb_init(void)
{
	return klive_enable_patch(&klive_cb_patch);
}

static void __exit klive_cb_exit(void)
{
}

module_init(klive_cb_init);
module_exit(klive_cb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: per-object callbacks, and a veto");
