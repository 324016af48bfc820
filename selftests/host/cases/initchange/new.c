#include "../kstub.h"
int __init setup(void) { printk("setup two\n"); return 0; }
int runtime(int x) { return x; }
