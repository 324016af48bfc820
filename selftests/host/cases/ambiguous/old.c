#include "../kstub.h"
static noinline int dup_helper(int v) { printk("dup %d\n", v); return v; }
int user(int v) { return dup_helper(v) + 1; }
