// SPDX-License-Identifier: GPL-2.0
/*
 * A patch for the kernel's built-in livepatch, for comparison
 * with klive: /proc/version gets a "[klp_version]" marker while it is enabled.
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

/* Replaces version_proc_show() in fs/proc/version.c. */
static int klp_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [klp_version]\n",
		   utsname()->sysname, utsname()->release, utsname()->version);
	return 0;
}

static struct klp_func klp_version_funcs[] = {
	{
		.old_name = "version_proc_show",
		.new_func = klp_version_proc_show,
	},
	{ }
};

/* A NULL name is vmlinux. */
static struct klp_object klp_version_objs[] = {
	{
		.funcs = klp_version_funcs,
	},
	{ }
};

static struct klp_patch klp_version_patch = {
	.mod = THIS_MODULE,
	.objs = klp_version_objs,
};

static int __init klp_version_init(void)
{
	return klp_enable_patch(&klp_version_patch);
}

/* Livepatch only lets the module go once the patch is disabled. */
static void __exit klp_version_exit(void)
{
}

module_init(klp_version_init);
module_exit(klp_version_exit);
MODULE_DESCRIPTION("Built-in livepatch sample: marks /proc/version");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
