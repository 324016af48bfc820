#include "../kstub.h"
#include "../../../../include/klive_callbacks.h"
int show(struct seq_file *m) { seq_puts(m, "b"); return 0; }
noinline void helper(void) { printk("helper\n"); }
KLIVE_POST_PATCH(helper);
