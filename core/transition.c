// SPDX-License-Identifier: GPL-2.0
/* transition.c - flip a patch's redirect when no task is in affected code. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/cpumask.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include "klive_internal.h"

#define KLIVE_STACK_MAX 128

struct klive_switch {
	struct klive_patch_state *kp;
	int redirect;
	bool done;
	/* first task found blocking the switch */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long where;		/* 0: stack not reliable */
	int err;
};

/* Used only inside stop_machine, which runs one callback at a time. */
static unsigned long klive_stack[KLIVE_STACK_MAX];

/* Is @addr inside an old or a new function of the patch? */
static bool klive_addr_affected(struct klive_patch_state *kp,
				unsigned long addr)
{
	unsigned int i, j;

	for (i = 0; i < kp->nr_objs; i++) {
		struct klive_obj_state *os = &kp->objs[i];

		for (j = 0; j < os->obj->nr_funcs; j++) {
			struct klive_func_state *f = &os->funcs[j];

			if (addr >= f->old_addr &&
			    addr < f->old_addr + f->old_size)
				return true;
			if (addr >= f->new_addr &&
			    addr < f->new_addr + f->new_size)
				return true;
		}
	}
	return false;
}

static void klive_blocked(struct klive_switch *sw, struct task_struct *t,
			  unsigned long where, int err)
{
	sw->pid = task_pid_nr(t);
	strscpy(sw->comm, t->comm, sizeof(sw->comm));
	sw->where = where;
	sw->err = err;
}

/*
 * False if @t may be executing an affected function or its stack cannot be
 * walked reliably. Tasks on a CPU are the stopper threads only.
 */
static bool klive_task_clear(struct klive_switch *sw, struct task_struct *t)
{
	int i, n;

	if (READ_ONCE(t->on_cpu))
		return true;
	n = klive_stack_reliable(t, klive_stack, KLIVE_STACK_MAX);
	if (n < 0) {
		klive_blocked(sw, t, 0, n);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (klive_addr_affected(sw->kp, klive_stack[i])) {
			klive_blocked(sw, t, klive_stack[i], 0);
			return false;
		}
	}
	return true;
}

/* Runs with every CPU stopped: no task can move while stacks are read. */
static int klive_switch_fn(void *data)
{
	struct klive_switch *sw = data;
	struct task_struct *g, *t;
	int cpu;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (!klive_task_clear(sw, t)) {
			rcu_read_unlock();
			return 0;
		}
	}
	rcu_read_unlock();
	for_each_online_cpu(cpu) {
		if (!klive_task_clear(sw, klive_idle_task(cpu)))
			return 0;
	}
	WRITE_ONCE(sw->kp->redirect, sw->redirect);
	sw->done = true;
	return 0;
}

/*
 * Try once to set the patch's redirect flag to @redirect. Returns true when
 * switched; otherwise logs the blocking task if @verbose.
 */
bool klive_try_switch(struct klive_patch_state *kp, int redirect, bool verbose)
{
	struct klive_switch sw = { .kp = kp, .redirect = redirect };

	stop_machine(klive_switch_fn, &sw, NULL);
	if (sw.done || !verbose)
		return sw.done;
	if (sw.where)
		pr_info("%s: transition waits for task %d (%s) in %pS\n",
			kp->name, sw.pid, sw.comm, (void *)sw.where);
	else
		pr_info("%s: transition waits for task %d (%s): stack not reliable (%d)\n",
			kp->name, sw.pid, sw.comm, sw.err);
	return false;
}
