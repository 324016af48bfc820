// SPDX-License-Identifier: GPL-2.0
/* core.c - klive.ko entry points: check, resolve, enable and release patches. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "klive_internal.h"

DEFINE_MUTEX(klive_mutex);
LIST_HEAD(klive_patches);
static struct workqueue_struct *klive_wq;

/*
 * Does @self redirect @addr twice? Other patches may redirect it too:
 * the newest one's version runs.
 */
static bool klive_listed_twice(struct klive_patch_state *self,
			       unsigned long addr, struct klive_func_state *me)
{
	unsigned int i, j;

	for (i = 0; i < self->nr_objs && self->objs[i].funcs; i++) {
		for (j = 0; j < self->objs[i].obj->nr_funcs; j++) {
			struct klive_func_state *f = &self->objs[i].funcs[j];

			if (f != me && f->old_addr == addr)
				return true;
		}
	}
	return false;
}

/* Find, size and check one old function and its replacement. */
static int klive_resolve_func(struct klive_patch_state *kp,
			      struct klive_obj_state *os,
			      struct klive_func_state *f)
{
	const char *objname = os->obj->name ?: "vmlinux";
	struct module *pmod = kp->patch->mod;
	unsigned long off;
	int ret;

	ret = klive_lookup(os->obj->name, f->name, f->sympos, &f->old_addr);
	if (ret == -EEXIST) {
		pr_err("%s: function %s is ambiguous in %s (give its sympos)\n",
		       kp->name, f->name, objname);
		return ret;
	}
	if (ret) {
		pr_err("%s: cannot find function %s (sympos %lu) in %s\n",
		       kp->name, f->name, f->sympos, objname);
		return ret;
	}
	if (!klive_size_offset(f->old_addr, &f->old_size, &off) || off ||
	    !f->old_size) {
		pr_err("%s: %s in %s is not a function start\n", kp->name,
		       f->name, objname);
		return -EINVAL;
	}
	f->fentry = klive_ftrace_location(f->old_addr);
	if (!f->fentry || f->fentry >= f->old_addr + f->old_size) {
		pr_err("%s: function %s cannot be redirected: ftrace has no entry for it (notrace or not traceable)\n",
		       kp->name, f->name);
		return -EINVAL;
	}
	if (!klive_in_module_text(f->new_addr, 1, pmod) ||
	    !klive_size_offset(f->new_addr, &f->new_size, &off) || off ||
	    !f->new_size || !klive_in_module_text(f->new_addr, f->new_size, pmod)) {
		pr_err("%s: replacement of %s is not a function of the patch module\n",
		       kp->name, f->name);
		return -EINVAL;
	}
	if (klive_listed_twice(kp, f->old_addr, f)) {
		pr_err("%s: function %s is listed twice\n", kp->name, f->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * Find the old function's other pieces: a task stopped in one is inside
 * the old function, so the stack check must know them.
 */
static int klive_resolve_pieces(struct klive_patch_state *kp,
				struct klive_obj_state *os,
				struct klive_func_state *f,
				const struct klive_func *desc)
{
	const char *objname = os->obj->name ?: "vmlinux";
	unsigned long off;
	unsigned int k;
	int ret;

	if (!desc->nr_old_pieces)
		return 0;
	f->pieces = kcalloc(desc->nr_old_pieces, sizeof(*f->pieces),
			    GFP_KERNEL);
	if (!f->pieces)
		return -ENOMEM;
	for (k = 0; k < desc->nr_old_pieces; k++) {
		const struct klive_piece *pc = &desc->old_pieces[k];
		struct klive_range *r = &f->pieces[k];

		ret = klive_lookup(os->obj->name, pc->name, pc->sympos,
				   &r->addr);
		if (ret) {
			pr_err("%s: cannot find %s (sympos %lu), a part of %s, in %s\n",
			       kp->name, pc->name, pc->sympos, f->name, objname);
			return ret;
		}
		if (!klive_size_offset(r->addr, &r->size, &off) || off ||
		    !r->size) {
			pr_err("%s: %s in %s is not a symbol start\n", kp->name,
			       pc->name, objname);
			return -EINVAL;
		}
		f->nr_pieces++;
	}
	return 0;
}

/*
 * Resolve and check object @os on its module @mod (NULL: vmlinux), loaded
 * or coming: its functions, their pieces, its type layouts and the old
 * code it was built from. Nothing is written yet; on failure the caller
 * forgets the object (klive_obj_forget()).
 */
static int klive_obj_prepare(struct klive_patch_state *kp,
			     struct klive_obj_state *os, struct module *mod)
{
	const struct klive_object *obj = os->obj;
	unsigned int j;
	int ret;

	os->mod = mod;
	os->live = true;
	/* the layouts first: the likelier reason when all else fails too */
	ret = klive_check_obj_layouts(kp->patch, obj);
	if (ret)
		return ret;
	for (j = 0; j < obj->nr_funcs; j++) {
		struct klive_func_state *f = &os->funcs[j];

		ret = klive_resolve_func(kp, os, f) ?:
		      klive_resolve_pieces(kp, os, f, &obj->funcs[j]);
		if (ret)
			return ret;
	}
	return klive_runpre_check(kp, os);
}

/*
 * Forget what was resolved for @os, unhooked already: its module went,
 * and its next load resolves everything again.
 */
static void klive_obj_forget(struct klive_obj_state *os)
{
	unsigned int j;

	klive_clear_relocs(os);
	for (j = 0; j < os->obj->nr_funcs; j++) {
		struct klive_func_state *f = &os->funcs[j];

		kfree(f->pieces);
		f->pieces = NULL;
		f->nr_pieces = 0;
		f->old_addr = 0;
		f->old_size = 0;
		f->fentry = 0;
		f->prev_mod = NULL;
	}
	os->live = false;
	os->mod = NULL;
}

/* Modules whose MODULE_STATE_COMING klive has seen, until they are live. */
struct klive_coming {
	struct list_head node;
	struct module *mod;
};
static LIST_HEAD(klive_coming_mods);		/* klive_mutex */

static bool klive_seen_coming(struct module *mod)
{
	struct klive_coming *c;

	list_for_each_entry(c, &klive_coming_mods, node) {
		if (c->mod == mod)
			return true;
	}
	return false;
}

/*
 * The module of @os (NULL for vmlinux) if it can be patched now: live,
 * or coming with klive's notifier past it. A module coming before that
 * is patched by the notifier (klive_module_coming()); klive_mutex held.
 */
static bool klive_obj_loaded(struct klive_obj_state *os, struct module **mod)
{
	bool coming;

	*mod = NULL;
	if (!os->obj->name)
		return true;
	*mod = klive_find_module(os->obj->name, &coming);
	if (*mod && coming && !klive_seen_coming(*mod))
		*mod = NULL;
	return *mod;
}

/* Set up each function state of @kp, whether its object is loaded or not. */
static int klive_alloc_funcs(struct klive_patch_state *kp)
{
	unsigned int i, j;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];
		const struct klive_object *obj = os->obj;

		os->funcs = kcalloc(obj->nr_funcs, sizeof(*os->funcs),
				    GFP_KERNEL);
		if (!os->funcs && obj->nr_funcs)
			return -ENOMEM;
		for (j = 0; j < obj->nr_funcs; j++) {
			struct klive_func_state *f = &os->funcs[j];

			f->kp = kp;
			f->name = obj->funcs[j].old_name;
			f->sympos = obj->funcs[j].old_sympos;
			f->new_addr = (unsigned long)obj->funcs[j].new_func;
		}
	}
	return 0;
}

/* Drop everything a patch holds; call without klive_mutex. */
static void klive_release(struct klive_patch_state *kp)
{
	klive_sysfs_del(kp);
	/*
	 * forced: a task may still run old or new code, keep both; stuck:
	 * a hook still points at klive.ko and at the patch, keep them and
	 * their state.
	 */
	if (kp->stuck) {
		__module_get(THIS_MODULE);
		return;
	}
	if (kp->mod_ref && !kp->forced)
		module_put(kp->patch->mod);
	kobject_put(&kp->kobj);
}

/*
 * An unpatched patch leaves: remove its hooks, then run its post-unpatch
 * callbacks and free its shadow variables. Unregistering waits for
 * handlers and for an RCU-tasks grace period, so no task, not even one
 * that left the task list while exiting (no sweep sees it), still runs
 * the patch's code; unless forced or stuck, when some may.
 */
static void klive_teardown(struct klive_patch_state *kp)
{
	unsigned int i;

	klive_unregister_funcs(kp);
	for (i = 0; i < kp->nr_objs; i++)
		WRITE_ONCE(kp->objs[i].patched, false);
	/* a replaced patch's callbacks and data are its successor's now */
	if (kp->replaced)
		return;
	klive_post_unpatch(kp);
	if (!kp->forced && !kp->stuck && !kp->patch->own_shadow)
		klive_shadow_release(kp->patch->mod);
}

/*
 * A replacing patch @kp is in force: every earlier patch is disabled
 * without a transition of its own (no task runs its code, and its
 * functions left the stacks in klive_ops_end()), and @kp's nops go.
 */
static void klive_replace_done(struct klive_patch_state *kp)
{
	struct klive_patch_state *old;
	unsigned long to = 0;
	unsigned int n;

	/* any code of the patch module, a module of its objects loaded or not */
	for (n = 0; n < kp->nr_objs && !to; n++) {
		if (kp->objs[n].obj->nr_funcs)
			to = kp->objs[n].funcs[0].new_addr;
	}
	list_for_each_entry(old, &klive_patches, node) {
		/* a patch disabled already goes its own way */
		if (old == kp || old->dead || !old->enabled)
			continue;
		pr_info("%s: replaced by %s\n", old->name, kp->name);
		old->replaced = true;
		WRITE_ONCE(old->enabled, false);
		WRITE_ONCE(old->redirect, 0);
		/* forced: tasks may still run the replaced code */
		if (kp->forced)
			old->forced = true;
		if (to)
			klive_shadow_hand_over(old->patch->mod, to);
		mod_delayed_work(klive_wq, &old->work, 0);
	}
	klive_free_nops(kp);
	kp->replacing = false;
}

/* Transition sweeps and final teardown, always in klive_wq. */
static void klive_work_fn(struct work_struct *work)
{
	struct klive_patch_state *kp = container_of(to_delayed_work(work),
						    struct klive_patch_state,
						    work);

	mutex_lock(&klive_mutex);
	if (kp->dead)
		goto unlock;
	if (kp->transition && !klive_transition_sweep(kp)) {
		queue_delayed_work(klive_wq, &kp->work, klive_sweep_delay());
		goto unlock;
	}
	if (kp->replacing && !kp->transition && READ_ONCE(kp->redirect))
		klive_replace_done(kp);
	if (kp->enabled || READ_ONCE(kp->redirect))
		goto unlock;

	list_del(&kp->node);
	kp->dead = true;
	klive_teardown(kp);
	mutex_unlock(&klive_mutex);
	if (kp->stuck)
		pr_err("%s: unpatched, but a hook could not be removed: patch module and klive stay pinned\n",
		       kp->name);
	else if (kp->forced)
		pr_info("%s: unpatched, patch module stays pinned (forced)\n",
			kp->name);
	else if (kp->replaced)
		pr_info("%s: replaced, patch module released\n", kp->name);
	else
		pr_info("%s: unpatched, patch module released\n", kp->name);
	klive_release(kp);
	return;
unlock:
	mutex_unlock(&klive_mutex);
}

/* Another patch's transition blocks any new one. */
static int klive_check_busy(struct klive_patch_state *kp)
{
	struct klive_patch_state *other = klive_transition_patch();

	if (!other || other == kp)
		return 0;
	pr_err("%s: patch %s is in transition; %s again when it has finished\n",
	       kp->name, other->name, kp->mod_ref ? "try" : "load");
	return -EBUSY;
}

/*
 * Only the newest version of a function can be taken away: a patch with
 * a newer one stacked on any of its functions stays until that one goes
 * (or a replacing patch takes over).
 */
static int klive_check_newest(struct klive_patch_state *kp)
{
	struct klive_patch_state *above;
	const char *func = klive_not_newest(kp, &above);

	if (!func)
		return 0;
	pr_err("%s: cannot disable: patch %s is stacked on it (function %s); disable %s first\n",
	       kp->name, above->name, func, above->name);
	return -EBUSY;
}

/* sysfs "enabled" writes: start, or reverse, a transition. */
int klive_request_enabled(struct klive_patch_state *kp, bool enable)
{
	int ret = 0;

	mutex_lock(&klive_mutex);
	if (kp->held) {
		ret = -EBUSY;
		goto unlock;
	}
	if (kp->dead || kp->enabled == enable) {
		ret = -EINVAL;
		goto unlock;
	}
	if (kp->transition) {
		WRITE_ONCE(kp->enabled, enable);
		klive_transition_reverse(kp);
	} else {
		ret = klive_check_busy(kp);
		if (!ret && !enable)
			ret = klive_check_newest(kp);
		if (ret)
			goto unlock;
		if (!enable)
			klive_pre_unpatch(kp);
		ret = klive_transition_start(kp, enable, false);
		if (ret) {
			/* still patched: as if the disable never began */
			if (!enable)
				klive_post_patch(kp);
			goto unlock;
		}
		WRITE_ONCE(kp->enabled, enable);
	}
	mod_delayed_work(klive_wq, &kp->work, 0);
unlock:
	mutex_unlock(&klive_mutex);
	return ret;
}

/*
 * sysfs "force": finish the transition now. Tasks may still run the code
 * being left, so the kernel is tainted and the patch module kept forever.
 */
int klive_request_force(struct klive_patch_state *kp)
{
	int ret = 0;

	mutex_lock(&klive_mutex);
	if (kp->dead || !kp->transition || kp->held) {
		ret = -EINVAL;
		goto unlock;
	}
	pr_warn("%s: FORCING the transition to %s: tasks may still run the code being replaced; tainting the kernel, the patch module can never be removed\n",
		kp->name, kp->enabled ? "patched" : "unpatched");
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	kp->forced = true;
	klive_transition_force(kp);
	if (kp->replacing && READ_ONCE(kp->redirect))
		klive_replace_done(kp);
	mod_delayed_work(klive_wq, &kp->work, 0);
unlock:
	mutex_unlock(&klive_mutex);
	return ret;
}

/*
 * sysfs "stack_order": the patch's place among the klive patches in
 * force or in transition, oldest 1; the newest one's version runs.
 */
unsigned int klive_stack_order(struct klive_patch_state *kp)
{
	struct klive_patch_state *p;
	unsigned int order = 0;

	mutex_lock(&klive_mutex);
	list_for_each_entry(p, &klive_patches, node) {
		order++;
		if (p == kp)
			break;
	}
	if (&p->node == &klive_patches)
		order = 0;
	mutex_unlock(&klive_mutex);
	return order;
}

/* sysfs "blocking": the tasks the last sweep could not switch. */
ssize_t klive_show_blocking(struct klive_patch_state *kp, char *buf)
{
	ssize_t len = 0;

	mutex_lock(&klive_mutex);
	if (kp->transition && kp->blocking)
		len = sysfs_emit(buf, "%s", kp->blocking);
	mutex_unlock(&klive_mutex);
	return len;
}

/* State for klive's copy @patch of @orig; owns @patch from here on. */
static struct klive_patch_state *klive_alloc(struct klive_patch *patch,
					     const struct klive_patch *orig)
{
	struct klive_patch_state *kp;
	unsigned int i;

	kp = kzalloc(sizeof(*kp), GFP_KERNEL);
	if (!kp) {
		klive_desc_free(patch);
		return NULL;
	}
	klive_patch_kobj_init(kp);
	kp->patch = patch;
	kp->orig = orig;
	kp->mod_states = orig->states;
	strscpy(kp->name, patch->name, sizeof(kp->name));
	INIT_LIST_HEAD(&kp->node);
	INIT_DELAYED_WORK(&kp->work, klive_work_fn);
	kp->objs = kcalloc(patch->nr_objs, sizeof(*kp->objs), GFP_KERNEL);
	if (!kp->objs) {
		kobject_put(&kp->kobj);
		return NULL;
	}
	kp->nr_objs = patch->nr_objs;
	for (i = 0; i < kp->nr_objs; i++)
		kp->objs[i].obj = &patch->objs[i];
	if (klive_alloc_funcs(kp)) {
		kobject_put(&kp->kobj);
		return NULL;
	}
	return kp;
}

int klive_enable_patch(const struct klive_patch *desc)
{
	struct klive_patch_state *kp, *other;
	struct klive_patch *patch;
	unsigned int i;
	int ret;

	patch = klive_desc_take(desc);
	if (IS_ERR(patch))
		return PTR_ERR(patch);
	if (patch->layouts_unchecked)
		pr_info("%s: built with patchgen --no-layout-check: the fix's type layouts were not checked (objects without DWARF)\n",
			patch->name);
	ret = klive_symev_resolve(patch);
	if (ret) {
		klive_desc_free(patch);
		return ret;
	}
	kp = klive_alloc(patch, desc);
	if (!kp) {
		pr_err("%s: out of memory\n", desc->mod->name);
		return -ENOMEM;
	}

	mutex_lock(&klive_mutex);
	ret = klive_check_busy(kp);
	if (ret)
		goto fail;
	list_for_each_entry(other, &klive_patches, node) {
		if (!strcmp(other->name, kp->name)) {
			pr_err("%s: a klive patch of that name exists\n",
			       kp->name);
			ret = -EEXIST;
			goto fail;
		}
	}
	if (!try_module_get(patch->mod)) {
		pr_err("%s: patch module is going away\n", kp->name);
		ret = -ENODEV;
		goto fail;
	}
	kp->mod_ref = true;
	ret = klive_states_compatible(kp);
	if (ret)
		goto fail;

	/* the old code must be what the patch was built from */
	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];
		struct module *mod;

		if (!klive_obj_loaded(os, &mod)) {
			pr_info("%s: module %s is not loaded: patched when it loads\n",
				kp->name, os->obj->name);
			continue;
		}
		ret = klive_obj_prepare(kp, os, mod);
		if (ret)
			goto fail;
	}
	for (i = 0; i < kp->nr_objs; i++) {
		if (!kp->objs[i].live)
			continue;
		ret = klive_apply_relocs(kp, &kp->objs[i]);
		if (ret)
			goto fail;
		kp->objs[i].relocated = true;
	}
	ret = klive_sysfs_add(kp);
	if (ret) {
		pr_err("%s: cannot create its sysfs directory (%d)\n",
		       kp->name, ret);
		goto fail;
	}
	if (patch->replace) {
		ret = klive_add_nops(kp, &klive_patches);
		if (ret)
			goto fail;
		kp->replacing = true;
	}
	ret = klive_pre_patch(kp);
	if (ret)
		goto fail;
	ret = klive_register_funcs(kp);
	if (!ret) {
		/* tasks switch once the module is live: klive_module_notify() */
		ret = klive_transition_start(kp, 1, true);
	}
	if (ret) {
		/* no task ran the new code */
		klive_teardown(kp);
		goto fail;
	}
	for (i = 0; i < kp->nr_objs; i++)
		WRITE_ONCE(kp->objs[i].patched, kp->objs[i].live);
	list_add_tail(&kp->node, &klive_patches);
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	kp->enabled = true;
	kp->held = true;
	mutex_unlock(&klive_mutex);
	return 0;

fail:
	kp->dead = true;
	mutex_unlock(&klive_mutex);
	klive_release(kp);
	return ret;
}
EXPORT_SYMBOL_GPL(klive_enable_patch);

/*
 * A kernel livepatch module is named in /sys/kernel/livepatch after its
 * module: refuse one named like a klive patch (its directory could not be
 * created), with a reason, rather than let it fail obscurely.
 */
static int klive_check_klp_name(struct module *mod)
{
	struct klive_patch_state *kp;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_LIVEPATCH) || !is_livepatch_module(mod))
		return 0;
	mutex_lock(&klive_mutex);
	list_for_each_entry(kp, &klive_patches, node) {
		if (!strcmp(kp->name, mod->name)) {
			pr_err("%s: refusing the kernel livepatch module %s: a klive patch has that name in /sys/kernel/livepatch\n",
			       kp->name, mod->name);
			ret = -EEXIST;
			break;
		}
	}
	mutex_unlock(&klive_mutex);
	return ret;
}

/* The held patch of @mod, if any; klive_mutex held. */
static struct klive_patch_state *klive_held_patch(struct module *mod)
{
	struct klive_patch_state *kp;

	list_for_each_entry(kp, &klive_patches, node) {
		if (kp->held && kp->patch->mod == mod)
			return kp;
	}
	return NULL;
}

/* Does @kp apply to a module coming now (in force, or in transition)? */
static bool klive_applies(struct klive_patch_state *kp)
{
	return !kp->dead && !kp->replaced && (kp->enabled || kp->transition);
}

/*
 * Unhook @os from its module, which goes (or fails to come), with the
 * callbacks the kernel's livepatch runs then, and forget it.
 */
static void klive_obj_unload(struct klive_patch_state *kp,
			     struct klive_obj_state *os)
{
	/* a replaced patch's callbacks are its successor's now */
	if (!kp->replaced)
		klive_obj_pre_unpatch(kp, os);
	klive_unregister_obj(os);
	WRITE_ONCE(os->patched, false);
	if (!kp->replaced)
		klive_obj_post_unpatch(kp, os);
	klive_obj_forget(os);
}

/* Resolve, check, prepare and hook @os as its module @mod comes. */
static int klive_obj_apply(struct klive_patch_state *kp,
			   struct klive_obj_state *os, struct module *mod)
{
	int ret;

	ret = klive_obj_prepare(kp, os, mod) ?: klive_apply_relocs(kp, os);
	if (ret) {
		pr_err("%s: cannot be applied to module %s (%d): refusing to load the module\n",
		       kp->name, mod->name, ret);
		return ret;
	}
	os->relocated = true;
	ret = klive_obj_pre_patch(kp, os);
	if (ret) {
		pr_err("%s: the pre-patch callback of %s refused the patch (%d): refusing to load module %s\n",
		       kp->name, mod->name, ret, mod->name);
		return ret;
	}
	ret = klive_register_obj(kp, os);
	if (ret) {
		pr_err("%s: cannot redirect the functions of module %s (%d): refusing to load the module\n",
		       kp->name, mod->name, ret);
		return ret;
	}
	return 0;
}

/*
 * MODULE_STATE_COMING: the loader has enabled the module's ftrace sites
 * (ftrace_module_enable() runs before the notifiers), its BTF is in sysfs
 * (the BPF notifier was registered before klive's) and none of its code
 * has run: its init runs after every notifier returns, and no other
 * module can link to it before it is live. Every patch in force or in
 * transition with an object for it is applied now, oldest first so the
 * newest version ends on top, then the hooks answer (klive_ops_settle()).
 * An error fails the load, with nothing of it patched. klive_mutex also
 * serializes this with enables, transitions and klive_module_going().
 */
static int klive_module_coming(struct module *mod)
{
	struct klive_patch_state *kp, *tr;
	struct klive_coming *c;
	unsigned int i;
	int ret = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->mod = mod;
	mutex_lock(&klive_mutex);
	list_for_each_entry(kp, &klive_patches, node) {
		if (!klive_applies(kp))
			continue;
		for (i = 0; i < kp->nr_objs; i++) {
			struct klive_obj_state *os = &kp->objs[i];

			if (!os->obj->name || strcmp(os->obj->name, mod->name) ||
			    os->live)
				continue;
			ret = klive_obj_apply(kp, os, mod);
			if (ret)
				goto undo;
		}
	}
	tr = klive_transition_patch();
	list_for_each_entry(kp, &klive_patches, node) {
		for (i = 0; i < kp->nr_objs; i++) {
			struct klive_obj_state *os = &kp->objs[i];

			if (!os->live || os->mod != mod)
				continue;
			klive_ops_settle(os, tr);
			WRITE_ONCE(os->patched, true);
			pr_info("%s: patching module %s as it loads\n", kp->name,
				mod->name);
			/* in transition: post-patch when it ends patched */
			if (kp != tr)
				klive_obj_post_patch(kp, os);
		}
	}
	list_add(&c->node, &klive_coming_mods);
	mutex_unlock(&klive_mutex);
	return 0;

undo:
	list_for_each_entry(kp, &klive_patches, node) {
		for (i = 0; i < kp->nr_objs; i++) {
			struct klive_obj_state *os = &kp->objs[i];

			if (os->live && os->mod == mod)
				klive_obj_unload(kp, os);
		}
	}
	mutex_unlock(&klive_mutex);
	kfree(c);
	return ret;
}

/* Forget that @mod was seen coming; klive_mutex held. */
static void klive_coming_done(struct module *mod)
{
	struct klive_coming *c;

	list_for_each_entry(c, &klive_coming_mods, node) {
		if (c->mod == mod) {
			list_del(&c->node);
			kfree(c);
			return;
		}
	}
}

/*
 * MODULE_STATE_GOING: the module's exit has run (or its load failed after
 * MODULE_STATE_COMING), its code runs no more. Every patch forgets it;
 * the next load applies them again.
 */
static void klive_module_going(struct module *mod)
{
	struct klive_patch_state *kp;
	unsigned int i;

	mutex_lock(&klive_mutex);
	klive_coming_done(mod);
	list_for_each_entry(kp, &klive_patches, node) {
		for (i = 0; i < kp->nr_objs; i++) {
			struct klive_obj_state *os = &kp->objs[i];

			if (!os->live || os->mod != mod)
				continue;
			pr_info("%s: module %s is going: its functions are unpatched\n",
				kp->name, mod->name);
			klive_obj_unload(kp, os);
		}
		klive_drop_nops(kp, mod);
	}
	mutex_unlock(&klive_mutex);
}

/*
 * Target modules come and go (see above). A patch module's init has
 * returned: if it succeeded, let tasks switch; if it failed after
 * enabling, take everything back before the loader frees the module (no
 * task has switched, so none runs its code).
 */
static int klive_module_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	struct module *mod = data;
	struct klive_patch_state *kp;

	if (action == MODULE_STATE_COMING)
		return notifier_from_errno(klive_check_klp_name(mod) ?:
					   klive_module_coming(mod));
	if (action == MODULE_STATE_GOING)
		klive_module_going(mod);
	if (action != MODULE_STATE_LIVE && action != MODULE_STATE_GOING)
		return NOTIFY_OK;
	mutex_lock(&klive_mutex);
	if (action == MODULE_STATE_LIVE)
		klive_coming_done(mod);
	kp = klive_held_patch(mod);
	if (!kp) {
		mutex_unlock(&klive_mutex);
		return NOTIFY_OK;
	}
	kp->held = false;
	if (action == MODULE_STATE_LIVE) {
		klive_transition_go(kp);
		queue_delayed_work(klive_wq, &kp->work, 0);
		mutex_unlock(&klive_mutex);
		return NOTIFY_OK;
	}
	pr_err("%s: the patch module's init failed after enabling the patch: patch removed\n",
	       kp->name);
	klive_transition_cancel(kp);
	kp->enabled = false;
	list_del(&kp->node);
	kp->dead = true;
	klive_teardown(kp);
	mutex_unlock(&klive_mutex);
	klive_release(kp);
	return NOTIFY_OK;
}

static struct notifier_block klive_module_nb = {
	.notifier_call = klive_module_notify,
};

static int __init klive_init(void)
{
	int ret;

	ret = klive_symbols_init();
	if (ret)
		return ret;
	klive_transition_init();
	klive_wq = alloc_ordered_workqueue("klive", 0);
	if (!klive_wq)
		return -ENOMEM;
	ret = klive_sysfs_init();
	if (ret) {
		destroy_workqueue(klive_wq);
		return ret;
	}
	ret = register_module_notifier(&klive_module_nb);
	if (ret) {
		klive_sysfs_exit();
		destroy_workqueue(klive_wq);
		return ret;
	}
	pr_info("ready (patch ABI %d)\n", KLIVE_ABI_VERSION);
	return 0;
}

static void __exit klive_exit(void)
{
	struct klive_coming *c, *tmp;

	unregister_module_notifier(&klive_module_nb);
	/* modules still coming (a long init) when klive goes */
	list_for_each_entry_safe(c, tmp, &klive_coming_mods, node)
		kfree(c);
	destroy_workqueue(klive_wq);
	klive_transition_exit();
	klive_sysfs_exit();
	klive_shadow_exit();
}

module_init(klive_init);
module_exit(klive_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive live patching core");
