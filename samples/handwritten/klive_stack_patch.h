/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive_stack_patch.h - the body of a hand-written patch of
 * klive_stack_target, for the stacking and replace tests. The including
 * file defines STACK_NAME (patch name, a string), STACK_A, STACK_B and
 * STACK_C (the version the patched function returns, 0 to leave it) and
 * STACK_REPLACE. The patch also redirects klive_stack_wait(), which sleeps
 * while the patch module's "hold" parameter is set.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <klive.h>

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "keep the target's kthread sleeping in this version");

#if STACK_A
static int klive_stack_new_a(void)
{
	return STACK_A;
}
#endif
#if STACK_B
static int klive_stack_new_b(void)
{
	return STACK_B;
}
#endif
#if STACK_C
static int klive_stack_new_c(void)
{
	return STACK_C;
}
#endif

static void klive_stack_new_wait(void)
{
	while (READ_ONCE(hold) && !kthread_should_stop())
		msleep(20);
}

static const struct klive_func klive_stack_funcs[] = {
#if STACK_A
	{ .old_name = "klive_stack_a", .new_func = klive_stack_new_a },
#endif
#if STACK_B
	{ .old_name = "klive_stack_b", .new_func = klive_stack_new_b },
#endif
#if STACK_C
	{ .old_name = "klive_stack_c", .new_func = klive_stack_new_c },
#endif
	{ .old_name = "klive_stack_wait", .new_func = klive_stack_new_wait },
};

static const struct klive_object klive_stack_objs[] = {
	{
		.name = "klive_stack_target",
		.funcs = klive_stack_funcs,
		.nr_funcs = ARRAY_SIZE(klive_stack_funcs),
	},
};

static const struct klive_patch klive_stack_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = STACK_NAME,
	.objs = klive_stack_objs,
	.nr_objs = ARRAY_SIZE(klive_stack_objs),
	.replace = STACK_REPLACE,
};

static int __init klive_stack_patch_init(void)
{
	return klive_enable_patch(&klive_stack_patch);
}

static void __exit klive_stack_patch_exit(void)
{
}

module_init(klive_stack_patch_init);
module_exit(klive_stack_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: a patch of klive_stack_target (" STACK_NAME ")");
