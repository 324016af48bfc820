// SPDX-License-Identifier: GPL-2.0
/* sysfs.c - /sys/kernel/livepatch/<patch>/{enabled,transition,force,replace,stack_order,blocking,module,<obj>/{patched,<func>,<pos>}}. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "klive_internal.h"

static struct kobject *klive_root;

static inline struct klive_patch_state *to_kp(struct kobject *kobj)
{
	return container_of(kobj, struct klive_patch_state, kobj);
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(kp->enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct klive_patch_state *kp = to_kp(kobj);
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	ret = klive_request_enabled(kp, val);
	return ret ?: count;
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(kp->transition));
}

static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct klive_patch_state *kp = to_kp(kobj);
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	if (!val)
		return -EINVAL;
	ret = klive_request_force(kp);
	return ret ?: count;
}

static ssize_t blocking_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return klive_show_blocking(kp, buf);
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return sysfs_emit(buf, "%d\n", !!kp->patch->replace);
}

static ssize_t stack_order_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return sysfs_emit(buf, "%u\n", klive_stack_order(kp));
}

/* klive only: the module holding the patch, for tools that remove it */
static ssize_t module_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct klive_patch_state *kp = to_kp(kobj);

	return sysfs_emit(buf, "%s\n", kp->patch->mod->name);
}

static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);
static struct kobj_attribute transition_attr = __ATTR_RO(transition);
static struct kobj_attribute force_attr = __ATTR_WO(force);
static struct kobj_attribute module_attr = __ATTR_RO(module);
static struct kobj_attribute replace_attr = __ATTR_RO(replace);
static struct kobj_attribute stack_order_attr = __ATTR_RO(stack_order);
/* names other users' tasks and where they sleep: root only */
static struct kobj_attribute blocking_attr = __ATTR_RO_MODE(blocking, 0400);

static struct attribute *klive_patch_attrs[] = {
	&enabled_attr.attr,
	&transition_attr.attr,
	&force_attr.attr,
	&blocking_attr.attr,
	&module_attr.attr,
	&replace_attr.attr,
	&stack_order_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(klive_patch);

/* <obj>/patched: its functions are hooked (a module: loaded, too). */
static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct klive_obj_state *os = container_of(kobj, struct klive_obj_state,
						  kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(os->patched));
}

static struct kobj_attribute patched_attr = __ATTR_RO(patched);

static struct attribute *klive_obj_attrs[] = {
	&patched_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(klive_obj);

/* Last reference to a patch: all child kobjects are gone already. */
static void klive_patch_release(struct kobject *kobj)
{
	struct klive_patch_state *kp = to_kp(kobj);
	unsigned int i, j;

	for (i = 0; kp->objs && i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		for (j = 0; os->funcs && j < os->obj->nr_funcs; j++)
			kfree(os->funcs[j].pieces);
		kfree(os->funcs);
	}
	kfree(kp->objs);
	for (i = 0; i < kp->nr_nops; i++)
		kfree(kp->nops[i].pieces);
	kfree(kp->nops);
	kfree(kp->blocking);
	klive_desc_free(kp->patch);
	kfree(kp);
}

/* Object and function dirs live inside the patch's allocation. */
static void klive_child_release(struct kobject *kobj)
{
}

static const struct kobj_type klive_patch_ktype = {
	.release = klive_patch_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klive_patch_groups,
};

static const struct kobj_type klive_child_ktype = {
	.release = klive_child_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

static const struct kobj_type klive_obj_ktype = {
	.release = klive_child_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klive_obj_groups,
};

void klive_patch_kobj_init(struct klive_patch_state *kp)
{
	kobject_init(&kp->kobj, &klive_patch_ktype);
}

int klive_sysfs_add(struct klive_patch_state *kp)
{
	struct kernfs_node *kn;
	unsigned int i, j;
	int ret;

	kn = kernfs_find_and_get(klive_root->sd, kp->name);
	if (kn) {
		kernfs_put(kn);
		pr_err("%s: /sys/kernel/livepatch/%s already exists\n",
		       kp->name, kp->name);
		return -EEXIST;
	}
	ret = kobject_add(&kp->kobj, klive_root, "%s", kp->name);
	if (ret)
		return ret;
	kp->kobj_live = true;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		os->kobj_live = true;
		ret = kobject_init_and_add(&os->kobj, &klive_obj_ktype,
					   &kp->kobj, "%s",
					   os->obj->name ?: "vmlinux");
		if (ret)
			return ret;
		for (j = 0; j < os->obj->nr_funcs; j++) {
			struct klive_func_state *f = &os->funcs[j];

			f->kobj_live = true;
			ret = kobject_init_and_add(&f->kobj, &klive_child_ktype,
						   &os->kobj, "%s,%lu", f->name,
						   f->sympos ?: 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Remove the patch's directories; the caller drops the last reference. */
void klive_sysfs_del(struct klive_patch_state *kp)
{
	unsigned int i, j;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		if (!os->funcs)
			continue;
		for (j = 0; j < os->obj->nr_funcs; j++) {
			if (os->funcs[j].kobj_live)
				kobject_put(&os->funcs[j].kobj);
			os->funcs[j].kobj_live = false;
		}
		if (os->kobj_live)
			kobject_put(&os->kobj);
		os->kobj_live = false;
	}
	if (kp->kobj_live)
		kobject_del(&kp->kobj);
	kp->kobj_live = false;
}

/*
 * Patches go beside the kernel livepatch's ones when it is built in;
 * otherwise klive owns /sys/kernel/livepatch.
 */
int klive_sysfs_init(void)
{
	struct kobject *root;

	if (IS_ENABLED(CONFIG_LIVEPATCH)) {
		root = klive_kernel_livepatch_root();
		if (!root || root->parent != kernel_kobj ||
		    strcmp(kobject_name(root), "livepatch")) {
			pr_err("cannot find the kernel livepatch's /sys/kernel/livepatch\n");
			return -ENOENT;
		}
		klive_root = kobject_get(root);
		return 0;
	}
	klive_root = kobject_create_and_add("livepatch", kernel_kobj);
	if (!klive_root) {
		pr_err("cannot create /sys/kernel/livepatch\n");
		return -ENOMEM;
	}
	return 0;
}

void klive_sysfs_exit(void)
{
	kobject_put(klive_root);
}
