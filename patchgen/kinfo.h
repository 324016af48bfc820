/* kinfo.h - facts about the target kernel: exports (Module.symvers), its symbol list (System.map or kallsyms), config. */
#ifndef PATCHGEN_KINFO_H
#define PATCHGEN_KINFO_H

#include <stdbool.h>
#include <stddef.h>

struct strmap;

struct kinfo {
	const char *kdir;
	char *release;		/* UTS_RELEASE */
	int version, patchlevel;
	struct strmap *exports;	/* name -> "module\0type\0namespace" */
	struct strmap *sysmap;	/* name -> struct koccur, NULL when unavailable */
	char *sysmap_path;
	char *symtypes;		/* type letter of each list entry, in kallsyms order */
	char **symnames;	/* name of each list entry */
	size_t nsymlist;
	bool orc, ibt, rethunk;	/* from the kernel config */
	bool modversions;	/* CONFIG_MODVERSIONS */
	bool btf;		/* CONFIG_DEBUG_INFO_BTF: klive.ko can check layouts */
	unsigned int padding;	/* CONFIG_FUNCTION_PADDING_BYTES when CALL_PADDING */
	char *objtool_args[16];	/* objtool options for module code, NULL-ended */
};

/* Load what KDIR tells; SYSMAP overrides the System.map search ("": no list). */
void kinfo_load(struct kinfo *k, const char *kdir, const char *sysmap);

/* Add the exports of the Module.symvers at PATH (klive's); false if unreadable. */
bool kinfo_add_symvers(struct kinfo *k, const char *path);
/* Module exporting NAME ("vmlinux" or a module name), or NULL. */
const char *kinfo_export_module(const struct kinfo *k, const char *name);
/* Namespace NAME is exported in, or NULL. */
const char *kinfo_export_ns(const struct kinfo *k, const char *name);
/* How often NAME occurs in System.map; -1 when there is no System.map. */
long kinfo_sysmap_count(const struct kinfo *k, const char *name);

/* What a symbol of the patched object is like, to find it in the list. */
enum ksym_class { KS_ANY, KS_TEXT, KS_DATA };

/*
 * sympos of NAME (occurring more than once in the list) for a symbol of
 * binding GLOBAL and class CLS; NEAR are the names of the other symbols of
 * its object that the linker keeps next to it (same area of vmlinux).
 * Returns NULL and sets *pos, or a refusal reason.
 */
char *kinfo_pick_sympos(const struct kinfo *k, const char *name, bool global,
			enum ksym_class cls, char *const *near, size_t nnear, long *pos);

/*
 * sympos of NAME when RUN (the names of the symbols of its object's
 * section, in address order, NAME at RUN[SELF]) stands in the list at
 * exactly one place as one unbroken run of at least three; 0 otherwise.
 */
long kinfo_run_sympos(const struct kinfo *k, const char *name,
		      char *const *run, size_t nrun, size_t self);

/* A small string-keyed hash map. */
struct strmap *strmap_new(void);
void *strmap_get(const struct strmap *m, const char *key);
void strmap_put(struct strmap *m, const char *key, void *val);

#endif
