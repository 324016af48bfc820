/* util.c - error reporting, allocation and string helpers shared by all stages. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PATCHGEN_FUZZ
#define fuzz_alloc(old, p) ((void)0)
#endif

_Noreturn void fatal(const char *file, const char *fmt, ...)
{
	va_list ap;

#ifdef PATCHGEN_FUZZ
	va_start(ap, fmt);
	fuzz_fatal(file, fmt, ap);
#endif
	fprintf(stderr, "patchgen: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void warnx_(const char *file, const char *fmt, ...)
{
	va_list ap;

#ifdef PATCHGEN_FUZZ
	va_start(ap, fmt);
	fuzz_warn(file, fmt, ap);
	va_end(ap);
	return;
#endif
	fprintf(stderr, "patchgen: %s: warning: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("patchgen", "out of memory");
	fuzz_alloc(NULL, p);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		fatal("patchgen", "out of memory");
	fuzz_alloc(p, q);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("patchgen", "out of memory");
	fuzz_alloc(NULL, p);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = xcalloc(1, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void grow(void *arr, size_t *cap, size_t n, size_t sz)
{
	void **a = arr;
	size_t old = *cap;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 16;
	while (*cap <= n)
		*cap *= 2;
	*a = xrealloc(*a, *cap * sz);
	memset((char *)*a + old * sz, 0, (*cap - old) * sz);
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (sb->len + (size_t)n + 1 > sb->cap) {
		sb->cap = (sb->len + (size_t)n + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->cap);
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
