/* klivesyms.h - find klive.ko for the target release and the symbol versions of its exports. */
#ifndef PATCHGEN_KLIVESYMS_H
#define PATCHGEN_KLIVESYMS_H

#include <stdbool.h>

struct kinfo;

/*
 * A Module.symvers of klive.ko's exports (klive_enable_patch, the shadow
 * variable API), for modpost and added to K's exports: OVERRIDE if given
 * (--klive-symvers), else one written into TMPDIR from the klive.ko built
 * for K's release, found installed under /lib/modules/RELEASE (libkmod,
 * as modprobe finds it) or in the build tree beside the patchgen binary.
 * Without any, fatal on a kernel with CONFIG_MODVERSIONS if NEED (the
 * module would not load), else NULL. *FROM says which klive.ko was used.
 */
char *klivesyms_find(struct kinfo *k, const char *override, const char *tmpdir,
		     char **from, bool need);

#endif
