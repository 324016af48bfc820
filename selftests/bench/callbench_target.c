// SPDX-License-Identifier: GPL-2.0
/*
 * callbench_target - the function the per-call benchmark patches, and
 * /proc/callbench, whose read calls it CALLBENCH_N times and prints the
 * elapsed ns and the sum of the results (which shows who answered).
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define CALLBENCH_N 2000000

/* noinline: one traceable call per iteration (nm shows it unrenamed). */
static noinline int callbench_func(int v)
{
	barrier();
	return v & 1;
}

static int callbench_show(struct seq_file *m, void *v)
{
	unsigned long sum = 0;
	u64 t0, t1;
	int i;

	t0 = ktime_get_ns();
	for (i = 0; i < CALLBENCH_N; i++)
		sum += callbench_func(i);
	t1 = ktime_get_ns();
	seq_printf(m, "%llu %d %lu\n", t1 - t0, CALLBENCH_N, sum);
	return 0;
}

static int __init callbench_init(void)
{
	if (!proc_create_single("callbench", 0444, NULL, callbench_show))
		return -ENOMEM;
	return 0;
}

static void __exit callbench_exit(void)
{
	remove_proc_entry("callbench", NULL);
}

module_init(callbench_init);
module_exit(callbench_exit);
MODULE_DESCRIPTION("klive benchmark: a function called in a loop from /proc");
MODULE_LICENSE("GPL");
