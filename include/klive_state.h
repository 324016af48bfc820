/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive_state.h - declare in a fix's source the system states it
 * introduces or keeps up (struct klive_state in klive.h): patchgen puts
 * them into the patch's description, and klive.ko refuses a patch that
 * would lower a state's version, or a cumulative one that drops a state
 * an enabled patch has:
 *
 *	#define MY_STATE 0x6b6c7602
 *	KLIVE_STATE(MY_STATE, 2);
 *
 * The fix's callbacks find the state with klive_get_state(MY_STATE) and
 * the one of the patch before with klive_get_prev_state(MY_STATE).
 */
#ifndef _KLIVE_STATE_H
#define _KLIVE_STATE_H

/* struct klive_state, klive_get_state() and klive_get_prev_state() */
#include "klive.h"

/* An entry of section .klive.states, read by patchgen (16 bytes). */
struct klive_state_decl {
	unsigned long id;
	unsigned long version;
};

#define __KLIVE_STATE_PASTE(a, b) a##b
#define __KLIVE_STATE_NAME(line) __KLIVE_STATE_PASTE(__klive_state_, line)
#define KLIVE_STATE(id, version)					\
	static const struct klive_state_decl __KLIVE_STATE_NAME(__LINE__)	\
	__used __section(".klive.states") = { (id), (version) }

#endif /* _KLIVE_STATE_H */
