#include "../kstub.h"
int first(int x) { if (x > 100) printk("big %d\n", x); return x + 1; }
int second(struct seq_file *m) { seq_puts(m, "second"); return 0; }
