/* plan.h - the patch as emit writes it: chunks of code/data with relocations, and klive tables. */
#ifndef PATCHGEN_PLAN_H
#define PATCHGEN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ref_kind {
	REF_LOCAL,	/* a label of this patch module */
	REF_EXTERN,	/* exported: an undefined symbol for the module loader */
	REF_KLIVE,	/* not exported: a struct klive_reloc for klive.ko */
};

struct out_reloc {
	uint64_t off;		/* in the chunk */
	uint32_t type;		/* R_X86_64_* */
	enum ref_kind kind;
	const char *sym;	/* label or symbol name */
	long sympos;
	int64_t addend;
};

struct chunk {
	char *label;
	const char *section;	/* output section name */
	const char *flags;	/* "ax", "a", "aw" */
	bool nobits, code;
	uint64_t align;
	unsigned int pad;	/* nop bytes before a function (CALL_PADDING) */
	unsigned char *bytes;	/* NULL when nobits */
	uint64_t size;
	struct out_reloc *relocs;
	size_t nrelocs, cap;
};

struct pfunc;

struct ppiece {
	char *name;		/* a .cold part of the old function, or a notrace function */
	long sympos;
	struct pfunc *code;	/* runpre.c: its recorded code, as for a function; or NULL */
};

struct item;

/* A range of the old function's code klive.ko does not compare, and why. */
struct pre_range {
	uint64_t off, len;
	const char *why;
};

struct pfunc {
	char *old_name;
	long sympos;
	const char *label;
	struct ppiece *pieces;	/* klive.ko counts them as the old function */
	size_t npieces;
	const struct item *old;	/* the function in OLD */
	/* runpre.c: OLD's code, checked against the running kernel's */
	unsigned char *old_code;
	unsigned char *old_mask;	/* bit set: the byte may differ */
	uint64_t old_size;
	struct pre_range *ignored;
	size_t nignored, capignored;
};

/* Callback kinds, in struct klive_callbacks order. */
enum { CB_PRE_PATCH, CB_POST_PATCH, CB_PRE_UNPATCH, CB_POST_UNPATCH, CB_KINDS };
extern const char *const plan_callback_names[CB_KINDS];

/* A struct or union layout the copied code was built against (layout.c). */
struct pmember {
	char *name;		/* NULL for an anonymous member */
	uint64_t bit, bits;	/* offset; width if a bitfield, else 0 */
};

struct playout {
	char *name;
	bool is_union;
	bool from_new;		/* OLD does not define it: NEW's layout */
	uint64_t size;
	struct pmember *members;
	size_t nmembers;
};

/* How klive.ko tells a same-named vmlinux symbol apart without a list (symev.c). */
struct psymev {
	char *name;
	char **run;		/* its section's symbols in address order */
	size_t nrun, self;	/* it is run[self] */
	char **near;		/* its object's other symbols of the same area */
	size_t nnear;
	bool text;
	const char *fallback;	/* label of a fresh copy (a print-once flag), or NULL */
};

/* A system state the fix declares (states.c). */
struct pstate {
	uint64_t id, version;
};

struct plan {
	const char *target;	/* "vmlinux" or a module name */
	bool replace;		/* cumulative: replaces every earlier patch */
	const char *callbacks[CB_KINDS];	/* labels of the copies, or NULL */
	const char *callback_funcs[CB_KINDS];	/* their names in the fix */
	struct chunk **chunks;
	size_t nchunks, cap;
	struct pfunc *funcs;
	size_t nfuncs, capf;
	char **namespaces;
	size_t nns, capns;
	size_t nextern, nklive;
	char **special_names;	/* carried special-section entries per section */
	size_t *special_counts;
	size_t nspecial, capspecial;
	char **fspecial_funcs;	/* ... per function and section */
	char **fspecial_names;
	size_t *fspecial_counts;
	size_t nfspecial, capfspecial;
	char **pointers;	/* patched functions whose address copied code takes */
	size_t npointers, cappointers;
	struct playout *layouts;	/* klive.ko checks them against the kernel's BTF */
	bool layouts_unchecked;		/* --no-layout-check: an object had no usable DWARF */
	size_t nlayouts, caplayouts;
	struct psymev *symevs;		/* only when built without a symbol list */
	size_t nsymevs, capsymevs;
	struct pstate *states;		/* declared with include/klive_state.h */
	size_t nstates, capstates;
};

struct chunk *plan_new_chunk(struct plan *p, const char *label);
void plan_add_reloc(struct chunk *c, const struct out_reloc *r);
/* Count one carried entry of SECTION, belonging to function FUNC. */
void plan_count_special(struct plan *p, const char *section, const char *func);
void plan_add_namespace(struct plan *p, const char *ns);
/* Note that copied code takes the address of patched function NAME. */
void plan_add_pointer(struct plan *p, const char *name);

#endif
