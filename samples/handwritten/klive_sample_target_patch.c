// SPDX-License-Identifier: GPL-2.0
/*
 * klive_sample_target_patch.c - patch two functions of the loaded module
 * klive_sample_target; its static "hold" is reached by a PC32 relocation.
 */
#include <linux/elf.h>
#include <linux/module.h>
#include <klive.h>

/* Reads the target's static bool hold; klive writes the displacement. */
static noinline bool klive_sample_read_hold(void)
{
	unsigned long v;

	asm volatile("movzbq 0x0(%%rip), %0\n"
		     "1:\n"
		     ".pushsection .data, \"aw\"\n"
		     ".balign 8\n"
		     "klive_sample_hold_site:\n"
		     ".quad 1b - 4\n"
		     ".popsection\n"
		     : "=r" (v));
	return v;
}

extern void *klive_sample_hold_site;

static int klive_sample_answer(void)
{
	/* 42, plus a check that the relocated read sees the real "hold" */
	return 42 + 100 * klive_sample_read_hold();
}

static void klive_sample_wait(void)
{
}

static const struct klive_func klive_sample_funcs[] = {
	{
		.old_name = "klive_sample_target_answer",
		.new_func = klive_sample_answer,
	},
	{
		.old_name = "klive_sample_target_wait",
		.new_func = klive_sample_wait,
	},
};

static struct klive_reloc klive_sample_relocs[] = {
	{
		.sym = "hold",
		.addend = -4,
		.type = R_X86_64_PC32,
	},
};

static const struct klive_object klive_sample_objs[] = {
	{
		.name = "klive_sample_target",
		.funcs = klive_sample_funcs,
		.nr_funcs = ARRAY_SIZE(klive_sample_funcs),
		.relocs = klive_sample_relocs,
		.nr_relocs = ARRAY_SIZE(klive_sample_relocs),
	},
};

static const struct klive_patch klive_sample_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "klive_sample_target_patch",
	.objs = klive_sample_objs,
	.nr_objs = ARRAY_SIZE(klive_sample_objs),
};

static int __init klive_sample_patch_init(void)
{
	klive_sample_relocs[0].loc = klive_sample_hold_site;
	return klive_enable_patch(&klive_sample_patch);
}

static void __exit klive_sample_patch_exit(void)
{
}

module_init(klive_sample_patch_init);
module_exit(klive_sample_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: patch klive_sample_target");
