// SPDX-License-Identifier: GPL-2.0
/* patch.c - redirect old functions with ftrace: one hook per function, the patches on it stacked. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "klive_internal.h"

/* The setter was renamed (6.1 vs 6.12); both are macros. */
#ifdef ftrace_regs_set_instruction_pointer
#define klive_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define klive_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/* Every hooked old function; klive_mutex held. */
static LIST_HEAD(klive_ops_list);

struct klive_func_state *klive_func_at(struct klive_patch_state *kp,
				       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		if (!os->live)
			continue;
		if (n < os->obj->nr_funcs)
			return &os->funcs[n];
		n -= os->obj->nr_funcs;
	}
	for (i = 0; i < kp->nr_nops; i++) {
		if (!kp->nops[i].gone && !n--)
			return &kp->nops[i];
	}
	return NULL;
}

/* Where a function state sends callers: 0 is the old code. */
static unsigned long klive_func_target(const struct klive_func_state *f)
{
	return !f || f->nop ? 0 : f->new_addr;
}

/*
 * During a transition the calling task's state decides between the
 * transition patch's version and the one beneath it, so each task runs
 * all old or all new functions. Out of line, and it releases the
 * handler's recursion lock itself: the handler tail-calls it and saves no
 * registers.
 */
static noinline void notrace klive_redirect_per_task(struct klive_ops *ops,
						     struct ftrace_regs *fregs,
						     int bit)
{
	unsigned long addr = READ_ONCE(ops->addr);
	unsigned long new = READ_ONCE(ops->tr_new);

	/* without a state (cannot happen) a task keeps the answer before */
	if (klive_current_patched(addr == new))
		addr = new;
	else
		addr = READ_ONCE(ops->tr_prev);
	if (addr)
		klive_set_ip(fregs, addr);
	ftrace_test_recursion_unlock(bit);
}

/*
 * Hot path, runs at every call of an old function. Outside a transition it
 * reads the hook's flag and address and may store the address, nothing
 * else: the newest patch's version is worked out under klive_mutex.
 */
static void notrace klive_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *fops,
					 struct ftrace_regs *fregs)
{
	struct klive_ops *ops = container_of(fops, struct klive_ops, fops);
	unsigned long addr;
	bool per_task;
	int bit;

	/*
	 * The lock also disables preemption (6.1 and 6.12 alike): the
	 * per-task array cannot be freed until it is released.
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;
	per_task = READ_ONCE(ops->per_task);
	/*
	 * Pairs with smp_wmb() in klive_ops_begin() (addresses and task
	 * states before per_task is set) and klive_ops_end() (final address
	 * before per_task is cleared).
	 */
	smp_rmb();
	if (unlikely(per_task)) {
		klive_redirect_per_task(ops, fregs, bit);
		return;
	}
	addr = READ_ONCE(ops->addr);
	if (likely(addr))
		klive_set_ip(fregs, addr);
	ftrace_test_recursion_unlock(bit);
}

static struct klive_ops *klive_ops_find(unsigned long fentry)
{
	struct klive_ops *ops;

	list_for_each_entry(ops, &klive_ops_list, node) {
		if (ops->fentry == fentry)
			return ops;
	}
	return NULL;
}

/*
 * A hook with no user goes. If ftrace will not let go of it, the handler
 * may still run: it stays (with its last address) and the caller pins
 * klive.ko and the patch module, as force does.
 */
static bool klive_ops_put(struct klive_patch_state *kp, struct klive_ops *ops)
{
	int ret;

	if (--ops->users)
		return false;
	if (ops->registered) {
		ret = unregister_ftrace_function(&ops->fops);
		if (ret) {
			pr_err("%s: cannot remove an ftrace hook (%d); klive and the patch module stay loaded\n",
			       kp->name, ret);
			kp->stuck = true;
			return false;
		}
		ops->registered = false;
		ftrace_free_filter(&ops->fops);
	}
	list_del(&ops->node);
	kfree(ops);
	return true;
}

/* The hook of @f's old function, made if it is the first patch there. */
static struct klive_ops *klive_ops_get(struct klive_patch_state *kp,
				       struct klive_func_state *f)
{
	struct klive_ops *ops = klive_ops_find(f->fentry);
	int ret;

	if (ops) {
		ops->users++;
		return ops;
	}
	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&ops->stack);
	ops->fentry = f->fentry;
	ops->users = 1;
	ops->fops.func = klive_ftrace_handler;
	ops->fops.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
			  FTRACE_OPS_FL_SAVE_REGS |
#endif
			  FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;

	ret = ftrace_set_filter_ip(&ops->fops, f->fentry, 0, 0);
	if (ret) {
		pr_err("%s: cannot set the ftrace filter on %s (%d)\n",
		       kp->name, f->name, ret);
		kfree(ops);
		return ERR_PTR(ret);
	}
	ret = register_ftrace_function(&ops->fops);
	if (ret) {
		if (ret == -EBUSY)
			pr_err("%s: cannot redirect %s: ftrace is disabled (kernel.ftrace_enabled=0) or another ftrace user already redirects it\n",
			       kp->name, f->name);
		else
			pr_err("%s: cannot register ftrace for %s (%d)\n",
			       kp->name, f->name, ret);
		ftrace_free_filter(&ops->fops);
		kfree(ops);
		return ERR_PTR(ret);
	}
	ops->registered = true;
	list_add(&ops->node, &klive_ops_list);
	return ops;
}

static void klive_stack_del(struct klive_func_state *f)
{
	if (f->on_stack)
		list_del(&f->stack_node);
	f->on_stack = false;
}

/* Drop @f from its hook; true if the hook went with it. */
static bool klive_unhook_func(struct klive_func_state *f)
{
	struct klive_ops *ops = f->ops;

	if (!ops)
		return false;
	klive_stack_del(f);
	f->ops = NULL;
	return klive_ops_put(f->kp, ops);
}

/* Put @f on top of its hook's stack, the hook made if it is the first. */
static int klive_hook_func(struct klive_patch_state *kp,
			   struct klive_func_state *f)
{
	struct klive_ops *ops = klive_ops_get(kp, f);

	if (IS_ERR(ops))
		return PTR_ERR(ops);
	f->ops = ops;
	list_add(&f->stack_node, &ops->stack);
	f->on_stack = true;
	return 0;
}

/*
 * Put every function of @kp on top of its hook's stack; all or nothing.
 * The hooks keep their answer until klive_ops_begin().
 */
int klive_register_funcs(struct klive_patch_state *kp)
{
	struct klive_func_state *f;
	unsigned int n;
	int ret;

	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		ret = klive_hook_func(kp, f);
		if (ret) {
			klive_unregister_funcs(kp);
			return ret;
		}
	}
	return 0;
}

/*
 * Take @kp's functions off their hooks. When a hook stays (another patch
 * uses it), nothing waited as unregistering does: wait for an RCU-tasks
 * grace period so that no task, not even one that left the task list
 * while exiting, still runs the patch's code.
 */
void klive_unregister_funcs(struct klive_patch_state *kp)
{
	struct klive_func_state *f;
	bool kept = false;
	unsigned int n;

	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		if (f->ops && !klive_unhook_func(f))
			kept = true;
	}
	if (kept && !kp->stuck)
		synchronize_rcu_tasks();
}

/*
 * Hook the functions of @os, whose module is coming: all or nothing. A
 * new hook answers "old code" until klive_ops_settle(); none of the
 * module's code has run yet.
 */
int klive_register_obj(struct klive_patch_state *kp,
		       struct klive_obj_state *os)
{
	unsigned int j;
	int ret;

	for (j = 0; j < os->obj->nr_funcs; j++) {
		ret = klive_hook_func(kp, &os->funcs[j]);
		if (ret) {
			klive_unregister_obj(os);
			return ret;
		}
	}
	return 0;
}

/*
 * Unhook the functions of @os, whose module is going (its exit has run)
 * or failed to come. The patch module stays, so unlike a patch's
 * teardown no wait is needed for tasks still in its code.
 */
void klive_unregister_obj(struct klive_obj_state *os)
{
	unsigned int j;

	for (j = 0; j < os->obj->nr_funcs; j++)
		klive_unhook_func(&os->funcs[j]);
}

/*
 * The hooks of @os's functions, just made or joined as its module came,
 * get their answers from their stacks (the newest patch on top), as if
 * the module had been there all along: if the top version is that of the
 * patch in transition @tr, per task, between it and the one beneath,
 * like @tr's other functions, so a task still runs all old or all new
 * code of @tr; otherwise that version for every task, since every task
 * is in that patch's state already. None of the module's code has run,
 * so no task is inside it and none has to switch first.
 */
void klive_ops_settle(struct klive_obj_state *os,
		      struct klive_patch_state *tr)
{
	struct klive_func_state *top, *below;
	unsigned int j;

	for (j = 0; j < os->obj->nr_funcs; j++) {
		struct klive_ops *ops = os->funcs[j].ops;

		top = list_first_entry(&ops->stack, struct klive_func_state,
				       stack_node);
		below = list_is_last(&top->stack_node, &ops->stack) ? NULL :
			list_next_entry(top, stack_node);
		if (top->kp != tr)
			below = top;
		top->prev_mod = below && below != top ?
				below->kp->patch->mod : NULL;
		WRITE_ONCE(ops->tr_new, klive_func_target(top));
		WRITE_ONCE(ops->tr_prev, klive_func_target(below));
		/* what a task without a state gets: see the handler */
		WRITE_ONCE(ops->addr, top->kp != tr || READ_ONCE(tr->redirect) ?
			   ops->tr_new : ops->tr_prev);
		/* pairs with smp_rmb() in the handler */
		smp_wmb();
		WRITE_ONCE(ops->per_task, top->kp == tr);
	}
}

/*
 * A transition of @kp starts: each of its hooks answers per task, between
 * @kp's version (patched tasks) and the one beneath it on the stack (the
 * others), which is what every task ran so far in both directions.
 */
void klive_ops_begin(struct klive_patch_state *kp)
{
	struct klive_func_state *f, *below;
	unsigned int n;

	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		struct klive_ops *ops = f->ops;

		WARN_ON_ONCE(list_first_entry(&ops->stack,
					      struct klive_func_state,
					      stack_node) != f);
		below = list_is_last(&f->stack_node, &ops->stack) ? NULL :
			list_next_entry(f, stack_node);
		f->prev_mod = below ? below->kp->patch->mod : NULL;
		WRITE_ONCE(ops->tr_new, klive_func_target(f));
		WRITE_ONCE(ops->tr_prev, klive_func_target(below));
	}
	/* pairs with smp_rmb() in the handler */
	smp_wmb();
	for (n = 0; (f = klive_func_at(kp, n)); n++)
		WRITE_ONCE(f->ops->per_task, true);
}

/*
 * Every task is in @target: the hooks answer for all again. Unpatched,
 * @kp's functions leave the stacks (the hooks go at its teardown);
 * patched by a replacing patch, the versions beneath it and its nops do.
 * The handler never reads the stacks, so no wait is needed.
 */
void klive_ops_end(struct klive_patch_state *kp, int target)
{
	struct klive_func_state *f, *g, *tmp;
	unsigned int n;

	for (n = 0; (f = klive_func_at(kp, n)); n++)
		WRITE_ONCE(f->ops->addr, target ? f->ops->tr_new :
			   f->ops->tr_prev);
	/* pairs with smp_rmb() in the handler: address before per_task */
	smp_wmb();
	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		WRITE_ONCE(f->ops->per_task, false);
		if (!target) {
			klive_stack_del(f);
			continue;
		}
		if (!kp->patch->replace)
			continue;
		g = f;
		list_for_each_entry_safe_continue(g, tmp, &f->ops->stack,
						  stack_node)
			klive_stack_del(g);
		if (f->nop)
			klive_stack_del(f);
	}
}

/* Is @addr in @f's old function, its pieces, or the version beneath? */
bool klive_func_affected(const struct klive_func_state *f, unsigned long addr)
{
	unsigned int k;

	if (addr >= f->old_addr && addr - f->old_addr < f->old_size)
		return true;
	for (k = 0; k < f->nr_pieces; k++) {
		if (addr >= f->pieces[k].addr &&
		    addr - f->pieces[k].addr < f->pieces[k].size)
			return true;
	}
	return f->prev_mod && within_module_core(addr, f->prev_mod);
}

/*
 * The first function of @kp on which a newer patch (*@above) is stacked,
 * or NULL: only the newest version of a function can be taken away.
 */
const char *klive_not_newest(struct klive_patch_state *kp,
			     struct klive_patch_state **above)
{
	struct klive_func_state *f, *top;
	unsigned int n;

	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		if (!f->on_stack)
			continue;
		top = list_first_entry(&f->ops->stack, struct klive_func_state,
				       stack_node);
		if (top != f) {
			*above = top->kp;
			return f->name;
		}
	}
	return NULL;
}

/* Does @kp redirect @fentry already (or a nop of it)? */
static bool klive_patch_has(struct klive_patch_state *kp, unsigned long fentry)
{
	struct klive_func_state *f;
	unsigned int n;

	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		if (f->fentry == fentry)
			return true;
	}
	return false;
}

/*
 * A replacing patch takes over every function the patches in @patches
 * redirect: those it does not change get a nop, which sends callers back
 * to the old code in the same transition. Two passes: count, then fill.
 */
int klive_add_nops(struct klive_patch_state *kp, struct list_head *patches)
{
	struct klive_patch_state *old;
	struct klive_func_state *g, *nop;
	unsigned int n, count = 0, pass;

	for (pass = 0; pass < 2; pass++) {
		list_for_each_entry(old, patches, node) {
			for (n = 0; (g = klive_func_at(old, n)); n++) {
				if (g->nop || !g->on_stack ||
				    klive_patch_has(kp, g->fentry))
					continue;
				if (!pass) {
					count++;
					continue;
				}
				nop = &kp->nops[kp->nr_nops];
				nop->nop = true;
				nop->kp = kp;
				nop->name = g->name;
				nop->sympos = g->sympos;
				nop->old_addr = g->old_addr;
				nop->old_size = g->old_size;
				nop->fentry = g->fentry;
				if (g->nr_pieces) {
					nop->pieces = kmemdup(g->pieces,
							      g->nr_pieces * sizeof(*g->pieces),
							      GFP_KERNEL);
					if (!nop->pieces)
						return -ENOMEM;
					nop->nr_pieces = g->nr_pieces;
				}
				kp->nr_nops++;
			}
		}
		if (!pass) {
			if (!count)
				return 0;
			kp->nops = kcalloc(count, sizeof(*kp->nops),
					   GFP_KERNEL);
			if (!kp->nops)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Module @mod is going: the nops on its functions leave with their hooks
 * (they stay in the array, gone, as a function state never moves while
 * on a stack).
 */
void klive_drop_nops(struct klive_patch_state *kp, struct module *mod)
{
	unsigned int n;

	for (n = 0; n < kp->nr_nops; n++) {
		struct klive_func_state *f = &kp->nops[n];

		if (f->gone || !within_module(f->old_addr, mod))
			continue;
		klive_unhook_func(f);
		f->gone = true;
	}
}

/* The replacement is done: the nops leave with their hooks if unused. */
void klive_free_nops(struct klive_patch_state *kp)
{
	unsigned int n;

	for (n = 0; n < kp->nr_nops; n++) {
		klive_unhook_func(&kp->nops[n]);
		kfree(kp->nops[n].pieces);
	}
	kfree(kp->nops);
	kp->nops = NULL;
	kp->nr_nops = 0;
}
