/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/livepatch.h - with include/klp first in the include path, a source
 * written for the kernel's livepatch includes klive's translation instead.
 */
#include <klive_livepatch.h>
