/* list.c - klive list: every patch in /sys/kernel/livepatch, klive's and the kernel's own. */
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The subdirectories of DIR, sorted; *n set. */
static char **subdirs(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **v = NULL;
	struct dirent *e;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char p[1024];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(p, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (*n == cap) {
			char **more = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof(*v));

			if (!more)
				break;
			v = more;
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	return v;
}

/* A patch's integer sysfs FILE, or -1 where the kernel has none (6.1's livepatch: stack_order, replace). */
static int lp_int(const char *name, const char *file)
{
	char *s = lp_read(name, file);
	int v = s ? atoi(s) : -1;

	free(s);
	return v;
}

static void list_one(const char *name, int first)
{
	char dir[512], odir[1024];
	char **objs, **funcs, *module;
	size_t no, nf, i, j;
	int klive = lp_is_klive(name);
	int order = lp_int(name, "stack_order"), replace = lp_int(name, "replace");

	snprintf(dir, sizeof(dir), LP_ROOT "/%s", name);
	objs = subdirs(dir, &no);
	module = klive ? lp_read(name, "module") : strdup(name);
	if (out_json) {
		printf("%s{\"name\": ", first ? "" : ", ");
		out_jstr(stdout, name);
		printf(", \"owner\": \"%s\", \"module\": ", klive ? "klive" : "livepatch");
		out_jstr(stdout, module);
		printf(", \"enabled\": %s, \"transition\": %s",
		       lp_flag(name, "enabled") == 1 ? "true" : "false",
		       lp_flag(name, "transition") == 1 ? "true" : "false");
		if (order >= 0)
			printf(", \"stack_order\": %d", order);
		if (replace >= 0)
			printf(", \"replace\": %s", replace ? "true" : "false");
		printf(", \"objects\": [");
	} else {
		printf("%s  (%s, module %s)  enabled=%d transition=%d", name,
		       klive ? "klive" : "kernel livepatch", module ? module : "?",
		       lp_flag(name, "enabled"), lp_flag(name, "transition"));
		if (order >= 0)
			printf(" stack_order=%d", order);
		if (replace >= 0)
			printf(" replace=%d", replace);
		printf("\n");
	}
	for (i = 0; i < no; i++) {
		snprintf(odir, sizeof(odir), "%s/%s", dir, objs[i]);
		funcs = subdirs(odir, &nf);
		if (out_json) {
			char pf[600];

			/* 0 for a module object while its module is not loaded */
			snprintf(pf, sizeof(pf), "%s/patched", objs[i]);
			printf("%s{\"name\": ", i ? ", " : "");
			out_jstr(stdout, objs[i]);
			printf(", \"patched\": %s, \"functions\": [",
			       lp_flag(name, pf) == 1 ? "true" : "false");
		}
		for (j = 0; j < nf; j++) {
			if (out_json) {
				printf(j ? ", " : "");
				out_jstr(stdout, funcs[j]);
			} else {
				printf("    %s: %s\n", objs[i], funcs[j]);
			}
			free(funcs[j]);
		}
		if (out_json)
			printf("]}");
		free(funcs);
		free(objs[i]);
	}
	if (out_json)
		printf("]}");
	free(objs);
	free(module);
}

int cmd_list(void)
{
	size_t n, i;
	char **names = lp_names(&n);

	if (out_json)
		printf("{\"patches\": [");
	else if (!n)
		printf("no patches\n");
	for (i = 0; i < n; i++)
		list_one(names[i], i == 0);
	if (out_json)
		printf("]}\n");
	lp_free_names(names, n);
	return 0;
}
