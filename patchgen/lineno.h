/* lineno.h - recognise differences that are only source line numbers (WARN/BUG/might_sleep style). */
#ifndef PATCHGEN_LINENO_H
#define PATCHGEN_LINENO_H

#include "correlate.h"

/*
 * Whether masked code A (of old function O) and B (of new function N), of
 * equal size, differ only in immediates that load a source line number into
 * the line argument of a call to a known line-taking callee (__might_sleep,
 * warn_slowpath_fmt, __ext4_error, ...). Otherwise *bad gets the offset of the first
 * other difference.
 */
bool lineno_only_args(const struct item *o, const unsigned char *a,
		      const struct objview *vn, const struct item *n, const unsigned char *b,
		      uint64_t *bad);

/* Clear the source line fields of the dynamic debug descriptor at BUF (of SIZE bytes). */
void lineno_mask_dyndbg(unsigned char *buf, uint64_t size);

#endif
