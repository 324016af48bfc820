// SPDX-License-Identifier: GPL-2.0
/* callbacks.c - run a patch's per-object callbacks at the points of its transitions. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/module.h>
#include "klive_internal.h"

/* The patch whose callback runs, for klive_get_state(); klive_mutex held. */
struct klive_patch_state *klive_cb_patch;

enum klive_cb_kind { KLIVE_PRE_PATCH, KLIVE_POST_PATCH, KLIVE_PRE_UNPATCH,
		     KLIVE_POST_UNPATCH, KLIVE_CB_KINDS };

static const char *klive_objname(const struct klive_obj_state *os)
{
	return os->obj->name ?: "vmlinux";
}

/* The callbacks of @obj, of either form, in klive_cb_kind order. */
static void klive_cb_fns(const struct klive_object *obj,
			 const void *fn[KLIVE_CB_KINDS],
			 const void *fn_arg[KLIVE_CB_KINDS])
{
	const struct klive_callbacks *cb = &obj->callbacks;
	const struct klive_callbacks_arg *ca = &obj->callbacks_arg;

	fn[KLIVE_PRE_PATCH] = cb->pre_patch;
	fn[KLIVE_POST_PATCH] = cb->post_patch;
	fn[KLIVE_PRE_UNPATCH] = cb->pre_unpatch;
	fn[KLIVE_POST_UNPATCH] = cb->post_unpatch;
	fn_arg[KLIVE_PRE_PATCH] = ca->pre_patch;
	fn_arg[KLIVE_POST_PATCH] = ca->post_patch;
	fn_arg[KLIVE_PRE_UNPATCH] = ca->pre_unpatch;
	fn_arg[KLIVE_POST_UNPATCH] = ca->post_unpatch;
}

/* Does any object of @patch have a callback? */
bool klive_has_callbacks(const struct klive_patch *patch)
{
	const void *fn[KLIVE_CB_KINDS], *fn_arg[KLIVE_CB_KINDS];
	unsigned int i, j;

	for (i = 0; i < patch->nr_objs; i++) {
		klive_cb_fns(&patch->objs[i], fn, fn_arg);
		for (j = 0; j < KLIVE_CB_KINDS; j++) {
			if (fn[j] || fn_arg[j])
				return true;
		}
	}
	return false;
}

/* Callbacks are code of the patch module, like replacements; one form. */
int klive_check_callbacks(const struct klive_patch *patch)
{
	const void *fn[KLIVE_CB_KINDS], *fn_arg[KLIVE_CB_KINDS];
	unsigned int i, j;
	bool plain, arg;

	for (i = 0; i < patch->nr_objs; i++) {
		const char *objname = patch->objs[i].name ?: "vmlinux";

		klive_cb_fns(&patch->objs[i], fn, fn_arg);
		plain = false;
		arg = false;
		for (j = 0; j < KLIVE_CB_KINDS; j++) {
			plain |= !!fn[j];
			arg |= !!fn_arg[j];
			if ((fn[j] && !klive_in_module_text((unsigned long)fn[j],
							    1, patch->mod)) ||
			    (fn_arg[j] &&
			     !klive_in_module_text((unsigned long)fn_arg[j], 1,
						   patch->mod))) {
				pr_err("%s: a callback of %s is not code of the patch module\n",
				       patch->name, objname);
				return -EINVAL;
			}
		}
		if (plain && arg) {
			pr_err("%s: %s has callbacks with and without an argument\n",
			       patch->name, objname);
			return -EINVAL;
		}
	}
	return 0;
}

/* Run the @kind callback of @os, if it has one; 0 or pre-patch's error. */
static int klive_call(struct klive_patch_state *kp, struct klive_obj_state *os,
		      enum klive_cb_kind kind)
{
	const struct klive_callbacks *cb = &os->obj->callbacks;
	const struct klive_callbacks_arg *ca = &os->obj->callbacks_arg;
	void *arg = os->obj->cb_arg;
	struct klive_patch_state *outer = klive_cb_patch;
	int ret = 0;

	klive_cb_patch = kp;
	switch (kind) {
	case KLIVE_PRE_PATCH:
		if (cb->pre_patch)
			ret = cb->pre_patch();
		else if (ca->pre_patch)
			ret = ca->pre_patch(arg, os->mod);
		break;
	case KLIVE_POST_PATCH:
		if (cb->post_patch)
			cb->post_patch();
		else if (ca->post_patch)
			ca->post_patch(arg, os->mod);
		break;
	case KLIVE_PRE_UNPATCH:
		if (cb->pre_unpatch)
			cb->pre_unpatch();
		else if (ca->pre_unpatch)
			ca->pre_unpatch(arg, os->mod);
		break;
	case KLIVE_POST_UNPATCH:
		if (cb->post_unpatch)
			cb->post_unpatch();
		else if (ca->post_unpatch)
			ca->post_unpatch(arg, os->mod);
		break;
	default:
		break;
	}
	klive_cb_patch = outer;
	return ret;
}

/*
 * Object @os of @kp is about to be redirected (at the patch's enable, or as
 * its module loads): its pre-patch callback may refuse.
 */
int klive_obj_pre_patch(struct klive_patch_state *kp, struct klive_obj_state *os)
{
	int ret;

	ret = klive_call(kp, os, KLIVE_PRE_PATCH);
	if (ret)
		return ret;
	os->pre_patched = true;
	return 0;
}

/* Every task runs @os's new code. */
void klive_obj_post_patch(struct klive_patch_state *kp, struct klive_obj_state *os)
{
	if (os->post_patched || !os->pre_patched)
		return;
	klive_call(kp, os, KLIVE_POST_PATCH);
	os->post_patched = true;
}

/* @os leaves the patched state (a disable starts, or its module goes). */
void klive_obj_pre_unpatch(struct klive_patch_state *kp, struct klive_obj_state *os)
{
	if (os->post_patched)
		klive_call(kp, os, KLIVE_PRE_UNPATCH);
	os->post_patched = false;
}

/* No task runs @os's new code any more (or it never started). */
void klive_obj_post_unpatch(struct klive_patch_state *kp, struct klive_obj_state *os)
{
	if (os->pre_patched)
		klive_call(kp, os, KLIVE_POST_UNPATCH);
	os->pre_patched = false;
	os->post_patched = false;
}

/*
 * Before anything is redirected, for the objects there are (a module not
 * loaded gets its own at load). A refusal undoes the objects already
 * prepared (their post_unpatch), so the patch leaves no trace.
 */
int klive_pre_patch(struct klive_patch_state *kp)
{
	unsigned int i;
	int ret;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		if (!os->live)
			continue;
		ret = klive_obj_pre_patch(kp, os);
		if (ret) {
			pr_err("%s: the pre-patch callback of %s refused the patch (%d): nothing patched\n",
			       kp->name, klive_objname(os), ret);
			klive_post_unpatch(kp);
			return ret;
		}
	}
	return 0;
}

/* Every task runs the new code. */
void klive_post_patch(struct klive_patch_state *kp)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++) {
		if (kp->objs[i].live)
			klive_obj_post_patch(kp, &kp->objs[i]);
	}
}

/* A disable starts from the patched state. */
void klive_pre_unpatch(struct klive_patch_state *kp)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++)
		klive_obj_pre_unpatch(kp, &kp->objs[i]);
}

/* No task runs the new code any more (or it never started). */
void klive_post_unpatch(struct klive_patch_state *kp)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++)
		klive_obj_post_unpatch(kp, &kp->objs[i]);
}
