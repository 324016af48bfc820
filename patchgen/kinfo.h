/* kinfo.h - facts about the target kernel: exports (Module.symvers), symbol counts (System.map), config. */
#ifndef PATCHGEN_KINFO_H
#define PATCHGEN_KINFO_H

#include <stdbool.h>

struct strmap;

struct kinfo {
	const char *kdir;
	char *release;		/* UTS_RELEASE */
	int version, patchlevel;
	struct strmap *exports;	/* name -> "module\tnamespace" */
	struct strmap *sysmap;	/* name -> count, NULL when unavailable */
	char *sysmap_path;
	bool orc, ibt, rethunk;	/* from the kernel config */
	unsigned int padding;	/* CONFIG_FUNCTION_PADDING_BYTES when CALL_PADDING */
	char *objtool_args[16];	/* objtool options for module code, NULL-ended */
};

/* Load what KDIR tells; SYSMAP overrides the System.map search. */
void kinfo_load(struct kinfo *k, const char *kdir, const char *sysmap);

/* Module exporting NAME ("vmlinux" or a module name), or NULL. */
const char *kinfo_export_module(const struct kinfo *k, const char *name);
/* Namespace NAME is exported in, or NULL. */
const char *kinfo_export_ns(const struct kinfo *k, const char *name);
/* How often NAME occurs in System.map; -1 when there is no System.map. */
long kinfo_sysmap_count(const struct kinfo *k, const char *name);

/* A small string-keyed hash map. */
struct strmap *strmap_new(void);
void *strmap_get(const struct strmap *m, const char *key);
void strmap_put(struct strmap *m, const char *key, void *val);

#endif
