/* klivesyms.c - find klive.ko for the target release and the symbol versions of its exports. */
#include "klivesyms.h"
#include "elfobj.h"
#include "kinfo.h"
#include "util.h"

#include <elf.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one symbol patch modules import from klive.ko. */
#define KLIVE_EXPORT "klive_enable_patch"

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

/* The CRC modpost recorded for KLIVE_EXPORT in O (__crc_ symbol in __kcrctab_gpl). */
static bool export_crc(const struct elfobj *o, uint32_t *crc)
{
	const char *want = "__crc_" KLIVE_EXPORT;
	size_t i;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];
		const struct section *sec;

		if (strcmp(s->name, want))
			continue;
		if (s->shndx == SHN_ABS) {
			*crc = (uint32_t)s->value;
			return true;
		}
		if (s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			return false;
		sec = &o->secs[s->shndx];
		if (!sec->data || s->value > sec->size || sec->size - s->value < 4)
			return false;
		memcpy(crc, sec->data + s->value, 4);
		return true;
	}
	return false;
}

/*
 * Write TMPDIR/klive.symvers from klive.ko at PATH if it was built for
 * K's release (with a version for its export when K has MODVERSIONS).
 */
static char *symvers_from(const struct kinfo *k, const char *path, const char *tmpdir)
{
	struct elfobj o;
	char *rel, *out = NULL;
	uint32_t crc = 0;
	bool has_crc;
	FILE *f;

	if (access(path, R_OK))
		return NULL;
	elfobj_read(&o, path);
	rel = vermagic_release(&o);
	has_crc = export_crc(&o, &crc);
	if (rel && !strcmp(rel, k->release) && (has_crc || !k->modversions)) {
		out = xasprintf("%s/klive.symvers", tmpdir);
		f = fopen(out, "w");
		if (!f || fprintf(f, "0x%08x\t%s\tklive\tEXPORT_SYMBOL_GPL\t\n", crc,
				  KLIVE_EXPORT) < 0 || fclose(f))
			fatal(out, "cannot write: %m");
	}
	free(rel);
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

char *klivesyms_find(const struct kinfo *k, const char *override, const char *tmpdir,
		     char **from)
{
	char *cand[2], *out = NULL;
	size_t i;

	*from = NULL;
	if (override) {
		if (access(override, R_OK))
			fatal(override, "cannot read klive.ko's Module.symvers: %m");
		*from = xstrdup(override);
		return xstrdup(override);
	}
	cand[0] = installed_klive(k->release);
	cand[1] = built_klive();
	for (i = 0; i < 2; i++) {
		if (!out && cand[i]) {
			out = symvers_from(k, cand[i], tmpdir);
			if (out)
				*from = xstrdup(cand[i]);
		}
		free(cand[i]);
	}
	if (!out && k->modversions)
		fatal(k->kdir, "no klive.ko for %s found (neither installed under /lib/modules/%s nor built beside patchgen: run 'make KDIR=%s' in klive's tree), or pass --klive-symvers: without klive.ko's symbol versions the patch module would not load on this kernel (CONFIG_MODVERSIONS)",
		      k->release, k->release, k->kdir);
	return out;
}
