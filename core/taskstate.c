// SPDX-License-Identifier: GPL-2.0
/* taskstate.c - per-task state of the running transition, keyed so a reused pid inherits nothing. */
#define pr_fmt(fmt) "klive: " fmt

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/threads.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include "klive_internal.h"

/* Spill slots for tasks whose pid's slot an exiting task still owns. */
#define KLIVE_SPILL		1024
#define KLIVE_NR_SLOTS		(PID_MAX_LIMIT + KLIVE_SPILL)
/* task_structs are cache-line aligned: the low bits carry the state. */
#define KLIVE_BITS_MASK		(KLIVE_PATCHED | KLIVE_NUDGED)

/*
 * One slot per global pid, then the spill slots; NULL outside a
 * transition. A slot holds its owner's task_struct pointer ORed with the
 * state bits. The pid of an autoreaped task is free again while the task
 * still runs the tail of do_exit(), and a new task may get it at once:
 * the exiting task keeps its slot until sched_process_free (it runs no
 * more), and the new task takes a spill slot. A slot is claimed only
 * from empty and emptied only by its owner's free, so a task never reads
 * another's state; a task without a slot is in the initial state.
 * Allocated and freed by transition.c under klive_mutex; readers are
 * probes and ftrace handlers with preemption off, which transition.c
 * waits for before freeing.
 */
static unsigned long *klive_slots;
/* Spill slots ever used in this transition: the lookups scan no further. */
static atomic_t klive_spill_used;
/* Tasks that shared their pid with an exiting task in this transition. */
static atomic_t klive_pid_shared;
static u8 klive_initial;

static __always_inline bool klive_owns(unsigned long v, struct task_struct *t)
{
	return (v & ~(unsigned long)KLIVE_BITS_MASK) == (unsigned long)t;
}

static noinline unsigned long *klive_spill_find(unsigned long *slots,
						struct task_struct *t)
{
	int i, n = atomic_read(&klive_spill_used);

	for (i = 0; i < n; i++) {
		if (klive_owns(READ_ONCE(slots[PID_MAX_LIMIT + i]), t))
			return &slots[PID_MAX_LIMIT + i];
	}
	return NULL;
}

/* @t's slot, or NULL if it has none. */
static __always_inline unsigned long *klive_slot(unsigned long *slots,
						  struct task_struct *t)
{
	unsigned long *s = &slots[t->pid];

	if (likely(klive_owns(READ_ONCE(*s), t)))
		return s;
	return klive_spill_find(slots, t);
}

/*
 * Give @t a slot holding @bits: its pid's if empty, else a spill slot.
 * Only @t's own context, or one that keeps it off the CPU, claims for it,
 * so it never gets two. NULL if every spill slot is taken.
 */
static unsigned long *klive_claim(unsigned long *slots, struct task_struct *t,
				  u8 bits)
{
	unsigned long want = (unsigned long)t | bits;
	unsigned long old = 0;
	int i, n;

	if (try_cmpxchg(&slots[t->pid], &old, want))
		return &slots[t->pid];
	for (i = 0; i < KLIVE_SPILL; i++) {
		old = 0;
		if (!try_cmpxchg(&slots[PID_MAX_LIMIT + i], &old, want))
			continue;
		n = atomic_read(&klive_spill_used);
		while (n < i + 1 &&
		       !atomic_try_cmpxchg(&klive_spill_used, &n, i + 1))
			;
		atomic_inc(&klive_pid_shared);
		return &slots[PID_MAX_LIMIT + i];
	}
	return NULL;
}

/* The ftrace handler's view of current: 1 if it runs patched code. */
int notrace klive_current_patched(int fallback)
{
	unsigned long *slots = READ_ONCE(klive_slots);
	unsigned long *s;

	if (is_idle_task(current))
		return this_cpu_read(klive_idle_state) & KLIVE_PATCHED;
	if (unlikely(!slots))
		return fallback;
	s = klive_slot(slots, current);
	if (unlikely(!s))
		return klive_initial & KLIVE_PATCHED;
	return READ_ONCE(*s) & KLIVE_PATCHED;
}

bool klive_states_active(void)
{
	return READ_ONCE(klive_slots);
}

/* @t's state bits; the caller keeps @t from being freed. */
u8 klive_state_get(struct task_struct *t)
{
	unsigned long *slots = READ_ONCE(klive_slots);
	unsigned long *s;

	if (!slots)
		return 0;
	s = klive_slot(slots, t);
	return s ? READ_ONCE(*s) & KLIVE_BITS_MASK : klive_initial;
}

/*
 * Change bits of @t's state; the sweep, @t itself and the nudger update
 * concurrently, hence the cmpxchg. A task that has no slot yet gets one
 * from the initial state. Returns false if no slot is free (the caller
 * tries again on a later sweep, once an exiting task is gone).
 */
bool klive_state_update(struct task_struct *t, u8 clear, u8 set)
{
	unsigned long *slots = READ_ONCE(klive_slots);
	unsigned long *s, old, new;

	if (!slots)
		return false;
	s = klive_slot(slots, t);
	if (!s)
		s = klive_claim(slots, t, klive_initial);
	if (!s)
		return false;
	old = READ_ONCE(*s);
	do {
		new = (old & ~(unsigned long)clear) | set;
	} while (!try_cmpxchg(s, &old, new));
	return true;
}

/* A child starts in its parent's state; its stack is empty anyway. */
void notrace klive_state_fork(struct task_struct *parent,
			      struct task_struct *child)
{
	unsigned long *slots = READ_ONCE(klive_slots);
	u8 s;

	if (!slots)
		return;
	if (is_idle_task(parent))
		s = this_cpu_read(klive_idle_state);
	else
		s = klive_state_get(parent);
	/* without a slot it starts in the initial state: no frame, still safe */
	klive_claim(slots, child, s & KLIVE_PATCHED);
}

/*
 * sched_process_free: @t will never run again (it was released and has
 * scheduled for the last time, an RCU grace period ago); its slot is
 * emptied so that its pid's next owner, or a task_struct reusing its
 * memory, starts afresh.
 */
static void notrace klive_free_probe(void *data, struct task_struct *t)
{
	unsigned long *slots, *s;

	preempt_disable_notrace();
	slots = READ_ONCE(klive_slots);
	if (slots && !is_idle_task(t)) {
		s = klive_slot(slots, t);
		if (s)
			WRITE_ONCE(*s, 0);
	}
	preempt_enable_notrace();
}

int klive_states_probe_register(struct tracepoint *tp_free)
{
	return tracepoint_probe_register(tp_free, klive_free_probe, NULL);
}

void klive_states_probe_unregister(struct tracepoint *tp_free)
{
	tracepoint_probe_unregister(tp_free, klive_free_probe, NULL);
}

/*
 * Allocate the slots of a transition whose tasks all start in @initial;
 * klive_mutex held. Published empty, then filled by klive_states_fill().
 */
unsigned long *klive_states_alloc(u8 initial)
{
	unsigned long *slots;

	slots = vzalloc(array_size(KLIVE_NR_SLOTS, sizeof(*slots)));
	if (!slots)
		return NULL;
	klive_initial = initial;
	atomic_set(&klive_spill_used, 0);
	atomic_set(&klive_pid_shared, 0);
	return slots;
}

/*
 * A slot for every task on the task list. Runs after the fork and free
 * probes are attached: a task found here is freed only after this RCU
 * read section, so its slot is emptied by the free probe, never left to
 * a later task_struct at the same address. A slot taken meanwhile (the
 * task claimed it itself) is kept.
 */
void klive_states_fill(void)
{
	unsigned long *slots = klive_slots;
	struct task_struct *g, *t;
	unsigned long old;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		old = 0;
		try_cmpxchg(&slots[t->pid], &old,
			    (unsigned long)t | klive_initial);
	}
	rcu_read_unlock();
}

void klive_states_publish(unsigned long *slots)
{
	WRITE_ONCE(klive_slots, slots);
}

/* Hide the slots; the caller frees them once no reader can be running. */
unsigned long *klive_states_unpublish(void)
{
	unsigned long *slots = klive_slots;

	WRITE_ONCE(klive_slots, NULL);
	return slots;
}

void klive_states_free(unsigned long *slots)
{
	vfree(slots);
}

/* Every task, with or without a slot, in state @bits (forced end). */
void klive_states_set_all(u8 bits)
{
	unsigned long *slots = klive_slots;
	unsigned long old;
	unsigned int i;

	klive_initial = bits;
	for (i = 0; i < KLIVE_NR_SLOTS; i++) {
		old = READ_ONCE(slots[i]);
		while (old && !try_cmpxchg(&slots[i], &old,
					   (old & ~(unsigned long)KLIVE_BITS_MASK) | bits))
			;
	}
}

/* How many tasks shared a pid with an exiting task in this transition. */
int klive_states_pid_shared(void)
{
	return atomic_read(&klive_pid_shared);
}
