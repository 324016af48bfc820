// SPDX-License-Identifier: GPL-2.0
/* symbols.c - find the unexported kernel symbols klive needs, and verify them. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/version.h>
#include <asm/text-patching.h>
#include "klive_internal.h"

/* The iterator callbacks lost their struct module argument in 6.4 / 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KLIVE_KSYM_ARGS void *data, const char *name, unsigned long addr
#else
#define KLIVE_KSYM_ARGS void *data, const char *name, struct module *unused, \
			unsigned long addr
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define KLIVE_MODSYM_MODNAME 1
#define KLIVE_MODSYM_ARGS void *data, const char *name, unsigned long addr
#else
#define KLIVE_MODSYM_ARGS void *data, const char *name, struct module *mod, \
			  unsigned long addr
#endif

/*
 * Unexported functions are called through static calls: these are direct
 * calls, so IBT (which seals the ENDBR of functions whose address is never
 * taken) and call depth tracking stay satisfied. The kernel's own prototypes
 * give the types.
 */
DEFINE_STATIC_CALL_NULL(klive_sc_lookup_name, kallsyms_lookup_name);
DEFINE_STATIC_CALL_NULL(klive_sc_on_each_symbol, kallsyms_on_each_symbol);
DEFINE_STATIC_CALL_NULL(klive_sc_module_on_each_symbol,
			module_kallsyms_on_each_symbol);
DEFINE_STATIC_CALL_NULL(klive_sc_lookup_size_offset,
			kallsyms_lookup_size_offset);
DEFINE_STATIC_CALL_NULL(klive_sc_find_module, find_module);
DEFINE_STATIC_CALL_NULL(klive_sc_ftrace_location, ftrace_location);
DEFINE_STATIC_CALL_NULL(klive_sc_text_poke, text_poke);
DEFINE_STATIC_CALL_NULL(klive_sc_idle_task, idle_task);
DEFINE_STATIC_CALL_NULL(klive_sc_task_call, task_call_func);
DEFINE_STATIC_CALL_NULL(klive_sc_wake_up_state, wake_up_state);
DEFINE_STATIC_CALL_NULL(klive_sc_task_work_cancel, task_work_cancel);
#ifdef CONFIG_HAVE_RELIABLE_STACKTRACE
DEFINE_STATIC_CALL_NULL(klive_sc_stack_reliable, stack_trace_save_tsk_reliable);
#endif
static struct mutex *k_text_mutex;
static struct kobject **k_klp_root_kobj;

/*
 * Move @addr back to the start of the symbol @name containing it and check
 * that kallsyms agrees: a kprobe on an IBT kernel reports func+4.
 */
static bool klive_exact_start(unsigned long *addr, const char *name)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long off;
	char *plus, *slash;

	sprint_symbol(buf, *addr);
	plus = strchr(buf, '+');
	if (!plus)
		return false;
	*plus++ = '\0';
	slash = strchr(plus, '/');
	if (!slash || strcmp(buf, name))
		return false;
	*slash = '\0';
	if (kstrtoul(plus, 16, &off))
		return false;
	if (off) {
		*addr -= off;
		return klive_exact_start(addr, name);
	}
	return true;
}

/* kallsyms_lookup_name is not exported: a kprobe on it reveals its address. */
static int klive_find_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot locate kallsyms_lookup_name (kprobe: %d)\n", ret);
		return ret;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	if (!klive_exact_start(&addr, "kallsyms_lookup_name")) {
		pr_err("kprobe address of kallsyms_lookup_name is not a function start\n");
		return -EINVAL;
	}
	static_call_update(klive_sc_lookup_name,
			   (typeof(&kallsyms_lookup_name))addr);
	if (static_call(klive_sc_lookup_name)("kallsyms_lookup_name") != addr) {
		pr_err("kallsyms_lookup_name does not find itself\n");
		return -EINVAL;
	}
	return 0;
}

struct klive_search {
	const char *name;
	unsigned long sympos;
	unsigned long count;
	unsigned long addr;
#ifndef KLIVE_MODSYM_MODNAME
	const char *modname;
#endif
};

/* Count occurrences of the name in kallsyms order; stop when decided. */
static int klive_match(struct klive_search *s, const char *name,
		       unsigned long addr)
{
	if (strcmp(name, s->name))
		return 0;
	s->count++;
	if (s->sympos == 0) {
		if (s->count == 1)
			s->addr = addr;
		return s->count > 1;
	}
	if (s->count == s->sympos) {
		s->addr = addr;
		return 1;
	}
	return 0;
}

static int klive_vmlinux_cb(KLIVE_KSYM_ARGS)
{
	return klive_match(data, name, addr);
}

static int klive_module_cb(KLIVE_MODSYM_ARGS)
{
	struct klive_search *s = data;

#ifndef KLIVE_MODSYM_MODNAME
	if (strcmp(mod->name, s->modname))
		return 0;
#endif
	return klive_match(s, name, addr);
}

/*
 * Address of the @sympos-th symbol @name of @objname (NULL: vmlinux).
 * sympos 0 requires the name to be unique there. Returns 0, -ENOENT or
 * -EEXIST (ambiguous).
 */
int klive_lookup(const char *objname, const char *name, unsigned long sympos,
		 unsigned long *addr)
{
	struct klive_search s = { .name = name, .sympos = sympos };

	if (!objname) {
		static_call(klive_sc_on_each_symbol)(klive_vmlinux_cb, &s);
	} else {
#ifdef KLIVE_MODSYM_MODNAME
		static_call(klive_sc_module_on_each_symbol)(objname, klive_module_cb, &s);
#else
		s.modname = objname;
		static_call(klive_sc_module_on_each_symbol)(klive_module_cb, &s);
#endif
	}
	if (sympos == 0 && s.count > 1)
		return -EEXIST;
	if (!s.addr || (sympos && s.count < sympos))
		return -ENOENT;
	*addr = s.addr;
	return 0;
}

/* Walk vmlinux's kallsyms in index (address) order, as klive_lookup() counts. */
int klive_on_each_symbol(klive_ksym_fn fn, void *data)
{
	return static_call(klive_sc_on_each_symbol)(fn, data);
}

bool klive_size_offset(unsigned long addr, unsigned long *size,
		       unsigned long *offset)
{
	return static_call(klive_sc_lookup_size_offset)(addr, size, offset) != 0;
}

/*
 * Module @name if it is formed and not going (*@coming: still in
 * MODULE_STATE_COMING), else NULL. No reference is taken: see
 * struct klive_obj_state for why klive_mutex is enough.
 */
struct module *klive_find_module(const char *name, bool *coming)
{
	enum module_state state = MODULE_STATE_GOING;
	struct module *mod;

	preempt_disable();
	mod = static_call(klive_sc_find_module)(name);
	if (mod)
		state = READ_ONCE(mod->state);
	preempt_enable();
	*coming = state == MODULE_STATE_COMING;
	return state == MODULE_STATE_LIVE || *coming ? mod : NULL;
}

unsigned long klive_ftrace_location(unsigned long addr)
{
	return static_call(klive_sc_ftrace_location)(addr);
}

/* Write into (possibly read-only) module memory, as alternatives do. */
void *klive_text_poke(void *addr, const void *src, size_t len)
{
	void *ret;

	mutex_lock(k_text_mutex);
	ret = static_call(klive_sc_text_poke)(addr, src, len);
	mutex_unlock(k_text_mutex);
	return ret;
}

int klive_stack_reliable(struct task_struct *t, unsigned long *store,
			 unsigned int size)
{
#ifdef CONFIG_HAVE_RELIABLE_STACKTRACE
	return static_call(klive_sc_stack_reliable)(t, store, size);
#else
	return -EOPNOTSUPP;
#endif
}

struct task_struct *klive_idle_task(int cpu)
{
	return static_call(klive_sc_idle_task)(cpu);
}

/* Run @func on @t while @t can neither start nor stop running. */
int klive_task_call(struct task_struct *t, task_call_f func, void *arg)
{
	return static_call(klive_sc_task_call)(t, func, arg);
}

int klive_wake_up_state(struct task_struct *t, unsigned int state)
{
	return static_call(klive_sc_wake_up_state)(t, state);
}

bool klive_task_work_cancel(struct task_struct *t, struct callback_head *cb)
{
	return static_call(klive_sc_task_work_cancel)(t, cb);
}

/* The kernel livepatch's /sys/kernel/livepatch kobject, or NULL. */
struct kobject *klive_kernel_livepatch_root(void)
{
	return k_klp_root_kobj ? *k_klp_root_kobj : NULL;
}

/* Address of a unique vmlinux symbol; a function must start there. */
static int klive_resolve(const char *name, unsigned long *addr, bool func)
{
	unsigned long start;
	int ret;

	ret = klive_lookup(NULL, name, 0, addr);
	if (ret) {
		pr_err("kernel symbol %s %s\n", name,
		       ret == -EEXIST ? "is ambiguous" : "not found");
		return ret;
	}
	start = *addr;
	if (func && (!klive_exact_start(&start, name) || start != *addr)) {
		pr_err("%s is not at a function start\n", name);
		return -EINVAL;
	}
	return 0;
}

/* Point static call @sc at the kernel function @func, found by name. */
#define klive_bind(sc, func)						\
({									\
	unsigned long __addr;						\
	int __ret = klive_resolve(#func, &__addr, true);		\
									\
	if (!__ret)							\
		static_call_update(sc, (typeof(&func))__addr);		\
	__ret;								\
})

static unsigned long klive_stext, klive_etext;

/* Is @addr in vmlinux's text ([_stext, _etext))? */
bool klive_in_kernel_text(unsigned long addr)
{
	return addr >= klive_stext && addr < klive_etext;
}

int klive_symbols_init(void)
{
	unsigned long addr;
	int ret;

	ret = klive_find_lookup_name();
	if (ret)
		return ret;
	addr = static_call(klive_sc_lookup_name)("kallsyms_on_each_symbol");
	if (!addr || !klive_exact_start(&addr, "kallsyms_on_each_symbol")) {
		pr_err("cannot use kallsyms_on_each_symbol\n");
		return -ENOENT;
	}
	static_call_update(klive_sc_on_each_symbol,
			   (typeof(&kallsyms_on_each_symbol))addr);

	ret = klive_bind(klive_sc_lookup_size_offset,
			 kallsyms_lookup_size_offset) ?:
	      klive_bind(klive_sc_module_on_each_symbol,
			 module_kallsyms_on_each_symbol) ?:
	      klive_bind(klive_sc_find_module, find_module) ?:
	      klive_bind(klive_sc_ftrace_location, ftrace_location) ?:
	      klive_bind(klive_sc_text_poke, text_poke) ?:
	      klive_bind(klive_sc_idle_task, idle_task) ?:
	      klive_bind(klive_sc_task_call, task_call_func) ?:
	      klive_bind(klive_sc_wake_up_state, wake_up_state) ?:
	      klive_bind(klive_sc_task_work_cancel, task_work_cancel);
	if (ret)
		return ret;
	ret = klive_resolve("text_mutex", &addr, false);
	if (ret)
		return ret;
	k_text_mutex = (struct mutex *)addr;
	if (klive_lookup(NULL, "_stext", 0, &klive_stext) ||
	    klive_lookup(NULL, "_etext", 0, &klive_etext)) {
		pr_err("cannot find vmlinux's text bounds (_stext, _etext)\n");
		return -ENOENT;
	}

#ifdef CONFIG_HAVE_RELIABLE_STACKTRACE
	if (klive_lookup(NULL, "stack_trace_save_tsk_reliable", 0, &addr))
		ret = -EOPNOTSUPP;
	else
		ret = klive_bind(klive_sc_stack_reliable,
				 stack_trace_save_tsk_reliable);
#else
	ret = -EOPNOTSUPP;
#endif
	if (ret == -EOPNOTSUPP)
		pr_err("reliable stack traces are unavailable on this kernel, refusing to load\n");
	if (ret)
		return ret;

	if (IS_ENABLED(CONFIG_LIVEPATCH)) {
		ret = klive_resolve("klp_root_kobj", &addr, false);
		if (ret)
			return ret;
		k_klp_root_kobj = (struct kobject **)addr;
	}
	return 0;
}
