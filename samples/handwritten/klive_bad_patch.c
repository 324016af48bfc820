// SPDX-License-Identifier: GPL-2.0
/*
 * klive_bad_patch.c - malformed patches that klive must refuse, leaving the
 * kernel as it was. The module parameter "mode" picks the defect:
 *   missing    the old function does not exist (default)
 *   initfail   a valid patch of /proc/cmdline, then the init fails
 *   datafunc   the replacement points at data, not code
 *   descreloc  a relocation would write into the patch description
 *   layout     built against a struct list_head of another size (refused
 *              by the BTF check; without BTF, for the missing function)
 *   layout_ok  list_head as compiled here, and the missing function: the
 *              layout passes, the function is refused
 *   modlayout  an object of module veth built against a one-byte struct
 *              veth_priv (a type of veth's own BTF): refused
 *   modlayout_ok  the same object with list_head only: the layouts pass
 *              (vmlinux's and veth's BTF), the missing function is refused
 *   symev      a relocation to __already_done.0 (a print-once flag of many
 *              objects) whose recorded neighbours are nowhere in kallsyms:
 *              refused as ambiguous (else for the missing function)
 */
#include <linux/elf.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <klive.h>

static char *mode = "missing";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "missing, initfail, datafunc, descreloc, layout, layout_ok, modlayout, modlayout_ok or symev");

static int klive_bad_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "klive_bad_patch must never run\n");
	return 0;
}

static const char klive_bad_data[64] = "data, not code";

static const struct klive_func klive_bad_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = klive_bad_cmdline_proc_show,
	},
};

static const struct klive_func klive_bad_missing[] = {
	{
		.old_name = "klive_no_such_function",
		.new_func = klive_bad_cmdline_proc_show,
	},
};

static const struct klive_func klive_bad_datafunc[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = (void *)klive_bad_data,
	},
};

/* Would overwrite new_func of klive_bad_funcs[0] with a kernel address. */
static const struct klive_reloc klive_bad_descreloc[] = {
	{
		.loc = (void *)&klive_bad_funcs[0].new_func,
		.sym = "saved_command_line",
		.type = R_X86_64_64,
	},
};

/* struct list_head as this module was compiled: the running kernel's own */
static const struct klive_member klive_bad_list_members[] = {
	{ "next", offsetof(struct list_head, next) * 8, 0 },
	{ "prev", offsetof(struct list_head, prev) * 8, 0 },
};

static const struct klive_layout klive_bad_layout_ok[] = {
	{
		.name = "list_head",
		.size = sizeof(struct list_head),
		.members = klive_bad_list_members,
		.nr_members = ARRAY_SIZE(klive_bad_list_members),
	},
};

/* as if built from a source where list_head has a third pointer */
static const struct klive_layout klive_bad_layout_wrong[] = {
	{
		.name = "list_head",
		.size = sizeof(struct list_head) + sizeof(void *),
		.members = klive_bad_list_members,
		.nr_members = ARRAY_SIZE(klive_bad_list_members),
	},
};

/* list_head, and a veth_priv of one byte: veth's own type, in its BTF */
static const struct klive_layout klive_bad_modlayout[] = {
	{
		.name = "list_head",
		.size = sizeof(struct list_head),
		.members = klive_bad_list_members,
		.nr_members = ARRAY_SIZE(klive_bad_list_members),
	},
	{
		.name = "veth_priv",
		.size = 1,
	},
};

/* where klive would write the flag's address, were it found */
static unsigned long klive_bad_slot;

static const struct klive_reloc klive_bad_symev_reloc[] = {
	{
		.loc = &klive_bad_slot,
		.sym = "__already_done.0",
		.type = R_X86_64_64,
	},
};

static const char *const klive_bad_symev_run[] = {
	"klive_no_such_before", "__already_done.0", "klive_no_such_after",
};

static const char *const klive_bad_symev_near[] = {
	"klive_no_such_before", "klive_no_such_after",
};

/* neighbours that no instance has: the evidence cannot decide */
static const struct klive_symev klive_bad_symev[] = {
	{
		.name = "__already_done.0",
		.run = klive_bad_symev_run,
		.nr_run = ARRAY_SIZE(klive_bad_symev_run),
		.run_self = 1,
		.near = klive_bad_symev_near,
		.nr_near = ARRAY_SIZE(klive_bad_symev_near),
	},
};

static struct klive_object klive_bad_objs[] = {
	{
		.name = NULL,
		.funcs = klive_bad_funcs,
		.nr_funcs = ARRAY_SIZE(klive_bad_funcs),
	},
};

static const struct klive_patch klive_bad_patch = {
	.abi = KLIVE_ABI_VERSION,
	.mod = THIS_MODULE,
	.name = "klive_bad_patch",
	.objs = klive_bad_objs,
	.nr_objs = ARRAY_SIZE(klive_bad_objs),
};

static int __init klive_bad_init(void)
{
	int ret;

	if (!strcmp(mode, "missing")) {
		klive_bad_objs[0].funcs = klive_bad_missing;
	} else if (!strcmp(mode, "datafunc")) {
		klive_bad_objs[0].funcs = klive_bad_datafunc;
	} else if (!strcmp(mode, "descreloc")) {
		klive_bad_objs[0].relocs = klive_bad_descreloc;
		klive_bad_objs[0].nr_relocs = ARRAY_SIZE(klive_bad_descreloc);
	} else if (!strcmp(mode, "layout") || !strcmp(mode, "layout_ok")) {
		klive_bad_objs[0].funcs = klive_bad_missing;
		klive_bad_objs[0].layouts = strcmp(mode, "layout") ?
			klive_bad_layout_ok : klive_bad_layout_wrong;
		klive_bad_objs[0].nr_layouts = 1;
	} else if (!strcmp(mode, "modlayout") || !strcmp(mode, "modlayout_ok")) {
		klive_bad_objs[0].name = "veth";
		klive_bad_objs[0].funcs = klive_bad_missing;
		klive_bad_objs[0].layouts = klive_bad_modlayout;
		klive_bad_objs[0].nr_layouts = strcmp(mode, "modlayout") ? 1 : 2;
	} else if (!strcmp(mode, "symev")) {
		klive_bad_objs[0].funcs = klive_bad_missing;
		klive_bad_objs[0].relocs = klive_bad_symev_reloc;
		klive_bad_objs[0].nr_relocs = 1;
		klive_bad_objs[0].symevs = klive_bad_symev;
		klive_bad_objs[0].nr_symevs = 1;
	} else if (strcmp(mode, "initfail")) {
		return -EINVAL;
	}
	ret = klive_enable_patch(&klive_bad_patch);
	if (ret || strcmp(mode, "initfail"))
		return ret;
	/* enabled: fail now, as a module whose later init step fails */
	pr_info("klive_bad_patch: failing init after enabling the patch\n");
	return -EIO;
}

static void __exit klive_bad_exit(void)
{
}

module_init(klive_bad_init);
module_exit(klive_bad_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klive sample: patches that must be refused");
