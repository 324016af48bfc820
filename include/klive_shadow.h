/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive_shadow.h - shadow variables: data a patch attaches to existing
 * objects (keyed by the object's address and an id) instead of changing
 * their layout, which patchgen refuses. Provided by klive.ko; include it
 * in a fixed source file and patchgen carries the calls into the patch.
 *
 * The data lives in klive.ko, not in a patch module: a later patch finds
 * what an earlier one attached. A patch frees its variables when they are
 * no longer needed, at the latest in its module exit with
 * klive_shadow_free_all(): code that the patch does not cover (the old
 * functions, after a disable) neither allocates nor frees them.
 */
#ifndef _KLIVE_SHADOW_H
#define _KLIVE_SHADOW_H

#include <linux/types.h>

/*
 * Called with klive's shadow lock held (interrupts off) on the new data,
 * before anyone can see it; must not sleep. Non-zero refuses the
 * allocation.
 */
typedef int (*klive_shadow_ctor_t)(void *obj, void *shadow, void *ctor_data);
/* Called with the lock held as the data is removed; must not sleep. */
typedef void (*klive_shadow_dtor_t)(void *obj, void *shadow);

/* The data attached to @obj under @id, or NULL. Any context. */
void *klive_shadow_get(void *obj, unsigned long id);

/*
 * Attach @size bytes (zeroed, then @ctor if given) to @obj under @id. NULL
 * if the data exists already (with a warning), on allocation failure or
 * if @ctor refuses. Any context where @gfp is allowed.
 */
void *klive_shadow_alloc(void *obj, unsigned long id, size_t size,
			 gfp_t gfp, klive_shadow_ctor_t ctor, void *ctor_data);

/* As klive_shadow_alloc(), but an existing variable is returned as is. */
void *klive_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, klive_shadow_ctor_t ctor,
				void *ctor_data);

/* Detach and free @obj's data under @id, if any (@dtor first). */
void klive_shadow_free(void *obj, unsigned long id, klive_shadow_dtor_t dtor);

/* Detach and free the data of every object under @id. */
void klive_shadow_free_all(unsigned long id, klive_shadow_dtor_t dtor);

#endif /* _KLIVE_SHADOW_H */
