// SPDX-License-Identifier: GPL-2.0
/*
 * klive_stack_target.c - a module for the stacking and replace tests:
 * "versions" shows which version of klive_stack_a/b/c() runs (0 is this
 * module's own), and a kthread calls klive_stack_wait() in a loop, where
 * a patched version may keep it sleeping.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

static struct task_struct *klive_stack_thread;
/* distinct code for each function: the compiler may not merge them */
static int klive_stack_zero[3];

static noinline int klive_stack_a(void)
{
	return READ_ONCE(klive_stack_zero[0]);
}

static noinline int klive_stack_b(void)
{
	return READ_ONCE(klive_stack_zero[1]);
}

static noinline int klive_stack_c(void)
{
	return READ_ONCE(klive_stack_zero[2]);
}

static noinline void klive_stack_wait(void)
{
	/* patched versions sleep here while their module says so */
	barrier();
}

static int klive_stack_thread_fn(void *unused)
{
	while (!kthread_should_stop()) {
		klive_stack_wait();
		msleep(20);
	}
	return 0;
}

static int versions_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "a=%d b=%d c=%d\n", klive_stack_a(),
			  klive_stack_b(), klive_stack_c());
}

static const struct kernel_param_ops versions_ops = {
	.get = versions_get,
};
module_param_cb(versions, &versions_ops, NULL, 0444);
MODULE_PARM_DESC(versions, "which version of each function runs");

static int __init klive_stack_target_init(void)
{
	klive_stack_thread = kthread_run(klive_stack_thread_fn, NULL,
					 "klive_stack");
	return PTR_ERR_OR_ZERO(klive_stack_thread);
}

static void __exit klive_stack_target_exit(void)
{
	kthread_stop(klive_stack_thread);
}

module_init(klive_stack_target_init);
module_exit(klive_stack_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: a module for stacked and cumulative patches");
