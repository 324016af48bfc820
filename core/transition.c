// SPDX-License-Identifier: GPL-2.0
/* transition.c - per-task consistency: switch each task when no affected code is on its stack. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/wait_bit.h>
#include "klive_internal.h"

#define KLIVE_STACK_MAX		128
#define KLIVE_SWEEP_DELAY	msecs_to_jiffies(100)
#define KLIVE_REPORT_EVERY	(30 * HZ)
/* Blocking kthreads are woken once per this many sweeps (about 1 s). */
#define KLIVE_WAKE_EVERY	10

static unsigned int nudge_after_ms = 2000;
module_param(nudge_after_ms, uint, 0644);
MODULE_PARM_DESC(nudge_after_ms,
		 "grace period before blocking tasks are nudged (ms)");

/* Idle tasks' state (per-task state of the others: taskstate.c). */
DEFINE_PER_CPU(u8, klive_idle_state);
static u8 klive_target;
/*
 * Set while the patch module's init still runs: no task switches yet, so
 * a failing init leaves no task in the module's code.
 */
static bool klive_held;
static struct klive_patch_state *klive_tr;
static unsigned long klive_tr_start, klive_last_report;
static unsigned int klive_sweeps;
static bool klive_reported;

/* Filled in task_call_func() callbacks, which run with irqs off. */
static DEFINE_PER_CPU(unsigned long [KLIVE_STACK_MAX], klive_stack);

/* Result of one attempt to switch a task. */
struct klive_check {
	struct klive_patch_state *kp;
	int cpu;			/* idle task of this CPU, or -1 */
	int ret;	/* 0, -EBUSY, -EINVAL, -EADDRINUSE, -ENOSPC */
	unsigned long where;		/* affected address on the stack */
};

static DEFINE_PER_CPU(struct work_struct, klive_idle_work);
static DEFINE_PER_CPU(struct klive_check, klive_idle_check);
static DEFINE_PER_CPU(struct work_struct, klive_sync_work);

/*
 * A kernel thread that keeps running on a CPU (a loop that only calls
 * cond_resched()) is never seen asleep. A high-priority work item queued
 * on its CPU preempts it at its next cond_resched(); while the work runs,
 * the thread is off the CPU and its stack can be checked.
 */
struct klive_kick {
	struct work_struct work;
	struct task_struct *task;	/* referenced while queued */
};
static DEFINE_PER_CPU(struct klive_kick, klive_kick);

/* A fake signal sent to a blocking user task; see klive_nudge_user(). */
struct klive_nudge {
	struct callback_head cb;
	struct task_struct *task;
	struct list_head node;		/* empty once the transition dropped it */
};

static LIST_HEAD(klive_nudges);
static DEFINE_SPINLOCK(klive_nudge_lock);
static atomic_t klive_nudges_alive = ATOMIC_INIT(0);
static bool klive_nudged;		/* a nudge was ever queued */

static struct tracepoint *klive_tp_sys_exit, *klive_tp_fork, *klive_tp_free;

/* Set @t's state to the target; keeps a pending nudge's mark. */
static bool notrace klive_set_task(struct task_struct *t, u8 target)
{
	return klive_state_update(t, KLIVE_PATCHED, target);
}

/*
 * Tasks that never return to user space: kernel threads, and user workers
 * (io_uring's io-wq and SQPOLL threads, 6.12's vhost tasks). A fake signal
 * does not move them out of the kernel; they are woken instead.
 */
static bool klive_kernel_worker(struct task_struct *t)
{
#ifdef PF_USER_WORKER
	return t->flags & (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER);
#else
	return t->flags & (PF_KTHREAD | PF_IO_WORKER);
#endif
}

static bool klive_task_switched(struct task_struct *t)
{
	return (klive_state_get(t) & KLIVE_PATCHED) == klive_target;
}

/*
 * Is @addr affected code: an old function or one of its pieces, the
 * version beneath the patch's on a stacked function, or anything in the
 * patch module (new functions, their .cold parts and the new helpers
 * they tail-call, which leave no frame of a patched function)?
 */
static bool klive_addr_affected(struct klive_patch_state *kp,
				unsigned long addr)
{
	struct klive_func_state *f;
	unsigned int n;

	if (within_module_core(addr, kp->patch->mod))
		return true;
	for (n = 0; (f = klive_func_at(kp, n)); n++) {
		if (klive_func_affected(f, addr))
			return true;
	}
	return false;
}

/*
 * Runs through task_call_func(): @t cannot start or stop running, so if it
 * is not on a CPU its stack stays as read until the state is written.
 */
static int klive_check_fn(struct task_struct *t, void *arg)
{
	struct klive_check *c = arg;
	unsigned long *stack = this_cpu_ptr(klive_stack);
	u8 target = READ_ONCE(klive_target);
	int i, n;

	c->where = 0;
	if (t != current && READ_ONCE(t->on_cpu))
		return -EBUSY;
	n = klive_stack_reliable(t, stack, KLIVE_STACK_MAX);
	if (n < 0) {
		/* a reaped task whose stack is gone never runs again */
		if (t->exit_state && !refcount_read(&t->stack_refcount))
			goto switch_it;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (klive_addr_affected(c->kp, stack[i])) {
			c->where = stack[i];
			return -EADDRINUSE;
		}
	}
switch_it:
	if (c->cpu >= 0)
		per_cpu(klive_idle_state, c->cpu) = target;
	else if (!klive_set_task(t, target))
		return -ENOSPC;
	return 0;
}

/* Queued on a CPU so that its idle task is off the CPU while checked. */
static void klive_idle_fn(struct work_struct *work)
{
	int cpu = raw_smp_processor_id();
	struct klive_check *c = per_cpu_ptr(&klive_idle_check, cpu);
	struct klive_patch_state *kp = READ_ONCE(klive_tr);

	if (!kp)
		return;
	c->kp = kp;
	c->cpu = cpu;
	c->ret = klive_task_call(klive_idle_task(cpu), klive_check_fn, c);
}

static void klive_sync_fn(struct work_struct *work)
{
}

static void klive_kick_fn(struct work_struct *work)
{
	struct klive_kick *k = container_of(work, struct klive_kick, work);
	struct klive_check c = { .kp = READ_ONCE(klive_tr), .cpu = -1 };
	struct task_struct *t = xchg(&k->task, NULL);

	if (!t)
		return;
	/*
	 * Only while @t is not released: a task freed since it was queued
	 * must not get a slot again (see klive_states_fill()).
	 */
	rcu_read_lock();
	if (c.kp && klive_states_active() && pid_alive(t))
		klive_task_call(t, klive_check_fn, &c);
	rcu_read_unlock();
	put_task_struct(t);
}

/* Queue a check of running kernel thread @t on its CPU, if none is queued. */
static void klive_kick_running(struct task_struct *t)
{
	int cpu = task_cpu(t);
	struct klive_kick *k = per_cpu_ptr(&klive_kick, cpu);

	if (!cpu_online(cpu) || work_pending(&k->work) || READ_ONCE(k->task))
		return;
	WRITE_ONCE(k->task, get_task_struct(t));
	if (!queue_work_on(cpu, system_highpri_wq, &k->work))
		put_task_struct(xchg(&k->task, NULL));
}

/* Drop every queued kick; klive_mutex held, so no new one is queued. */
static void klive_kicks_cancel(void)
{
	struct task_struct *t;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct klive_kick *k = per_cpu_ptr(&klive_kick, cpu);

		cancel_work_sync(&k->work);
		t = xchg(&k->task, NULL);
		if (t)
			put_task_struct(t);
	}
}

/*
 * Wait until every online CPU has scheduled: ftrace handlers run with
 * preemption disabled, so none still uses what was read before.
 */
static void klive_sync_cpus(void)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		queue_work_on(cpu, system_highpri_wq,
			      per_cpu_ptr(&klive_sync_work, cpu));
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(&klive_sync_work, cpu));
	cpus_read_unlock();
}

/* Syscall exit: nothing of the kernel is on current's stack. */
static void notrace klive_sys_exit_probe(void *data, struct pt_regs *regs,
					 long ret)
{
	preempt_disable_notrace();
	if (klive_states_active() && !READ_ONCE(klive_held))
		klive_set_task(current, READ_ONCE(klive_target));
	preempt_enable_notrace();
}

/* A child starts in its parent's state; its stack is empty anyway. */
static void notrace klive_fork_probe(void *data, struct task_struct *parent,
				     struct task_struct *child)
{
	preempt_disable_notrace();
	klive_state_fork(parent, child);
	preempt_enable_notrace();
}

static void klive_find_tp(struct tracepoint *tp, void *unused)
{
	if (!strcmp(tp->name, "sys_exit"))
		klive_tp_sys_exit = tp;
	else if (!strcmp(tp->name, "sched_process_fork"))
		klive_tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_free"))
		klive_tp_free = tp;
}

static int klive_probes_register(const char *name)
{
	int ret;

	if (!klive_tp_fork || !klive_tp_free)
		for_each_kernel_tracepoint(klive_find_tp, NULL);
	if (!klive_tp_fork || !klive_tp_free) {
		pr_err("%s: tracepoint sched_process_%s not found\n", name,
		       klive_tp_fork ? "free" : "fork");
		return -ENOENT;
	}
	ret = klive_states_probe_register(klive_tp_free);
	if (ret) {
		pr_err("%s: cannot attach to sched_process_free (%d)\n", name,
		       ret);
		return ret;
	}
	ret = tracepoint_probe_register(klive_tp_fork, klive_fork_probe, NULL);
	if (ret) {
		pr_err("%s: cannot attach to sched_process_fork (%d)\n", name,
		       ret);
		klive_states_probe_unregister(klive_tp_free);
		tracepoint_synchronize_unregister();
		return ret;
	}
	/* optional: without it, tasks in syscalls wait for the sweep */
	if (klive_tp_sys_exit &&
	    tracepoint_probe_register(klive_tp_sys_exit, klive_sys_exit_probe,
				      NULL))
		pr_warn("%s: cannot attach to sys_exit\n", name);
	return 0;
}

static void klive_probes_unregister(void)
{
	if (klive_tp_sys_exit)
		tracepoint_probe_unregister(klive_tp_sys_exit,
					    klive_sys_exit_probe, NULL);
	tracepoint_probe_unregister(klive_tp_fork, klive_fork_probe, NULL);
	klive_states_probe_unregister(klive_tp_free);
	tracepoint_synchronize_unregister();
}

static void klive_nudge_free(struct klive_nudge *n)
{
	put_task_struct(n->task);
	kfree(n);
	if (atomic_dec_and_test(&klive_nudges_alive))
		wake_up_var(&klive_nudges_alive);
}

/*
 * Runs in the nudged task wherever task_work_run() runs it: on the way back
 * to user space, but also inside io_uring waits or get_signal(). So the
 * task switches here only if its own stack holds no affected code; either
 * way its mark is dropped, so a later sweep may nudge it again.
 */
static void klive_nudge_fn(struct callback_head *cb)
{
	struct klive_nudge *n = container_of(cb, struct klive_nudge, cb);
	struct klive_check c = { .cpu = -1 };

	spin_lock(&klive_nudge_lock);
	if (!list_empty(&n->node)) {
		list_del_init(&n->node);
		c.kp = READ_ONCE(klive_tr);
		if (c.kp && !READ_ONCE(klive_held))
			klive_task_call(current, klive_check_fn, &c);
		klive_state_update(current, KLIVE_NUDGED, 0);
	}
	spin_unlock(&klive_nudge_lock);
	klive_nudge_free(n);
}

/*
 * Make a blocking user task return towards user space as for a signal,
 * without delivering one; it switches itself there.
 */
static void klive_nudge_user(struct task_struct *t)
{
	struct klive_nudge *n;

	if (klive_state_get(t) & KLIVE_NUDGED)
		return;
	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return;
	n->task = get_task_struct(t);
	init_task_work(&n->cb, klive_nudge_fn);
	klive_nudged = true;
	atomic_inc(&klive_nudges_alive);
	spin_lock(&klive_nudge_lock);
	list_add(&n->node, &klive_nudges);
	if (task_work_add(t, &n->cb, TWA_SIGNAL)) {
		/* exiting: it will leave by itself */
		list_del(&n->node);
		spin_unlock(&klive_nudge_lock);
		klive_nudge_free(n);
		return;
	}
	klive_state_update(t, 0, KLIVE_NUDGED);
	spin_unlock(&klive_nudge_lock);
}

/* Take back the nudges that did not run; the others free themselves. */
static void klive_nudges_cancel(void)
{
	struct klive_nudge *n, *tmp;

	spin_lock(&klive_nudge_lock);
	list_for_each_entry_safe(n, tmp, &klive_nudges, node) {
		list_del_init(&n->node);
		if (klive_task_work_cancel(n->task, &n->cb))
			klive_nudge_free(n);
	}
	spin_unlock(&klive_nudge_lock);
}

/* Append one line to the patch's "blocking" report. */
static void klive_report(struct klive_patch_state *kp, struct task_struct *t,
			 struct klive_check *c)
{
	size_t len = kp->blocking_len;
	char *buf = kp->blocking;

	if (!buf || len >= PAGE_SIZE - 1)
		return;
	len += scnprintf(buf + len, PAGE_SIZE - len, "%d %s ",
			 task_pid_nr(t), t->comm);
	if (c->ret == -EADDRINUSE)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%pS\n",
				 (void *)c->where);
	else if (c->ret == -EBUSY)
		len += scnprintf(buf + len, PAGE_SIZE - len, "running\n");
	else if (c->ret == -ENOSPC)
		len += scnprintf(buf + len, PAGE_SIZE - len,
				 "no state slot free yet\n");
	else
		len += scnprintf(buf + len, PAGE_SIZE - len,
				 "unreliable stack\n");
	kp->blocking_len = len;
}

/* Log the blocking report once the grace period ends, then rate-limited. */
static void klive_log_blocking(struct klive_patch_state *kp)
{
	char *line, *next;

	if (klive_reported &&
	    time_before(jiffies, klive_last_report + KLIVE_REPORT_EVERY))
		return;
	klive_reported = true;
	klive_last_report = jiffies;
	pr_info("%s: transition to %s blocked by:\n", kp->name,
		klive_target ? "patched" : "unpatched");
	for (line = kp->blocking; line && *line; line = next) {
		next = strchrnul(line, '\n');
		pr_info("%s:   %.*s\n", kp->name, (int)(next - line), line);
		if (*next)
			next++;
	}
}

/* Every task ends in the target state: back to the handler's fast path. */
static void klive_finish(struct klive_patch_state *kp)
{
	unsigned long *states;
	int shared = klive_states_pid_shared();
	int cpu;

	WRITE_ONCE(kp->redirect, klive_target);
	klive_ops_end(kp, klive_target);
	klive_probes_unregister();
	klive_sync_cpus();
	for_each_possible_cpu(cpu)
		cancel_work_sync(per_cpu_ptr(&klive_idle_work, cpu));
	klive_kicks_cancel();
	klive_nudges_cancel();
	spin_lock(&klive_nudge_lock);
	states = klive_states_unpublish();
	spin_unlock(&klive_nudge_lock);
	klive_states_free(states);
	WRITE_ONCE(klive_tr, NULL);
	WRITE_ONCE(kp->transition, false);
	kp->blocking_len = 0;
	if (kp->blocking)
		kp->blocking[0] = '\0';
	pr_info("%s: transition to %s finished in %u ms\n", kp->name,
		klive_target ? "patched" : "unpatched",
		jiffies_to_msecs(jiffies - klive_tr_start));
	if (shared)
		pr_info("%s: %d new tasks shared their pid with an exiting task\n",
			kp->name, shared);
	/* unpatched: the teardown runs post-unpatch, see klive_teardown() */
	if (klive_target)
		klive_post_patch(kp);
}

/* The patch in transition, if any. */
struct klive_patch_state *klive_transition_patch(void)
{
	return klive_tr;
}

/*
 * Start moving every task of @kp to @target; klive_mutex held. With @hold,
 * no task moves until klive_transition_go() (or klive_transition_cancel()).
 */
int klive_transition_start(struct klive_patch_state *kp, int target,
			   bool hold)
{
	unsigned long *states;
	int cpu, ret;

	if (klive_tr)
		return -EBUSY;
	if (!kp->blocking) {
		kp->blocking = kzalloc(PAGE_SIZE, GFP_KERNEL);
		if (!kp->blocking)
			return -ENOMEM;
	}
	states = klive_states_alloc(!target);
	if (!states)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		per_cpu(klive_idle_state, cpu) = !target;
	klive_target = target;
	WRITE_ONCE(klive_held, hold);
	klive_tr = kp;
	klive_tr_start = jiffies;
	klive_sweeps = 0;
	klive_reported = false;
	kp->blocking_len = 0;
	kp->blocking[0] = '\0';
	klive_states_publish(states);
	/*
	 * Pairs with smp_rmb() in the handler: the slots are visible before
	 * the handler looks at them; a task without a slot is in the initial
	 * state. A handler still on the fast path returns the same answer
	 * (redirect == every task's initial state), and a task is switched
	 * only while not in a handler, so no sync is needed here.
	 */
	smp_wmb();
	WRITE_ONCE(kp->transition, true);
	klive_ops_begin(kp);
	ret = klive_probes_register(kp->name);
	if (ret) {
		klive_ops_end(kp, !target);
		klive_sync_cpus();
		klive_states_free(klive_states_unpublish());
		klive_tr = NULL;
		WRITE_ONCE(kp->transition, false);
		return ret;
	}
	klive_states_fill();
	pr_info("%s: starting transition to %s\n", kp->name,
		target ? "patched" : "unpatched");
	return 0;
}

/* The patch module is live: tasks may switch from now on. */
void klive_transition_go(struct klive_patch_state *kp)
{
	klive_tr_start = jiffies;
	WRITE_ONCE(klive_held, false);
}

/* A held transition ends with every task where it was: unpatched. */
void klive_transition_cancel(struct klive_patch_state *kp)
{
	klive_target = 0;
	klive_finish(kp);
	WRITE_ONCE(klive_held, false);
}

/* Flip the goal; switched tasks go back under the same rule. */
void klive_transition_reverse(struct klive_patch_state *kp)
{
	WRITE_ONCE(klive_target, !klive_target);
	klive_tr_start = jiffies;
	klive_sweeps = 0;
	klive_reported = false;
	pr_info("%s: transition reversed, now to %s\n", kp->name,
		klive_target ? "patched" : "unpatched");
}

/* Declare every task switched; the caller taints and pins. */
void klive_transition_force(struct klive_patch_state *kp)
{
	int cpu;

	klive_states_set_all(klive_target);
	for_each_possible_cpu(cpu)
		per_cpu(klive_idle_state, cpu) = klive_target;
	klive_finish(kp);
}

/* Idle tasks: checked by a work item on their CPU, or switched if offline. */
static unsigned int klive_sweep_idle(struct klive_patch_state *kp)
{
	unsigned int left = 0;
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (per_cpu(klive_idle_state, cpu) == klive_target)
			continue;
		if (!cpu_online(cpu))
			per_cpu(klive_idle_state, cpu) = klive_target;
		else
			queue_work_on(cpu, system_highpri_wq,
				      per_cpu_ptr(&klive_idle_work, cpu));
	}
	for_each_online_cpu(cpu) {
		struct klive_check *c = per_cpu_ptr(&klive_idle_check, cpu);

		flush_work(per_cpu_ptr(&klive_idle_work, cpu));
		if (per_cpu(klive_idle_state, cpu) != klive_target) {
			left++;
			klive_report(kp, klive_idle_task(cpu), c);
		}
	}
	cpus_read_unlock();
	return left;
}

/*
 * One pass over every task not yet switched; klive_mutex held. Returns
 * true when the transition has finished.
 */
bool klive_transition_sweep(struct klive_patch_state *kp)
{
	struct klive_check c = { .kp = kp, .cpu = -1 };
	struct task_struct *g, *t;
	unsigned int left = 0;
	bool nudge, wake;

	nudge = time_after_eq(jiffies, klive_tr_start +
			      msecs_to_jiffies(nudge_after_ms));
	wake = nudge && klive_sweeps++ % KLIVE_WAKE_EVERY == 0;
	kp->blocking_len = 0;
	kp->blocking[0] = '\0';

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (klive_task_switched(t))
			continue;
		c.ret = klive_task_call(t, klive_check_fn, &c);
		if (!c.ret)
			continue;
		left++;
		klive_report(kp, t, &c);
		if (!nudge)
			continue;
		/* a running user task is kicked too: it may never sleep */
		if (!klive_kernel_worker(t))
			klive_nudge_user(t);
		else if (c.ret == -EBUSY)
			klive_kick_running(t);
		else if (wake)
			klive_wake_up_state(t, TASK_INTERRUPTIBLE);
	}
	rcu_read_unlock();
	left += klive_sweep_idle(kp);

	if (!left) {
		klive_finish(kp);
		return true;
	}
	if (nudge)
		klive_log_blocking(kp);
	return false;
}

unsigned long klive_sweep_delay(void)
{
	return KLIVE_SWEEP_DELAY;
}

void klive_transition_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		INIT_WORK(per_cpu_ptr(&klive_idle_work, cpu), klive_idle_fn);
		INIT_WORK(per_cpu_ptr(&klive_sync_work, cpu), klive_sync_fn);
		INIT_WORK(&per_cpu_ptr(&klive_kick, cpu)->work, klive_kick_fn);
	}
}

/*
 * Nudge callbacks are klive.ko code: wait for the last one, then for an
 * RCU-tasks grace period, because the last one still executes a few
 * instructions of this module after waking us; a task that ran it has
 * gone back to user space (or slept voluntarily) once the period ends.
 */
void klive_transition_exit(void)
{
	wait_var_event(&klive_nudges_alive, !atomic_read(&klive_nudges_alive));
	if (klive_nudged)
		synchronize_rcu_tasks();
}
