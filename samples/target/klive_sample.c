// SPDX-License-Identifier: GPL-2.0
/*
 * A target module for klive with an off-by-one quota bug.
 *
 * /proc/klive_sample tells whether one more unit may be taken from a quota.
 * The check lets a full quota through ("10 of 10 used: allowed=yes");
 * fix.patch in this directory corrects it. The quota state and the check
 * counter are live data the patched code must keep using.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static unsigned int quota_limit = 10;
module_param(quota_limit, uint, 0644);
MODULE_PARM_DESC(quota_limit, "units in the quota");

static unsigned int quota_used = 10;
module_param(quota_used, uint, 0644);
MODULE_PARM_DESC(quota_used, "units already taken");

static unsigned long nr_checks;

/* Out of line so that a patched caller has to call this very instance. */
static noinline unsigned int quota_remaining(void)
{
	return quota_used < quota_limit ? quota_limit - quota_used : 0;
}

/* May one more unit be taken? Counts every check. */
static noinline bool quota_allows_one_more(void)
{
	nr_checks++;
	return quota_used <= quota_limit;
}

static int klive_sample_show(struct seq_file *m, void *v)
{
	bool allowed = quota_allows_one_more();

	seq_printf(m, "%u of %u used: allowed=%s\n", quota_used, quota_limit,
		   allowed ? "yes" : "no");
	seq_printf(m, "remaining=%u checks=%lu\n", quota_remaining(), nr_checks);
	return 0;
}

static int __init klive_sample_init(void)
{
	if (!proc_create_single("klive_sample", 0444, NULL, klive_sample_show))
		return -ENOMEM;
	return 0;
}

static void __exit klive_sample_exit(void)
{
	remove_proc_entry("klive_sample", NULL);
}

module_init(klive_sample_init);
module_exit(klive_sample_exit);
MODULE_DESCRIPTION("klive sample target with an off-by-one quota check");
MODULE_LICENSE("GPL");
