// SPDX-License-Identifier: GPL-2.0
/* state.c - system states of patches (the kernel's klp_state): checks at enable, lookups from callbacks. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/lockdep.h>
#include <linux/module.h>
#include "klive_internal.h"

/* The index of state @id in @patch (klive's copy), or -1. */
static int klive_state_index(const struct klive_patch *patch, unsigned long id)
{
	unsigned int i;

	for (i = 0; i < patch->nr_states; i++) {
		if (patch->states[i].id == id)
			return i;
	}
	return -1;
}

/* Ids are non-zero and appear once in a patch. */
int klive_check_states(const struct klive_patch *patch)
{
	unsigned int i;

	for (i = 0; i < patch->nr_states; i++) {
		unsigned long id = patch->states[i].id;

		if (!id || klive_state_index(patch, id) != i) {
			pr_err("%s: system state %u has id %#lx, %s\n",
			       patch->name, i, id,
			       id ? "which an earlier state has" : "which is 0");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Can @kp come in beside (or, replacing, instead of) the patches in force?
 * It may not lower the version of one of their states, and a replacing
 * patch must know each of them: it would drop their setup unknowingly.
 * Also checks that @kp's states lie in its module's data, where its
 * callbacks keep theirs. klive_mutex held; nothing changed yet.
 */
int klive_states_compatible(struct klive_patch_state *kp)
{
	const struct klive_patch *patch = kp->patch;
	struct klive_patch_state *old;
	unsigned int i;
	int k;

	if (patch->nr_states &&
	    !klive_in_module_data((unsigned long)kp->mod_states,
				  patch->nr_states * sizeof(*kp->mod_states),
				  patch->mod)) {
		pr_err("%s: its system states are not in the patch module's data\n",
		       kp->name);
		return -EINVAL;
	}
	list_for_each_entry(old, &klive_patches, node) {
		if (old->dead || !old->enabled)
			continue;
		for (i = 0; i < old->patch->nr_states; i++) {
			const struct klive_state *s = &old->patch->states[i];

			k = klive_state_index(patch, s->id);
			if (k < 0 && !patch->replace)
				continue;
			if (k < 0) {
				pr_err("%s: cannot replace %s: it does not know system state %#lx (version %u) of %s\n",
				       kp->name, old->name, s->id, s->version,
				       old->name);
				return -EINVAL;
			}
			if (patch->states[k].version < s->version) {
				pr_err("%s: system state %#lx version %u is older than version %u of %s\n",
				       kp->name, s->id, patch->states[k].version,
				       s->version, old->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* The patch whose callback runs (or the one in transition). */
static struct klive_patch_state *klive_state_self(void)
{
	lockdep_assert_held(&klive_mutex);
	return klive_cb_patch ?: klive_transition_patch();
}

struct klive_state *klive_get_state(unsigned long id)
{
	struct klive_patch_state *kp = klive_state_self();
	int k;

	if (WARN_ON_ONCE(!kp))
		return NULL;
	k = klive_state_index(kp->patch, id);
	return k < 0 ? NULL : &kp->mod_states[k];
}
EXPORT_SYMBOL_GPL(klive_get_state);

/*
 * As in the kernel, the newest of the patches enabled before the calling
 * one: patches replaced by it are still there during its transition and
 * its post-patch callbacks.
 */
struct klive_state *klive_get_prev_state(unsigned long id)
{
	struct klive_patch_state *kp = klive_state_self(), *old;
	struct klive_state *last = NULL;
	int k;

	if (WARN_ON_ONCE(!kp))
		return NULL;
	list_for_each_entry(old, &klive_patches, node) {
		if (old == kp)
			break;
		if (old->dead || !old->enabled)
			continue;
		k = klive_state_index(old->patch, id);
		if (k >= 0)
			last = &old->mod_states[k];
	}
	return last;
}
EXPORT_SYMBOL_GPL(klive_get_prev_state);
