#include "../kstub.h"
static noinline int amb_dup(int v) { printk("dup %d\n", v); return v; }
int amb_user(int v) { return amb_dup(v) + 2; }
