// SPDX-License-Identifier: GPL-2.0
/*
 * bench_version - a hand-written klive patch making the same change as
 * samples/builtin-livepatch/klp_version.c (a marker in /proc/version), so the
 * benchmark times the two frameworks applying one change.
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <klive.h>

/* Replaces version_proc_show() in fs/proc/version.c. */
static int bench_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [bench_version]\n",
		   utsname()->sysname, utsname()->release, utsname()->version);
	return 0;
}

static const struct klive_func bench_version_funcs[] = {
	{
		.old_name = "version_proc_show",
		.new_func = bench_version_proc_show,
	},
};

static const struct klive_object bench_version_objs[] = {
	{
		.name = NULL,
		.funcs = bench_version_funcs,
		.nr_funcs = ARRAY_SIZE(bench_version_funcs),
	},
};

static const struct klive_patch bench_version_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "bench_version",
	.objs = bench_version_objs,
	.nr_objs = ARRAY_SIZE(bench_version_objs),
};

static int __init bench_version_init(void)
{
	return klive_enable_patch(&bench_version_patch);
}

/* klive lets the module go only once the patch is disabled. */
static void __exit bench_version_exit(void)
{
}

module_init(bench_version_init);
module_exit(bench_version_exit);
MODULE_DESCRIPTION("klive benchmark patch: marks /proc/version");
MODULE_LICENSE("GPL");
