/* util.c - error reporting, allocation and string helpers shared by all stages. */
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef free	/* this file frees for real */

/*
 * A run's memory: every block the x*() allocators hand out stays in this
 * open-addressing set of pointers (TOMB marks a removed one) until it is
 * freed, and util_release_all() frees the rest at the end of the run. The
 * stages' data lives for the whole run, so this is its owner; what is not
 * a block of ours (libelf, libdw and capstone handles, files) must still
 * be closed by the stage that opened it, and leak checking sees it.
 */
#define TOMB ((void *)1)
static void **live;
static size_t cap, used;	/* used counts tombstones too */

static size_t slot_of(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

static void track(void *p)
{
	size_t i;

	if ((used + 1) * 2 > cap) {
		void **old = live;
		size_t oldcap = cap, j;

		cap = cap ? cap * 2 : 4096;
		live = calloc(cap, sizeof(*live));
		if (!live) {
			fputs("patchgen: out of memory\n", stderr);
			exit(1);
		}
		used = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j] && old[j] != TOMB)
				track(old[j]);
		free(old);
	}
	for (i = slot_of(p); live[i] && live[i] != TOMB; i = (i + 1) & (cap - 1))
		;
	if (!live[i])
		used++;
	live[i] = p;
}

static void untrack(void *p)
{
	size_t i;

	if (!cap || !p)
		return;
	for (i = slot_of(p); live[i]; i = (i + 1) & (cap - 1))
		if (live[i] == p) {
			live[i] = TOMB;
			return;
		}
}

void xfree(void *p)
{
	untrack(p);
	free(p);
}

void util_release_all(void)
{
	size_t i;

	for (i = 0; i < cap; i++)
		if (live[i] && live[i] != TOMB)
			free(live[i]);
	free(live);
	live = NULL;
	cap = used = 0;
}

void util_forget_all(void)
{
	free(live);
	live = NULL;
	cap = used = 0;
}

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
	track(p);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q;

	untrack(p);	/* before: p is gone once realloc() moved it */
	q = realloc(p, size ? size : 1);
	if (!q)
		fatal("patchgen", "out of memory");
	track(q);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("patchgen", "out of memory");
	track(p);
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
	xfree(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
