#include "../kstub.h"
/* a module object calling a function its module exports, and one another module exports */
static const char modinfo_license[] __attribute__((section(".modinfo"), used)) = "license=GPL";
extern int modexport_other(int v);
noinline int modexport_shared(int v) { printk("shared %d\n", v); return v; }
int mod_entry(int v) { return modexport_shared(v) + modexport_other(v) + 5; }
