// SPDX-License-Identifier: GPL-2.0
/* modmem.c - which part of a patch module's memory an address lies in (6.1 layouts vs 6.4+ mem[]). */
#include <linux/module.h>
#include <linux/version.h>
#include "klive_internal.h"

/* [addr, addr+len) inside [base, base+size)? */
static bool klive_span_in(unsigned long addr, size_t len, const void *base,
			  unsigned long size)
{
	unsigned long b = (unsigned long)base;

	return len && addr - b < size && len <= size - (addr - b);
}

/* Is [addr, addr+len) in @mod's core (not init) text? */
bool klive_in_module_text(unsigned long addr, size_t len,
			  const struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return klive_span_in(addr, len, mod->mem[MOD_TEXT].base,
			     mod->mem[MOD_TEXT].size);
#else
	return klive_span_in(addr, len, mod->core_layout.base,
			     mod->core_layout.text_size);
#endif
}

/* Is [addr, addr+len) in @mod's core writable data (not ro-after-init)? */
bool klive_in_module_data(unsigned long addr, size_t len,
			  const struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return klive_span_in(addr, len, mod->mem[MOD_DATA].base,
			     mod->mem[MOD_DATA].size);
#else
	const struct module_layout *l = &mod->core_layout;

	return klive_span_in(addr, len, l->base + l->ro_after_init_size,
			     l->size - l->ro_after_init_size);
#endif
}

/* Is [addr, addr+len) in @mod's core read-only data (not ro-after-init)? */
bool klive_in_module_rodata(unsigned long addr, size_t len,
			    const struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return klive_span_in(addr, len, mod->mem[MOD_RODATA].base,
			     mod->mem[MOD_RODATA].size);
#else
	const struct module_layout *l = &mod->core_layout;

	return klive_span_in(addr, len, l->base + l->text_size,
			     l->ro_size - l->text_size);
#endif
}
