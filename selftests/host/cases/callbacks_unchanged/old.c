#include "../kstub.h"
int show(struct seq_file *m) { seq_puts(m, "a"); return 0; }
noinline void helper(void) { printk("helper\n"); }
