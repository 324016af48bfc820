/* lpsys.c - /sys/kernel/livepatch as the klive command reads it: patches, their state, objects, functions. */
#include "lpsys.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *path_of(const char *name, const char *file)
{
	char *p;

	if (asprintf(&p, LP_ROOT "/%s/%s", name, file) < 0)
		return NULL;
	return p;
}

char *lp_read(const char *name, const char *file)
{
	char *p = path_of(name, file), *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = p ? fopen(p, "r") : NULL;
	free(p);
	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

int lp_flag(const char *name, const char *file)
{
	char *s = lp_read(name, file);
	int v = s ? atoi(s) != 0 : -1;

	free(s);
	return v;
}

int lp_write(const char *name, const char *file, const char *s)
{
	char *p = path_of(name, file);
	int ret = 0;
	FILE *f;

	f = p ? fopen(p, "w") : NULL;
	free(p);
	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* Does patch NAME have FILE? */
static bool lp_has(const char *name, const char *file)
{
	char *p = path_of(name, file);
	struct stat st;
	bool ok = p && !stat(p, &st);

	free(p);
	return ok;
}

bool lp_exists(const char *name)
{
	return lp_has(name, "enabled");
}

bool lp_is_klive(const char *name)
{
	return lp_has(name, "blocking");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lp_names(size_t *n)
{
	DIR *d = opendir(LP_ROOT);
	char **names = NULL;
	size_t cap = 0;
	struct dirent *e;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !lp_exists(e->d_name))
			continue;
		if (*n == cap) {
			char **more = realloc(names, (cap = cap ? 2 * cap : 8) * sizeof(*names));

			if (!more)
				break;
			names = more;
		}
		names[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

void lp_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

long lp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

bool lp_module_loaded(const char *mod)
{
	char p[300];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/module/%s/initstate", mod);
	return !stat(p, &st);
}
