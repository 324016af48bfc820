// SPDX-License-Identifier: GPL-2.0
/* patch.c - redirect old functions to their replacements with ftrace. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/ftrace.h>
#include "klive_internal.h"

/* The setter was renamed (6.1 vs 6.12); both are macros. */
#ifdef ftrace_regs_set_instruction_pointer
#define klive_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define klive_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * During a transition the calling task's state decides, so each task runs
 * all old or all new functions. Out of line, and it releases the handler's
 * recursion lock itself: the handler tail-calls it and saves no registers.
 */
static noinline void notrace klive_redirect_per_task(struct klive_func_state *f,
						     struct ftrace_regs *fregs,
						     int bit)
{
	if (klive_current_patched(READ_ONCE(f->kp->redirect)))
		klive_set_ip(fregs, f->new_addr);
	ftrace_test_recursion_unlock(bit);
}

/*
 * Hot path, runs at every call of an old function. Outside a transition it
 * reads the patch's two flags and may store the new address, nothing else.
 */
static void notrace klive_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	struct klive_func_state *f = container_of(ops, struct klive_func_state,
						  ops);
	struct klive_patch_state *kp = f->kp;
	bool per_task;
	int bit;

	/*
	 * The lock also disables preemption (6.1 and 6.12 alike): the
	 * per-task array cannot be freed until it is released.
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;
	per_task = READ_ONCE(kp->per_task);
	/*
	 * Pairs with smp_wmb() in klive_transition_start() (array filled
	 * before per_task is set) and klive_finish() (redirect final before
	 * per_task is cleared).
	 */
	smp_rmb();
	if (unlikely(per_task)) {
		klive_redirect_per_task(f, fregs, bit);
		return;
	}
	/* the hooks exist while the patch is enabled: redirect is the rule */
	if (likely(READ_ONCE(kp->redirect)))
		klive_set_ip(fregs, f->new_addr);
	ftrace_test_recursion_unlock(bit);
}

/*
 * If ftrace will not let go of the hook, the handler (and through it the
 * patch module) may still run: the caller pins both, as force does.
 */
static void klive_unregister_func(struct klive_func_state *f)
{
	int ret;

	if (!f->registered)
		return;
	ret = unregister_ftrace_function(&f->ops);
	if (ret) {
		pr_err("%s: cannot remove the ftrace hook of %s (%d); klive and the patch module stay loaded\n",
		       f->kp->name, f->name, ret);
		f->kp->stuck = true;
		return;
	}
	ftrace_free_filter(&f->ops);
	f->registered = false;
}

static int klive_register_func(struct klive_patch_state *kp,
			       struct klive_func_state *f)
{
	int ret;

	f->ops.func = klive_ftrace_handler;
	f->ops.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		       FTRACE_OPS_FL_SAVE_REGS |
#endif
		       FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;

	ret = ftrace_set_filter_ip(&f->ops, f->fentry, 0, 0);
	if (ret) {
		pr_err("%s: cannot set the ftrace filter on %s (%d)\n",
		       kp->name, f->name, ret);
		return ret;
	}
	ret = register_ftrace_function(&f->ops);
	if (ret) {
		if (ret == -EBUSY)
			pr_err("%s: cannot redirect %s: ftrace is disabled (kernel.ftrace_enabled=0) or another ftrace user already redirects it\n",
			       kp->name, f->name);
		else
			pr_err("%s: cannot register ftrace for %s (%d)\n",
			       kp->name, f->name, ret);
		ftrace_free_filter(&f->ops);
		return ret;
	}
	f->registered = true;
	return 0;
}

/* Hook every old function with the redirect still off; all or nothing. */
int klive_register_funcs(struct klive_patch_state *kp)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		for (j = 0; j < os->obj->nr_funcs; j++) {
			ret = klive_register_func(kp, &os->funcs[j]);
			if (ret) {
				klive_unregister_funcs(kp);
				return ret;
			}
		}
	}
	return 0;
}

void klive_unregister_funcs(struct klive_patch_state *kp)
{
	unsigned int i, j;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		if (!os->funcs)
			continue;
		for (j = 0; j < os->obj->nr_funcs; j++)
			klive_unregister_func(&os->funcs[j]);
	}
}
