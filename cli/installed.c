/* installed.c - klive install, uninstall and load-installed: patches kept for loading at boot. */
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Installed patches live in STATE/RELEASE/NAME.ko; KLIVE_STATE_DIR moves STATE. */
static const char *state_dir(void)
{
	const char *d = getenv("KLIVE_STATE_DIR");

	return d && *d ? d : "/var/lib/klive/patches";
}

static int mkdirs(const char *path)
{
	char buf[1024], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536], tmp[1100];
	FILE *in = fopen(from, "rb"), *out;
	size_t n;
	int ret = 0;

	if (!in)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	out = fopen(tmp, "wb");
	if (!out) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -EIO;
	fclose(in);
	if (fclose(out) && !ret)
		ret = -errno;
	/* a reboot half-way never leaves half a module to load */
	if (!ret && rename(tmp, to))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int cmd_install(const char *path)
{
	struct kmod_ctx *ctx;
	struct modfacts m;
	char dir[512], dst[1024];
	int err, ret = 1;

	if (geteuid())
		return out_error("installing a patch needs root");
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return out_error("cannot start libkmod");
	if (modfacts_read(ctx, path, &m)) {
		kmod_unref(ctx);
		return 1;
	}
	if (!m.depends || !list_has(m.depends, "klive")) {
		out_error("%s: not a klive patch module (it does not use klive.ko)", path);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/%s", state_dir(), m.release);
	snprintf(dst, sizeof(dst), "%s/%s.ko", dir, m.name);
	err = mkdirs(dir);
	if (!err)
		err = copy_file(path, dst);
	if (err) {
		out_error("%s: cannot install it as %s: %s", path, dst, strerror(-err));
		goto out;
	}
	if (out_json) {
		printf("{\"installed\": ");
		out_jstr(stdout, dst);
		printf(", \"release\": ");
		out_jstr(stdout, m.release);
		printf("}\n");
	} else {
		printf("klive: %s installed as %s: loaded at boot when %s runs\n", path, dst,
		       m.release);
	}
	ret = 0;
out:
	modfacts_free(&m);
	kmod_unref(ctx);
	return ret;
}

int cmd_uninstall(const char *name)
{
	char path[1024];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (geteuid())
		return out_error("uninstalling a patch needs root");
	d = opendir(state_dir());
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s.ko", state_dir(), e->d_name, name);
		if (!unlink(path))
			n++;
	}
	if (d)
		closedir(d);
	if (!n)
		return out_error("no installed patch module %s under %s", name, state_dir());
	if (out_json)
		printf("{\"uninstalled\": \"%s\", \"files\": %d}\n", name, n);
	else
		printf("klive: %s uninstalled (%d file(s)); a loaded patch stays until 'klive unload'\n",
		       name, n);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * At boot (klive.service): load the patches installed for the running
 * release, in name order; name each other release's patches as skipped.
 * Failing ones are reported and the others still loaded.
 */
int cmd_load_installed(const struct cli_opts *o)
{
	char dir[512], path[1024], *names[256];
	const char *rel = running_release();
	struct dirent *e;
	int n = 0, i, failed = 0;
	DIR *d;

	d = opendir(state_dir());
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.' && strcmp(e->d_name, rel))
			fprintf(stderr, "klive: skipping the patches installed for %s (running %s)\n",
				e->d_name, rel);
	}
	if (d)
		closedir(d);
	snprintf(dir, sizeof(dir), "%s/%s", state_dir(), rel);
	d = opendir(dir);
	while (d && (e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);

		if (len > 3 && !strcmp(e->d_name + len - 3, ".ko"))
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		failed += cmd_load(path, o) != 0;
		free(names[i]);
	}
	if (!n && !out_json)
		printf("klive: no patches installed for %s\n", rel);
	return failed ? 1 : 0;
}
