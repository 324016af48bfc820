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

#define KLIVE_ABI_VERSION 3

#ifdef __KERNEL__
#include <linux/module.h>

/*
 * Another piece of an old function's code, such as its .cold part: a task
 * stopped there is inside the old function although no frame shows it.
 */
struct klive_piece {
	const char *name;
	unsigned long sympos;
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

/* The functions and references that belong to one object. */
struct klive_object {
	const char *name;		/* NULL for vmlinux, else a module name */
	const struct klive_func *funcs;
	unsigned int nr_funcs;
	const struct klive_reloc *relocs;
	unsigned int nr_relocs;
};

struct klive_patch {
	unsigned int abi;		/* KLIVE_ABI_VERSION */
	struct module *mod;		/* THIS_MODULE */
	const char *name;		/* directory in /sys/kernel/livepatch */
	const struct klive_object *objs;
	unsigned int nr_objs;
};

/*
 * Resolve, check and start applying @patch. On any error nothing is patched
 * and the error is returned (and logged), so the patch module's init fails.
 */
int klive_enable_patch(const struct klive_patch *patch);

#endif /* __KERNEL__ */
#endif /* _KLIVE_H */
