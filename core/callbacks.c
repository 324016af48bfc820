// SPDX-License-Identifier: GPL-2.0
/* callbacks.c - run a patch's per-object callbacks at the points of its transitions. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/module.h>
#include "klive_internal.h"

static const char *klive_objname(const struct klive_obj_state *os)
{
	return os->obj->name ?: "vmlinux";
}

/* Callbacks are code of the patch module, like replacements. */
int klive_check_callbacks(const struct klive_patch *patch)
{
	unsigned int i, j;

	for (i = 0; i < patch->nr_objs; i++) {
		const struct klive_callbacks *cb = &patch->objs[i].callbacks;
		const void *fn[] = { cb->pre_patch, cb->post_patch,
				     cb->pre_unpatch, cb->post_unpatch };

		for (j = 0; j < ARRAY_SIZE(fn); j++) {
			if (fn[j] && !klive_in_module_text((unsigned long)fn[j],
							   1, patch->mod)) {
				pr_err("%s: a callback of %s is not code of the patch module\n",
				       patch->name,
				       patch->objs[i].name ?: "vmlinux");
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * Object @os is about to be redirected (at the patch's enable, or as its
 * module loads): its pre-patch callback may refuse.
 */
int klive_obj_pre_patch(struct klive_obj_state *os)
{
	int ret;

	if (os->obj->callbacks.pre_patch) {
		ret = os->obj->callbacks.pre_patch();
		if (ret)
			return ret;
	}
	os->pre_patched = true;
	return 0;
}

/* Every task runs @os's new code. */
void klive_obj_post_patch(struct klive_obj_state *os)
{
	if (os->post_patched || !os->pre_patched)
		return;
	if (os->obj->callbacks.post_patch)
		os->obj->callbacks.post_patch();
	os->post_patched = true;
}

/* @os leaves the patched state (a disable starts, or its module goes). */
void klive_obj_pre_unpatch(struct klive_obj_state *os)
{
	if (os->post_patched && os->obj->callbacks.pre_unpatch)
		os->obj->callbacks.pre_unpatch();
	os->post_patched = false;
}

/* No task runs @os's new code any more (or it never started). */
void klive_obj_post_unpatch(struct klive_obj_state *os)
{
	if (os->pre_patched && os->obj->callbacks.post_unpatch)
		os->obj->callbacks.post_unpatch();
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
		ret = klive_obj_pre_patch(os);
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
			klive_obj_post_patch(&kp->objs[i]);
	}
}

/* A disable starts from the patched state. */
void klive_pre_unpatch(struct klive_patch_state *kp)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++)
		klive_obj_pre_unpatch(&kp->objs[i]);
}

/* No task runs the new code any more (or it never started). */
void klive_post_unpatch(struct klive_patch_state *kp)
{
	unsigned int i;

	for (i = 0; i < kp->nr_objs; i++)
		klive_obj_post_unpatch(&kp->objs[i]);
}
