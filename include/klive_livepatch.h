/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive_livepatch.h - build a module written for the kernel's livepatch
 * (<linux/livepatch.h>: struct klp_patch, klp_enable_patch(), callbacks,
 * states, replace, klp_shadow_*) unchanged as a klive patch module, for
 * kernels with or without CONFIG_LIVEPATCH.
 *
 * Either include it instead of <linux/livepatch.h>, or build the source as
 * it is with include/klp first in the include path (the module's Kbuild:
 * NOSTDINC_FLAGS += -I$(KLIVE)/include/klp -I$(KLIVE)/include), where
 * linux/livepatch.h is this header. Link against klive.ko's Module.symvers.
 *
 * The structures keep the kernel's public fields; klp_enable_patch()
 * translates them into klive's description (klive.h) and hands it to
 * klive.ko, which copies it. The patch's directory in /sys/kernel/livepatch
 * is named after the module, as the kernel names it. Nothing here is a
 * symbol of the module, so nothing clashes with the kernel's livepatch.
 */
#ifndef _KLIVE_LIVEPATCH_H
#define _KLIVE_LIVEPATCH_H

#ifdef _LINUX_LIVEPATCH_H_
#error "the kernel's <linux/livepatch.h> was included before klive_livepatch.h"
#endif
/* the kernel's header, if some other header includes it, adds nothing */
#define _LINUX_LIVEPATCH_H_

#include <linux/module.h>
#include <linux/slab.h>
#include <klive.h>
#include <klive_shadow.h>

/*
 * MODULE_INFO(livepatch, "Y") marks a module for the kernel's livepatch:
 * a kernel without it refuses to load such a module. A klive patch is an
 * ordinary module, so the tag becomes klive_klp (MODULE_INFO expands its
 * arguments). The source's other uses of the bare word are renamed alike.
 */
#define livepatch klive_klp

/* Task states, as the kernel's livepatch names them. */
#define KLP_UNDEFINED	-1
#define KLP_UNPATCHED	 0
#define KLP_PATCHED	 1

struct klp_func {
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;
	/* the kernel's own; not filled in by klive */
	void *old_func;
	unsigned long old_size, new_size;
	bool nop;
	bool patched;
	bool transition;
};

struct klp_object;

/*
 * post_unpatch_enabled is not read: klive runs post_unpatch exactly when
 * pre_patch succeeded, as the kernel does.
 */
struct klp_callbacks {
	int (*pre_patch)(struct klp_object *obj);
	void (*post_patch)(struct klp_object *obj);
	void (*pre_unpatch)(struct klp_object *obj);
	void (*post_unpatch)(struct klp_object *obj);
	bool post_unpatch_enabled;
};

/* mod is set before each callback: the target module, NULL for vmlinux. */
struct klp_object {
	const char *name;
	struct klp_func *funcs;
	struct klp_callbacks callbacks;
	struct module *mod;
	bool dynamic;
	bool patched;
};

/* Same layout: klive.ko hands the module's own states to callbacks. */
#define klp_state klive_state

struct klp_patch {
	struct module *mod;
	struct klp_object *objs;
	struct klp_state *states;
	bool replace;
	/* klive's description, in the module's memory as klive.ko wants */
	struct klive_patch klive;
	bool enabled;
	bool forced;
};

#define klp_for_each_object_static(patch, obj) \
	for (obj = patch->objs; obj->funcs || obj->name; obj++)

#define klp_for_each_func_static(obj, func) \
	for (func = obj->funcs; \
	     func->old_name || func->new_func || func->old_sympos; \
	     func++)

/* klive's callbacks get the object back as their argument. */
static int __maybe_unused klp_klive_pre_patch(void *arg, struct module *mod)
{
	struct klp_object *obj = arg;

	obj->mod = mod;
	return obj->callbacks.pre_patch(obj);
}

static void __maybe_unused klp_klive_post_patch(void *arg, struct module *mod)
{
	struct klp_object *obj = arg;

	obj->mod = mod;
	obj->callbacks.post_patch(obj);
}

static void __maybe_unused klp_klive_pre_unpatch(void *arg, struct module *mod)
{
	struct klp_object *obj = arg;

	obj->mod = mod;
	obj->callbacks.pre_unpatch(obj);
}

static void __maybe_unused klp_klive_post_unpatch(void *arg,
						  struct module *mod)
{
	struct klp_object *obj = arg;

	obj->mod = mod;
	obj->callbacks.post_unpatch(obj);
}

/* klive's object @ko for the kernel's object @obj; 0 or -ENOMEM. */
static inline int klp_klive_object(struct klive_object *ko,
				   struct klp_object *obj)
{
	struct klive_func *funcs = NULL;
	struct klp_func *func;
	unsigned int n = 0;

	klp_for_each_func_static(obj, func)
		n++;
	if (n) {
		funcs = kcalloc(n, sizeof(*funcs), GFP_KERNEL);
		if (!funcs)
			return -ENOMEM;
	}
	n = 0;
	klp_for_each_func_static(obj, func) {
		funcs[n].old_name = func->old_name;
		funcs[n].old_sympos = func->old_sympos;
		funcs[n].new_func = func->new_func;
		n++;
	}
	ko->name = obj->name;
	ko->funcs = funcs;
	ko->nr_funcs = n;
	ko->cb_arg = obj;
	if (obj->callbacks.pre_patch)
		ko->callbacks_arg.pre_patch = klp_klive_pre_patch;
	if (obj->callbacks.post_patch)
		ko->callbacks_arg.post_patch = klp_klive_post_patch;
	if (obj->callbacks.pre_unpatch)
		ko->callbacks_arg.pre_unpatch = klp_klive_pre_unpatch;
	if (obj->callbacks.post_unpatch)
		ko->callbacks_arg.post_unpatch = klp_klive_post_unpatch;
	return 0;
}

/*
 * Call from the module's init, as in the kernel. klive.ko copies the
 * description, so the arrays built here go once it returns.
 */
static inline int klp_enable_patch(struct klp_patch *patch)
{
	struct klive_object *objs;
	struct klp_object *obj;
	struct klp_state *state;
	unsigned int i, n = 0;
	int ret = 0;

	if (!patch || !patch->mod || !patch->objs)
		return -EINVAL;
	klp_for_each_object_static(patch, obj)
		n++;
	objs = kcalloc(n ?: 1, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	i = 0;
	klp_for_each_object_static(patch, obj) {
		ret = klp_klive_object(&objs[i], obj);
		if (ret)
			break;
		i++;
	}
	if (!ret) {
		patch->klive.abi = KLIVE_ABI_VERSION;
		patch->klive.mod = patch->mod;
		patch->klive.name = patch->mod->name;
		patch->klive.objs = objs;
		patch->klive.nr_objs = n;
		patch->klive.replace = patch->replace;
		patch->klive.states = patch->states;
		patch->klive.nr_states = 0;
		for (state = patch->states; state && state->id; state++)
			patch->klive.nr_states++;
		patch->klive.own_shadow = 1;
		ret = klive_enable_patch(&patch->klive);
		patch->enabled = !ret;
	}
	while (i--)
		kfree(objs[i].funcs);
	kfree(objs);
	patch->klive.objs = NULL;
	patch->klive.nr_objs = 0;
	return ret;
}

/* The patch's own state @id (any context), as in the kernel. */
static inline struct klp_state *klp_get_state(struct klp_patch *patch,
					      unsigned long id)
{
	struct klp_state *state;

	for (state = patch->states; state && state->id; state++) {
		if (state->id == id)
			return state;
	}
	return NULL;
}

/* From a callback: the newest state @id of the patches enabled before. */
static inline struct klp_state *klp_get_prev_state(unsigned long id)
{
	return klive_get_prev_state(id);
}

/* Shadow variables are klive.ko's, shared with klive's own patches. */
#define klp_shadow_ctor_t klive_shadow_ctor_t
#define klp_shadow_dtor_t klive_shadow_dtor_t

static inline void *klp_shadow_get(void *obj, unsigned long id)
{
	return klive_shadow_get(obj, id);
}

static inline void *klp_shadow_alloc(void *obj, unsigned long id, size_t size,
				     gfp_t gfp_flags, klp_shadow_ctor_t ctor,
				     void *ctor_data)
{
	return klive_shadow_alloc(obj, id, size, gfp_flags, ctor, ctor_data);
}

static inline void *klp_shadow_get_or_alloc(void *obj, unsigned long id,
					    size_t size, gfp_t gfp_flags,
					    klp_shadow_ctor_t ctor,
					    void *ctor_data)
{
	return klive_shadow_get_or_alloc(obj, id, size, gfp_flags, ctor,
					 ctor_data);
}

static inline void klp_shadow_free(void *obj, unsigned long id,
				   klp_shadow_dtor_t dtor)
{
	klive_shadow_free(obj, id, dtor);
}

static inline void klp_shadow_free_all(unsigned long id,
				       klp_shadow_dtor_t dtor)
{
	klive_shadow_free_all(id, dtor);
}

#endif /* _KLIVE_LIVEPATCH_H */
