// SPDX-License-Identifier: GPL-2.0
/*
 * klive_sample_target.c - a module for klive_sample_target_patch to patch:
 * a kthread sleeps inside klive_sample_target_wait() while "hold" is set,
 * which keeps a transition waiting; "answer" shows which code runs.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

static bool hold = true;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "keep the kthread sleeping inside klive_sample_target_wait");

static struct task_struct *klive_sample_thread;

static noinline int klive_sample_target_answer(void)
{
	return 41;
}

static noinline void klive_sample_target_wait(void)
{
	while (READ_ONCE(hold) && !kthread_should_stop())
		msleep(50);
}

static int klive_sample_thread_fn(void *unused)
{
	while (!kthread_should_stop()) {
		klive_sample_target_wait();
		msleep(50);
	}
	return 0;
}

static int answer_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", klive_sample_target_answer());
}

static const struct kernel_param_ops answer_ops = {
	.get = answer_get,
};
module_param_cb(answer, &answer_ops, NULL, 0444);
MODULE_PARM_DESC(answer, "result of klive_sample_target_answer()");

static int __init klive_sample_target_init(void)
{
	klive_sample_thread = kthread_run(klive_sample_thread_fn, NULL,
					  "klive_sample");
	return PTR_ERR_OR_ZERO(klive_sample_thread);
}

static void __exit klive_sample_target_exit(void)
{
	kthread_stop(klive_sample_thread);
}

module_init(klive_sample_target_init);
module_exit(klive_sample_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: a module to be patched");
