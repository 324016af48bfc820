/* SPDX-License-Identifier: GPL-2.0 */
/* klive_internal.h - state and helpers shared by the files of klive.ko. */
#ifndef _KLIVE_INTERNAL_H
#define _KLIVE_INTERNAL_H

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <klive.h>

#define KLIVE_NAME_MAX	64

struct klive_patch_state;

/* An address range of code. */
struct klive_range {
	unsigned long addr, size;
};

/* One redirected function. */
struct klive_func_state {
	struct ftrace_ops ops;
	struct klive_patch_state *kp;
	const char *name;		/* in the patch module, pinned */
	unsigned long sympos;
	unsigned long old_addr, old_size;
	unsigned long new_addr, new_size;
	unsigned long fentry;		/* ftrace site inside the old function */
	struct klive_range *pieces;	/* the old function's .cold parts */
	unsigned int nr_pieces;
	bool registered;
	bool kobj_live;
	struct kobject kobj;
};

/* One target object (vmlinux or a loaded module) of a patch. */
struct klive_obj_state {
	const struct klive_object *obj;
	struct module *mod;		/* NULL for vmlinux; referenced */
	struct klive_func_state *funcs;
	bool pre_patched;		/* post_unpatch is due */
	bool post_patched;		/* pre_unpatch is due */
	bool kobj_live;
	struct kobject kobj;
};

/* klive's runtime state of one patch; freed by the release of kobj. */
struct klive_patch_state {
	struct list_head node;
	struct klive_patch *patch;	/* klive's own copy, checked */
	const struct klive_patch *orig;	/* the module's, never written */
	char name[KLIVE_NAME_MAX];
	struct klive_obj_state *objs;
	unsigned int nr_objs;
	int redirect;			/* handler's answer outside transitions */
	bool per_task;			/* handler asks the task's state instead */
	bool enabled;			/* target state shown in sysfs */
	bool transition;		/* true until redirect == enabled */
	bool forced;			/* pins the patch module forever */
	bool stuck;			/* ftrace would not let go: pinned too */
	bool held;			/* patch module not live yet */
	bool dead;			/* being torn down */
	bool mod_ref;			/* holds a reference on patch->mod */
	bool kobj_live;			/* kobj is in sysfs */
	char *blocking;			/* report of the last sweep, a page */
	size_t blocking_len;
	struct kobject kobj;
	struct delayed_work work;
};

extern struct mutex klive_mutex;

/* symbols.c */
/* A kallsyms_on_each_symbol() callback: no struct module since 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KLIVE_SYM_CB_ARGS void *data, const char *name, unsigned long addr
#else
#define KLIVE_SYM_CB_ARGS void *data, const char *name, struct module *mod, \
			  unsigned long addr
#endif
typedef int (*klive_ksym_fn)(KLIVE_SYM_CB_ARGS);
int klive_symbols_init(void);
int klive_on_each_symbol(klive_ksym_fn fn, void *data);
bool klive_in_kernel_text(unsigned long addr);
int klive_lookup(const char *objname, const char *name, unsigned long sympos,
		 unsigned long *addr);
bool klive_size_offset(unsigned long addr, unsigned long *size,
		       unsigned long *offset);
struct module *klive_get_module(const char *name);
unsigned long klive_ftrace_location(unsigned long addr);
void *klive_text_poke(void *addr, const void *src, size_t len);
int klive_stack_reliable(struct task_struct *t, unsigned long *store,
			 unsigned int size);
struct task_struct *klive_idle_task(int cpu);
int klive_task_call(struct task_struct *t, task_call_f func, void *arg);
int klive_wake_up_state(struct task_struct *t, unsigned int state);
bool klive_task_work_cancel(struct task_struct *t, struct callback_head *cb);
struct kobject *klive_kernel_livepatch_root(void);

/* btf.c */
int klive_check_layouts(const struct klive_patch *patch);

/* symev.c */
#define KLIVE_SYMPOS_FRESH	ULONG_MAX	/* the patch's own copy */
int klive_symev_copy(struct klive_object *obj, const struct klive_symev *src,
		     unsigned int n, const struct module *mod);
void klive_symev_free(const struct klive_object *obj);
int klive_symev_resolve(struct klive_patch *patch);
unsigned long klive_symev_fresh(const struct klive_object *obj,
				const char *name);

/* desc.c */
struct klive_patch *klive_desc_take(const struct klive_patch *in);
void klive_desc_free(struct klive_patch *d);

/* modmem.c */
bool klive_in_module_text(unsigned long addr, size_t len,
			  const struct module *mod);
bool klive_in_module_data(unsigned long addr, size_t len,
			  const struct module *mod);
bool klive_in_module_rodata(unsigned long addr, size_t len,
			    const struct module *mod);

/* reloc.c */
int klive_apply_relocs(struct klive_patch_state *kp, struct klive_obj_state *os);

/* runpre.c */
int klive_runpre_check(struct klive_patch_state *kp,
		       struct klive_obj_state *os);

/* patch.c */
int klive_register_funcs(struct klive_patch_state *kp);
void klive_unregister_funcs(struct klive_patch_state *kp);

/* transition.c */
int klive_current_patched(int fallback);
struct klive_patch_state *klive_transition_patch(void);
int klive_transition_start(struct klive_patch_state *kp, int target,
			   bool hold);
void klive_transition_go(struct klive_patch_state *kp);
void klive_transition_cancel(struct klive_patch_state *kp);
void klive_transition_reverse(struct klive_patch_state *kp);
void klive_transition_force(struct klive_patch_state *kp);
bool klive_transition_sweep(struct klive_patch_state *kp);
unsigned long klive_sweep_delay(void);
void klive_transition_init(void);
void klive_transition_exit(void);

/* callbacks.c */
int klive_check_callbacks(const struct klive_patch *patch);
int klive_pre_patch(struct klive_patch_state *kp);
void klive_post_patch(struct klive_patch_state *kp);
void klive_pre_unpatch(struct klive_patch_state *kp);
void klive_post_unpatch(struct klive_patch_state *kp);

/* shadow.c */
void klive_shadow_release(struct module *mod);
void klive_shadow_exit(void);

/* sysfs.c */
int klive_sysfs_init(void);
void klive_sysfs_exit(void);
int klive_sysfs_add(struct klive_patch_state *kp);
void klive_sysfs_del(struct klive_patch_state *kp);
void klive_patch_kobj_init(struct klive_patch_state *kp);

/* core.c */
int klive_request_enabled(struct klive_patch_state *kp, bool enable);
int klive_request_force(struct klive_patch_state *kp);
ssize_t klive_show_blocking(struct klive_patch_state *kp, char *buf);

#endif /* _KLIVE_INTERNAL_H */
