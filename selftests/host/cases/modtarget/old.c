#include "../kstub.h"
/* an object of a loadable module: it has a .modinfo section */
static const char modinfo_license[] __attribute__((section(".modinfo"), used)) = "license=GPL";
static noinline int mod_helper(int v) { printk("mod %d\n", v); return v; }
int mod_entry(int v) { return mod_helper(v) + 1; }
