/* util.h - error reporting, allocation and string helpers shared by all stages. */
#ifndef PATCHGEN_UTIL_H
#define PATCHGEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Print "patchgen: FILE: REASON" and exit 1 (running atexit cleanups). */
_Noreturn void fatal(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void warnx_(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *cap elements of size sz) so that index n fits. */
void grow(void *arr, size_t *cap, size_t n, size_t sz);

/* A growable string. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);

#ifdef PATCHGEN_FUZZ
/*
 * The fuzz harness (selftests/host/fuzz) runs the stages in-process, input
 * after input: fatal() and warnx_() hand their line to it, and it frees
 * what each input allocated (patchgen itself just exits), so the frees of
 * patchgen's code go through it too. Production builds have none of this.
 */
#include <stdlib.h>
_Noreturn void fuzz_fatal(const char *file, const char *fmt, va_list ap);
void fuzz_warn(const char *file, const char *fmt, va_list ap);
void fuzz_alloc(void *old, void *p);
void fuzz_free(void *p);
#define free(p) fuzz_free(p)
#endif

#endif
