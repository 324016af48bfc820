// SPDX-License-Identifier: GPL-2.0
/*
 * klive_shadow_demo.c - objects that a fix extends with a shadow variable:
 * two kthreads keep making, using and freeing objects through the three
 * functions below; fix.patch counts each object's uses in a shadow
 * variable and checks the count when the object is freed.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#define KLIVE_DEMO_RING	32
#define KLIVE_DEMO_THREADS	2

struct klive_demo_obj {
	unsigned long uses;
};

/* What the fix found when it freed objects: counts matched, or not. */
static unsigned long checked, mismatched;
module_param(checked, ulong, 0444);
MODULE_PARM_DESC(checked, "objects whose shadow use count matched");
module_param(mismatched, ulong, 0444);
MODULE_PARM_DESC(mismatched, "objects whose shadow use count did not match");

static struct task_struct *klive_demo_threads[KLIVE_DEMO_THREADS];

static noinline struct klive_demo_obj *klive_demo_new(void)
{
	return kzalloc(sizeof(struct klive_demo_obj), GFP_KERNEL);
}

static noinline void klive_demo_use(struct klive_demo_obj *o)
{
	o->uses++;
}

static noinline void klive_demo_free(struct klive_demo_obj *o)
{
	kfree(o);
}

static int klive_demo_thread_fn(void *unused)
{
	struct klive_demo_obj *ring[KLIVE_DEMO_RING] = { };
	unsigned int i = 0, k;

	while (!kthread_should_stop()) {
		i = (i + 1) % KLIVE_DEMO_RING;
		if (ring[i])
			klive_demo_free(ring[i]);
		ring[i] = klive_demo_new();
		for (k = 0; k < 4; k++) {
			struct klive_demo_obj *o = ring[(i * 7 + k) % KLIVE_DEMO_RING];

			if (o)
				klive_demo_use(o);
		}
		if (!(i % 8))
			usleep_range(200, 400);
	}
	for (i = 0; i < KLIVE_DEMO_RING; i++)
		if (ring[i])
			klive_demo_free(ring[i]);
	return 0;
}

static int __init klive_demo_init(void)
{
	int i;

	for (i = 0; i < KLIVE_DEMO_THREADS; i++) {
		klive_demo_threads[i] = kthread_run(klive_demo_thread_fn, NULL,
						    "klive_shadow/%d", i);
		if (IS_ERR(klive_demo_threads[i])) {
			int ret = PTR_ERR(klive_demo_threads[i]);

			while (--i >= 0)
				kthread_stop(klive_demo_threads[i]);
			return ret;
		}
	}
	return 0;
}

static void __exit klive_demo_exit(void)
{
	int i;

	for (i = 0; i < KLIVE_DEMO_THREADS; i++)
		kthread_stop(klive_demo_threads[i]);
}

module_init(klive_demo_init);
module_exit(klive_demo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: objects a fix extends with a shadow variable");
