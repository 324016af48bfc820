#include "../kstub.h"
static noinline int sp_dup(int v) { printk("dup %d\n", v); return v; }
static noinline int sp_twin(int v) { printk("twin %d\n", v); return v * 3; }
int sp_alpha(int v) { return sp_dup(v) + 2; }
int sp_beta(int v) { return sp_twin(v) + sp_dup(v); }
