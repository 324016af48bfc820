/* klivesyms.c - find klive.ko for the target release and the symbol versions of its exports. */
#include "klivesyms.h"
#include "elfobj.h"
#include "kinfo.h"
#include "util.h"

#include <elf.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbol every patch module imports from klive.ko. */
#define KLIVE_EXPORT "klive_enable_patch"
/* An export of a module has a string named like this (6.1 and 6.12). */
#define KSTRTAB "__kstrtab_"

/* The release in O's vermagic ("6.1.0-57-amd64 SMP ..."), or NULL. */
static char *vermagic_release(const struct elfobj *o)
{
	size_t i;

	for (i = 1; i < o->nsecs; i++) {
		const struct section *s = &o->secs[i];
		uint64_t off = 0;

		if (strcmp(s->name, ".modinfo") || !s->data)
			continue;
		while (off < s->size) {
			const char *str = (const char *)s->data + off;
			size_t len = strnlen(str, s->size - off);

			if (len < s->size - off && !strncmp(str, "vermagic=", 9))
				return strndup(str + 9, strcspn(str + 9, " "));
			off += len + 1;
		}
	}
	return NULL;
}

/* The CRC modpost recorded for export NAME in O (__crc_ symbol in __kcrctab_gpl). */
static bool export_crc(const struct elfobj *o, const char *name, uint32_t *crc)
{
	char *want = xasprintf("__crc_%s", name);
	bool found = false;
	size_t i;

	for (i = 0; i < o->nsyms && !found; i++) {
		const struct symbol *s = &o->syms[i];
		const struct section *sec;

		if (strcmp(s->name, want))
			continue;
		if (s->shndx == SHN_ABS) {
			*crc = (uint32_t)s->value;
			found = true;
			break;
		}
		if (s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			break;
		sec = &o->secs[s->shndx];
		if (!sec->data || s->value > sec->size || sec->size - s->value < 4)
			break;
		memcpy(crc, sec->data + s->value, 4);
		found = true;
	}
	free(want);
	return found;
}

/*
 * PATH itself, or for a compressed module (DKMS compresses them as the
 * kernel's own are, e.g. klive.ko.xz for Debian's 6.12) a copy in TMPDIR
 * decompressed by the usual tool; NULL, with a warning, if that fails.
 */
static char *uncompressed(const char *path, const char *tmpdir)
{
	static const char *const tools[][2] = {
		{ ".xz", "xz" }, { ".zst", "zstd" }, { ".gz", "gzip" },
	};
	size_t i, len = strlen(path), n;
	char *out;
	int fd, status;
	pid_t pid;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		n = strlen(tools[i][0]);
		if (len > n && !strcmp(path + len - n, tools[i][0]))
			break;
	}
	if (i == sizeof(tools) / sizeof(tools[0]))
		return xstrdup(path);
	out = xasprintf("%s/klive-installed.ko", tmpdir);
	pid = fork();
	if (pid < 0)
		fatal("patchgen", "fork: %m");
	if (!pid) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		execlp(tools[i][1], tools[i][1], "-dc", path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "patchgen: %s: cannot decompress it with %s; not used\n",
			path, tools[i][1]);
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Write TMPDIR/klive.symvers from klive.ko at PATH if it was built for
 * K's release (with a version for its export when K has MODVERSIONS).
 */
static char *symvers_from(const struct kinfo *k, const char *path, const char *tmpdir)
{
	struct elfobj o;
	char *rel, *out = NULL, *elf;
	uint32_t crc = 0;
	size_t i;
	FILE *f;

	if (access(path, R_OK))
		return NULL;
	elf = uncompressed(path, tmpdir);
	if (!elf)
		return NULL;
	elfobj_read(&o, elf);
	rel = vermagic_release(&o);
	if (rel && !strcmp(rel, k->release) &&
	    (export_crc(&o, KLIVE_EXPORT, &crc) || !k->modversions)) {
		/* every export: the fix may call klive's API (shadow variables) */
		out = xasprintf("%s/klive.symvers", tmpdir);
		f = fopen(out, "w");
		if (!f)
			fatal(out, "cannot write: %m");
		for (i = 0; i < o.nsyms; i++) {
			const char *name = o.syms[i].name;

			if (strncmp(name, KSTRTAB, strlen(KSTRTAB)))
				continue;
			name += strlen(KSTRTAB);
			crc = 0;
			if (!export_crc(&o, name, &crc) && k->modversions)
				continue;
			fprintf(f, "0x%08x\t%s\tklive\tEXPORT_SYMBOL_GPL\t\n", crc, name);
		}
		if (ferror(f) | fclose(f))
			fatal(out, "cannot write: %m");
	}
	free(rel);
	free(elf);
	return out;
}

/* klive.ko installed for RELEASE, as modprobe would load it; NULL if none. */
static char *installed_klive(const char *release)
{
	char *dir = xasprintf("/lib/modules/%s", release), *path = NULL;
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;

	ctx = access(dir, R_OK) ? NULL : kmod_new(dir, NULL);
	if (ctx && kmod_module_new_from_lookup(ctx, "klive", &list) >= 0) {
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);
			const char *p = kmod_module_get_path(m);

			if (p && !path)
				path = xstrdup(p);
			kmod_module_unref(m);
		}
		kmod_module_unref_list(list);
	}
	if (ctx)
		kmod_unref(ctx);
	free(dir);
	return path;
}

/* core/klive.ko of the build tree this patchgen binary is part of. */
static char *built_klive(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	strcpy(slash, "/../core/klive.ko");
	return realpath(exe, NULL);
}

char *klivesyms_find(struct kinfo *k, const char *override, const char *tmpdir,
		     char **from, bool need)
{
	char *cand[2], *out = NULL;
	size_t i;

	*from = NULL;
	if (override) {
		if (access(override, R_OK))
			fatal(override, "cannot read klive.ko's Module.symvers: %m");
		*from = xstrdup(override);
		kinfo_add_symvers(k, override);
		return xstrdup(override);
	}
	/* the tree's own first: the README's commands load that one */
	cand[0] = built_klive();
	cand[1] = installed_klive(k->release);
	for (i = 0; i < 2; i++) {
		if (!out && cand[i]) {
			out = symvers_from(k, cand[i], tmpdir);
			if (out)
				*from = xstrdup(cand[i]);
		}
		free(cand[i]);
	}
	if (out)
		kinfo_add_symvers(k, out);
	if (!out && k->modversions && need)
		fatal(k->kdir, "no klive.ko for %s found (neither installed under /lib/modules/%s nor built beside patchgen: run 'make KDIR=%s' in klive's tree), or pass --klive-symvers: without klive.ko's symbol versions the patch module would not load on this kernel (CONFIG_MODVERSIONS)",
		      k->release, k->release, k->kdir);
	return out;
}
