/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive_callbacks.h - declare callbacks of a fix in its source: patchgen
 * finds them and puts them into the patch's description (struct
 * klive_callbacks in klive.h says when each runs). The function must be
 * new in the fixed source, and takes no argument:
 *
 *	static int my_setup(void) { ... return 0; }
 *	KLIVE_PRE_PATCH(my_setup);
 */
#ifndef _KLIVE_CALLBACKS_H
#define _KLIVE_CALLBACKS_H

/* A pointer to @fn in section .klive.callbacks.@kind, for patchgen. */
#define __KLIVE_CALLBACK(kind, ret, fn)					\
	static ret (*const __klive_##kind##_##fn)(void)			\
	__attribute__((used, section(".klive.callbacks." #kind))) = fn

#define KLIVE_PRE_PATCH(fn)	__KLIVE_CALLBACK(pre_patch, int, fn)
#define KLIVE_POST_PATCH(fn)	__KLIVE_CALLBACK(post_patch, void, fn)
#define KLIVE_PRE_UNPATCH(fn)	__KLIVE_CALLBACK(pre_unpatch, void, fn)
#define KLIVE_POST_UNPATCH(fn)	__KLIVE_CALLBACK(post_unpatch, void, fn)

#endif /* _KLIVE_CALLBACKS_H */
