/* info.c - klive info: what a patch module patches and for which kernel release (modinfo through libkmod). */
#include "cli.h"
#include "out.h"

#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

const char *running_release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

int list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, word, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static char **add_str(char **v, int *n, const char *s)
{
	char **more = realloc(v, (size_t)(*n + 1) * sizeof(*v));

	if (!more)
		return v;
	more[(*n)++] = strdup(s);
	return more;
}

int modfacts_read(struct kmod_ctx *ctx, const char *path, struct modfacts *m)
{
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod = NULL;
	int err;

	memset(m, 0, sizeof(*m));
	err = kmod_module_new_from_path(ctx, path, &mod);
	if (err < 0)
		return out_error("%s: cannot read the module: %s", path, strerror(-err));
	err = kmod_module_get_info(mod, &info);
	if (err < 0) {
		kmod_module_unref(mod);
		return out_error("%s: not a kernel module (no modinfo): %s", path, strerror(-err));
	}
	m->name = strdup(kmod_module_get_name(mod));
	kmod_list_foreach(l, info) {
		const char *k = kmod_module_info_get_key(l), *v = kmod_module_info_get_value(l);

		if (!v)
			continue;
		if (!strcmp(k, "vermagic") && !m->release)
			m->release = strndup(v, strcspn(v, " "));
		else if (!strcmp(k, "klive_patch") && !m->patch)
			m->patch = strdup(v);
		else if (!strcmp(k, "depends") && !m->depends)
			m->depends = strdup(v);
		else if (!strcmp(k, "description") && !m->description)
			m->description = strdup(v);
		else if (!strcmp(k, "klive_func"))
			m->funcs = add_str(m->funcs, &m->nfuncs, v);
	}
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	if (!m->release) {
		modfacts_free(m);
		return out_error("%s: no vermagic: not a module built for a kernel", path);
	}
	return 0;
}

void modfacts_free(struct modfacts *m)
{
	int i;

	for (i = 0; i < m->nfuncs; i++)
		free(m->funcs[i]);
	free(m->funcs);
	free(m->name);
	free(m->release);
	free(m->patch);
	free(m->depends);
	free(m->description);
	memset(m, 0, sizeof(*m));
}

int cmd_info(const char *path)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct modfacts m;
	int i, klive;

	if (!ctx)
		return out_error("cannot start libkmod");
	if (modfacts_read(ctx, path, &m)) {
		kmod_unref(ctx);
		return 1;
	}
	klive = m.depends && list_has(m.depends, "klive");
	if (out_json) {
		printf("{\"file\": ");
		out_jstr(stdout, path);
		printf(", \"module\": ");
		out_jstr(stdout, m.name);
		printf(", \"klive_patch\": %s, \"patch\": ", klive ? "true" : "false");
		if (klive)
			out_jstr(stdout, m.patch ? m.patch : m.name);
		else
			printf("null");
		printf(", \"release\": ");
		out_jstr(stdout, m.release);
		printf(", \"matches_running\": %s, \"functions\": [",
		       strcmp(m.release, running_release()) ? "false" : "true");
		for (i = 0; i < m.nfuncs; i++) {
			printf(i ? ", " : "");
			out_jstr(stdout, m.funcs[i]);
		}
		printf("]}\n");
	} else {
		printf("file:        %s\nmodule:      %s\n", path, m.name);
		printf("patch:       %s\n", klive ? (m.patch ? m.patch : m.name) :
		       "(none: this module does not use klive)");
		printf("release:     %s (%s the running kernel)\n", m.release,
		       strcmp(m.release, running_release()) ? "not" : "is");
		if (m.description)
			printf("description: %s\n", m.description);
		for (i = 0; i < m.nfuncs; i++)
			printf("function:    %s\n", m.funcs[i]);
	}
	modfacts_free(&m);
	kmod_unref(ctx);
	return 0;
}
