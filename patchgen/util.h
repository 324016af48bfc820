/* util.h - error reporting, allocation and string helpers shared by all stages. */
#ifndef PATCHGEN_UTIL_H
#define PATCHGEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>	/* before free() becomes xfree() below */

/* Print "patchgen: FILE: REASON" and exit 1 (running atexit cleanups). */
_Noreturn void fatal(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void warnx_(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Every block from the allocators above belongs to the run until freed;
 * util_release_all() frees what is left (main's exit, each fuzz input), and
 * util_forget_all() hands what exists now to whoever points at it (the
 * fuzz harness's kernel facts, loaded once). free() is xfree() in patchgen.
 */
void xfree(void *p);
void util_release_all(void);
void util_forget_all(void);
#define free(p) xfree(p)

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
 * after input: fatal() and warnx_() hand their line to it. Production
 * builds have none of this.
 */
_Noreturn void fuzz_fatal(const char *file, const char *fmt, va_list ap);
void fuzz_warn(const char *file, const char *fmt, va_list ap);
#endif

#endif
