/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klive.h - what a patch module hands to klive.ko.
 *
 * A patch module (written by patchgen, or by hand) describes its patch with
 * these read-only structures and calls klive_enable_patch() from its init.
 * klive.ko keeps its own runtime state, so the layout here is the whole ABI;
 * KLIVE_ABI_VERSION changes whenever it does.
 */
#ifndef _KLIVE_H
#define _KLIVE_H

#define KLIVE_ABI_VERSION 5

#ifdef __KERNEL__
#include <linux/module.h>

/*
 * Another piece of an old function's code: its .cold part, or a notrace
 * function only it calls (patched through it). A task stopped there is
 * inside the old function although no frame shows it. old_code, old_mask
 * and old_size as in struct klive_func: klive.ko refuses the patch unless
 * the running piece is this code; without old_code it is not checked.
 */
struct klive_piece {
	const char *name;
	unsigned long sympos;
	const unsigned char *old_code;
	const unsigned char *old_mask;
	unsigned int old_size;
};

/*
 * One function to redirect: calls to old_name (the old_sympos-th symbol of
 * that name in the object, counting from 1; 0 means the name must be unique)
 * run new_func instead. old_pieces lists the old function's other pieces.
 *
 * old_code is the old function's code the patch was built from (old_size
 * bytes); bit i % 8 of old_mask[i / 8] set means byte i is not compared
 * (relocation fields, code the kernel rewrites at boot or load). klive.ko
 * refuses the patch unless the running function is this code. Without
 * old_code (hand-written patches) the function is not checked.
 */
struct klive_func {
	const char *old_name;
	unsigned long old_sympos;
	void *new_func;
	const struct klive_piece *old_pieces;
	unsigned int nr_old_pieces;
	const unsigned char *old_code;
	const unsigned char *old_mask;
	unsigned int old_size;
};

/*
 * A reference from the patch module's code or data to a symbol of the target
 * object that the module loader cannot resolve (not exported). klive.ko
 * writes it before any function is redirected. type is an ELF
 * R_X86_64_* number: PC32, PLT32, 32, 32S or 64.
 */
struct klive_reloc {
	void *loc;
	const char *sym;
	unsigned long sympos;
	long addend;
	unsigned int type;
};

/*
 * Optional callbacks of one object, functions of the patch module, run
 * with klive's mutex held (they may sleep). pre_patch runs before any
 * function is redirected and may refuse the patch (non-zero: nothing is
 * patched); post_patch once every task runs the new code; pre_unpatch
 * before a disable starts (only after post_patch); post_unpatch once no
 * task runs the new code any more (only after a successful pre_patch).
 */
struct klive_callbacks {
	int (*pre_patch)(void);
	void (*post_patch)(void);
	void (*pre_unpatch)(void);
	void (*post_unpatch)(void);
};

/*
 * The same callbacks in the form of the kernel's livepatch (ABI 5, for
 * sources written against <linux/livepatch.h>): each gets the object's
 * cb_arg and the target module (NULL for vmlinux). An object uses one form
 * or the other.
 */
struct klive_callbacks_arg {
	int (*pre_patch)(void *arg, struct module *mod);
	void (*post_patch)(void *arg, struct module *mod);
	void (*pre_unpatch)(void *arg, struct module *mod);
	void (*post_unpatch)(void *arg, struct module *mod);
};

/*
 * A system state a patch introduces or keeps up (the kernel's klp_state,
 * same layout): id (non-zero) and version name it, data is the patch's
 * own (its callbacks may keep what they set up there). A patch may not
 * lower the version of a state an enabled patch has, and a cumulative
 * patch must know every such state: klive.ko refuses it otherwise.
 */
struct klive_state {
	unsigned long id;
	unsigned int version;
	void *data;
};

/* A member of a struct or union: where it starts and, for a bitfield, its width. */
struct klive_member {
	const char *name;		/* NULL for an anonymous member */
	unsigned int bit_offset;
	unsigned int bit_size;		/* 0 unless a bitfield */
};

/*
 * The layout of a named struct or union the patch's code uses, as in the
 * objects the patch was built from. klive.ko compares it with the running
 * kernel's BTF: a patch built from another source or configuration would
 * read and write the kernel's objects at the wrong places.
 */
struct klive_layout {
	const char *name;
	unsigned int is_union;
	unsigned int size;		/* bytes */
	const struct klive_member *members;
	unsigned int nr_members;
};

/*
 * How to tell a vmlinux symbol apart from others of the same name when the
 * patch was built without the kernel's symbol list (sympos 0): the names of
 * the symbols around it in its object. kallsyms is sorted by address and
 * the linker keeps an object's sections whole, so klive.ko looks for them
 * around each candidate (the rules of patchgen with a list):
 * - run: the names of the symbols of its section in address order, the
 *   symbol at run[run_self]; a candidate followed and preceded by exactly
 *   this run (three names or more) is the one when no other is;
 * - near: the other symbols of its object in the same area (text, data);
 *   the names among them that are unique in kallsyms must lie within
 *   2 * nr_near + 8 entries of the one candidate that has at least two of
 *   them (or all, if fewer) while no other candidate has any.
 * text says whether the symbol is code. Local symbols only. When neither decides, a reference
 * goes to fallback if set (a fresh copy of a print-once flag in the patch
 * module), else the patch is refused. Applies to every function, piece
 * and relocation of the object that names the symbol with sympos 0.
 */
struct klive_symev {
	const char *name;
	const char *const *run;
	unsigned int nr_run;
	unsigned int run_self;
	const char *const *near;
	unsigned int nr_near;
	unsigned int text;
	void *fallback;
};

/* The functions, references and type layouts that belong to one object. */
struct klive_object {
	/* NULL for vmlinux, else a module name: loaded or not, applied as it loads */
	const char *name;
	const struct klive_func *funcs;
	unsigned int nr_funcs;
	const struct klive_reloc *relocs;
	unsigned int nr_relocs;
	struct klive_callbacks callbacks;
	const struct klive_layout *layouts;	/* checked with the BTF */
	unsigned int nr_layouts;
	const struct klive_symev *symevs;	/* vmlinux only */
	unsigned int nr_symevs;
	struct klive_callbacks_arg callbacks_arg;	/* ABI 5 */
	void *cb_arg;
};

/*
 * With replace set, the patch is cumulative: once every task runs it, it
 * is the only klive patch in force. Functions that earlier klive patches
 * redirect and this one does not go back to the running kernel's code in
 * the same transition, and the earlier patches are disabled (their
 * callbacks do not run; their shadow variables pass to this patch).
 */
struct klive_patch {
	unsigned int abi;		/* KLIVE_ABI_VERSION */
	struct module *mod;		/* THIS_MODULE */
	const char *name;		/* directory in /sys/kernel/livepatch */
	const struct klive_object *objs;
	unsigned int nr_objs;
	unsigned int replace;		/* 1: replaces every earlier patch */
	struct klive_state *states;	/* ABI 5; in the module's data */
	unsigned int nr_states;
	/*
	 * 1: the patch module frees the shadow variables its code allocated
	 * itself (in its exit, as the kernel's livepatch expects); klive.ko
	 * does not free them when the patch is disabled.
	 */
	unsigned int own_shadow;
	/*
	 * 1: built from objects without usable DWARF (patchgen
	 * --no-layout-check): nobody checked that the fix keeps the layouts
	 * of the kernel's types; klive.ko logs it (ABI 5).
	 */
	unsigned int layouts_unchecked;
};

/*
 * Resolve, check and start applying @patch. On any error nothing is patched
 * and the error is returned (and logged), so the patch module's init fails.
 */
int klive_enable_patch(const struct klive_patch *patch);

/*
 * From a callback of a patch (klive's mutex is held there): its own state
 * @id, or the newest one of the enabled patches before it (during its
 * transitions, e.g. to take over the data of the state it replaces).
 * NULL if there is none. The result points into a patch module's data.
 */
struct klive_state *klive_get_state(unsigned long id);
struct klive_state *klive_get_prev_state(unsigned long id);

#endif /* __KERNEL__ */
#endif /* _KLIVE_H */
