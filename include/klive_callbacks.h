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

typedef int (*klive_int_callback_t)(void);
typedef void (*klive_void_callback_t)(void);

/* A pointer to @fn in section .klive.callbacks.@kind, for patchgen. */
#define __KLIVE_CALLBACK(kind, type, fn)				\
	static const type __klive_##kind##_##fn				\
	__used __section(".klive.callbacks." #kind) = fn

#define KLIVE_PRE_PATCH(fn)	__KLIVE_CALLBACK(pre_patch, klive_int_callback_t, fn)
#define KLIVE_POST_PATCH(fn)	__KLIVE_CALLBACK(post_patch, klive_void_callback_t, fn)
#define KLIVE_PRE_UNPATCH(fn)	__KLIVE_CALLBACK(pre_unpatch, klive_void_callback_t, fn)
#define KLIVE_POST_UNPATCH(fn)	__KLIVE_CALLBACK(post_unpatch, klive_void_callback_t, fn)

#endif /* _KLIVE_CALLBACKS_H */
