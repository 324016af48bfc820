/* SPDX-License-Identifier: GPL-2.0 */
/* klive_internal.h - state and helpers shared by the files of klive.ko. */
#ifndef _KLIVE_INTERNAL_H
#define _KLIVE_INTERNAL_H

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
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

/*
 * The ftrace hook of one old function, shared by every klive patch that
 * redirects it. The handler reads only the fields before the list heads;
 * klive_mutex guards the rest.
 */
struct klive_ops {
	struct ftrace_ops fops;
	bool per_task;			/* a transition: ask the task's state */
	unsigned long addr;		/* outside transitions; 0: old code */
	unsigned long tr_new;		/* for tasks in the patched state */
	unsigned long tr_prev;		/* for the others */
	struct list_head stack;		/* klive_func_state in force, newest first */
	struct list_head node;		/* in klive_ops_list */
	unsigned long fentry;
	unsigned int users;		/* klive_func_state pointing here */
	bool registered;
};

/* One redirected function, or a nop of a replacing patch. */
struct klive_func_state {
	struct klive_ops *ops;		/* NULL until hooked */
	struct list_head stack_node;	/* in ops->stack while on_stack */
	bool on_stack;
	bool nop;			/* back to the old code (replace) */
	struct module *prev_mod;	/* patch beneath in the transition */
	struct klive_patch_state *kp;
	const char *name;		/* in the patch module, pinned */
	unsigned long sympos;
	unsigned long old_addr, old_size;
	unsigned long new_addr, new_size;
	unsigned long fentry;		/* ftrace site inside the old function */
	struct klive_range *pieces;	/* the old function's .cold parts */
	unsigned int nr_pieces;
	bool gone;			/* a nop whose module went */
	bool kobj_live;
	struct kobject kobj;
};

/*
 * One target object of a patch: vmlinux, or a module loaded or not. A
 * module object is live from its module's MODULE_STATE_COMING (or the
 * patch's enable, if loaded then) to its MODULE_STATE_GOING; meanwhile
 * its functions are resolved and hooked. Every field is klive_mutex's;
 * the ftrace handler reads none of them.
 */
struct klive_obj_state {
	const struct klive_object *obj;
	/*
	 * NULL for vmlinux. Not referenced, so that the module can be removed
	 * under the patch: valid while live, because the loader frees it only
	 * after klive's MODULE_STATE_GOING notifier, which takes klive_mutex.
	 */
	struct module *mod;
	struct klive_func_state *funcs;	/* all nr_funcs, loaded or not */
	bool live;			/* resolved: klive_func_at() sees it */
	bool relocated;			/* its relocations are written */
	bool patched;			/* hooked: sysfs "patched" */
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
	int redirect;			/* in force outside transitions */
	bool enabled;			/* target state shown in sysfs */
	bool transition;		/* true until redirect == enabled */
	bool forced;			/* pins the patch module forever */
	bool stuck;			/* ftrace would not let go: pinned too */
	bool held;			/* patch module not live yet */
	bool dead;			/* being torn down */
	bool mod_ref;			/* holds a reference on patch->mod */
	bool kobj_live;			/* kobj is in sysfs */
	bool replaced;			/* disabled by a replacing patch */
	bool replacing;			/* replace: earlier patches still to go */
	struct klive_state *mod_states;	/* the module's, for their data */
	struct klive_func_state *nops;	/* replace: earlier patches' functions */
	unsigned int nr_nops;
	char *blocking;			/* report of the last sweep, a page */
	size_t blocking_len;
	struct kobject kobj;
	struct delayed_work work;
};

extern struct mutex klive_mutex;
extern struct list_head klive_patches;	/* oldest first; klive_mutex */

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
struct module *klive_find_module(const char *name, bool *coming);
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
int klive_check_obj_layouts(const struct klive_patch *patch,
			    const struct klive_object *obj);

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
void klive_clear_relocs(struct klive_obj_state *os);

/* runpre.c */
int klive_runpre_check(struct klive_patch_state *kp,
		       struct klive_obj_state *os);

/* patch.c */
int klive_register_funcs(struct klive_patch_state *kp);
void klive_unregister_funcs(struct klive_patch_state *kp);
int klive_register_obj(struct klive_patch_state *kp,
		       struct klive_obj_state *os);
void klive_unregister_obj(struct klive_obj_state *os);
void klive_ops_settle(struct klive_obj_state *os,
		      struct klive_patch_state *tr);
void klive_drop_nops(struct klive_patch_state *kp, struct module *mod);
void klive_ops_begin(struct klive_patch_state *kp);
void klive_ops_end(struct klive_patch_state *kp, int target);
bool klive_func_affected(const struct klive_func_state *f, unsigned long addr);
const char *klive_not_newest(struct klive_patch_state *kp,
			     struct klive_patch_state **above);
int klive_add_nops(struct klive_patch_state *kp, struct list_head *patches);
void klive_free_nops(struct klive_patch_state *kp);

/*
 * The @n-th function state of @kp (its live objects', then its nops but
 * those gone with their module), or NULL.
 */
struct klive_func_state *klive_func_at(struct klive_patch_state *kp,
				       unsigned int n);

/* taskstate.c: the state bits of a task; bit 0 is what the handler reads */
#define KLIVE_PATCHED		0x1
#define KLIVE_NUDGED		0x2
DECLARE_PER_CPU(u8, klive_idle_state);	/* idle tasks: pid 0 on every CPU */
struct tracepoint;
int klive_current_patched(int fallback);
bool klive_states_active(void);
u8 klive_state_get(struct task_struct *t);
bool klive_state_update(struct task_struct *t, u8 clear, u8 set);
void klive_state_fork(struct task_struct *parent, struct task_struct *child);
int klive_states_probe_register(struct tracepoint *tp_free);
void klive_states_probe_unregister(struct tracepoint *tp_free);
unsigned long *klive_states_alloc(u8 initial);
void klive_states_publish(unsigned long *slots);
void klive_states_fill(void);
unsigned long *klive_states_unpublish(void);
void klive_states_free(unsigned long *slots);
void klive_states_set_all(u8 bits);
int klive_states_pid_shared(void);

/* transition.c */
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
extern struct klive_patch_state *klive_cb_patch;
bool klive_has_callbacks(const struct klive_patch *patch);
int klive_check_callbacks(const struct klive_patch *patch);
int klive_pre_patch(struct klive_patch_state *kp);
int klive_obj_pre_patch(struct klive_patch_state *kp,
			 struct klive_obj_state *os);
void klive_obj_post_patch(struct klive_patch_state *kp,
			 struct klive_obj_state *os);
void klive_obj_pre_unpatch(struct klive_patch_state *kp,
			 struct klive_obj_state *os);
void klive_obj_post_unpatch(struct klive_patch_state *kp,
			 struct klive_obj_state *os);
void klive_post_patch(struct klive_patch_state *kp);
void klive_pre_unpatch(struct klive_patch_state *kp);
void klive_post_unpatch(struct klive_patch_state *kp);

/* state.c */
int klive_check_states(const struct klive_patch *patch);
int klive_states_compatible(struct klive_patch_state *kp);

/* shadow.c */
void klive_shadow_release(struct module *mod);
void klive_shadow_hand_over(struct module *from, unsigned long to);
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
unsigned int klive_stack_order(struct klive_patch_state *kp);
ssize_t klive_show_blocking(struct klive_patch_state *kp, char *buf);

#endif /* _KLIVE_INTERNAL_H */
