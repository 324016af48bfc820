// SPDX-License-Identifier: GPL-2.0
/* shadow.c - shadow variables: data attached to existing objects by (address, id). */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <klive_shadow.h>
#include "klive_internal.h"

struct klive_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	unsigned long caller;		/* where it was allocated from */
	char data[] __aligned(sizeof(long long));
};

/*
 * klive_shadow_lock protects the table and the count against writers from
 * any context (hence irqsave); klive_shadow_get() reads the table under
 * RCU without it, and entries are freed after a grace period.
 */
static DEFINE_HASHTABLE(klive_shadow_table, 12);
static DEFINE_SPINLOCK(klive_shadow_lock);
static unsigned long klive_shadow_count;

static int klive_shadow_count_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(klive_shadow_count));
}

static const struct kernel_param_ops klive_shadow_count_ops = {
	.get = klive_shadow_count_get,
};
module_param_cb(shadow_variables, &klive_shadow_count_ops, NULL, 0444);
MODULE_PARM_DESC(shadow_variables, "shadow variables attached now");

static struct klive_shadow *klive_shadow_find(void *obj, unsigned long id)
{
	struct klive_shadow *s;

	hash_for_each_possible_rcu(klive_shadow_table, s, node,
				   (unsigned long)obj) {
		if (s->obj == obj && s->id == id)
			return s;
	}
	return NULL;
}

void *klive_shadow_get(void *obj, unsigned long id)
{
	struct klive_shadow *s;

	rcu_read_lock();
	s = klive_shadow_find(obj, id);
	rcu_read_unlock();
	/* the data stays until its owner frees it, which the caller orders */
	return s ? s->data : NULL;
}
EXPORT_SYMBOL_GPL(klive_shadow_get);

/*
 * Allocate outside the lock (@gfp may sleep), then look again under it: a
 * concurrent caller may have attached the same variable meanwhile. The
 * constructor runs under the lock, so nobody sees half-built data and a
 * constructor never runs for data that is thrown away.
 */
static void *klive_shadow_attach(void *obj, unsigned long id, size_t size,
				 gfp_t gfp, klive_shadow_ctor_t ctor,
				 void *ctor_data, bool warn_exist,
				 unsigned long caller)
{
	struct klive_shadow *s, *old;
	unsigned long flags;
	void *ret;

	rcu_read_lock();
	old = klive_shadow_find(obj, id);
	rcu_read_unlock();
	if (old)
		goto exists;
	if (size > KMALLOC_MAX_SIZE - sizeof(*s))
		return NULL;
	s = kzalloc(sizeof(*s) + size, gfp);
	if (!s)
		return NULL;
	s->obj = obj;
	s->id = id;
	s->caller = caller;
	spin_lock_irqsave(&klive_shadow_lock, flags);
	old = klive_shadow_find(obj, id);
	if (old) {
		spin_unlock_irqrestore(&klive_shadow_lock, flags);
		kfree(s);
		goto exists;
	}
	if (ctor && ctor(obj, s->data, ctor_data)) {
		spin_unlock_irqrestore(&klive_shadow_lock, flags);
		kfree(s);
		return NULL;
	}
	hash_add_rcu(klive_shadow_table, &s->node, (unsigned long)obj);
	WRITE_ONCE(klive_shadow_count, klive_shadow_count + 1);
	ret = s->data;
	spin_unlock_irqrestore(&klive_shadow_lock, flags);
	return ret;

exists:
	if (warn_exist) {
		/* not WARN: a patch's mistake must not panic panic_on_warn */
		pr_warn_ratelimited("shadow variable <%p, %lu> exists already\n",
				    obj, id);
		return NULL;
	}
	return old->data;
}

void *klive_shadow_alloc(void *obj, unsigned long id, size_t size,
			 gfp_t gfp, klive_shadow_ctor_t ctor, void *ctor_data)
{
	return klive_shadow_attach(obj, id, size, gfp, ctor, ctor_data, true,
				   _RET_IP_);
}
EXPORT_SYMBOL_GPL(klive_shadow_alloc);

void *klive_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, klive_shadow_ctor_t ctor,
				void *ctor_data)
{
	return klive_shadow_attach(obj, id, size, gfp, ctor, ctor_data, false,
				   _RET_IP_);
}
EXPORT_SYMBOL_GPL(klive_shadow_get_or_alloc);

/* Unlink @s with the lock held; freed once no reader can hold it. */
static void klive_shadow_drop(struct klive_shadow *s, klive_shadow_dtor_t dtor)
{
	hash_del_rcu(&s->node);
	WRITE_ONCE(klive_shadow_count, klive_shadow_count - 1);
	if (dtor)
		dtor(s->obj, s->data);
	kfree_rcu(s, rcu);
}

void klive_shadow_free(void *obj, unsigned long id, klive_shadow_dtor_t dtor)
{
	struct klive_shadow *s;
	unsigned long flags;

	spin_lock_irqsave(&klive_shadow_lock, flags);
	s = klive_shadow_find(obj, id);
	if (s)
		klive_shadow_drop(s, dtor);
	spin_unlock_irqrestore(&klive_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klive_shadow_free);

void klive_shadow_free_all(unsigned long id, klive_shadow_dtor_t dtor)
{
	struct klive_shadow *s;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&klive_shadow_lock, flags);
	hash_for_each_safe(klive_shadow_table, bkt, tmp, s, node) {
		if (s->id == id)
			klive_shadow_drop(s, dtor);
	}
	spin_unlock_irqrestore(&klive_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klive_shadow_free_all);

/*
 * @mod's patch is disabled: none of its code runs any more, and the old
 * code never used its variables. Free what its code allocated and left
 * (objects the old code freed meanwhile): no destructor is known here, so
 * a patch whose data holds references frees it itself.
 */
void klive_shadow_release(struct module *mod)
{
	struct klive_shadow *s;
	struct hlist_node *tmp;
	unsigned long flags, n = 0;
	int bkt;

	spin_lock_irqsave(&klive_shadow_lock, flags);
	hash_for_each_safe(klive_shadow_table, bkt, tmp, s, node) {
		if (within_module_core(s->caller, mod)) {
			klive_shadow_drop(s, NULL);
			n++;
		}
	}
	spin_unlock_irqrestore(&klive_shadow_lock, flags);
	if (n)
		pr_info("%s: freed %lu shadow variables\n", mod->name, n);
}

/*
 * @from's patch was replaced: the replacing patch's code (at @to) uses
 * its variables now, and frees those left when it is disabled.
 */
void klive_shadow_hand_over(struct module *from, unsigned long to)
{
	struct klive_shadow *s;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&klive_shadow_lock, flags);
	hash_for_each(klive_shadow_table, bkt, s, node) {
		if (within_module_core(s->caller, from))
			s->caller = to;
	}
	spin_unlock_irqrestore(&klive_shadow_lock, flags);
}

/*
 * klive.ko goes away only when no patch module uses it, so no one can
 * reach what is left: patches that did not free their variables leak them
 * into klive, which frees them here.
 */
void klive_shadow_exit(void)
{
	struct klive_shadow *s;
	struct hlist_node *tmp;
	unsigned long n = 0;
	int bkt;

	hash_for_each_safe(klive_shadow_table, bkt, tmp, s, node) {
		hash_del(&s->node);
		kfree(s);
		n++;
	}
	if (n)
		pr_info("freed %lu shadow variables left by patches\n", n);
}
