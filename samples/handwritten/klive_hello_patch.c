// SPDX-License-Identifier: GPL-2.0
/*
 * klive_hello_patch.c - replace cmdline_proc_show (/proc/cmdline) and reach
 * the unexported saved_command_line through klive relocations.
 */
#include <linux/elf.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <klive.h>

/* Slot filled by klive with &saved_command_line (R_X86_64_64). */
static char ** const klive_hello_slot[1];

/*
 * Loads saved_command_line through a RIP-relative operand whose displacement
 * klive writes (R_X86_64_PC32); klive_hello_pc32 records where it is.
 */
static noinline char *klive_hello_pc32_read(void)
{
	char *p;

	asm volatile("movq 0x0(%%rip), %0\n"
		     "1:\n"
		     ".pushsection .data, \"aw\"\n"
		     ".balign 8\n"
		     "klive_hello_pc32:\n"
		     ".quad 1b - 4\n"
		     ".popsection\n"
		     : "=r" (p));
	return p;
}

extern void *klive_hello_pc32;

static int klive_hello_cmdline_proc_show(struct seq_file *m, void *v)
{
	char ** const *slots = klive_hello_slot;
	char **slot;

	/* the slot is const and zero to the compiler: make it really load */
	OPTIMIZER_HIDE_VAR(slots);
	slot = READ_ONCE(slots[0]);

	seq_printf(m, "klive-hello: %s\n", *slot);
	seq_printf(m, "klive-hello-pc32: %s\n", klive_hello_pc32_read());
	return 0;
}

static const struct klive_func klive_hello_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = klive_hello_cmdline_proc_show,
	},
};

/* Not const: the PC32 site's address is only known at load time. */
static struct klive_reloc klive_hello_relocs[] = {
	{
		.loc = (void *)&klive_hello_slot[0],
		.sym = "saved_command_line",
		.type = R_X86_64_64,
	},
	{
		.sym = "saved_command_line",
		.addend = -4,
		.type = R_X86_64_PC32,
	},
};

static const struct klive_object klive_hello_objs[] = {
	{
		.name = NULL,
		.funcs = klive_hello_funcs,
		.nr_funcs = ARRAY_SIZE(klive_hello_funcs),
		.relocs = klive_hello_relocs,
		.nr_relocs = ARRAY_SIZE(klive_hello_relocs),
	},
};

static const struct klive_patch klive_hello_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "klive_hello_patch",
	.objs = klive_hello_objs,
	.nr_objs = ARRAY_SIZE(klive_hello_objs),
};

static int __init klive_hello_init(void)
{
	klive_hello_relocs[1].loc = klive_hello_pc32;
	return klive_enable_patch(&klive_hello_patch);
}

static void __exit klive_hello_exit(void)
{
}

module_init(klive_hello_init);
module_exit(klive_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: patch /proc/cmdline");
